"""Backup and health checks of the ledger file (``projledger backup`` / ``doctor``)."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

import sqlite_utils

from projledger.errors import DataError
from projledger.store.db import translate_sqlite_error

__all__ = ["backup_to", "quick_check", "health"]


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """``PRAGMA quick_check`` messages; ``["ok"]`` when the file is sound."""
    return [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]


def backup_to(db: sqlite_utils.Database, dest: Path, *, overwrite: bool = False) -> Path:
    """Consistent copy through SQLite's online backup API, written beside ``dest`` and renamed in.

    Other connections may keep reading and writing while it runs; the copy is one
    consistent snapshot.  The result is checked with ``quick_check`` before it replaces
    anything, so a failed backup never leaves a half copy under the requested name.
    """
    from projledger.fileio import safe_output

    dest = safe_output(dest)  # never the ledger itself, its -wal/-shm, a directory or a device
    if dest.exists() and not overwrite:
        raise DataError(f"文件“{dest}”已存在；如需覆盖请加 --force")
    directory = dest.parent if str(dest.parent) else Path(".")
    if not directory.is_dir():
        raise DataError(f"目录“{directory}”不存在")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise DataError(f"无法在“{directory}”写入备份：{exc.strerror or exc}") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        target = sqlite3.connect(tmp_name)
        try:
            db.conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
            result = quick_check(target)
        finally:
            target.close()
        if result != ["ok"]:
            raise DataError(f"备份文件校验失败：{'；'.join(result[:5])}")
        os.replace(tmp, dest)
    except sqlite3.Error as exc:
        raise translate_sqlite_error(exc) from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return dest


def health(db: sqlite_utils.Database) -> dict:
    """What ``doctor`` reports: integrity, schema version, pragmas, row counts."""
    from projledger.store.migrations import applied_names, pending

    conn = db.conn
    counts = {}
    for table in ("units", "projects", "annual_plans", "progress", "problems", "audit"):
        if db[table].exists():
            counts[table] = conn.execute(f"SELECT COUNT(*) FROM [{table}]").fetchone()[0]
    applied = applied_names(db)
    return {
        "quick_check": quick_check(conn),
        "foreign_key_violations": len(conn.execute("PRAGMA foreign_key_check").fetchall()),
        "schema_version": len(applied),
        "user_version": conn.execute("PRAGMA user_version").fetchone()[0],
        "migrations": applied,
        "pending_migrations": pending(db),
        "journal_mode": conn.execute("PRAGMA journal_mode").fetchone()[0],
        "foreign_keys": bool(conn.execute("PRAGMA foreign_keys").fetchone()[0]),
        "counts": counts,
    }
