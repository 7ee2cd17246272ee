"""Spreadsheet readers: every accepted file becomes a list of :class:`Sheet` grids.

One common shape whatever the source: ``Sheet.rows`` holds plain Python cell values
(``str``/``int``/``float``/``bool``/``date``/``datetime``/``time``/``timedelta``/``None``)
indexed from Excel's row 1 and column A, so ``rows[i][j]`` is the cell Excel shows at row
``row_numbers[i]``, column ``j``.  Trailing empty cells of a row and trailing empty rows are
trimmed; blank rows inside the sheet stay (as ``[]``) so row numbers remain obvious.

* ``.xlsx``/``.xls``/``.ods`` are read by python-calamine after :func:`safety.inspect` has
  vetted the file (the kind is sniffed from the bytes, not the extension).  calamine
  already converts date-formatted cells — in either the 1900 or the 1904 date system — to
  ``date``/``datetime``; ``Sheet.epoch1904`` matters only for bare serial numbers.  It reads
  error cells and formula cells without a cached value as blank, so those come from the
  safety scan (``formula_cells``, ``error_cells``; xlsx only — .xls always caches results).
* ``.csv``: decoded as UTF-8 with BOM, UTF-8, then GB18030 (a superset of GBK); Excel's
  UTF-16 "Unicode text" is accepted too.  The delimiter is a comma unless the first lines
  are clearly tab- or semicolon-separated.  Every CSV cell is a ``str``.

The reader does one light pass per row: every text cell (and the sheet name) cleaned by
:func:`projledger.text.clean_cell` (invisible and control characters, SPEC §4b — the import
does not clean again), blank → ``None``, trailing blanks trimmed, cells past ``MAX_COLS``
cut with ``truncated`` set.  A sheet past ``MAX_ROWS`` refuses the whole file (SPEC §10: a
row cap is never a partial import).  ``hidden_cols``/``hidden_rows`` come from the pre-scan
for .xlsx (``<col hidden>``/``<row hidden>``), .xls (COLINFO/ROW records) and .ods
(collapsed or filtered columns and rows); a CSV has none.

:func:`read_workbook` — what commands call — runs :func:`read_workbook_here` in the reader
process (:mod:`.sandbox`), so an abort, exhausted memory or a hang in calamine is one
error for that file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from projledger.sheets import safety
from projledger.text import clean_cell

__all__ = ["Sheet", "read_workbook", "read_workbook_here", "read_csv", "MAX_ROWS", "MAX_COLS"]

MAX_ROWS = 200_000
MAX_COLS = 2_000
_CSV_ENCODINGS = ("utf-8-sig", "utf-8", "gb18030")


@dataclass
class Sheet:
    """One worksheet as a grid of plain values (see the module docstring)."""

    name: str
    rows: list[list[object]]
    row_numbers: list[int]
    formula_cells: set[tuple[int, int]] = field(default_factory=set)  # (excel_row, col0), no cached value
    epoch1904: bool = False
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (r0, c0, r1, c1) into rows
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)  # (excel_row, col0) -> "#DIV/0!"
    hidden: bool = False
    truncated: bool = False  # cells past MAX_COLS were dropped (rows past MAX_ROWS refuse the file)
    source: str = ""  # file name, for messages
    hidden_cols: set[int] = field(default_factory=set)  # 0-based columns hidden in the file
    hidden_rows: set[int] = field(default_factory=set)  # Excel row numbers hidden in the file


def read_workbook(path: Path) -> list[Sheet]:
    """All worksheets of one file, read in the reader process (:mod:`.sandbox`).

    Whatever the file does to the reader — a refusal, an exception, a crash, exhausted
    memory, a hang — comes back as one DataError naming the file.
    """
    from projledger.fileio import input_problem
    from projledger.sheets import sandbox

    problem = input_problem(path, max_bytes=safety.MAX_FILE_BYTES)  # FIFO, device, directory: here
    if problem is not None:
        raise safety.fail(path, problem)
    return sandbox.read_workbook(Path(path))


def read_workbook_here(path: Path) -> list[Sheet]:
    """All worksheets of one file, in this process; DataError if unreadable.

    Only for the reader process and for measuring it: commands call :func:`read_workbook`.
    """
    path = Path(path)
    info = safety.inspect(path)
    if info.kind == "csv":
        return [read_csv(path, encoding_hint=info.encoding)]
    return _read_calamine(path, info)


# ---------------------------------------------------------------- calamine


def _read_calamine(path: Path, info: safety.Inspection) -> list[Sheet]:
    import python_calamine as calamine

    try:
        workbook = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError:
        raise safety.fail(path, "文件设置了打开密码（已加密），请取消密码后另存再导入") from None
    except Exception as exc:  # calamine raises several unrelated types for corrupt files
        raise safety.fail(path, f"文件已损坏或不是有效的{info.kind}表格；请用 Excel 或 WPS 打开后另存为 .xlsx "
                                "再导入") from None
    sheets: list[Sheet] = []
    with workbook:
        for meta in workbook.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            _check_extent(path, meta.name, info)
            try:
                grid = workbook.get_sheet_by_name(meta.name)
                raw = grid.to_python(skip_empty_area=False, nrows=MAX_ROWS + 1)
                merged = grid.merged_cell_ranges or []
            except Exception as exc:
                raise safety.fail(path, f"工作表“{meta.name}”的内容不合 Excel 文件格式，无法读取（常见于其他软件"
                                        "导出的文件）；请用 Excel 或 WPS 打开后另存为 .xlsx 再导入") from None
            sheet = _sheet_from_grid(path, meta.name, raw)
            sheet.hidden = meta.visible != calamine.SheetVisibleEnum.Visible
            sheet.epoch1904 = info.epoch1904
            sheet.formula_cells = info.formula_cells.get(meta.name, set())
            sheet.error_cells = info.error_cells.get(meta.name, {})
            sheet.hidden_cols = info.hidden_cols.get(meta.name, set())
            sheet.hidden_rows = info.hidden_rows.get(meta.name, set())
            sheet.merged = _clip_merged(merged, len(sheet.rows))
            sheet.source = path.name
            sheets.append(sheet)
    return sheets


def _short(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 80 else text[:77] + "…"


def _check_extent(path: Path, name: str, info: safety.Inspection) -> None:
    """Refuse a sheet whose used extent would make calamine allocate a huge dense grid."""
    if info.kind != "xlsx":
        return  # .xls is bounded by its format (65,536 x 256); .ods repeats are checked by safety
    if name not in info.extent:  # the scan never saw this sheet's XML: do not let calamine guess
        raise safety.fail(path, f"工作表“{name}”在文件中无法定位，文件可能已损坏")
    rows, cols = info.extent[name]
    if rows * cols > safety.MAX_CELLS:
        raise safety.fail(
            path,
            f"工作表“{name}”的数据区域过大（约{rows}行×{cols}列），可能在远处单元格有零星内容，"
            "请删除多余的行列后另存再导入",
        )


def _sheet_from_grid(path: Path, name: str, raw: list[list[object]]) -> Sheet:
    """The light per-row pass: text cleaned, "" -> None, trailing blanks trimmed, columns capped."""
    if len(raw) > MAX_ROWS:
        raise _too_many_rows(path, clean_cell(name))
    truncated = False
    rows: list[list[object]] = []
    for row in raw:
        if len(row) > MAX_COLS:
            truncated = truncated or any(v != "" for v in row[MAX_COLS:])
            row = row[:MAX_COLS]
        cells = [(clean_cell(v) or None) if v.__class__ is str else v for v in row]
        while cells and cells[-1] is None:
            cells.pop()
        rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    return Sheet(name=clean_cell(name), rows=rows, row_numbers=list(range(1, len(rows) + 1)),
                 truncated=truncated)


def _too_many_rows(path: Path, sheet: str):
    return safety.fail(path, f"工作表“{sheet}”超过{MAX_ROWS:,}行的上限，整个文件未导入"
                             "（请拆分成几个文件后再导入）")


def _clip_merged(ranges, height: int) -> list[tuple[int, int, int, int]]:
    merged = []
    for (r0, c0), (r1, c1) in ranges:
        if r0 < height and c0 < MAX_COLS:
            merged.append((r0, c0, min(r1, height - 1), min(c1, MAX_COLS - 1)))
    return merged


# ---------------------------------------------------------------- csv


def read_csv(path: Path, encoding_hint: str | None = None) -> Sheet:
    """One CSV file as a Sheet named after the file (all cells ``str``)."""
    path = Path(path)
    text = _decode(path, path.read_bytes(), encoding_hint)
    delimiter = _delimiter(text)
    rows: list[list[object]] = []
    numbers: list[int] = []
    truncated = False
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            if len(rows) >= MAX_ROWS:
                raise _too_many_rows(path, clean_cell(path.stem))
            if len(record) > MAX_COLS:
                truncated = truncated or any(record[MAX_COLS:])
                record = record[:MAX_COLS]
            cells = [cell if (cell := clean_cell(raw)).strip() else None for raw in record]
            while cells and cells[-1] is None:
                cells.pop()
            rows.append(cells)
            numbers.append(len(rows))  # the record number, as Excel shows the row
    except csv.Error as exc:
        raise safety.fail(path, f"第{len(rows) + 1}行无法解析（{exc}）") from None
    while rows and not rows[-1]:
        rows.pop()
        numbers.pop()
    return Sheet(name=clean_cell(path.stem), rows=rows, row_numbers=numbers, truncated=truncated,
                 source=path.name)


def _decode(path: Path, raw: bytes, hint: str | None) -> str:
    encodings = ("utf-16",) if hint == "utf-16" else _CSV_ENCODINGS
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise safety.fail(path, "无法识别文件编码（CSV请保存为UTF-8或GBK编码）")


def _delimiter(text: str) -> str:
    """Comma, unless tab or semicolon splits clearly more of the first lines into ≥3 fields.

    ``csv.Sniffer`` gives up on the title line township CSVs start with, so this counts
    instead: for each candidate, how many of the first 30 non-blank lines parse into at
    least three fields.  Ties go to the comma.
    """
    sample = [line for line in text[:65536].splitlines()[:60] if line.strip()][:30]
    best, best_count = ",", -1
    for candidate in (",", "\t", ";"):
        try:
            count = sum(1 for record in csv.reader(sample, delimiter=candidate) if len(record) >= 3)
        except csv.Error:
            continue
        if count > best_count:
            best, best_count = candidate, count
    return best
