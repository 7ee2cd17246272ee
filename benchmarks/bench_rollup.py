"""City roll-up at scale: 100 counties × 500 plan projects × 12 months (SPEC §14).

Generates the county ledgers directly in SQL (one template ledger made through the real
migrations, then copied per county with its own name and figures), then times
``projledger rollup`` (target < 60 s) and ``projledger report counties`` (target < 5 s) as
whole commands, and a refresh of one county.

    python benchmarks/bench_rollup.py [--counties 100] [--projects 500] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOWNSHIPS = 10
DEPARTMENTS = 8


def make_template(path: Path, projects: int, seed: int) -> None:
    from projledger.store import Ledger

    Ledger.open(path, create=True).close()
    rng = random.Random(seed)
    now = "2026-11-30T00:00:00"
    with sqlite3.connect(path) as conn:
        units = [(i, f"乡镇{i}", f"乡镇{i}", "township", now) for i in range(1, TOWNSHIPS + 1)]
        units += [(100 + i, f"部门{i}", f"部门{i}", "department", now) for i in range(1, DEPARTMENTS + 1)]
        conn.executemany("INSERT INTO units (id, name, name_key, kind, created_at) VALUES (?,?,?,?,?)", units)
        rows, plans, progress, problems = [], [], [], []
        for pid in range(1, projects + 1):
            nature = rng.choice(("新开工", "续建", "续建"))
            plan = rng.randint(500, 50000) * 100
            start = f"2026-{rng.randint(1, 9):02d}-01" if nature == "新开工" else None
            actual = start if start and rng.random() < 0.7 else None
            rows.append((pid, None, f"项目{pid}", f"项目{pid}", 1 + pid % TOWNSHIPS, 101 + pid % DEPARTMENTS,
                         nature, nature, plan * 3, start, actual, now, now))
            plans.append((pid, 2026, plan, nature, start))
            ytd = 0
            for month in range(1, 13):
                ytd += int(plan * rng.uniform(0.02, 0.12))
                progress.append((pid, f"2026-{month:02d}", 2026, ytd))
            if pid % 5 == 0:
                closed = f"2026-{rng.randint(3, 11):02d}-15" if rng.random() < 0.6 else None
                problems.append((pid, f"问题{pid}", f"问题{pid}", 101 + pid % DEPARTMENTS,
                                 f"2026-{rng.randint(1, 10):02d}-05", "closed" if closed else "open", closed, now))
        conn.executemany("INSERT INTO projects (id, code, name, name_key, township_id, department_id, stage, nature,"
                         " total_investment, planned_start, actual_start, created_at, updated_at)"
                         " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        conn.executemany("INSERT INTO annual_plans (project_id, year, investment, nature, planned_start)"
                         " VALUES (?,?,?,?,?)", plans)
        conn.executemany("INSERT INTO progress (project_id, period, year, ytd_completed) VALUES (?,?,?,?)", progress)
        conn.executemany("INSERT INTO problems (project_id, text, text_key, lead_unit_id, reported_on, status,"
                         " closed_on, created_at) VALUES (?,?,?,?,?,?,?,?)", problems)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def make_counties(folder: Path, counties: int, projects: int) -> list[Path]:
    template = folder / "template.db"
    make_template(template, projects, seed=1)
    paths = []
    for n in range(1, counties + 1):
        path = folder / f"县{n:03d}.db"
        shutil.copyfile(template, path)
        with sqlite3.connect(path) as conn:
            conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('county_name', ?)",
                         [json.dumps(f"县{n:03d}", ensure_ascii=False)])
            # Each county its own figures: scale its year-to-date so the ranking is not a tie.
            conn.execute("UPDATE progress SET ytd_completed = ytd_completed * ? / 100", [60 + n % 50])
        paths.append(path)
    template.unlink()
    return paths


def timed(args: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"命令失败：{' '.join(args)}\n{done.stderr}")
    return elapsed, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counties", type=int, default=100)
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--keep", type=Path)
    options = parser.parse_args()
    folder = options.keep or Path(tempfile.mkdtemp(prefix="bench-rollup-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    paths = make_counties(folder, options.counties, options.projects)
    print(f"生成 {options.counties} 个县 × {options.projects} 个计划项目 × 12 个月："
          f"{time.perf_counter() - started:.1f} 秒")
    city = folder / "市汇总.db"
    exe = [sys.executable, "-m", "projledger"]
    seconds, _ = timed([*exe, "rollup", "--out", str(city), *map(str, paths)])
    print(f"rollup（首次，{options.counties} 个县）：{seconds:.1f} 秒   目标 < 60 秒")
    seconds, out = timed([*exe, "--db", str(city), "report", "counties", "--period", "2026-10",
                          "--out", str(folder / "各县区.xlsx"), "--json"])
    ranked = len(json.loads(out)["rankings"]["county"])
    print(f"report counties（{ranked} 个县区排名，含 Excel）：{seconds:.2f} 秒   目标 < 5 秒")
    seconds, _ = timed([*exe, "rollup", "--out", str(city), str(paths[0])])
    print(f"rollup 刷新一个县：{seconds:.2f} 秒")
    size = city.stat().st_size / 1e6
    print(f"汇总库大小：{size:.0f} MB")
    if not options.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
