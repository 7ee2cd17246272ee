"""Warning-card rules (SPEC §6), table-driven with dates written out by hand.

The working-day calendar is a hand-written fake so these tests do not depend on
projledger.workdays.  It copies the 2026 official arrangement around 国庆:

    2026-09-20 Sun  make-up workday (调休上班)
    2026-09-25 Fri  中秋 holiday
    2026-10-01 Thu .. 2026-10-07 Wed  国庆 holiday
    2026-10-10 Sat  make-up workday (调休上班)

Weekdays used below: 2026-09-28 Mon, 09-29 Tue, 09-30 Wed, 10-08 Thu, 10-09 Fri,
10-12 Mon, 10-13 Tue, 10-14 Wed, 10-15 Thu, 10-16 Fri, 10-17 Sat, 10-18 Sun,
10-19 Mon, 10-20 Tue.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from projledger.cards import (
    CARD_ORDER,
    Card,
    CardItem,
    CardThresholds,
    WorkdayCounter,
    deadline_card,
    invest_card,
    schedule_ratio,
    sort_worst_first,
    start_card,
    worst,
    worst_by_project,
)

D = date.fromisoformat

HOLIDAYS = {D("2026-09-25")} | {D(f"2026-10-0{day}") for day in range(1, 8)}
MAKEUP_WORKDAYS = {D("2026-09-20"), D("2026-10-10")}


class FakeCalendar:
    """Weekends off, HOLIDAYS off, MAKEUP_WORKDAYS on."""

    def is_workday(self, day: date) -> bool:
        if day in MAKEUP_WORKDAYS:
            return True
        if day in HOLIDAYS:
            return False
        return day.weekday() < 5

    def _count(self, after: date, through: date) -> int:
        count, day = 0, after + timedelta(days=1)
        while day <= through:
            count += self.is_workday(day)
            day += timedelta(days=1)
        return count

    def workdays_until(self, due: date, as_of: date) -> int:
        return self._count(as_of, due)

    def overdue_workdays(self, due: date, as_of: date) -> int:
        return self._count(due, as_of)


CAL = FakeCalendar()


@pytest.mark.parametrize(
    ("after", "through", "expected"),
    [
        (D("2026-09-30"), D("2026-10-08"), 1),  # whole 国庆 off
        (D("2026-09-30"), D("2026-10-12"), 4),  # 10-08, 10-09, 10-10 (Sat, 调休), 10-12
        (D("2026-09-24"), D("2026-09-28"), 1),  # 中秋 Fri + weekend off
        (D("2026-09-19"), D("2026-09-20"), 1),  # Sunday make-up workday
        (D("2026-10-12"), D("2026-10-12"), 0),
    ],
)
def test_fake_calendar_itself(after, through, expected):
    assert CAL._count(after, through) == expected


def test_fake_calendar_satisfies_protocol():
    assert isinstance(CAL, WorkdayCounter)


# ---------------------------------------------------------------- problems / procedures

DEADLINE_CASES = [
    # id, kind, due, as_of, card, overdue_workdays, reason
    ("due tomorrow", "problem", "2026-10-14", "2026-10-13", Card.BLUE, 0,
     "问题“用地指标未落实”1个工作日内到期"),
    ("due today", "problem", "2026-10-14", "2026-10-14", Card.BLUE, 0,
     "问题“用地指标未落实”今日到期"),
    ("due in 2 workdays over weekend", "problem", "2026-10-19", "2026-10-15", Card.BLUE, 0,
     "问题“用地指标未落实”2个工作日内到期"),
    ("due in 3 workdays over weekend", "problem", "2026-10-20", "2026-10-15", None, 0, None),
    ("due far ahead", "problem", "2026-12-31", "2026-10-12", None, 0, None),
    ("due on Sunday, seen Friday", "problem", "2026-10-18", "2026-10-16", Card.BLUE, 0,
     "问题“用地指标未落实”将于2026-10-18到期"),
    ("due Friday, seen Saturday", "problem", "2026-10-16", "2026-10-17", Card.BLUE, 0,
     "问题“用地指标未落实”已于2026-10-16到期"),
    ("1 overdue after weekend", "problem", "2026-10-16", "2026-10-19", Card.YELLOW, 1,
     "问题“用地指标未落实”逾期1个工作日"),
    ("5 overdue", "problem", "2026-10-12", "2026-10-19", Card.YELLOW, 5,
     "问题“用地指标未落实”逾期5个工作日"),
    ("6 overdue", "problem", "2026-10-12", "2026-10-20", Card.RED, 6,
     "问题“用地指标未落实”逾期6个工作日"),
    ("procedure 3 overdue", "procedure", "2026-10-12", "2026-10-15", Card.YELLOW, 3,
     "前期手续“环评”逾期3个工作日"),
    # 国庆: calendar days and working days differ.
    ("8 calendar days = 1 workday over 国庆", "problem", "2026-09-30", "2026-10-08",
     Card.YELLOW, 1, "问题“用地指标未落实”逾期1个工作日"),
    ("12 calendar days = 4 workdays, 10-10 Sat counts", "problem", "2026-09-30", "2026-10-12",
     Card.YELLOW, 4, "问题“用地指标未落实”逾期4个工作日"),
    ("13 calendar days = 5 workdays", "problem", "2026-09-30", "2026-10-13", Card.YELLOW, 5,
     "问题“用地指标未落实”逾期5个工作日"),
    ("14 calendar days = 6 workdays", "problem", "2026-09-30", "2026-10-14", Card.RED, 6,
     "问题“用地指标未落实”逾期6个工作日"),
    ("seen inside 国庆, due before it", "problem", "2026-09-30", "2026-10-05", Card.BLUE, 0,
     "问题“用地指标未落实”已于2026-09-30到期"),
    ("due inside 国庆, seen inside it", "problem", "2026-10-03", "2026-10-05", Card.BLUE, 0,
     "问题“用地指标未落实”已于2026-10-03到期"),
    ("due inside 国庆, first workday after", "problem", "2026-10-03", "2026-10-08", Card.YELLOW, 1,
     "问题“用地指标未落实”逾期1个工作日"),
    ("8 calendar days ahead = 1 workday", "problem", "2026-10-08", "2026-09-30", Card.BLUE, 0,
     "问题“用地指标未落实”1个工作日内到期"),
    ("9 calendar days ahead = 2 workdays", "problem", "2026-10-08", "2026-09-29", Card.BLUE, 0,
     "问题“用地指标未落实”2个工作日内到期"),
    ("10 calendar days ahead = 3 workdays", "problem", "2026-10-08", "2026-09-28", None, 0, None),
    ("中秋 Friday off", "problem", "2026-09-24", "2026-09-28", Card.YELLOW, 1,
     "问题“用地指标未落实”逾期1个工作日"),
    ("Sunday make-up workday counts", "problem", "2026-09-19", "2026-09-20", Card.YELLOW, 1,
     "问题“用地指标未落实”逾期1个工作日"),
]


@pytest.mark.parametrize(
    ("kind", "due", "as_of", "card", "overdue", "reason"),
    [case[1:] for case in DEADLINE_CASES],
    ids=[case[0] for case in DEADLINE_CASES],
)
def test_deadline_card(kind, due, as_of, card, overdue, reason):
    subject = "环评" if kind == "procedure" else "用地指标未落实"
    item = deadline_card(kind, subject, D(due), D(as_of), CAL, project_id=7)
    if card is None:
        assert item is None
        return
    assert item == CardItem(
        card=card, kind=kind, project_id=7, subject=subject, reason=reason,
        due=D(due), overdue_workdays=overdue, days_late=0,
    )


@pytest.mark.parametrize(
    ("thresholds", "due", "as_of", "card"),
    [
        (CardThresholds(blue_within_workdays=0), "2026-10-14", "2026-10-14", Card.BLUE),
        (CardThresholds(blue_within_workdays=0), "2026-10-14", "2026-10-13", None),
        (CardThresholds(blue_within_workdays=3), "2026-10-20", "2026-10-15", Card.BLUE),
        (CardThresholds(yellow_overdue_max_workdays=2), "2026-10-12", "2026-10-14", Card.YELLOW),
        (CardThresholds(yellow_overdue_max_workdays=2), "2026-10-12", "2026-10-15", Card.RED),
        (CardThresholds(yellow_overdue_max_workdays=0), "2026-10-16", "2026-10-19", Card.RED),
    ],
)
def test_deadline_card_custom_thresholds(thresholds, due, as_of, card):
    item = deadline_card("problem", "x", D(due), D(as_of), CAL, thresholds)
    assert (item.card if item else None) == card


def test_deadline_card_rejects_other_kinds():
    with pytest.raises(ValueError):
        deadline_card("start", "x", D("2026-10-14"), D("2026-10-14"), CAL)


def test_to_json():
    item = deadline_card("problem", "用地指标未落实", D("2026-09-30"), D("2026-10-14"), CAL,
                         project_id=12)
    assert item.to_json() == {
        "card": "red",
        "card_label": "红牌",
        "kind": "problem",
        "project_id": 12,
        "subject": "用地指标未落实",
        "reason": "问题“用地指标未落实”逾期6个工作日",
        "due": "2026-09-30",
        "overdue_workdays": 6,
        "days_late": 0,
    }
    invest = invest_card("B项目", Decimal("1000"), Decimal("600"), 10)
    assert invest.to_json() == {
        "card": "yellow",
        "card_label": "黄牌",
        "kind": "invest",
        "project_id": None,
        "subject": "B项目",
        "reason": "投资完成率60.0%，低于序时进度83.3%的80%",
        "due": None,
        "overdue_workdays": 0,
        "days_late": 0,
    }


# ---------------------------------------------------------------- start

START_CASES = [
    # id, nature, planned, actual, as_of, card, days_late
    ("1 day late", "新开工", "2026-04-01", None, "2026-04-02", Card.YELLOW, 1),
    ("30 days late", "新开工", "2026-04-01", None, "2026-05-01", Card.YELLOW, 30),
    ("31 days late", "新开工", "2026-04-01", None, "2026-05-02", Card.RED, 31),
    ("45 days late", "新开工", "2026-04-01", None, "2026-05-16", Card.RED, 45),
    ("planned today", "新开工", "2026-04-01", None, "2026-04-01", None, 0),
    ("planned later", "新开工", "2026-06-01", None, "2026-04-01", None, 0),
    ("started after as_of = not started", "新开工", "2026-04-01", "2026-05-10", "2026-05-01",
     Card.YELLOW, 30),
    ("started on as_of", "新开工", "2026-04-01", "2026-05-01", "2026-05-01", None, 0),
    ("started late but started", "新开工", "2026-04-01", "2026-04-20", "2026-05-16", None, 0),
    ("started early", "新开工", "2026-04-01", "2026-03-15", "2026-05-16", None, 0),
    ("续建 never", "续建", "2026-04-01", None, "2026-12-31", None, 0),
    ("前期 never", "前期", "2026-04-01", None, "2026-12-31", None, 0),
    ("no nature", None, "2026-04-01", None, "2026-12-31", None, 0),
    ("no planned start", "新开工", None, None, "2026-12-31", None, 0),
    ("nature with spaces", " 新开工 ", "2026-04-01", None, "2026-04-02", Card.YELLOW, 1),
]


@pytest.mark.parametrize(
    ("nature", "planned", "actual", "as_of", "card", "days_late"),
    [case[1:] for case in START_CASES],
    ids=[case[0] for case in START_CASES],
)
def test_start_card(nature, planned, actual, as_of, card, days_late):
    item = start_card("A项目", nature, planned and D(planned), actual and D(actual), D(as_of),
                      project_id=3)
    if card is None:
        assert item is None
        return
    assert item == CardItem(
        card=card, kind="start", project_id=3, subject="A项目",
        reason=f"计划{planned}开工，已逾期{days_late}天未开工",
        due=D(planned), overdue_workdays=0, days_late=days_late,
    )


def test_start_card_reason_written_out():
    item = start_card("A项目", "新开工", D("2026-04-01"), None, D("2026-05-16"))
    assert item.reason == "计划2026-04-01开工，已逾期45天未开工"


@pytest.mark.parametrize(("max_days", "as_of", "card"), [
    (0, "2026-04-02", Card.RED),
    (60, "2026-05-31", Card.YELLOW),  # 60 days
    (60, "2026-06-01", Card.RED),  # 61 days
])
def test_start_card_custom_threshold(max_days, as_of, card):
    t = CardThresholds(start_yellow_max_days=max_days)
    assert start_card("A", "新开工", D("2026-04-01"), None, D(as_of), t).card == card


# ---------------------------------------------------------------- investment

INVEST_CASES = [
    # id, plan, ytd, month, card
    ("Oct exactly 80% of schedule", "1200", "800", 10, None),
    ("Oct just below 80%", "1200", "799.99", 10, Card.YELLOW),
    ("Oct exactly 50% of schedule", "1200", "500", 10, Card.YELLOW),
    ("Oct just below 50%", "1200", "499.99", 10, Card.RED),
    ("Mar exactly 80% (20%)", "100", "20", 3, None),
    ("Mar just below 80%", "100", "19.99", 3, Card.YELLOW),
    ("Mar exactly 50% (12.5%)", "100", "12.5", 3, Card.YELLOW),
    ("Mar just below 50%", "100", "12.49", 3, Card.RED),
    ("Dec exactly 80%", "1000", "800", 12, None),
    ("Dec just below 80%", "1000", "799.99", 12, Card.YELLOW),
    ("Jan nothing done", "1200", "0", 1, Card.RED),
    ("Jan no progress record", "1200", None, 1, Card.RED),
    ("ahead of plan", "1000", "1100", 6, None),
    ("1/12 not exact in decimal: at 80%", "3", "0.2", 1, None),
    ("1/12 not exact in decimal: below", "3", "0.19", 1, Card.YELLOW),
    ("7/12 of 7: 3.27 not below 3.2666…", "7", "3.27", 7, None),
    ("7/12 of 7: 3.26 below", "7", "3.26", 7, Card.YELLOW),
    ("plan 0", "0", "0", 10, None),
    ("plan 0 with progress", "0", "50", 10, None),
    ("plan missing", None, "50", 10, None),
    ("plan negative", "-5", "0", 10, None),
]


@pytest.mark.parametrize(
    ("plan", "ytd", "month", "card"),
    [case[1:] for case in INVEST_CASES],
    ids=[case[0] for case in INVEST_CASES],
)
def test_invest_card(plan, ytd, month, card):
    item = invest_card("B项目", plan and Decimal(plan), ytd and Decimal(ytd), month)
    assert (item.card if item else None) == card
    if item:
        assert (item.kind, item.due, item.overdue_workdays, item.days_late) == ("invest", None, 0, 0)


@pytest.mark.parametrize(("plan", "ytd", "month", "reason"), [
    ("1000", "350", 10, "投资完成率35.0%，低于序时进度83.3%的50%"),
    ("1000", "420", 10, "投资完成率42.0%，低于序时进度83.3%的80%"),
    ("1200", "0", 1, "投资完成率0.0%，低于序时进度8.3%的50%"),
    ("300", "100", 6, "投资完成率33.3%，低于序时进度50.0%的80%"),
])
def test_invest_card_reason(plan, ytd, month, reason):
    item = invest_card("B项目", Decimal(plan), Decimal(ytd), month, project_id=5)
    assert item.reason == reason
    assert item.project_id == 5


def test_invest_card_custom_ratios():
    t = CardThresholds(invest_yellow_ratio=Decimal("0.9"), invest_red_ratio=Decimal("0.75"))
    # Jun: schedule 50%; 90% → 45%, 75% → 37.5%.
    assert invest_card("B", Decimal("100"), Decimal("45"), 6, t) is None
    assert invest_card("B", Decimal("100"), Decimal("44.99"), 6, t).card == Card.YELLOW
    assert invest_card("B", Decimal("100"), Decimal("37.5"), 6, t).card == Card.YELLOW
    item = invest_card("B", Decimal("100"), Decimal("37.49"), 6, t)
    assert item.card == Card.RED
    assert item.reason == "投资完成率37.5%，低于序时进度50.0%的75%"


@pytest.mark.parametrize("month", [0, 13, -1])
def test_invest_card_bad_month(month):
    with pytest.raises(ValueError):
        invest_card("B", Decimal("100"), Decimal("0"), month)


@pytest.mark.parametrize(("month", "expected"), [
    (1, Decimal("0.0833")), (3, Decimal("0.2500")), (6, Decimal("0.5000")),
    (10, Decimal("0.8333")), (12, Decimal("1.0000")),
])
def test_schedule_ratio(month, expected):
    assert schedule_ratio(month).quantize(Decimal("0.0001")) == expected


# ---------------------------------------------------------------- thresholds

def test_threshold_defaults():
    t = CardThresholds()
    assert (t.blue_within_workdays, t.yellow_overdue_max_workdays, t.start_yellow_max_days) == (2, 5, 30)
    assert (t.invest_yellow_ratio, t.invest_red_ratio) == (Decimal("0.8"), Decimal("0.5"))


def test_threshold_from_settings_like_object():
    from types import SimpleNamespace

    source = SimpleNamespace(
        blue_within_workdays=1, yellow_overdue_max_workdays=3, start_yellow_max_days=15,
        invest_yellow_ratio=Decimal("0.7"), invest_red_ratio=Decimal("0.4"), county="某县",
    )
    assert CardThresholds.from_settings(source) == CardThresholds(1, 3, 15, Decimal("0.7"), Decimal("0.4"))


def test_threshold_float_ratio_becomes_decimal():
    t = CardThresholds(invest_yellow_ratio=0.9, invest_red_ratio="0.6")
    assert (t.invest_yellow_ratio, t.invest_red_ratio) == (Decimal("0.9"), Decimal("0.6"))


@pytest.mark.parametrize("kwargs", [
    {"blue_within_workdays": -1},
    {"yellow_overdue_max_workdays": 2.5},
    {"start_yellow_max_days": True},
    {"invest_red_ratio": Decimal("0.9")},  # red above yellow
    {"invest_red_ratio": Decimal("-0.1")},
])
def test_threshold_validation(kwargs):
    with pytest.raises(ValueError):
        CardThresholds(**kwargs)


# ---------------------------------------------------------------- worst / ordering

def _item(card, subject, kind="problem", overdue=0, late=0, due=None, project_id=1):
    return CardItem(card, kind, project_id, subject, "r", due=due and D(due),
                    overdue_workdays=overdue, days_late=late)


def test_card_enum():
    assert CARD_ORDER == (Card.RED, Card.YELLOW, Card.BLUE)
    assert [c.value for c in CARD_ORDER] == ["红", "黄", "蓝"]
    assert [c.label for c in CARD_ORDER] == ["红牌", "黄牌", "蓝牌"]
    assert [c.key for c in CARD_ORDER] == ["red", "yellow", "blue"]
    assert Card("红") is Card.RED
    assert Card.RED == "红"


@pytest.mark.parametrize(("entries", "expected"), [
    ([], None),
    ([None, None], None),
    ([Card.BLUE], Card.BLUE),
    ([Card.BLUE, None, Card.YELLOW], Card.YELLOW),
    ([Card.YELLOW, Card.RED, Card.BLUE], Card.RED),
    ([_item(Card.BLUE, "a"), _item(Card.YELLOW, "b"), None], Card.YELLOW),
    ([_item(Card.BLUE, "a"), Card.RED], Card.RED),
])
def test_worst(entries, expected):
    assert worst(entries) == expected


def test_worst_accepts_generator_and_rejects_strings():
    assert worst(x for x in [Card.BLUE, Card.RED]) == Card.RED
    with pytest.raises(TypeError):
        worst(["红"])


def test_worst_by_project():
    items = [
        _item(Card.BLUE, "a", project_id=1),
        _item(Card.YELLOW, "b", project_id=1),
        _item(Card.BLUE, "c", project_id=2),
        None,
        _item(Card.RED, "d", project_id=3),
        _item(Card.BLUE, "e", project_id=3),
    ]
    assert worst_by_project(items) == {1: Card.YELLOW, 2: Card.BLUE, 3: Card.RED}


def test_sort_worst_first():
    items = [
        _item(Card.BLUE, "蓝-后到期", due="2026-10-16"),
        _item(Card.YELLOW, "黄-逾期2", overdue=2),
        _item(Card.RED, "红-投资", kind="invest"),
        _item(Card.YELLOW, "黄-逾期5", overdue=5),
        _item(Card.RED, "红-逾期9", overdue=9),
        _item(Card.BLUE, "蓝-今日", due="2026-10-14"),
        _item(Card.RED, "红-开工晚40天", kind="start", late=40),
        None,
        _item(Card.RED, "红-逾期6", overdue=6),
        _item(Card.YELLOW, "黄-开工晚3天", kind="start", late=3),
        _item(Card.YELLOW, "A-逾期2", overdue=2),
    ]
    assert [i.subject for i in sort_worst_first(items)] == [
        "红-逾期9",
        "红-逾期6",
        "红-开工晚40天",
        "红-投资",
        "黄-逾期5",
        "A-逾期2",
        "黄-逾期2",
        "黄-开工晚3天",
        "蓝-今日",
        "蓝-后到期",
    ]


def test_sort_worst_first_end_to_end():
    t = CardThresholds()
    items = [
        deadline_card("problem", "征地拆迁", D("2026-10-16"), D("2026-10-19"), CAL, t, 1),
        deadline_card("procedure", "环评", D("2026-09-30"), D("2026-10-19"), CAL, t, 1),
        deadline_card("problem", "电力接入", D("2026-10-20"), D("2026-10-19"), CAL, t, 2),
        deadline_card("problem", "远期问题", D("2026-12-31"), D("2026-10-19"), CAL, t, 2),
        start_card("C项目", "新开工", D("2026-09-01"), None, D("2026-10-19"), t, 3),
        invest_card("D项目", Decimal("1000"), Decimal("600"), 10, t, 4),
    ]
    ordered = sort_worst_first(items)
    assert [(i.card, i.subject) for i in ordered] == [
        (Card.RED, "环评"),  # 10-08,09,10,12..16,19 = 9 workdays
        (Card.RED, "C项目"),  # 48 days late
        (Card.YELLOW, "征地拆迁"),  # 1 workday
        (Card.YELLOW, "D项目"),  # 60% < 66.7%
        (Card.BLUE, "电力接入"),  # due tomorrow
    ]
    assert ordered[0].overdue_workdays == 9
    assert ordered[1].days_late == 48
    assert worst_by_project(items) == {1: Card.RED, 2: Card.BLUE, 3: Card.RED, 4: Card.YELLOW}
