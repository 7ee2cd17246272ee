"""Meetings and decided items (议定事项) through the CLI: add, list, show, item life, cards, links.

Working days by hand from the 2026 State Council notice (no holiday in November 2026):
meeting on Tue 2026-11-10 → 解决意见 due 3 working days later: 11, 12, 13 → Fri 11-13;
10 working days: 11, 12, 13, 16, 17, 18, 19, 20, 23, 24 → Tue 11-24.
"""

from __future__ import annotations

import sqlite3

import pytest

CODE1 = "2026-620821-47-01-000001"
MEETING_KEYS = ["id", "kind", "on", "title", "chair", "attendees", "items", "items_open"]
ITEM_KEYS = ["id", "text", "lead_unit", "project_code", "due_on", "reply_due_on", "replied_on", "status",
             "closed_on", "card"]


def rows(db_path, sql, params=()):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def add_county(cli):
    """The units of conftest's ``county`` fixture."""
    cli("unit", "add", "城关镇", "--kind", "township", "--alias", "城关")
    cli("unit", "add", "新城镇", "--kind", "township", "--alias", "新城")
    cli("unit", "add", "县发改局", "--kind", "department", "--alias", "发改局", "--alias", "县发展和改革局")
    cli("unit", "add", "县自然资源局", "--kind", "department", "--alias", "自然资源局")
    cli("unit", "add", "县交通局", "--kind", "department", "--alias", "交通局")


def build_met(cli):
    add_county(cli)
    cli("project", "add", "--name", "城关管网", "--code", CODE1, "--township", "城关镇", "--department", "县发改局")
    cli("meeting", "add", "--kind", "月调度会", "--on", "2026-11-10", "--chair", "王副县长",
        "--attendee", "发改局", "--attendee", "城关", "--title", "11月项目调度会")


@pytest.fixture(scope="module")
def met_file(built_ledger):
    return built_ledger("met", build_met)


@pytest.fixture
def met(use_ledger, met_file):
    """A county with one project and one meeting (built once, copied for each test)."""
    return use_ledger(met_file)


def add_item(cli, *args, expect=0):
    if expect:
        return cli("meeting", "item", "add", "1", *args, expect=expect)
    return cli.json("meeting", "item", "add", "1", *args)


def test_meeting_add_list_show_json(met):
    met("meeting", "add", "--kind", "周例会", "--on", "2026-11-16")
    listed = met.json("meeting", "list")
    assert [list(m)[:len(MEETING_KEYS)] for m in listed] == [MEETING_KEYS, MEETING_KEYS]
    assert listed[0] == {"id": 1, "kind": "月调度会", "on": "2026-11-10", "title": "11月项目调度会",
                         "chair": "王副县长", "attendees": ["县发改局", "城关镇"], "items": 0, "items_open": 0}
    assert [m["id"] for m in met.json("meeting", "list", "--kind", "周例会")] == [2]
    assert [m["id"] for m in met.json("meeting", "list", "--from", "2026-11-11")] == [2]
    assert [m["id"] for m in met.json("meeting", "list", "--to", "2026-11-10")] == [1]
    add_item(met, "--text", "协调管网穿越国道手续", "--lead", "交通局", "--project", CODE1)
    shown = met.json("meeting", "show", "1", "--as-of", "2026-11-12")
    assert shown["items_open"] == 1 and shown["attendees"] == ["县发改局", "城关镇"]
    assert list(shown["items"][0])[:len(ITEM_KEYS)] == ITEM_KEYS
    assert shown["items"][0]["project_code"] == CODE1 and shown["items"][0]["lead_unit"] == "县交通局"


@pytest.mark.parametrize("args, message", [
    (["--kind", "例会", "--on", "2026-11-10"], "会议类型“例会”无效，应为：周例会、月调度会、季度分析会、专题会商、联席会议、现场督导"),
    (["--kind", "周例会", "--on", "2026-11-10", "--attendee", "县交通运输局"], "县交通运输局"),
])
def test_bad_meeting_is_a_chinese_error_and_writes_nothing(county, db_path, args, message):
    result = county("meeting", "add", *args, expect=1)
    assert message in result.stderr
    assert rows(db_path, "SELECT COUNT(*) FROM meetings") == [(0,)]
    assert rows(db_path, "SELECT COUNT(*) FROM meeting_attendees") == [(0,)]


@pytest.mark.parametrize("args, reply_due, due", [
    ([], "2026-11-13", "2026-11-24"),                      # default meeting_item_default_workdays 10
    (["--workdays", "3"], "2026-11-13", "2026-11-13"),
    (["--due", "2026-11-20"], "2026-11-13", "2026-11-20"),
    (["--due", "2026-11-15"], "2026-11-13", "2026-11-16"),  # Sunday → Monday
])
def test_item_deadlines_count_from_the_meeting(met, args, reply_due, due):
    item = add_item(met, "--text", "落实配套资金", "--lead", "县发改局", *args)
    assert (item["reply_due_on"], item["due_on"], item["status"]) == (reply_due, due, "open")
    assert item["assigned_on"] == "2026-11-10" and item["project_code"] is None


def test_default_workdays_come_from_settings(met):
    met("config", "set", "meeting_item_default_workdays", "5")
    assert add_item(met, "--text", "落实配套资金", "--lead", "县发改局")["due_on"] == "2026-11-17"


@pytest.mark.parametrize("args, code, message", [
    (["--due", "2026-11-09"], 1, "完成时限2026-11-09早于会议日期2026-11-10"),
    (["--lead", "县水利局"], 1, "县水利局"),
    (["--workdays", "3", "--due", "2026-11-20"], 2, "--workdays 和 --due 只能给一个"),
])
def test_bad_item_is_refused_and_writes_nothing(met, db_path, args, code, message):
    base = ["--text", "落实配套资金"] + ([] if "--lead" in args else ["--lead", "县发改局"])
    result = add_item(met, *base, *args, expect=code)
    assert message in result.stderr
    assert rows(db_path, "SELECT COUNT(*) FROM meeting_items") == [(0,)]


def test_item_for_unknown_meeting(met):
    result = met("meeting", "item", "add", "9", "--text", "x", "--lead", "县发改局", expect=1)
    assert "找不到编号为 9 的会议" in result.stderr


def test_item_life_reply_close_reopen_escalate(met, db_path):
    add_item(met, "--text", "落实配套资金", "--lead", "县发改局")
    assert "已登记议定事项 1 的解决意见" in met("meeting", "item", "reply", "1", "--text", "财政追加", "--on",
                                          "2026-11-12").stdout
    out = met("meeting", "item", "close", "1", "--on", "2026-11-25", "--resolution", "已到位").stdout
    assert "议定事项 1 已于2026-11-25办结（超过完成时限 2026-11-24）" in out
    again = met("meeting", "item", "close", "1", "--on", "2026-11-26", expect=1)
    assert "议定事项 1 已于2026-11-25办结，不能重复办结" in again.stderr
    early = met("meeting", "item", "reopen", "1", "--on", "2026-11-09", "--limit", "2", expect=1)
    assert "重新打开日期2026-11-09早于议定事项交办日期2026-11-10" in early.stderr
    met("meeting", "item", "reopen", "1", "--on", "2026-11-26", "--limit", "2")  # 27, 30
    met("meeting", "item", "escalate", "1", "--level", "县级", "--on", "2026-11-27", "--note", "跨部门")
    down = met("meeting", "item", "escalate", "1", "--level", "乡镇", "--on", "2026-11-27", expect=1)
    assert "只能向上提级" in down.stderr
    assert rows(db_path, "SELECT status, closed_on, due_on, due_start, level, replied_on FROM meeting_items") == [
        ("open", None, "2026-11-30", "2026-11-26", "县级", "2026-11-12")]
    assert rows(db_path, "SELECT level, escalated_on, note FROM meeting_item_escalations") == [
        ("县级", "2026-11-27", "跨部门")]
    actions = rows(db_path, "SELECT action, table_name FROM audit WHERE table_name LIKE 'meeting_item%' ORDER BY id")
    assert actions == [("insert", "meeting_items"), ("update", "meeting_items"), ("update", "meeting_items"),
                       ("update", "meeting_items"), ("insert", "meeting_item_escalations"),
                       ("update", "meeting_items")]


def test_closing_before_the_meeting_is_refused(met):
    add_item(met, "--text", "落实配套资金", "--lead", "县发改局")
    result = met("meeting", "item", "close", "1", "--on", "2026-11-09", expect=1)
    assert "办结日期2026-11-09早于议定事项交办日期2026-11-10" in result.stderr


@pytest.mark.parametrize("as_of, replied, expected", [
    ("2026-11-13", False, []),
    ("2026-11-16", False, [("yellow", "reply", "议定事项“协调管网穿越国道手续”未提出解决意见（超过期限1个工作日）")]),
    ("2026-11-23", False, [("red", "reply", "议定事项“协调管网穿越国道手续”未提出解决意见（超过期限6个工作日）"),
                           ("blue", "meeting_item", "议定事项“协调管网穿越国道手续”1个工作日内到期")]),
    ("2026-11-23", True, [("blue", "meeting_item", "议定事项“协调管网穿越国道手续”1个工作日内到期")]),
    ("2026-11-25", True, [("yellow", "meeting_item", "议定事项“协调管网穿越国道手续”逾期1个工作日")]),
])
def test_item_cards_in_warn(met, as_of, replied, expected):
    add_item(met, "--text", "协调管网穿越国道手续", "--lead", "县交通局", "--project", CODE1)
    if replied:
        met("meeting", "item", "reply", "1", "--text", "已对接公路部门", "--on", "2026-11-13")
    cards = met.json("warn", "--as-of", as_of)
    assert [(c["card"], c["kind"], c["reason"]) for c in cards["cards"]] == expected
    if expected:
        assert cards["cards"][0]["project_code"] == CODE1
        assert cards["projects"][0]["card"] == expected[0][0]
    shown = met.json("meeting", "show", "1", "--as-of", as_of)["items"][0]
    assert shown["card"] == (expected[0][0] if expected else None)


def test_a_problem_without_reply_gets_a_reply_card(met):
    met("problem", "add", CODE1, "--text", "用地未报批", "--reported", "2026-11-10")  # reply due 11-13
    reasons = [(c["kind"], c["card"]) for c in met.json("warn", "--as-of", "2026-11-16")["cards"]]
    assert reasons == [("reply", "yellow")]
    met("problem", "reply", "1", "--text", "已报批", "--on", "2026-11-16")
    assert met.json("warn", "--as-of", "2026-11-16")["cards"] == []


def test_problem_found_at_a_meeting(met, db_path):
    problem = met.json("problem", "add", CODE1, "--text", "用地未报批", "--meeting", "1")
    assert problem["meeting_id"] == 1 and problem["reported_on"] == "2026-11-10"
    assert problem["reply_due_on"] == "2026-11-13"
    shown = met.json("meeting", "show", "1")
    assert shown["problems"] == [{"id": 1, "text": "用地未报批", "project_code": CODE1, "lead_unit": "县发改局",
                                  "status": "open"}]
    missing = met("problem", "add", CODE1, "--text", "另一个问题", "--meeting", "7", expect=1)
    assert "找不到编号为 7 的会议" in missing.stderr
    assert rows(db_path, "SELECT COUNT(*) FROM problems") == [(1,)]


def test_item_show_in_chinese(met):
    add_item(met, "--text", "落实配套资金", "--lead", "县发改局")
    out = met("meeting", "item", "show", "1", "--as-of", "2026-11-16").stdout
    assert "议定事项 1" in out and "会议：1（2026-11-10 月调度会）" in out
    assert "亮牌：黄牌：议定事项“落实配套资金”未提出解决意见（超过期限1个工作日）" in out


def test_meeting_list_table_in_chinese(met):
    out = met("meeting", "list").stdout
    assert "会议（1次）" in out and "王副县长" in out and "11月项目调度会" in out


def test_terminal_controls_in_texts_are_escaped(met):
    out = met("meeting", "item", "add", "1", "--text", "落实\x1b[31m资金", "--lead", "县发改局").stdout
    assert "\x1b" not in out and "落实" in out


def test_items_in_a_year_without_calendar_are_provisional_and_listed_for_refresh(met, db_path):
    """2027 has no official calendar in this chinese-calendar: the deadlines are provisional."""
    from projledger.meetings import provisional_items
    from projledger.store import Ledger

    met("meeting", "add", "--kind", "周例会", "--on", "2027-03-02")
    result = met("meeting", "item", "add", "2", "--text", "开春复工", "--lead", "县发改局", "--workdays", "2")
    assert "2027" in result.stderr  # the provisional-calendar warning
    item = met.json("meeting", "show", "2", "--as-of", "2027-03-02")["items"][0]
    assert item["due_provisional"] is True and item["due_on"] == "2027-03-04"
    with Ledger.open(db_path) as ledger:
        found = provisional_items(ledger.db)
    assert [(r[0], r[5], r[9], r[10], r[11]) for r in found] == [(1, "2027-03-02", "2027-03-02", 2, "2027-03-04")]
