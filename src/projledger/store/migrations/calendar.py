"""Working-day calendar schema: local days and the State Council notices imported.

``calendar_days`` holds every day the ledger decides itself, one row per date, winning over
chinese-calendar (SPEC §3).  ``source`` says how the row came: ``set`` (one day typed with
``calendar set``) or ``import`` (a line of a notice file loaded with ``calendar import``);
``imported_at`` is when the row was written, by either command.

``calendar_notices`` has one row per year whose whole notice was imported: such a year is
*complete* — every day not listed is an ordinary weekday or weekend.  A year with only
``set`` days stays provisional (when chinese-calendar does not cover it).
"""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

migrations = Migrations("projledger.calendar")


@migrations()
def m001_calendar(db):
    db.executescript(
        """
        CREATE TABLE calendar_days (
            date TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('workday','holiday')),
            note TEXT,
            source TEXT NOT NULL CHECK (source IN ('set','import')),
            imported_at TEXT NOT NULL
        );
        CREATE TABLE calendar_notices (
            year INTEGER PRIMARY KEY,
            imported_at TEXT NOT NULL,
            file_name TEXT,
            day_count INTEGER NOT NULL CHECK (day_count >= 0)
        );
        """
    )
