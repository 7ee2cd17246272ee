"""Streaming byte-level scan of one worksheet's XML (the xlsx part of :mod:`.safety`).

A per-element Python parse of a 50,000-row sheet takes several times longer than
calamine's whole read, so the sheet XML is *scanned* with byte searches in the same pass
that inflates it.  The scan finds:

* the used extent — the largest row number and column actually present, never the declared
  ``<dimension>`` — from every cell reference in any spelling: the common ``r="B12"`` by two
  cheap searches that match only the rare refs beyond column Z or at row 100,000 and below,
  any other spelling (single quotes, blanks around ``=``, lower case) in full.  A reference
  outside Excel's grid (``ZZZZZZ3``, row 2,000,000) is recorded in ``bad_ref``;
* formula cells without a cached ``<v>`` value and error cells (``t="e"``), which calamine
  reads as blank;
* hidden rows (``<row r="5" hidden="1">``; a row without ``r`` is not named) and hidden
  columns (``<col min="2" max="4" hidden="1">``), within the reader's column cap.
"""

from __future__ import annotations

import re

__all__ = ["SheetScan", "attributes", "column_number", "EXCEL_ROWS", "EXCEL_COLS"]

_PROLOG_BYTES = 64 * 1024
_HIDDEN_COLS_CAP = 2_000  # the reader keeps no column past this (readers.MAX_COLS)


def column_number(letters: bytes | str) -> int:
    """1-based column number of column letters ("A" -> 1, "AA" -> 27)."""
    number = 0
    for char in letters.upper() if isinstance(letters, str) else letters.decode().upper():
        number = number * 26 + ord(char) - 64
    return number


_REF = re.compile(rb"\sr=\"([A-Z]{1,3})(\d{1,7})\"")
_TYPE = re.compile(rb"\st=\"(\w+)\"")
_ROOT = re.compile(rb"<(\w+:)?worksheet[\s>]")
# The common spelling r="B12" is checked by two cheap searches that only match the rare
# refs beyond column Z or at row 100,000 and below; any other spelling (single quotes,
# blanks around "=", lower case) is rare too and is checked in full by _ODD_REF.
_WIDE = re.compile(rb"\sr=\"([A-Za-z]{2,})\d")
_DEEP = re.compile(rb"\sr=\"[A-Za-z]*(\d{6,})\"")
_ODD_REF = re.compile(rb"\sr(?:\s*=\s*'([^']*)'|\s+=\s*\"([^\"]*)\"|=\s+\"([^\"]*)\"|=\"([^\"]*[a-z][^\"]*)\")")
_REF_PARTS = re.compile(rb"\s*([A-Za-z]*)\s*(\d*)\s*$")
_ATTR = re.compile(rb"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_ERROR_TYPE = b't="e"'
EXCEL_ROWS = 1_048_576
EXCEL_COLS = 16_384
_TRUE = (b"1", b"true")


def attributes(tag: bytes) -> dict[bytes, bytes]:
    """Attributes of one start tag, in either quoting, local names (prefix dropped)."""
    return {name.rsplit(b":", 1)[-1]: a or b for name, a, b in _ATTR.findall(tag)}


class SheetScan:
    """Streaming byte-level scan of one worksheet's XML (see the module docstring).

    ``max_row``/``max_col`` are upper bounds of the used extent (columns A–Z count as 26).
    The stream is cut after the last complete cell or row of each chunk, so a cell is
    always scanned whole.
    """

    def __init__(self) -> None:
        self.max_row = 0
        self.max_col = 0
        self.formulas: set[tuple[int, int]] = set()
        self.errors: dict[tuple[int, int], str] = {}
        self.hidden_rows: set[int] = set()
        self.hidden_cols: set[int] = set()
        self.bad_ref: bytes | None = None  # a cell reference outside Excel's grid
        self._carry = b""
        self._prefix: bytes | None = None
        self._row_elements = 0

    def _compile(self, prefix: bytes) -> None:
        p = re.escape(prefix)
        self._prefix = prefix
        self._row_re = re.compile(rb"<" + p + rb"row\b[^>]*?\sr=\"(\d+)\"")
        self._hidden_re = re.compile(rb"<" + p + rb"(row|col)\s[^>]*?hidden[^>]*>")
        self._formula_re = re.compile(rb"<" + p + rb"f[\s>/]")
        self._row_open = (b"<" + prefix + b"row ", b"<" + prefix + b"row>")
        self._cell_open = b"<" + prefix + b"c "
        self._cell_close = b"</" + prefix + b"c>"
        self._row_close = b"</" + prefix + b"row>"
        self._value_open = b"<" + prefix + b"v"
        self._value_close = b"</" + prefix + b"v>"

    def feed(self, chunk: bytes) -> None:
        data = self._carry + chunk
        if self._prefix is None:
            root = _ROOT.search(data)
            if root is None:
                self._carry = data[-_PROLOG_BYTES:]
                return
            self._compile(root.group(1) or b"")
        cut = max(data.rfind(self._cell_close), data.rfind(self._row_close))
        if cut < 0:
            self._carry = data
            return
        cut = data.index(b">", cut) + 1
        self._carry = data[cut:]
        self._scan(data[:cut])

    def finish(self) -> None:
        if self._prefix is not None and self._carry:
            self._scan(self._carry)
        self._carry = b""

    def _scan(self, piece: bytes) -> None:
        rows = self._row_re.findall(piece) + _DEEP.findall(piece)
        self._row_elements += piece.count(self._row_open[0]) + piece.count(self._row_open[1])
        self.max_row = max(self.max_row, self._row_elements, max(map(int, rows), default=0))
        wide = set(_WIDE.findall(piece))
        narrow = 26 if self._cell_open in piece else 0
        self.max_col = max(self.max_col, narrow, max(map(column_number, wide), default=0))
        for match in _ODD_REF.finditer(piece):
            if piece.rfind(b"<", 0, match.start()) > piece.rfind(b">", 0, match.start()):  # in a tag
                self._odd_ref(b"".join(g for g in match.groups() if g is not None))
        if self.max_row > EXCEL_ROWS or self.max_col > EXCEL_COLS:
            self.bad_ref = self.bad_ref or f"第{self.max_row}行/第{self.max_col}列".encode()
        if b"hidden" in piece:
            for match in self._hidden_re.finditer(piece):
                self._hidden(match.group(1), attributes(match.group()))
        if self._formula_re.search(piece):
            for match in self._formula_re.finditer(piece):
                self._formula_at(piece, match.start())
        pos = piece.find(_ERROR_TYPE)
        while pos >= 0:
            self._error_at(piece, pos)
            pos = piece.find(_ERROR_TYPE, pos + 1)

    def _odd_ref(self, value: bytes) -> None:
        """A reference spelled unusually: counted into the extent like any other, or refused."""
        parts = _REF_PARTS.match(value)
        if parts is None or len(value) > 20:
            self.bad_ref = self.bad_ref or value[:20]
            return
        letters, digits = parts.groups()
        row = int(digits) if digits else 0
        col = column_number(letters) if letters else 0
        self.max_row = max(self.max_row, row)
        self.max_col = max(self.max_col, col)

    def _hidden(self, kind: bytes, attrs: dict[bytes, bytes]) -> None:
        if attrs.get(b"hidden", b"").strip().lower() not in _TRUE:
            return
        try:
            if kind == b"row":
                self.hidden_rows.add(int(attrs[b"r"]))
            else:
                first, last = int(attrs[b"min"]), int(attrs[b"max"])
                if len(self.hidden_cols) < _HIDDEN_COLS_CAP:  # 100,000 copies of one wide <col> stay cheap
                    self.hidden_cols.update(range(max(first, 1) - 1, min(last, _HIDDEN_COLS_CAP)))
        except (KeyError, ValueError):
            return  # a hidden flag without a usable position hides nothing we can name

    def _cell_around(self, piece: bytes, pos: int):
        """(row, col0, start tag, body) of the cell whose text contains ``pos``, or None."""
        start = piece.rfind(self._cell_open, 0, pos + 1)
        if start < 0:
            return None
        tag_end = piece.find(b">", start)
        if tag_end < 0:
            return None
        ref = _REF.search(piece, start, tag_end + 1)
        if ref is None:
            return None
        if piece[tag_end - 1 : tag_end] == b"/":  # <c r="A1" t="e"/>: no body
            body = b""
            if pos > tag_end:
                return None
        else:
            end = piece.find(self._cell_close, tag_end)
            if end < 0 or end < pos:
                return None
            body = piece[tag_end + 1 : end]
        return int(ref.group(2)), column_number(ref.group(1)) - 1, piece[start : tag_end + 1], body

    def _cached_value(self, body: bytes) -> bytes | None:
        """Text of the cell's <v>, or None when there is no value element."""
        size = len(self._value_open)
        start = body.find(self._value_open)
        while start >= 0 and body[start + size : start + size + 1] not in (b">", b" ", b"/"):
            start = body.find(self._value_open, start + 1)
        if start < 0:
            return None
        tag_end = body.find(b">", start)
        if body[tag_end - 1 : tag_end] == b"/":
            return b""
        end = body.find(self._value_close, tag_end)
        return body[tag_end + 1 : end if end >= 0 else len(body)]

    def _formula_at(self, piece: bytes, pos: int) -> None:
        cell = self._cell_around(piece, pos)
        if cell is None:
            return
        row, col, tag, body = cell
        value = self._cached_value(body)
        kind = _TYPE.search(tag)
        # t="str" with an empty <v></v> is Excel's cached result of IF(...,"") — a value.
        cached_empty_string = value == b"" and kind is not None and kind.group(1) == b"str"
        if value is None or (not value.strip() and not cached_empty_string):
            self.formulas.add((row, col))

    def _error_at(self, piece: bytes, pos: int) -> None:
        cell = self._cell_around(piece, pos)
        if cell is None or _ERROR_TYPE not in cell[2]:
            return
        row, col, _tag, body = cell
        value = self._cached_value(body)
        if value:
            self.errors[(row, col)] = value.decode("utf-8", "replace")
