"""SPEC §4b from the command line: --explain on every golden sheet, refusals that say what to
change, several files at once (grouped hints, one summary line, Ctrl-C), lock files, the
reporting-cycle columns (级别, 计划竣工, 服务专员) and the submission each committed sheet records.

Sheets are built here with openpyxl the way offices make them (real merges, hidden columns);
expectations are written out by hand.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
GOLDEN = sorted(DATA.glob("*.expected.json"))
SOURCES = sorted({step["import"] for p in GOLDEN for step in json.loads(p.read_text(encoding="utf-8"))["steps"]
                  if "import" in step and (DATA / step["import"]).exists()})
HEADER = ["序号", "项目名称", "建设性质", "总投资", "年度计划", "1-10月完成投资", "存在问题", "责任单位"]


def workbook(path: Path, rows: list[list], *, merge=(), hidden_cols=(), name="项目表", more=()) -> Path:
    """An .xlsx as an office makes it: title, fill-in row, header, rows; ``more``: [(name, rows, hidden)]."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = name
    for row in rows:
        ws.append(row)
    for span in merge:
        ws.merge_cells(span)
    for letter in hidden_cols:
        ws.column_dimensions[letter].hidden = True
    for extra, extra_rows, hidden in more:
        other = wb.create_sheet(extra)
        for row in extra_rows:
            other.append(row)
        if hidden:
            other.sheet_state = "hidden"
    wb.save(path)
    return path


def township(path: Path, rows: list[list], *, fill="填报日期：2026年11月3日", header=HEADER, **kw) -> Path:
    return workbook(path, [["城关镇2026年10月重点项目推进情况表"], [f"填报单位：城关镇  {fill}"], header, *rows], **kw)


def table_counts(db_path: Path) -> dict:
    con = sqlite3.connect(db_path)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {n: con.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


@pytest.fixture
def town(cli):
    cli("unit", "import", DATA / "units.csv")
    return cli


# ---------------------------------------------------------------- --explain


@pytest.mark.parametrize("source", SOURCES)
def test_explain_reads_every_golden_sheet_and_writes_nothing(town, source):
    before = table_counts(town.db_path)
    shown = json.loads(town("import", DATA / source, "--explain", "--json").stdout)
    (file,) = shown["files"]
    assert file["errors"] == []
    imported = [s for s in file["sheets"] if s["imported"]]
    assert imported and all(s["header_rows"] and s["columns"] for s in imported)
    assert any(c["field"] == "name" for s in imported for c in s["columns"])
    assert table_counts(town.db_path) == before
    text = town("import", DATA / source, "--explain").stdout
    assert "只读取说明，未写入" in text and "项目名称 → 项目名称" in text.replace("项目名 → 项目名称", "项目名称 → 项目名称")


@pytest.mark.parametrize("expected_path", [p for p in GOLDEN if "explain" in json.loads(p.read_text(encoding="utf-8"))],
                         ids=lambda p: p.name.split(".")[0])
def test_explain_names_the_class_of_every_non_project_row(town, expected_path):
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    source = DATA / expected["steps"][0]["import"]
    shown = json.loads(town("import", source, "--explain", "--json").stdout)
    rows = {(r["row"], r["class"]): r["value"] for s in shown["files"][0]["sheets"] for r in s["rows"]}
    for row, kind, value in expected["explain"]:
        assert (row, kind) in rows, (row, kind, rows)
        if value is not None:
            assert rows[(row, kind)] == value


def test_explain_shows_units_ignored_columns_and_other_sheets(town, tmp_path):
    path = workbook(tmp_path / "x.xlsx", [
        ["城关镇2026年10月重点项目推进情况表"], ["填报单位：城关镇  填报日期：2026年11月3日"],
        ["项目名称", "总投资（亿元）", "1-9月完成投资", "1-10月完成投资", "联系电话"],
        ["甲项目", 1.5, 10, 20, "0933-1"], ["合计", 1.5, 10, 20]], hidden_cols=["C"],
        more=[("填表说明", [["1.金额单位万元"]], False), ("旧表", [["项目名称", "总投资"], ["乙", 1]], True)])
    text = town("import", path, "--explain").stdout
    assert "B 总投资（亿元） → 总投资［亿元］" in text
    assert "C 1-9月完成投资 → 忽略（与D列“1-10月完成投资”重复（隐藏列），未读取）" in text
    assert "E 联系电话 → 忽略（未识别，已忽略）" in text
    assert "第5行 合计：合计" in text
    assert "工作表“旧表”：隐藏的工作表，未导入" in text
    assert table_counts(town.db_path)["projects"] == 0


# ---------------------------------------------------------------- refusals that say what to change


def test_money_merged_over_two_projects_is_an_error_naming_the_range(town, tmp_path):
    path = township(tmp_path / "m.xlsx", [[1, "甲项目", "新开工", 100, 80, 10, None, None],
                                          [2, "乙项目", "新开工", 200, None, 20, None, None]], merge=["E4:E5"])
    got = json.loads(town("import", path, "--json", expect=1).stdout)["files"][0]
    (error,) = got["errors"]
    assert (error["row"], error["column"]) == (4, "年度计划")
    assert "E4:E5" in error["message"] and "拆分" in error["message"]
    assert table_counts(town.db_path)["projects"] == 0


def test_two_visible_columns_for_one_field_are_an_error_naming_both(town, tmp_path):
    header = ["项目名称", "总投资", "责任单位", "主管部门"]
    path = township(tmp_path / "d.xlsx", [["甲项目", 100, "发改局", "住建局"]], header=header)
    (error,) = json.loads(town("import", path, "--json", expect=1).stdout)["files"][0]["errors"]
    assert "C列“责任单位”与D列“主管部门”都对应“责任单位”" in error["message"]


def test_a_unit_that_cannot_be_told_is_an_error_never_a_guess(town, tmp_path):
    header = ["项目名称", "总投资（万元）", "年度计划"]
    path = workbook(tmp_path / "u.xlsx", [["城关镇2026年10月重点项目推进情况表"], ["填报单位：城关镇", None, "单位：亿元"],
                                          header, ["甲项目", 100, 1]])
    errors = json.loads(town("import", path, "--json", expect=1).stdout)["files"][0]["errors"]
    assert any("B列“总投资（万元）”" in e["message"] and "万元、亿元" in e["message"] for e in errors)


def test_a_row_that_fits_no_class_is_a_row_error(town, tmp_path):
    path = township(tmp_path / "r.xlsx", [[1, "甲项目", "新开工", 100, 50, 10, None, None],
                                          ["★", None, None, None, None, None, None, None],
                                          [None, None, None, 300, None, None, None, None]])
    errors = json.loads(town("import", path, "--json", expect=1).stdout)["files"][0]["errors"]
    assert [(e["row"], e["message"]) for e in errors] == [
        (5, "无法识别此行：没有项目名称，也不是标题、分类、合计、表尾或续行"), (6, "项目名称为空")]


def test_sheets_with_data_that_are_not_imported_are_named(town, tmp_path):
    path = township(tmp_path / "s.xlsx", [[1, "甲项目", "新开工", 100, 50, 10, None, None]],
                    more=[("9月", [["项目名称", "总投资"], ["乙项目", 5]], True),
                          ("统计", [["a", "b", "c"], [1, 2, 3], [4, 5, 6]], False)])
    warnings = json.loads(town("import", path, "--json").stdout)["files"][0]["warnings"]
    assert "工作表“9月”有项目表，但它是隐藏的工作表，未导入；如需导入请取消隐藏" in warnings
    assert "工作表“统计”有数据，但没有找到“项目名称”等表头，未导入" in warnings


# ---------------------------------------------------------------- many files, lock files, Ctrl-C


def test_excel_lock_file_is_skipped_with_a_note(town, tmp_path):
    good = township(tmp_path / "南川街道-2026-10.xlsx", [[1, "甲项目", "新开工", 100, 50, 10, None, None]])
    lock = tmp_path / "~$南川街道-2026-10.xlsx"
    lock.write_bytes(b"\x00" * 165)
    result = town("import", good, lock)
    assert "~$南川街道-2026-10.xlsx 是 Excel/WPS 打开“南川街道-2026-10.xlsx”时生成的锁定文件，不是报表，已跳过" in result.stderr
    assert "错误" not in result.stderr
    summary = json.loads(town("import", good, lock, "--json").stdout)
    assert summary["committed"] is True and len(summary["files"]) == 1
    assert summary["skipped"][0]["path"].endswith("~$南川街道-2026-10.xlsx")


def test_a_batch_groups_repeated_hints_and_ends_with_one_summary_line(town, tmp_path):
    files = [township(tmp_path / f"城关镇-{n}.xlsx", [[1, f"项目{n}", "续建", 100, 50, 10, None, None]],
                      header=HEADER, fill="") for n in range(4)]
    bad = township(tmp_path / "坏.xlsx", [[1, "坏项目", "改建", 100, 50, 10, None, None]])
    result = town("import", *files, bad, expect=1)
    assert result.stderr.count("按续建列入2026年度计划") == 1
    assert "共4处，4个文件" in result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last == "共5个文件：已导入4个，未导入1个；项目行4行，新增项目4个，更新0个，新增问题0条"


def test_without_a_fill_in_date_the_problems_are_dated_today_with_a_warning(town, tmp_path):
    import datetime as dt

    path = township(tmp_path / "f.xlsx", [[1, "甲项目", "新开工", 100, 50, 10, "用地未批", None]], fill="")
    got = json.loads(town("import", path, "--json").stdout)["files"][0]
    today = dt.date.today().isoformat()
    assert f"表中没有填报日期，问题的提出日期按今天（{today}）记；可用 --date 指定" in got["warnings"]
    assert town.json("problem", "list")[0]["reported_on"] == today
    text = town("import", path, "--dry-run").stderr
    assert "表中没有填报日期" not in text  # the problem is already recorded: nothing is dated again


def _two_files(tmp_path):
    return [township(tmp_path / f"城关镇-{n}.xlsx", [[1, f"项目{n}", "新开工", 100, 50, 10, None, None]])
            for n in range(2)]


def test_ctrl_c_while_writing_says_nothing_was_written(town, tmp_path, monkeypatch):
    from projledger.sheets import township as township_reader

    real, calls = township_reader.TownshipReader.apply, []

    def interrupted(self, writer, parsed, result, ctx):
        calls.append(parsed.path.name)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, writer, parsed, result, ctx)

    monkeypatch.setattr(township_reader.TownshipReader, "apply", interrupted)
    before = table_counts(town.db_path)
    result = town("import", *_two_files(tmp_path), expect=130)
    assert "正在写入时中断，本次写入已整体撤销，2个文件都未写入" in result.stderr
    assert table_counts(town.db_path) == before


def test_ctrl_c_while_reading_says_writing_had_not_begun(town, tmp_path, monkeypatch):
    from projledger.sheets import pipeline

    real = pipeline.read_file

    def interrupted(path, ctx):
        if path.name.endswith("1.xlsx"):
            raise KeyboardInterrupt
        return real(path, ctx)

    monkeypatch.setattr(pipeline, "read_file", interrupted)
    result = town("import", *_two_files(tmp_path), expect=130)
    assert "读取到第1个文件（共2个）时中断，尚未开始写入，没有任何文件写入" in result.stderr


def test_interrupt_message_after_the_commit_names_the_written_files():
    from projledger.cli.import_output import interrupted
    from projledger.sheets.pipeline import ImportRun
    from projledger.sheets.records import FileResult

    run = ImportRun(results=[FileResult(Path("a.xlsx"), committed=True), FileResult(Path("b.xlsx"))],
                    phase="committed")
    assert interrupted(run, 3) == "已中断：写入已经完成，1个文件已写入（a.xlsx），其余2个文件未写入"


# ---------------------------------------------------------------- reporting cycle columns, submissions


CYCLE_HEADER = ["项目名称", "项目级别", "年度计划", "计划竣工时间", "服务专员", "包联领导", "1-10月完成投资"]


def test_level_planned_completion_and_liaison_are_read(town, tmp_path):
    town("leader", "add", "王立新", "--title", "副县长")
    path = township(tmp_path / "c.xlsx", [["甲项目", "省重点", 500, "2027年6月", "赵专员", "王立新（副县长）", 100]],
                    header=CYCLE_HEADER)
    got = json.loads(town("import", path, "--json").stdout)["files"][0]
    assert got["warnings"] == ["包联领导/服务专员中这些姓名不是已登记的人员，按文字保存：赵专员（可用 leader add 登记）"]
    (project,) = town.json("project", "list", "--year", "2026")
    assert (project["level"], project["liaison"], project["leader"]) == ("省重点", "赵专员", "王立新")
    con = sqlite3.connect(town.db_path)
    (completion,), = con.execute("SELECT planned_completion FROM annual_plans").fetchall()
    con.close()
    assert completion == "2027-06-01"


def test_an_unknown_level_is_a_row_error_naming_the_allowed_values(town, tmp_path):
    path = township(tmp_path / "c.xlsx", [["甲项目", "国家级", 500, None, None, None, 100]], header=CYCLE_HEADER)
    (error,) = json.loads(town("import", path, "--json", expect=1).stdout)["files"][0]["errors"]
    assert (error["row"], error["column"], error["value"]) == (4, "项目级别", "国家级")
    assert error["message"] == "项目级别“国家级”无法识别，应为：省重点、市重点、县重点"


def test_each_committed_township_sheet_records_its_submission_once(town, tmp_path):
    import hashlib

    path = township(tmp_path / "城关镇-2026-10.xlsx", [[1, "甲项目", "新开工", 100, 50, 10, None, None]])
    town("import", path, "--dry-run")
    town("import", path, "--explain")
    con = sqlite3.connect(town.db_path)
    assert con.execute("SELECT COUNT(*) FROM submissions").fetchone() == (0,)
    town("import", path, "--date", "2026-11-04")
    town("import", path)  # the same file again: recorded once
    rows = con.execute("SELECT period, file_name, sha256, filled_on, submitted_on FROM submissions").fetchall()
    con.close()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert rows == [("2026-10", "城关镇-2026-10.xlsx", digest, "2026-11-03", "2026-11-04")]


def test_changed_rows_are_written_in_bulk_with_a_complete_audit_trail(town, tmp_path):
    first = township(tmp_path / "a.xlsx", [[1, "甲项目", "新开工", 100, 50, 10, None, None]])
    town("import", first)
    second = township(tmp_path / "b.xlsx", [[1, "甲项目", "新开工", 120.5, 60, 10, None, None]])
    got = json.loads(town("import", second, "--json").stdout)["files"][0]
    assert (got["updated"], got["unchanged"]) == (1, 0)
    con = sqlite3.connect(town.db_path)
    rows = con.execute("SELECT table_name, row_key, action, before, after FROM audit_changes"
                       " WHERE action = 'update' ORDER BY id").fetchall()
    total, = con.execute("SELECT total_investment FROM projects").fetchone()
    con.close()
    assert total == 12050
    by_table = {table: (key, json.loads(before), json.loads(after)) for table, key, _, before, after in rows}
    key, before, after = by_table["projects"]
    assert key.startswith("id=") and before["total_investment"] == 10000 and after["total_investment"] == 12050
    assert set(before) == set(after) == {"total_investment", "updated_at"}
    assert by_table["annual_plans"][1:] == ({"investment": 5000}, {"investment": 6000})


def test_inserted_rows_have_their_whole_row_in_the_audit_trail(town, tmp_path):
    path = township(tmp_path / "a.xlsx", [[1, "甲项目", "新开工", 100.5, 50, 10, "用地未批", "发改局"],
                                          [2, "乙项目", "续建", 80, 40, 5, None, None]])
    town("import", path)
    con = sqlite3.connect(town.db_path)
    con.row_factory = sqlite3.Row
    audit = {(r["table_name"], r["row_key"]): (r["project_id"], json.loads(r["after"]))
             for r in con.execute("SELECT * FROM audit_changes WHERE action = 'insert'")}
    projects = {r["id"]: dict(r) for r in con.execute("SELECT * FROM projects")}
    plans = [dict(r) for r in con.execute("SELECT * FROM annual_plans")]
    con.close()
    for pid, row in projects.items():
        project_id, after = audit[("projects", f"id={pid}")]
        assert project_id == pid and after == {k: row[k] for k in after}
        assert after["name"] in ("甲项目", "乙项目") and "total_investment" in after
    for plan in plans:
        project_id, after = audit[("annual_plans", f"project_id={plan['project_id']},year=2026")]
        assert project_id == plan["project_id"] and after == {k: plan[k] for k in after}
    assert len([k for k in audit if k[0] == "problems"]) == 1
    assert len([k for k in audit if k[0] == "progress"]) == 2


def test_ctrl_c_while_the_results_print_says_the_files_are_written(town, tmp_path, monkeypatch):
    from projledger.cli import import_output

    def interrupted(run, dry_run):
        raise KeyboardInterrupt

    monkeypatch.setattr(import_output, "print_results", interrupted)
    result = town("import", *_two_files(tmp_path), expect=130)
    assert "已中断：写入已经完成，2个文件已写入（城关镇-0.xlsx、城关镇-1.xlsx）" in result.stderr
    assert table_counts(town.db_path)["projects"] == 2
