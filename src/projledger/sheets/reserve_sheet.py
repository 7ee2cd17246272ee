"""项目储备库 spreadsheets through ``projledger import`` (``--kind reserve``, or detected).

The same defensive reader and header finder as the township sheets (:mod:`.readers`,
:mod:`.layout`), with the reserve header synonyms (``schemas/reserve_headers.json``: 投资匡算
（亿元）, 项目来源, 目前进展情况, 未来三年预计投资 …).  Rows are validated whole by
:func:`projledger.reserve_import.read_reserve_rows` before anything is written; the clean
batch is applied inside the import command's one transaction, under its own savepoint, by
:func:`apply_reserve_file`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from projledger.errors import DataError, ProjledgerError
from projledger.sheets import layout as layout_mod
from projledger.sheets.readers import Sheet

__all__ = ["ReserveFile", "reserve_layout", "read_reserve_file", "apply_reserve_file"]


@dataclass
class ReserveFile:
    path: Path
    batch: object = None  # projledger.reserve_import.ReserveBatch
    township: str | None = None
    sheet: str | None = None
    warnings: list[str] = field(default_factory=list)


def reserve_layout(sheets: list[Sheet], *, required: bool):
    """The reserve-sheet layout of these sheets, or None when they do not look like one.

    With ``required`` (``--kind reserve``) a file without a reserve header is that file's
    error; otherwise a header must have the project name and two reserve-only columns.
    """
    from projledger.reserve_import import looks_like_reserve, reserve_header_synonyms

    synonyms = reserve_header_synonyms()
    for sheet in sheets:
        found = layout_mod.find_layout(sheet, synonyms)
        if found is not None and looks_like_reserve({c.field for c in found.columns}):
            return found
    if required:
        name = next((s.source for s in sheets if s.source), "")
        raise DataError(f"文件“{name}”不像项目储备库表：没有找到“项目名称”以及投资匡算、项目来源、"
                        "未来三年预计投资、储备库层级、项目阶段中至少两列的表头")
    return None


def _rows(layout) -> list[dict]:
    sheet = layout.sheet
    columns = [c for c in layout.columns if c.field != "seq"]
    rows = []
    for index in range(layout.data_start, len(sheet.rows)):
        cells = sheet.rows[index]
        kind, _ = layout_mod.classify_row(cells, layout)
        if kind != "data":
            continue
        row = {"_row": sheet.row_numbers[index], "_sheet": sheet.name}
        row.update({c.field: cells[c.index] if c.index < len(cells) else None for c in columns})
        rows.append(row)
    return rows


def read_reserve_file(ledger, path: Path, layout, township_option: str | None) -> ReserveFile:
    """Validate every row of the file's reserve sheet; writes nothing."""
    from projledger.reserve_import import read_reserve_rows

    township = township_option or layout.township
    parsed = ReserveFile(path=Path(path), township=township, sheet=layout.sheet.name)
    if layout.unknown_headers:
        parsed.warnings.append("未识别的列（已忽略）：" + "、".join(layout.unknown_headers))
    parsed.batch = read_reserve_rows(
        ledger, _rows(layout), township=township,
        headers={c.field: c.header for c in layout.columns},
        money_units={c.field: c.unit for c in layout.columns if c.unit})
    return parsed


def apply_reserve_file(writer, ledger, parsed: ReserveFile) -> tuple[dict | None, str | None]:
    """Write one clean file under a savepoint: (counts, None), or (None, the error) and nothing."""
    from projledger.reserve_import import apply_reserve_rows

    try:
        with ledger.db.atomic():
            return apply_reserve_rows(writer, ledger, parsed.batch), None
    except (ProjledgerError, sqlite3.IntegrityError) as exc:
        return None, exc.message if isinstance(exc, ProjledgerError) else f"写入数据库失败（{exc}）"
