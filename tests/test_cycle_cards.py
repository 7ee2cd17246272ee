"""The reporting cycle's cards at their boundary days (SPEC §12, §6 thresholds).

Pure rules first (hand-counted days), then each kind through ``warn --json`` on a ledger.
"""

from __future__ import annotations

import datetime as dt

import pytest

from projledger.cards import Card, completion_card, deadline_card, expiry_card
from projledger.workdays import WorkCalendar

D = dt.date
CAL = WorkCalendar()


@pytest.mark.parametrize("as_of, expected, days", [
    (D(2026, 10, 1), None, 0),           # the planned day itself is not late
    (D(2026, 10, 2), Card.YELLOW, 1),
    (D(2026, 10, 31), Card.YELLOW, 30),  # 30 calendar days: still yellow
    (D(2026, 11, 1), Card.RED, 31),
])
def test_completion_card_boundaries(as_of, expected, days):
    item = completion_card("甲", D(2026, 10, 1), None, as_of)
    assert (item.card if item else None) == expected
    if item:
        assert item.kind == "completion" and item.days_late == days
        assert item.reason == f"计划2026-10-01竣工，已逾期{days}天未竣工"


def test_completion_card_completed_by_then_or_later():
    assert completion_card("甲", D(2026, 10, 1), D(2026, 10, 20), D(2026, 11, 1)) is None
    # completed after the as-of day: not yet, as seen on that day
    assert completion_card("甲", D(2026, 10, 1), D(2026, 11, 5), D(2026, 11, 1)).card is Card.RED
    assert completion_card("甲", None, None, D(2026, 11, 1)) is None


@pytest.mark.parametrize("as_of, expected, reason", [
    (D(2026, 12, 10), None, None),  # 31 days left
    (D(2026, 12, 11), Card.BLUE, "模拟审批“用地预审”将于2027-01-10到期（还有30天）"),
    (D(2027, 1, 10), Card.BLUE, "模拟审批“用地预审”今日到期"),
    (D(2027, 1, 11), Card.RED, "模拟审批“用地预审”已于2027-01-10过期1天"),
])
def test_expiry_card_boundaries(as_of, expected, reason):
    item = expiry_card("用地预审", D(2027, 1, 10), as_of)
    assert (item.card if item else None) == expected
    if item:
        assert item.kind == "simulated_expiry" and item.reason == reason


@pytest.mark.parametrize("kind", ["milestone", "supplement"])
@pytest.mark.parametrize("as_of, expected", [
    (D(2026, 11, 17), None),         # 3 working days left (18, 19, 20)
    (D(2026, 11, 18), Card.BLUE),    # 2 left
    (D(2026, 11, 20), Card.BLUE),    # due today
    (D(2026, 11, 22), Card.BLUE),    # Sunday after: no working day overdue yet
    (D(2026, 11, 23), Card.YELLOW),  # 1 working day overdue
    (D(2026, 11, 27), Card.YELLOW),  # 5
    (D(2026, 11, 30), Card.RED),     # 6
])
def test_milestone_and_supplement_follow_the_deadline_rule(kind, as_of, expected):
    item = deadline_card(kind, "主体封顶", D(2026, 11, 20), as_of, CAL)
    assert (item.card if item else None) == expected


# -- through the ledger ----------------------------------------------------------------

CODE = "2026-620821-47-01-012345"


@pytest.fixture
def ledger_cli(county):
    county("project", "add", "--name", "有机肥项目", "--code", CODE, "--township", "城关镇",
           "--department", "县发改局", "--planned-start", "2026-03-01", "--actual-start", "2026-03-01")
    county("plan", "set", CODE, "--year", "2026", "--investment", "1000", "--nature", "续建",
           "--planned-completion", "2026-10-01")
    county("progress", "log", CODE, "--period", "2026-10", "--ytd", "1000")
    return county


def _cards(cli, as_of, kind):
    cards = cli.json("warn", "--as-of", as_of)["cards"]
    return [(c["card"], c["reason"]) for c in cards if c["kind"] == kind]


def test_completion_card_in_warn_until_completed(ledger_cli):
    assert _cards(ledger_cli, "2026-10-01", "completion") == []
    assert _cards(ledger_cli, "2026-10-31", "completion") == [("yellow", "计划2026-10-01竣工，已逾期30天未竣工")]
    assert _cards(ledger_cli, "2026-11-01", "completion") == [("red", "计划2026-10-01竣工，已逾期31天未竣工")]
    ledger_cli("project", "complete", CODE, "--on", "2026-11-02")
    assert _cards(ledger_cli, "2026-11-03", "completion") == []


def test_milestone_cards_in_warn_and_list(ledger_cli):
    ledger_cli("milestone", "add", CODE, "--name", "主体封顶", "--due", "2026-11-20")
    assert _cards(ledger_cli, "2026-11-17", "milestone") == []
    assert _cards(ledger_cli, "2026-11-18", "milestone") == [("blue", "节点“有机肥项目：主体封顶”2个工作日内到期")]
    assert _cards(ledger_cli, "2026-11-30", "milestone") == [("red", "节点“有机肥项目：主体封顶”逾期6个工作日")]
    listed = ledger_cli.json("milestone", "list", "--as-of", "2026-11-23")
    assert listed == [{"id": 1, "project_code": CODE, "project_name": "有机肥项目", "name": "主体封顶",
                       "due_on": "2026-11-20", "done_on": None, "card": "yellow"}]
    assert ledger_cli.json("milestone", "list", "--overdue", "--as-of", "2026-11-20") == []
    ledger_cli("milestone", "done", "1", "--on", "2026-11-24")
    assert _cards(ledger_cli, "2026-11-30", "milestone") == []
    # seen from before it was done, it was still open
    assert _cards(ledger_cli, "2026-11-23", "milestone") == [("yellow", "节点“有机肥项目：主体封顶”逾期1个工作日")]


def test_supplement_card_until_material_arrives(ledger_cli):
    ledger_cli("procedure", "add", CODE, "--item", "环评", "--accepted", "2026-11-02", "--limit", "20",
               "--mode", "容缺受理", "--supplement-by", "2026-11-20")
    assert _cards(ledger_cli, "2026-11-17", "supplement") == []
    assert _cards(ledger_cli, "2026-11-23", "supplement") == [("yellow", "容缺补正材料“环评”逾期1个工作日")]
    ledger_cli("procedure", "supplement", CODE, "环评", "--on", "2026-11-24")
    assert _cards(ledger_cli, "2026-11-30", "supplement") == []


def test_simulated_expiry_cards(ledger_cli):
    ledger_cli("procedure", "add", CODE, "--item", "环评", "--accepted", "2026-01-10", "--limit", "20",
               "--mode", "模拟审批")
    assert _cards(ledger_cli, "2026-12-10", "simulated_expiry") == []
    assert _cards(ledger_cli, "2026-12-11", "simulated_expiry") == [
        ("blue", "模拟审批“环评”将于2027-01-10到期（还有30天）")]
    assert _cards(ledger_cli, "2027-01-11", "simulated_expiry") == [("red", "模拟审批“环评”已于2027-01-10过期1天")]
    [row] = ledger_cli.json("procedure", "list", "--as-of", "2026-12-11")
    assert "模拟审批将于2027-01-10到期" in row["alerts"]
    ledger_cli("config", "set", "cards.expiry_notice_days", "10")
    assert _cards(ledger_cli, "2026-12-11", "simulated_expiry") == []
    [row] = ledger_cli.json("procedure", "list", "--as-of", "2026-12-11")
    assert not any("模拟审批" in a for a in row["alerts"])   # the list follows the same setting


def test_milestone_bad_input(ledger_cli):
    result = ledger_cli("milestone", "add", CODE, "--name", " ", "--due", "2026-11-20", expect=1)
    assert "节点名称不能为空" in result.stderr
    ledger_cli("milestone", "add", CODE, "--name", "主体封顶", "--due", "2026-11-20")
    result = ledger_cli("milestone", "add", CODE, "--name", "主体封顶", "--due", "2026-12-20", expect=1)
    assert "已有名为“主体封顶”的节点" in result.stderr
    result = ledger_cli("milestone", "done", "1", "--on", "2999-01-01", expect=1)
    assert "晚于今天" in result.stderr
    result = ledger_cli("milestone", "done", "9", "--on", "2026-11-20", expect=1)
    assert "找不到编号为 9 的节点" in result.stderr
    result = ledger_cli("milestone", "add", CODE, "--name", "竣工", "--due", "2026-13-01", expect=2)
    assert "不存在" in result.stderr
