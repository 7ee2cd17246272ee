"""The store: opening the ledger file, migrations, the write transaction and the audit trail.

:class:`Ledger` is what domain stores receive.  Reads go straight to ``ledger.db``; writes
happen inside ``with ledger.transaction() as w:`` where ``w`` is an
:class:`~projledger.store.audit.AuditedWriter` — one ``BEGIN IMMEDIATE`` per command,
opened after validation, every row change audited.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from projledger.store._lean import sqlite_utils  # without its numpy/pandas probe (start-up)

from projledger.store.audit import AuditedWriter, audit_rows
from projledger.store.roles import refuse_rollup
from projledger.store.db import (
    DEFAULT_DB,
    connect,
    current_actor,
    current_command,
    immediate_transaction,
    preflight,
    read_snapshot,
    resolve_db_path,
    translate_sqlite_error,
)

#: The open SQLite file (sqlite-utils) that domain stores read: annotate ``db: Database``.
Database = sqlite_utils.Database

__all__ = [
    "Database",
    "Ledger",
    "AuditedWriter",
    "audit_rows",
    "DEFAULT_DB",
    "resolve_db_path",
    "translate_sqlite_error",
]


class Ledger:
    """An open ledger file plus who is acting and with which command line."""

    def __init__(self, db: sqlite_utils.Database, path: Path | None = None,
                 actor: str | None = None, command: str | None = None):
        self.db = db
        self.path = path
        self.actor = current_actor(actor)
        self.command = command or current_command()
        self._settings = None

    @classmethod
    def open(cls, path: str | Path | None = None, *, create: bool = False,
             actor: str | None = None, command: str | None = None) -> "Ledger":
        """Open (and with ``create`` make) the file, applying pending migrations.

        :func:`~projledger.store.db.preflight` runs first: a foreign, non-SQLite, empty
        (without ``create``) or newer-schema file is refused before a byte changes.
        """
        from projledger.fileio import set_ledger_path
        from projledger.store.migrations import apply_all

        resolved = resolve_db_path(path)
        preflight(resolved, create=create)  # before anything may write: WAL, migrations
        set_ledger_path(resolved)  # no output of this process may overwrite it (fileio.safe_output)
        db = connect(resolved, create=create)
        apply_all(db)
        return cls(db, resolved, actor=actor, command=command)

    @contextlib.contextmanager
    def transaction(self, *, allow_rollup: bool = False) -> Iterator[AuditedWriter]:
        """The command's one write transaction; everything in it commits or nothing does.

        A city roll-up (SPEC §14) is read-only: only ``rollup`` itself and the county
        ranking's snapshot (``allow_rollup``) may write to it.
        """
        with immediate_transaction(self.db, self.path):
            if not allow_rollup:
                refuse_rollup(self.db, self.path)
            self._settings = None
            yield AuditedWriter(self.db, self.actor, self.command)
        self._settings = None

    def snapshot(self):
        """Reads that must agree with each other (a report) run inside one read transaction."""
        return read_snapshot(self.db)

    def settings(self):
        """Validated settings (defaults merged with what ``config set`` stored)."""
        if self._settings is None:
            from projledger.settings import load_settings

            self._settings = load_settings(self.db)
        return self._settings

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

