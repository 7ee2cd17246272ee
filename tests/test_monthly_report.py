"""The monthly report workbook, checked as a reader would: read back with python-calamine
(values) and openpyxl (print setup, fills), and converted to PDF by LibreOffice when present.

County 测试县, year 2025, four townships with one project each (plan 1,000 万元) and the same
order every month: year-to-date after month m is 400m (甲镇), 300m (乙镇), 200m (丙镇), 100m
(丁镇).  So 乙 丙 丁 are the bottom three in January, February and March: streak 3 in March.
Texts that look like formulas come in as project names and problem texts.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal

import pytest

TOWNS = ("甲镇", "乙镇", "丙镇", "丁镇")
NAMES = {"甲镇": '=HYPERLINK("http://example.com","点我")', "乙镇": "@SUM(A1)", "丙镇": "+丙项目",
         "丁镇": "-丁项目"}
CODES = {town: f"2025-620821-47-01-00000{i}" for i, town in enumerate(TOWNS, start=1)}
STREAK_NOTE = "连续三次排名后三位，须在季度调度会上说明情况"


def build_county(cli):
    cli("config", "set", "county_name", "测试县")
    for town in TOWNS:
        cli("unit", "add", town, "--kind", "township")
    cli("unit", "add", "县发改局", "--kind", "department")
    for index, town in enumerate(TOWNS):
        code = CODES[town]
        cli("project", "add", "--name", NAMES[town], "--township", town, "--department", "县发改局",
            "--nature", "续建", "--code", code)
        cli("plan", "set", code, "--year", "2025", "--investment", "1000")
        for month in (1, 2, 3):
            ytd = (4 - index) * 100 * month
            cli("progress", "log", code, "--period", f"2025-{month:02d}", "--ytd", str(ytd),
                "--status", "=主体施工" if index == 0 else "主体施工")
    cli("problem", "add", CODES["丁镇"], "--text", "=1+1 用地指标未落实", "--reported", "2025-02-03")
    cli("problem", "add", CODES["丙镇"], "--text", "资金缺口", "--reported", "2025-03-25")


@pytest.fixture(scope="module")
def county_file(built_ledger):
    """The county built once; each test works on its own copy of the file."""
    return built_ledger("county", build_county)


@pytest.fixture
def county(use_ledger, county_file):
    return use_ledger(county_file)


def monthly(cli, tmp_path, *extra):
    out = tmp_path / "report.xlsx"
    data = json.loads(cli("report", "monthly", "--period", "2025-03", "--json", "--out", str(out),
                          *extra).stdout)
    return data, out


def calamine_rows(path, sheet):
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def table_below_header(rows, first_header):
    top = next(i for i, row in enumerate(rows) if row and row[0] == first_header)
    return rows[top], [row for row in rows[top + 1:] if isinstance(row[0], (int, float)) and row[0] != ""]


def test_ranking_sheets_match_the_json(county, tmp_path):
    data, out = monthly(county, tmp_path)
    assert data["file"] == str(out) and out.exists()
    rows = calamine_rows(out, "乡镇排名")
    assert rows[0][0] == "测试县2025年3月重大项目推进情况排队通报"
    header, body = table_below_header(rows, "排名")
    col = {name: i for i, name in enumerate(header)}
    township = data["rankings"]["township"]
    assert [r["unit"] for r in township] == ["甲镇", "乙镇", "丙镇", "丁镇"]
    assert len(body) == len(township)
    for line, row in zip(body, township):
        assert int(line[col["排名"]]) == row["rank"]
        assert line[col["乡镇"]] == row["unit"]
        assert line[col["得分"]] == pytest.approx(row["score"], abs=1e-9)
        for title, key in (("开工率", "start_rate"), ("投资完成率", "invest_rate"), ("办结率", "resolve_rate")):
            if row[key] is None:
                assert line[col[title]] == "—"
            else:
                assert abs(line[col[title]] - row[key]) <= 0.00005, (title, line, row)
        plan_col = next(i for name, i in col.items() if name.startswith("年度计划"))
        assert Decimal(str(line[plan_col])) == Decimal(str(row["annual_plan"]))
        streak_col = next(i for name, i in col.items() if name.startswith("连续后三位"))
        assert int(line[streak_col]) == row["bottom3_streak"]
    # By hand: invest 1200/1000 → capped, start and resolve null → 100.00; 乙 0.9 → 90.00;
    # 丙 0.6 with 资金缺口 open (0/1): 100 × 0.3/0.7 = 42.86; 丁 0.3 with one open: 21.43.
    assert [r["score"] for r in township] == [100.0, 90.0, 42.86, 21.43]
    assert [r["bottom3_streak"] for r in township] == [0, 3, 3, 3]
    notes = [line[col["备注"]] for line in body]
    assert notes == ["", STREAK_NOTE, STREAK_NOTE, STREAK_NOTE]
    dept = calamine_rows(out, "部门排名")
    _, dept_body = table_below_header(dept, "排名")
    assert [line[2] for line in dept_body] == ["县发改局"]


def test_outside_text_is_never_a_formula(county, tmp_path):
    _, out = monthly(county, tmp_path, "--no-save")
    with zipfile.ZipFile(out) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        for name in sheets:
            xml = archive.read(name).decode("utf-8")
            assert not re.search(r"<f[ >]", xml), name
    projects = calamine_rows(out, "一项目一表")
    header, body = table_below_header(projects, "序号")
    names = [line[header.index("项目名称")] for line in body]
    assert sorted(names) == sorted(NAMES.values())
    assert "=主体施工" in [line[header.index("形象进度")] for line in body]
    problems = calamine_rows(out, "问题清单")
    header, body = table_below_header(problems, "序号")
    assert "=1+1 用地指标未落实" in [line[header.index("问题")] for line in body]


def test_print_setup_fonts_and_formats(county, tmp_path):
    from openpyxl import load_workbook

    _, out = monthly(county, tmp_path, "--no-save")
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["乡镇排名", "部门排名", "一项目一表", "问题清单", "预警"]
    for ws in workbook.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert int(ws.page_setup.paperSize) == 9, ws.title  # A4
        assert ws.page_setup.fitToWidth in (1, "1") and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows and ws.freeze_panes, ws.title
        assert ws.print_area, ws.title
    ws = workbook["乡镇排名"]
    header_row = int(ws.print_title_rows.split(":")[0].lstrip("$"))
    headers = {ws.cell(header_row, c).value: c for c in range(1, ws.max_column + 1)}
    first = header_row + 1
    assert ws.cell(first, headers["年度计划\n(万元)"]).number_format == "#,##0.00"
    assert ws.cell(first, headers["投资完成率"]).number_format == "0.0%"
    assert ws.cell(first, headers["乡镇"]).font.name == "宋体"
    fills = {ws.cell(r, headers["乡镇"]).value: ws.cell(r, 1).fill.fgColor.rgb for r in range(first, first + 4)}
    assert fills["甲镇"] in (None, "00000000")
    assert all(fills[t].endswith("FFC7CE") for t in ("乙镇", "丙镇", "丁镇"))
    projects = workbook["一项目一表"]
    top = int(projects.print_title_rows.split(":")[0].lstrip("$"))
    assert projects.cell(top + 1, 9).number_format == "#,##0.00"  # 年度计划
    assert projects.cell(top + 1, 11).number_format == "0.0%"  # 投资完成率
    assert projects.cell(top + 1, 3).font.name == "宋体"


def test_chart_cards_and_overdue_marks(county, tmp_path):
    from openpyxl import load_workbook

    _, out = monthly(county, tmp_path, "--no-save")
    with zipfile.ZipFile(out) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 2  # one per ranking (brief's tests check the department chart)
        chart = archive.read(charts[0]).decode("utf-8")
    assert re.search(r"<(c:)?barChart>", chart) and "乡镇排名" in chart
    workbook = load_workbook(out)
    problems = workbook["问题清单"]
    top = int(problems.print_title_rows.split(":")[0].lstrip("$"))
    lines = {problems.cell(r, 4).value: [problems.cell(r, c).value for c in range(1, 11)]
             for r in range(top + 1, problems.max_row + 1)}
    # Reported 2025-02-03, 10 working days → due 2025-02-17: overdue on 2025-03-31 (红牌).
    overdue = lines["=1+1 用地指标未落实"]
    assert overdue[6] == dt.datetime(2025, 2, 17) and overdue[7] == "已逾期" and overdue[9] == "红牌"
    assert lines["资金缺口"][7] == "未到期"
    cards = workbook["一项目一表"]
    top = int(cards.print_title_rows.split(":")[0].lstrip("$"))
    card_cells = [cards.cell(r, 13) for r in range(top + 1, top + 5)]
    red = [c for c in card_cells if c.value == "红牌"]
    assert red and all(c.fill.fgColor.rgb.endswith("FF9999") for c in red)
    warnings = calamine_rows(out, "预警")
    header, body = table_below_header(warnings, "序号")
    assert body and body[0][header.index("亮牌")] == "红牌"


def test_workbook_written_without_json_too(county, tmp_path):
    result = county("report", "monthly", "--period", "2025-03", "--no-save")
    assert "本期排名未保存" in result.stdout
    assert (tmp_path / "重点项目推进情况排队通报-2025-03.xlsx").exists()


def test_bulk_rows_value_types(tmp_path):
    from projledger.reports.bulk import BulkRows, text_lines
    from projledger.reports.xlsx import DATE, MONEY, new_workbook, put

    workbook = new_workbook()
    ws = workbook.create_sheet("t")
    put(ws, 1, 1, "标题")
    ws.freeze_panes = "A3"  # creates an empty cell in the bulk range; must not clash
    bulk = BulkRows(workbook)
    styles = [bulk.style(), bulk.style(MONEY), bulk.style(DATE), bulk.style(), bulk.style()]
    bulk.add_rows(ws, 2, [["=A1", Decimal("1234.50"), dt.date(2025, 3, 31), True, None],
                          ["a\x01b<&>", 7, None, 2.5, "  x  "]], styles, heights=[None, 30])
    assert bulk.last_row(ws) == 3
    out = bulk.save(tmp_path / "t.xlsx")
    rows = calamine_rows(out, "t")
    assert rows[1][:4] == ["=A1", 1234.5, dt.date(2025, 3, 31), True]
    assert rows[2][:4] == ["ab<&>", 7, "", 2.5] and rows[2][4] == "  x  "
    assert text_lines("短", 10) == 1 and text_lines("汉" * 30, 20) == 3


def soffice_path():
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(soffice_path() is None,
                    reason="LibreOffice (soffice) is not installed; install libreoffice-calc to "
                           "check that the workbook converts to PDF")
def test_libreoffice_converts_to_pdf(county, tmp_path):
    _, out = monthly(county, tmp_path, "--no-save")
    pdf_dir = tmp_path / "pdf"
    profile = tmp_path / "lo-profile"
    subprocess.run([soffice_path(), f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(pdf_dir), str(out)],
                   check=True, capture_output=True, timeout=180)
    pdf = pdf_dir / "report.pdf"
    assert pdf.exists()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert pages >= 5  # one page per sheet at least
