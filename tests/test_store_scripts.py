"""Migration scripts run statement by statement inside the write transaction (store.db)."""

from __future__ import annotations

import sqlite3

import sqlite_utils

from projledger.store.db import LedgerDatabase, split_statements
from projledger.store.migrations import apply_all

SCRIPT = """
CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT DEFAULT 'a;b');
-- a comment; with a semicolon
CREATE TRIGGER t_touch AFTER INSERT ON t BEGIN
    UPDATE t SET note = note || ';' WHERE id = NEW.id;
    SELECT 1;
END;
INSERT INTO t (id) VALUES (1);
"""


def test_triggers_and_quoted_semicolons_stay_whole():
    statements = list(split_statements(SCRIPT))
    assert len(statements) == 3
    assert statements[1].startswith("-- a comment") and statements[1].endswith("END;")
    assert "'a;b'" in statements[0]


def test_script_inside_a_transaction_commits_with_it_or_not_at_all():
    db = LedgerDatabase(sqlite3.connect(":memory:", isolation_level=None))
    db.execute("BEGIN")
    db.executescript(SCRIPT)
    assert db.execute("SELECT note FROM t").fetchone() == ("a;b;",)
    db.execute("ROLLBACK")
    assert "t" not in db.table_names()


def test_migrations_make_the_same_schema_as_sqlite_utils(tmp_path):
    def schema(cls, name):
        conn = sqlite3.connect(tmp_path / name, isolation_level=None)
        apply_all(cls(conn))
        return sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall(),
                      key=lambda row: (row[0], row[1]))

    assert schema(LedgerDatabase, "ours.db") == schema(sqlite_utils.Database, "theirs.db")
