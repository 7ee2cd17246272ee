"""Bulk audited updates for the import: the rows are already loaded, so nothing is re-selected.

:meth:`projledger.store.audit.AuditedWriter.update` fetches the row, compares, updates and
records — one ``SELECT`` and two statements per row, which is most of the time of a sheet
whose every row changed.  The import has just loaded every row it compares
(:mod:`.import_writer`), so :func:`update_many` takes the before values it holds and writes the
same rows and the same audit records as ``AuditedWriter.update`` would one by one: the
changed columns only, with the ``touch`` columns (``updated_at``) alongside, and one
``audit_changes`` row per changed row with the before and after of the changed columns —
grouped into one ``executemany`` per shape of change.  Only inside the caller's write
transaction (the writer checks).

:func:`insert_many` inserts new rows with ``executemany`` and writes their audit records with
one ``INSERT … SELECT json_object(…)`` per shape of row, so the after-image is built by SQLite
from the rows just stored instead of row by row in Python — the same records
``AuditedWriter.insert`` writes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["PendingUpdates", "insert_many"]

_JSON = json.JSONEncoder(ensure_ascii=False)


def _key_text(key: Mapping) -> str:
    """The ``row_key`` text the audit trail shows (as ``AuditedWriter`` writes it)."""
    return ",".join(f"{k}={v}" for k, v in key.items())


@dataclass
class PendingUpdates:
    """Updates collected while a file is compared, written by :meth:`flush` in bulk."""

    rows: list[tuple[str, dict, dict, dict, int | None]] = field(default_factory=list)

    def add(self, table: str, key: dict, before: dict, diff: dict, project_id: int | None) -> None:
        """``before``: the loaded values of (at least) every column of ``diff``."""
        self.rows.append((table, key, {c: before.get(c) for c in diff}, diff, project_id))

    def flush(self, writer) -> None:
        if not self.rows:
            return
        if not writer.db.conn.in_transaction:
            raise RuntimeError("audited writes must run inside Ledger.transaction()")
        conn = writer.db.conn
        shapes: dict[tuple, list] = {}
        for table, key, _before, diff, _pid in self.rows:
            shapes.setdefault((table, tuple(diff), tuple(key)), []).append((diff, key))
        for (table, columns, keys), group in shapes.items():
            assignments = ", ".join(f"[{c}] = ?" for c in columns)
            where = " AND ".join(f"[{k}] = ?" for k in keys)
            conn.executemany(f"UPDATE [{table}] SET {assignments} WHERE {where}",
                             [(*diff.values(), *key.values()) for diff, key in group])
        command_id, encode = writer.command_id, _JSON.encode
        conn.executemany(
            "INSERT INTO audit_changes (command_id, table_name, row_key, project_id, action, before, after)"
            " VALUES (?, ?, ?, ?, 'update', ?, ?)",
            [(command_id, table, _key_text(key), pid, encode(before), encode(diff))
             for table, key, before, diff, pid in self.rows])
        self.rows.clear()


def insert_many(writer, table: str, rows: list[dict], *, key_columns: tuple[str, ...],
                project_column: str) -> None:
    """Insert ``rows`` (each carrying its key) and one ``insert`` audit record per row.

    Rows of one shape (same columns) are inserted together; SQLite gives them consecutive
    rowids after the largest one, so the audit rows are selected back by rowid.
    """
    if not rows:
        return
    if not writer.db.conn.in_transaction:
        raise RuntimeError("audited writes must run inside Ledger.transaction()")
    conn, command_id = writer.db.conn, writer.command_id
    shapes: dict[tuple[str, ...], list[dict]] = {}
    for row in rows:
        shapes.setdefault(tuple(row), []).append(row)
    key_text = " || ',' || ".join(f"'{c}=' || COALESCE([{c}], 'None')" for c in key_columns)
    for columns, group in shapes.items():
        (last,) = conn.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM [{table}]").fetchone()
        conn.executemany(f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)})"
                         f" VALUES ({', '.join('?' * len(columns))})", [tuple(r.values()) for r in group])
        image = ", ".join(f"'{c}', [{c}]" for c in columns)
        conn.execute(
            "INSERT INTO audit_changes (command_id, table_name, row_key, project_id, action, before, after)"
            f" SELECT ?, ?, {key_text}, [{project_column}], 'insert', NULL, json_object({image})"
            f" FROM [{table}] WHERE rowid > ? ORDER BY rowid", [command_id, table, last])
