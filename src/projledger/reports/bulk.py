"""Long tables in openpyxl workbooks, fast: rows written straight into the sheet XML.

openpyxl costs some 15–20 µs of CPU per styled cell (a cell object, its style record, an
XML element at save time).  The monthly report of a county with 20,000 plan projects has
half a million cells, which would take ten seconds.  :class:`BulkRows` keeps everything
openpyxl is good at — titles, headers, merged cells, charts, print setup, the styles table —
and writes only the *data rows* of long tables itself:

1. styles are registered with :func:`~projledger.reports.xlsx.put` on a scratch sheet (so a
   bulk cell looks exactly like a ``put`` cell: Chinese font, border, number format) and
   referred to by their ``cellXfs`` index;
2. rows are rendered to ``<row>`` XML at once (numbers and dates as numbers, strings as
   inline strings — always text, never formulas; XML-illegal control characters dropped)
   and spooled to a temporary file per sheet, so a province's 100,000-row sheets are not
   held in memory;
3. :meth:`BulkRows.save` saves the workbook with openpyxl to a temporary file, streams the
   spooled rows into each sheet's ``<sheetData>`` (and widens ``<dimension>``), and renames
   the result into place (:func:`projledger.fileio.save_with`) — never half a file.

Rules for callers: bulk rows of a sheet must come *after* every cell openpyxl writes on that
sheet (they are appended to ``sheetData``, which must stay in row order; empty cells there,
such as the one ``freeze_panes`` creates, are dropped at save time) and are added in
ascending order; set the print area with :meth:`BulkRows.last_row`, since ``ws.max_row``
does not see them.

Import inside commands only (openpyxl).
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from projledger.fileio import save_with
from projledger.reports.xlsx import FONT_NAME, put

__all__ = ["BulkRows", "text_lines"]

_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037\ufffe\uffff]")
_EPOCH = dt.date(1899, 12, 30)
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')
_SHEETDATA_EMPTY = re.compile(rb"<sheetData\s*/>")
_SPOOL_ROWS = 2000


def _escape(text: str) -> str:
    # Most cells are plain printable text: nothing to remove or escape (checked in C).
    if text.isprintable() and "&" not in text and "<" not in text and ">" not in text:
        return text
    text = _ILLEGAL.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text_cell(ref: str, s: str, value: str) -> str:
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_escape(value)}</t></is></c>'


def _style_attr(style: int) -> str:
    return f' s="{style}"' if style else ""


def _cell(ref: str, style: int, value: object) -> str:
    return _cell_xml(ref, _style_attr(style), value)


def _cell_xml(ref: str, s: str, value: object) -> str:
    """One ``<c>``; ``s`` is the style attribute (:func:`_style_attr`)."""
    kind = type(value)
    if kind is str:
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_escape(value)}</t></is></c>'
    if value is None:
        return f'<c r="{ref}"{s}/>'
    if kind is int or kind is float:
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    if kind is Decimal:
        return f'<c r="{ref}"{s}><v>{format(value, "f")}</v></c>'
    if kind is bool:
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.datetime):
        serial = (value - dt.datetime(1899, 12, 30)).total_seconds() / 86400
        return f'<c r="{ref}"{s}><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}"{s}><v>{(value - _EPOCH).days}</v></c>'
    if isinstance(value, (int, float, Decimal)):  # subclasses (IntEnum, …)
        return f'<c r="{ref}"{s}><v>{float(value)!r}</v></c>'
    return _text_cell(ref, s, str(value))


def text_lines(value: object, width: float) -> int:
    """Printed lines a wrapped text needs in a column ``width`` characters wide (CJK = 2)."""
    if not isinstance(value, str) or not value:
        return 1
    usable = max(int(width * 1.1) - 1, 1)  # widths are in 11-pt characters; the cells use 10 pt
    if len(value) * 2 <= usable:
        return 1
    # display units: 1 per ASCII character, 2 per CJK one (3 bytes in UTF-8 → +1 each)
    units = len(value) + (len(value.encode("utf-8")) - len(value)) // 2
    return max(1, -(-units // usable))


class BulkRows:
    """Data rows of long tables, rendered to XML and spliced in at save time."""

    def __init__(self, workbook):
        self.workbook = workbook
        self._scratch = None
        self._styles: dict[tuple, int] = {}
        self._rows: dict[int, object] = {}  # id(ws) -> temporary file of the rendered rows (UTF-8)
        self._sheets: dict[int, object] = {}
        self._last: dict[int, tuple[int, int]] = {}  # id(ws) -> (last row, last column)
        self._first: dict[int, int] = {}  # id(ws) -> first bulk row

    def style(self, number_format: str | None = None, fill=None, wrap: bool = False,
              align: str | None = None, bold: bool = False, color: str | None = None) -> int:
        """The ``cellXfs`` index of a ``put``-style cell with these properties."""
        key = (number_format, id(fill), wrap, align, bold, color)
        if key not in self._styles:
            if self._scratch is None:
                self._scratch = self.workbook.create_sheet("_bulk_styles")
            # a fresh scratch cell per style: put() only sets what it is given
            cell = put(self._scratch, len(self._styles) + 1, 1, None, number_format=number_format,
                       fill=fill, wrap=wrap, align=align, bold=bold)
            if color:
                cell.font = Font(name=FONT_NAME, size=10, bold=bold, color=color)
            # tall (wrapped) rows: every cell centred vertically
            cell.alignment = Alignment(wrap_text=wrap, horizontal=align, vertical="center")
            self._styles[key] = cell.style_id
        return self._styles[key]

    def add_rows(self, ws, first_row: int, rows: Sequence[Sequence[object]], styles: Sequence[int],
                 special: dict[int, Callable[[int, object], int | None]] | None = None,
                 heights: Sequence[float | None] | None = None) -> int:
        """Render ``rows`` from ``first_row`` down with ``styles`` per column; ``special`` maps a
        column to ``pick(i, value)``, which may return another style for that cell (``i`` is
        the 0-based row index).  Returns the last row."""
        key = id(ws)
        if key in self._last and first_row <= self._last[key][0]:
            raise ValueError("bulk rows must be added in ascending order")
        letters = [get_column_letter(c) for c in range(1, max((len(r) for r in rows), default=0) + 1)]
        if key not in self._rows:
            self._rows[key] = tempfile.TemporaryFile()
        spool = self._rows[key]
        out: list[str] = []
        self._sheets[key] = ws
        self._first.setdefault(key, first_row)
        number = first_row - 1
        plain = [_style_attr(style) for style in styles]
        picks = [(special or {}).get(c) for c in range(len(letters))]
        attr_of = {}  # style id → attribute text, for the styles ``special`` picks
        cell_xml = _cell_xml
        for index, values in enumerate(rows):
            number = first_row + index
            height = heights[index] if heights is not None else None
            attrs = f' ht="{height:g}" customHeight="1"' if height else ""
            row_text = str(number)
            cells = []
            for c, value in enumerate(values):
                pick = picks[c]
                s_attr = plain[c]
                if pick is not None:
                    chosen = pick(index, value)
                    if chosen:
                        s_attr = attr_of.get(chosen) or attr_of.setdefault(chosen, _style_attr(chosen))
                cells.append(cell_xml(letters[c] + row_text, s_attr, value))
            out.append(f'<row r="{row_text}"{attrs}>{"".join(cells)}</row>')
            if len(out) >= _SPOOL_ROWS:  # rendered rows go to disk, not into memory
                spool.write("".join(out).encode("utf-8"))
                out.clear()
        spool.write("".join(out).encode("utf-8"))
        if rows:
            width = max(len(r) for r in rows)
            last_col = max(width, self._last.get(key, (0, 0))[1])
            self._last[key] = (number, last_col)
        return number

    def last_row(self, ws) -> int:
        """The sheet's last row, bulk rows included."""
        return max(ws.max_row, self._last.get(id(ws), (0, 0))[0])

    def save(self, dest: Path) -> Path:
        """Save atomically: openpyxl writes the workbook, the rows are spliced in, then rename."""
        if self._scratch is not None:
            self.workbook.remove(self._scratch)
            self._scratch = None
        return save_with(Path(dest), self._write)

    def _clear_below(self) -> None:
        """Drop empty openpyxl cells in the bulk range (``freeze_panes`` creates one); any
        openpyxl cell with content there is a caller's mistake."""
        for key, ws in self._sheets.items():
            first = self._first[key]
            for (row, column), cell in list(ws._cells.items()):
                if row < first:
                    continue
                if cell.value is not None or cell.has_style:
                    raise ValueError(f"{ws.title}!{cell.coordinate}: bulk rows must come after "
                                     "every openpyxl cell of the sheet")
                del ws._cells[(row, column)]

    def _write(self, tmp: Path) -> None:
        self._clear_below()
        self.workbook.save(tmp)
        if not self._rows:
            return
        patches = {ws.path.lstrip("/"): (ws, key) for key, ws in self._sheets.items()}
        with zipfile.ZipFile(tmp) as source:
            entries = [(info, source.read(info.filename)) for info in source.infolist()]
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
            for info, data in entries:
                if info.filename not in patches:
                    target.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
                    continue
                ws, key = patches[info.filename]
                head, tail = self._splice(data, ws, key)
                entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                entry.compress_type = zipfile.ZIP_DEFLATED
                spool = self._rows[key]
                size = spool.seek(0, 2) + len(head) + len(tail)
                spool.seek(0)
                # streamed from the spool; ZIP64 only when needed (old Excel dislikes it)
                with target.open(entry, "w", force_zip64=size >= 2**31) as out:
                    out.write(head)
                    while chunk := spool.read(1 << 20):
                        out.write(chunk)
                    out.write(tail)

    def _splice(self, data: bytes, ws, key: int) -> tuple[bytes, bytes]:
        """The sheet's XML before and after where the bulk rows go (dimension widened)."""
        if _SHEETDATA_EMPTY.search(data):
            data = _SHEETDATA_EMPTY.sub(lambda _: b"<sheetData></sheetData>", data, count=1)
        head, sep, tail = data.partition(b"</sheetData>")
        if not sep:
            raise ValueError(f"no sheetData in {ws.title}")
        last_row, last_col = self._last[key]
        ref = f"A1:{get_column_letter(max(last_col, ws.max_column))}{max(last_row, ws.max_row)}"
        head = _DIMENSION.sub(lambda _: f'<dimension ref="{ref}"/>'.encode(), head, count=1)
        return head, sep + tail
