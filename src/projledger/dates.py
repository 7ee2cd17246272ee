"""Strict dates and periods typed on the command line (ISO ``YYYY-MM-DD`` / ``YYYY-MM``).

Spreadsheet dates are a different, messier matter and live in :mod:`projledger.sheets.values`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from projledger.errors import DataError, UsageError

__all__ = ["parse_iso_date", "parse_period", "period_end", "period_of", "today", "iso"]

_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_PERIOD = re.compile(r"^(\d{4})-(\d{1,2})$")


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


def parse_period(text: str, what: str = "期间") -> str:
    """``2026-10`` → ``"2026-10"`` (normalised); a month, not a date."""
    match = _PERIOD.match((text or "").strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise UsageError(f"{what}“{text}”格式不对，应为 YYYY-MM，例如 2026-10")
    return f"{int(match[1]):04d}-{int(match[2]):02d}"


def period_end(period: str) -> dt.date:
    year, month = int(period[:4]), int(period[5:7])
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def today() -> dt.date:
    return dt.date.today()


def iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
