"""Safe, printable Excel sheets with openpyxl — shared by every exported workbook.

* **No formula from outside.** openpyxl turns any string starting with ``=`` into a live
  formula.  :func:`put` writes every string as an explicit string cell (``data_type = "s"``),
  so ``=HYPERLINK(...)`` from a township sheet stays inert text in Excel, WPS and LibreOffice.
* **Printable.** :func:`setup_sheet` sets A4 landscape, fit to one page wide, header rows
  repeated on every printed page, frozen panes under the header, and a Chinese font.
* **Formats.** 万元 with thousands separators (``#,##0.00``), rates as percentages
  (``0.0%``), dates as ``yyyy-mm-dd``.
* **Atomic.** :func:`save_workbook` writes to a temporary file and renames it into place.

Import this module only inside commands (it imports openpyxl).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from projledger.text import clean_cell
from projledger.fileio import save_with

__all__ = [
    "FONT_NAME", "MONEY", "RATE", "DATE", "INTEGER", "CARD_FILLS", "BOTTOM3_FILL",
    "new_workbook", "put", "write_title", "write_table", "setup_sheet", "save_workbook",
]

FONT_NAME = "宋体"
MONEY = "#,##0.00"
RATE = "0.0%"
DATE = "yyyy-mm-dd"
INTEGER = "0"
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
CARD_FILLS = {
    "red": PatternFill("solid", fgColor="FF9999"),
    "yellow": PatternFill("solid", fgColor="FFE699"),
    "blue": PatternFill("solid", fgColor="9DC3E6"),
}
BOTTOM3_FILL = PatternFill("solid", fgColor="FFC7CE")


def new_workbook() -> Workbook:
    """An empty workbook (its default sheet removed)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def put(ws: Worksheet, row: int, column: int, value: object, *, number_format: str | None = None,
        bold: bool = False, fill: PatternFill | None = None, border: bool = True, wrap: bool = False,
        align: str | None = None, size: int = 10):
    """Write one cell safely: strings are always string cells, never formulas."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if value is None:
        cell.value = None
    elif isinstance(value, str):
        # Text typed on the command line or stored before the reader cleaned it may still hold
        # a vertical tab or another control character that openpyxl refuses.
        cell.value = clean_cell(value)
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    else:
        cell.value = value
    if number_format:
        cell.number_format = number_format
    elif isinstance(value, dt.date):
        cell.number_format = DATE
    cell.font = _font(bold, size)
    if fill is not None:
        cell.fill = fill
    if border:
        cell.border = BORDER
    if wrap or align:
        cell.alignment = _alignment(wrap, align)
    return cell


@functools.lru_cache(maxsize=None)
def _font(bold: bool, size: int) -> Font:
    # One shared object per style: openpyxl hashes every new style object it is given,
    # which made thousand-row sheets spend most of their time building identical fonts.
    return Font(name=FONT_NAME, bold=bold, size=size)


@functools.lru_cache(maxsize=None)
def _alignment(wrap: bool, align: str | None) -> Alignment:
    return Alignment(wrap_text=wrap, horizontal=align, vertical="center")


def write_title(ws: Worksheet, text: str, width: int, *, row: int = 1, subtitle: str | None = None) -> int:
    """A merged, centred title (and optional subtitle) across ``width`` columns; returns next row."""
    put(ws, row, 1, text, bold=True, border=False, align="center", size=16)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(width, 1))
    ws.row_dimensions[row].height = 28
    row += 1
    if subtitle:
        put(ws, row, 1, subtitle, border=False, align="center")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(width, 1))
        row += 1
    return row


def write_table(ws: Worksheet, top: int, headers: Sequence[str], rows: Iterable[Sequence[object]],
                *, formats: dict[int, str] | None = None, widths: Sequence[int] | None = None,
                wrap_columns: Iterable[int] = ()) -> int:
    """Header row at ``top`` and data below; ``formats`` maps 0-based column → number format.

    Returns the number of data rows written.
    """
    formats = formats or {}
    wrap = set(wrap_columns)
    for index, header in enumerate(headers, start=1):
        put(ws, top, index, header, bold=True, fill=HEADER_FILL, wrap=True, align="center")
    count = 0
    for count, values in enumerate(rows, start=1):
        for index, value in enumerate(values):
            put(ws, top + count, index + 1, value, number_format=formats.get(index),
                wrap=index in wrap)
    for index, header in enumerate(headers):
        width = widths[index] if widths and index < len(widths) else max(8, min(40, len(header) * 2 + 2))
        ws.column_dimensions[get_column_letter(index + 1)].width = width
    return count


def setup_sheet(ws: Worksheet, *, header_row: int, first_column_frozen: int = 1,
                last_column: int | None = None) -> None:
    """A4 landscape, fit to width, header repeated on every page, panes frozen under the header."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.75  # room for the 第N页 footer, which LibreOffice clips otherwise
    ws.page_margins.footer = 0.3
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=first_column_frozen + 1)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if last_column:
        ws.print_area = f"A1:{get_column_letter(last_column)}{max(ws.max_row, header_row)}"


def save_workbook(workbook: Workbook, dest: Path) -> Path:
    """Save atomically: temporary file in the same directory, then rename."""
    return save_with(Path(dest), lambda tmp: workbook.save(tmp))
