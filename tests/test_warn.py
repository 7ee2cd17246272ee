"""``projledger warn``: every red/yellow/blue card of the ledger, worst first (SPEC §6).

Working days written out by hand from the 2026 notice (see tests/test_problems.py):

Case A — reported 2026-11-03 (Tue), 10 working days → due 2026-11-17 (Tue).
    as of 11-12 Thu: 13, 16, 17 remain = 3 → no card
    as of 11-13 Fri: 16, 17 remain = 2 → 蓝
    as of 11-16 Mon: due tomorrow, 1 remains → 蓝
    as of 11-17 Tue: due today → 蓝
    as of 11-18 Wed: overdue 1 → 黄
    as of 11-21 Sat: 18, 19, 20 = 3 → 黄
    as of 11-24 Tue: 18, 19, 20, 23, 24 = 5 → 黄
    as of 11-25 Wed: 6 → 红

Case B — across 国庆: reported 2026-09-15 (Tue), 11 working days: 16, 17, 18, 20 (Sun make-up),
21, 22, 23, 24, (25 中秋 off) 28, 29, 30 → due 2026-09-30 (Wed).
    as of 09-29 Tue: due tomorrow → 蓝
    as of 10-05 Mon (holiday): no working day since the due date → 蓝 (已于…到期)
    as of 10-08 Thu: overdue 1 → 黄
    as of 10-13 Tue: 08, 09, 10 (Sat make-up), 12, 13 = 5 → 黄
    as of 10-14 Wed: 6 → 红
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlite_utils

from projledger.cards import Card, CardItem, CardThresholds
from projledger.warnings_engine import CollectContext, collect_cards, collect_procedures, schedule_month
from projledger.workdays import WorkCalendar

CODE1 = "2026-620821-47-01-000001"
CODE2 = "2026-620821-47-01-000002"
CODE3 = "2026-620821-47-01-000003"
TOP_KEYS = ["as_of", "calendar_complete", "cards", "projects"]
CARD_KEYS = ["card", "card_label", "kind", "project_id", "subject", "reason", "due", "overdue_workdays",
             "days_late"]


@pytest.fixture
def ledger_cli(county):
    # These tests are about the 解决时限 card; the 解决意见 (reply) deadline — its own card kind,
    # tested with the tracked-item lifecycle — is pushed out of their way.
    county("config", "set", "problem_reply_workdays", "30")
    county("project", "add", "--name", "城关物流园", "--code", CODE1, "--township", "城关镇",
           "--department", "县发改局")
    county("project", "add", "--name", "新城大道", "--code", CODE2, "--township", "新城镇",
           "--department", "县交通局")
    return county


def warn(cli, as_of):
    return cli.json("warn", "--as-of", as_of)


@pytest.mark.parametrize("as_of, card, reason", [
    ("2026-11-12", None, None),
    ("2026-11-13", "blue", "问题“用地指标未落实”2个工作日内到期"),
    ("2026-11-16", "blue", "问题“用地指标未落实”1个工作日内到期"),
    ("2026-11-17", "blue", "问题“用地指标未落实”今日到期"),
    ("2026-11-18", "yellow", "问题“用地指标未落实”逾期1个工作日"),
    ("2026-11-21", "yellow", "问题“用地指标未落实”逾期3个工作日"),
    ("2026-11-24", "yellow", "问题“用地指标未落实”逾期5个工作日"),
    ("2026-11-25", "red", "问题“用地指标未落实”逾期6个工作日"),
])
def test_problem_card_boundaries(ledger_cli, as_of, card, reason):
    ledger_cli("problem", "add", CODE1, "--text", "用地指标未落实", "--reported", "2026-11-03")
    result = warn(ledger_cli, as_of)
    if card is None:
        assert result["cards"] == [] and result["projects"] == []
        return
    assert [(c["card"], c["reason"], c["kind"], c["due"]) for c in result["cards"]] == [
        (card, reason, "problem", "2026-11-17")]
    assert result["projects"] == [{"project_id": 1, "code": CODE1, "name": "城关物流园", "card": card}]


@pytest.mark.parametrize("as_of, card, overdue, reason", [
    ("2026-09-29", "blue", 0, "问题“征地未完成”1个工作日内到期"),
    ("2026-10-05", "blue", 0, "问题“征地未完成”已于2026-09-30到期"),
    ("2026-10-08", "yellow", 1, "问题“征地未完成”逾期1个工作日"),
    ("2026-10-13", "yellow", 5, "问题“征地未完成”逾期5个工作日"),
    ("2026-10-14", "red", 6, "问题“征地未完成”逾期6个工作日"),
])
def test_problem_cards_across_national_day(ledger_cli, as_of, card, overdue, reason):
    added = ledger_cli.json("problem", "add", CODE1, "--text", "征地未完成", "--reported", "2026-09-15",
                            "--limit", "11")
    assert added["due_on"] == "2026-09-30"
    [item] = warn(ledger_cli, as_of)["cards"]
    assert (item["card"], item["overdue_workdays"], item["reason"]) == (card, overdue, reason)


def test_closed_and_not_yet_reported_problems_have_no_card(ledger_cli):
    ledger_cli("problem", "add", CODE1, "--text", "已办结的问题", "--reported", "2026-11-03")  # due 11-17
    ledger_cli("problem", "close", "1", "--on", "2026-11-20")
    ledger_cli("problem", "add", CODE1, "--text", "十二月的问题", "--reported", "2026-12-01")
    assert warn(ledger_cli, "2026-11-25")["cards"] == []
    # as of a date before the closure the problem was still open: 11-18 is 1 working day over
    assert [(c["card"], c["subject"]) for c in warn(ledger_cli, "2026-11-18")["cards"]] == [
        ("yellow", "已办结的问题")]


# -- starts and investment --------------------------------------------------------

@pytest.mark.parametrize("as_of, card, days_late", [
    ("2026-10-22", None, 0),     # planned start today: not late
    ("2026-10-23", "yellow", 1),
    ("2026-11-21", "yellow", 30),
    ("2026-11-22", "red", 31),
])
def test_start_card_boundaries(ledger_cli, as_of, card, days_late):
    ledger_cli("plan", "set", CODE1, "--year", "2026", "--investment", "0", "--nature", "新开工",
               "--planned-start", "2026-10-22")
    cards = warn(ledger_cli, as_of)["cards"]
    if card is None:
        assert cards == []
        return
    [item] = cards
    assert (item["kind"], item["card"], item["days_late"]) == ("start", card, days_late)
    assert item["reason"] == f"计划2026-10-22开工，已逾期{days_late}天未开工"


def test_started_or_continuing_projects_have_no_start_card(ledger_cli):
    ledger_cli("plan", "set", CODE1, "--year", "2026", "--investment", "0", "--nature", "新开工",
               "--planned-start", "2026-03-01")
    ledger_cli("project", "update", CODE1, "--actual-start", "2026-03-20")
    ledger_cli("plan", "set", CODE2, "--year", "2026", "--investment", "0", "--nature", "续建",
               "--planned-start", "2026-03-01")
    assert warn(ledger_cli, "2026-11-21")["cards"] == []


@pytest.mark.parametrize("ytd, card, reason", [
    # plan 1200, schedule month 10: 黄 below 0.8 × 10/12 × 1200 = 800, 红 below 500.
    ("800", None, None),
    ("799.99", "yellow", "投资完成率66.7%，低于序时进度83.3%的80%"),
    ("500", "yellow", "投资完成率41.7%，低于序时进度83.3%的80%"),
    ("499.99", "red", "投资完成率41.7%，低于序时进度83.3%的50%"),
])
def test_investment_card_boundaries(ledger_cli, ytd, card, reason):
    ledger_cli("plan", "set", CODE1, "--year", "2026", "--investment", "1200", "--nature", "续建")
    ledger_cli("progress", "log", CODE1, "--period", "2026-10", "--ytd", ytd)
    result = warn(ledger_cli, "2026-11-21")
    if card is None:
        assert result["cards"] == []
        return
    [item] = result["cards"]
    assert (item["kind"], item["card"], item["reason"]) == ("invest", card, reason)


def test_schedule_month_is_the_latest_reported_period(ledger_cli, db_path):
    ledger_cli("plan", "set", CODE1, "--year", "2026", "--investment", "1200", "--nature", "续建")
    ledger_cli("plan", "set", CODE2, "--year", "2026", "--investment", "1200", "--nature", "续建")
    db = sqlite_utils.Database(db_path)
    # nothing reported yet: the last finished month; January: none
    assert schedule_month(db, dt.date(2026, 11, 21)) == 10
    assert schedule_month(db, dt.date(2026, 1, 15)) is None
    ledger_cli("progress", "log", CODE1, "--period", "2026-09", "--ytd", "900")
    assert schedule_month(db, dt.date(2026, 11, 21)) == 9
    ledger_cli("progress", "log", CODE2, "--period", "2026-11", "--ytd", "1100")
    assert schedule_month(db, dt.date(2026, 11, 21)) == 11
    assert schedule_month(db, dt.date(2026, 10, 31)) == 9  # a later period does not count earlier
    # CODE1 keeps its September 900, judged against November: 900×12 = 10800 is not below
    # 0.8×11×1200 = 10560, so no card; CODE2: 1100×12 = 13200, no card either.
    result = warn(ledger_cli, "2026-11-21")
    assert result["cards"] == []


def test_no_investment_cards_in_january_without_reports(ledger_cli):
    ledger_cli("plan", "set", CODE1, "--year", "2026", "--investment", "1200", "--nature", "续建")
    assert warn(ledger_cli, "2026-01-15")["cards"] == []
    # in November with nothing reported the project is judged on October: 0 < 500 → red
    [item] = warn(ledger_cli, "2026-11-21")["cards"]
    assert item["card"] == "red" and item["reason"] == "投资完成率0.0%，低于序时进度83.3%的50%"


# -- the whole picture --------------------------------------------------------------

@pytest.fixture
def busy_ledger(ledger_cli):
    ledger_cli("project", "add", "--name", "城关小学", "--code", CODE3, "--township", "城关镇",
               "--department", "县发改局")
    # project 1: a red start card and a yellow problem → red overall
    ledger_cli("plan", "set", CODE1, "--year", "2026", "--investment", "0", "--nature", "新开工",
               "--planned-start", "2026-09-01")
    ledger_cli("problem", "add", CODE1, "--text", "用地指标未落实", "--reported", "2026-11-03")
    # project 2: a red problem (due 11-05, 11 working days over) and a blue one (due 11-23)
    ledger_cli("problem", "add", CODE2, "--text", "资金缺口", "--reported", "2026-10-22")
    ledger_cli("problem", "add", CODE2, "--text", "管线迁改", "--reported", "2026-11-09")
    # project 3: a yellow investment card
    ledger_cli("plan", "set", CODE3, "--year", "2026", "--investment", "1200", "--nature", "续建")
    ledger_cli("progress", "log", CODE3, "--period", "2026-10", "--ytd", "600")
    return ledger_cli


def test_warn_json_is_worst_first_with_project_cards(busy_ledger):
    result = warn(busy_ledger, "2026-11-21")
    assert list(result)[:4] == TOP_KEYS
    assert result["as_of"] == "2026-11-21" and result["calendar_complete"] is True
    for item in result["cards"]:
        assert list(item)[:len(CARD_KEYS)] == CARD_KEYS
    assert [(c["card"], c["kind"], c["subject"], c["project_code"]) for c in result["cards"]] == [
        ("red", "problem", "资金缺口", CODE2),       # 11 working days over
        ("red", "start", "城关物流园", CODE1),       # 81 days late
        ("yellow", "problem", "用地指标未落实", CODE1),  # 3 working days over
        ("yellow", "invest", "城关小学", CODE3),
        ("blue", "problem", "管线迁改", CODE2),      # due Mon 11-23, 1 working day left
    ]
    assert result["projects"] == [
        {"project_id": 1, "code": CODE1, "name": "城关物流园", "card": "red"},
        {"project_id": 2, "code": CODE2, "name": "新城大道", "card": "red"},
        {"project_id": 3, "code": CODE3, "name": "城关小学", "card": "yellow"},
    ]


def test_warn_table_in_chinese(busy_ledger):
    out = busy_ledger("warn", "--as-of", "2026-11-21").stdout
    assert "红黄蓝牌预警（截至2026-11-21，5项）" in out
    assert "问题“资金缺口”逾期11个工作日" in out
    assert "计划2026-09-01开工，已逾期81天未开工" in out
    assert "项目亮牌（3个项目）" in out
    empty = busy_ledger("warn", "--as-of", "2026-01-02").stdout
    assert "截至2026-01-02没有亮牌事项" in empty


def test_thresholds_come_from_settings(busy_ledger):
    busy_ledger("config", "set", "cards.yellow_overdue_max_workdays", "2")
    cards = warn(busy_ledger, "2026-11-21")["cards"]
    assert ("red", "用地指标未落实") in [(c["card"], c["subject"]) for c in cards]


def test_provisional_calendar_is_reported(ledger_cli):
    ledger_cli("problem", "add", CODE1, "--text", "跨年问题", "--reported", "2026-12-28")  # due 2027-01-12
    result = ledger_cli("warn", "--as-of", "2027-01-20", "--json")
    import json

    data = json.loads(result.stdout)
    assert data["calendar_complete"] is False
    assert "2027年调休安排尚未发布" in result.stderr
    assert warn(ledger_cli, "2026-12-30")["calendar_complete"] is False  # due date is in 2027


def test_bad_as_of_is_a_usage_error(ledger_cli):
    result = ledger_cli("warn", "--as-of", "2026-13-01", expect=2)
    assert "统计日期“2026-13-01”" in result.stderr


# -- collectors plug in --------------------------------------------------------------

def _context(db, as_of):
    from projledger.settings import Settings

    settings = Settings()
    return CollectContext(db=db, as_of=as_of, calendar=WorkCalendar(),
                          thresholds=CardThresholds.from_settings(settings.cards), settings=settings)


def test_procedures_are_collected_by_their_current_deadline(county):
    county("project", "add", "--name", "光伏项目", "--township", "城关", "--department", "发改局")
    # 10-20 Tue + 10 working days: 10-21..23, 26..30, 11-02, 11-03 → due 11-03
    county("procedure", "add", "光伏项目", "--item", "环评", "--accepted", "2026-10-20", "--limit", "10")
    # 11-16 Mon + 5: 17, 18, 19, 20, 23 → due 11-23 (Mon), one working day after Sat 11-21
    county("procedure", "add", "光伏项目", "--item", "施工许可", "--accepted", "2026-11-16", "--limit", "5")
    county("procedure", "add", "光伏项目", "--item", "节能审查", "--accepted", "2026-10-20", "--limit", "3")
    county("procedure", "done", "光伏项目", "节能审查", "--on", "2026-10-22", "--doc", "泾发改〔2026〕3号")
    cards = county.json("warn", "--as-of", "2026-11-21")["cards"]
    procedures = [(c["card"], c["subject"], c["reason"]) for c in cards if c["kind"] == "procedure"]
    # overdue after 11-03 through 11-21: 4,5,6,9..13,16..20 = 13 working days
    assert procedures == [("red", "环评", "前期手续“环评”逾期13个工作日"),
                          ("blue", "施工许可", "前期手续“施工许可”1个工作日内到期")]


def test_collect_cards_takes_any_collector(busy_ledger, db_path):
    def extra(ctx):
        yield CardItem(Card.YELLOW, "procedure", 3, "立项", "前期手续“立项”逾期2个工作日",
                       due=dt.date(2026, 11, 18), overdue_workdays=2)
        yield None

    db = sqlite_utils.Database(db_path)
    result = collect_cards(db, dt.date(2026, 11, 21), WorkCalendar(), collectors=[extra])
    assert [i.subject for i in result.items] == ["立项"]
    assert result.project_cards == {3: Card.YELLOW}
    everything = collect_cards(db, dt.date(2026, 11, 21), WorkCalendar())
    assert everything.project_cards == {1: Card.RED, 2: Card.RED, 3: Card.YELLOW}
