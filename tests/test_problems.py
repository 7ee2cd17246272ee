"""Problem ledger (问题台账) through the CLI: add, list, show, reply, close, reopen, escalate.

Working days below are written out by hand from the 2026 State Council notice:
国庆 2026-10-01..10-07 off, 2026-10-10 (Sat) and 2026-09-20 (Sun) make-up workdays,
中秋 2026-09-25 (Fri) off; 春节 2026-02-15..02-23 off, 2026-02-14 (Sat) make-up workday.
2026-11-03 is a Tuesday.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from projledger.problems import record_imported
from projledger.store import Ledger

CODE1 = "2026-620821-47-01-000001"
CODE2 = "2026-620821-47-01-000002"
SPEC_KEYS = ["id", "project_code", "project_name", "text", "status", "reported_on", "due_on",
             "closed_on", "lead_unit"]


@pytest.fixture
def ledger_cli(county):
    county("project", "add", "--name", "城关物流园", "--code", CODE1, "--township", "城关镇",
           "--department", "县发改局")
    county("project", "add", "--name", "新城大道", "--code", CODE2, "--township", "新城",
           "--department", "交通局")
    return county


def add(cli, *args, expect=0):
    result = cli("problem", "add", *args, "--json", expect=expect)
    if expect:
        return result
    import json

    return json.loads(result.stdout)


def rows(db_path, sql, params=()):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


# -- add: deadlines in working days ------------------------------------------------

@pytest.mark.parametrize("reported, limit, reply_due, due", [
    # 11-03 Tue: reply 04 Wed, 05 Thu, 06 Fri; due 04,05,06,09,10,11,12,13,16,17.
    ("2026-11-03", None, "2026-11-06", "2026-11-17"),
    # 09-30 Wed: 10-08 Thu(1), 10-09 Fri(2), 10-10 Sat make-up(3), 10-12(4) .. 10-16(8), 10-19(9), 10-20(10).
    ("2026-09-30", "10", "2026-10-10", "2026-10-20"),
    # SPEC §3 example: 02-12 Thu: 13 Fri(1), 14 Sat make-up(2), 15..23 春节, 24 Tue(3).
    ("2026-02-12", "3", "2026-02-24", "2026-02-24"),
    # --limit 0 on Saturday 11-21: the next working day, Monday 11-23.
    ("2026-11-21", "0", "2026-11-25", "2026-11-23"),
])
def test_add_computes_reply_and_resolution_deadlines(ledger_cli, reported, limit, reply_due, due):
    args = [CODE1, "--text", "用地指标未落实", "--reported", reported]
    if limit is not None:
        args += ["--limit", limit]
    problem = add(ledger_cli, *args)
    assert problem["reported_on"] == reported
    assert problem["reply_due_on"] == reply_due
    assert problem["due_on"] == due
    assert problem["due_provisional"] is False
    assert problem["status"] == "open"


def test_add_prints_chinese_summary_and_stores_the_row(ledger_cli, db_path):
    result = ledger_cli("problem", "add", CODE1, "--text", "用地指标未落实", "--category", "用地",
                        "--lead", "县自然资源局", "--reported", "2026-11-03", "--level", "县级",
                        "--responsible", "城关", "--responsible", "发改局")
    assert "已登记问题 1" in result.stdout
    assert "2026-11-17" in result.stdout and "2026-11-06" in result.stdout
    row = rows(db_path, "SELECT text, text_key, category, level, reported_on, reply_workdays,"
                        " reply_due_on, due_workdays, due_on, status, source FROM problems")
    assert row == [("用地指标未落实", "用地指标未落实", "用地", "县级", "2026-11-03", 3, "2026-11-06", 10,
                    "2026-11-17", "open", "cli")]
    units = rows(db_path, "SELECT u.name FROM problem_units pu JOIN units u ON u.id = pu.unit_id"
                          " ORDER BY u.name")
    assert units == [("县发改局",), ("城关镇",)]


def test_lead_unit_through_alias_and_default_from_project_department(ledger_cli):
    by_alias = add(ledger_cli, CODE1, "--text", "规划调整", "--lead", "自然资源局", "--reported", "2026-11-03")
    assert by_alias["lead_unit"] == "县自然资源局"
    default = add(ledger_cli, CODE2, "--text", "资金未到位", "--reported", "2026-11-03")
    assert default["lead_unit"] == "县交通局"


def test_unknown_lead_unit_suggests_the_closest_and_writes_nothing(ledger_cli, db_path):
    result = add(ledger_cli, CODE1, "--text", "用地", "--lead", "县自然局", expect=1)
    assert "未知牵头单位“县自然局”" in result.stderr
    assert "最接近的是：县自然资源局" in result.stderr
    assert rows(db_path, "SELECT COUNT(*) FROM problems") == [(0,)]


@pytest.mark.parametrize("option, value, message", [
    ("--category", "土地", "问题类别“土地”无效，应为：用地、规划、环评、资金、手续、施工、要素保障、政策、其他"),
    ("--level", "省级", "问题层级“省级”无效"),
])
def test_category_and_level_come_from_settings(ledger_cli, option, value, message):
    result = add(ledger_cli, CODE1, "--text", "x问题", option, value, expect=1)
    assert message in result.stderr


def test_level_may_be_a_unique_prefix(ledger_cli):
    assert add(ledger_cli, CODE1, "--text", "需市级协调", "--level", "市级")["level"] == "市级及以上"


def test_same_text_on_same_project_is_refused_but_other_project_is_fine(ledger_cli, db_path):
    add(ledger_cli, CODE1, "--text", "用地指标未落实", "--reported", "2026-11-03")
    # full-width spaces and NFKC variants are the same text
    result = add(ledger_cli, CODE1, "--text", " 用地　指标 未落实 ", expect=1)
    assert "已有相同的问题（编号 1）" in result.stderr
    add(ledger_cli, CODE2, "--text", "用地指标未落实")
    assert rows(db_path, "SELECT COUNT(*) FROM problems") == [(2,)]


@pytest.mark.parametrize("args, code, message", [
    (["不存在的项目", "--text", "x"], 1, "找不到项目“不存在的项目”"),
    ([CODE1, "--text", "x", "--reported", "2026-02-30"], 2, "提出日期“2026-02-30”不存在"),
    ([CODE1, "--text", "   "], 1, "问题内容不能为空"),
])
def test_add_errors(ledger_cli, args, code, message):
    result = ledger_cli("problem", "add", *args, expect=code)
    assert message in result.stderr


def test_provisional_deadline_warns_on_stderr_and_is_marked(ledger_cli, db_path):
    # 2026-12-28 Mon: 29, 30, 31 (2026 official), then 2027 provisional: 01-01 元旦 off,
    # 04..08 (4..8), 11 (9), 12 (10).
    result = ledger_cli("problem", "add", CODE1, "--text", "跨年问题", "--reported", "2026-12-28", "--json")
    assert "2027年调休安排尚未发布" in result.stderr
    import json

    problem = json.loads(result.stdout)
    assert problem["due_on"] == "2027-01-12"
    assert problem["due_provisional"] is True
    assert problem["reply_due_provisional"] is False  # 12-31 is inside 2026
    assert rows(db_path, "SELECT due_provisional FROM problems") == [(1,)]
    listed = ledger_cli("problem", "list")
    assert "暂定" in listed.stdout and "暂定" in listed.stderr


# -- transitions ------------------------------------------------------------------

@pytest.fixture
def one_problem(ledger_cli):
    add(ledger_cli, CODE1, "--text", "用地指标未落实", "--lead", "县自然资源局", "--reported", "2026-11-03",
        "--category", "用地", "--level", "县级")
    return ledger_cli


def test_reply_records_the_proposed_solution(one_problem, db_path):
    result = one_problem("problem", "reply", "1", "--on", "2026-11-05", "--text", "已协调市局追加指标")
    assert "已登记问题 1 的解决意见" in result.stdout
    assert rows(db_path, "SELECT replied_on, reply_text FROM problems") == [("2026-11-05", "已协调市局追加指标")]
    late = one_problem("problem", "reply", "1", "--on", "2026-11-09", "--text", "补充意见")
    assert "已更新" in late.stdout and "超过期限 2026-11-06" in late.stdout


def test_close_then_close_again_is_an_error(one_problem, db_path):
    result = one_problem("problem", "close", "1", "--on", "2026-11-20", "--resolution", "指标已下达")
    assert "问题 1 已于2026-11-20办结" in result.stdout
    assert "超过解决时限 2026-11-17" in result.stdout
    again = one_problem("problem", "close", "1", "--on", "2026-11-21", expect=1)
    assert "已于2026-11-20办结，不能重复办结" in again.stderr
    assert rows(db_path, "SELECT status, closed_on, resolution FROM problems") == [
        ("closed", "2026-11-20", "指标已下达")]


def test_close_before_reported_and_reply_after_close_are_errors(one_problem):
    early = one_problem("problem", "close", "1", "--on", "2026-11-02", expect=1)
    assert "办结日期2026-11-02早于问题提出日期2026-11-03" in early.stderr
    one_problem("problem", "close", "1", "--on", "2026-11-20")
    reply = one_problem("problem", "reply", "1", "--on", "2026-11-21", "--text", "x", expect=1)
    assert "不能再登记解决意见" in reply.stderr


def test_reopen_is_explicit_and_audited(one_problem, db_path):
    not_closed = one_problem("problem", "reopen", "1", expect=1)
    assert "问题 1 尚未办结，无需重新打开" in not_closed.stderr
    one_problem("problem", "close", "1", "--on", "2026-11-20", "--resolution", "指标已下达")
    result = one_problem("problem", "reopen", "1", "--on", "2026-11-23")
    assert "问题 1 已重新打开" in result.stdout
    assert rows(db_path, "SELECT status, closed_on, resolution, due_on FROM problems") == [
        ("open", None, None, "2026-11-17")]
    history = one_problem.json("history", CODE1)
    changes = [c for c in history["changes"] if c["table"] == "problems" and c["action"] == "update"]
    assert changes[-1]["before"] == {"status": "closed", "closed_on": "2026-11-20", "resolution": "指标已下达"}
    assert changes[-1]["after"] == {"status": "open", "closed_on": None, "resolution": None}
    assert "problem reopen 1" in changes[-1]["command"]


def test_reopen_with_a_new_limit_counts_from_the_reopening_day(one_problem):
    one_problem("problem", "close", "1", "--on", "2026-11-20")
    # 11-23 Mon + 5 working days: 24, 25, 26, 27, 30.
    one_problem("problem", "reopen", "1", "--on", "2026-11-23", "--limit", "5")
    shown = one_problem.json("problem", "show", "1")
    assert shown["due_on"] == "2026-11-30" and shown["status"] == "open"


def test_escalate_records_level_date_and_note(one_problem, db_path):
    result = one_problem("problem", "escalate", "1", "--level", "市级", "--on", "2026-11-10", "--note", "需市级协调")
    assert "提级为“市级及以上”" in result.stdout
    assert rows(db_path, "SELECT level FROM problems") == [("市级及以上",)]
    assert rows(db_path, "SELECT level, escalated_on, note FROM problem_escalations") == [
        ("市级及以上", "2026-11-10", "需市级协调")]
    shown = one_problem.json("problem", "show", "1")
    assert shown["escalations"] == [{"level": "市级及以上", "escalated_on": "2026-11-10", "note": "需市级协调"}]
    same = one_problem("problem", "escalate", "1", "--level", "市级及以上", expect=1)
    assert "已是“市级及以上”层级" in same.stderr
    down = one_problem("problem", "escalate", "1", "--level", "乡镇", expect=1)
    assert "只能向上提级" in down.stderr
    assert rows(db_path, "SELECT COUNT(*) FROM problem_escalations") == [(1,)]


def test_escalating_a_closed_problem_is_an_error(one_problem):
    one_problem("problem", "close", "1", "--on", "2026-11-20")
    result = one_problem("problem", "escalate", "1", "--level", "市级", expect=1)
    assert "已办结，不能提级" in result.stderr


@pytest.mark.parametrize("command", [["close", "99"], ["reply", "99", "--text", "x"], ["reopen", "99"],
                                     ["escalate", "99", "--level", "县级"], ["show", "99"]])
def test_unknown_problem_id(ledger_cli, command):
    result = ledger_cli("problem", *command, expect=1)
    assert "找不到编号为 99 的问题" in result.stderr


def test_show_prints_the_record_in_chinese(one_problem):
    one_problem("problem", "escalate", "1", "--level", "市级", "--on", "2026-11-10", "--note", "需市级协调")
    result = one_problem("problem", "show", "1", "--as-of", "2026-11-21")
    out = result.stdout
    assert "用地指标未落实" in out and "县自然资源局" in out
    assert "黄牌：问题“用地指标未落实”逾期3个工作日" in out
    assert "提级：2026-11-10 → 市级及以上（需市级协调）" in out


# -- list ------------------------------------------------------------------------

@pytest.fixture
def several(ledger_cli):
    add(ledger_cli, CODE1, "--text", "用地指标未落实", "--lead", "自然资源局", "--reported", "2026-11-03",
        "--category", "用地", "--level", "县级")  # due 11-17
    add(ledger_cli, CODE1, "--text", "环评未批复", "--reported", "2026-11-16", "--category", "环评")  # due 11-30
    add(ledger_cli, CODE2, "--text", "资金缺口", "--reported", "2026-11-02", "--category", "资金",
        "--level", "乡镇")  # due 11-16
    ledger_cli("problem", "close", "3", "--on", "2026-11-10")
    return ledger_cli


@pytest.mark.parametrize("args, ids", [
    ([], [1, 2, 3]),
    (["--open"], [1, 2]),
    (["--closed"], [3]),
    (["--overdue", "--as-of", "2026-11-21"], [1]),
    (["--overdue", "--as-of", "2026-11-17"], []),  # due today is not overdue
    (["--overdue", "--as-of", "2026-12-01"], [1, 2]),
    (["--lead", "自然资源局"], [1]),
    (["--lead", "县发改局"], [2]),
    (["--township", "新城"], [3]),
    (["--project", CODE1], [1, 2]),
    (["--level", "县级"], [1]),
    (["--category", "资金"], [3]),
    (["--open", "--category", "资金"], []),
])
def test_list_filters(several, args, ids):
    assert [p["id"] for p in several.json("problem", "list", *args)] == ids


def test_list_json_keys_per_spec(several):
    listed = several.json("problem", "list", "--as-of", "2026-11-21")
    for entry in listed:
        assert list(entry)[:len(SPEC_KEYS)] == SPEC_KEYS
    first, closed = listed[0], listed[2]
    assert first == first | {"id": 1, "project_code": CODE1, "project_name": "城关物流园", "text": "用地指标未落实",
                             "status": "open", "reported_on": "2026-11-03", "due_on": "2026-11-17",
                             "closed_on": None, "lead_unit": "县自然资源局", "township": "城关镇",
                             "category": "用地", "level": "县级", "reply_due_on": "2026-11-06",
                             "due_provisional": False, "overdue_workdays": 3, "card": "yellow"}
    assert closed["status"] == "closed" and closed["closed_on"] == "2026-11-10"
    assert closed["card"] is None and closed["overdue_workdays"] == 0


def test_list_errors(several):
    both = several("problem", "list", "--open", "--closed", expect=2)
    assert "--open 和 --closed 不能同时使用" in both.stderr
    unknown = several("problem", "list", "--lead", "县自然局", expect=1)
    assert "县自然资源局" in unknown.stderr


def test_list_table_in_chinese(several):
    out = several("problem", "list", "--as-of", "2026-11-21").stdout
    assert "问题（3个，截至2026-11-21）" in out
    assert "黄牌" in out and "2026-11-10办结" in out


# -- the import hook and the ledger's calendar ------------------------------------------

def test_record_imported_skips_known_texts_open_or_closed(several, db_path):
    with Ledger.open(db_path) as ledger:
        from projledger.projects import Projects

        project = Projects(ledger.db).get(CODE2)  # has "资金缺口" (closed)
        with ledger.transaction() as w:
            added = record_imported(w, project, ["资金 缺口", "征地拆迁未完成", "征地拆迁　未完成",
                                                 "", "  ", "用地指标未落实"], dt.date(2026, 11, 3),
                                    project.department_id, "城关镇2026年10月.xlsx")
            # inside the caller's transaction the new rows are visible
            assert w.db.execute("SELECT COUNT(*) FROM problems WHERE project_id = ?",
                                [project.id]).fetchone()[0] == 3
    assert added == 2
    assert rows(db_path, "SELECT text, lead_unit_id IS NOT NULL, reported_on, due_on, source FROM problems"
                         " WHERE id > 3 ORDER BY id") == [
        ("征地拆迁未完成", 1, "2026-11-03", "2026-11-17", "城关镇2026年10月.xlsx"),
        ("用地指标未落实", 1, "2026-11-03", "2026-11-17", "城关镇2026年10月.xlsx"),
    ]


def test_record_imported_rolls_back_with_the_callers_transaction(several, db_path):
    with Ledger.open(db_path) as ledger:
        project_id = 1
        with pytest.raises(RuntimeError):
            with ledger.transaction() as w:
                assert record_imported(w, project_id, ["新问题"], "2026-11-03", None, "x.xlsx") == 1
                raise RuntimeError("the import failed later")
    assert rows(db_path, "SELECT COUNT(*) FROM problems") == [(3,)]


def test_local_calendar_days_move_the_deadlines(ledger_cli):
    # A local holiday on Thu 11-05: reply due counts 04 Wed, 06 Fri, 09 Mon.
    ledger_cli("calendar", "set", "2026-11-05", "--holiday", "--note", "本地放假")
    problem = add(ledger_cli, CODE1, "--text", "本地假日", "--reported", "2026-11-03")
    assert problem["reply_due_on"] == "2026-11-09"
    assert problem["due_on"] == "2026-11-18"
