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


@migrations()
def m002_ranking_cache(db):
    """Past rankings computed for streaks are kept, and thrown away when their inputs change.

    ``ranking_cache`` holds one computed ranking per (period, kind) as JSON, with the input
    ``stamp`` it was computed from.  ``ranking_inputs`` is that stamp's source: triggers on
    every table a ranking reads bump a scope's ``version`` to one more than the highest so
    far, in the writing transaction itself — so a reader's snapshot always sees data and
    versions that agree, whatever commits concurrently, and a write outside the audited
    writer (a bulk load) invalidates just the same.  Scopes: ``*`` (units, settings,
    projects' ranking columns: every period), ``YYYY`` (an annual plan: every period of that
    year), ``YYYY-MM`` (progress of that month, a problem reported or closed in it: that
    period and the later ones).  A cached ranking of period P is valid while its stamp equals
    the highest version of ``*``, P's year and P's year's months up to P.
    """
    scope_of = {  # SQL expression giving the scope a changed row touches
        "progress": "{r}.period",
        "annual_plans": "CAST({r}.year AS TEXT)",
        # the earliest month whose ranking can see the difference
        "problems": "substr({r}.reported_on, 1, 7)",
    }
    bump = ("INSERT INTO ranking_inputs (scope, version) VALUES ({scope},"
            " (SELECT COALESCE(MAX(version), 0) + 1 FROM ranking_inputs))"
            " ON CONFLICT(scope) DO UPDATE SET version = excluded.version;")
    statements = [
        """
        CREATE TABLE ranking_cache (
            period TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('township','department')),
            stamp INTEGER NOT NULL,
            rows TEXT NOT NULL,
            PRIMARY KEY (period, kind)
        );
        CREATE TABLE ranking_inputs (
            scope TEXT PRIMARY KEY,
            version INTEGER NOT NULL
        );
        """
    ]
    # A problem updated in place (replied to, closed, reopened) changes the rankings only from
    # the month its closed state changed; moved to another project, unit or date: from its report.
    closed = "CASE WHEN {r}.status = 'closed' THEN {r}.closed_on END"
    problem_update = (
        "CASE WHEN OLD.reported_on IS NEW.reported_on AND OLD.project_id IS NEW.project_id"
        " AND OLD.lead_unit_id IS NEW.lead_unit_id"
        f" THEN substr(min(COALESCE({closed.format(r='OLD')}, '9999'), COALESCE({closed.format(r='NEW')}, '9999')), 1, 7)"
        " ELSE substr(min(OLD.reported_on, NEW.reported_on), 1, 7) END")
    for table, scope in scope_of.items():
        for event, rows in (("INSERT", ("NEW",)), ("DELETE", ("OLD",)), ("UPDATE", ("OLD", "NEW"))):
            body = " ".join(bump.format(scope=scope.format(r=r)) for r in rows)
            if table == "problems" and event == "UPDATE":
                body = bump.format(scope=problem_update)
            statements.append(f"CREATE TRIGGER ranking_inputs_{table}_{event.lower()} AFTER {event}"
                              f" ON {table} BEGIN {body} END;")
    everything = bump.format(scope="'*'")
    for table, columns in (("units", ""), ("settings", ""),
                           ("projects", " OF township_id, department_id, nature, planned_start, actual_start")):
        for event in ("INSERT", "DELETE", "UPDATE"):
            of = columns if event == "UPDATE" else ""
            if table == "projects" and event == "INSERT":
                continue  # a new project has no plan yet: its plan record bumps the year
            statements.append(f"CREATE TRIGGER ranking_inputs_{table}_{event.lower()} AFTER {event}{of}"
                              f" ON {table} BEGIN {everything} END;")
    db.executescript("\n".join(statements))
