"""A reporting period (期间): one calendar month, ``YYYY-MM``.

Every place that handles a period uses :class:`Period` instead of slicing a ``"YYYY-MM"``
string by hand.  It is a small frozen value: ordered, hashable, and its ``str`` is the
canonical ``YYYY-MM`` text stored in the ledger and written in JSON, so
``str(Period.parse("2026-1"))`` is never produced — :meth:`Period.parse` refuses anything but
``YYYY-MM`` (a user typing ``2026-1`` may mean January or October with a lost zero).

Pure: no database, no settings.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["Period"]

_STRICT = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """One month: ``Period(2026, 10)`` is ``2026-10``."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1 <= self.year <= 9999:
            raise ValueError(f"不存在的期间：{self.year}-{self.month}")

    # ------------------------------------------------------------ making one

    @classmethod
    def parse(cls, text: "str | Period", what: str = "期间") -> "Period":
        """``"2026-10"`` → ``Period(2026, 10)``; anything else is a usage error (exit 2)."""
        if isinstance(text, Period):
            return text
        match = _STRICT.match((text or "").strip())
        if not match or not 1 <= int(match[2]) <= 12:
            from projledger.errors import UsageError

            raise UsageError(f"{what}“{text}”格式不对，应为 YYYY-MM（月份两位），例如 2026-10")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day: dt.date) -> "Period":
        """The period a day falls in."""
        return cls(day.year, day.month)

    @classmethod
    def from_db(cls, text: str) -> "Period":
        """A period as stored (always canonical ``YYYY-MM``); no user-facing checks."""
        return cls(int(text[:4]), int(text[5:7]))

    # ------------------------------------------------------------ what it is

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def end(self) -> dt.date:
        """Last calendar day of the month (“期末”)."""
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def label(self) -> str:
        """``2026年10月`` — how a notice names the month."""
        return f"{self.year}年{self.month}月"

    @property
    def quarter(self) -> int:
        return (self.month - 1) // 3 + 1

    @property
    def schedule_share(self) -> "tuple[int, int]":
        """序时进度 as an exact fraction ``(month, 12)``."""
        return self.month, 12

    def contains(self, day: dt.date) -> bool:
        return day.year == self.year and day.month == self.month

    # ------------------------------------------------------------ neighbours

    def previous(self) -> "Period":
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    def next(self) -> "Period":
        return Period(self.year + 1, 1) if self.month == 12 else Period(self.year, self.month + 1)

    def months_to_date(self) -> "list[Period]":
        """January of the same year up to and including this month."""
        return [Period(self.year, m) for m in range(1, self.month + 1)]

    @staticmethod
    def months_of_year(year: int) -> "list[Period]":
        return [Period(year, m) for m in range(1, 13)]

    @staticmethod
    def range(first: "Period", last: "Period") -> "list[Period]":
        """Every month from ``first`` to ``last`` inclusive (empty when ``first > last``)."""
        months, current = [], first
        while current <= last:
            months.append(current)
            current = current.next()
        return months
