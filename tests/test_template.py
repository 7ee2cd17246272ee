"""``projledger template``: the fill-in sheet, and the round trip through ``projledger import``.

The round trip is the promise of SPEC §4: write the template, fill its input cells the way
a township clerk would (openpyxl here), import it with no options, and the ledger holds
exactly what was filled in.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"

SEPTEMBER = [
    ["城关镇2026年9月重点项目推进情况表"],
    ["填报单位：城关镇  填报日期：2026年10月13日"],
    ["项目代码", "项目名称", "建设性质", "总投资", "年度计划", "1-9月完成投资", "责任单位"],
    ["2026-620801-47-01-000101", "城关镇污水管网改造工程", "新开工", 5000, 2000, 800, "县水务局"],
    [None, "城关镇老旧小区改造项目", "续建", 3200.5, 1200, 950.25, "县住建局"],
    [None, "=HYPERLINK(\"http://x\")项目", "前期", 800, 100, 0, None],
]


@pytest.fixture
def town(cli, tmp_path):
    """A ledger with 城关镇's three projects (one with a formula-like name) from September's sheet."""
    from openpyxl import Workbook

    cli("unit", "import", DATA / "units.csv")
    wb = Workbook()
    ws = wb.active
    for r, row in enumerate(SEPTEMBER, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value).data_type = "s" if isinstance(value, str) else "n"
    wb.save(tmp_path / "sept.xlsx")
    cli("import", tmp_path / "sept.xlsx")
    return cli


def load(path: Path):
    from openpyxl import load_workbook

    return load_workbook(path)


def test_template_layout_headers_and_prefilled_projects(town, tmp_path):
    out = tmp_path / "城关镇-2026-11.xlsx"
    got = town.json("template", "--township", "城关", "--period", "2026-11", "--out", out)
    assert got == {"path": str(out), "township": "城关镇", "period": "2026-11", "projects": 3}
    ws = load(out)["项目进展填报"]
    assert ws["A1"].value == "城关镇2026年11月重点项目推进情况表"
    assert ws["A2"].value == "填报单位：城关镇  填报日期："
    assert [c.value for c in ws[3]] == [
        "序号", "项目代码", "项目名称", "责任单位", "建设性质", "总投资\n（万元）", "2026年\n计划投资\n（万元）",
        "1-11月\n完成投资\n（万元）", "11月\n完成投资\n（万元）", "形象进度", "实际开工\n时间", "存在问题"]
    rows = [[c.value for c in ws[r]][:7] for r in (4, 5, 6)]
    assert rows == [
        [1, "2026-620801-47-01-000101", "城关镇污水管网改造工程", "县水务局", "新开工", 5000, 2000],
        [2, None, "城关镇老旧小区改造项目", "县住建局", "续建", 3200.5, 1200],
        [3, None, "=HYPERLINK(\"http://x\")项目", None, "前期", 800, 100],
    ]
    assert ws["C6"].data_type == "s"  # text from the ledger never becomes a formula
    assert all(ws.cell(row=r, column=c).value is None for r in (4, 5, 6) for c in range(8, 13))
    assert [ws.cell(row=r, column=1).value for r in range(7, 17)] == list(range(4, 14))  # 序号 goes on
    assert [ws.cell(row=r, column=c).value for r in range(7, 17) for c in range(2, 13)] == [None] * 110


def test_prefilled_cells_are_locked_input_cells_open_and_validated(town, tmp_path):
    out = tmp_path / "t.xlsx"
    town("template", "--township", "城关镇", "--period", "2026-11", "--out", out, "--blank-rows", "3")
    ws = load(out).active
    assert ws.protection.sheet is True
    assert all(ws.cell(row=4, column=c).protection.locked for c in range(1, 8))
    assert not any(ws.cell(row=4, column=c).protection.locked for c in range(8, 13))
    assert not any(ws.cell(row=7, column=c).protection.locked for c in range(2, 13))  # a blank row
    assert ws["A7"].value == 4 and ws["A7"].protection.locked
    assert not ws["A2"].protection.locked
    rules = {(v.type, str(v.sqref)): v for v in ws.data_validations.dataValidation}
    assert ("decimal", "F7:F9 G7:G9 H4:H9 I4:I9") in rules
    assert ("date", "K4:K9") in rules
    assert rules["list", "E7:E9"].formula1 == '"新开工,续建,前期"'
    departments = rules["list", "D7:D9"]  # 责任单位 of a new project: the county's departments
    assert departments.formula1 == "'部门名单'!$A$1:$A$5"
    listed = load(out)["部门名单"]
    assert listed.sheet_state == "hidden"
    assert [listed.cell(row=r, column=1).value for r in range(1, 6)] == ["县交通局", "县住建局", "县发改局", "县教育局",
                                                                       "县水务局"]
    (money,) = [v for k, v in rules.items() if k[0] == "decimal"]
    assert (money.operator, money.formula1) == ("greaterThanOrEqual", "0")
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_rows == "$3:$3"


def test_filled_template_imports_with_no_options(town, tmp_path, db_path):
    out = tmp_path / "城关镇-2026-10.xlsx"
    town("template", "--township", "城关镇", "--period", "2026-10", "--out", out)
    wb = load(out)
    ws = wb.active
    ws["A2"] = "填报单位：城关镇  填报日期：2026年11月3日"
    ws["H4"], ws["I4"], ws["J4"] = 1100, 300, "管网铺设过半"
    ws["L4"] = "1.管网迁改协调难；2.资金缺口500万元"
    ws["H5"], ws["I5"], ws["K5"] = 1010.25, 60, dt.date(2025, 8, 1)
    ws["I6"], ws["K6"], ws["L6"] = 20, "已开工", "无"
    ws["C7"], ws["D7"], ws["E7"], ws["F7"], ws["G7"], ws["H7"] = "城关镇新增停车场项目", "县交通局", "前期", 600, 50, 5
    wb.save(out)
    summary = json.loads(town("import", out, "--json").stdout)
    (got,) = summary["files"]
    assert summary["committed"] is True, got["errors"]
    assert (got["township"], got["period"], got["rows"], got["created"], got["updated"], got["problems_added"]) == (
        "城关镇", "2026-10", 4, 1, 3, 2)
    assert got["warnings"] == ["第6行“实际开工时间”：“已开工”按期末日期估计开工时间"]
    projects = {p["name"]: p for p in town.json("project", "list", "--year", "2026")}
    assert {n: (p["annual_plan"], p["ytd_completed"], p["actual_start"]) for n, p in projects.items()} == {
        "城关镇污水管网改造工程": (2000, 1100, None),
        "城关镇老旧小区改造项目": (1200, 1010.25, "2025-08-01"),
        "=HYPERLINK(\"http://x\")项目": (100, 20, "2026-10-31"),
        "城关镇新增停车场项目": (50, 5, None),
    }
    assert (projects["城关镇新增停车场项目"]["nature"], projects["城关镇新增停车场项目"]["department"]) == ("前期", "县交通局")
    month = town.json("project", "show", "城关镇污水管网改造工程")["progress"][-1]
    assert (month["period"], month["ytd_completed"], month["month_completed"], month["status"]) == (
        "2026-10", 1100, 300, "管网铺设过半")
    problems = [(p["project_name"], p["text"], p["reported_on"], p["lead_unit"]) for p in town.json("problem", "list")]
    assert problems == [("城关镇污水管网改造工程", "管网迁改协调难", "2026-11-03", "县水务局"),
                        ("城关镇污水管网改造工程", "资金缺口500万元", "2026-11-03", "县水务局")]
    again = json.loads(town("import", out, "--json").stdout)["files"][0]
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)


def test_unfilled_template_imports_and_changes_nothing(town, tmp_path):
    out = tmp_path / "t.xlsx"
    town("template", "--township", "城关镇", "--period", "2026-10", "--out", out)
    got = json.loads(town("import", out, "--json").stdout)["files"][0]
    assert (got["rows"], got["created"], got["updated"], got["unchanged"], got["warnings"]) == (3, 0, 0, 3, [])


def test_january_template_lets_the_township_give_the_new_years_plan(town, tmp_path):
    out = tmp_path / "t.xlsx"
    town("template", "--township", "城关镇", "--period", "2027-01", "--out", out)
    wb = load(out)
    ws = wb.active
    assert (ws["A1"].value, ws["H3"].value, ws["I3"].value) == (
        "城关镇2027年1月重点项目推进情况表", "1-1月\n完成投资\n（万元）", "1月\n完成投资\n（万元）")
    assert [ws.cell(row=r, column=7).value for r in (4, 5, 6)] == [None, None, None]  # no 2027 plan yet
    assert not ws["G4"].protection.locked and ws["F4"].protection.locked
    got = json.loads(town("import", out, "--json").stdout)["files"][0]
    assert (got["period"], got["rows"], got["unchanged"]) == ("2027-01", 3, 3)
    ws["G4"], ws["I4"] = 3000, 120
    wb.save(out)
    got = json.loads(town("import", out, "--json").stdout)["files"][0]
    assert (got["updated"], got["unchanged"]) == (1, 2)
    (planned,) = town.json("project", "list", "--year", "2027")
    assert (planned["name"], planned["annual_plan"], planned["ytd_completed"]) == ("城关镇污水管网改造工程", 3000, 120)


def test_only_current_projects_of_the_township_are_listed(town, tmp_path, monkeypatch):
    monkeypatch.setenv("PROJLEDGER_TODAY", "2027-12-31")  # completions dated ahead of the real today
    town("project", "complete", "城关镇老旧小区改造项目", "--on", "2026-12-20")
    town("unit", "add", "西川镇", "--kind", "township")
    out = tmp_path / "t.xlsx"
    assert town.json("template", "--township", "城关镇", "--period", "2027-03", "--out", out)["projects"] == 2
    names = [load(out).active.cell(row=r, column=3).value for r in (4, 5)]
    assert names == ["城关镇污水管网改造工程", "=HYPERLINK(\"http://x\")项目"]
    assert town.json("template", "--township", "西川镇", "--period", "2026-11", "--out", out)["projects"] == 0


def test_default_output_name_and_bad_arguments(town, tmp_path):
    assert town.json("template", "--township", "城关", "--period", "2026-11")["path"] == "城关镇-2026-11.xlsx"
    assert (tmp_path / "城关镇-2026-11.xlsx").exists()
    assert ".xlsx" in town("template", "--township", "城关镇", "--period", "2026-11", "--out", "x.csv", expect=2).stderr
    assert "YYYY-MM" in town("template", "--township", "城关镇", "--period", "2026/11", expect=2).stderr
    unknown = town("template", "--township", "城官镇", "--period", "2026-11", expect=1).stderr
    assert "城关镇" in unknown and "Traceback" not in unknown
    missing = town("template", "--township", "城关镇", "--period", "2026-11", "--out", tmp_path / "no" / "t.xlsx",
                   expect=1).stderr
    assert "不存在" in missing


def test_a_known_start_is_prefilled_and_locked_an_estimated_one_left_to_fill(town, tmp_path):
    town("project", "update", "城关镇老旧小区改造项目", "--actual-start", "2025-08-01")
    out = tmp_path / "t.xlsx"
    town("template", "--township", "城关镇", "--period", "2026-11", "--out", out)
    ws = load(out).active
    assert (ws["C5"].value, ws["K5"].value, ws["K5"].protection.locked) == (
        "城关镇老旧小区改造项目", dt.datetime(2025, 8, 1), True)
    assert (ws["K4"].value, ws["K4"].protection.locked) == (None, False)
    got = json.loads(town("import", out, "--json").stdout)["files"][0]
    assert (got["rows"], got["unchanged"], got["warnings"]) == (3, 3, [])


def test_out_may_name_a_folder(town, tmp_path):
    folder = tmp_path / "模板"
    folder.mkdir()
    got = town.json("template", "--township", "城关镇", "--period", "2026-11", "--out", folder)
    assert got["path"] == str(folder / "城关镇-2026-11.xlsx") and (folder / "城关镇-2026-11.xlsx").exists()
