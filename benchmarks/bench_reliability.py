"""Killed processes and a concurrency soak, at a size the test suite cannot afford (issue 8).

Run: ``python benchmarks/bench_reliability.py [--trials 24] [--townships 10] [--rows 300]
[--soak 60]``.  Figures and outcomes are printed; the exit status is 1 if any trial broke a
guarantee.  ``tests/reliability/`` runs small versions of the same checks.

``--sandbox [--files 200] [--big-rows 50000]`` measures only the reader process of issue 13:
200 small files read in-process, through one reused reader process and through a new process
per file; a 50,000-row sheet in-process and through the reader process (with the size of the
pickled reply); and ``import --dry-run`` of both with and without the reader process.

1. **SIGKILL mid-import** (``--trials``, at least 20): a ledger holding September for every
   township gets October's batch (one file per township, ``.xlsx`` and GBK ``.csv``
   alternating, every project updated, ten new ones and new problems per file) from a child
   ``projledger import`` that is killed — half the trials at a random moment of the run,
   half at a random point *inside the write transaction* (when the ``-wal`` file has grown
   past a random size).  After each kill: ``PRAGMA integrity_check`` and, per file, its
   projects / October progress / plans / problems counted: each file must be wholly present
   or wholly absent; then the same import is run again and must commit everything.
2. **SIGKILL mid-export and mid-report**: the kill lands while the temporary output file is
   being written; the old file under the real name must be byte-identical afterwards, and a
   killed ``report monthly`` must leave the period's saved ranking complete or absent.
3. **Soak** (``--soak`` seconds): an importer alternating two versions of October's batch
   (every project's figures differ between them), a cron loop (``report monthly`` saving its
   ranking, ``export progress``), and a person adding problems.  Counted: commands run,
   commands that failed (any ``database is locked`` reaching a user would be one), exports
   that saw a mixture of the two versions (must be 0), and monthly reports whose figures
   mix two versions (see ``test_monthly_ranking_reads_one_snapshot``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen_county  # noqa: E402


def setup(work: Path, townships: int, rows: int):
    names = gen_county.township_names(townships)
    db = gen_county.init_ledger(work / "september.db", names)
    september = gen_county.make_batch(work / "m09", names, 9, rows)
    done = gen_county.projledger(db, "import", *[f.path for f in september])
    assert done.returncode == 0, done.stderr
    october = gen_county.make_batch(work / "m10", names, 10, rows + 10)
    return db, october


def outcome(db: Path, batch, before_rows: int) -> str:
    conn = sqlite3.connect(str(db))
    try:
        states = [gen_county.file_state(conn, item, before_rows) for item in batch]
    finally:
        conn.close()
    if len(set(states)) == 1:
        return states[0]
    return "MIXED " + ", ".join(sorted(set(states)))


def kill_import_trials(work: Path, db: Path, october, rows: int, trials: int, rng: random.Random) -> bool:
    paths = [str(f.path) for f in october]
    reference = gen_county.copy_ledger(db, work / "reference.db")
    began = time.perf_counter()
    wal = Path(str(reference) + "-wal")
    child = subprocess.Popen([sys.executable, "-m", "projledger", "--db", str(reference), "import", *paths],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=gen_county.child_env())
    biggest = 0
    while child.poll() is None:
        biggest = max(biggest, wal.stat().st_size if wal.exists() else 0)
        time.sleep(0.005)
    full = time.perf_counter() - began
    print(f"[1] 完整导入 {len(october)} 个文件 × {rows + 10} 行：{full:.2f} s；写事务中 -wal 最大 {biggest // 1024} KB",
          flush=True)
    ok = True
    tally = {"present": 0, "absent": 0, "broken": 0, "killed": 0, "in_write": 0}
    for trial in range(trials):
        copy = gen_county.copy_ledger(db, work / "trial.db")
        for suffix in ("-wal", "-shm"):
            Path(str(copy) + suffix).unlink(missing_ok=True)
        wal = Path(str(copy) + "-wal")
        child = subprocess.Popen([sys.executable, "-m", "projledger", "--db", str(copy), "import", *paths],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=gen_county.child_env())
        in_write = trial % 2 == 1
        if in_write:
            threshold = rng.randint(1, max(biggest - 1, 1))
            plan = f"-wal > {threshold // 1024} KB"
            while child.poll() is None and not (wal.exists() and wal.stat().st_size > threshold):
                time.sleep(0.001)
        else:
            delay = full * rng.uniform(0.2, 1.05)
            plan = f"{delay:.2f} s"
            time.sleep(delay)
        killed = child.poll() is None
        if killed:
            os.kill(child.pid, signal.SIGKILL)
        child.wait()
        check = gen_county.integrity(copy)
        state = outcome(copy, october, rows)
        again = gen_county.projledger(copy, "import", *paths)
        recovered = again.returncode == 0 and outcome(copy, october, rows) == "present"
        good = check == ["ok"] and state in ("present", "absent") and recovered
        ok &= good
        tally["killed"] += killed
        tally["in_write"] += killed and in_write
        tally[state if state in ("present", "absent") else "broken"] += 1
        print(f"  试验{trial + 1:>3}  {('写事务中' if in_write else '随机时刻'):<4} {plan:<16} "
              f"{'已杀死' if killed else '已完成'}  结果：{state:<8} integrity_check：{check[0]:<3} "
              f"重新导入：{'成功' if recovered else '失败'}{'' if good else '  ← 违反保证'}", flush=True)
    print(f"[1] {trials} 次：杀死 {tally['killed']} 次（其中写事务中 {tally['in_write']} 次），整批在 {tally['present']} 次，"
          f"整批不在 {tally['absent']} 次，半截/混合 {tally['broken']} 次", flush=True)
    return ok


def _kill_when_temp_appears(command: list[str], folder: Path) -> bool:
    """SIGKILL the command as soon as a new temporary output file shows up in ``folder``."""
    strays = {p.name for p in folder.iterdir()}
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=gen_county.child_env())
    while child.poll() is None:
        if any(p.name.endswith(".tmp") and p.name not in strays for p in folder.iterdir()):
            os.kill(child.pid, signal.SIGKILL)
            break
        time.sleep(0.001)
    return child.wait() == -signal.SIGKILL


def kill_output_trials(work: Path, db: Path, trials: int) -> bool:
    ok = True
    folder = work / "out"
    folder.mkdir(exist_ok=True)
    ledger = gen_county.copy_ledger(db, work / "outputs.db")
    for label, args, name in (
        ("export projects xlsx", ["export", "projects", "--out"], "projects.xlsx"),
        ("export progress csv", ["export", "progress", "--out"], "progress.csv"),
        ("report monthly", ["report", "monthly", "--period", "2026-09", "--out"], "report.xlsx"),
    ):
        dest = folder / name
        first = gen_county.projledger(ledger, *args, dest)
        assert first.returncode == 0, first.stderr
        old = dest.read_bytes()
        kills = 0
        for _ in range(trials):
            command = [sys.executable, "-m", "projledger", "--db", str(ledger), *args, str(dest)]
            killed = _kill_when_temp_appears(command, folder)
            kills += killed
            same = dest.read_bytes() == old
            ok &= same or not killed
            old = dest.read_bytes()
        saved = sqlite3.connect(str(ledger)).execute(
            "SELECT count(DISTINCT kind), count(*) FROM ranking_snapshots WHERE period = '2026-09'").fetchone()
        leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
        print(f"[2] {label}：{trials} 次，写临时文件时杀死 {kills} 次；原文件始终完整：{'是' if ok else '否'}；"
              f"遗留临时文件 {len(leftovers)} 个", flush=True)
        for stray in leftovers:
            (folder / stray).unlink()
    print(f"[2] 已保存的 2026-09 排名：{saved[0]} 类、{saved[1]} 行（完整或没有，不会半截）；integrity_check："
          f"{gen_county.integrity(ledger)[0]}", flush=True)
    return ok


def soak(work: Path, db: Path, october, rows: int, seconds: float) -> bool:
    ledger = gen_county.copy_ledger(db, work / "soak.db")
    revised_dir = work / "m10b"
    revised = gen_county.make_batch(revised_dir, [f.township for f in october], 10, rows + 10, seed=7,
                                    problem_every=0)
    versions = {}
    for tag, batch, seed in (("A", october, 0), ("B", revised, 7)):
        total = Decimal(0)
        for item in batch:
            for r in gen_county.project_rows(item.township, item.township_index, rows + 10, 10, seed=seed):
                total += Decimal(repr(r[7])).quantize(Decimal("0.01"))
        versions[tag] = total
    env = gen_county.child_env(PROJLEDGER_BUSY_TIMEOUT="30")
    stop = time.monotonic() + seconds
    stats = {"commands": 0, "failed": [], "mixed_exports": 0, "mixed_reports": 0, "imports": 0}
    lock = threading.Lock()

    def record(done, what):
        with lock:
            stats["commands"] += 1
            if done.returncode != 0:
                stats["failed"].append(f"{what}: {done.returncode} {done.stderr.strip()[-200:]}")

    def importer():
        turn = 0
        while time.monotonic() < stop:
            batch = (october, revised)[turn % 2]
            done = gen_county.projledger(ledger, "import", *[f.path for f in batch], env=env)
            record(done, "import")
            stats["imports"] += 1
            turn += 1

    def cron():
        i = 0
        while time.monotonic() < stop:
            target = work / "soak-progress.json"
            done = gen_county.projledger(ledger, "export", "progress", "--format", "json", "--out", target, env=env)
            record(done, "export")
            if done.returncode == 0:
                rows_ = [r for r in json.loads(target.read_text("utf-8")) if r["period"] == "2026-10"]
                total = sum(Decimal(str(r["ytd_completed"])) for r in rows_)
                if rows_ and abs(total - versions["A"]) > 1 and abs(total - versions["B"]) > 1:
                    stats["mixed_exports"] += 1
            done = gen_county.projledger(ledger, "report", "monthly", "--period", "2026-10", "--json",
                                         "--out", work / "soak.xlsx", env=env)
            record(done, "report")
            if done.returncode == 0:
                ranked = json.loads(done.stdout)["rankings"]["township"]
                total = sum(Decimal(str(r["ytd_completed"])) for r in ranked)
                if abs(total - versions["A"]) > 1 and abs(total - versions["B"]) > 1:
                    stats["mixed_reports"] += 1
            i += 1

    def person():
        i = 0
        while time.monotonic() < stop:
            done = gen_county.projledger(ledger, "problem", "add", gen_county.project_code(0, 1), "--text",
                                         f"浸泡测试问题{i}", "--reported", "2026-10-20", env=env)
            record(done, "problem add")
            i += 1

    first = gen_county.projledger(ledger, "import", *[f.path for f in october], env=env)
    assert first.returncode == 0, first.stderr
    threads = [threading.Thread(target=f) for f in (importer, cron, person)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    check = gen_county.integrity(ledger)
    print(f"[3] 浸泡 {elapsed:.0f} s：命令 {stats['commands']} 条（导入 {stats['imports']} 次），失败 {len(stats['failed'])} 条；"
          f"导出看到半截导入 {stats['mixed_exports']} 次；排队通报数字混合两版 {stats['mixed_reports']} 次；"
          f"integrity_check：{check[0]}", flush=True)
    for line in stats["failed"][:5]:
        print("    " + line)
    return not stats["failed"] and not stats["mixed_exports"] and check == ["ok"]


# ---------------------------------------------------------------- the reader process (issue 13)

_NO_SANDBOX = ("import sys; import projledger.sheets.readers as r; r.read_workbook = r.read_workbook_here; "
               "from projledger.cli.main import run; sys.argv[0] = 'projledger'; sys.exit(run())")


def _timed(call) -> tuple[float, object]:
    began = time.perf_counter()
    result = call()
    return time.perf_counter() - began, result


def _import_seconds(db: Path, paths: list[Path], *, sandbox: bool) -> float:
    command = [sys.executable, "-m", "projledger"] if sandbox else [sys.executable, "-c", _NO_SANDBOX]
    command += ["--db", str(db), "import", *map(str, paths), "--dry-run", "--json"]
    seconds, done = _timed(lambda: subprocess.run(command, capture_output=True, text=True,
                                                  env=gen_county.child_env(), stdin=subprocess.DEVNULL))
    assert done.returncode == 0, done.stderr[-2000:]
    return seconds


def sandbox_costs(work: Path, files: int, big_rows: int) -> bool:
    """The reader process's cost: reused worker vs a process per file vs in-process; 50k rows."""
    import pickle

    from projledger.sheets import readers, sandbox

    names = gen_county.township_names(files)
    small = gen_county.make_batch(work / "small", names, 10, 20, kinds=("xlsx",))
    paths = [f.path for f in small]
    here, _ = _timed(lambda: [readers.read_workbook_here(p) for p in paths])
    sandbox.shutdown()
    reused, _ = _timed(lambda: [readers.read_workbook(p) for p in paths])

    def fresh_each():
        for p in paths:
            worker = sandbox.Worker()
            worker.call("projledger.sheets.readers:read_workbook_here", str(p), what=str(p))
            worker.close()

    fresh, _ = _timed(fresh_each)
    print(f"{files} small files (20 rows) read: in-process {here:.2f} s, one reused reader process "
          f"{reused:.2f} s, a new process per file {fresh:.2f} s")
    big = gen_county.make_batch(work / "big", names[:1], 10, big_rows, kinds=("xlsx",))[0].path
    big_here, sheets = _timed(lambda: readers.read_workbook_here(big))
    sandbox.shutdown()
    readers.read_workbook(paths[0])  # worker started and warm, as in a batch
    big_child, _ = _timed(lambda: readers.read_workbook(big))
    frame = len(pickle.dumps(("ok", sheets), protocol=5))
    print(f"{big_rows:,}-row sheet read: in-process {big_here:.2f} s, through the reader process "
          f"{big_child:.2f} s (+{big_child - big_here:.2f} s; reply {frame / 1e6:.1f} MB pickled)")
    db = gen_county.init_ledger(work / "sandbox.db", names)
    with_small = _import_seconds(db, paths, sandbox=True)
    without_small = _import_seconds(db, paths, sandbox=False)
    with_big = _import_seconds(db, [big], sandbox=True)
    without_big = _import_seconds(db, [big], sandbox=False)
    print(f"import --dry-run of {files} small files: {with_small:.2f} s with the reader process, "
          f"{without_small:.2f} s without; of the {big_rows:,}-row sheet: {with_big:.2f} s with, {without_big:.2f} s without")
    sandbox.shutdown()
    return reused <= fresh


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=24)
    parser.add_argument("--townships", type=int, default=10)
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--output-trials", type=int, default=5)
    parser.add_argument("--soak", type=float, default=60)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--sandbox", action="store_true", help="only measure the reader process (issue 13)")
    parser.add_argument("--files", type=int, default=200, help="--sandbox: small files in the batch")
    parser.add_argument("--big-rows", type=int, default=50_000, help="--sandbox: rows of the big sheet")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="projledger-reliability-"))
    if args.sandbox:
        try:
            return 0 if sandbox_costs(work, args.files, args.big_rows) else 1
        finally:
            shutil.rmtree(work, ignore_errors=True)
    try:
        db, october = setup(work, args.townships, args.rows)
        rng = random.Random(args.seed)
        ok = kill_import_trials(work, db, october, args.rows, args.trials, rng)
        ok &= kill_output_trials(work, db, args.output_trials)
        if args.soak > 0:
            ok &= soak(work, db, october, args.rows, args.soak)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("全部保证成立" if ok else "有保证被违反（见上）")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
