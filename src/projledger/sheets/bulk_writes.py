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
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["PendingUpdates"]

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
