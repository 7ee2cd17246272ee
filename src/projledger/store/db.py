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
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from projledger.errors import BusyError, DataError

__all__ = [
    "LedgerDatabase",
    "split_statements",
    "DEFAULT_DB",
    "DEFAULT_BUSY_TIMEOUT",
    "resolve_db_path",
    "preflight",
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


SQLITE_MAGIC = b"SQLite format 3\x00"
MIGRATIONS_TABLE = "_sqlite_migrations"
LEDGER_SET_PREFIX = "projledger."


def preflight(path: Path, *, create: bool = False) -> str:
    """Look at the file before any connection may change it: ``"new"`` or ``"ledger"``.

    Refused without changing a byte (no WAL switch, no tables, no side files): a missing
    file or an empty one unless ``create`` (only ``init`` turns those into a ledger), a
    directory or device, a non-empty file that is not SQLite, another program's SQLite
    file (tables but no projledger migrations), and a ledger written by a newer projledger
    (``user_version`` above what this version knows, or a migration it does not know).
    """
    hint = "请先运行 projledger init（或用 --db / PROJLEDGER_DB 指定已有文件）"
    try:
        info = path.stat()
    except FileNotFoundError:
        if not create:
            raise DataError(f"数据库文件“{path}”不存在。{hint}") from None
        if path.parent and not path.parent.exists():
            raise DataError(f"目录“{path.parent}”不存在，无法创建数据库文件“{path}”") from None
        return "new"
    except OSError as exc:
        raise DataError(f"无法打开数据库文件“{path}”：{exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise DataError(f"“{path}”不是普通文件（是目录、设备或其他特殊文件），不能用作台账数据库")
    if info.st_size == 0:
        if not create:
            raise DataError(f"数据库文件“{path}”是空文件，还不是台账。如要在此新建台账，请运行 projledger init")
        return "new"
    header = _read_header(path)
    if not header.startswith(SQLITE_MAGIC):
        raise DataError(f"文件“{path}”不是 projledger 台账（不是 SQLite 数据库），未做任何改动；请检查 --db")
    tables, user_version, applied = _probe(path, header)
    if not tables:
        if not create:
            raise DataError(f"数据库文件“{path}”是空的 SQLite 数据库，还不是台账。如要在此新建台账，请运行 projledger init")
        return "new"
    if MIGRATIONS_TABLE not in tables or not any(s.startswith(LEDGER_SET_PREFIX) for s, _ in applied):
        raise DataError(f"文件“{path}”是其他程序的 SQLite 数据库，不是 projledger 台账，未做任何改动；请检查 --db")
    _refuse_newer(path, user_version, applied)
    return "ledger"


def _read_header(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(100)
    except OSError as exc:
        raise DataError(f"无法读取数据库文件“{path}”：{exc.strerror or exc}") from None


def _probe(path: Path, header: bytes) -> tuple[set[str], int, list[tuple[str, str]]]:
    """Tables, ``user_version`` and applied migrations, read without writing anything.

    A WAL file whose ``-wal`` is absent has nothing outside the main file, so it is read as
    ``immutable`` (no ``-shm``/``-wal`` created); otherwise a read-only connection sees the
    WAL too (the side files already exist).
    """
    wal_mode = len(header) > 19 and header[18] == 2
    live_wal = wal_mode and Path(f"{path}-wal").exists()
    uri = f"{path.resolve().as_uri()}?{'mode=ro' if live_wal else 'immutable=1'}"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=busy_timeout_seconds())
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            applied = []
            if MIGRATIONS_TABLE in tables:
                applied = [(r[0], r[1]) for r in conn.execute(
                    f"SELECT migration_set, name FROM [{MIGRATIONS_TABLE}]")]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise translate_sqlite_error(exc, path) from None
    return tables, version, applied


def _refuse_newer(path: Path, user_version: int, applied: list[tuple[str, str]]) -> None:
    from projledger.store.migrations import known_migrations

    known = known_migrations()
    unknown = [f"{s}:{n}" for s, n in applied if s.startswith(LEDGER_SET_PREFIX) and (s, n) not in known]
    if user_version > len(known) or unknown:
        what = f"含有本程序不认识的结构变更 {'、'.join(unknown[:3])}" if unknown else \
            f"数据库版本 {user_version}，本程序最高支持 {len(known)}"
        raise DataError(f"台账“{path}”由更新版本的 projledger 写入（{what}），为保护数据未打开；"
                        "请升级 projledger 后再使用")


def split_statements(sql: str) -> Iterator[str]:
    """The complete statements of a script, cut at the ``;`` that ends each one (a trigger's
    inner ``;`` does not end it: :func:`sqlite3.complete_statement` decides)."""
    start = 0
    end = sql.find(";")
    while end != -1:
        candidate = sql[start:end + 1]
        if sqlite3.complete_statement(candidate):
            if candidate.strip(" \t\r\n;"):
                yield candidate.strip()
            start = end + 1
        end = sql.find(";", end + 1)
    rest = sql[start:].strip()
    if rest:
        yield rest


class LedgerDatabase(sqlite_utils.Database):
    """sqlite-utils' Database whose ``executescript`` inside a transaction splits the script in
    linear time.  sqlite-utils re-joins the statement text at every character (quadratic in a
    statement's length): applying this ledger's migrations to a new file took 0.15 s of its
    0.2 s there.  Outside a transaction it is sqlite3's own ``executescript``, as before."""

    def executescript(self, sql: str) -> sqlite3.Cursor:
        if not self.conn.in_transaction:
            return self.conn.executescript(sql)
        cursor = self.conn.cursor()
        for statement in split_statements(sql):
            cursor.execute(statement)
        return cursor


def connect(path: Path, *, create: bool = False) -> sqlite_utils.Database:
    """Open the ledger with the pragmas every connection needs (after :func:`preflight`).

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
    return LedgerDatabase(conn)


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
        return DataError(f"无法打开数据库文件{where}：所在文件夹不存在、没有读写权限，或它是指向不存在位置的链接")
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
