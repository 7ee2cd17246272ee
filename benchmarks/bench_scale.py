"""Province-sized ledger: does import, report, warn, export still work, and how fast? (issue 8)

Run: ``python benchmarks/bench_scale.py [--projects N] [--townships T] [--profile]``
(defaults: 100,000 projects in 100 townships — a province's worth —, 12 months of 2025,
about 50,000 problems: a problem cell on one row in 48 each month).  Figures are printed, nothing is asserted; it is not a test.

The ledger is built the way it grows in real life, through real township sheets where it
matters and directly where only volume matters:

1. **January's sheets** (one per township, ``.xlsx`` and GBK ``.csv`` alternating, title,
   fill-in row, two-row header, problems) are imported with the real CLI — this creates
   every project, its annual plan and January's progress and problems;
2. February … November are inserted straight into the tables
   (:func:`gen_county.insert_month`: progress for every project, new problems on one row in
   48 each month, half of them closed) — setup, timed separately;
3. **December's sheets** are imported with the real CLI (updates every project, adds
   December's progress and problems) — the monthly job at province size;
4. then the cron side: ``report monthly`` (with the Excel report), ``warn``, ``export``
   (projects/progress/problems, csv and xlsx), ``problem sheet``, ``backup``.

Every command is a child process (``python -m projledger``); its wall time and peak memory
(``ru_maxrss`` from ``wait4``) are printed.  ``--profile`` re-runs the slow ones under
``cProfile`` and prints the top functions by cumulative time.
"""

from __future__ import annotations

import argparse
import os
import pstats
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen_county  # noqa: E402

YEAR = 2025


def run_child(args: list, workdir: Path, label: str, *, profile: Path | None = None) -> dict:
    """Run one projledger command; wall time, peak RSS, exit status, stderr tail."""
    command = [sys.executable]
    if profile is not None:
        command += ["-m", "cProfile", "-o", str(profile)]
    command += ["-m", "projledger", *map(str, args)]
    out, err = workdir / f"{label}.out", workdir / f"{label}.err"
    began = time.perf_counter()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        child = subprocess.Popen(command, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL,
                                 env=gen_county.child_env(PROJLEDGER_BUSY_TIMEOUT="60"))
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - began
    return {"label": label, "seconds": elapsed, "peak_mb": usage.ru_maxrss / 1024,
            "exit": child.returncode, "stderr": err.read_text("utf-8", "replace")[-400:]}


def table_counts(db: Path) -> dict:
    conn = sqlite3.connect(str(db))
    try:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("projects", "annual_plans", "progress", "problems", "audit")}
        counts["audit_mb"] = conn.execute(
            "SELECT (sum(length(command)) + sum(length(coalesce(before, ''))) + sum(length(coalesce(after, ''))))"
            " / 1048576.0 FROM audit").fetchone()[0] or 0
    finally:
        conn.close()
    counts["file_mb"] = db.stat().st_size / 1048576
    return counts


def show(result: dict) -> None:
    flag = "" if result["exit"] == 0 else f"  退出码 {result['exit']}：{result['stderr'].strip()[-200:]}"
    print(f"  {result['label']:<34} {result['seconds']:>8.1f} s   峰值内存 {result['peak_mb']:>7.0f} MB{flag}",
          flush=True)


def print_profile(path: Path, lines: int = 18) -> None:
    stats = pstats.Stats(str(path))
    stats.sort_stats("cumulative").print_stats(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--townships", type=int, default=100)
    parser.add_argument("--problem-every", type=int, default=48,
                        help="one row in N reports a new problem cell (two problems) each month")
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it")
    parser.add_argument("--profile", action="store_true", help="profile the slow commands (cProfile)")
    parser.add_argument("--profile-over", type=float, default=20.0, help="seconds above which to profile")
    args = parser.parse_args(argv)
    per_township = args.projects // args.townships
    work = args.keep or Path(tempfile.mkdtemp(prefix="projledger-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    townships = gen_county.township_names(args.townships)
    print(f"规模：{args.townships} 个乡镇 × {per_township} 个项目 = {args.townships * per_township} 个项目，"
          f"{YEAR}年12个月；工作目录 {work}；{os.cpu_count()} 核", flush=True)

    began = time.perf_counter()
    january = gen_county.make_batch(work / "m01", townships, 1, per_township, year=YEAR,
                                    problem_every=args.problem_every)
    december = gen_county.make_batch(work / "m12", townships, 12, per_township, year=YEAR,
                                     problem_every=args.problem_every)
    print(f"  生成乡镇报表 2×{len(townships)} 个（不计时）{time.perf_counter() - began:>14.1f} s", flush=True)
    db = gen_county.init_ledger(work / "province.db", townships)

    results = []
    results.append(run_child(["--db", db, "import", *[f.path for f in january], "--json"], work, "import 1月（新建全部项目）"))
    show(results[-1])
    began = time.perf_counter()
    inserted = {"progress": 0, "problems": 0}
    for month in range(2, 12):
        for key, value in gen_county.insert_month(db, townships, per_township, month, year=YEAR,
                                                        problem_every=args.problem_every).items():
            inserted[key] += value
    print(f"  直接写入2-11月（准备，不是导入）{time.perf_counter() - began:>12.1f} s   "
          f"进度 {inserted['progress']} 行，问题 {inserted['problems']} 条", flush=True)
    steps = [
        ("import 12月（更新全部项目）", ["import", *[f.path for f in december], "--json"]),
        ("report monthly（含Excel通报）", ["report", "monthly", "--period", f"{YEAR}-12", "--json",
                                      "--out", work / "通报.xlsx"]),
        # the same report again: the past months its streaks needed were kept by the first run
        ("report monthly 再次（沿用已算的历史排名）", ["report", "monthly", "--period", f"{YEAR}-12", "--json",
                                           "--out", work / "通报2.xlsx"]),
        ("warn --json", ["warn", "--as-of", f"{YEAR}-12-31", "--json"]),
        ("export projects csv", ["export", "projects", "--out", work / "projects.csv"]),
        ("export projects xlsx", ["export", "projects", "--out", work / "projects.xlsx"]),
        ("export progress csv", ["export", "progress", "--out", work / "progress.csv"]),
        ("export problems xlsx", ["export", "problems", "--out", work / "problems.xlsx"]),
        ("problem sheet", ["problem", "sheet", "--as-of", f"{YEAR}-12-31", "--out", work / "问题清单.xlsx"]),
        ("problem list --open --json", ["problem", "list", "--open", "--json"]),
        ("backup", ["backup", work / "backup.db", "--force"]),
    ]
    for label, command in steps:
        results.append(run_child(["--db", db, *command], work, label))
        show(results[-1])
    for result in results:  # issue 14's targets for the monthly report at this size
        if result["label"].startswith("report monthly"):
            print(f"  目标：{result['label']} < 6 s（{result['seconds']:.1f} s），峰值内存 < 600 MB"
                  f"（{result['peak_mb']:.0f} MB）", flush=True)
    counts = table_counts(db)
    print(f"  台账：项目 {counts['projects']}，年度计划 {counts['annual_plans']}，进度 {counts['progress']} 行，"
          f"问题 {counts['problems']} 条，留痕 {counts['audit']} 条（约 {counts['audit_mb']:.0f} MB 文本）；"
          f"数据库文件 {counts['file_mb']:.0f} MB", flush=True)

    if args.profile:
        for (label, command), result in zip([("import 1月", None), *steps], results):
            if result["seconds"] < args.profile_over or command is None:
                continue
            if label.startswith("import"):
                continue  # re-importing the same month is a no-op; profile imports with --keep on a copy
            profile = work / f"{label.split()[0]}.prof"
            print(f"\n== cProfile: {label} ==")
            run_child(["--db", db, *command], work, label + "-profile", profile=profile)
            print_profile(profile)
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    failed = [r["label"] for r in results if r["exit"] != 0]
    if failed:
        print("失败：" + "、".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
