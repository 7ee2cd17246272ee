"""Defensive opening of untrusted township spreadsheets (SPEC §10).

A file is looked at before any spreadsheet library touches it:

* its *kind* is sniffed from the bytes, not the extension: a zip holding ``xl/workbook.xml``
  is xlsx, a zip with the OpenDocument spreadsheet mimetype is ods, an OLE2 container with a
  ``Workbook`` stream is xls, decodable text is csv.  Renamed Word documents, HTML tables
  saved as ``.xls``, PDFs, password-protected workbooks and empty files get one Chinese
  message naming the file;
* zip containers are checked from the central directory first (member count, sum of
  declared sizes, per-member compression ratio) and then every member is decompressed with
  a bound of its declared size + 1 byte, so a member that lies about its size or fails its
  CRC is caught before calamine inflates it; corrupt deflate or LZMA data and an XML prolog
  naming an unknown encoding are that file's one error, not a ``zlib.error`` traceback;
* every XML member is fed (its prolog, at least) to a defusedxml parser with DTDs
  forbidden: real workbooks never carry a DOCTYPE, so billion-laughs and external-entity
  files are rejected.  The small structural parts (content types, relationships,
  ``workbook.xml``) are parsed whole with defusedxml;
* worksheet XML is *scanned* in the same streaming pass (:mod:`.sheet_scan`): the used
  extent from every cell reference in any quoting (never the declared ``<dimension>``, so
  a stray cell at ``XFD1048576`` cannot make calamine allocate 17 billion cells), references
  outside Excel's grid (``ZZZZZZ3``), formula cells without a cached value, error cells,
  hidden rows and columns;
* a shared string table whose ``count``/``uniqueCount`` claims more than the file can hold
  (``4294967295``, ``2^64-1``: calamine reserves memory for it) is refused;
* .xls: the OLE container and the BIFF records are walked once (:mod:`.biff`): DIMENSIONS
  past the format, cells past 256 columns, string counts past the stream, truncated
  sectors are refused; hidden rows and columns are noted;
* .ods: ``content.xml`` must be well-formed XML, and a huge repeat of *filled* cells is
  refused; collapsed and filtered rows and columns are noted.

Even so, calamine runs in a separate reader process (:mod:`.sandbox`) — this pass refuses
what we know of, the process boundary contains what we do not.

The result of the whole pass is an :class:`Inspection`; :func:`check_file` and
:func:`uncalculated_formulas` are thin views on it.
"""

from __future__ import annotations

import codecs
import copy
import html
import lzma
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from projledger.errors import DataError
from projledger.sheets.sheet_scan import EXCEL_COLS, EXCEL_ROWS, SheetScan, attributes

__all__ = [
    "Inspection",
    "inspect",
    "check_file",
    "uncalculated_formulas",
    "fail",
    "MAX_FILE_BYTES",
    "MAX_UNCOMPRESSED",
    "MAX_RATIO",
    "RATIO_MIN_BYTES",
    "MAX_MEMBERS",
    "MAX_CELLS",
]

MAX_FILE_BYTES = 200 * 1024 * 1024  # on disk, any kind
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # sum of a zip's declared member sizes
MAX_RATIO = 100  # per member, when the member is larger than RATIO_MIN_BYTES
RATIO_MIN_BYTES = 1024 * 1024
MAX_MEMBERS = 5_000
MAX_CELLS = 20_000_000  # rows x columns calamine would allocate for one sheet (~30 B each)
_CHUNK = 4 * 1024 * 1024
_HIDDEN_COLS_CAP = 2_000  # the reader keeps no column past this (readers.MAX_COLS)
_HIDDEN_ROWS_CAP = 200_001  # nor a row past this (readers.MAX_ROWS, +1 to notice the excess)
_PROLOG_BYTES = 64 * 1024

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_REL_OFFICE_DOC = "/officeDocument"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass
class Inspection:
    """What the defensive pass learned about one file."""

    kind: str  # "xlsx" | "xls" | "ods" | "csv"
    epoch1904: bool = False
    # per sheet name (xlsx only): (excel_row, col0) of formula cells without a cached value
    formula_cells: dict[str, set[tuple[int, int]]] = field(default_factory=dict)
    # per sheet name (xlsx only): (excel_row, col0) -> cached error text such as "#DIV/0!"
    error_cells: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)
    # per sheet name (xlsx only): (largest row number, largest column count) actually used
    extent: dict[str, tuple[int, int]] = field(default_factory=dict)
    encoding: str | None = None  # csv: the first encoding that decoded the sample
    # per sheet name (xlsx, ods): hidden 0-based columns and hidden Excel row numbers
    hidden_cols: dict[str, set[int]] = field(default_factory=dict)
    hidden_rows: dict[str, set[int]] = field(default_factory=dict)


def fail(path: Path, reason: str) -> DataError:
    """The one message shape for a file that cannot be read."""
    return DataError(f"无法读取文件“{Path(path).name}”：{reason}")


def check_file(path: Path) -> str:
    """Detected kind of a spreadsheet ("xlsx" | "xls" | "ods" | "csv"); DataError otherwise."""
    return inspect(path).kind


def uncalculated_formulas(path: Path, sheet_names) -> dict[str, set[tuple[int, int]]]:
    """Formula cells without a cached value, per requested sheet name (empty unless xlsx).

    Cells are (excel_row, col_index0).  The 1904 date system is reported by
    :func:`inspect` (``Inspection.epoch1904``).
    """
    found = inspect(path).formula_cells
    return {name: set(found.get(name, ())) for name in sheet_names}


def inspect(path: Path) -> Inspection:
    """Sniff, bound-check and scan one file; DataError with a Chinese message on any problem."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise fail(path, "不是文件")
        with path.open("rb") as fh:
            head = fh.read(_PROLOG_BYTES)
    except FileNotFoundError:
        raise fail(path, "文件不存在") from None
    except OSError as exc:
        raise fail(path, f"无法打开（{exc.strerror or exc}）") from None
    if size == 0 or not head.strip(b"\x00 \t\r\n"):
        raise fail(path, "文件是空的")
    if size > MAX_FILE_BYTES:
        raise fail(path, f"文件过大（{size // 1024 // 1024} MB，上限 {MAX_FILE_BYTES // 1024 // 1024} MB）")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _inspect_zip(path)
    if head.startswith(_OLE_MAGIC):
        return _inspect_xls(path)
    return Inspection(kind="csv", encoding=_text_kind(path, head))


# ---------------------------------------------------------------- non-zip kinds


def _inspect_xls(path: Path) -> Inspection:
    """An OLE2 file: refused unless it is an .xls whose declared sizes are sane (:mod:`.biff`)."""
    from projledger.sheets import biff

    data = path.read_bytes()
    _ole_kind(path, data)
    try:
        facts = biff.inspect_xls(data)
    except biff.BiffProblem as exc:
        raise fail(path, str(exc)) from None
    except (struct.error, IndexError, ValueError, MemoryError) as exc:
        raise fail(path, f"文件已损坏（xls结构无效：{type(exc).__name__}）") from None
    return Inspection(kind="xls", hidden_rows=facts.hidden_rows, hidden_cols=facts.hidden_cols)


def _ole_kind(path: Path, data: bytes) -> str:
    """xls, or a clear refusal for encrypted xlsx / Word .doc / other OLE files.

    Directory entry names are UTF-16LE in the compound file; searching the raw bytes for
    them is enough to tell these apart without a CFB parser.
    """
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise fail(path, "文件设置了打开密码（已加密），请取消密码后另存再导入")
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    if "WordDocument".encode("utf-16-le") in data:
        raise fail(path, "文件不是有效的表格（可能是改了扩展名的Word文档）")
    if "PowerPoint".encode("utf-16-le") in data:
        raise fail(path, "文件不是有效的表格（可能是改了扩展名的PPT文档）")
    raise fail(path, "文件不是有效的表格（无法识别的Office文件）")


def _text_kind(path: Path, head: bytes) -> str:
    """The encoding a text file decodes with, after refusing texts that are not CSV."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith(b"%pdf"):
        raise fail(path, "文件不是表格，而是PDF文档")
    if stripped.startswith(b"{\\rtf"):
        raise fail(path, "文件不是有效的表格（可能是改了扩展名的Word文档）")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"  # Excel's "Unicode 文本" export
    if b"\x00" in head:
        raise fail(path, "文件不是有效的表格（无法识别的二进制文件）")
    if stripped.startswith(b"<"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in head:
            raise fail(path, "文件是“XML 2003 表格”格式，请用Excel或WPS打开后另存为.xlsx再导入")
        if b"<html" in stripped or b"<table" in stripped or b"<!doctype html" in stripped:
            raise fail(path, "文件实际是网页（HTML）格式，请用Excel或WPS打开后另存为.xlsx再导入")
    for encoding in ("utf-8-sig", "utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise fail(path, "文件不是有效的表格（无法识别的文件或编码，CSV请保存为UTF-8或GBK）")


# ---------------------------------------------------------------- zip containers


def _inspect_zip(path: Path) -> Inspection:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = _checked_infos(path, zf)
            names = {info.filename for info in infos}
            if "xl/workbook.bin" in names:
                raise fail(path, "不支持.xlsb格式，请用Excel或WPS另存为.xlsx再导入")
            workbook = _office_document(path, zf, names)
            if workbook is not None and not workbook.startswith(("word/", "ppt/")):
                return _inspect_xlsx(path, zf, infos, workbook)
            if "mimetype" in names and zf.read("mimetype").strip() == _ODS_MIME:
                return _inspect_ods(path, zf, infos)
            raise fail(path, _zip_guess(names))
    except zipfile.BadZipFile as exc:
        raise fail(path, f"文件已损坏（{_zip_reason(exc)}）") from None
    except (zlib.error, lzma.LZMAError) as exc:
        raise fail(path, f"文件已损坏（压缩数据无法解压：{type(exc).__name__}）") from None
    except LookupError as exc:  # an XML prolog naming an encoding Python does not know
        raise fail(path, f"文件已损坏（XML声明了无法识别的编码：{str(exc)[:60]}）") from None
    except (zipfile.LargeZipFile, RuntimeError, EOFError, ValueError, OSError) as exc:
        raise fail(path, f"文件已损坏或格式不受支持（{exc}）") from None


def _zip_reason(exc: Exception) -> str:
    text = str(exc)
    if "CRC" in text:
        return "压缩内容校验失败"
    return "压缩包结构无效"


def _zip_guess(names: set[str]) -> str:
    if "word/document.xml" in names:
        return "文件不是有效的表格（可能是改了扩展名的Word文档）"
    if "ppt/presentation.xml" in names:
        return "文件不是有效的表格（可能是改了扩展名的PPT文档）"
    return "文件不是有效的表格（是压缩包，但不含Excel工作簿）"


def _checked_infos(path: Path, zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Central-directory bounds, checked before anything is inflated."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise fail(path, f"压缩包内文件过多（{len(infos)}个），疑似恶意构造的文件")
    if any(info.flag_bits & 0x1 for info in infos):
        raise fail(path, "文件已加密，请取消密码后另存再导入")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED:
        raise fail(path, f"解压后内容过大（{total // 1024 // 1024} MB），疑似压缩炸弹")
    for info in infos:
        if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise fail(path, f"压缩比异常（{info.filename}），疑似压缩炸弹")
    return infos


def _stream_member(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, sink=None) -> bytes:
    """Inflate one member, at most its declared size + 1 byte; returns its first bytes.

    ``sink`` (if given) receives every chunk.  zipfile verifies the CRC at the end of the
    stream; a member producing more bytes than it declared is refused.
    """
    bounded = copy.copy(info)
    bounded.file_size = info.file_size + 1
    seen = 0
    head = b""
    with zf.open(bounded) as member:
        while chunk := member.read(_CHUNK):
            seen += len(chunk)
            if seen > info.file_size:
                raise fail(path, f"压缩内容与声明大小不符（{info.filename}），疑似压缩炸弹")
            if len(head) < _PROLOG_BYTES:
                head += chunk[: _PROLOG_BYTES - len(head)]
            if sink is not None:
                sink(chunk)
    if seen != info.file_size:
        raise fail(path, f"文件已损坏（{info.filename} 不完整）")
    return head


def _defused_parser():
    from defusedxml.ElementTree import XMLParser

    return XMLParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)


def _check_prolog(path: Path, name: str, head: bytes) -> None:
    """Feed the start of an XML member to defusedxml: a DOCTYPE or entity is refused."""
    if not name.endswith((".xml", ".rels", ".vml")) and not head.lstrip().startswith(b"<?xml"):
        return
    from defusedxml import DefusedXmlException
    from xml.etree.ElementTree import ParseError

    # A DOCTYPE must come before the root element, so the prolog up to the end of the root's
    # start tag is all that needs parsing (feeding 64 KB of cells was most of a batch's time).
    root = re.search(rb"<(?![?!])", head)
    if root is not None:
        end = head.find(b">", root.start())
        if end >= 0:
            head = head[: end + 1]
    parser = _defused_parser()
    try:
        parser.feed(head)
    except DefusedXmlException:
        raise fail(path, f"文件含有XML实体或DTD声明（{name}），疑似恶意构造的文件") from None
    except ParseError:
        raise fail(path, f"文件已损坏（{name} 不是有效的XML）") from None


def _parse_small(path: Path, zf: zipfile.ZipFile, name: str):
    """A small structural XML part parsed whole with defusedxml (None if absent)."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring
    from xml.etree.ElementTree import ParseError

    try:
        data = zf.read(name)
    except KeyError:
        return None
    try:
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise fail(path, f"文件含有XML实体或DTD声明（{name}），疑似恶意构造的文件") from None
    except ParseError:
        raise fail(path, f"文件已损坏（{name} 不是有效的XML）") from None


def _office_document(path: Path, zf: zipfile.ZipFile, names: set[str]) -> str | None:
    """Path of the main part named by ``_rels/.rels`` (falls back to ``xl/workbook.xml``)."""
    rels = _parse_small(path, zf, "_rels/.rels")
    if rels is not None:
        for rel in rels.iter(f"{{{_NS_PKG_REL}}}Relationship"):
            if rel.get("Type", "").endswith(_REL_OFFICE_DOC):
                target = rel.get("Target", "").lstrip("/")
                if target in names:
                    return target
    return "xl/workbook.xml" if "xl/workbook.xml" in names else None


def _sheet_parts(path: Path, zf: zipfile.ZipFile, workbook: str) -> tuple[dict[str, str], bool]:
    """Sheet name -> worksheet member path, and whether the workbook uses the 1904 system."""
    root = _parse_small(path, zf, workbook)
    base = PurePosixPath(workbook).parent
    rels_name = str(base / "_rels" / (PurePosixPath(workbook).name + ".rels"))
    rels = _parse_small(path, zf, rels_name)
    targets: dict[str, str] = {}
    if rels is not None:
        for rel in rels.iter(f"{{{_NS_PKG_REL}}}Relationship"):
            target = rel.get("Target", "")
            full = target.lstrip("/") if target.startswith("/") else str(base / target)
            targets[rel.get("Id", "")] = _normpath(full)
    parts: dict[str, str] = {}
    epoch1904 = False
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "workbookPr":
            epoch1904 = element.get("date1904", "0").lower() in ("1", "true")
        elif tag == "sheet":  # r:id, in whichever namespace (Strict OOXML has its own)
            rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), "")
            if rid in targets and element.get("name"):
                parts[element.get("name")] = targets[rid]
    return parts, epoch1904


def _normpath(name: str) -> str:
    out: list[str] = []
    for part in name.split("/"):
        if part == "..":
            if out:
                out.pop()
        elif part not in ("", "."):
            out.append(part)
    return "/".join(out)


def _inspect_xlsx(path, zf, infos, workbook) -> Inspection:
    _parse_small(path, zf, "[Content_Types].xml")
    parts, epoch1904 = _sheet_parts(path, zf, workbook)
    by_member = {member: name for name, member in parts.items()}
    result = Inspection(kind="xlsx", epoch1904=epoch1904)
    for info in infos:
        if info.is_dir():
            continue
        sheet_name = by_member.get(info.filename)
        scan = SheetScan() if sheet_name is not None else None
        head = _stream_member(path, zf, info, scan.feed if scan else None)
        _check_prolog(path, info.filename, head)
        _check_string_counts(path, info, head)
        if scan is not None:
            scan.finish()
            if scan.bad_ref is not None:
                raise fail(path, f"工作表“{sheet_name}”的单元格位置超出Excel范围"
                                 f"（{scan.bad_ref.decode('utf-8', 'replace')}），疑似恶意构造的文件")
            result.formula_cells[sheet_name] = scan.formulas
            result.error_cells[sheet_name] = scan.errors
            result.extent[sheet_name] = (scan.max_row, scan.max_col)
            result.hidden_rows[sheet_name] = scan.hidden_rows
            result.hidden_cols[sheet_name] = scan.hidden_cols
    return result


_SST = re.compile(rb"<(?:\w+:)?sst\b[^>]*>")
_FIRST_ELEMENT = re.compile(rb"<(?![?!])")


def _check_string_counts(path: Path, info: zipfile.ZipInfo, head: bytes) -> None:
    """sharedStrings ``count``/``uniqueCount``: calamine reserves memory for what they claim.

    Each shared string takes at least 5 bytes of XML (``<si/>``), so a ``uniqueCount`` larger
    than the member is a lie; ``count`` (references to them) cannot pass Excel's grid size.
    """
    root = _SST.search(head)
    first = _FIRST_ELEMENT.search(head)
    if root is None or first is None or first.start() != root.start():
        return  # not a sharedStrings part (the sst element must be the root)
    attrs = attributes(root.group())
    limits = {b"uniqueCount": info.file_size // 5 + 1, b"count": EXCEL_ROWS * EXCEL_COLS}
    for name, limit in limits.items():
        if name not in attrs:
            continue
        text = attrs[name].strip()
        if not text.isdigit() or int(text) > limit:
            raise fail(path, f"共享字符串表声明的数量不合理（{name.decode()}="
                             f"{text[:24].decode('ascii', 'replace')}），疑似恶意构造的文件")


_ODS_REPEAT = re.compile(rb"number-(rows|columns)-repeated=\"(\d{4,})\"")
_ODS_ROW_END = b"</table:table-row>"


def _inspect_ods(path, zf, infos) -> Inspection:
    """ODS: bounds, prologs, and refusal of huge *filled* repeat counts in content.xml.

    LibreOffice writes ``number-rows-repeated="1048553"`` for the empty tail of a sheet,
    which calamine skips; a repeated element that carries a value would be expanded cell
    by cell, so a repeat over 1,000 on a cell (or a row holding a cell) with
    ``office:value-type`` is refused.
    """
    _parse_small(path, zf, "META-INF/manifest.xml")
    chunks: list[bytes] = []
    for info in infos:
        if info.is_dir():
            continue
        sink = chunks.append if info.filename == "content.xml" else None
        head = _stream_member(path, zf, info, sink)
        _check_prolog(path, info.filename, head)
    content = b"".join(chunks)
    _check_well_formed(path, "content.xml", content)
    for match in _ODS_REPEAT.finditer(content):
        if int(match.group(2)) <= 1000:
            continue
        tag_start = content.rfind(b"<", 0, match.start())
        tag_end = content.find(b">", match.end())
        if match.group(1) == b"rows":
            tag_end = content.find(_ODS_ROW_END, match.end())
        if b"office:value-type" in content[tag_start:tag_end]:
            raise fail(path, "表格含有大量重复的非空单元格，疑似恶意构造的文件")
    result = Inspection(kind="ods")
    _ods_hidden(content, result)
    return result


def _check_well_formed(path: Path, name: str, data: bytes) -> None:
    """The whole member must be well-formed XML (expat, no handlers: fast).

    A cut or garbled end tag can make calamine walk LibreOffice's trailing repeat of 1,048,560
    empty rows x 16,384 cells cell by cell — found by the mutation fuzzer as a hang.  DTDs and
    entities were refused by the prolog check already.
    """
    from xml.parsers import expat

    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise fail(path, f"文件已损坏（{name} 不是有效的XML：第{exc.lineno}行）") from None


_ODS_TAG = re.compile(rb"<table:(table|table-column|table-row)[\s/>]")
_ODS_HIDDEN = (b"collapse", b"filter")


def _ods_hidden(content: bytes, result: Inspection) -> None:
    """Hidden (collapsed or filtered) columns and rows per table of an ODS content.xml.

    Columns and rows are counted in document order, repeats included, like calamine does;
    a hidden run is recorded only within the reader's caps (2,000 columns, 200,001 rows).
    """
    name, col, row = None, 0, 0
    for match in _ODS_TAG.finditer(content):
        end = content.find(b">", match.end() - 1)
        attrs = attributes(content[match.start() : end + 1])
        kind = match.group(1)
        if kind == b"table":
            name = html.unescape(attrs.get(b"name", b"").decode("utf-8", "replace"))
            col = row = 0
            result.hidden_cols.setdefault(name, set())
            result.hidden_rows.setdefault(name, set())
            continue
        key = b"number-columns-repeated" if kind == b"table-column" else b"number-rows-repeated"
        repeat = int(attrs[key]) if attrs.get(key, b"").isdigit() else 1
        hidden = attrs.get(b"visibility") in _ODS_HIDDEN and name is not None
        if kind == b"table-column":
            if hidden and col < _HIDDEN_COLS_CAP:
                result.hidden_cols[name].update(range(col, min(col + repeat, _HIDDEN_COLS_CAP)))
            col += repeat
        else:
            if hidden and row < _HIDDEN_ROWS_CAP:
                result.hidden_rows[name].update(range(row + 1, min(row + repeat, _HIDDEN_ROWS_CAP) + 1))
            row += repeat
