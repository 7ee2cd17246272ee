"""Shared fixtures: a fresh ledger file and a CLI runner bound to it.

``cli("unit", "list", "--json")`` runs the real Typer app (through the same error
handler users get) against a temporary database and returns click's Result, with stdout
and stderr kept apart so tests can check both the JSON and the Chinese message.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger_cli import COMMAND, Cli  # noqa: F401  (COMMAND for tests that invoke the app directly)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    monkeypatch.delenv("PROJLEDGER_DB", raising=False)
    monkeypatch.setenv("PROJLEDGER_BUSY_TIMEOUT", "2")
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def built_ledger(tmp_path_factory):
    """``built_ledger(name, build)``: a ledger made once with ``build(cli)`` and checkpointed, so a
    plain file copy (:func:`use_ledger`) carries all of it."""
    import sqlite3

    def make(name: str, build) -> Path:
        path = tmp_path_factory.mktemp(name) / f"{name}.db"
        runner = Cli(path)
        runner("init")
        build(runner)
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return path

    return make


@pytest.fixture
def use_ledger(cli, db_path):
    """``use_ledger(built_file)``: this test's ledger becomes a copy of a module-built file."""
    import shutil

    def copy(source: Path) -> Cli:
        for suffix in ("-wal", "-shm"):
            db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
        shutil.copyfile(source, db_path)
        return cli

    return copy


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "ledger.db"


@pytest.fixture
def cli(db_path) -> Cli:
    runner = Cli(db_path)
    runner("init")
    return runner


@pytest.fixture
def county(cli) -> Cli:
    """A small county: two townships, three departments, with aliases."""
    cli("unit", "add", "城关镇", "--kind", "township", "--alias", "城关")
    cli("unit", "add", "新城镇", "--kind", "township", "--alias", "新城")
    cli("unit", "add", "县发改局", "--kind", "department", "--alias", "发改局", "--alias", "县发展和改革局")
    cli("unit", "add", "县自然资源局", "--kind", "department", "--alias", "自然资源局")
    cli("unit", "add", "县交通局", "--kind", "department", "--alias", "交通局")
    return cli
