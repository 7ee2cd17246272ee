"""``report quarterly|half|annual`` on a small ledger, figures worked out by hand.

County 测试县, 2025, three townships, one project each, all led by 县发改局:

    P1 甲镇 新开工 省重点 total 20000, plan 5000, planned start 02-01, started 02-20,
       planned completion 12-31; ytd Jan 1000, Mar 3000, Dec 5000
    P2 乙镇 续建 县重点 total 9000, plan 2000, planned completion 03-15, completed 03-10; ytd Mar 2500
    P3 丙镇 前期 (no level) total 3000, plan 1000; no progress
    one problem on P1, reported 02-03, closed 03-01.

Township ranks (weights .3/.5/.2):
    Jan: 甲 invest .2 → 20.00 (1); 乙, 丙 0 → tie broken by name: 丙 (2), 乙 (3)
    Feb: no progress record, nothing saved → never ranked
    Mar: 甲 start 1, invest .6, resolve 1 → 80.00 (2); 乙 invest 1.25 → capped 1 → 100.00 (1); 丙 0 (3)
    Dec: 甲 start 1, invest 1, resolve 1 → 100; 乙 100, invest 1.25 > 1 → 乙 1, 甲 2; 丙 3
Q1 completed = Σ ytd at March = 3000 + 2500 = 5500 万元.
考核 with 加减分 甲 +2, 丙 −1: 甲 102.00 (1), 乙 100.00 (2), 丙 −1.00 (3).
"""

from __future__ import annotations

import json

import pytest
from docx import Document
from openpyxl import load_workbook

P1, P2, P3 = "2025-620821-47-01-000001", "2025-620821-47-01-000002", "2025-620821-47-01-000003"


def build(cli):
    cli("config", "set", "county_name", "测试县")
    cli("config", "set", "notice.issuing_office", "测试县发展和改革局")
    cli("config", "set", "assessment.adjustments", '{"2025": {"甲镇": 2, "丙镇": -1, "不存在镇": 3}}')
    for town in ("甲镇", "乙镇", "丙镇"):
        cli("unit", "add", town, "--kind", "township")
    cli("unit", "add", "县发改局", "--kind", "department")
    cli("project", "add", "--name", "甲项目", "--code", P1, "--township", "甲镇", "--department", "县发改局",
        "--nature", "新开工", "--level", "省重点", "--total-investment", "20000", "--planned-start", "2025-02-01",
        "--actual-start", "2025-02-20")
    cli("project", "add", "--name", "乙项目", "--code", P2, "--township", "乙镇", "--department", "县发改局",
        "--nature", "续建", "--level", "县重点", "--total-investment", "9000")
    cli("project", "add", "--name", "丙项目", "--code", P3, "--township", "丙镇", "--department", "县发改局",
        "--nature", "前期", "--total-investment", "3000")
    cli("plan", "set", P1, "--year", "2025", "--investment", "5000", "--planned-completion", "2025-12-31")
    cli("plan", "set", P2, "--year", "2025", "--investment", "2000", "--planned-completion", "2025-03-15")
    cli("plan", "set", P3, "--year", "2025", "--investment", "1000")
    for code, period, ytd in ((P1, "2025-01", "1000"), (P1, "2025-03", "3000"), (P2, "2025-03", "2500"),
                              (P1, "2025-12", "5000")):
        cli("progress", "log", code, "--period", period, "--ytd", ytd)
    problem = json.loads(cli("problem", "add", P1, "--text", "用地", "--reported", "2025-02-03", "--json").stdout)
    cli("problem", "close", str(problem["id"]), "--on", "2025-03-01")
    cli("project", "complete", P2, "--on", "2025-03-10")


@pytest.fixture(scope="module")
def ledger_file(built_ledger):
    return built_ledger("periodic", build)


@pytest.fixture
def county(use_ledger, ledger_file):
    return use_ledger(ledger_file)


def test_quarter_ranks_each_month_and_the_span_investment(county, tmp_path):
    out, docx = tmp_path / "q1.xlsx", tmp_path / "q1.docx"
    data = county.json("report", "quarterly", "--year", "2025", "--quarter", "1", "--out", str(out),
                       "--docx", str(docx))
    assert (data["span"], data["months"], data["complete"]) == ("2025Q1", ["2025-01", "2025-02", "2025-03"], True)
    assert data["span_completed"] == 5500
    ranks = {u["unit"]: [m["rank"] for m in u["months"]] for u in data["ranks"]["township"]}
    assert list(ranks) == ["乙镇", "甲镇", "丙镇"]
    assert ranks == {"乙镇": [3, None, 1], "甲镇": [1, None, 2], "丙镇": [2, None, 3]}
    overall = data["brief"]["overall"]
    assert (overall["count"], overall["annual_plan"], overall["ytd_completed"], overall["share_pct"],
            overall["gap_points"]) == (3, 8000, 5500, 68.8, 43.8)
    assert "interviews" not in data and "assessment" not in data
    # the workbook: the month table as a reader sees it
    ws = load_workbook(out)["乡镇逐月排名"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3, max_row=6, max_col=6)]
    assert rows[0] == ["乡镇", "1月", "2月", "3月", "3月得分", "后三位次数"]
    assert rows[1] == ["乙镇", 3, None, 1, 100, 0]
    assert ws._charts and ws._charts[0].y_axis.scaling.orientation == "maxMin"
    # the Word summary
    texts = [p.text for p in Document(str(docx)).paragraphs if p.text.strip()]
    assert texts[0] == "测试县2025年第一季度重大项目推进情况季度分析"
    assert "2025年第一季度（1-3月）全县重点项目完成投资5500万元。" in texts
    assert texts[-2:] == ["测试县发展和改革局", texts[-1]]


def test_annual_assessment_adds_the_settings_points(county, tmp_path):
    result = county("report", "annual", "--year", "2025", "--json", "--out", str(tmp_path / "y.xlsx"),
                    "--docx", str(tmp_path / "y.docx"))
    data = json.loads(result.stdout)
    township = data["assessment"]["township"]
    assert [(a["rank"], a["unit"], a["december_rank"], a["december_score"], a["adjustment"], a["score"])
            for a in township] == [(1, "甲镇", 2, 100.0, 2.0, 102.0), (2, "乙镇", 1, 100.0, 0.0, 100.0),
                                   (3, "丙镇", 3, 0.0, -1.0, -1.0)]
    assert data["interviews"] == {"2025-06": None, "2025-12": {"township": [], "department": []}}
    assert "不存在镇" in result.stderr  # a 加减分 for a unit not ranked is named, not silently dropped
    doc = Document(str(tmp_path / "y.docx"))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "考核排名")
    assert [[c.text for c in row.cells] for row in table.rows][1:] == [
        ["1", "甲镇", "2", "100.00", "+2.00", "102.00"], ["2", "乙镇", "1", "100.00", "0", "100.00"],
        ["3", "丙镇", "3", "0.00", "-1.00", "-1.00"]]
    sheet = load_workbook(tmp_path / "y.xlsx")["年度考核"]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=5, max_row=7, max_col=6)]
    assert values[0] == [1, "甲镇", 2, 100, 2, 102]


def test_a_saved_month_keeps_the_rank_it_was_announced_with(county, tmp_path):
    county("report", "monthly", "--period", "2025-01", "--out", str(tmp_path / "1.xlsx"))  # saves January
    county("progress", "log", P2, "--period", "2025-01", "--ytd", "2000")  # 乙 would now be first in January
    data = county.json("report", "quarterly", "--year", "2025", "--quarter", "1", "--out", str(tmp_path / "q.xlsx"))
    ranks = {u["unit"]: u["months"][0] for u in data["ranks"]["township"]}
    assert (ranks["乙镇"]["rank"], ranks["甲镇"]["rank"], ranks["丙镇"]["rank"]) == (3, 1, 2)
    assert ranks["甲镇"]["score"] == 20.0


def test_half_and_bad_options(county, tmp_path):
    data = county.json("report", "half", "--year", "2025", "--half", "1", "--out", str(tmp_path / "h.xlsx"))
    # June has no progress and no saved ranking: never ranked, so no 约谈 list, and the brief
    # speaks of March, the latest month that was ranked
    assert data["months"][-1] == "2025-06" and data["interviews"] == {"2025-06": None}
    assert data["data_month"] == "2025-03" and data["brief"]["period"] == "2025-03"
    bad = county("report", "quarterly", "--year", "2025", "--quarter", "5", expect=2)
    assert "1 至 4" in bad.stderr
    future = county("report", "annual", "--year", "2099", expect=2)
    assert "还没有过完的月份" in future.stderr
    refused = county("report", "quarterly", "--year", "2025", "--quarter", "1", "--out", str(county.db_path),
                     expect=1)
    assert "台账" in refused.stderr
