"""Working days and deadlines (projledger.workdays, SPEC §3).

Every expected date is written out by hand from the State Council notices:

2024 (国办发明电〔2023〕7号): 元旦 1.1; 春节 2.10–2.17, work 2.4 (Sun) 2.18 (Sun);
  清明 4.4–4.6, work 4.7 (Sun); 劳动节 5.1–5.5, work 4.28 (Sun) 5.11 (Sat);
  端午 6.10 (with 6.8–6.9 weekend); 中秋 9.15–9.17, work 9.14 (Sat);
  国庆 10.1–10.7, work 9.29 (Sun) 10.12 (Sat).
2025 (国办发明电〔2024〕12号): 元旦 1.1; 春节 1.28–2.4, work 1.26 (Sun) 2.8 (Sat);
  清明 4.4–4.6; 劳动节 5.1–5.5, work 4.27 (Sun); 端午 5.31–6.2;
  国庆·中秋 10.1–10.8, work 9.28 (Sun) 10.11 (Sat).
2026 (notice of 2025-11-04): 元旦 1.1–1.3, work 1.4 (Sun); 春节 2.15–2.23,
  work 2.14 (Sat) 2.28 (Sat); 清明 4.4–4.6; 劳动节 5.1–5.5, work 5.9 (Sat);
  端午 6.19–6.21; 中秋 9.25–9.27; 国庆 10.1–10.7, work 9.20 (Sun) 10.10 (Sat).
2027 has no notice yet: only weekends and the days fixed by law are off
  (元旦 1.1 Fri; 春节 2.5 Fri 除夕 – 2.8 Mon; 清明 4.5 Mon; 劳动节 5.1–5.2 weekend;
  端午 6.9 Wed; 中秋 9.15 Wed; 国庆 10.1 Fri – 10.3).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projledger.errors import DataError
from projledger.workdays import RULES, Deadline, WorkCalendar, provisional_warning

D = date
CAL = WorkCalendar()
W2027 = "2027年调休安排尚未发布，截止日期为暂定，请在国务院通知发布后用 calendar import 补录"
W2028 = "2028年调休安排尚未发布，截止日期为暂定，请在国务院通知发布后用 calendar import 补录"

# ---------------------------------------------------------------- single days

MAKE_UP_WORKDAYS = [
    D(2024, 2, 4), D(2024, 2, 18), D(2024, 4, 7), D(2024, 4, 28), D(2024, 5, 11),
    D(2024, 9, 14), D(2024, 9, 29), D(2024, 10, 12),
    D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11),
    D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20),
    D(2026, 10, 10),
]

# Weekdays (Mon–Fri) that are off.
WEEKDAY_HOLIDAYS = [
    D(2024, 1, 1), D(2024, 2, 12), D(2024, 2, 13), D(2024, 2, 14), D(2024, 2, 15),
    D(2024, 2, 16), D(2024, 4, 4), D(2024, 4, 5), D(2024, 5, 1), D(2024, 5, 2),
    D(2024, 5, 3), D(2024, 6, 10), D(2024, 9, 16), D(2024, 9, 17), D(2024, 10, 1),
    D(2024, 10, 2), D(2024, 10, 3), D(2024, 10, 4), D(2024, 10, 7),
    D(2025, 1, 1), D(2025, 1, 28), D(2025, 1, 29), D(2025, 1, 30), D(2025, 1, 31),
    D(2025, 2, 3), D(2025, 2, 4), D(2025, 4, 4), D(2025, 5, 1), D(2025, 5, 2),
    D(2025, 5, 5), D(2025, 6, 2), D(2025, 10, 1), D(2025, 10, 2), D(2025, 10, 3),
    D(2025, 10, 6), D(2025, 10, 7), D(2025, 10, 8),
    D(2026, 1, 1), D(2026, 1, 2), D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 18),
    D(2026, 2, 19), D(2026, 2, 20), D(2026, 2, 23), D(2026, 4, 6), D(2026, 5, 1),
    D(2026, 5, 4), D(2026, 5, 5), D(2026, 6, 19), D(2026, 9, 25), D(2026, 10, 1),
    D(2026, 10, 2), D(2026, 10, 5), D(2026, 10, 6), D(2026, 10, 7),
]

ORDINARY_WORKDAYS = [
    D(2024, 2, 9),  # 2024 除夕 was a working day (the law gave it only from 2025)
    D(2024, 2, 19), D(2024, 4, 8), D(2024, 5, 6), D(2025, 2, 5), D(2025, 10, 9),
    D(2026, 1, 5), D(2026, 2, 13), D(2026, 2, 24), D(2026, 10, 8), D(2026, 10, 9),
]


@pytest.mark.parametrize("day", MAKE_UP_WORKDAYS)
def test_make_up_weekend_is_workday(day):
    assert day.weekday() >= 5
    assert CAL.is_workday(day)
    assert not CAL.is_statutory_holiday(day)
    assert CAL.day_source(day) == "official"


@pytest.mark.parametrize("day", WEEKDAY_HOLIDAYS)
def test_weekday_holiday_is_off(day):
    assert day.weekday() < 5
    assert not CAL.is_workday(day)
    assert CAL.is_statutory_holiday(day)


@pytest.mark.parametrize("day", ORDINARY_WORKDAYS)
def test_ordinary_workday(day):
    assert CAL.is_workday(day)
    assert not CAL.is_statutory_holiday(day)


@pytest.mark.parametrize(
    "day, expected",
    [
        (D(2027, 1, 1), False), (D(2027, 2, 4), True), (D(2027, 2, 5), False),
        (D(2027, 2, 8), False), (D(2027, 2, 9), True), (D(2027, 4, 5), False),
        (D(2027, 5, 3), True), (D(2027, 6, 9), False), (D(2027, 9, 15), False),
        (D(2027, 10, 1), False), (D(2027, 10, 4), True), (D(2027, 10, 5), True),
        (D(2027, 2, 20), False),  # Saturday: no 调休 is guessed
    ],
)
def test_provisional_year_days(day, expected):
    assert CAL.is_workday(day) is expected
    assert CAL.day_source(day) == "provisional"


def test_provisional_statutory_holidays():
    assert CAL.is_statutory_holiday(D(2027, 2, 6))  # 初一, a Saturday
    assert CAL.is_statutory_holiday(D(2027, 4, 5))
    assert not CAL.is_statutory_holiday(D(2027, 2, 13))  # ordinary Saturday
    assert not CAL.is_statutory_holiday(D(2027, 10, 4))


def test_datetime_accepted():
    assert CAL.is_workday(datetime(2026, 2, 14, 9, 30))


# ---------------------------------------------------------------- deadlines

DEADLINES = [
    # 2024
    (D(2023, 12, 29), 1, D(2024, 1, 2)),
    (D(2024, 2, 3), 1, D(2024, 2, 4)),
    (D(2024, 2, 8), 1, D(2024, 2, 9)),
    (D(2024, 2, 8), 2, D(2024, 2, 18)),
    (D(2024, 2, 9), 3, D(2024, 2, 20)),
    (D(2024, 4, 3), 1, D(2024, 4, 7)),
    (D(2024, 4, 3), 2, D(2024, 4, 8)),
    (D(2024, 4, 26), 1, D(2024, 4, 28)),
    (D(2024, 4, 26), 4, D(2024, 5, 6)),
    (D(2024, 5, 10), 1, D(2024, 5, 11)),
    (D(2024, 6, 7), 1, D(2024, 6, 11)),
    (D(2024, 9, 13), 1, D(2024, 9, 14)),
    (D(2024, 9, 13), 2, D(2024, 9, 18)),
    (D(2024, 9, 27), 1, D(2024, 9, 29)),
    (D(2024, 9, 27), 3, D(2024, 10, 8)),
    (D(2024, 10, 11), 1, D(2024, 10, 12)),
    # 2025
    (D(2024, 12, 31), 1, D(2025, 1, 2)),
    (D(2025, 1, 24), 1, D(2025, 1, 26)),
    (D(2025, 1, 24), 3, D(2025, 2, 5)),
    (D(2025, 2, 7), 1, D(2025, 2, 8)),
    (D(2025, 4, 3), 1, D(2025, 4, 7)),
    (D(2025, 4, 25), 1, D(2025, 4, 27)),
    (D(2025, 4, 25), 3, D(2025, 4, 29)),
    (D(2025, 4, 30), 1, D(2025, 5, 6)),
    (D(2025, 5, 30), 1, D(2025, 6, 3)),
    (D(2025, 9, 26), 1, D(2025, 9, 28)),
    (D(2025, 9, 30), 1, D(2025, 10, 9)),
    (D(2025, 9, 30), 3, D(2025, 10, 11)),
    # 2026
    (D(2025, 12, 31), 1, D(2026, 1, 4)),
    (D(2025, 12, 31), 2, D(2026, 1, 5)),
    (D(2026, 2, 12), 3, D(2026, 2, 24)),  # SPEC §3's own example
    (D(2026, 2, 13), 1, D(2026, 2, 14)),
    (D(2026, 2, 13), 2, D(2026, 2, 24)),
    (D(2026, 2, 27), 1, D(2026, 2, 28)),
    (D(2026, 4, 3), 1, D(2026, 4, 7)),
    (D(2026, 4, 30), 1, D(2026, 5, 6)),
    (D(2026, 5, 8), 1, D(2026, 5, 9)),
    (D(2026, 6, 18), 1, D(2026, 6, 22)),
    (D(2026, 9, 24), 1, D(2026, 9, 28)),
    (D(2026, 9, 18), 1, D(2026, 9, 20)),
    (D(2026, 9, 30), 1, D(2026, 10, 8)),
    (D(2026, 9, 30), 3, D(2026, 10, 10)),
    (D(2026, 12, 28), 3, D(2026, 12, 31)),
    # N = 0: the start itself if it is a working day, else the next working day
    (D(2026, 2, 12), 0, D(2026, 2, 12)),
    (D(2026, 2, 14), 0, D(2026, 2, 14)),
    (D(2026, 2, 15), 0, D(2026, 2, 24)),
    (D(2024, 2, 9), 0, D(2024, 2, 9)),
    (D(2025, 1, 28), 0, D(2025, 2, 5)),
    (D(2026, 10, 3), 0, D(2026, 10, 8)),
]


@pytest.mark.parametrize("start, n, due", DEADLINES)
def test_deadline_official_years(start, n, due):
    result = CAL.add_workdays(start, n)
    assert result == Deadline(start, n, due, True, ())


PROVISIONAL = [
    (D(2026, 12, 31), 1, D(2027, 1, 4)),  # never lands on 元旦
    (D(2026, 12, 30), 3, D(2027, 1, 5)),
    (D(2027, 2, 4), 1, D(2027, 2, 9)),  # never lands on 春节 (除夕 Fri – 初三 Mon)
    (D(2027, 2, 5), 0, D(2027, 2, 9)),
    (D(2027, 4, 2), 1, D(2027, 4, 6)),
    (D(2027, 4, 30), 1, D(2027, 5, 3)),  # 5.1/5.2 on a weekend: no 补假 guessed
    (D(2027, 6, 8), 1, D(2027, 6, 10)),
    (D(2027, 9, 14), 1, D(2027, 9, 16)),
    (D(2027, 9, 30), 1, D(2027, 10, 4)),
]


@pytest.mark.parametrize("start, n, due", PROVISIONAL)
def test_deadline_provisional_year(start, n, due):
    result = CAL.add_workdays(start, n)
    assert result == Deadline(start, n, due, False, (W2027,))
    assert result.to_json() == {
        "start": start.isoformat(),
        "workdays": n,
        "due": due.isoformat(),
        "calendar_complete": False,
        "warnings": [W2027],
    }


def test_deadline_over_two_provisional_years():
    result = CAL.add_workdays(D(2027, 12, 30), 2)
    assert result.due == D(2028, 1, 3)  # 12-31 Fri, 1-1 元旦 Sat, weekend, 1-3 Mon
    assert not result.calendar_complete
    assert result.warnings == (W2027, W2028)
    assert provisional_warning(2028) == W2028


def test_official_deadline_to_json():
    assert CAL.add_workdays(D(2026, 2, 12), 3).to_json() == {
        "start": "2026-02-12",
        "workdays": 3,
        "due": "2026-02-24",
        "calendar_complete": True,
        "warnings": [],
    }


@pytest.mark.parametrize("n", [-1, -120])
def test_negative_workdays_rejected(n):
    with pytest.raises(DataError) as caught:
        CAL.add_workdays(D(2026, 2, 12), n)
    assert "不能为负数" in caught.value.message


@pytest.mark.parametrize("n", [1.5, "3", None, True])
def test_non_integer_workdays_rejected(n):
    with pytest.raises(DataError):
        CAL.add_workdays(D(2026, 2, 12), n)


def test_long_deadline_120_workdays():
    # Counted by hand, month by month (weekdays − weekday holidays + make-up days):
    # Jan 22−2+1 = 21, Feb 20−6+2 = 16, Mar 22, Apr 22−1 = 21 (80 by 4-30),
    # May 21−3+1 = 19 (99 by 5-31), Jun 22−1 = 21 → the 120th is the last, 6-30.
    assert CAL.add_workdays(D(2026, 1, 1), RULES["审批总时限"]).due == D(2026, 6, 30)


# ---------------------------------------------------------------- counting


@pytest.mark.parametrize(
    "a, b, count",
    [
        (D(2026, 2, 12), D(2026, 2, 24), 3),
        (D(2026, 2, 24), D(2026, 2, 12), -3),
        (D(2026, 2, 12), D(2026, 2, 12), 0),
        (D(2026, 2, 13), D(2026, 2, 14), 1),
        (D(2026, 2, 14), D(2026, 2, 23), 0),
        (D(2026, 12, 31), D(2027, 1, 5), 2),
        (D(2023, 12, 31), D(2024, 12, 31), 251),  # whole of 2024
        (D(2024, 12, 31), D(2025, 12, 31), 248),  # whole of 2025
        (D(2025, 12, 31), D(2026, 12, 31), 248),  # whole of 2026
        (D(2026, 12, 31), D(2027, 12, 31), 254),  # 2027: 261 weekdays − 7 law days
    ],
)
def test_workdays_between(a, b, count):
    assert CAL.workdays_between(a, b) == count


@pytest.mark.parametrize(
    "due, as_of, overdue",
    [
        (D(2026, 2, 13), D(2026, 2, 24), 2),  # 2.14 make-up, 2.24
        (D(2026, 2, 13), D(2026, 2, 23), 1),
        (D(2026, 2, 24), D(2026, 2, 24), 0),
        (D(2026, 2, 24), D(2026, 2, 12), 0),
    ],
)
def test_overdue_workdays(due, as_of, overdue):
    assert CAL.overdue_workdays(due, as_of) == overdue


@pytest.mark.parametrize(
    "due, as_of, left",
    [
        (D(2026, 2, 24), D(2026, 2, 12), 3),
        (D(2026, 2, 24), D(2026, 2, 14), 1),
        (D(2026, 2, 24), D(2026, 2, 24), 0),
        (D(2026, 2, 12), D(2026, 2, 24), 0),
    ],
)
def test_workdays_until(due, as_of, left):
    assert CAL.workdays_until(due, as_of) == left


def test_years_complete_and_incomplete():
    assert CAL.year_complete(2004) and CAL.year_complete(2026)
    assert not CAL.year_complete(2003) and not CAL.year_complete(2027)
    assert CAL.years_incomplete(D(2026, 12, 1), D(2028, 1, 1)) == [2027, 2028]
    assert CAL.years_incomplete(D(2028, 1, 1), D(2026, 12, 1)) == [2027, 2028]
    assert CAL.years_incomplete(D(2024, 1, 1), D(2026, 12, 31)) == []


# ---------------------------------------------------------------- local data


def test_saturday_set_as_workday_counts():
    cal = WorkCalendar({D(2026, 3, 7): True})
    assert CAL.add_workdays(D(2026, 3, 6), 1).due == D(2026, 3, 9)
    assert cal.add_workdays(D(2026, 3, 6), 1).due == D(2026, 3, 7)
    assert cal.day_source(D(2026, 3, 7)) == "override"
    assert cal.day_source(D(2026, 3, 8)) == "official"


def test_weekday_set_as_holiday_does_not_count():
    cal = WorkCalendar({D(2026, 3, 10): False})
    assert cal.add_workdays(D(2026, 3, 9), 1).due == D(2026, 3, 11)
    assert cal.is_statutory_holiday(D(2026, 3, 10))
    assert cal.workdays_between(D(2026, 3, 9), D(2026, 3, 11)) == 1


def test_overrides_beat_official_holidays_and_make_up_days():
    cal = WorkCalendar({D(2026, 2, 16): True, D(2026, 2, 14): False})
    assert cal.add_workdays(D(2026, 2, 13), 1).due == D(2026, 2, 16)
    assert not cal.is_statutory_holiday(D(2026, 2, 16))
    assert cal.is_statutory_holiday(D(2026, 2, 14))


def test_overrides_do_not_leak_between_calendars():
    plain_before = WorkCalendar()
    plain_before.add_workdays(D(2026, 3, 6), 1)
    with_override = WorkCalendar({D(2026, 3, 7): True})
    plain_after = WorkCalendar()
    assert with_override.add_workdays(D(2026, 3, 6), 1).due == D(2026, 3, 7)
    assert plain_before.add_workdays(D(2026, 3, 6), 1).due == D(2026, 3, 9)
    assert plain_after.add_workdays(D(2026, 3, 6), 1).due == D(2026, 3, 9)
    assert plain_after.is_workday(D(2026, 3, 7)) is False


def test_overrides_are_copied():
    days = {D(2026, 3, 7): True}
    cal = WorkCalendar(days)
    days[D(2026, 3, 7)] = False
    assert cal.is_workday(D(2026, 3, 7))


def test_single_override_keeps_year_provisional():
    cal = WorkCalendar({D(2027, 2, 20): True})  # calendar set, not import
    result = cal.add_workdays(D(2027, 2, 19), 1)
    assert result.due == D(2027, 2, 20)
    assert result.calendar_complete is False and result.warnings == (W2027,)


def test_notice_year_becomes_complete():
    # A made-up notice for 2027, as `calendar import` would hand it over.
    overrides = {
        D(2027, 2, 5): False, D(2027, 2, 8): False, D(2027, 2, 9): False,
        D(2027, 2, 10): False, D(2027, 2, 20): True,
    }
    cal = WorkCalendar(overrides, notice_years=[2027])
    assert cal.year_complete(2027)
    assert cal.years_incomplete(D(2026, 12, 1), D(2027, 12, 31)) == []
    assert cal.add_workdays(D(2027, 2, 4), 1) == Deadline(
        D(2027, 2, 4), 1, D(2027, 2, 11), True, ()
    )
    assert cal.add_workdays(D(2027, 2, 19), 1).due == D(2027, 2, 20)
    # The notice is the whole truth: a law day it does not list is a working day.
    assert cal.is_workday(D(2027, 4, 5))
    assert not cal.is_statutory_holiday(D(2027, 4, 5))
    assert cal.is_statutory_holiday(D(2027, 2, 5))
    assert cal.day_source(D(2027, 4, 5)) == "override"
    assert not cal.is_workday(D(2027, 2, 13))  # unlisted Saturday stays off


def test_rules():
    assert RULES == {
        "预审": 3, "告知": 1, "初审": 3, "受理审核": 3, "受理审核(复杂)": 5,
        "办结回复": 1, "预评估": 2, "问题解决意见": 3, "代办联系": 1, "代办终止": 2,
        "模拟审批转正式": 3, "审批总时限": 120,
    }


@pytest.mark.parametrize(
    "call",
    [
        lambda cal: cal.add_workdays(D(2199, 12, 30), 5),
        lambda cal: cal.add_workdays(D(2026, 1, 1), 10_001),
        lambda cal: cal.add_workdays(D(9999, 1, 1), 1),
        lambda cal: cal.is_workday(D(1899, 12, 31)),
        lambda cal: cal.is_statutory_holiday(D(2200, 1, 1)),
        lambda cal: cal.workdays_between(D(2026, 1, 1), D(2206, 1, 1)),
    ],
)
def test_far_dates_are_data_errors(call):
    with pytest.raises(DataError):
        call(CAL)


def test_far_date_does_not_build_the_years_between():
    cal = WorkCalendar()
    assert cal.add_workdays(D(2026, 2, 12), 3).due == D(2026, 2, 24)
    assert cal.add_workdays(D(2150, 1, 1), 1).due == D(2150, 1, 2)  # 2150-01-01 Thu
    assert cal.add_workdays(D(2026, 2, 12), 3).due == D(2026, 2, 24)
    assert 2060 <= cal.add_workdays(D(2026, 1, 1), 10_000).due.year <= 2070  # ~250 a year


# ---------------------------------------------------------------- properties

_FIRST = D(2024, 1, 1).toordinal()
_LAST = D(2030, 12, 31).toordinal()
starts = st.integers(_FIRST, _LAST).map(date.fromordinal)


@settings(max_examples=300, deadline=None)
@given(start=starts, n=st.integers(0, 130))
def test_property_due_is_a_working_day_never_a_holiday(start, n):
    result = CAL.add_workdays(start, n)
    due = result.due
    assert CAL.is_workday(due)
    assert not CAL.is_statutory_holiday(due)
    if n == 0:
        assert due >= start
        gap = (due - start).days
        assert all(not CAL.is_workday(start + timedelta(k)) for k in range(gap))
    else:
        assert due > start
        assert CAL.workdays_between(start, due) == n
        assert CAL.workdays_between(start, due - timedelta(1)) == n - 1
    expected_complete = due.year <= 2026
    assert result.calendar_complete is expected_complete
    assert len(result.warnings) == len(CAL.years_incomplete(start, due))


@settings(max_examples=100, deadline=None)
@given(
    start=starts,
    n=st.integers(0, 30),
    local=st.dictionaries(starts, st.booleans(), max_size=20),
)
def test_property_with_overrides(start, n, local):
    cal = WorkCalendar(local)
    due = cal.add_workdays(start, n).due
    assert cal.is_workday(due)
    assert not cal.is_statutory_holiday(due)
    for day, is_work in local.items():
        assert cal.is_workday(day) is is_work
    if n:
        assert cal.workdays_between(start, due) == n
