"""Approval procedures (前期手续) schema: each project's procedures and the item catalog.

``procedures`` — one row per (project, item).  The working-day deadline ``due_on`` is
``accepted_on`` + ``limit_workdays``; ``due_provisional`` says it was computed over a year
without calendar data, and ``due_basis`` which calendar data produced it (``2026:official``,
``2027:notice``, ``2027:provisional``, comma-separated), so ``calendar refresh`` can find and
recompute it.  Mode-specific columns:

* 容缺受理: ``supplement_by`` (date the missing material must arrive; required for this mode
  and only for it), ``supplemented_on`` (when it arrived);
* 模拟审批: ``expires_on`` (the mock approval is valid one calendar year), ``simulated_on`` /
  ``simulated_doc`` (模拟审批意见), ``converted_on`` (land obtained, conversion requested) and
  ``convert_due`` (3 working days later, 模拟审批转正式) with its own provisional flag.

``done_on``/``doc_number`` are the formal approval (批复) and its 文号.

``procedure_catalog`` holds the items the user added or changed (``source`` 'user'); the
built-in items are data (``schemas/procedure_catalog.json``) merged in at read time, so a
newer release updates them.  ``aliases`` is a JSON array of other names for the item.
"""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

migrations = Migrations("projledger.procedures")


@migrations()
def m001_procedures(db):
    db.executescript(
        """
        CREATE TABLE procedure_catalog (
            item TEXT PRIMARY KEY,
            item_key TEXT NOT NULL UNIQUE,
            default_limit_workdays INTEGER CHECK (default_limit_workdays IS NULL
                                                  OR default_limit_workdays >= 0),
            aliases TEXT,
            note TEXT,
            source TEXT NOT NULL DEFAULT 'user' CHECK (source IN ('builtin','user')),
            created_at TEXT NOT NULL
        );

        CREATE TABLE procedures (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            item TEXT NOT NULL,
            mode TEXT NOT NULL DEFAULT '常规'
                CHECK (mode IN ('常规','承诺制','容缺受理','模拟审批')),
            lead_unit_id INTEGER REFERENCES units(id),
            accepted_on TEXT NOT NULL,
            limit_workdays INTEGER NOT NULL CHECK (limit_workdays >= 0),
            due_on TEXT NOT NULL,
            due_provisional INTEGER NOT NULL DEFAULT 0 CHECK (due_provisional IN (0,1)),
            due_basis TEXT,
            supplement_by TEXT,
            supplemented_on TEXT,
            expires_on TEXT,
            simulated_on TEXT,
            simulated_doc TEXT,
            converted_on TEXT,
            convert_due TEXT,
            convert_due_provisional INTEGER NOT NULL DEFAULT 0
                CHECK (convert_due_provisional IN (0,1)),
            done_on TEXT,
            doc_number TEXT,
            note TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (project_id, item),
            CHECK ((mode = '容缺受理') = (supplement_by IS NOT NULL)),
            CHECK (mode = '模拟审批' OR (expires_on IS NULL AND converted_on IS NULL
                                          AND simulated_on IS NULL))
        );
        CREATE INDEX idx_procedures_lead ON procedures(lead_unit_id);
        CREATE INDEX idx_procedures_due ON procedures(done_on, due_on);
        """
    )
