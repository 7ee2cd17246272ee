"""Versioned schema migrations, one sqlite-utils ``Migrations`` set per domain.

Each domain owns a module here (``core``, ``problems``, ``calendar``, ``procedures``,
``ranking``, ``reserve``) that defines ``migrations = Migrations("projledger.<domain>")``
with named functions ``m001_…``, ``m002_…``.  Shipped migrations never change; a later one
says in a comment why it exists.  Sets are applied in the order of :data:`SET_ORDER`
(foreign keys point from later sets to earlier ones), inside one ``BEGIN IMMEDIATE`` so two
processes opening a fresh file at once cannot both migrate it.

The schema version reported by ``doctor`` (and stored in ``PRAGMA user_version``) is the
number of migrations applied across all sets.
"""

from __future__ import annotations

import importlib
import importlib.util

import sqlite_utils
from sqlite_utils.migrations import Migrations

from projledger.store.db import immediate_transaction

__all__ = ["SET_ORDER", "migration_sets", "pending", "apply_all", "applied_names", "known_migrations"]

SET_ORDER = ("core", "problems", "calendar", "procedures", "ranking", "reserve", "cycle", "rollup", "meetings")


def migration_sets() -> list[Migrations]:
    """The domain sets present in this installation, in dependency order."""
    sets = []
    for name in SET_ORDER:
        module_name = f"projledger.store.migrations.{name}"
        if importlib.util.find_spec(module_name) is None:
            continue
        sets.append(importlib.import_module(module_name).migrations)
    return sets


def known_migrations() -> set[tuple[str, str]]:
    """(set name, migration name) of every migration this installation ships."""
    return {(s.name, m.name) for s in migration_sets() for m in s._migrations}


def pending(db: sqlite_utils.Database) -> list[str]:
    return [f"{s.name}:{m.name}" for s in migration_sets() for m in s.pending(db)]


def applied_names(db: sqlite_utils.Database) -> list[str]:
    return [f"{s.name}:{m.name}" for s in migration_sets() for m in s.applied(db)]


def apply_all(db: sqlite_utils.Database) -> list[str]:
    """Apply whatever is pending; returns the names applied (empty on an up-to-date file)."""
    if not pending(db):
        return []
    with immediate_transaction(db):
        # Re-check under the write lock: another process may have migrated meanwhile.
        todo = pending(db)
        for migration_set in migration_sets():
            migration_set.apply(db)
        version = len(applied_names(db))
        db.execute(f"PRAGMA user_version = {version}")
    return todo
