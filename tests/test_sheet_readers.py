"""Reading untrusted spreadsheets: kinds, grids, encodings, and every refusal (SPEC §4, §10).

Each test builds its own small file in tmp_path (openpyxl for xlsx, xlwt for xls when
installed, a hand-written zip for ods, plain bytes for csv).
"""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest

from projledger.errors import DataError
from projledger.sheets import readers, safety
from projledger.sheets.readers import Sheet, read_workbook

# ---------------------------------------------------------------- helpers


def make_xlsx(path: Path, sheets: dict[str, list[list[object]]], merges=None, hidden=()) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def rewrite_zip(src: Path, dst: Path, replace: dict[str, bytes | str], add: dict[str, bytes] | None = None) -> Path:
    """Copy a zip, replacing some members' contents (to craft odd or hostile workbooks)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = replace.get(info.filename, zin.read(info.filename))
            zout.writestr(info.filename, data.encode() if isinstance(data, str) else data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


SHEET_HEAD = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_TAIL = "</sheetData></worksheet>"


def crafted_xlsx(tmp_path: Path, sheet_xml: str, name="crafted.xlsx", workbook_pr=None) -> Path:
    """An openpyxl skeleton whose first sheet's XML is replaced by ``sheet_xml``."""
    base = make_xlsx(tmp_path / "base.xlsx", {"S": [["x"]]})
    replace: dict[str, str] = {"xl/worksheets/sheet1.xml": sheet_xml}
    if workbook_pr is not None:
        with zipfile.ZipFile(base) as z:
            wb_xml = z.read("xl/workbook.xml").decode()
        replace["xl/workbook.xml"] = wb_xml.replace("<workbookPr />", workbook_pr).replace("<workbookPr/>", workbook_pr)
    return rewrite_zip(base, tmp_path / name, replace)


def patch_central_directory(path: Path, member: str, *, size=None, flags=None, crc=None) -> None:
    """Overwrite a member's declared uncompressed size / flag bits / CRC in both zip headers."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    headers = ((b"PK\x01\x02", 8, 24, 28, 46), (b"PK\x03\x04", 6, 22, 26, 30))
    for signature, flag_at, size_at, name_len_at, name_at in headers:
        pos = data.find(signature)
        while pos >= 0:
            (name_len,) = struct.unpack_from("<H", data, pos + name_len_at)
            if bytes(data[pos + name_at : pos + name_at + name_len]) == name:
                if size is not None:
                    struct.pack_into("<I", data, pos + size_at, size)
                if flags is not None:
                    struct.pack_into("<H", data, pos + flag_at, flags)
                if crc is not None:  # CRC sits 8 bytes after the flags in both headers
                    struct.pack_into("<I", data, pos + flag_at + 8, crc)
            pos = data.find(signature, pos + 4)
    path.write_bytes(bytes(data))


def refused(path: Path, *fragments: str, here: bool = False) -> str:
    """The one Chinese message for ``path``; ``here`` reads in this process (for monkeypatched limits)."""
    with pytest.raises(DataError) as caught:
        (readers.read_workbook_here if here else read_workbook)(path)
    message = caught.value.message
    assert message.startswith(f"无法读取文件“{path.name}”："), message
    for fragment in fragments:
        assert fragment in message, message
    return message


# ---------------------------------------------------------------- xlsx grid


def test_xlsx_grid_keeps_excel_positions_trims_and_maps_blank_to_none(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    ws["C3"] = "项目名称"
    ws["D3"] = dt.date(2026, 3, 5)
    ws["E3"] = dt.datetime(2026, 3, 5, 10, 30)
    ws["F3"] = 1200.5
    ws["G3"] = True
    ws["B5"] = "甲"
    path = tmp_path / "grid.xlsx"
    wb.save(path)

    [sheet] = read_workbook(path)

    assert sheet.name == "数据"
    assert sheet.rows == [
        [],
        [],
        [None, None, "项目名称", dt.date(2026, 3, 5), dt.datetime(2026, 3, 5, 10, 30), 1200.5, True],
        [],
        [None, "甲"],
    ]
    assert sheet.row_numbers == [1, 2, 3, 4, 5]
    assert sheet.formula_cells == set() and sheet.epoch1904 is False and sheet.truncated is False


def test_xlsx_all_sheets_in_order_with_hidden_flag_and_merges(tmp_path):
    path = make_xlsx(
        tmp_path / "two.xlsx",
        {"填表说明": [["1. 金额单位为万元"]], "项目表": [["标题"], ["序号", "投资情况"], [None, "总投资", "年度计划"]]},
        merges={"项目表": ["A1:C1", "B2:C2", "A2:A3"]},
        hidden=("填表说明",),
    )
    first, second = read_workbook(path)
    assert (first.name, first.hidden) == ("填表说明", True)
    assert (second.name, second.hidden) == ("项目表", False)
    assert sorted(second.merged) == [(0, 0, 0, 2), (1, 0, 2, 0), (1, 1, 1, 2)]
    assert second.source == "two.xlsx"


def test_formula_without_cached_value_is_reported_not_blank(tmp_path):
    # openpyxl writes formulas without cached results, exactly the case to report
    path = make_xlsx(tmp_path / "f.xlsx", {"S": [["项目名称", "总投资"], ["甲", 100], ["合计", "=SUM(B2:B2)"]]})
    [sheet] = read_workbook(path)
    assert sheet.formula_cells == {(3, 1)}
    assert sheet.rows[2] == ["合计"]  # calamine shows it blank: that is why it is reported
    assert safety.uncalculated_formulas(path, ["S", "其他"]) == {"S": {(3, 1)}, "其他": set()}


def test_formula_with_cached_value_is_not_reported_and_errors_are(tmp_path):
    xml = (
        SHEET_HEAD
        + '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c>'
        + '<c r="B1" t="str"><f>IF(A1&gt;5,"x","")</f><v></v></c>'
        + '<c r="C1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        + '<c r="D1" t="e"><v>#N/A</v></c>'
        + '<c r="E1"><f t="shared" si="0"/><v/></c></row>'
        + SHEET_TAIL
    )
    [sheet] = read_workbook(crafted_xlsx(tmp_path, xml))
    assert sheet.rows == [[2.0]]
    assert sheet.formula_cells == {(1, 4)}
    assert sheet.error_cells == {(1, 2): "#DIV/0!", (1, 3): "#N/A"}


def test_prefixed_namespace_sheet_is_scanned_too(tmp_path):
    xml = (
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
        '<x:row r="2"><x:c r="AB2"><x:f>1+1</x:f></x:c></x:row></x:sheetData></x:worksheet>'
    )
    info = safety.inspect(crafted_xlsx(tmp_path, xml))
    assert info.formula_cells == {"S": {(2, 27)}}
    assert info.extent["S"] == (2, 28)


def test_1904_date_system_is_detected_and_dates_stay_right(tmp_path):
    xml = SHEET_HEAD + '<row r="1"><c r="A1" s="1"><v>44624</v></c><c r="B1"><v>44624</v></c></row>' + SHEET_TAIL
    base = tmp_path / "base1904.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "S"
    wb.active["A1"] = dt.date(2000, 1, 1)  # creates a date number format as style 1
    wb.save(base)
    with zipfile.ZipFile(base) as z:
        wb_xml = z.read("xl/workbook.xml").decode()
    path = rewrite_zip(
        base,
        tmp_path / "d1904.xlsx",
        {"xl/worksheets/sheet1.xml": xml, "xl/workbook.xml": wb_xml.replace("<workbookPr", '<workbookPr date1904="1"', 1)},
    )
    [sheet] = read_workbook(path)
    assert sheet.epoch1904 is True
    assert sheet.rows == [[dt.date(2026, 3, 5), 44624.0]]  # bare serial kept for the value parser


def test_columns_beyond_max_cols_are_dropped(tmp_path):
    path = make_xlsx(tmp_path / "wide.xlsx", {"S": [["项目名称"] + list(range(1, 5000))]})
    [sheet] = read_workbook(path)
    assert len(sheet.rows[0]) == readers.MAX_COLS == 2000
    assert sheet.truncated is True


def test_rows_beyond_max_rows_refuse_the_whole_file(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 3)
    path = make_xlsx(tmp_path / "long.xlsx", {"S": [[i] for i in range(1, 8)]})
    refused(path, "超过3行的上限", "整个文件未导入", here=True)
    exactly = make_xlsx(tmp_path / "three.xlsx", {"S": [[i] for i in range(1, 4)]})
    assert readers.read_workbook_here(exactly)[0].rows == [[1.0], [2.0], [3.0]]


def test_far_away_cell_is_refused_before_calamine_allocates_the_grid(tmp_path, monkeypatch):
    xml = SHEET_HEAD + '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>' + SHEET_TAIL
    path = crafted_xlsx(tmp_path, xml, name="far.xlsx")
    assert safety.inspect(path).extent["S"] == (1048576, 16384)
    refused(path, "数据区域过大", "“S”")


def test_cell_budget_applies_to_rows_times_columns(tmp_path, monkeypatch):
    monkeypatch.setattr(safety, "MAX_CELLS", 1000)
    path = make_xlsx(tmp_path / "budget.xlsx", {"S": [["x"]] * 60})  # 60 rows x (A–Z bound) 26
    refused(path, "数据区域过大", here=True)


# ---------------------------------------------------------------- xls / ods / dispatch


def test_xls_written_by_xlwt(tmp_path):
    xlwt = pytest.importorskip("xlwt", reason="xlwt (test dependency) writes .xls")
    book = xlwt.Workbook()
    book.add_sheet("说明").write(0, 0, "填表说明")
    ws = book.add_sheet("数据")
    ws.write_merge(0, 0, 1, 2, "投资情况（万元）")
    ws.write(1, 0, "项目名称")
    ws.write(1, 1, "总投资")
    ws.write(2, 0, "甲")
    ws.write(2, 1, 1200.5)
    ws.write(2, 2, dt.date(2026, 3, 5), xlwt.easyxf(num_format_str="yyyy-mm-dd"))
    path = tmp_path / "old.xls"
    book.save(str(path))

    assert safety.check_file(path) == "xls"
    first, second = read_workbook(path)
    assert first.rows == [["填表说明"]]
    assert second.rows == [[None, "投资情况（万元）"], ["项目名称", "总投资"], ["甲", 1200.5, dt.date(2026, 3, 5)]]
    assert second.merged == [(0, 1, 0, 2)]


ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="项目表">
<table:table-row><table:table-cell office:value-type="string"><text:p>项目名称</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>总投资</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><text:p>甲</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="1200.5"><text:p>1200.5</text:p></table:table-cell>
<table:table-cell office:value-type="date" office:date-value="2026-03-05"><text:p>2026-03-05</text:p></table:table-cell>
{extra}</table:table-row>
<table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"""

ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"""


def make_ods(path: Path, extra: str = "") -> Path:
    """A minimal OpenDocument spreadsheet, written by hand (no LibreOffice needed).

    calamine, like LibreOffice, expects no whitespace between table elements.
    """
    content = "".join(line.strip() + (" " if line.rstrip().endswith('"') else "") for line in ODS_CONTENT.splitlines())
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", ODS_MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content.replace("{extra}", extra), compress_type=zipfile.ZIP_DEFLATED)
    return path


def test_ods_is_read_and_its_empty_repeated_tail_ignored(tmp_path):
    path = make_ods(tmp_path / "t.ods")
    assert safety.check_file(path) == "ods"
    [sheet] = read_workbook(path)
    assert sheet.name == "项目表"
    assert sheet.rows == [["项目名称", "总投资"], ["甲", 1200.5, dt.date(2026, 3, 5)]]


def test_ods_with_a_huge_filled_repeat_is_refused(tmp_path):
    extra = '<table:table-cell table:number-columns-repeated="16000" office:value-type="float" office:value="7"/>'
    refused(make_ods(tmp_path / "bomb.ods", extra), "重复")


def test_kind_is_sniffed_from_content_not_extension(tmp_path):
    xlsx_as_csv = make_xlsx(tmp_path / "real.xlsx", {"S": [["项目名称"]]}).rename(tmp_path / "renamed.csv")
    assert safety.check_file(xlsx_as_csv) == "xlsx"
    assert read_workbook(xlsx_as_csv)[0].rows == [["项目名称"]]
    csv_as_xlsx = tmp_path / "renamed.xlsx"
    csv_as_xlsx.write_text("项目名称,总投资\n甲,1\n", encoding="utf-8")
    assert safety.check_file(csv_as_xlsx) == "csv"
    assert read_workbook(csv_as_xlsx)[0].rows == [["项目名称", "总投资"], ["甲", "1"]]


# ---------------------------------------------------------------- csv

CSV_TEXT = '北塬乡2026年10月重点项目进展情况\n项目名称,总投资(万元),存在问题\n甲项目,"5,200",无\n乙项目,,\n\n'


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030", "utf-16"])
def test_csv_encodings(tmp_path, encoding):
    path = tmp_path / f"t-{encoding}.csv"
    path.write_bytes(CSV_TEXT.encode(encoding))
    [sheet] = read_workbook(path)
    assert sheet.name == f"t-{encoding}"
    assert sheet.rows == [
        ["北塬乡2026年10月重点项目进展情况"],
        ["项目名称", "总投资(万元)", "存在问题"],
        ["甲项目", "5,200", "无"],
        ["乙项目"],
    ]
    assert sheet.row_numbers == [1, 2, 3, 4]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("标题\n项目名称\t总投资\t备注\n甲\t1,200\t\n", [["标题"], ["项目名称", "总投资", "备注"], ["甲", "1,200"]]),
        ("项目名称;总投资;备注\n甲;1200,5;x\n", [["项目名称", "总投资", "备注"], ["甲", "1200,5", "x"]]),
        ("项目名称,总投资,备注\n\"甲;乙\",1,x\n", [["项目名称", "总投资", "备注"], ["甲;乙", "1", "x"]]),
    ],
)
def test_csv_delimiters(tmp_path, text, expected):
    path = tmp_path / "d.csv"
    path.write_text(text, encoding="utf-8")
    assert read_workbook(path)[0].rows == expected


def test_csv_row_numbers_count_records_not_lines(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text('项目名称,存在问题\n甲,"1.环评未批；\n2.电力待协调"\n乙,无\n', encoding="utf-8")
    sheet = read_workbook(path)[0]
    assert sheet.rows[1] == ["甲", "1.环评未批；\n2.电力待协调"]
    assert sheet.row_numbers == [1, 2, 3]


def test_csv_that_no_encoding_decodes_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes("项目名称,总投资\n".encode("utf-8") * 10 + b"\x81\x20\xff\xfe\n")
    refused(path, "编码")


# ---------------------------------------------------------------- refusals


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    refused(path, "空")


def test_missing_file_is_refused(tmp_path):
    refused(tmp_path / "nope.xlsx", "不存在")


def test_renamed_word_document_is_refused(tmp_path):
    path = tmp_path / "report.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    message = refused(path, "Word")
    assert message == "无法读取文件“report.xlsx”：文件不是有效的表格（可能是改了扩展名的Word文档）"


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "HTML"),
        (b"%PDF-1.4 binary", "PDF"),
        (b"\x00\x01\x02\x03binary\x00", "二进制"),
        (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>', "XML 2003"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64, "密码"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\x00" * 64, "Word"),
        (b"PK\x03\x04 truncated zip", "损坏"),
    ],
)
def test_non_spreadsheets_are_refused(tmp_path, content, fragment):
    path = tmp_path / "x.xls"
    path.write_bytes(content)
    refused(path, fragment)


def test_zip_without_workbook_is_refused(tmp_path):
    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    refused(path, "不含Excel工作簿")


def test_high_ratio_member_is_a_zip_bomb(tmp_path):
    path = make_xlsx(tmp_path / "base.xlsx", {"S": [["x"]]})
    bomb = rewrite_zip(path, tmp_path / "bomb.xlsx", {}, add={"xl/media/zeros.bin": b"\x00" * (3 * 1024 * 1024)})
    refused(bomb, "压缩炸弹")


def test_total_uncompressed_size_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(safety, "MAX_UNCOMPRESSED", 2000)
    path = make_xlsx(tmp_path / "t.xlsx", {"S": [["x"]]})
    refused(path, "解压后内容过大", here=True)


def test_too_many_members(tmp_path, monkeypatch):
    monkeypatch.setattr(safety, "MAX_MEMBERS", 5)
    refused(make_xlsx(tmp_path / "t.xlsx", {"S": [["x"]]}), "文件过多", here=True)


def test_member_lying_about_its_size_is_refused(tmp_path):
    path = make_xlsx(tmp_path / "lie.xlsx", {"S": [["项目名称"] * 50]})
    with zipfile.ZipFile(path) as z:
        prefix = z.read("xl/worksheets/sheet1.xml")[:101]
    # declared 100 bytes, with the CRC of the first 101 so that only the size bound catches it
    patch_central_directory(path, "xl/worksheets/sheet1.xml", size=100, crc=zlib.crc32(prefix))
    refused(path, "声明大小不符")


def test_encrypted_zip_member_is_refused(tmp_path):
    path = make_xlsx(tmp_path / "enc.xlsx", {"S": [["x"]]})
    patch_central_directory(path, "xl/worksheets/sheet1.xml", flags=0x1)
    refused(path, "加密")


def test_corrupt_member_crc_is_refused(tmp_path):
    path = make_xlsx(tmp_path / "crc.xlsx", {"S": [["项目名称"] * 20]})
    data = bytearray(path.read_bytes())
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 16, 0x12345678)  # wrong CRC for the first member
    path.write_bytes(bytes(data))
    refused(path, "损坏")


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    + SHEET_HEAD
    + '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
    + SHEET_TAIL
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/>&x;</workbook>'
)


def test_entity_expansion_in_sheet_xml_is_refused(tmp_path):
    refused(crafted_xlsx(tmp_path, BILLION_LAUGHS, name="lol.xlsx"), "实体")


def test_external_entity_in_workbook_xml_is_refused(tmp_path):
    base = make_xlsx(tmp_path / "base.xlsx", {"S": [["x"]]})
    refused(rewrite_zip(base, tmp_path / "xxe.xlsx", {"xl/workbook.xml": EXTERNAL_ENTITY}), "实体")


def test_broken_sheet_xml_gives_one_message(tmp_path):
    path = crafted_xlsx(tmp_path, SHEET_HEAD + '<row r="1"><c r="A1"><v>1</v></row>', name="broken.xlsx")
    message = refused(path)
    assert "Traceback" not in message


def test_sheet_dataclass_defaults():
    sheet = Sheet(name="x", rows=[], row_numbers=[])
    assert (sheet.formula_cells, sheet.merged, sheet.error_cells, sheet.epoch1904) == (set(), [], {}, False)


def test_relative_relationship_targets_as_excel_writes_them(tmp_path):
    base = make_xlsx(tmp_path / "base.xlsx", {"S": [["项目名称", "=1+1"]]})
    with zipfile.ZipFile(base) as z:
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    assert 'Target="/xl/worksheets/sheet1.xml"' in rels  # openpyxl's absolute form
    path = rewrite_zip(base, tmp_path / "rel.xlsx", {
        "xl/_rels/workbook.xml.rels": rels.replace('Target="/xl/worksheets/', 'Target="worksheets/')})  # fmt: skip
    [sheet] = read_workbook(path)
    assert sheet.formula_cells == {(1, 1)}


def test_sheet_the_scan_cannot_locate_is_refused(tmp_path):
    base = make_xlsx(tmp_path / "base.xlsx", {"S": [["x"]]})
    with zipfile.ZipFile(base) as z:
        wb_xml = z.read("xl/workbook.xml").decode()
    path = rewrite_zip(base, tmp_path / "lost.xlsx", {"xl/workbook.xml": wb_xml.replace('r:id="rId1"', 'r:id="rId9"')})
    refused(path)


# ---------------------------------------------------------------- hidden rows/columns, cleaned text (issue 13)


def test_xlsx_hidden_columns_and_rows_are_reported(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for row in (["项目名称", "总投资", "年度计划", "备注"], ["甲", 1, 2, "x"], ["乙", 3, 4, "y"]):
        ws.append(row)
    ws.column_dimensions["B"].hidden = True
    ws.column_dimensions.group("C", "D", hidden=True)  # one <col min="3" max="4" hidden="1">
    ws.row_dimensions[3].hidden = True
    wb.save(tmp_path / "hidden.xlsx")
    [sheet] = read_workbook(tmp_path / "hidden.xlsx")
    assert sheet.hidden_cols == {1, 2, 3}
    assert sheet.hidden_rows == {3}
    assert sheet.rows[2] == ["乙", 3.0, 4.0, "y"]  # hidden cells are still read


def test_hidden_flags_in_single_quotes_count_too(tmp_path):
    xml = ("<worksheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'>"
           "<cols><col min='2' max='2' hidden='true'/></cols><sheetData>"
           "<row r='1'><c r='A1' t='inlineStr'><is><t>a</t></is></c></row>"
           "<row r='2' hidden='1'><c r='B2'><v>5</v></c></row></sheetData></worksheet>")
    [sheet] = read_workbook(crafted_xlsx(tmp_path, xml))
    assert (sheet.hidden_cols, sheet.hidden_rows) == ({1}, {2})
    assert sheet.rows == [["a"], [None, 5.0]]


def test_ods_collapsed_columns_and_rows_are_reported(tmp_path):
    path = make_ods(tmp_path / "t.ods")
    content = zipfile.ZipFile(path).read("content.xml").decode()
    content = content.replace('<table:table table:name="项目表">',
                              '<table:table table:name="项目表"><table:table-column/>'
                              '<table:table-column table:visibility="collapse" table:number-columns-repeated="2"/>', 1)
    rows = content.split("<table:table-row>")
    content = rows[0] + "<table:table-row>" + rows[1] + '<table:table-row table:visibility="collapse">' + rows[2]
    hidden = rewrite_zip(path, tmp_path / "hidden.ods", {"content.xml": content})
    [sheet] = read_workbook(hidden)
    assert sheet.hidden_cols == {1, 2}
    assert sheet.hidden_rows == {2}
    assert sheet.rows[1] == ["甲", 1200.5, dt.date(2026, 3, 5)]


def test_csv_has_no_hidden_rows_or_columns(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("项目名称,总投资\n甲,1\n", encoding="utf-8")
    [sheet] = read_workbook(path)
    assert (sheet.hidden_cols, sheet.hidden_rows) == (set(), set())


def test_invisible_and_control_characters_are_cleaned_at_the_reader(tmp_path):
    dirty = ["\ufeff城关\u200b镇\u200d项目", "\u202e反向\u202c名称", "软\u00ad连字符", "竖\x0b制表\x0c换页\x01"]
    # Excel keeps a control character in XML as _x000B_; openpyxl refuses to write one at all.
    cells = "".join(f'<c r="{col}1" t="inlineStr"><is><t>{text}</t></is></c>' for col, text in
                    zip("ABCD", [*dirty[:3], "竖_x000B_制表_x000C_换页_x0001_"]))
    xml = (SHEET_HEAD + f'<row r="1">{cells}</row><row r="2"><c r="A2" t="inlineStr"><is><t>\u200b</t></is>'
           '</c><c r="B2"><v>5</v></c></row>' + SHEET_TAIL)
    [sheet] = read_workbook(crafted_xlsx(tmp_path, xml))
    expected = ["城关镇项目", "反向名称", "软连字符", "竖\n制表\n换页"]
    assert sheet.rows == [expected, [None, 5.0]]  # a cell of only invisible characters is blank
    csv_path = tmp_path / "dirty.csv"
    csv_path.write_text(",".join(dirty) + "\n\u200b,5\n", encoding="utf-8")
    assert read_workbook(csv_path)[0].rows == [expected, [None, "5"]]


def _xlwt_book(path: Path, hide: bool = False) -> Path:
    xlwt = pytest.importorskip("xlwt", reason="xlwt (test dependency) writes .xls")
    book = xlwt.Workbook()
    sheet = book.add_sheet("项目表")
    for r, row in enumerate([["项目名称", "总投资", "备注"], ["甲", 1200.5, "x"], ["乙", 3.0, "y"]]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    if hide:
        sheet.row(2).hidden = True
        sheet.col(1).hidden = True
    book.save(str(path))
    return path


def test_xls_hidden_rows_and_columns_are_reported(tmp_path):
    [sheet] = read_workbook(_xlwt_book(tmp_path / "hidden.xls", hide=True))
    assert (sheet.hidden_cols, sheet.hidden_rows) == ({1}, {3})
    assert sheet.rows[2] == ["乙", 3.0, "y"]


def test_xls_cell_past_256_columns_is_refused_before_calamine(tmp_path):
    path = _xlwt_book(tmp_path / "wide.xls")
    data = bytearray(path.read_bytes())
    at = data.find(b"\xfd\x00\x0a\x00")  # a LABELSST record: row u16, column u16, xf, string index
    assert at > 0
    struct.pack_into("<H", data, at + 6, 0xFF00)
    path.write_bytes(bytes(data))
    refused(path, "单元格位置超出xls格式范围", "65281列")


def test_truncated_xls_is_refused(tmp_path):
    path = _xlwt_book(tmp_path / "cut.xls")
    path.write_bytes(path.read_bytes()[:-100])
    refused(path, "损坏")


def test_ods_whose_content_is_not_well_formed_is_refused(tmp_path):
    path = make_ods(tmp_path / "t.ods")
    content = zipfile.ZipFile(path).read("content.xml").replace(b"</table:table>", b"<\x08able:table>")
    refused(rewrite_zip(path, tmp_path / "cut.ods", {"content.xml": content}), "不是有效的XML")
