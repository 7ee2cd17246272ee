"""Statutory holidays known in advance (projledger.holidays).

Expected dates are written out by hand.  The future lunar dates and 清明 below were
checked, when this file was written, against two independent sources besides the library
used by the code: the ``lunardate`` package (a table of the Hong Kong Observatory
calendar) and an astronomical computation of the sun reaching 15° longitude with
``ephem`` (UTC+8) — all three agree for every year 2000–2100.  chinese-calendar's own
holiday data (2008–2026) is a third check, run below.
"""

from __future__ import annotations

from datetime import date

import chinese_calendar
import pytest

from projledger.holidays import known_statutory_holidays, lunar_to_solar, qingming

D = date


def test_2027_written_out():
    assert known_statutory_holidays(2027) == {
        D(2027, 1, 1): "元旦",
        D(2027, 2, 5): "春节",  # 除夕: 腊月廿九, that 腊月 has only 29 days
        D(2027, 2, 6): "春节",  # 正月初一
        D(2027, 2, 7): "春节",
        D(2027, 2, 8): "春节",  # 初三
        D(2027, 4, 5): "清明节",
        D(2027, 5, 1): "劳动节",
        D(2027, 5, 2): "劳动节",
        D(2027, 6, 9): "端午节",
        D(2027, 9, 15): "中秋节",
        D(2027, 10, 1): "国庆节",
        D(2027, 10, 2): "国庆节",
        D(2027, 10, 3): "国庆节",
    }


def test_2028_mid_autumn_on_national_day():
    assert known_statutory_holidays(2028) == {
        D(2028, 1, 1): "元旦",
        D(2028, 1, 25): "春节",
        D(2028, 1, 26): "春节",
        D(2028, 1, 27): "春节",
        D(2028, 1, 28): "春节",
        D(2028, 4, 4): "清明节",
        D(2028, 5, 1): "劳动节",
        D(2028, 5, 2): "劳动节",
        D(2028, 5, 28): "端午节",
        D(2028, 10, 1): "国庆节",
        D(2028, 10, 2): "国庆节",
        D(2028, 10, 3): "国庆节、中秋节",
    }


# (year, 正月初一, 清明, 端午, 中秋)
FUTURE = [
    (2027, D(2027, 2, 6), D(2027, 4, 5), D(2027, 6, 9), D(2027, 9, 15)),
    (2028, D(2028, 1, 26), D(2028, 4, 4), D(2028, 5, 28), D(2028, 10, 3)),
    (2029, D(2029, 2, 13), D(2029, 4, 4), D(2029, 6, 16), D(2029, 9, 22)),
    (2030, D(2030, 2, 3), D(2030, 4, 5), D(2030, 6, 5), D(2030, 9, 12)),
    (2031, D(2031, 1, 23), D(2031, 4, 5), D(2031, 6, 24), D(2031, 10, 1)),
    (2032, D(2032, 2, 11), D(2032, 4, 4), D(2032, 6, 12), D(2032, 9, 19)),
    # 2033/2034: the "2033 problem" (闰十一月 under GB/T 33661-2017, not 闰七月)
    (2033, D(2033, 1, 31), D(2033, 4, 4), D(2033, 6, 1), D(2033, 9, 8)),
    (2034, D(2034, 2, 19), D(2034, 4, 5), D(2034, 6, 20), D(2034, 9, 27)),
    (2035, D(2035, 2, 8), D(2035, 4, 5), D(2035, 6, 10), D(2035, 9, 16)),
    (2040, D(2040, 2, 12), D(2040, 4, 4), D(2040, 6, 14), D(2040, 9, 20)),
    (2044, D(2044, 1, 30), D(2044, 4, 4), D(2044, 5, 31), D(2044, 10, 5)),
    (2047, D(2047, 1, 26), D(2047, 4, 5), D(2047, 5, 29), D(2047, 10, 4)),
    (2050, D(2050, 1, 23), D(2050, 4, 4), D(2050, 6, 23), D(2050, 9, 30)),
]


@pytest.mark.parametrize("year, new_year, qm, dragon, mid_autumn", FUTURE)
def test_future_lunar_dates_and_qingming(year, new_year, qm, dragon, mid_autumn):
    assert lunar_to_solar(year, 1, 1) == new_year
    assert qingming(year) == qm
    assert lunar_to_solar(year, 5, 5) == dragon
    assert lunar_to_solar(year, 8, 15) == mid_autumn
    known = known_statutory_holidays(year)
    assert known[qm] == "清明节"
    assert "端午节" in known[dragon]
    assert "中秋节" in known[mid_autumn]
    spring = sorted(d for d, name in known.items() if name == "春节")
    assert spring == [date.fromordinal(new_year.toordinal() + k) for k in (-1, 0, 1, 2)]


# Past years whose dates are fixed history (notices of the State Council).
@pytest.mark.parametrize(
    "year, new_year, qm, dragon, mid_autumn",
    [
        (2024, D(2024, 2, 10), D(2024, 4, 4), D(2024, 6, 10), D(2024, 9, 17)),
        (2025, D(2025, 1, 29), D(2025, 4, 4), D(2025, 5, 31), D(2025, 10, 6)),
        (2026, D(2026, 2, 17), D(2026, 4, 5), D(2026, 6, 19), D(2026, 9, 25)),
    ],
)
def test_recent_years(year, new_year, qm, dragon, mid_autumn):
    assert lunar_to_solar(year, 1, 1) == new_year
    assert qingming(year) == qm
    assert lunar_to_solar(year, 5, 5) == dragon
    assert lunar_to_solar(year, 8, 15) == mid_autumn


def _days(year: int, name: str) -> list[date]:
    return sorted(d for d, n in known_statutory_holidays(year).items() if name in n.split("、"))


@pytest.mark.parametrize(
    "year, spring, labour",
    [
        # 2008–2013 text: 除夕、初一、初二; 5月1日
        (2010, [D(2010, 2, 13), D(2010, 2, 14), D(2010, 2, 15)], [D(2010, 5, 1)]),
        # 2014–2024 text: 初一至初三; 5月1日 (2024's 除夕 2-9 was a working day)
        (2024, [D(2024, 2, 10), D(2024, 2, 11), D(2024, 2, 12)], [D(2024, 5, 1)]),
        # 2025 text: 除夕、初一至初三; 5月1日、2日
        (
            2025,
            [D(2025, 1, 28), D(2025, 1, 29), D(2025, 1, 30), D(2025, 1, 31)],
            [D(2025, 5, 1), D(2025, 5, 2)],
        ),
        # 1999 text (used before 2008): 初一至初三; 5月1日至3日; no 清明/端午/中秋
        (
            2005,
            [D(2005, 2, 9), D(2005, 2, 10), D(2005, 2, 11)],
            [D(2005, 5, 1), D(2005, 5, 2), D(2005, 5, 3)],
        ),
    ],
)
def test_law_revisions(year, spring, labour):
    assert _days(year, "春节") == spring
    assert _days(year, "劳动节") == labour
    assert _days(year, "元旦") == [D(year, 1, 1)]
    assert _days(year, "国庆节") == [D(year, 10, 1), D(year, 10, 2), D(year, 10, 3)]
    if year < 2008:
        assert not (_days(year, "清明节") or _days(year, "端午节") or _days(year, "中秋节"))


_CC_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
}


@pytest.mark.parametrize("year", range(2008, 2027))
def test_agrees_with_chinese_calendar(year):
    """Independent check of the conversion: every day the law fixes is, in the official
    data, a day off of the same holiday (chinese-calendar leaves the name out of a few
    weekend days, e.g. 2012-06-23 端午)."""
    for day, names in known_statutory_holidays(year).items():
        is_holiday, cc_name = chinese_calendar.get_holiday_detail(day)
        assert is_holiday, day
        if cc_name is not None:
            assert _CC_NAMES[cc_name] in names.split("、"), (day, names, cc_name)


def test_result_is_a_fresh_dict():
    first = known_statutory_holidays(2027)
    first.clear()
    assert len(known_statutory_holidays(2027)) == 13


@pytest.mark.parametrize("bad", [0, 10000, "2027", 2027.0, True])
def test_bad_year(bad):
    with pytest.raises(ValueError):
        known_statutory_holidays(bad)
