"""Strict dates and periods typed on the command line (ISO ``YYYY-MM-DD`` / ``YYYY-MM``).

Spreadsheet dates are a different, messier matter and live in :mod:`projledger.sheets.values`.

A "done on" date (a problem closed, a procedure approved, a project completed, a meeting item
closed, a milestone reached) records something that has happened: :func:`parse_done_on`
refuses one later than today, for every command alike.  Periods are parsed by
:meth:`projledger.period.Period.parse` (``2026-1`` is refused, not taken as January).
"""

from __future__ import annotations

import datetime as dt
import os
import re

from projledger.errors import DataError, UsageError
from projledger.period import Period

__all__ = ["parse_iso_date", "parse_done_on", "parse_period", "period_end", "today", "iso", "stored_date"]

_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_iso_date(text: str | None, what: str = "日期", *, usage: bool = True) -> dt.date | None:
    """``2026-11-03`` → date; None passes through.  Wrong shape is a usage error (exit 2)."""
    if text is None or text == "":
        return None
    if isinstance(text, dt.date):
        return text
    match = _DATE.match(text.strip())
    error = UsageError if usage else DataError
    if not match:
        raise error(f"{what}“{text}”格式不对，应为 YYYY-MM-DD，例如 2026-11-03")
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise error(f"{what}“{text}”不存在") from None


def parse_done_on(text: str | None, what: str = "办结日期", *, on: dt.date | None = None) -> dt.date:
    """The date something was done: ISO text, default today; a date after today is refused
    (exit 1) — it has not happened yet.  ``on`` stands in for today (tests, back-dated runs)."""
    now = on or today()
    day = parse_iso_date(text, what) or now
    if day > now:
        raise DataError(f"{what}“{day.isoformat()}”晚于今天（{now.isoformat()}）：只能登记已经发生的事；"
                        "请改正日期，或到当天再登记")
    return day


def parse_period(text: str, what: str = "期间") -> str:
    """``2026-10`` → ``"2026-10"``; ``2026-1`` and anything but ``YYYY-MM`` is a usage error."""
    return str(Period.parse(text, what))


def period_end(period: "str | Period") -> dt.date:
    return (period if isinstance(period, Period) else Period.from_db(period)).end


def today() -> dt.date:
    """Today; ``PROJLEDGER_TODAY=YYYY-MM-DD`` stands in for it (tests that play a year ahead,
    re-running a month's work as of a past day)."""
    fixed = os.environ.get("PROJLEDGER_TODAY")
    if fixed:
        return parse_iso_date(fixed, "环境变量 PROJLEDGER_TODAY")
    return dt.date.today()


def iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def stored_date(text: str | None) -> dt.date | None:
    """A date as the ledger stores it (ISO text, or NULL) → date; the inverse of :func:`iso`."""
    return dt.date.fromisoformat(text) if text else None
