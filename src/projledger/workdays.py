"""法定工作日: working days, deadlines counted in working days, and how sure we are of them.

Pure module: no database.  The caller hands a :class:`WorkCalendar` the local days stored
in the database (``overrides``: date -> True working day / False holiday) and the years
whose whole State Council notice was imported (``notice_years``).  Each day is decided by
the first source that has it (SPEC §3):

1. ``overrides`` — local data always wins;
2. a year in ``notice_years`` — the imported notice lists every holiday and make-up day,
   so any other day is a working day from Monday to Friday and off at the weekend;
3. chinese-calendar, for the years it covers (2004–2026 with version 1.11; the range is
   read from the package, so a newer release widens it by itself);
4. otherwise the year is *provisional*: weekends and the statutory holidays the law fixes
   in advance (:func:`projledger.holidays.known_statutory_holidays`) are off, every other
   day is a working day.  No 调休 or 补假 is guessed, and results say so
   (``calendar_complete`` False plus :func:`provisional_warning`).

Speed: the calendar builds, per year and lazily, one ``bytearray`` of working-day flags,
and keeps one sorted list of the ordinals of all working days over a contiguous range of
years.  A deadline is then two ``bisect`` calls and an index, so 100,000 deadlines take a
fraction of a second (``benchmarks/bench_workdays.py``).  The year tables without
overrides (official or provisional) are cached for the whole process, because they do not
depend on the database; the overrides are laid over them per calendar.  A calendar copies
its overrides when it is built: after the database changes, build a new one.

Dates are computed for the years 1900–2199 (``MIN_YEAR``..``MAX_YEAR``) and N up to
``MAX_WORKDAYS``; anything beyond is a :class:`~projledger.errors.DataError` — in a county
ledger such a date is a typo, and refusing it keeps a stray year 2206 from building
centuries of tables.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Iterable, Mapping

import chinese_calendar

from projledger.errors import DataError
from projledger.holidays import known_statutory_holidays

__all__ = [
    "WorkCalendar",
    "Deadline",
    "RULES",
    "MAX_WORKDAYS",
    "MIN_YEAR",
    "MAX_YEAR",
    "provisional_warning",
    "official_years",
]

#: Built-in deadline rules, in working days, from the source documents (SPEC §3).
RULES: dict[str, int] = {
    "预审": 3,
    "告知": 1,
    "初审": 3,
    "受理审核": 3,
    "受理审核(复杂)": 5,
    "办结回复": 1,
    "预评估": 2,
    "问题解决意见": 3,
    "代办联系": 1,
    "代办终止": 2,
    "模拟审批转正式": 3,
    "审批总时限": 120,
}

#: Largest N accepted by :meth:`WorkCalendar.add_workdays` (about forty years).
MAX_WORKDAYS = 10_000
#: Years working days are computed for; dates outside are a DataError (a typo, surely).
MIN_YEAR, MAX_YEAR = 1900, 2199
_JOIN_GAP = 5  # years: a range this close to the one built is joined to it

_WORK = 1
_OFF = 0


def provisional_warning(year: int) -> str:
    """The Chinese warning shown when a computation relies on a year with no notice."""
    return (
        f"{year}年调休安排尚未发布，截止日期为暂定，"
        "请在国务院通知发布后用 calendar import 补录"
    )


@lru_cache(maxsize=1)
def official_years() -> tuple[int, int]:
    """First and last year chinese-calendar has data for (inclusive)."""
    years = [d.year for d in chinese_calendar.holidays] + [
        d.year for d in chinese_calendar.workdays
    ]
    return min(years), max(years)


def _is_official_year(year: int) -> bool:
    first, last = official_years()
    return first <= year <= last


@dataclass(frozen=True, slots=True)
class Deadline:
    """The N-th working day after ``start``, and whether every year it touched is known."""

    start: date
    workdays: int
    due: date
    calendar_complete: bool
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "workdays": self.workdays,
            "due": self.due.isoformat(),
            "calendar_complete": self.calendar_complete,
            "warnings": list(self.warnings),
        }


class _BaseYear:
    """A year's days without local overrides: work flags and statutory-holiday flags."""

    __slots__ = ("year", "first_ordinal", "work", "statutory")

    def __init__(self, year: int, work: bytearray, statutory: bytearray):
        self.year = year
        self.first_ordinal = date(year, 1, 1).toordinal()
        self.work = work
        self.statutory = statutory


def _days_of(year: int) -> list[date]:
    first = date(year, 1, 1).toordinal()
    return [date.fromordinal(o) for o in range(first, date(year, 12, 31).toordinal() + 1)]


@lru_cache(maxsize=None)
def _official_year(year: int) -> _BaseYear:
    """chinese-calendar's verdict for each day of a year it covers."""
    days = _days_of(year)
    work = bytearray(_WORK if chinese_calendar.is_workday(d) else _OFF for d in days)
    statutory = bytearray(len(days))
    for i, d in enumerate(days):
        if not work[i]:
            is_holiday, name = chinese_calendar.get_holiday_detail(d)
            statutory[i] = 1 if (is_holiday and name is not None) else 0
    return _BaseYear(year, work, statutory)


@lru_cache(maxsize=None)
def _provisional_year(year: int) -> _BaseYear:
    """Weekends and the holidays fixed by law; nothing else is guessed."""
    days = _days_of(year)
    known = known_statutory_holidays(year)
    statutory = bytearray(1 if d in known else 0 for d in days)
    work = bytearray(
        _WORK if (d.weekday() < 5 and not statutory[i]) else _OFF for i, d in enumerate(days)
    )
    return _BaseYear(year, work, statutory)


@lru_cache(maxsize=None)
def _notice_year(year: int) -> _BaseYear:
    """A year whose notice was imported: the overrides carry every exception."""
    days = _days_of(year)
    work = bytearray(_WORK if d.weekday() < 5 else _OFF for d in days)
    return _BaseYear(year, work, bytearray(len(days)))


def _as_date(value: object, what: str = "date") -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"{what} must be a datetime.date, not {type(value).__name__}")


class WorkCalendar:
    """Working days from overrides, imported notices, chinese-calendar and the law."""

    def __init__(
        self,
        overrides: Mapping[date, bool] | None = None,
        notice_years: Iterable[int] = (),
    ):
        self._overrides: dict[date, bool] = {
            _as_date(d, "override date"): bool(v) for d, v in (overrides or {}).items()
        }
        self._notice_years = frozenset(int(y) for y in notice_years)
        self._by_year: dict[int, list[date]] = {}
        for d in self._overrides:
            self._by_year.setdefault(d.year, []).append(d)
        self._work: dict[int, tuple[int, bytearray]] = {}  # year -> (jan 1 ordinal, flags)
        self._lo = self._hi = 0  # years covered by self._ordinals, inclusive; 0 = none
        self._ordinals: list[int] = []
        self._completeness_cache: dict[tuple[int, int], tuple[bool, tuple[str, ...]]] = {}

    # ----- single days ------------------------------------------------------------

    def _base(self, year: int) -> _BaseYear:
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise DataError(f"日期超出可计算范围（{MIN_YEAR}–{MAX_YEAR}年）：{year}年")
        if year in self._notice_years:
            return _notice_year(year)
        if _is_official_year(year):
            return _official_year(year)
        return _provisional_year(year)

    def _flags(self, year: int) -> tuple[int, bytearray]:
        """Working-day flags of ``year`` with this calendar's overrides applied."""
        cached = self._work.get(year)
        if cached is None:
            base = self._base(year)
            work = base.work
            if year in self._by_year:
                work = bytearray(work)
                for d in self._by_year[year]:
                    work[d.toordinal() - base.first_ordinal] = (
                        _WORK if self._overrides[d] else _OFF
                    )
            cached = self._work[year] = (base.first_ordinal, work)
        return cached

    def is_workday(self, d: date) -> bool:
        d = _as_date(d)
        first, work = self._flags(d.year)
        return bool(work[d.toordinal() - first])

    def is_statutory_holiday(self, d: date) -> bool:
        """Official holiday, holiday set locally, or (provisional year) a holiday by law."""
        d = _as_date(d)
        if d in self._overrides:
            return not self._overrides[d]
        base = self._base(d.year)
        return bool(base.statutory[d.toordinal() - base.first_ordinal])

    def year_complete(self, year: int) -> bool:
        return year in self._notice_years or _is_official_year(year)

    def day_source(self, d: date) -> str:
        """``"override"`` (local day or imported notice), ``"official"`` or ``"provisional"``."""
        d = _as_date(d)
        if d in self._overrides or d.year in self._notice_years:
            return "override"
        return "official" if _is_official_year(d.year) else "provisional"

    def years_incomplete(self, a: date, b: date) -> list[int]:
        lo, hi = sorted((_as_date(a).year, _as_date(b).year))
        return [y for y in range(lo, hi + 1) if not self.year_complete(y)]

    # ----- the sorted list of working-day ordinals ----------------------------------

    def _cover(self, lo: int, hi: int) -> None:
        """Make ``self._ordinals`` hold every working day of the years ``lo``..``hi``."""
        if lo < MIN_YEAR or hi > MAX_YEAR:
            raise DataError(f"日期超出可计算范围（{MIN_YEAR}–{MAX_YEAR}年）")
        if self._lo and self._lo <= lo and hi <= self._hi:
            return
        # Join the range already built when it is near; a far one replaces it, so that a
        # stray date (year 2206 typed for 2026) does not make us build every year between.
        if self._lo and lo - _JOIN_GAP <= self._hi and self._lo <= hi + _JOIN_GAP:
            lo, hi = min(lo, self._lo), max(hi, self._hi)
        ordinals: list[int] = []
        for year in range(lo, hi + 1):
            first, work = self._flags(year)
            ordinals.extend(first + i for i, flag in enumerate(work) if flag)
        self._ordinals, self._lo, self._hi = ordinals, lo, hi

    def _grow_until(self, index: int) -> None:
        """Extend the covered years forward until ``self._ordinals[index]`` exists."""
        while index >= len(self._ordinals):
            if self._hi >= MAX_YEAR:
                raise DataError(f"截止日期超出可计算范围（{MIN_YEAR}–{MAX_YEAR}年）")
            missing = index - len(self._ordinals) + 1
            self._cover(self._lo, min(MAX_YEAR, self._hi + 1 + missing // 200))

    # ----- counting -------------------------------------------------------------------

    def add_workdays(self, start: date, n: int) -> Deadline:
        """The N-th working day after ``start`` (start not counted); N=0: start or next."""
        start = _as_date(start, "start")
        if isinstance(n, bool) or not isinstance(n, int):
            raise DataError(f"工作日数必须是整数：{n!r}")
        if n < 0:
            raise DataError(f"工作日数不能为负数：{n}")
        if n > MAX_WORKDAYS:
            raise DataError(f"工作日数过大：{n}（上限 {MAX_WORKDAYS}）")
        year = start.year
        if not (self._lo and self._lo <= year <= self._hi):
            self._cover(year, year)
        ordinal = start.toordinal()
        if n == 0:
            index = bisect_left(self._ordinals, ordinal)
        else:
            index = bisect_right(self._ordinals, ordinal) + n - 1
        if index >= len(self._ordinals):
            self._grow_until(index)
        due = date.fromordinal(self._ordinals[index])
        return Deadline(start, n, due, *self._completeness(year, due.year))

    def _completeness(self, first: int, last: int) -> tuple[bool, tuple[str, ...]]:
        key = (first, last)
        known = self._completeness_cache.get(key)
        if known is None:
            warnings = tuple(
                provisional_warning(y)
                for y in range(first, last + 1)
                if not self.year_complete(y)
            )
            known = self._completeness_cache[key] = (not warnings, warnings)
        return known

    def workdays_between(self, a: date, b: date) -> int:
        """Working days d with a < d <= b; negative (-(count of b < d <= a)) when b < a."""
        a, b = _as_date(a), _as_date(b)
        lo, hi = sorted((a.year, b.year))
        self._cover(lo, hi)
        ords = self._ordinals
        return bisect_right(ords, b.toordinal()) - bisect_right(ords, a.toordinal())

    def overdue_workdays(self, due: date, as_of: date) -> int:
        """Working days after ``due`` up to and including ``as_of`` (0 if not late)."""
        return max(0, self.workdays_between(due, as_of))

    def workdays_until(self, due: date, as_of: date) -> int:
        """Working days d with as_of < d <= due (0 when due <= as_of)."""
        return max(0, self.workdays_between(as_of, due))
