"""项目储备库 sheets through ``projledger import`` (``--kind reserve``, or recognised): detect, read, apply.

The same header finder as the township sheets (:mod:`.layout`), with the reserve header
synonyms (``data/reserve_headers.json``: 投资匡算（亿元）, 项目来源, 目前进展情况, 未来三年预计投资 …).
A workbook is a reserve sheet when a header has the project name and at least two
reserve-only columns (:func:`projledger.reserve_import.looks_like_reserve`).  Rows are
validated whole by :func:`projledger.reserve_import.read_reserve_rows` before anything is
written; the clean batch is applied inside the pipeline's transaction, under its own
savepoint.
"""

from __future__ import annotations

import sqlite3

from projledger.errors import ProjledgerError
from projledger.sheets.base import Book, ImportContext, SheetReader, first_sheet
from projledger.sheets.layout import find_layout
from projledger.sheets.records import FileRead, FileResult, RowError, RowNote, SheetReading
from projledger.sheets.rows import RowShape, classify_row

__all__ = ["ReserveReader"]


def _synonyms(ctx: ImportContext) -> dict:
    if "reserve_synonyms" not in ctx.cache:
        from projledger.reserve_import import reserve_header_synonyms

        ctx.cache["reserve_synonyms"] = reserve_header_synonyms()
    return ctx.cache["reserve_synonyms"]


class ReserveReader(SheetReader):
    name = "reserve"
    label = "项目储备库表"

    def detect(self, book: Book, ctx: ImportContext) -> bool:
        from projledger.reserve_import import looks_like_reserve

        synonyms = _synonyms(ctx)
        for sheet in book.sheets:
            layout = find_layout(sheet, synonyms)
            if layout is not None and looks_like_reserve({c.field for c in layout.columns}):
                book.found["reserve"] = layout
                return True
        return False

    def refusal(self, book: Book, ctx: ImportContext) -> RowError:
        return RowError(first_sheet(book), None, None, None,
                        f"文件“{book.path.name}”不像项目储备库表：没有找到“项目名称”以及投资匡算、项目来源、"
                        "未来三年预计投资、储备库层级、项目阶段中至少两列的表头")

    def read(self, book: Book, ctx: ImportContext) -> FileRead:
        from projledger.reserve_import import read_reserve_rows

        layout = book.found["reserve"]
        township = ctx.options.township or layout.township
        parsed = FileRead(path=book.path, reader=self.name, township=township, sha256=book.sha256)
        reading = SheetReading(name=layout.sheet.name, imported=True,
                               header_rows=[layout.sheet.row_numbers[i] for i in layout.header_rows])
        parsed.sheets.append(reading)
        if layout.unknown_headers:
            parsed.warnings.append("未识别的列（已忽略）：" + "、".join(layout.unknown_headers))
        batch = read_reserve_rows(
            ctx.ledger, _rows(layout, reading), township=township,
            headers={c.field: c.header for c in layout.columns},
            money_units={c.field: c.unit for c in layout.columns if c.unit})
        parsed.payload, parsed.rows, parsed.data_rows = batch, batch.rows, batch.read
        reading.projects = batch.read
        parsed.warnings.extend(batch.warnings)
        parsed.errors.extend(RowError(e.get("sheet") or layout.sheet.name, e.get("row"), e.get("column"),
                                      e.get("value"), e["message"]) for e in batch.errors)
        return parsed

    def apply(self, writer, parsed: FileRead, result: FileResult, ctx: ImportContext) -> None:
        from projledger.reserve_import import apply_reserve_rows

        try:
            with ctx.ledger.db.atomic():
                counts = apply_reserve_rows(writer, ctx.ledger, parsed.payload)
        except (ProjledgerError, sqlite3.IntegrityError) as exc:
            message = exc.message if isinstance(exc, ProjledgerError) else f"写入数据库失败（{exc}）"
            result.errors.append(RowError(parsed.sheet, None, None, None, message))
            return
        result.committed = result.accepted = True
        result.created, result.updated, result.unchanged = counts["created"], counts["updated"], counts["unchanged"]


def _rows(layout, reading: SheetReading) -> list[dict]:
    """The data rows mapped to fields (``_row`` is the row Excel shows); other rows noted."""
    sheet = layout.sheet
    columns = [c for c in layout.columns if c.field != "seq"]
    shape = RowShape.of(layout)
    rows = []
    for index in range(layout.data_start, len(sheet.rows)):
        cells = sheet.rows[index]
        kind, _ = classify_row(cells, shape)
        if kind == "blank":
            continue
        if kind not in ("project", "unclassified"):
            text = "  ".join(str(v) for v in cells if v is not None)
            reading.notes.append(RowNote(sheet.row_numbers[index], kind, text))
            continue
        row = {"_row": sheet.row_numbers[index], "_sheet": sheet.name}
        row.update({c.field: cells[c.index] if c.index < len(cells) else None for c in columns})
        rows.append(row)
    return rows
