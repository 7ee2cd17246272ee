"""Opening the ledger file and the one-transaction-per-command rule.

The ledger is one SQLite file used at the same time by a person at the terminal and by
cron jobs, so every connection gets WAL, ``foreign_keys=ON`` and a busy timeout, and every
write command runs as exactly **one** ``BEGIN IMMEDIATE`` transaction opened *after* its
input has been parsed and validated (:meth:`Ledger.transaction`).  The connection runs in
driver-level autocommit (``isolation_level=None``) so the ``sqlite3`` module never opens a
transaction behind our back; sqlite-utils' own ``atomic()`` then nests as savepoints inside
ours.  A lock still held by another writer when the timeout runs out becomes
:class:`~projledger.errors.BusyError` (exit 75), which a cron job may retry.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shlex
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from projledger.errors import BusyError, DataError

__all__ = [
    "DEFAULT_DB",
    "DEFAULT_BUSY_TIMEOUT",
    "resolve_db_path",
    "connect",
    "is_busy_error",
    "translate_sqlite_error",
    "current_actor",
    "current_command",
    "immediate_transaction",
    "read_snapshot",
]

DEFAULT_DB = "projledger.db"
DEFAULT_BUSY_TIMEOUT = 15.0


def resolve_db_path(cli_value: str | os.PathLike | None = None) -> Path:
    """``--db`` wins, then ``$PROJLEDGER_DB``, then ``./projledger.db`` (SPEC §9)."""
    if cli_value:
        return Path(cli_value)
    env = os.environ.get("PROJLEDGER_DB")
    if env:
        return Path(env)
    return Path(DEFAULT_DB)


def busy_timeout_seconds() -> float:
    """Seconds to wait for another writer; ``$PROJLEDGER_BUSY_TIMEOUT`` overrides (tests, cron)."""
    raw = os.environ.get("PROJLEDGER_BUSY_TIMEOUT")
    if not raw:
        return DEFAULT_BUSY_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise DataError(f"环境变量 PROJLEDGER_BUSY_TIMEOUT=“{raw}”不是秒数") from None
    return max(value, 0.0)


def connect(path: Path, *, create: bool = False) -> sqlite_utils.Database:
    """Open the ledger with the pragmas every connection needs.

    Without ``create`` a missing file is a data error telling the user to run ``init``:
    a typo in ``--db`` must not silently start an empty ledger.
    """
    if not create and not path.exists():
        raise DataError(
            f"数据库文件“{path}”不存在。请先运行 projledger init（或用 --db / PROJLEDGER_DB 指定已有文件）"
        )
    if create and path.parent and not path.parent.exists():
        raise DataError(f"目录“{path.parent}”不存在，无法创建数据库文件“{path}”")
    timeout = busy_timeout_seconds()
    try:
        conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode.lower() != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.Error as exc:
        raise translate_sqlite_error(exc, path) from None
    return sqlite_utils.Database(conn)


def is_busy_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and (
        "database is locked" in text or "database is busy" in text or "locked" == text
    )


def translate_sqlite_error(exc: sqlite3.Error, path: Path | None = None) -> Exception:
    """sqlite3 errors a user can meet → our errors with a Chinese explanation."""
    text = str(exc)
    where = f"“{path}”" if path else ""
    if is_busy_error(exc):
        return BusyError(
            f"数据库{where}正被另一个 projledger 进程写入，等待 {busy_timeout_seconds():g} 秒后仍未释放；"
            "本次未写入任何内容，请稍后重试"
        )
    low = text.lower()
    if "readonly" in low or "read-only" in low:
        return DataError(f"数据库文件{where}是只读的，无法写入（检查文件权限）；本次未写入任何内容")
    if "disk is full" in low or "disk i/o" in low:
        return DataError(f"磁盘已满或读写失败，数据库{where}未写入本次内容：{text}")
    if "file is not a database" in low or "malformed" in low:
        return DataError(f"文件{where}不是有效的 projledger 数据库或已损坏：{text}（可用 projledger doctor 检查）")
    if "unable to open" in low:
        return DataError(f"无法打开数据库文件{where}：{text}")
    return DataError(f"数据库错误{where}：{text}")


@contextlib.contextmanager
def immediate_transaction(db: sqlite_utils.Database, path: Path | None = None) -> Iterator[sqlite_utils.Database]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``; rolls back on any exception (including KeyboardInterrupt)."""
    conn = db.conn
    if conn.in_transaction:
        raise RuntimeError("nested write transaction: a command must open exactly one")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise translate_sqlite_error(exc, path) from None
    try:
        yield db
    except sqlite3.Error as exc:
        _rollback(conn)
        raise translate_sqlite_error(exc, path) from None
    except BaseException:
        _rollback(conn)
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        _rollback(conn)
        raise translate_sqlite_error(exc, path) from None


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")


@contextlib.contextmanager
def read_snapshot(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Every read inside sees one state of the file, even while another process commits.

    A report reads plans, progress and problems in several queries; without this an import
    committing between two of them could mix two months.  In WAL a read transaction never
    blocks writers and is never blocked by them.
    """
    conn = db.conn
    if conn.in_transaction:
        yield db
        return
    conn.execute("BEGIN")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts here
        yield db
    finally:
        _rollback(conn)


def current_actor(explicit: str | None = None) -> str:
    """Who is making the change: ``--by``, else the OS user."""
    if explicit:
        return explicit
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - getuser raises several types when no user is known
        return os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"


def current_command() -> str:
    """The command line as the user typed it, for the audit trail."""
    return shlex.join(["projledger", *sys.argv[1:]])
