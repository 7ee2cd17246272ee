"""projledger.period.Period: the one way a month (期间) is read, compared and stepped."""

from __future__ import annotations

import datetime as dt

import pytest

from projledger.errors import UsageError
from projledger.period import Period


def test_parse_and_text():
    assert Period.parse("2026-10") == Period(2026, 10)
    assert Period.parse(" 2026-01 ") == Period(2026, 1)
    assert str(Period(2026, 3)) == "2026-03"
    assert str(Period(987, 12)) == "0987-12"
    assert Period.parse(Period(2026, 5)) == Period(2026, 5)  # already a Period: as it is


@pytest.mark.parametrize("text", ["2026-1", "2026-13", "2026-00", "26-10", "2026/10", "2026-10-01",
                                  "", "十月"])
def test_parse_refuses_anything_but_yyyy_mm(text):
    with pytest.raises(UsageError) as caught:
        Period.parse(text, "排名月份")
    assert caught.value.message == f"排名月份“{text}”格式不对，应为 YYYY-MM（月份两位），例如 2026-10"
    assert caught.value.exit_code == 2


def test_no_such_month():
    with pytest.raises(ValueError):
        Period(2026, 13)
    with pytest.raises(ValueError):
        Period(2026, 0)


def test_of_a_day_and_from_the_store():
    assert Period.of(dt.date(2026, 2, 28)) == Period(2026, 2)
    assert Period.from_db("2025-12") == Period(2025, 12)


def test_start_end_label_quarter():
    assert Period(2026, 2).start == dt.date(2026, 2, 1)
    assert Period(2026, 2).end == dt.date(2026, 2, 28)
    assert Period(2024, 2).end == dt.date(2024, 2, 29)  # leap year
    assert Period(2026, 12).end == dt.date(2026, 12, 31)
    assert Period(2026, 4).end == dt.date(2026, 4, 30)
    assert Period(2026, 10).label == "2026年10月"
    assert [Period(2026, m).quarter for m in (1, 3, 4, 6, 7, 9, 10, 12)] == [1, 1, 2, 2, 3, 3, 4, 4]
    assert Period(2026, 9).schedule_share == (9, 12)


def test_contains():
    assert Period(2026, 10).contains(dt.date(2026, 10, 31))
    assert not Period(2026, 10).contains(dt.date(2026, 11, 1))
    assert not Period(2026, 10).contains(dt.date(2025, 10, 15))


def test_neighbours_cross_the_year():
    assert Period(2026, 1).previous() == Period(2025, 12)
    assert Period(2026, 7).previous() == Period(2026, 6)
    assert Period(2025, 12).next() == Period(2026, 1)
    assert Period(2026, 7).next() == Period(2026, 8)


def test_months():
    assert Period(2026, 3).months_to_date() == [Period(2026, 1), Period(2026, 2), Period(2026, 3)]
    assert Period(2026, 1).months_to_date() == [Period(2026, 1)]
    assert [str(p) for p in Period.months_of_year(2026)][::11] == ["2026-01", "2026-12"]
    assert len(Period.months_of_year(2026)) == 12
    assert Period.range(Period(2025, 11), Period(2026, 2)) == [
        Period(2025, 11), Period(2025, 12), Period(2026, 1), Period(2026, 2)]
    assert Period.range(Period(2026, 2), Period(2026, 1)) == []


def test_ordered_and_hashable():
    assert Period(2025, 12) < Period(2026, 1) < Period(2026, 2)
    assert sorted([Period(2026, 2), Period(2025, 12), Period(2026, 1)]) == [
        Period(2025, 12), Period(2026, 1), Period(2026, 2)]
    assert len({Period(2026, 1), Period.parse("2026-01")}) == 1
