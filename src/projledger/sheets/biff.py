"""A small, bounded look inside a legacy .xls before calamine reads it (SPEC §10).

An .xls is a Compound File (OLE2) holding a ``Workbook`` (BIFF8) or ``Book`` (BIFF5)
stream, which is a plain sequence of records ``[type u16][length u16][data]``.  This
module reads the container just far enough to walk that sequence once and:

* refuses what makes calamine allocate from a declared number: a ``DIMENSIONS`` record
  claiming more rows or columns than the format allows (``0xFFFFFFFF`` rows), and a shared
  string table (``SST``) claiming more unique strings than its stream could hold;
* notes hidden rows (``ROW`` with ``fDyZero``) and hidden columns (``COLINFO`` with
  ``fHidden``) per sheet, for :class:`~projledger.sheets.readers.Sheet`.

Every loop is bounded by the file's size (FAT chains by the sector count, the record walk
by the stream length), so a crafted container cannot make this pass hang or grow; anything
malformed is a :class:`BiffProblem` with a Chinese reason, or — when the damage is only in
parts this pass does not need — left for calamine, which runs in the reader process anyway.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

__all__ = ["BiffProblem", "XlsFacts", "inspect_xls"]

_END_OF_CHAIN = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_MAX_ROWS = {8: 65_536, 5: 16_384}
_MAX_COLS = 256
_BOF, _EOF, _BOUNDSHEET, _DIMENSIONS = 0x0809, 0x000A, 0x0085, 0x0200
_ROW, _COLINFO, _SST = 0x0208, 0x007D, 0x00FC
# Cell records start with (row u16, column u16); MULRK/MULBLANK end with their last column.
_CELLS = {0x00FD, 0x0203, 0x027E, 0x0201, 0x0204, 0x0205, 0x0006, 0x00D6, 0x0206, 0x0406}
_MULTI_CELLS = {0x00BD, 0x00BE}


class BiffProblem(Exception):
    """The file is refused; ``str(exc)`` is the Chinese reason."""


@dataclass
class XlsFacts:
    hidden_rows: dict[str, set[int]] = field(default_factory=dict)  # Excel row numbers
    hidden_cols: dict[str, set[int]] = field(default_factory=dict)  # 0-based columns


def inspect_xls(data: bytes) -> XlsFacts:
    """Check the workbook stream of an .xls file's bytes; BiffProblem if it is hostile."""
    stream, biff = _workbook_stream(data)
    return _walk(stream, biff)


# ---------------------------------------------------------------- the compound file


def _workbook_stream(data: bytes) -> tuple[bytes, int]:
    if len(data) < 512:
        raise BiffProblem("文件已损坏（OLE文件头不完整）")
    sector_shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if sector_shift not in (9, 12) or mini_shift != 6:
        raise BiffProblem("文件已损坏（OLE扇区大小无效）")
    size = 1 << sector_shift
    sectors = (len(data) - 512) // size + 1
    fat = _fat(data, size, sectors)
    first_dir, = struct.unpack_from("<I", data, 0x30)
    cutoff, first_minifat = struct.unpack_from("<II", data, 0x38)
    directory = _chain_bytes(data, fat, first_dir, size, sectors)
    entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
    if not entries:
        raise BiffProblem("文件已损坏（OLE目录为空）")
    root_start, root_size = struct.unpack_from("<IQ", entries[0], 116)
    for entry in entries:
        length, kind = struct.unpack_from("<HB", entry, 64)
        name = entry[: max(length - 2, 0)].decode("utf-16-le", "replace")
        if kind != 2 or name not in ("Workbook", "Book"):
            continue
        start, stream_size = struct.unpack_from("<IQ", entry, 116)
        stream_size &= 0xFFFFFFFF  # version 3 files leave the high half undefined
        if stream_size > len(data) * 2:
            raise BiffProblem("文件已损坏（工作簿流声明的大小超过文件本身）")
        if stream_size < cutoff:
            mini_stream = _chain_bytes(data, fat, root_start, size, sectors)[: root_size & 0xFFFFFFFF]
            mini_fat = _as_ints(_chain_bytes(data, fat, first_minifat, size, sectors))
            stream = _chain_bytes(mini_stream, mini_fat, start, 64, len(mini_stream) // 64, base=0)
        else:
            stream = _chain_bytes(data, fat, start, size, sectors)
        return stream[:stream_size], 8 if name == "Workbook" else 5
    raise BiffProblem("文件不是有效的表格（OLE文件中没有工作簿）")


def _fat(data: bytes, size: int, sectors: int) -> list[int]:
    count, first_difat, difat_count = struct.unpack_from("<I20xII", data, 0x2C)
    if count > sectors:
        raise BiffProblem("文件已损坏（OLE分配表大小超过文件本身）")
    locations = [n for n in struct.unpack_from("<109I", data, 0x4C) if n < sectors]
    sector, seen = first_difat, 0
    while sector < sectors and seen < min(difat_count, sectors):
        offset = (sector + 1) * size
        values = _as_ints(data[offset : offset + size])
        locations.extend(n for n in values[:-1] if n < sectors)
        sector, seen = (values[-1] if values else _END_OF_CHAIN), seen + 1
    table = b"".join(data[(n + 1) * size : (n + 2) * size] for n in locations[:count])
    return _as_ints(table)


def _as_ints(raw: bytes) -> list[int]:
    return list(struct.unpack(f"<{len(raw) // 4}I", raw[: len(raw) // 4 * 4]))


def _chain_bytes(data: bytes, fat: list[int], start: int, size: int, limit: int, base: int = 1) -> bytes:
    """The bytes of one sector chain; a loop or a pointer outside the file is refused."""
    parts, sector, steps = [], start, 0
    while sector not in (_END_OF_CHAIN, _FREE):
        if sector >= limit or sector >= len(fat) or steps > limit:
            raise BiffProblem("文件已损坏（OLE扇区链无效）")
        offset = (sector + base) * size
        part = data[offset : offset + size]
        if len(part) < size and base == 1:  # the file ends inside a sector (calamine panics on it)
            raise BiffProblem("文件已损坏（文件被截断，OLE扇区不完整）")
        parts.append(part)
        sector, steps = fat[sector], steps + 1
    return b"".join(parts)


# ---------------------------------------------------------------- the BIFF records


def _walk(stream: bytes, biff: int) -> XlsFacts:
    facts = XlsFacts()
    sheets: dict[int, str] = {}  # stream offset of a sheet's BOF -> its name
    current: str | None = None
    pos, end = 0, len(stream)
    while pos + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4 : pos + 4 + length]
        if kind == _BOF:
            current = sheets.get(pos)  # None for the workbook globals and charts
            if current is not None:
                facts.hidden_rows.setdefault(current, set())
                facts.hidden_cols.setdefault(current, set())
        elif kind == _BOUNDSHEET and len(body) >= 8:
            offset = struct.unpack_from("<I", body)[0]
            sheets[offset] = _sheet_name(body, biff)
        elif kind == _DIMENSIONS:
            _check_dimensions(body, biff)
        elif kind == _SST and len(body) >= 8:
            unique = struct.unpack_from("<I", body, 4)[0]
            if unique > end // 3 + 1:
                raise BiffProblem(f"共享字符串表声明的数量不合理（{unique}个），疑似恶意构造的文件")
        elif current is not None and kind == _ROW and len(body) >= 16:
            row, flags = struct.unpack_from("<H", body)[0], struct.unpack_from("<H", body, 12)[0]
            if flags & 0x20:
                facts.hidden_rows[current].add(row + 1)
        elif current is not None and kind == _COLINFO and len(body) >= 10:
            first, last = struct.unpack_from("<HH", body)
            if struct.unpack_from("<H", body, 8)[0] & 0x1:
                facts.hidden_cols[current].update(range(first, min(last, _MAX_COLS - 1) + 1))
        elif kind == _EOF:
            current = None
        elif current is not None and (kind in _CELLS or kind in _MULTI_CELLS) and len(body) >= 6:
            _check_cell(body, kind, biff)
        pos += 4 + length
    return facts


def _check_cell(body: bytes, kind: int, biff: int) -> None:
    """calamine sizes a sheet's grid from the cells' largest row and column: a cell past the
    format's 256 columns (a mutated record) would make it allocate tens of GB."""
    row, col = struct.unpack_from("<HH", body)
    last = struct.unpack_from("<H", body, len(body) - 2)[0] if kind in _MULTI_CELLS else col
    if max(col, last) >= _MAX_COLS or row >= _MAX_ROWS[biff] or last < col:
        raise BiffProblem(f"单元格位置超出xls格式范围（第{row + 1}行第{max(col, last) + 1}列），"
                          "文件可能已损坏或为恶意构造")


def _check_dimensions(body: bytes, biff: int) -> None:
    if biff == 8 and len(body) >= 12:
        first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", body)
    elif len(body) >= 8:
        first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", body)
    else:
        return
    if last_row > _MAX_ROWS[biff] or last_col > _MAX_COLS or first_row > last_row or first_col > last_col:
        raise BiffProblem(f"工作表声明的数据范围不合理（{last_row}行×{last_col}列），疑似恶意构造的文件")


def _sheet_name(body: bytes, biff: int) -> str:
    count = body[6]
    if biff == 8:
        wide = len(body) > 7 and body[7] & 0x1
        raw = body[8 : 8 + count * (2 if wide else 1)]
        return raw.decode("utf-16-le" if wide else "latin-1", "replace")
    return body[7 : 7 + count].decode("gb18030", "replace")
