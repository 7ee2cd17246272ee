"""The monthly report filtered by level / tag, and the townships that have not reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from projledger.period import Period
from projledger.store import Ledger
from projledger.submissions import record_submission

PROJECTS = [  # code, name, township, department, level, plan, ytd
    ("2026-620821-47-01-000001", "有机肥项目", "城关镇", "县发改局", "省重点", "1000", "600.10"),
    ("2026-620821-47-01-000002", "污水处理厂", "新城镇", "县交通局", "省重点", "500.50", "100.20"),
    ("2026-620821-47-01-000003", "物流园", "城关镇", "县交通局", "市重点", "800", "700"),
    ("2026-620821-47-01-000004", "果库", "新城镇", "县发改局", None, "300", "30"),
]


@pytest.fixture
def report_county(county, db_path):
    for code, name, town, dept, level, plan, ytd in PROJECTS:
        extra = ["--level", level] if level else []
        county("project", "add", "--name", name, "--code", code, "--township", town, "--department", dept,
               "--actual-start", "2025-05-01", *extra)
        county("plan", "set", code, "--year", "2026", "--investment", plan, "--nature", "续建")
        # 新城镇 has sent nothing for October: its figures are September's
        county("progress", "log", code, "--period", "2026-10" if town == "城关镇" else "2026-09", "--ytd", ytd)
    county("project", "update", PROJECTS[2][0], "--tag", "招商引资重点项目")
    ledger = Ledger.open(db_path)
    tid = ledger.db.execute("SELECT id FROM units WHERE name = '城关镇'").fetchone()[0]
    with ledger.transaction() as w:
        record_submission(w, township_id=tid, period=Period(2026, 10), file_name="城关镇-2026-10.xlsx",
                          sha256="c0ffee", filled_on=None, submitted_on=dt.date(2026, 11, 4))
    ledger.db.close()
    return county


def _sum(rows, key):
    return round(sum(r[key] for r in rows), 2)


def test_report_filtered_by_level_totals_are_its_projects(report_county):
    data = report_county.json("report", "monthly", "--period", "2026-10", "--level", "省重点", "--out", "省.xlsx")
    towns = data["rankings"]["township"]
    depts = data["rankings"]["department"]
    # 省重点: 有机肥项目 1000 / 600.10 and 污水处理厂 500.50 / 100.20
    assert _sum(towns, "annual_plan") == 1500.5 and _sum(towns, "ytd_completed") == 700.3
    assert _sum(depts, "annual_plan") == 1500.5 and _sum(depts, "ytd_completed") == 700.3
    assert sorted((r["unit"], r["projects"]) for r in towns) == [("城关镇", 1), ("新城镇", 1)]
    assert data["saved"] is False
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path("省.xlsx")
    title = book.get_sheet_by_name(book.sheet_names[0]).to_python()[0][0]
    assert title.endswith("重大项目推进情况排队通报（省重点项目）")


def test_report_filtered_by_tag(report_county):
    data = report_county.json("report", "monthly", "--period", "2026-10", "--tag", "招商引资重点项目",
                              "--out", "招商.xlsx")
    towns = data["rankings"]["township"]
    assert [(r["unit"], r["annual_plan"], r["ytd_completed"]) for r in towns] == [("城关镇", 800, 700)]


def test_unfiltered_report_marks_reported_townships(report_county):
    result = report_county("report", "monthly", "--period", "2026-10", "--out", "全.xlsx", "--json")
    import json

    data = json.loads(result.stdout)
    assert {r["unit"]: r["reported"] for r in data["rankings"]["township"]} == {"城关镇": True, "新城镇": False}
    assert data["unreported"] == ["新城镇"]
    assert "2026年10月未报送的乡镇：新城镇" in result.stderr
    assert data["saved"] is True
    assert _sum(data["rankings"]["township"], "annual_plan") == 2600.5
    assert _sum(data["rankings"]["township"], "ytd_completed") == 1430.3
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path("全.xlsx")
    cells = [c for row in book.get_sheet_by_name(book.sheet_names[0]).to_python() for c in row]
    assert "本期未报送的乡镇：新城镇（沿用其此前报送的数据）" in cells


def test_report_unknown_level_refused(report_county):
    result = report_county("report", "monthly", "--period", "2026-10", "--level", "国家级", "--out", "x.xlsx",
                           expect=1)
    assert "项目级别“国家级”无效" in result.stderr
    assert not Path("x.xlsx").exists()


def test_export_filtered_by_level_and_tag(report_county):
    import json

    report_county("export", "projects", "--out", "省.json", "--level", "省重点")
    assert [r["name"] for r in json.loads(Path("省.json").read_text(encoding="utf-8"))] == ["有机肥项目", "污水处理厂"]
    report_county("export", "progress", "--out", "招商.json", "--tag", "招商引资重点项目")
    rows = json.loads(Path("招商.json").read_text(encoding="utf-8"))
    assert [(r["project_name"], r["ytd_completed"]) for r in rows] == [("物流园", 700)]
    result = report_county("export", "plans", "--out", "x.csv", "--level", "镇重点", expect=1)
    assert "项目级别“镇重点”无效" in result.stderr and not Path("x.csv").exists()


def test_figures_typed_by_hand_count_as_reported(report_county):
    report_county("progress", "log", PROJECTS[1][0], "--period", "2026-10", "--ytd", "150")
    data = report_county.json("report", "monthly", "--period", "2026-10", "--out", "全.xlsx", "--no-save")
    assert {r["unit"]: r["reported"] for r in data["rankings"]["township"]} == {"城关镇": True, "新城镇": True}
    assert data["unreported"] == []
    # the 催报 list is about the sheets themselves
    rows = report_county.json("submissions", "--period", "2026-10", "--as-of", "2026-11-10")
    assert {r["township"]: r["status"] for r in rows} == {"城关镇": "on_time", "新城镇": "missing"}
