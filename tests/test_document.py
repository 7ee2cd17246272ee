"""The 公文 builder (reports/document.py): what a reader of the .docx finds, read back with python-docx."""

from __future__ import annotations

import datetime as dt
import os
import zipfile

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from projledger.errors import DataError
from projledger.reports.document import OfficialDocument


def _east_asia(run) -> str | None:
    fonts = run._r.rPr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def _sample(path, **kw):
    doc = OfficialDocument("关于2026年10月重大项目推进情况的通报", doc_number="示发改〔2026〕12号", **kw)
    doc.heading("一、总体情况")
    doc.paragraph("今年全县安排重点项目3个。\x07第二句\x00。")
    doc.heading("（一）新开工项目", level=2)
    doc.paragraph("第一段\n\n第二段")
    doc.table(["排名", "乡镇", "得分"], [[1, "城关镇", "88.50"], [2, "=HYPERLINK(\"x\")", None]],
              widths=[1, 3, 2], align=["center", "left", "right"], caption="表1 乡镇排名")
    doc.signature("示范县发展和改革局", dt.date(2026, 11, 3))
    return doc.save(path)


def test_page_is_a4_with_gbt9704_margins(tmp_path):
    section = Document(str(_sample(tmp_path / "a.docx"))).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(v.mm) for v in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [37, 35, 28, 26]


def test_number_title_body_headings_signature_in_order_with_their_fonts(tmp_path):
    doc = Document(str(_sample(tmp_path / "a.docx")))
    paras = [p for p in doc.paragraphs if p.text.strip()]
    texts = [p.text for p in paras]
    assert texts[:2] == ["示发改〔2026〕12号", "关于2026年10月重大项目推进情况的通报"]
    assert texts[2:7] == ["一、总体情况", "今年全县安排重点项目3个。第二句。", "（一）新开工项目", "第一段", "第二段"]
    assert texts[-2:] == ["示范县发展和改革局", "2026年11月3日"]
    number, title, h1, body, h2 = paras[0], paras[1], paras[2], paras[3], paras[4]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert _east_asia(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size == Pt(22)
    assert _east_asia(h1.runs[0]) == "黑体"
    assert _east_asia(h2.runs[0]) == "楷体_GB2312"
    assert _east_asia(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert body.paragraph_format.line_spacing == Pt(28)
    assert body.paragraph_format.first_line_indent == Pt(32)
    assert body._p.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    # the red separator under the 文号
    bottom = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == "C00000"
    for p in paras[-2:]:
        assert p.alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_no_document_number_no_number_line(tmp_path):
    doc = OfficialDocument("会议纪要")
    doc.paragraph("正文")
    paras = [p.text for p in Document(str(doc.save(tmp_path / "b.docx"))).paragraphs if p.text.strip()]
    assert paras == ["会议纪要", "正文"]


def test_table_has_borders_repeated_header_and_plain_text_cells(tmp_path):
    doc = Document(str(_sample(tmp_path / "a.docx")))
    table = doc.tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["排名", "乡镇", "得分"], ["1", "城关镇", "88.50"], ["2", "=HYPERLINK(\"x\")", ""]]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {child.tag.split("}")[1] for child in borders} == {"top", "left", "bottom", "right", "insideH", "insideV"}
    widths = [cell.width.mm for cell in table.rows[0].cells]
    assert round(sum(widths)) == 156 and round(widths[1] / widths[0]) == 3
    assert table.rows[1].cells[2].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert _east_asia(table.rows[1].cells[1].paragraphs[0].runs[0]) == "仿宋_GB2312"


def test_footer_page_number_is_a_page_field_between_dashes(tmp_path):
    doc = Document(str(_sample(tmp_path / "a.docx")))
    footer = doc.sections[0].footer.paragraphs[0]
    assert footer.alignment == WD_ALIGN_PARAGRAPH.CENTER
    xml = footer._p.xml
    assert "PAGE" in "".join(t.text for t in footer._p.iter(qn("w:instrText")))
    assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
    assert footer.text.startswith("— ") and footer.text.endswith(" —")


def test_save_is_atomic_and_leaves_no_temporary_file(tmp_path):
    dest = tmp_path / "c.docx"
    dest.write_bytes(b"old")
    _sample(dest)
    assert zipfile.is_zipfile(dest)
    assert os.listdir(tmp_path) == ["c.docx"]


def test_save_refuses_a_missing_directory_and_a_directory(tmp_path):
    with pytest.raises(DataError, match="不存在"):
        _sample(tmp_path / "nowhere" / "d.docx")
    with pytest.raises(DataError):
        _sample(tmp_path)


def test_a_missing_font_still_opens_the_names_are_only_names(tmp_path):
    # the fonts are names in the XML, not embedded: nothing to fail on a machine without them
    path = _sample(tmp_path / "a.docx")
    with zipfile.ZipFile(path) as z:
        assert not [n for n in z.namelist() if n.startswith("word/fonts/")]
        styles = z.read("word/styles.xml").decode()
    assert 'w:eastAsia="仿宋_GB2312"' in styles


def test_page_break_and_hostile_text_in_tables(tmp_path):
    doc = OfficialDocument("通报")
    doc.page_break()
    doc.table(["项目", "原因"], [["\x1b[31m红\u202e色", "第一行\x0b第二行\ud800"], ["乙", "正常"], ["丙", None]])
    read = Document(str(doc.save(tmp_path / "e.docx")))
    assert any(br.get(qn("w:type")) == "page" for br in read.element.body.iter(qn("w:br")))
    rows = [[c.text for c in row.cells] for row in read.tables[0].rows]
    assert rows == [["项目", "原因"], ["[31m红色", "第一行\n第二行"], ["乙", "正常"], ["丙", ""]]
