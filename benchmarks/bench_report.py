"""Time the monthly ranking report on a synthetic county (issues 6 and 14; target: under 2 seconds).

Run: ``python benchmarks/bench_report.py [PROJECTS] [PROBLEMS]`` (default 20,000 plan
projects and 10,000 problems).  The county has 30 townships and 40 departments, every
project is in the 2026 plan with three months of progress (2026-08..10), a third of the
problems are closed.  The data is inserted directly with ``executemany`` (a benchmark, not a
ledger anyone keeps), then the timed part is exactly what ``report monthly --period 2026-10``
does: the two rankings with streaks and rank change, the cards and open problems, the
workbook built and saved atomically, and the ranking snapshot recorded.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

try:
    from projledger.store import Ledger
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from projledger.store import Ledger

PERIOD = "2026-10"
NOW = "2026-01-01T00:00:00+08:00"


def _units(db) -> tuple[list[int], list[int]]:
    towns = [(f"第{i:02d}镇", f"第{i:02d}镇", "township", NOW) for i in range(1, 31)]
    depts = [(f"县第{i:02d}局", f"县第{i:02d}局", "department", NOW) for i in range(1, 41)]
    db.conn.executemany("INSERT INTO units (name, name_key, kind, created_at) VALUES (?, ?, ?, ?)",
                        towns + depts)
    ids = dict(db.execute("SELECT name, id FROM units").fetchall())
    return [ids[t[0]] for t in towns], [ids[d[0]] for d in depts]


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def build(db, projects: int, problems: int, seed: int = 2026) -> None:
    rng = random.Random(seed)
    towns, depts = _units(db)
    project_rows, plan_rows, progress_rows = [], [], []
    for pid in range(1, projects + 1):
        nature = rng.choice(("新开工", "续建", "前期"))
        planned = _day(rng, date(2026, 1, 1), date(2026, 12, 31)) if nature == "新开工" else None
        actual = planned + timedelta(days=rng.randint(-20, 90)) if planned and rng.random() < 0.6 else None
        name = f"项目{pid:05d}"
        project_rows.append((pid, f"2026-620821-47-01-{pid:06d}", name, name, rng.choice(towns),
                             rng.choice(depts), nature, nature, planned and planned.isoformat(),
                             actual and actual.isoformat(), NOW, NOW))
        plan = rng.randint(100, 500_000) * 100
        plan_rows.append((pid, 2026, plan, nature, planned and planned.isoformat()))
        ytd = 0
        for month in (8, 9, 10):
            ytd += rng.randint(0, plan // 8)
            progress_rows.append((pid, f"2026-{month:02d}", 2026, ytd, "正在施工"))
    db.conn.executemany(
        "INSERT INTO projects (id, code, name, name_key, township_id, department_id, stage, nature,"
        " planned_start, actual_start, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        project_rows)
    db.conn.executemany("INSERT INTO annual_plans (project_id, year, investment, nature, planned_start)"
                        " VALUES (?,?,?,?,?)", plan_rows)
    db.conn.executemany("INSERT INTO progress (project_id, period, year, ytd_completed, status)"
                        " VALUES (?,?,?,?,?)", progress_rows)
    problem_rows = []
    for number in range(1, problems + 1):
        reported = _day(rng, date(2026, 1, 5), date(2026, 10, 28))
        due = reported + timedelta(days=14)
        closed = _day(rng, reported, date(2026, 11, 10)) if rng.random() < 1 / 3 else None
        text = f"问题{number:05d}：用地手续未办结"
        problem_rows.append((rng.randint(1, projects), text, text, rng.choice(depts),
                             reported.isoformat(), due.isoformat(),
                             "closed" if closed else "open", closed and closed.isoformat(), NOW))
    db.conn.executemany(
        "INSERT INTO problems (project_id, text, text_key, lead_unit_id, reported_on, due_on, status,"
        " closed_on, created_at) VALUES (?,?,?,?,?,?,?,?,?)", problem_rows)


def run_report(ledger, dest: Path) -> dict[str, float]:
    """The work of ``report monthly``; returns seconds per phase."""
    from projledger.period import Period
    from projledger.report_data import gather_monthly, report_as_of, save_monthly
    from projledger.reports.monthly import build_workbook

    times: dict[str, tuple[float, float]] = {}
    began = last = (time.perf_counter(), time.process_time())

    def lap(name: str) -> None:
        nonlocal last
        now = (time.perf_counter(), time.process_time())
        times[name] = (now[0] - last[0], now[1] - last[1])
        last = now

    period = Period.parse(PERIOD)
    data = gather_monthly(ledger, period, as_of=report_as_of(period), save=True)
    lap("gather (rankings, cards, lines)")
    book = build_workbook(data)
    lap("workbook built")
    with ledger.transaction() as writer:
        save_monthly(writer, data)
        book.save(dest)
    lap("saved (xlsx + snapshot)")
    times["total"] = (time.perf_counter() - began[0], time.process_time() - began[1])
    return times


def main(argv: list[str]) -> int:
    projects = int(argv[1]) if len(argv) > 1 else 20_000
    problems = int(argv[2]) if len(argv) > 2 else 10_000
    with tempfile.TemporaryDirectory(prefix="projledger-bench-") as tmp:
        path = Path(tmp) / "bench.db"
        ledger = Ledger.open(path, create=True)
        started = time.perf_counter()
        with ledger.transaction():
            build(ledger.db, projects, problems)
        print(f"synthetic county: {projects:,} plan projects, 3 months of progress, "
              f"{problems:,} problems (built in {time.perf_counter() - started:.1f} s)")
        dest = Path(tmp) / "report.xlsx"
        times = run_report(ledger, dest)
        ledger.close()
        print(f"  {'phase':<28}{'wall':>8}{'cpu':>8}")
        for name, (wall, cpu) in times.items():
            print(f"  {name:<28}{wall:7.2f}s{cpu:7.2f}s")
        wall, cpu = times["total"]
        print(f"monthly report {PERIOD}: {wall:.2f} s wall, {cpu:.2f} s CPU "
              f"({dest.stat().st_size / 1e6:.1f} MB workbook; target < 2 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
