"""Core schema: units and aliases, projects, annual plans, progress, settings, audit trail.

Money columns hold integers of 0.01 万元 (see :mod:`projledger.money`); dates are ISO text;
a period is ``YYYY-MM``.
"""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

migrations = Migrations("projledger.core")


@migrations()
def m001_initial(db):
    db.executescript(
        """
        CREATE TABLE units (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            name_key TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('township','department','taskforce','chain')),
            created_at TEXT NOT NULL
        );
        CREATE TABLE unit_aliases (
            id INTEGER PRIMARY KEY,
            unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
            alias TEXT NOT NULL,
            alias_key TEXT NOT NULL UNIQUE
        );
        CREATE INDEX idx_unit_aliases_unit ON unit_aliases(unit_id);

        CREATE TABLE projects (
            id INTEGER PRIMARY KEY,
            code TEXT UNIQUE,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL,
            township_id INTEGER REFERENCES units(id),
            department_id INTEGER REFERENCES units(id),
            owner TEXT,
            stage TEXT NOT NULL,
            nature TEXT CHECK (nature IS NULL OR nature IN ('新开工','续建','前期')),
            industry TEXT,
            industrial INTEGER CHECK (industrial IS NULL OR industrial IN (0,1)),
            total_investment INTEGER CHECK (total_investment IS NULL OR total_investment >= 0),
            planned_start TEXT,
            planned_start_precision TEXT NOT NULL DEFAULT 'day',
            actual_start TEXT,
            actual_start_estimated INTEGER NOT NULL DEFAULT 0,
            completed_on TEXT,
            leader TEXT,
            note TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_projects_township_name ON projects(township_id, name_key);
        CREATE INDEX idx_projects_department ON projects(department_id);

        CREATE TABLE annual_plans (
            project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            year INTEGER NOT NULL,
            investment INTEGER NOT NULL CHECK (investment >= 0),
            nature TEXT CHECK (nature IS NULL OR nature IN ('新开工','续建','前期')),
            planned_start TEXT,
            planned_start_precision TEXT NOT NULL DEFAULT 'day',
            PRIMARY KEY (project_id, year)
        );
        CREATE INDEX idx_annual_plans_year ON annual_plans(year);

        CREATE TABLE progress (
            project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            period TEXT NOT NULL,
            year INTEGER NOT NULL,
            ytd_completed INTEGER NOT NULL CHECK (ytd_completed >= 0),
            month_completed INTEGER CHECK (month_completed IS NULL OR month_completed >= 0),
            status TEXT,
            reported_on TEXT,
            source TEXT,
            PRIMARY KEY (project_id, period)
        );
        CREATE INDEX idx_progress_year_period ON progress(year, period);

        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );

        CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            command TEXT NOT NULL,
            table_name TEXT NOT NULL,
            row_key TEXT NOT NULL,
            project_id INTEGER,
            action TEXT NOT NULL CHECK (action IN ('insert','update','delete')),
            before TEXT,
            after TEXT
        );
        CREATE INDEX idx_audit_project ON audit(project_id);
        """
    )


@migrations()
def m002_audit_change_sets(db):
    # Why: m001 stored the whole command line on every audit row.  One import of 200 township
    # files wrote the same 8 KB into tens of thousands of rows (1.5 GB of a 2 GB province-sized
    # ledger).  Now each command is one row of ``audit_commands`` and its changes point to it;
    # the view ``audit`` keeps the m001 shape for every reader.
    db.executescript(
        """
        CREATE TABLE audit_commands (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            command TEXT NOT NULL
        );
        CREATE TABLE audit_changes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            command_id INTEGER NOT NULL REFERENCES audit_commands(id),
            table_name TEXT NOT NULL,
            row_key TEXT NOT NULL,
            project_id INTEGER,
            action TEXT NOT NULL CHECK (action IN ('insert','update','delete')),
            before TEXT,
            after TEXT
        );
        INSERT INTO audit_commands (at, actor, command)
            SELECT at, actor, command FROM audit GROUP BY at, actor, command ORDER BY MIN(id);
        INSERT INTO audit_changes (id, command_id, table_name, row_key, project_id, action, before, after)
            SELECT a.id, c.id, a.table_name, a.row_key, a.project_id, a.action, a.before, a.after
            FROM audit a JOIN audit_commands c ON c.at = a.at AND c.actor = a.actor AND c.command = a.command
            ORDER BY a.id;
        DROP TABLE audit;
        CREATE INDEX idx_audit_changes_project ON audit_changes(project_id);
        CREATE INDEX idx_audit_changes_command ON audit_changes(command_id);
        CREATE VIEW audit AS
            SELECT ch.id, co.at, co.actor, co.command, ch.table_name, ch.row_key, ch.project_id,
                   ch.action, ch.before, ch.after
            FROM audit_changes ch JOIN audit_commands co ON co.id = ch.command_id;
        """
    )
