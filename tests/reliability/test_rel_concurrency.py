"""Concurrency (SPEC §9, §10): a cron job, an import and a person at the same time.

* **Together**: while one child process imports October's eight township sheets, a cron-style
  loop runs ``report monthly`` (which saves the period's ranking: a writer) and ``export``,
  and a third process registers problems one by one.  Every command exits 0 — no
  ``database is locked`` reaches anyone within the busy timeout —, every write lands exactly
  once (writes serialise), and no reader ever sees part of the import: each export shows
  either September's ledger or the whole of October's batch.
* **Past the timeout**: while a helper process holds ``BEGIN IMMEDIATE``, writers wait
  ``PROJLEDGER_BUSY_TIMEOUT`` seconds and exit 75 with a Chinese message, writing nothing
  (not even the report file); readers carry on.  A lock released within the timeout is
  simply waited for.
* **One snapshot per report**: the monthly ranking reads several queries; an import that
  commits between them must not produce a mixed (or crashing) ranking.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest

import gen_county

SEPTEMBER_ROWS = 120  # as in conftest.two_month_county


def _expected_ytd(batch) -> dict[str, dict[int, Decimal]]:
    """township -> {project count: Σ year-to-date} for September's and October's state."""
    result = {}
    for item in batch:
        sums = {}
        for month, count in ((9, SEPTEMBER_ROWS), (10, len(item.names))):
            rows = gen_county.project_rows(item.township, item.township_index, count, month)
            sums[count] = sum(Decimal(repr(r[7])).quantize(Decimal("0.01")) for r in rows)
        result[item.township] = sums
    return result


def _township_counts(projects: list[dict], townships) -> set[int]:
    counts = {t: 0 for t in townships}
    for project in projects:
        if project["township"] in counts:
            counts[project["township"]] += 1
    return set(counts.values())


class _Loop(threading.Thread):
    """Runs ``step(i)`` until ``stop`` is set and at least ``minimum`` steps ran; keeps failures."""

    def __init__(self, step, stop: threading.Event, minimum: int, maximum: int = 50):
        super().__init__(daemon=True)
        self.step, self.stop, self.minimum, self.maximum = step, stop, minimum, maximum
        self.count = 0
        self.failures: list[str] = []

    def run(self) -> None:
        while self.count < self.maximum and (self.count < self.minimum or not self.stop.is_set()):
            try:
                self.step(self.count)
            except AssertionError as error:
                self.failures.append(str(error))
            self.count += 1


def _clean(done: subprocess.CompletedProcess, what: str) -> None:
    assert done.returncode == 0, f"{what} exited {done.returncode}: {done.stderr}"
    for word in ("locked", "Traceback", "错误"):
        assert word not in done.stderr, f"{what}: {done.stderr}"


def test_cron_import_and_person_together(two_month_county, tmp_path):
    september_db, october = two_month_county
    db = gen_county.copy_ledger(september_db, tmp_path / "together.db")
    townships = [f.township for f in october]
    expected = _expected_ytd(october)
    env = gen_county.child_env(PROJLEDGER_BUSY_TIMEOUT="30")
    stop = threading.Event()
    torn_reports: list[str] = []

    def cron(i: int) -> None:
        out = tmp_path / f"cron{i % 2}"
        if i % 2 == 0:
            done = gen_county.projledger(db, "report", "monthly", "--period", "2026-10", "--json",
                                         "--out", out.with_suffix(".xlsx"), env=env)
            _clean(done, "report monthly")
            rows = json.loads(done.stdout)["rankings"]["township"]
            mine = {r["unit"]: r for r in rows if r["unit"] in expected}
            states = {r["projects"] for r in mine.values()}
            assert len(mine) == len(townships) and len(states) == 1 and states <= {SEPTEMBER_ROWS, SEPTEMBER_ROWS + 10}, states
            for unit, row in mine.items():
                if abs(Decimal(str(row["ytd_completed"])) - expected[unit][row["projects"]]) > Decimal("0.005"):
                    torn_reports.append(f"{unit}: {row['projects']} projects, ytd {row['ytd_completed']}")
        else:
            target = out.with_suffix(".json")
            done = gen_county.projledger(db, "export", "projects", "--format", "json", "--out", target, env=env)
            _clean(done, "export projects")
            counts = _township_counts(json.loads(target.read_text("utf-8")), townships)
            assert counts in ({SEPTEMBER_ROWS}, {SEPTEMBER_ROWS + 10}), f"export saw a partial import: {counts}"

    added: list[int] = []

    def person(i: int) -> None:
        done = gen_county.projledger(db, "problem", "add", gen_county.project_code(0, 1), "--text",
                                     f"现场督查发现的问题{i}", "--reported", "2026-10-20", "--json", env=env)
        _clean(done, "problem add")
        added.append(json.loads(done.stdout)["id"])

    cron_loop, person_loop = _Loop(cron, stop, minimum=2), _Loop(person, stop, minimum=3)
    cron_loop.start()
    person_loop.start()
    time.sleep(0.3)
    imported = gen_county.projledger(db, "import", *[f.path for f in october], "--json", env=env)
    stop.set()
    cron_loop.join(timeout=120)
    person_loop.join(timeout=120)
    _clean(imported, "import")
    assert json.loads(imported.stdout)["committed"] is True
    assert cron_loop.failures == [] and person_loop.failures == []
    # writes serialised: every problem landed once, in order, and the whole batch is there
    assert len(added) == person_loop.count and added == sorted(added) and len(set(added)) == len(added)
    conn = sqlite3.connect(str(db))
    try:
        texts = [t for (t,) in conn.execute("SELECT text FROM problems WHERE text LIKE '现场督查发现的问题%'")]
        assert sorted(texts) == sorted(f"现场督查发现的问题{i}" for i in range(person_loop.count))
        for item in october:
            found = gen_county.file_presence(conn, item)
            assert found["projects"] == found["progress"] == len(item.names)
    finally:
        conn.close()
    assert gen_county.integrity(db) == ["ok"]
    assert not torn_reports, "report monthly read a mixed state during the import: " + "; ".join(torn_reports[:3])


_HOLD_LOCK = (
    "import sqlite3, sys, time\n"
    "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "conn.execute('BEGIN IMMEDIATE')\n"
    "print('locked', flush=True)\n"
    "hold = float(sys.argv[2])\n"
    "time.sleep(hold) if hold >= 0 else sys.stdin.read()\n"
    "conn.execute('ROLLBACK')\n"
)


def _hold_lock(db: Path, seconds: float = -1) -> subprocess.Popen:
    """A process holding the write lock (until its stdin closes, or for ``seconds``)."""
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, str(db), str(seconds)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def _snapshot(db: Path) -> tuple:
    conn = sqlite3.connect(str(db))
    try:
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("projects", "progress", "problems", "audit", "ranking_snapshots"))
    finally:
        conn.close()


def test_writers_past_the_busy_timeout_exit_75_and_write_nothing(two_month_county, tmp_path):
    september_db, october = two_month_county
    db = gen_county.copy_ledger(september_db, tmp_path / "busy.db")
    before = _snapshot(db)
    env = gen_county.child_env(PROJLEDGER_BUSY_TIMEOUT="0.5")
    report = tmp_path / "通报.xlsx"
    holder = _hold_lock(db)
    try:
        attempts = {
            "import": ("import", *[f.path for f in october[:2]]),
            "problem add": ("problem", "add", gen_county.project_code(0, 1), "--text", "等锁的问题",
                            "--reported", "2026-10-20"),
            "report monthly": ("report", "monthly", "--period", "2026-10", "--out", report),
        }
        def attempt(args):
            began = time.perf_counter()
            done = gen_county.projledger(db, *args, env=env)
            return done, time.perf_counter() - began

        with ThreadPoolExecutor(len(attempts)) as pool:  # all three wait for the same lock at once
            outcomes = dict(zip(attempts, pool.map(attempt, attempts.values())))
        for what, (done, waited) in outcomes.items():
            assert done.returncode == 75, f"{what}: {done.returncode} {done.stderr}"
            assert "Traceback" not in done.stderr and "locked" not in done.stderr
            assert "正被另一个 projledger 进程写入" in done.stderr and "未写入任何内容" in done.stderr, done.stderr
            assert waited >= 0.5, f"{what} gave up before the busy timeout"
        assert not report.exists(), "a report whose ranking could not be saved must not be written"
        # readers are not blocked by a writer (WAL)
        reader = gen_county.projledger(db, "export", "projects", "--out", tmp_path / "p.csv", env=env)
        assert reader.returncode == 0, reader.stderr
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
    assert _snapshot(db) == before
    assert gen_county.integrity(db) == ["ok"]


def test_a_lock_released_within_the_timeout_is_waited_for(two_month_county, tmp_path):
    september_db, october = two_month_county
    db = gen_county.copy_ledger(september_db, tmp_path / "wait.db")
    holder = _hold_lock(db, seconds=1.5)
    try:
        done = gen_county.projledger(db, "problem", "add", gen_county.project_code(0, 1), "--text",
                                     "等一会儿就好", "--reported", "2026-10-20",
                                     env=gen_county.child_env(PROJLEDGER_BUSY_TIMEOUT="20"))
    finally:
        holder.wait(timeout=10)
    _clean(done, "problem add")


def test_monthly_ranking_reads_one_snapshot(two_month_county, tmp_path, monkeypatch):
    from projledger import ranking
    from projledger.sheets.pipeline import import_files
    from projledger.sheets.records import ImportOptions
    from projledger.store import Ledger

    september_db, october = two_month_county
    db = gen_county.copy_ledger(september_db, tmp_path / "snapshot.db")
    original = ranking._plan_bases  # the ranking's first read of the ledger
    fired = []

    def plans_then_someone_imports(conn, year):
        plans = original(conn, year)
        if not fired:  # another process commits October's batch right after the first query
            fired.append(True)
            with Ledger.open(db, actor="other", command="other") as other:
                run = import_files(other, [october[0].path], ImportOptions())
                assert run.results[0].committed
        return plans

    with Ledger.open(db, actor="test", command="test") as ledger:
        before = ranking.monthly_ranking(ledger, "2026-10").to_json()
    gen_county.copy_ledger(september_db, db)
    monkeypatch.setattr(ranking, "_plan_bases", plans_then_someone_imports)
    with Ledger.open(db, actor="test", command="test") as ledger:
        during = ranking.monthly_ranking(ledger, "2026-10").to_json()
    assert fired, "the concurrent import never ran: the test would check nothing"
    monkeypatch.setattr(ranking, "_plan_bases", original)
    with Ledger.open(db, actor="test", command="test") as ledger:
        after = ranking.monthly_ranking(ledger, "2026-10").to_json()
    assert during in (before, after)
