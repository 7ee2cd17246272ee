"""Reporting-cycle schema (SPEC §12): levels and lists, people, submissions, milestones.

* ``projects.level`` — 省重点 / 市重点 / 县重点 or NULL (:data:`projledger.projects.LEVELS`);
  ``projects.liaison`` — the 服务专员 as text, like ``projects.leader``; ``leader_person_id`` /
  ``liaison_person_id`` link that text to a known person (``people``) when the name matches.
  The text stays the display value, so a name typed before the person was added still shows,
  and ``leader add`` links it later.
* ``annual_plans.planned_completion`` — ISO date (计划竣工/建成/投产时间) of that year's plan.
* ``project_tags`` — any number of list tags per project (the 五个清单 of seed 002).
* ``people`` — 包联领导 and 服务专员, one row per person; ``name_key`` is the normalised name
  a sheet's text is matched on.
* ``submissions`` — one row per committed township-sheet import (报送): which township, for
  which period, the file's name and SHA-256, its 填报日期, when it was imported and the day
  it counts as submitted (the import's ``--date`` or the import day).  The same file
  (township, period, sha256) is recorded once.
* ``milestones`` — a project's 节点 (亮诺): name, due date, done date.

m002: triggers keep ``leader_person_id`` / ``liaison_person_id`` following the text, whoever
writes it (see the migration's comment).
"""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

migrations = Migrations("projledger.cycle")


@migrations()
def m001_cycle(db):
    db.executescript(
        """
        CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            name_key TEXT NOT NULL UNIQUE,
            title TEXT,
            phone TEXT,
            created_at TEXT NOT NULL
        );

        ALTER TABLE projects ADD COLUMN level TEXT
            CHECK (level IS NULL OR level IN ('省重点','市重点','县重点'));
        ALTER TABLE projects ADD COLUMN liaison TEXT;
        ALTER TABLE projects ADD COLUMN leader_person_id INTEGER REFERENCES people(id);
        ALTER TABLE projects ADD COLUMN liaison_person_id INTEGER REFERENCES people(id);
        CREATE INDEX idx_projects_level ON projects(level);
        CREATE INDEX idx_projects_leader_person ON projects(leader_person_id);

        ALTER TABLE annual_plans ADD COLUMN planned_completion TEXT;

        CREATE TABLE project_tags (
            project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            tag TEXT NOT NULL,
            PRIMARY KEY (project_id, tag)
        );
        CREATE INDEX idx_project_tags_tag ON project_tags(tag);

        CREATE TABLE submissions (
            id INTEGER PRIMARY KEY,
            township_id INTEGER NOT NULL REFERENCES units(id),
            period TEXT NOT NULL,
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            filled_on TEXT,
            imported_at TEXT NOT NULL,
            submitted_on TEXT NOT NULL,
            UNIQUE (township_id, period, sha256)
        );
        CREATE INDEX idx_submissions_period ON submissions(period, township_id);

        CREATE TABLE milestones (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            due_on TEXT NOT NULL,
            done_on TEXT,
            note TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX idx_milestones_project ON milestones(project_id);
        CREATE INDEX idx_milestones_open ON milestones(done_on, due_on);
        """
    )


@migrations()
def m002_link_people_by_name(db):
    # Why: a project's leader / liaison text comes from several writers (project add|update,
    # township and reserve imports).  The link to the person follows the text in one place:
    # whenever the text is written, it points at the person of exactly that (trimmed) name, or
    # at nobody.  ``leader add`` links texts written before the person existed.
    statements = []
    for role in ("leader", "liaison"):
        link = f"{role}_person_id"
        statements.append(f"""
        CREATE TRIGGER projects_{role}_link_insert AFTER INSERT ON projects
        WHEN NEW.{role} IS NOT NULL AND NEW.{link} IS NULL
        BEGIN
            UPDATE projects SET {link} = (SELECT id FROM people WHERE name = trim(NEW.{role}))
            WHERE id = NEW.id;
        END;
        CREATE TRIGGER projects_{role}_link_update AFTER UPDATE OF {role} ON projects
        WHEN NEW.{role} IS NOT OLD.{role}
        BEGIN
            UPDATE projects SET {link} = (SELECT id FROM people WHERE name = trim(NEW.{role}))
            WHERE id = NEW.id;
        END;
        UPDATE projects SET {link} = (SELECT id FROM people WHERE name = trim(projects.{role}))
        WHERE {role} IS NOT NULL AND {link} IS NULL;
        """)
    db.executescript("".join(statements))
