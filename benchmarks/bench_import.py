"""Township import speed (issue 12; figures printed beside their targets, not a timed test).

Run: ``python benchmarks/bench_import.py [ROWS] [FILES] [ROWS_PER_FILE] [--profile] [--no-sandbox]``
(defaults 50000, 200, 100).

Every import is measured in the same run as python-calamine alone reading the same file
(``to_python`` of every sheet), so a loaded machine slows both alike:

1. **One big sheet** (title, fill-in row, two-row header, dates, problems, departments):
   a fresh import (target ≤ 5× calamine), the same file again, unchanged (≤ 2.5×), and the
   next month's sheet with every row changed (≤ 7×) — all through the real CLI entry point,
   with the per-row audit trail complete.  Peak memory of the fresh import is measured in a
   separate process (its own and the reader worker's maximum RSS; target < 300 MB).
2. **A month's batch**: 200 township files of 100 rows each in one ``import`` (target < 2.5 s).

By default the reader runs in its child process (:mod:`projledger.sheets.sandbox`), as in
real use; ``--no-sandbox`` reads in-process, to show what the isolation costs.  With
``--profile`` the fresh import of the big sheet is run under cProfile and the top entries
printed.  The files are generated into a temporary directory first (not timed).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import projledger  # noqa: F401
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

DEPARTMENTS = ["县发改局", "县交通局", "县水务局", "县住建局", "县教育局"]
HEADER_TOP = ["序号", "项目代码", "项目名称", "建设单位", "建设性质", "投资情况（万元）", "", "", "",
              "形象进度", "计划开工时间", "实际开工时间", "存在问题", "责任单位"]


def _header_low(month: int) -> list:
    return ["", "", "", "", "", "总投资", "年度计划", f"1-{month}月完成", f"{month}月完成", "", "", "", "", ""]


def _rows(count: int, township_no: int, rng: random.Random, month: int):
    for i in range(1, count + 1):
        code = f"2026-{620000 + township_no:06d}-47-01-{i:06d}" if i % 4 else None
        total = rng.randint(500, 90000) + rng.randint(0, 99) / 100 + (month - 10)  # next month: every total moves
        plan = round(total / 3, 2)
        ytd = round(plan * rng.random() * month / 10, 2)
        problems = "1.用地手续待办理；2.资金缺口较大" if i % 10 == 0 else ("无" if i % 3 else "")
        start = dt.date(2026, 1 + i % 9, 1 + i % 27)
        yield [i, code, f"测试项目{township_no}-{i:06d}号", f"建设单位{i % 50}", ("新开工", "续建", "前期")[i % 3],
               total, plan, ytd, round(ytd / 10, 2), f"按计划推进（{month}月）", f"2026.{1 + i % 9:02d}", start,
               problems, DEPARTMENTS[i % len(DEPARTMENTS)]]


def write_sheet(path: Path, township: str, township_no: int, rows: int, month: int = 10) -> None:
    from openpyxl import Workbook

    rng = random.Random(township_no)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("项目表")
    ws.append([f"{township}2026年{month}月重点项目推进情况表"])
    ws.append([f"填报单位：{township}", None, None, None, None, None, None, None, f"填报日期：2026年{month + 1}月3日"])
    ws.append(HEADER_TOP)
    ws.append(_header_low(month))
    for row in _rows(rows, township_no, rng, month):
        ws.append(row)
    ws.append(["填报人：张三", None, None, "联系电话：0933-1234567"])
    wb.save(path)


def fresh_ledger(directory: Path, townships: list[str]) -> Path:
    from projledger.store import Ledger
    from projledger.units import Units

    db_path = directory / "bench.db"
    with Ledger.open(db_path, create=True, actor="bench", command="bench") as ledger:
        with ledger.transaction() as w:
            units = Units(ledger.db)
            for name in townships:
                units.add(w, name, "township")
            for name in DEPARTMENTS:
                units.add(w, name, "department")
    return db_path


def calamine_read(path: Path) -> float:
    """Wall seconds for python-calamine alone to read every sheet of the file."""
    import python_calamine as calamine

    began = time.perf_counter()
    workbook = calamine.CalamineWorkbook.from_path(str(path))
    for name in workbook.sheet_names:
        workbook.get_sheet_by_name(name).to_python()
    return time.perf_counter() - began


def run_cli(db_path: Path, files: list[Path], profile: bool = False) -> tuple[float, int]:
    """(wall seconds, exit status) of ``projledger import FILES --json`` run in this process."""
    from typer.testing import CliRunner

    from projledger.cli.main import app

    args = ["--db", str(db_path), "import", *map(str, files), "--json"]
    began = time.perf_counter()
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(CliRunner().invoke, app, args, catch_exceptions=False)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    else:
        result = CliRunner().invoke(app, args, catch_exceptions=False)
    elapsed = time.perf_counter() - began
    if result.exit_code != 0:
        print(result.stdout[-2000:], result.stderr[-2000:], file=sys.stderr)
    return elapsed, result.exit_code


def peak_memory(db_path: Path, path: Path, sandbox: bool) -> tuple[float, float]:
    """(this process's, the reader worker's) maximum RSS in MB for one fresh import, measured
    in a new process so nothing earlier counts.

    The command's own peak is ``VmHWM`` (Linux) of the new process, not ``ru_maxrss``: Linux
    carries the parent's high-water mark into ``ru_maxrss`` across fork and exec, so a process
    started by this benchmark after three in-process imports reported the benchmark's own
    ~514 MB instead of its ~278 MB.  The worker is started by that small process, early."""
    code = (
        "import resource, sys\n"
        "from typer.testing import CliRunner\n"
        "from projledger.cli.main import app\n"
        + ("" if sandbox else "from projledger.sheets import readers\nreaders.read_workbook = readers.read_workbook_here\n")
        + "r = CliRunner().invoke(app, ['--db', sys.argv[1], 'import', sys.argv[2], '--json'])\n"
        "from projledger.sheets import sandbox\nsandbox.shutdown()\n"
        "own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    own = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
        "except (OSError, StopIteration):\n"
        "    pass\n"
        "print(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.exit_code)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(db_path), str(path)], capture_output=True, text=True,
                         timeout=900).stdout.split()
    return int(out[0]) / 1024, int(out[1]) / 1024


def _ratio(label: str, wall: float, calamine: float, target: float, code: int) -> None:
    ratio = wall / calamine
    verdict = "达标" if ratio <= target and code == 0 else "未达标"
    print(f"[1] {label}：{wall:.2f} s，calamine {calamine:.2f} s → {ratio:.2f}×（目标 ≤ {target}×，{verdict}；退出码 {code}）")


def big_sheet(directory: Path, rows: int, profile: bool, sandbox: bool) -> None:
    october, november = directory / "大表镇-2026-10.xlsx", directory / "大表镇-2026-11.xlsx"
    began = time.perf_counter()
    write_sheet(october, "大表镇", 1, rows, month=10)
    write_sheet(november, "大表镇", 1, rows, month=11)
    print(f"[1] 生成两个 {rows} 行表格：{time.perf_counter() - began:.1f} s（不计时）")
    db_path = fresh_ledger(directory, ["大表镇"])
    fresh, code = run_cli(db_path, [october], profile)
    base = (calamine_read(october) + calamine_read(october)) / 2
    _ratio("新导入", fresh, base, 5, code)
    again, code = run_cli(db_path, [october])
    _ratio("原样再导入（无变化）", again, calamine_read(october), 2.5, code)
    changed, code = run_cli(db_path, [november])
    _ratio("下月表，每行都有变化", changed, calamine_read(november), 7, code)
    (directory / "memory").mkdir()
    memory_db = fresh_ledger(directory / "memory", ["大表镇"])
    own, worker = peak_memory(memory_db, october, sandbox)
    peak = max(own, worker)
    print(f"[1] 新导入的内存峰值：命令进程 {own:.0f} MB，读表子进程 {worker:.0f} MB"
          f"（目标 < 300 MB，{'达标' if peak < 300 else '未达标'}）")


def batch(directory: Path, files: int, rows: int) -> None:
    batch_dir = directory / "batch"
    batch_dir.mkdir()
    townships = [f"测试{i:03d}镇" for i in range(files)]
    began = time.perf_counter()
    paths = []
    for i, name in enumerate(townships):
        path = batch_dir / f"{name}-2026-10.xlsx"
        write_sheet(path, name, i, rows)
        paths.append(path)
    print(f"[2] 生成 {files} 个文件 × {rows} 行：{time.perf_counter() - began:.1f} s（不计时）")
    db_path = fresh_ledger(batch_dir, townships)
    calamine = sum(calamine_read(p) for p in paths)
    wall, code = run_cli(db_path, paths)
    print(f"[2] 一条命令导入 {files} 个文件 × {rows} 行：{wall:.2f} s（calamine 单独读取这些文件 {calamine:.2f} s；"
          f"目标 < 2.5 s，{'达标' if wall < 2.5 and code == 0 else '未达标'}；退出码 {code}，{os.cpu_count()} 核）")


def main(argv: list[str]) -> int:
    flags = {a for a in argv[1:] if a.startswith("--")}
    numbers = [int(a) for a in argv[1:] if not a.startswith("--")]
    rows, files, per_file = (numbers + [50_000, 200, 100][len(numbers):])[:3]
    sandbox = "--no-sandbox" not in flags
    if not sandbox:
        from projledger.sheets import readers

        readers.read_workbook = readers.read_workbook_here
    print(f"读表方式：{'子进程（sandbox，与实际使用相同）' if sandbox else '本进程（--no-sandbox）'}")
    os.environ.setdefault("COLUMNS", "200")
    with tempfile.TemporaryDirectory(prefix="bench_import.") as tmp:
        directory = Path(tmp)
        if rows:
            big_sheet(directory, rows, "--profile" in flags, sandbox)
        if files:
            batch(directory, files, per_file)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
