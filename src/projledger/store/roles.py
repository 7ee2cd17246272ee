"""What kind of ledger a file is: a county's own, or a city roll-up (SPEC §14).

A roll-up holds rows copied from county files; it is read-only except for ``rollup`` itself
and the county ranking's snapshot.  The store asks here before every write transaction.
"""

from __future__ import annotations

import sqlite3

from projledger.errors import DataError

__all__ = ["is_rollup", "refuse_rollup"]


def is_rollup(db) -> bool:
    """True when this ledger is a roll-up (it holds at least one county)."""
    try:
        return db.execute("SELECT 1 FROM rollup_counties LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError:  # a ledger from before the roll-up tables existed
        return False


def refuse_rollup(db, path) -> None:
    if is_rollup(db):
        raise DataError(f"“{path}”是市级汇总库（由 projledger rollup 生成），只能查看，不能写入；"
                        "修改请在各县台账中进行，再重新运行 rollup。各县区排名用 projledger report counties；"
                        "要在汇总库上出其他报表，加 --no-save（不保存排名）")
