"""``report monthly --json`` carries the brief, and ``--docx`` writes the 通报, on a small ledger.

The ledger is the one of test_periodic_cli (three townships, 2025), reported for 2025-03:

    overall: 3 projects, total 32000 = 3.20亿元, plan 8000万元, ytd 3000 + 2500 = 5500万元,
             5500/8000 = 68.75% → 68.8%, 序时 3/12 = 25.0% → 高于 43.8 个百分点
    新开工 甲: due 1, started 1 → 100.0%;  续建 乙: 2000 → 2500, 125.0%;  前期 丙: 1, procedures 0
    省重点 甲 5000/3000 → 60.0%, +35.0;  no 市重点;  县重点 乙 125.0%, +100.0;  丙 has no level
    completion: planned in 2025 甲 (12-31), 乙 (03-15); 乙 completed 03-10 → 1/2 = 50.0%; 丙 unset
    problems: 1 reported, 1 closed → 100.0%; none open
    townships: 乙 100.00, 甲 80.00, 丙 0.00; 县发改局 100 × (.3 + .5 × 5500/8000 + .2) = 84.375 → 84.38
    丙镇 has no sheet and no progress typed in for March: it has not reported.
"""

from __future__ import annotations

import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook

from test_periodic_cli import build


@pytest.fixture(scope="module")
def ledger_file(built_ledger):
    return built_ledger("brief", build)


@pytest.fixture
def county(use_ledger, ledger_file):
    return use_ledger(ledger_file)


def test_brief_in_json_by_hand(county, tmp_path):
    data = county.json("report", "monthly", "--period", "2025-03", "--out", str(tmp_path / "r.xlsx"))
    brief = data["brief"]
    text = brief["text"].split("\n")
    assert text[0] == ("今年全县安排重点项目3个，项目总投资3.20亿元，年度计划投资8000万元。1-3月累计完成投资5500万元，"
                       "占年度投资计划的68.8%，高于序时进度43.8个百分点（序时进度25.0%）。")
    assert text[1] == ("新开工项目1个，1-3月应开工1个，已开工1个，开工率100.0%；续建项目1个，年度计划投资2000万元，"
                       "1-3月累计完成投资2500万元，占年度计划的125.0%；前期项目1个，其中前期手续全部办结0个。")
    assert text[2] == ("省重点项目1个，年度计划投资5000万元，1-3月累计完成投资3000万元，占年度计划的60.0%，"
                       "高于序时进度35.0个百分点；无市重点项目；县重点项目1个，年度计划投资2000万元，"
                       "1-3月累计完成投资2500万元，占年度计划的125.0%，高于序时进度100.0个百分点。另有1个项目未设置项目级别。")
    assert text[3] == "计划2025年竣工项目2个，截至3月底已竣工1个，竣工率50.0%。另有1个项目未填计划竣工时间。"
    assert text[4].startswith("1-3月共收集项目建设问题1个，已办结1个，办结率100.0%；目前未办结问题0个，其中已逾期0个。")
    assert text[6] == ("乡镇排名（3个）前三位：乙镇（100.00分）、甲镇（80.00分）、丙镇（0.00分）；参与排名的不足4个，不列后三位。"
                       "部门排名（1个）前三位：县发改局（84.38分）；参与排名的不足4个，不列后三位。"
                       "丙镇未报送2025年3月项目进展，其数据按最近一次报送计算，请抓紧补报。")
    assert brief["rankings"]["not_reported"] == data["unreported"] == ["丙镇"]


def test_brief_equals_the_tables_of_the_same_report(county, tmp_path):
    out = tmp_path / "r.xlsx"
    data = county.json("report", "monthly", "--period", "2025-03", "--out", str(out))
    brief, towns = data["brief"], data["rankings"]["township"]
    assert brief["overall"]["annual_plan"] == sum(r["annual_plan"] for r in towns)
    assert brief["overall"]["ytd_completed"] == sum(r["ytd_completed"] for r in towns)
    assert brief["by_nature"]["new_start"]["start_due"] == sum(r["start_due"] for r in towns)
    assert brief["by_nature"]["new_start"]["started"] == sum(r["started"] for r in towns)
    assert brief["rankings"]["township"]["top3"] == [{k: r[k] for k in ("rank", "unit", "score")} for r in towns[:3]]
    # the cards: as many of each colour as the 一项目一表 sheet shows
    ws = load_workbook(out)["一项目一表"]
    header = next(i for i, row in enumerate(ws.iter_rows(values_only=True), start=1) if row[0] == "序号")
    column = [c.value for c in ws[header]].index("预警")
    shown = [row[column] for row in ws.iter_rows(min_row=header + 1, values_only=True) if row[0] is not None]
    assert len(shown) == 3
    assert brief["cards"] == {"red": shown.count("红牌"), "yellow": shown.count("黄牌"), "blue": shown.count("蓝牌")}
    assert brief["problems"]["open_now"] == 0


def test_docx_is_the_whole_notice(county, tmp_path):
    county("config", "set", "notice.doc_number_prefix", "测发改投资")
    docx = tmp_path / "通报.docx"
    result = county("report", "monthly", "--period", "2025-03", "--out", str(tmp_path / "r.xlsx"), "--docx",
                    str(docx), "--no-save")
    assert f"Word 通报“{docx}”" in result.stdout
    doc = Document(str(docx))
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    assert texts[:3] == ["测发改投资〔2025〕3号", "测试县2025年3月重大项目推进情况排队通报", "各乡镇（街道）、县直有关部门："]
    assert "一、总体情况" in texts and "七、排名情况" in texts
    assert texts[-2] == "测试县发展和改革局"
    township = next(t for t in doc.tables if t.rows[0].cells[1].text == "乡镇")
    rows = [[c.text for c in row.cells] for row in township.rows]
    assert rows[1] == ["1", "乙镇", "1", "—", "2,000.00", "2,500.00", "125.0%", "—", "100.00", ""]
    assert rows[2][:2] == ["2", "甲镇"] and rows[2][8] == "80.00"


def test_docx_refuses_the_ledger_and_writes_nothing(county, tmp_path):
    out = tmp_path / "r.xlsx"
    result = county("report", "monthly", "--period", "2025-03", "--out", str(out), "--docx", str(county.db_path),
                    expect=1)
    assert "台账" in result.stderr
    assert not out.exists()
    missing = county("report", "monthly", "--period", "2025-03", "--out", str(out), "--docx",
                     str(tmp_path / "没有的目录" / "通报.docx"), expect=1)
    assert "不存在" in missing.stderr and not out.exists()
    # nothing saved either: the ranking snapshot was not recorded
    assert county.json("report", "history", "--unit", "甲镇")["history"] == []


def _four_towns(cli):
    """四个乡镇、各一个续建项目（计划1000万元），3月累计 400/300/200/100：甲第一，乙丙丁后三位。"""
    cli("config", "set", "county_name", "测试县")
    for i, town in enumerate(("甲镇", "乙镇", "丙镇", "丁镇")):
        code = f"2025-620821-47-01-10000{i}"
        cli("unit", "add", town, "--kind", "township")
        cli("project", "add", "--name", f"{town}项目", "--code", code, "--township", town, "--nature", "续建")
        cli("plan", "set", code, "--year", "2025", "--investment", "1000")
        cli("progress", "log", code, "--period", "2025-03", "--ytd", str(400 - 100 * i))


def test_workbook_opens_with_the_brief_and_marks_the_bottom_three(cli, tmp_path):
    _four_towns(cli)
    out = tmp_path / "r.xlsx"
    data = cli.json("report", "monthly", "--period", "2025-03", "--out", str(out), "--no-save")
    workbook = load_workbook(out)
    ws = workbook["乡镇排名"]
    first = [ws.cell(r, 1).value for r in range(3, 10)]
    parts = data["brief"]["text"].split("\n")
    numbers = "一二三四五六七"
    headings = ["总体情况", "分类推进情况", "分级推进情况", "项目竣工情况", "问题和议定事项办理情况", "红黄蓝牌预警情况", "排名情况"]
    assert first == [f"{n}、{h}：{t}" for n, h, t in zip(numbers, headings, parts)]
    assert first[0].startswith("一、总体情况：今年全县安排重点项目4个")
    # the ranking below it: bottom three with streak 1 — the streak column says 1, 备注 stays empty
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "排名")
    names = [ws.cell(header, c).value for c in range(1, 17)]
    streak, note = names.index("连续后三位\n(次)") + 1, names.index("备注") + 1
    body = [(ws.cell(r, 3).value, ws.cell(r, streak).value, ws.cell(r, note).value)
            for r in range(header + 1, header + 5)]
    assert body == [("甲镇", 0, None), ("乙镇", 1, None), ("丙镇", 1, None), ("丁镇", 1, None)]
    # the township chart: the bottom three bars red (no department is ranked here: no chart)
    with zipfile.ZipFile(out) as archive:
        chart = archive.read("xl/charts/chart1.xml").decode()
    assert chart.count("<dPt>") == 3 and chart.count('<a:srgbClr val="C00000"') == 3
    assert "乡镇排名" in chart


def test_both_rankings_get_a_chart_and_the_project_sheet_is_readable(county, tmp_path):
    out = tmp_path / "r.xlsx"
    county("report", "monthly", "--period", "2025-03", "--out", str(out), "--no-save")
    with zipfile.ZipFile(out) as archive:
        charts = sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        texts = [archive.read(n).decode() for n in charts]
    assert len(texts) == 2 and "乡镇排名" in texts[0] and "部门排名" in texts[1]
    ws = load_workbook(out)["一项目一表"]
    widths = [ws.column_dimensions[chr(ord("A") + i)].width for i in range(14)]
    # 14 columns of at most ~165 characters: fitted to A4 landscape it prints at about 85%
    assert sum(widths) <= 165


def test_open_meeting_items_are_counted_as_the_items_sheet_shows(county, tmp_path):
    meeting = county.json("meeting", "add", "--kind", "月调度会", "--on", "2025-03-03")
    county("meeting", "item", "add", str(meeting["id"]), "--text", "协调用地", "--lead", "县发改局",
           "--due", "2025-03-20")  # past due on 03-31
    county("meeting", "item", "add", str(meeting["id"]), "--text", "协调资金", "--lead", "县发改局",
           "--due", "2025-04-30")
    data = county.json("report", "monthly", "--period", "2025-03", "--out", str(tmp_path / "r.xlsx"), "--no-save")
    assert data["brief"]["problems"]["items_open_now"] == 2
    assert data["brief"]["problems"]["items_overdue_now"] == 1
    assert "会议议定事项未办结2个，其中已逾期1个。" in data["brief"]["text"]
