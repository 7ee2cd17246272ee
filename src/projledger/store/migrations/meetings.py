"""Meetings, decided items and letters (会议、议定事项、两函一单) schema, SPEC §11.

* ``meetings`` — one row per meeting (kind from the fixed list, date, title, chair);
  ``meeting_attendees`` the units that attended.
* ``meeting_items`` — the items decided (议定事项): a tracked item with the same columns as a
  problem's life (:mod:`projledger.tracking`): assigned on the meeting's date, reply and
  completion deadlines that remember whether they are provisional and where they count from
  (``due_start``, NULL = ``assigned_on``), status, closure, level; escalations in
  ``meeting_item_escalations``.  A date given with ``--due`` is stored as ``due_start`` with
  ``due_workdays`` 0 (the date itself, or the next working day).
* ``letters`` — every 提醒函 / 督办函 / 交办单 issued: kind, number text and its parts (year,
  seq — n counts per kind per year), date, unit, file name, and why a letter without items
  was sent (``basis``: a unit on a bottom-three streak); ``letter_items`` the problems and
  items each letter names.
"""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

migrations = Migrations("projledger.meetings")


@migrations()
def m001_meetings(db):
    db.executescript(
        """
        CREATE TABLE meetings (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('周例会','月调度会','季度分析会','专题会商','联席会议','现场督导')),
            held_on TEXT NOT NULL,
            title TEXT,
            chair TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX idx_meetings_kind_on ON meetings(kind, held_on);

        CREATE TABLE meeting_attendees (
            meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
            unit_id INTEGER NOT NULL REFERENCES units(id),
            PRIMARY KEY (meeting_id, unit_id)
        );

        CREATE TABLE meeting_items (
            id INTEGER PRIMARY KEY,
            meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            lead_unit_id INTEGER NOT NULL REFERENCES units(id),
            project_id INTEGER REFERENCES projects(id) ON DELETE SET NULL,
            level TEXT,
            assigned_on TEXT NOT NULL,
            reply_workdays INTEGER,
            reply_due_on TEXT,
            reply_due_provisional INTEGER NOT NULL DEFAULT 0,
            replied_on TEXT,
            reply_text TEXT,
            due_workdays INTEGER,
            due_start TEXT,
            due_on TEXT NOT NULL,
            due_provisional INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
            closed_on TEXT,
            resolution TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX idx_meeting_items_meeting ON meeting_items(meeting_id);
        CREATE INDEX idx_meeting_items_lead ON meeting_items(lead_unit_id);
        CREATE INDEX idx_meeting_items_status_due ON meeting_items(status, due_on);
        CREATE INDEX idx_meeting_items_project ON meeting_items(project_id);

        CREATE TABLE meeting_item_escalations (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES meeting_items(id) ON DELETE CASCADE,
            level TEXT NOT NULL,
            escalated_on TEXT NOT NULL,
            note TEXT
        );
        CREATE INDEX idx_meeting_item_escalations_item ON meeting_item_escalations(item_id);

        CREATE TABLE letters (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('提醒函','督办函','交办单')),
            number TEXT NOT NULL UNIQUE,
            year INTEGER NOT NULL,
            seq INTEGER NOT NULL CHECK (seq >= 1),
            issued_on TEXT NOT NULL,
            unit_id INTEGER NOT NULL REFERENCES units(id),
            file TEXT,
            basis TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (kind, year, seq)
        );
        CREATE INDEX idx_letters_unit ON letters(unit_id, kind, issued_on);

        CREATE TABLE letter_items (
            letter_id INTEGER NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('problem','meeting_item')),
            item_id INTEGER NOT NULL,
            PRIMARY KEY (letter_id, kind, item_id)
        );
        CREATE INDEX idx_letter_items_item ON letter_items(kind, item_id);
        """
    )
