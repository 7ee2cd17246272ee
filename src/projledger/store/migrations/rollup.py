"""Roll-up schema (SPEC §14): which counties a city roll-up holds, and its county rankings.

Every ledger has these (empty) tables, so a county ledger and a roll-up share one schema
version; a ledger *is* a roll-up when ``rollup_counties`` has rows (``rollup.is_rollup``).

``rollup_counties``: one row per county file rolled up — its number (the ``id >> 32`` of its
renumbered rows), name, source file, SHA-256 and schema version at the last refresh.
``county_rankings``: the saved county ranking of each period (``report counties``), read back
for bottom-three streaks like ``ranking_snapshots``; money integer 0.01 万元, score 0.01 points.
"""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

migrations = Migrations("projledger.rollup")


@migrations()
def m001_rollup(db):
    db.executescript(
        """
        CREATE TABLE rollup_counties (
            county_no INTEGER PRIMARY KEY,
            county TEXT NOT NULL UNIQUE,
            source TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            schema_version INTEGER NOT NULL,
            refreshed_at TEXT NOT NULL,
            projects INTEGER NOT NULL,
            rows_copied INTEGER NOT NULL
        );
        CREATE TABLE county_rankings (
            period TEXT NOT NULL,
            year INTEGER NOT NULL,
            county TEXT NOT NULL,
            rank INTEGER NOT NULL CHECK (rank >= 1),
            units_ranked INTEGER NOT NULL,
            score INTEGER NOT NULL,
            projects INTEGER NOT NULL,
            start_due INTEGER NOT NULL,
            started INTEGER NOT NULL,
            annual_plan INTEGER NOT NULL,
            ytd_completed INTEGER NOT NULL,
            problems INTEGER NOT NULL,
            problems_closed INTEGER NOT NULL,
            bottom3 INTEGER NOT NULL CHECK (bottom3 IN (0,1)),
            bottom3_streak INTEGER NOT NULL,
            saved_at TEXT NOT NULL,
            PRIMARY KEY (period, county)
        );
        """
    )
