"""The monthly 通报 as Word (reports/monthly_docx.py) from records, read back with python-docx."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from docx import Document

from projledger.period import Period
from projledger.reports.monthly_docx import build_monthly_docx, doc_number
from projledger.scoring import RankingRow

from test_brief import brief


def _row(rank, unit, *, start_rate, plan, ytd, invest_rate, resolve_rate, score, bottom3=False, streak=0):
    return RankingRow(rank, unit, 2, 3, 2, start_rate, plan, ytd, invest_rate, 4, 3, resolve_rate, score, bottom3,
                      streak)


RANKINGS = {
    "township": [
        _row(1, "城关镇", start_rate=D(2) / D(3), plan=D("12345.6"), ytd=D("9876.54"), invest_rate=D("0.8"),
             resolve_rate=D("0.75"), score=D("88.5")),
        _row(2, "新城镇", start_rate=None, plan=D("120000"), ytd=D("130000"), invest_rate=D("1.0833"),
             resolve_rate=None, score=D("100"), bottom3=True, streak=3),
    ],
    "department": [],
}
RED = [SimpleNamespace(name="=CMD|'/C calc'!A0", township="城关镇", department=None, reasons="红牌：逾期未开工45天")]


def _doc(tmp_path, **changes):
    parts = dict(title="示范县2026年10月重大项目推进情况排队通报", number=doc_number("示发改投资", 2026, 10),
                 county_name="示范县", period=Period(2026, 10), brief=brief(), rankings=RANKINGS,
                 red_projects=RED, office="示范县发展和改革局", on_date=dt.date(2026, 11, 6))
    parts.update(changes)
    return Document(str(build_monthly_docx(**parts).save(tmp_path / "通报.docx")))


def test_head_brief_headings_and_signature_in_order(tmp_path):
    texts = [p.text for p in _doc(tmp_path).paragraphs if p.text.strip()]
    assert texts[:4] == ["示发改投资〔2026〕10号", "示范县2026年10月重大项目推进情况排队通报",
                         "各乡镇（街道）、县直有关部门：", "现将2026年10月全县重大项目推进情况通报如下："]
    headings = [t for t in texts if t[:2] in {f"{n}、" for n in "一二三四五六七"}]
    assert headings == ["一、总体情况", "二、分类推进情况", "三、分级推进情况", "四、项目竣工情况",
                        "五、问题和议定事项办理情况", "六、红黄蓝牌预警情况", "七、排名情况"]
    assert texts[texts.index("一、总体情况") + 1].startswith("今年全县安排重点项目7个，项目总投资18.95亿元")
    assert texts[-2:] == ["示范县发展和改革局", "2026年11月6日"]


def test_tables_red_cards_then_rankings_with_the_workbook_formats(tmp_path):
    doc = _doc(tmp_path)
    captions = [p.text for p in doc.paragraphs if p.text.startswith("表")]
    assert captions == ["表1  红牌项目（1个）", "表2  乡镇排名"]
    red, township = doc.tables
    assert [c.text for c in red.rows[1].cells] == ["1", "=CMD|'/C calc'!A0", "城关镇", "", "红牌：逾期未开工45天"]
    cells = [[c.text for c in row.cells] for row in township.rows]
    assert cells[0][:2] == ["排名", "乡镇"]
    assert cells[1] == ["1", "城关镇", "2", "66.7%", "12,345.60", "9,876.54", "80.0%", "75.0%", "88.50", ""]
    assert cells[2] == ["2", "新城镇", "2", "—", "120,000.00", "130,000.00", "108.3%", "—", "100.00", "连续3次后三位"]
    # a ranking without units says so instead of an empty table
    assert "本期没有参与排名的部门。" in [p.text for p in doc.paragraphs]


def test_no_prefix_no_number_and_no_red_projects_no_red_table(tmp_path):
    doc = _doc(tmp_path, number=doc_number(None, 2026, 10), red_projects=[])
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    assert texts[0] == "示范县2026年10月重大项目推进情况排队通报"
    assert [p.text for p in doc.paragraphs if p.text.startswith("表")] == ["表1  乡镇排名"]


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice and poppler-utils are needed to check the 通报 as printed")
def test_libreoffice_prints_the_notice_with_page_numbers(tmp_path):
    docx = tmp_path / "通报.docx"
    build_monthly_docx(title="示范县2026年10月重大项目推进情况排队通报", number="示发改投资〔2026〕10号",
                       county_name="示范县", period=Period(2026, 10), brief=brief(), rankings=RANKINGS,
                       red_projects=RED, office="示范县发展和改革局", on_date=dt.date(2026, 11, 6)).save(docx)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(docx)], check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "通报.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = ["".join(p.split()) for p in text.split("\f") if p.strip()]  # pdftotext spaces CJK text
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert page.endswith(f"—{number}—")  # the PAGE field, filled in at the foot of every page
    assert pages[0].startswith("示发改投资〔2026〕10号") and "2026年11月6日" in pages[-1]
