"""Statutory holidays known in advance (法定节假日，按《全国年节及纪念日放假办法》).

For a year the official calendar (chinese-calendar) does not cover yet, and whose State
Council notice (国务院办公厅关于部分节假日安排的通知) has not been imported, projledger
still knows which days the law itself makes holidays: the fixed Gregorian ones (元旦,
劳动节, 国庆节) and the ones that follow the Chinese lunisolar calendar (春节, 端午节,
中秋节) or a solar term (清明节).  Those are the only days this module returns — the
notice's 调休 (swapped weekends) and 补假 (holiday falling on a weekend) are decided each
year by the State Council and are never guessed here.

Which days the law fixes changed with its revisions, so the rule is chosen by year:

=============  ============================  ===========  ===========
in force from  春节                          劳动节        国庆节
=============  ============================  ===========  ===========
(1999 text)    正月初一至初三                5月1日至3日   10月1日至3日
2008-01-01     除夕、正月初一、初二          5月1日        10月1日至3日
2014-01-01     正月初一至初三                5月1日        10月1日至3日
2025-01-01     除夕、正月初一至初三          5月1日、2日   10月1日至3日
=============  ============================  ===========  ===========

清明节, 端午节 and 中秋节 (one day each) exist from 2008 on; 元旦 is always 1 January.
Years before 2008 use the 1999 text (best effort; chinese-calendar covers 2004 on anyway).

Lunar dates and 清明 come from ``lunar_python`` (6tail's *lunar* library), which computes
new moons and solar terms astronomically (China Standard Time, UTC+8) instead of reading a
table, so it is not limited to a fixed range of years.  除夕 is the day before 正月初一
(腊月廿九 or 三十, whichever ends the year).  When two holidays fall on one day (中秋节 on
10月1日–3日, e.g. 2028-10-03) the names are joined: ``"国庆节、中秋节"``.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

__all__ = ["known_statutory_holidays", "lunar_to_solar", "qingming"]

_NEW_YEAR = "元旦"
_SPRING = "春节"
_QINGMING = "清明节"
_LABOUR = "劳动节"
_DRAGON_BOAT = "端午节"
_MID_AUTUMN = "中秋节"
_NATIONAL = "国庆节"


def lunar_to_solar(lunar_year: int, month: int, day: int) -> date:
    """Gregorian date of a day in a non-leap month of the given Chinese year (农历→公历)."""
    from lunar_python import Lunar

    solar = Lunar.fromYmd(lunar_year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def qingming(year: int) -> date:
    """The day (Beijing time) of the solar term 清明 (sun at 15° ecliptic longitude)."""
    from lunar_python import Lunar

    # The jieqi table of a Chinese year spans 冬至 of the previous Gregorian year to the
    # next 冬至, so the table of lunar year ``year`` holds this Gregorian year's 清明.
    solar = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _spring_festival(year: int) -> list[date]:
    """春节 days of Gregorian ``year`` under the law in force that year."""
    first = lunar_to_solar(year, 1, 1)  # 正月初一, always in late January / February
    eve = first - timedelta(days=1)  # 除夕
    if year >= 2025:
        return [eve, first, first + timedelta(days=1), first + timedelta(days=2)]
    if year >= 2014:
        return [first, first + timedelta(days=1), first + timedelta(days=2)]
    if year >= 2008:
        return [eve, first, first + timedelta(days=1)]
    return [first, first + timedelta(days=1), first + timedelta(days=2)]


def _labour_days(year: int) -> list[date]:
    if year >= 2025:
        count = 2
    elif year >= 2008:
        count = 1
    else:
        count = 3
    return [date(year, 5, 1 + i) for i in range(count)]


@lru_cache(maxsize=None)
def _holidays_of(year: int) -> tuple[tuple[date, str], ...]:
    days: dict[date, list[str]] = {}

    def add(day: date, name: str) -> None:
        days.setdefault(day, []).append(name)

    add(date(year, 1, 1), _NEW_YEAR)
    for day in _spring_festival(year):
        add(day, _SPRING)
    if year >= 2008:
        add(qingming(year), _QINGMING)
    for day in _labour_days(year):
        add(day, _LABOUR)
    for i in range(3):  # before 中秋 so a shared day reads "国庆节、中秋节"
        add(date(year, 10, 1 + i), _NATIONAL)
    if year >= 2008:
        add(lunar_to_solar(year, 5, 5), _DRAGON_BOAT)
        add(lunar_to_solar(year, 8, 15), _MID_AUTUMN)
    return tuple(sorted((day, "、".join(names)) for day, names in days.items()))


def known_statutory_holidays(year: int) -> dict[date, str]:
    """Days of ``year`` the law makes holidays, mapped to the holiday's Chinese name.

    Only the days 《全国年节及纪念日放假办法》 itself fixes — no 调休 and no 补假.
    A fresh dict is returned each call; the computation is cached per year.
    """
    if not isinstance(year, int) or isinstance(year, bool) or not 1 <= year <= 9999:
        raise ValueError(f"year out of range: {year!r}")
    return dict(_holidays_of(year))
