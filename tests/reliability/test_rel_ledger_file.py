"""Issue 13, ``--db``: only ``init`` adopts a file; a foreign or newer file is left byte for byte.

Before this, ``--db`` at another program's SQLite file made a read-only ``project list`` add
25 tables and switch the file to WAL; an empty file silently became a ledger; a ledger of
a newer projledger was written to and ``doctor`` called it healthy.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
import typer
from click.testing import CliRunner

from projledger.cli.main import app

COMMAND = typer.main.get_command(app)

COMMANDS = [("project", "list"), ("unit", "add", "城关镇", "--kind", "township"), ("doctor",), ("init",)]


def run(db: Path, *args: str):
    """``projledger --db DB ARGS`` in this process (exit code, stdout, stderr)."""
    return CliRunner().invoke(COMMAND, ["--db", str(db), *args], catch_exceptions=False)


def _state(path: Path) -> tuple:
    info = os.stat(path)
    side = sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-"))
    return path.read_bytes(), info.st_mtime_ns, side


def _foreign(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE bookmarks (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO bookmarks (url) VALUES ('https://example.org')")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_another_programs_sqlite_file_is_refused_unchanged(tmp_path, args):
    db = _foreign(tmp_path / "other.sqlite")
    before = _state(db)
    result = run(db, *args)
    assert result.exit_code == 1 and "其他程序的 SQLite 数据库" in result.stderr, result.stderr
    assert _state(db) == before
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_file_that_is_not_sqlite_is_refused_unchanged(tmp_path, args):
    db = tmp_path / "notes.db"
    db.write_text("这是我的笔记，不是数据库\n", encoding="utf-8")
    before = _state(db)
    result = run(db, *args)
    assert result.exit_code == 1 and "不是 SQLite 数据库" in result.stderr, result.stderr
    assert _state(db) == before


def test_only_init_turns_an_empty_file_into_a_ledger(tmp_path):
    db = tmp_path / "empty.db"
    db.write_bytes(b"")
    for args in COMMANDS[:3]:
        result = run(db, *args)
        assert result.exit_code == 1 and "空文件" in result.stderr and "projledger init" in result.stderr
        assert db.stat().st_size == 0 and _state(db)[2] == []
    assert run(db, "init").exit_code == 0
    assert run(db, "unit", "add", "城关镇", "--kind", "township").exit_code == 0


def test_only_init_adopts_an_empty_sqlite_database(tmp_path):
    db = tmp_path / "blank.db"
    sqlite3.connect(db).execute("VACUUM").connection.close()
    before = _state(db)
    result = run(db, "project", "list")
    assert result.exit_code == 1 and "空的 SQLite 数据库" in result.stderr
    assert _state(db) == before
    assert run(db, "init").exit_code == 0 and run(db, "project", "list").exit_code == 0


def test_a_missing_file_is_not_created_by_other_commands(tmp_path):
    db = tmp_path / "typo.db"
    result = run(db, "project", "list")
    assert result.exit_code == 1 and "不存在" in result.stderr
    assert not db.exists()


@pytest.fixture
def newer_ledgers(tmp_path):
    ledgers = {}
    for kind in ("user_version", "migration"):
        db = tmp_path / f"{kind}.db"
        assert run(db, "init").exit_code == 0
        conn = sqlite3.connect(db)
        if kind == "user_version":
            conn.execute("PRAGMA user_version = 99")
        else:
            conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                         "VALUES ('projledger.core', 'm999_from_the_future', '2027-01-01')")
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        ledgers[kind] = db
    return ledgers


@pytest.mark.parametrize("kind", ["user_version", "migration"])
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_ledger_of_a_newer_projledger_is_refused_by_every_command(newer_ledgers, kind, args):
    db = newer_ledgers[kind]
    before = _state(db)[:2]
    result = run(db, *args)
    assert result.exit_code == 1 and "更新版本的 projledger" in result.stderr, result.stderr
    assert "健康" not in result.stdout and "通过" not in result.stdout  # doctor does not call it healthy
    if kind == "migration":
        assert "m999_from_the_future" in result.stderr
    assert _state(db)[:2] == before


def test_an_ordinary_ledger_still_opens(tmp_path):
    db = tmp_path / "ledger.db"
    assert run(db, "init").exit_code == 0
    assert run(db, "unit", "add", "城关镇", "--kind", "township").exit_code == 0
    assert run(db, "doctor").exit_code == 0
    assert "城关镇" in run(db, "unit", "list").stdout
