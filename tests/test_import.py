"""Township import (SPEC §4): golden sheets, whole-file rejection, idempotence, dry run, bad files.

The golden pairs live in ``tests/data/`` (made by ``tests/data/make_golden.py``): each
``NAME.expected.json`` lists import steps with their expected summaries and warnings, and
the projects / problems / progress records the ledger must then hold — written by hand from
the sheet.  Everything else builds its sheets here with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

DATA = Path(__file__).resolve().parent / "data"
GOLDEN = sorted(DATA.glob("*.expected.json"))


# ---------------------------------------------------------------- helpers


def write_sheet(path: Path, rows: list[list], *, merge=(), name="项目表", before: list[tuple[str, list]] = ()):
    """An .xlsx with optional earlier sheets (``before``: [(name, rows)])."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for sheet_name, sheet_rows in [*before, (name, rows)]:
        ws = wb.create_sheet(sheet_name)
        for r, row in enumerate(sheet_rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
    ws = wb[name]
    for span in merge:
        ws.merge_cells(span)
    wb.save(path)
    return path


def township_sheet(path: Path, rows: list[list], *, township="城关镇", month=10, fill="2026年11月3日", header=None):
    header = header or ["项目代码", "项目名称", "建设性质", "总投资", "年度计划", f"1-{month}月完成投资", "存在问题",
                        "责任单位"]
    return write_sheet(path, [[f"{township}2026年{month}月重点项目推进情况表"],
                              [f"填报单位：{township}  填报日期：{fill}"], header, *rows])


def import_json(cli, *args, expect=0) -> dict:
    result = cli("import", *map(str, args), "--json", expect=expect)
    return json.loads(result.stdout)


def counts(db_path: Path) -> dict:
    con = sqlite3.connect(db_path)
    try:
        return {table: con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("projects", "annual_plans", "progress", "problems", "audit")}
    finally:
        con.close()


@pytest.fixture
def town(cli):
    """A fresh ledger with the units of ``tests/data/units.csv`` (one command, cheaper than five)."""
    cli("unit", "import", DATA / "units.csv")
    return cli


# ---------------------------------------------------------------- golden pairs


@pytest.mark.parametrize("expected_path", GOLDEN, ids=[p.name.split(".")[0] for p in GOLDEN])
def test_golden(town, expected_path):
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    for number, step in enumerate(expected["steps"], start=1):
        if "run" in step:
            town(*step["run"])
            continue
        source = DATA / step["import"]
        if not source.exists():
            pytest.skip(f"{source.name} 未生成（make_golden.py 需要 xlwt / LibreOffice）")
        summary = import_json(town, source, *step["args"])
        (got,) = summary["files"]
        assert summary["committed"] is True, got["errors"]
        assert {k: got[k] for k in step["summary"]} == step["summary"], f"第{number}步"
        assert got["errors"] == []
        assert len(got["warnings"]) == len(step["warnings"]), got["warnings"]
        for words, warning in zip(step["warnings"], got["warnings"]):
            assert all(w in warning for w in words), (words, warning)
    _check_projects(town, expected)
    _check_problems(town, expected["problems"])
    for name, records in expected["progress"].items():
        shown = town.json("project", "show", name)["progress"]
        assert [{k: r[k] for k in records[0]} for r in shown] == records


def _check_projects(cli, expected):
    listed = cli.json("project", "list", "--year", str(expected["year"]))
    by_key = {(p["township"], p["name"]): p for p in listed}
    assert len(listed) == len(by_key) == len(expected["projects"])
    assert sorted(by_key) == sorted((p["township"], p["name"]) for p in expected["projects"])
    for want in expected["projects"]:
        got = by_key[(want["township"], want["name"])]
        assert {k: got[k] for k in want} == want


def _check_problems(cli, expected):
    listed = cli.json("problem", "list")
    by_key = {(p["project_name"], p["text"]): p for p in listed}
    assert len(listed) == len(by_key) == len(expected)
    for want in expected:
        got = by_key[(want["project_name"], want["text"])]
        assert {k: got[k] for k in want} == want


# ---------------------------------------------------------------- a bad file is rejected whole

BAD_HEADER = ["项目代码", "项目名称", "建设性质", "总投资", "年度计划", "1-10月完成投资", "实际开工时间", "责任单位"]
BAD_ROWS = [
    ["2026-620801-47-01-000001", "好项目甲", "新开工", 100, 50, 10, None, "县发改局"],
    [None, "金额错误项目", "续建", "一千", 50, 10, None, None],
    [None, "负数项目", "续建", 100, -5, 10, None, None],
    ["2026-12", "代码错误项目", "续建", 100, 50, 10, None, None],
    [None, "性质错误项目", "改建", 100, 50, 10, None, None],
    [None, "部门错误项目", "续建", 100, 50, 10, None, "县交通运输"],
    ["2026-620801-47-01-000001", "重复代码项目", "续建", 100, 50, 10, None, None],
    [None, "好项目甲", "续建", 100, 50, 10, None, None],
    [None, None, "续建", 100, 50, 10, None, None],
    [None, "日期错误项目", "续建", 100, 50, 10, "2026-02-30", None],
]
# (row as Excel shows it, column header, value, words of the message) — every error of the file
BAD_ERRORS = [
    (5, "总投资", "一千", "不是有效金额"),
    (6, "年度计划", "-5", "不能为负数"),
    (7, "项目代码", "2026-12", "格式不对"),
    (8, "建设性质", "改建", "无法识别"),
    (9, "责任单位", "县交通运输", "县交通局"),
    (10, "项目代码", "2026-620801-47-01-000001", "与第4行重复"),
    (11, "项目名称", "好项目甲", "与第4行重复"),
    (12, "项目名称", None, "项目名称为空"),
    (13, "实际开工时间", "2026-02-30", "不存在"),
]


def test_bad_rows_reject_the_whole_file_with_every_error_while_a_good_file_imports(town, tmp_path):
    bad = township_sheet(tmp_path / "bad.xlsx", BAD_ROWS, header=BAD_HEADER)
    good = township_sheet(tmp_path / "good.xlsx", [[None, "新城镇好项目", "续建", 300, 100, 40, None, "交通局"]],
                          township="新城镇", header=BAD_HEADER)
    summary = import_json(town, bad, good, expect=1)
    assert summary["committed"] is False
    rejected, accepted = summary["files"]
    assert rejected["committed"] is False and rejected["created"] == 0
    got = [(e["row"], e["column"], e["value"], e["message"]) for e in rejected["errors"]]
    assert [g[:3] for g in got] == [e[:3] for e in BAD_ERRORS]
    for (_, _, _, message), (_, _, _, words) in zip(got, BAD_ERRORS):
        assert words in message
    assert {e["sheet"] for e in rejected["errors"]} == {"项目表"}
    assert accepted["committed"] is True and accepted["created"] == 1
    names = [p["name"] for p in town.json("project", "list")]
    assert names == ["新城镇好项目"]  # nothing of the bad file, not even its valid first row


def test_rejected_file_errors_are_printed_in_chinese_with_row_and_column(town, tmp_path):
    bad = township_sheet(tmp_path / "bad.xlsx", BAD_ROWS, header=BAD_HEADER)
    result = town("import", bad, expect=1)
    assert "bad.xlsx 未导入（9处错误，整个文件未写入）" in result.stderr
    assert "工作表“项目表”第5行“总投资”列（值：一千）：" in result.stderr
    assert "第13行“实际开工时间”列（值：2026-02-30）：日期“2026-02-30”不存在" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_code_of_another_township_and_contradicting_code_are_conflicts_listed_together(town, tmp_path):
    first = township_sheet(tmp_path / "a.xlsx", [
        ["2026-620801-47-01-000001", "城关镇甲项目", "续建", 100, 50, 10, None, None],
        ["2026-620801-47-01-000002", "城关镇乙项目", "续建", 100, 50, 10, None, None]])
    import_json(town, first)
    other = township_sheet(tmp_path / "b.xlsx", [
        ["2026-620801-47-01-000001", "新城镇甲项目", "续建", 100, 50, 10, None, None],
        ["2026-620801-47-01-000002", "新城镇乙项目", "续建", 100, 50, 10, None, None],
        [None, "新城镇丙项目", "续建", 100, 50, 10, None, None]], township="新城镇")
    again = township_sheet(tmp_path / "c.xlsx", [
        ["2026-620801-47-01-000009", "城关镇甲项目", "续建", 100, 50, 20, None, None]])
    summary = import_json(town, other, again, expect=1)
    b, c = summary["files"]
    assert [(e["row"], e["column"]) for e in b["errors"]] == [(4, "项目代码"), (5, "项目代码")]
    assert all("城关镇" in e["message"] for e in b["errors"])
    assert [(e["row"], e["value"]) for e in c["errors"]] == [(4, "2026-620801-47-01-000009")]
    assert "2026-620801-47-01-000001" in c["errors"][0]["message"]
    assert len(town.json("project", "list")) == 2


# ---------------------------------------------------------------- idempotence and dry run


def _month_files(tmp_path):
    sept = township_sheet(tmp_path / "城关镇-09.xlsx", [
        ["2026-620801-47-01-000001", "城关镇甲项目", "新开工", 1000, 500, 100, "1.用地未批；2.资金不足", "县发改局"],
        [None, "城关镇乙项目", "续建", 800, 300, 200, "无", "交通局"]], month=9, fill="2026年10月13日")
    octo = township_sheet(tmp_path / "城关镇-10.xlsx", [
        ["2026-620801-47-01-000001", "城关镇甲项目", "新开工", 1000, 500, 180, "1.用地未批；2.资金不足；3.设计未定", "县发改局"],
        [None, "城关镇乙项目", "续建", 800, 300, 260, None, "交通局"],
        [None, "城关镇丙项目", "前期", 600, 100, 0, None, None]])
    return sept, octo


def test_reimporting_the_same_files_changes_nothing(town, tmp_path, db_path):
    sept, octo = _month_files(tmp_path)
    import_json(town, sept, octo)
    before = counts(db_path)
    summary = import_json(town, sept, octo)
    for got in summary["files"]:
        assert (got["created"], got["updated"], got["problems_added"]) == (0, 0, 0)
        assert got["unchanged"] == got["rows"]
    assert counts(db_path) == before  # audit included: an unchanged row leaves no trace


def test_dry_run_writes_nothing_but_reports_what_a_real_run_does(town, tmp_path, db_path):
    sept, octo = _month_files(tmp_path)
    import_json(town, sept)
    before, digest = counts(db_path), hashlib.sha256(db_path.read_bytes()).hexdigest()
    dry = import_json(town, octo, "--dry-run")
    assert counts(db_path) == before
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == digest
    assert dry["committed"] is False and dry["files"][0]["committed"] is False
    real = import_json(town, octo)
    keys = ("rows", "created", "updated", "unchanged", "problems_added", "warnings", "errors")
    assert {k: dry["files"][0][k] for k in keys} == {k: real["files"][0][k] for k in keys}
    assert (real["files"][0]["created"], real["files"][0]["updated"], real["files"][0]["problems_added"]) == (1, 2, 1)


def test_dry_run_of_a_bad_file_still_fails(town, tmp_path):
    bad = township_sheet(tmp_path / "bad.xlsx", BAD_ROWS, header=BAD_HEADER)
    summary = import_json(town, bad, "--dry-run", expect=1)
    assert len(summary["files"][0]["errors"]) == len(BAD_ERRORS)


# ---------------------------------------------------------------- files that are not sheets


def _docx(path: Path) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        zf.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        zf.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
    return path


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _formula_sheet(path: Path) -> Path:
    township_sheet(path, [[None, "公式项目", "续建", 100, 50, "=D4-E4", None, None]])
    return path


@pytest.mark.parametrize("make, words", [
    (lambda p: _docx(p / "城关镇10月.xlsx"), "Word"),
    (lambda p: _bytes(p / "城关镇10月.xlsx", b""), "文件是空的"),
    (lambda p: _bytes(p / "城关镇10月.xls", b"%PDF-1.4\n%..."), "PDF"),
    (lambda p: _formula_sheet(p / "formula.xlsx"), "公式没有计算结果"),
], ids=["renamed-docx", "empty", "renamed-pdf", "uncalculated-formula"])
def test_a_file_that_cannot_be_read_is_one_clear_error_never_a_traceback(town, tmp_path, make, words):
    path = make(tmp_path)
    result = town("import", path, expect=1)
    assert words in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    summary = import_json(town, path, expect=1)
    (errors,) = [f["errors"] for f in summary["files"]]
    assert len(errors) == 1 and words in errors[0]["message"]


def test_uncalculated_formula_names_its_cell(town, tmp_path):
    summary = import_json(town, _formula_sheet(tmp_path / "formula.xlsx"), expect=1)
    (error,) = summary["files"][0]["errors"]
    assert (error["sheet"], error["row"], error["column"]) == ("项目表", 4, "1-10月完成投资")


def test_missing_township_and_period_ask_for_the_options(town, tmp_path):
    path = write_sheet(tmp_path / "plain.xlsx", [["项目名称", "年度计划", "累计完成投资"], ["无名项目", 100, 10]])
    errors = import_json(town, path, expect=1)["files"][0]["errors"]
    assert [("--township" in e["message"], "--period" in e["message"]) for e in errors] == [(True, False), (False, True)]
    summary = import_json(town, path, "--township", "城关", "--period", "2026-10")
    assert (summary["files"][0]["township"], summary["files"][0]["period"]) == ("城关镇", "2026-10")


def test_period_option_overrides_the_sheet_with_a_warning(town, tmp_path):
    path = township_sheet(tmp_path / "a.xlsx", [[None, "城关镇甲项目", "续建", 100, 50, 10, None, None]])
    got = import_json(town, path, "--period", "2026-11")["files"][0]
    assert got["period"] == "2026-11"
    assert any("2026-10" in w and "2026-11" in w for w in got["warnings"])


def test_bad_option_values_are_usage_errors(town, tmp_path):
    path = township_sheet(tmp_path / "a.xlsx", [[None, "城关镇甲项目", "续建", 100, 50, 10, None, None]])
    assert "YYYY-MM" in town("import", path, "--period", "2026-13", expect=2).stderr
    assert "YYYY-MM-DD" in town("import", path, "--date", "11/03", expect=2).stderr


# ---------------------------------------------------------------- progress, starts, order


def test_month_only_figures_derive_year_to_date_from_the_previous_record(town, tmp_path):
    header = ["项目名称", "年度计划", "当月完成投资"]
    first = write_sheet(tmp_path / "a.xlsx", [["城关镇2026年9月重点项目推进情况表"], header, ["城关镇甲项目", 500, 120]])
    second = write_sheet(tmp_path / "b.xlsx", [["城关镇2026年10月重点项目推进情况表"], header, ["城关镇甲项目", 500, 80]])
    got = import_json(town, first)["files"][0]
    assert any("没有该项目2026年此前的进度" in w for w in got["warnings"])
    assert import_json(town, second)["files"][0]["warnings"] == []
    progress = town.json("project", "show", "城关镇甲项目")["progress"]
    assert [(r["period"], r["ytd_completed"], r["month_completed"]) for r in progress] == [
        ("2026-09", 120, 120), ("2026-10", 200, 80)]


def test_inconsistent_or_falling_year_to_date_is_warned(town, tmp_path):
    header = ["项目名称", "年度计划", "1-9月完成投资"]
    import_json(town, write_sheet(tmp_path / "a.xlsx", [["城关镇2026年9月重点项目推进情况表"], header,
                                                          ["甲项目", 500, 300], ["乙项目", 500, 300]]))
    header = ["项目名称", "年度计划", "1-10月完成投资", "当月完成投资"]
    got = import_json(town, write_sheet(tmp_path / "b.xlsx", [["城关镇2026年10月重点项目推进情况表"], header,
                                                                ["甲项目", 500, 250, 0], ["乙项目", 500, 390, 80]]))
    warnings = got["files"][0]["warnings"]
    assert len(warnings) == 2
    assert "甲项目" in warnings[0] and "少于" in warnings[0]
    assert "乙项目" in warnings[1] and "300" in warnings[1] and "80" in warnings[1]


def test_started_estimate_never_replaces_a_known_start(town, tmp_path):
    header = ["项目名称", "年度计划", "实际开工时间"]

    def month(n, rows):
        return write_sheet(tmp_path / f"{n}.xlsx", [[f"城关镇2026年{n}月重点项目推进情况表"], header, *rows])

    import_json(town, month(9, [["甲项目", 100, "已开工"], ["乙项目", 100, "2026-05-06"]]))
    import_json(town, month(10, [["甲项目", 100, "已开工"], ["乙项目", 100, "已开工"]]))
    starts = {p["name"]: p["actual_start"] for p in town.json("project", "list")}
    assert starts == {"甲项目": "2026-09-30", "乙项目": "2026-05-06"}
    import_json(town, month(11, [["甲项目", 100, "2026-09-12"]]))
    assert town.json("project", "show", "甲项目")["actual_start"] == "2026-09-12"


def test_files_are_applied_in_period_order_whatever_the_command_line_order(town, tmp_path, db_path):
    sept, octo = _month_files(tmp_path)
    summary = import_json(town, octo, sept)
    assert [f["period"] for f in summary["files"]] == ["2026-10", "2026-09"]  # reported as given
    problems = {p["text"]: p["reported_on"] for p in town.json("problem", "list")}
    assert problems == {"用地未批": "2026-10-13", "资金不足": "2026-10-13", "设计未定": "2026-11-03"}


def test_one_project_reached_by_two_rows_is_a_conflict(town, tmp_path):
    import_json(town, township_sheet(tmp_path / "a.xlsx", [
        ["2026-620801-47-01-000001", "城关镇甲项目", "续建", 100, 50, 10, None, None]]))
    summary = import_json(town, township_sheet(tmp_path / "b.xlsx", [
        ["2026-620801-47-01-000001", "城关镇甲项目（更名）", "续建", 100, 50, 20, None, None],
        [None, "城关镇甲项目", "续建", 100, 50, 20, None, None]]), expect=1)
    (error,) = summary["files"][0]["errors"]
    assert error["row"] == 5 and "第4行" in error["message"]


# ---------------------------------------------------------------- layout details


def test_totals_other_than_the_sum_of_their_rows_are_named_and_partial_rows_are_not_checked(town, tmp_path):
    rows = [["城关镇2026年10月重点项目推进情况表"], ["序号", "项目名称", "总投资", "年度计划"],
            ["一、新开工项目", None, 300, 150],
            ["小计", None, 300, 150],
            [1, "甲项目", 100, 50], [2, "乙项目", 200, 100],
            ["其中：省级重点项目", None, 100, 50],
            ["二、前期项目", None, 999, 1],
            [3, "丙项目", 400, 200],
            ["合计", None, 700, 350]]
    got = import_json(town, write_sheet(tmp_path / "a.xlsx", rows))["files"][0]
    assert got["rows"] == 3
    assert len(got["warnings"]) == 2, got["warnings"]
    assert all("第8行" in w and "二、前期项目" in w for w in got["warnings"])
    assert "999" in got["warnings"][0] and "400" in got["warnings"][0]


def test_blank_note_rows_and_numbering_rows_are_skipped(town, tmp_path):
    rows = [["城关镇2026年10月重点项目推进情况表"], ["序号", "项目名称", "年度计划"], [1, 2, 3],
            [1, "甲项目", 50], ["以下空白"], [None, "（以下无内容）"]]
    got = import_json(town, write_sheet(tmp_path / "a.xlsx", rows))["files"][0]
    assert (got["rows"], got["errors"]) == (1, [])


def test_a_town_wide_sheet_takes_each_rows_township(town, tmp_path):
    rows = [["全县2026年10月重点项目推进情况表"], ["项目名称", "所在乡镇", "年度计划"],
            ["甲项目", "城关", 50], ["乙项目", "新城镇", 60], ["丙项目", None, 70]]
    got = import_json(town, write_sheet(tmp_path / "a.xlsx", rows), expect=1)["files"][0]
    assert [(e["row"], e["column"]) for e in got["errors"]] == [(5, "所在乡镇")]
    rows[-1][1] = "新城"
    got = import_json(town, write_sheet(tmp_path / "a.xlsx", rows))["files"][0]
    assert got["township"] is None and got["created"] == 3
    assert got["warnings"] == ["表中的“全县”不是已知乡镇，按各行“所在乡镇”导入"]
    assert {p["name"]: p["township"] for p in town.json("project", "list")} == {
        "甲项目": "城关镇", "乙项目": "新城镇", "丙项目": "新城镇"}


def test_user_header_synonyms_extend_the_mapping_without_code(town, tmp_path):
    rows = [["城关镇2026年10月重点项目推进情况表"], ["工程名称", "本年度投资任务", "1-10月完成投资"], ["甲项目", 500, 120]]
    path = write_sheet(tmp_path / "a.xlsx", rows)
    errors = import_json(town, path, expect=1)["files"][0]["errors"]
    assert "项目名称" in errors[0]["message"]
    extra = tmp_path / "headers.json"
    extra.write_text(json.dumps({"fields": {"name": ["工程名称"], "annual_plan": ["本年度投资任务"]}},
                                ensure_ascii=False), encoding="utf-8")
    import_json(town, path, "--headers", extra)
    (project,) = town.json("project", "list", "--year", "2026")
    assert (project["name"], project["annual_plan"], project["ytd_completed"]) == ("甲项目", 500, 120)


def test_repeated_hints_are_one_line_with_a_count_on_screen_but_all_in_json(town, tmp_path):
    rows = [["城关镇2026年10月重点项目推进情况表"], ["项目名称", "年度计划"]]
    rows += [[f"项目{i:02d}", f"约{i + 1}"] for i in range(25)]
    path = write_sheet(tmp_path / "a.xlsx", rows)
    result = town("import", path, "--dry-run")
    assert result.stderr.count("金额为约数") == 1
    assert "共25处，1个文件" in result.stderr
    assert len(import_json(town, path, "--dry-run")["files"][0]["warnings"]) == 25


def test_no_progress_bar_when_not_a_terminal(town, tmp_path):
    sept, octo = _month_files(tmp_path)
    result = town("import", sept, octo)
    assert "导入乡镇报表" not in result.stderr and "读取" not in result.stderr


def test_xls_written_by_xlwt_imports(town, tmp_path):
    xlwt = pytest.importorskip("xlwt", reason="xlwt 未安装（pip install xlwt）")
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("项目表")
    for r, row in enumerate([["新城镇2026年10月重点项目推进情况表"], ["填报单位：新城镇  填报日期：2026年11月3日"],
                             ["项目名称", "年度计划", "1-10月完成投资", "实际开工时间"]]):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    ws.write(3, 0, "新城镇甲项目")
    ws.write(3, 1, 500)
    ws.write(3, 2, 123.45)
    ws.write(3, 3, dt.date(2026, 6, 18), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    path = tmp_path / "新城镇.xls"
    wb.save(str(path))
    got = import_json(town, path)["files"][0]
    assert (got["township"], got["period"], got["created"]) == ("新城镇", "2026-10", 1)
    (project,) = town.json("project", "list", "--year", "2026")
    assert (project["ytd_completed"], project["actual_start"]) == (123.45, "2026-06-18")


# ---------------------------------------------------------------- the short paths agree with the parsers


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**15, 10**17)),
       st.sampled_from(["万元", "亿元", "元"]))
def test_fast_money_gives_what_parse_money_gives(raw, unit):
    from projledger.sheets.column_parsers import fast_money
    from projledger.sheets.values import ValueProblem, parse_money

    try:
        expected = parse_money(raw, unit)
    except ValueProblem as problem:
        with pytest.raises(ValueProblem) as caught:
            fast_money(raw, unit)
        assert caught.value.message == problem.message
        return
    got = fast_money(raw, unit)
    assert (got.amount, got.approximate, got.warnings) == (expected.amount, expected.approximate, expected.warnings)
    assert got.amount is None or got.amount == got.amount.quantize(Decimal("0.01"))


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.dates(dt.date(1800, 1, 1), dt.date(2200, 12, 31)),
                 st.datetimes(dt.datetime(1800, 1, 1), dt.datetime(2200, 12, 31))),
       st.booleans())
def test_fast_date_gives_what_parse_date_gives(raw, epoch1904):
    from projledger.sheets.column_parsers import fast_date
    from projledger.sheets.values import ValueProblem, parse_date

    try:
        expected = parse_date(raw, 2026, epoch1904=epoch1904)
    except ValueProblem as problem:
        with pytest.raises(ValueProblem) as caught:
            fast_date(raw, 2026, epoch1904)
        assert caught.value.message == problem.message
        return
    assert fast_date(raw, 2026, epoch1904) == expected


def test_one_import_is_one_audited_command_with_its_whole_command_line(town, tmp_path, db_path):
    files = [township_sheet(tmp_path / f"城关镇-{n}.xlsx", [[None, f"城关镇{n}号项目", "续建", 100, 50, 10, None, None]])
             for n in range(7)]
    import_json(town, *files)
    con = sqlite3.connect(db_path)
    commands = con.execute("SELECT command FROM audit_commands WHERE command LIKE '%城关镇-0.xlsx%'").fetchall()
    changes = con.execute("SELECT COUNT(*) FROM audit WHERE table_name = 'projects' AND action = 'insert'").fetchone()
    con.close()
    (command,), = commands  # written once, however many rows the import changed
    assert all(f"城关镇-{n}.xlsx" in command for n in range(7))
    assert changes == (7,)


def test_township_option_against_the_sheet_is_warned(town, tmp_path):
    path = township_sheet(tmp_path / "a.xlsx", [[None, "某项目", "续建", 100, 50, 10, None, None]], township="新城镇")
    got = import_json(town, path, "--township", "城关")["files"][0]
    assert got["township"] == "城关镇"
    assert "表中填报单位/标题为新城镇，按 --township 城关镇 导入" in got["warnings"]


def test_an_unforeseen_reader_failure_is_that_files_error_not_a_traceback(town, tmp_path, monkeypatch):
    from projledger.sheets import township

    real = township.pick_data_sheets

    def flaky(sheets, synonyms, file_name=None):
        if file_name == "boom.xlsx":
            raise IndexError("list index out of range")
        return real(sheets, synonyms, file_name)

    monkeypatch.setattr(township, "pick_data_sheets", flaky)
    boom = township_sheet(tmp_path / "boom.xlsx", [[None, "甲项目", "续建", 100, 50, 10, None, None]])
    fine = township_sheet(tmp_path / "fine.xlsx", [[None, "乙项目", "续建", 100, 50, 10, None, None]])
    summary = import_json(town, boom, fine, expect=1)
    (error,) = summary["files"][0]["errors"]
    assert "意外错误" in error["message"] and "IndexError" in error["message"]
    assert summary["files"][1]["committed"] is True


# ---------------------------------------------------------------- bugs in modules this file does not own


def test_parse_started_knows_the_1904_date_system():
    from projledger.sheets.values import excel_serial_to_date, parse_started

    got = parse_started(45000, dt.date(2026, 10, 31), 2026, epoch1904=True)
    assert got.value == excel_serial_to_date(45000, True)


# ---------------------------------------------------------------- entering the annual plan


def test_a_reserve_project_in_the_sheet_enters_the_plan_through_the_lifecycle(town, tmp_path):
    town("reserve", "add", "--name", "城关镇储备甲项目", "--township", "城关镇", "--stage", "正在开展前期",
         "--total-investment", "900", "--on", "2026-03-01")
    assert [p["name"] for p in town.json("reserve", "list")] == ["城关镇储备甲项目"]
    path = township_sheet(tmp_path / "a.xlsx", [[None, "城关镇储备甲项目", "新开工", 900, 300, 20, None, None]])
    got = import_json(town, path)["files"][0]
    assert (got["created"], got["updated"]) == (0, 1)
    assert town.json("reserve", "list") == []  # out of the reserve
    (project,) = town.json("project", "list", "--year", "2026")
    assert (project["stage"], project["annual_plan"], project["ytd_completed"]) == ("新开工", 300, 20)


def test_a_completed_project_cannot_enter_a_new_years_plan_from_a_sheet(town, tmp_path, monkeypatch):
    monkeypatch.setenv("PROJLEDGER_TODAY", "2027-12-31")  # completions dated ahead of the real today
    import_json(town, township_sheet(tmp_path / "a.xlsx", [[None, "城关镇甲项目", "续建", 100, 50, 10, None, None],
                                                            [None, "城关镇乙项目", "续建", 100, 50, 10, None, None]]))
    town("project", "update", "城关镇甲项目", "--actual-start", "2025-05-01")
    town("project", "complete", "城关镇甲项目", "--on", "2026-12-20")
    january = write_sheet(tmp_path / "b.xlsx", [["城关镇2027年1月重点项目推进情况表"], ["项目名称", "年度计划", "1月完成投资"],
                                                ["城关镇甲项目", 80, 5], ["城关镇乙项目", 80, 5]])
    (error,) = import_json(town, january, expect=1)["files"][0]["errors"]
    assert (error["row"], error["column"], error["value"]) == (3, "年度计划", "80.00")
    assert "已竣工并销号，不能列入2027年度计划" in error["message"]


def test_progress_text_without_figures_is_said_once(town, tmp_path):
    rows = [["城关镇2026年10月重点项目推进情况表"], ["项目名称", "年度计划", "1-10月完成投资", "形象进度"],
            ["甲项目", 100, None, "主体施工"], ["乙项目", 100, 30, "基础施工"], ["丙项目", 100, None, "前期手续"]]
    got = import_json(town, write_sheet(tmp_path / "a.xlsx", rows))["files"][0]
    assert got["warnings"] == ["第3、5行只有形象进度、没有完成投资，形象进度未记入进度台账"]


def test_json_mode_still_says_on_stderr_that_a_file_was_rejected(town, tmp_path):
    bad = tmp_path / "坏表.csv"
    bad.write_text("城关镇2026年10月重点项目推进情况表\n项目名称,总投资\n甲项目,abc\n", encoding="utf-8")
    result = town("import", bad, "--json", expect=1)
    assert json.loads(result.stdout)["committed"] is False
    assert "1个文件未导入（坏表.csv）" in result.stderr
