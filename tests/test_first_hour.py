"""The first hour of a new user, each friction of that hour checked from the command line:
the county name, done-on dates in the future, history as people read it, English and
internal names in messages and help, the problem sheet's default name, strict periods.
"""

from __future__ import annotations

import pytest

CODE = "2026-620821-47-01-012345"


@pytest.fixture
def project(county, monkeypatch):
    """One started plan project of 城关镇 (县发改局), a problem and a procedure; today is 2026-11-21."""
    monkeypatch.setenv("PROJLEDGER_TODAY", "2026-11-21")
    county("project", "add", "--name", "年产5万吨有机肥加工项目", "--code", CODE, "--township", "城关",
           "--department", "发改局", "--total-investment", "12000", "--nature", "新开工",
           "--planned-start", "2026-04-01", "--actual-start", "2026-04-15")
    county("plan", "set", CODE, "--year", "2026", "--investment", "5000")
    county("problem", "add", CODE, "--text", "用地指标未落实", "--reported", "2026-11-02")
    county("procedure", "add", CODE, "--item", "环评", "--accepted", "2026-11-02", "--limit", "20")
    return county


# ------------------------------------------------------------------ 2. the county name

def test_init_county_sets_the_name(tmp_path):
    from ledger_cli import Cli

    cli = Cli(tmp_path / "new.db")
    result = cli("init", "--county", " 泾川县 ")
    assert "本县：泾川县" in result.stdout and "提示" not in result.stderr
    assert cli.json("config", "show")["county_name"] == "泾川县"


def test_init_without_a_county_warns_when_nobody_can_be_asked(tmp_path):
    from ledger_cli import Cli

    cli = Cli(tmp_path / "new.db")
    result = cli("init")
    assert "还没有设置本县名称，报表标题暂用“示范县”" in result.stderr
    assert "projledger config set county_name" in result.stderr


def test_init_asks_a_person_at_a_terminal(tmp_path, monkeypatch):
    from ledger_cli import Cli

    from projledger.cli import core_cmds

    monkeypatch.setattr(core_cmds, "_can_ask", lambda: True)  # as on a terminal
    cli = Cli(tmp_path / "new.db")
    result = cli("init", input="灵台县\n")
    assert "本县（区）名称" in result.stdout and "本县：灵台县" in result.stdout
    assert cli.json("config", "show")["county_name"] == "灵台县"
    skipped = Cli(tmp_path / "other.db")("init", input="\n")  # Enter: not now
    assert "还没有设置本县名称" in skipped.stderr


def test_report_warns_while_the_county_name_is_the_placeholder(project):
    project("progress", "log", CODE, "--period", "2026-10", "--ytd", "3200", "--status", "主体施工")
    warned = project("report", "monthly", "--period", "2026-10", "--no-save").stderr
    assert "还没有设置本县名称" in warned
    project("config", "set", "county_name", "泾川县")
    assert "本县名称" not in project("report", "monthly", "--period", "2026-10", "--no-save").stderr


# ------------------------------------------------------------------ 5. done-on dates

@pytest.mark.parametrize("command", [
    ("problem", "close", "1", "--resolution", "已落实"),
    ("problem", "reply", "1", "--text", "已对接自然资源局"),
    ("procedure", "done", CODE, "环评"),
    ("project", "complete", CODE),
])
def test_a_done_on_date_after_today_is_refused(project, command):
    refused = project(*command, "--on", "2026-11-22", expect=1)
    assert "“2026-11-22”晚于今天（2026-11-21）" in refused.stderr and "Traceback" not in refused.stderr
    project(*command, "--on", "2026-11-21")


def test_the_refused_close_wrote_nothing(project):
    project("problem", "close", "1", "--on", "2026-12-01", expect=1)
    (problem,) = project.json("problem", "list")
    assert problem["status"] == "open"


# ------------------------------------------------------------------ 7. history

def test_history_shows_names_amounts_in_wan_and_chinese_labels(project):
    project("project", "update", CODE, "--total-investment", "12500")
    screen = project("history", CODE).stdout
    for seen in ("所在乡镇：城关镇", "责任单位：县发改局", "总投资：12,000.00万元", "12,000.00万元 → 12,500.00万元",
                 "2026年计划", "计划投资：5,000.00万元", "问题1", "牵头单位：县发改局", "手续 环评"):
        assert seen in screen, seen
    for hidden in ("township_id", "department_id", "total_investment", "1200000", "projects[", "name_key"):
        assert hidden not in screen, hidden
    raw = project.json("history", CODE)["changes"]
    assert raw[0]["table"] == "projects" and raw[0]["after"]["total_investment"] == 1200000  # --json stays raw
    update = [c for c in raw if c["action"] == "update" and c["table"] == "projects"][-1]
    assert (update["before"]["total_investment"], update["after"]["total_investment"]) == (1200000, 1250000)


# ------------------------------------------------------------------ 9. English and internal names

def test_a_mistyped_command_is_answered_in_chinese(cli):
    result = cli("improt", expect=2)
    assert "没有命令“improt”（您是不是要用：import" in result.stderr
    assert "No such command" not in result.stderr and "Did you mean" not in result.stderr


def test_a_bad_argument_is_named_by_its_chinese_name(cli):
    result = cli("problem", "close", "abc", expect=2)
    assert "问题编号 的值不对：必须是整数" in result.stderr and "problem_id" not in result.stderr
    missing = cli("problem", "close", expect=2)
    assert "缺少必填的参数 问题编号" in missing.stderr


def test_an_unopenable_ledger_is_explained_in_chinese(tmp_path):
    from ledger_cli import Cli

    (tmp_path / "gone.db").symlink_to(tmp_path / "no-such-folder" / "x.db")
    result = Cli(tmp_path / "gone.db")("init", expect=1)
    assert "无法打开数据库文件" in result.stderr and "unable to open" not in result.stderr


def test_an_unreadable_sheet_is_explained_without_the_library_english(county, tmp_path):
    import re
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["项目名称", "总投资"])
    wb.active.append(["甲", 1])
    wb.save(tmp_path / "ok.xlsx")
    with zipfile.ZipFile(tmp_path / "ok.xlsx") as source, zipfile.ZipFile(tmp_path / "bad.xlsx", "w") as bad:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":  # a cell type Excel never writes
                data = re.sub(rb'<c r="B2"( t="\w+")?', b'<c r="B2" t="zz"', data, count=1)
            bad.writestr(item.filename, data)
    result = county("import", tmp_path / "bad.xlsx", "--township", "城关镇", "--period", "2026-10", expect=1)
    assert "无法读取" in result.stderr and "另存为 .xlsx" in result.stderr
    assert not re.search(r"[A-Za-z]{4,} [A-Za-z]{3,}", result.stderr.replace("Excel", "").replace("WPS", ""))


@pytest.mark.parametrize("args", [("--help",), ("import", "--help"), ("problem", "close", "--help"),
                                  ("problem", "add", "--help")])
def test_help_pages_are_chinese(cli, args):
    page = cli(*args).stdout
    assert "显示本帮助并退出" in page and ("选项：" in page)
    for english in ("Show this message", "Usage:", "Options:", "[required]", "<list[", "<str>", "<int>", "{", "x>="):
        assert english not in page, english


def test_help_columns_line_up(cli):
    from projledger.cli.help_zh import width

    page = cli("import", "--help").stdout.splitlines()
    options = page[page.index("选项：") + 1:]
    import re

    term = re.compile(r"^  --\S*(?: \S+)?( {2,})")  # "  --township <文字>" and the padding after it
    starts = {width(m.group(0)) for m in map(term.match, options) if m}
    assert len(starts) == 1, starts  # every option's help starts in the same column
    assert width("  --township <文字>") + 2 <= starts.pop()


# ------------------------------------------------------------------ 10. names and periods

def test_problem_sheet_has_a_default_name_like_the_other_exports(project, tmp_path):
    result = project("problem", "sheet", "--as-of", "2026-11-21")
    assert "问题清单-2026-11.xlsx" in result.stdout
    assert (tmp_path / "问题清单-2026-11.xlsx").stat().st_size > 0
    (tmp_path / "out").mkdir()
    project("problem", "sheet", "--as-of", "2026-11-21", "--out", tmp_path / "out")
    assert (tmp_path / "out" / "问题清单-2026-11.xlsx").exists()


@pytest.mark.parametrize("command", [
    ("report", "monthly", "--period", "2026-1"),
    ("template", "--township", "城关镇", "--period", "2026-1"),
    ("import", "x.xlsx", "--period", "2026-1"),
    ("progress", "log", CODE, "--period", "2026-1", "--ytd", "1"),
])
def test_a_period_without_two_digit_month_is_refused(county, command):
    result = county(*command, expect=2)
    assert "“2026-1”格式不对，应为 YYYY-MM" in result.stderr


def test_today_can_be_fixed_for_scripts_and_tests(monkeypatch):
    from projledger.dates import today

    monkeypatch.setenv("PROJLEDGER_TODAY", "2026-02-29")  # no such day
    from projledger.errors import UsageError

    with pytest.raises(UsageError, match="PROJLEDGER_TODAY"):
        today()
    monkeypatch.setenv("PROJLEDGER_TODAY", "2026-03-01")
    assert today().isoformat() == "2026-03-01"


def test_config_show_prints_values_as_config_set_takes_them(cli):
    screen = cli("config", "show").stdout
    assert '["用地", "规划", "环评"' in screen and "['用地'" not in screen
    assert "（未设置）" in screen and "None" not in screen


def test_history_entries_for_people_from_raw_rows():
    from projledger.history import describe

    rows = [{"at": "2026-11-21T01:30:00+00:00", "actor": "李明", "action": "update", "table": "progress",
             "key": "project_id=3,period=2026-10",
             "before": {"ytd_completed": 320000, "status": None},
             "after": {"ytd_completed": 350050, "status": "主体封顶"},
             "command": "projledger --db /data/泾川.db progress log 甲 --period 2026-10 --ytd 3500.5"},
            {"at": "2026-11-22T02:00:00+00:00", "actor": "李明", "action": "insert", "table": "problems",
             "key": "id=7", "before": None,
             "after": {"id": 7, "text": "用地未批", "lead_unit_id": 9, "due_provisional": 0, "new_column": "x"},
             "command": None}]
    update, insert = describe(rows, {1: "县发改局"}.get)
    assert (update.actor, update.action, update.subject) == ("李明", "修改", "进度 2026-10")
    assert update.change_text() == "累计完成投资：3,200.00万元 → 3,500.50万元；状态：（空） → 主体封顶"
    assert update.command == "progress log 甲 --period 2026-10 --ytd 3500.5"
    assert insert.subject == "问题7"
    assert insert.change_text() == "问题：用地未批；牵头单位：（已删除的单位9）；new_column：x"
