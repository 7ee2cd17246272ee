"""Problem ledger (问题台账) schema: problems, their responsible units and escalations.

Deadlines remember how they were computed (start, working days, provisional or not) so
``calendar refresh`` can recompute provisional ones when a year's notice arrives.
"""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

migrations = Migrations("projledger.problems")


@migrations()
def m001_problems(db):
    db.executescript(
        """
        CREATE TABLE problems (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            text_key TEXT NOT NULL,
            category TEXT,
            level TEXT,
            lead_unit_id INTEGER REFERENCES units(id),
            reported_on TEXT NOT NULL,
            reply_workdays INTEGER,
            reply_due_on TEXT,
            reply_due_provisional INTEGER NOT NULL DEFAULT 0,
            replied_on TEXT,
            reply_text TEXT,
            due_workdays INTEGER,
            due_on TEXT,
            due_provisional INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
            closed_on TEXT,
            resolution TEXT,
            source TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (project_id, text_key)
        );
        CREATE INDEX idx_problems_lead ON problems(lead_unit_id);
        CREATE INDEX idx_problems_status_due ON problems(status, due_on);
        CREATE INDEX idx_problems_reported ON problems(reported_on);

        CREATE TABLE problem_units (
            problem_id INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
            unit_id INTEGER NOT NULL REFERENCES units(id),
            PRIMARY KEY (problem_id, unit_id)
        );

        CREATE TABLE problem_escalations (
            id INTEGER PRIMARY KEY,
            problem_id INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
            level TEXT NOT NULL,
            escalated_on TEXT NOT NULL,
            note TEXT
        );
        CREATE INDEX idx_problem_escalations_problem ON problem_escalations(problem_id);
        """
    )


@migrations()
def m002_problem_due_start(db):
    # Why: `problem reopen --limit N` restarts the 解决时限 from the reopening day, and a
    # provisional deadline must be recomputable from its own start (NULL = reported_on).
    db.execute("ALTER TABLE problems ADD COLUMN due_start TEXT")


@migrations()
def m003_problem_meeting(db):
    # Why: `problem add --meeting ID` links a problem found at a meeting to it (SPEC §11); the
    # meetings table comes in the later "meetings" set, so the column is a plain id checked
    # by the problem ledger (an ALTER TABLE cannot add a foreign key to a table made later).
    db.execute("ALTER TABLE problems ADD COLUMN meeting_id INTEGER")
    db.execute("CREATE INDEX idx_problems_meeting ON problems(meeting_id)")
