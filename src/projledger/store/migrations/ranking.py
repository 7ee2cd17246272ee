"""Ranking snapshots (逐月排队通报): what each monthly report recorded, per unit.

``report monthly`` saves the period's two rankings (unless ``--no-save``); later reports read
them back to count bottom-three streaks (SPEC §5: past periods use the saved ranking), and
``report history`` lists a unit's rank and score month by month.

One row per (period, kind, unit).  A unit is stored by id (renaming a unit keeps its
history) and by the canonical name it had when the ranking was saved.  Counts and money are
stored, so a saved row can be rebuilt exactly; the rates are also stored as the 4-decimal
fractions of the JSON for people reading the table directly.  Money is integer 0.01 万元,
the score integer 0.01 points.  Saving a period again replaces its rows through the audited
writer (changed rows updated, vanished units deleted), so the audit trail shows every
replacement.
"""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

migrations = Migrations("projledger.ranking")


@migrations()
def m001_ranking_snapshots(db):
    db.executescript(
        """
        CREATE TABLE ranking_snapshots (
            period TEXT NOT NULL,
            year INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('township','department')),
            unit_id INTEGER NOT NULL REFERENCES units(id),
            unit TEXT NOT NULL,
            rank INTEGER NOT NULL CHECK (rank >= 1),
            units_ranked INTEGER NOT NULL,
            score INTEGER NOT NULL,
            projects INTEGER NOT NULL,
            start_due INTEGER NOT NULL,
            started INTEGER NOT NULL,
            start_rate REAL,
            annual_plan INTEGER NOT NULL,
            ytd_completed INTEGER NOT NULL,
            invest_rate REAL,
            problems INTEGER NOT NULL,
            problems_closed INTEGER NOT NULL,
            resolve_rate REAL,
            bottom3 INTEGER NOT NULL CHECK (bottom3 IN (0,1)),
            bottom3_streak INTEGER NOT NULL,
            saved_at TEXT NOT NULL,
            PRIMARY KEY (period, kind, unit_id)
        );
        CREATE INDEX idx_ranking_snapshots_unit ON ranking_snapshots(unit_id, period);
        CREATE INDEX idx_ranking_snapshots_year ON ranking_snapshots(year, kind);
        """
    )
