"""The audit trail (全程留痕、过往可溯).

Every insert, update and delete a command makes goes through :class:`AuditedWriter`, which
writes the row change and one ``audit_changes`` row with the table and key and the row before
and after (JSON).  Who, when and which command line are written once per command, in
``audit_commands``, the first time the command changes anything; the view ``audit`` joins
the two.  Updates that change nothing write nothing, so re-importing the same sheet leaves no
trace and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import sqlite_utils

__all__ = ["AuditedWriter", "audit_rows"]


_JSON = json.JSONEncoder(ensure_ascii=False)


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _where(key: Mapping[str, Any]) -> tuple[str, list[Any]]:
    clause = " AND ".join(f"[{column}] = ?" for column in key)
    return clause, list(key.values())


def _key_text(key: Mapping[str, Any]) -> str:
    return ",".join(f"{k}={v}" for k, v in key.items())


class AuditedWriter:
    """Row writes that leave an audit record; used only inside a write transaction."""

    def __init__(self, db: sqlite_utils.Database, actor: str, command: str):
        self.db = db
        self.actor = actor
        self.command = command
        self.at = _now()
        self._command_id: int | None = None

    @property
    def command_id(self) -> int:
        """This command's ``audit_commands`` row, written with its first change."""
        if self._command_id is None:
            cursor = self.db.execute("INSERT INTO audit_commands (at, actor, command) VALUES (?, ?, ?)",
                                     [self.at, self.actor, self.command])
            self._command_id = cursor.lastrowid
        return self._command_id

    def _record(self, table: str, key: Mapping[str, Any], action: str,
                before: dict | None, after: dict | None, project_id: int | None) -> None:
        self.db.execute(
            "INSERT INTO audit_changes (command_id, table_name, row_key, project_id, action, before, after)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                self.command_id, table, _key_text(key), project_id, action,
                json.dumps(before, ensure_ascii=False) if before is not None else None,
                json.dumps(after, ensure_ascii=False) if after is not None else None,
            ],
        )

    def _check_tx(self) -> None:
        if not self.db.conn.in_transaction:
            raise RuntimeError("audited writes must run inside Ledger.transaction()")

    def fetch(self, table: str, key: Mapping[str, Any]) -> dict | None:
        clause, params = _where(key)
        cursor = self.db.execute(f"SELECT * FROM [{table}] WHERE {clause}", params)
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([c[0] for c in cursor.description], row))

    def insert(self, table: str, row: Mapping[str, Any], *, project_id: int | None = None,
               key_columns: tuple[str, ...] = ("id",)) -> int:
        """Insert ``row``; returns its rowid.  ``key_columns`` name the key shown in history."""
        self._check_tx()
        columns = list(row)
        cursor = self.db.execute(
            f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)})"
            f" VALUES ({', '.join('?' for _ in columns)})",
            [row[c] for c in columns],
        )
        rowid = cursor.lastrowid
        stored = dict(row)
        if "id" in key_columns and "id" not in stored:
            stored["id"] = rowid
        key = {c: stored.get(c) for c in key_columns}
        if project_id is None and table == "projects":
            project_id = rowid
        self._record(table, key, "insert", None, stored, project_id)
        return rowid

    def insert_many(self, table: str, rows: list[dict], *, key_columns: tuple[str, ...] = ("id",),
                    project_ids: list[int | None]) -> None:
        """Bulk :meth:`insert` (import): each row carries its key; one ``executemany`` per shape."""
        self._check_tx()
        if not rows:
            return
        conn = self.db.conn
        shapes: dict[tuple[str, ...], list[dict]] = {}
        for row in rows:
            shapes.setdefault(tuple(row), []).append(row)
        for columns, group in shapes.items():
            conn.executemany(
                f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)})"
                f" VALUES ({', '.join('?' * len(columns))})",
                [tuple(row.values()) for row in group])
        command_id, encode = self.command_id, _JSON.encode
        conn.executemany(
            "INSERT INTO audit_changes (command_id, table_name, row_key, project_id, action, before, after)"
            " VALUES (?, ?, ?, ?, 'insert', NULL, ?)",
            [(command_id, table, _key_text({c: row.get(c) for c in key_columns}), project_id, encode(row))
             for row, project_id in zip(rows, project_ids)])

    def update(self, table: str, key: Mapping[str, Any], changes: Mapping[str, Any], *,
               project_id: int | None = None, touch: Mapping[str, Any] | None = None) -> bool:
        """Apply the changed columns only; returns False (and records nothing) when nothing differs.

        ``touch`` columns (``updated_at``) are written along with a real change, never alone.
        """
        self._check_tx()
        before = self.fetch(table, key)
        if before is None:
            raise LookupError(f"{table} {_key_text(key)} not found")
        diff = {c: v for c, v in changes.items() if before.get(c) != v}
        if not diff:
            return False
        diff.update(touch or {})
        clause, params = _where(key)
        assignments = ", ".join(f"[{c}] = ?" for c in diff)
        self.db.execute(f"UPDATE [{table}] SET {assignments} WHERE {clause}", [*diff.values(), *params])
        if project_id is None and table == "projects":
            project_id = key.get("id")
        self._record(table, key, "update", {c: before[c] for c in diff}, diff, project_id)
        return True

    def upsert(self, table: str, key: Mapping[str, Any], values: Mapping[str, Any], *,
               project_id: int | None = None) -> str:
        """Insert or update the row with this key; returns "created", "updated" or "unchanged"."""
        if self.fetch(table, key) is None:
            self.insert(table, {**key, **values}, project_id=project_id, key_columns=tuple(key))
            return "created"
        return "updated" if self.update(table, key, values, project_id=project_id) else "unchanged"

    def delete(self, table: str, key: Mapping[str, Any], *, project_id: int | None = None) -> bool:
        self._check_tx()
        before = self.fetch(table, key)
        if before is None:
            return False
        clause, params = _where(key)
        self.db.execute(f"DELETE FROM [{table}] WHERE {clause}", params)
        self._record(table, key, "delete", before, None, project_id)
        return True


def audit_rows(db: sqlite_utils.Database, project_id: int) -> list[dict]:
    """The history of one project: every audit row that names it, oldest first."""
    rows = db.execute(
        "SELECT id, at, actor, command, table_name, row_key, action, before, after"
        " FROM audit WHERE project_id = ? ORDER BY id",
        [project_id],
    ).fetchall()
    result = []
    for row in rows:
        result.append({
            "id": row[0], "at": row[1], "actor": row[2], "command": row[3], "table": row[4],
            "key": row[5], "action": row[6],
            "before": json.loads(row[7]) if row[7] else None,
            "after": json.loads(row[8]) if row[8] else None,
        })
    return result
