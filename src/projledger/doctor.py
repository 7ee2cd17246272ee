"""What ``projledger doctor`` reports beyond the store's own health: the working-day calendar.

A deadline computed while its year's 调休 notice was not yet published is stored as
provisional (``…_provisional = 1``).  :func:`calendar_coverage` counts those, and how many
fall in a year whose calendar has since become complete (a newer chinese-calendar, or an
imported notice) — those ``calendar refresh`` would now confirm.  The integrity checks
themselves are :func:`projledger.store.maintenance.health`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

__all__ = ["PROVISIONAL_COLUMNS", "calendar_coverage"]

#: (table, date column, its provisional flag) of every stored working-day deadline.
PROVISIONAL_COLUMNS = (
    ("problems", "due_on", "due_provisional"),
    ("problems", "reply_due_on", "reply_due_provisional"),
    ("procedures", "due_on", "due_provisional"),
    ("meeting_items", "due_on", "due_provisional"),
    ("meeting_items", "reply_due_on", "reply_due_provisional"),
)


def calendar_coverage(db: sqlite_utils.Database) -> dict:
    """Years the official calendar covers, years whose notice was imported, and the provisional
    deadlines (and those of them whose year is now complete)."""
    from projledger.calendar import load_calendar, notice_years
    from projledger.workdays import official_years

    first, last = official_years()
    calendar = load_calendar(db)
    provisional = confirmable = 0
    for table, column, flag in PROVISIONAL_COLUMNS:
        if not db[table].exists():
            continue
        for (due,) in db.execute(f"SELECT [{column}] FROM [{table}] WHERE [{flag}] = 1 AND [{column}] IS NOT NULL"):
            provisional += 1
            confirmable += calendar.year_complete(dt.date.fromisoformat(due).year)
    return {"official_years": [first, last], "notice_years": sorted(notice_years(db)),
            "provisional_deadlines": provisional, "confirmable_deadlines": confirmable}
