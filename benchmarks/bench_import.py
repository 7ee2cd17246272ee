"""Township import speed (issue 4; figures printed, not a timed test).

Run: ``python benchmarks/bench_import.py [ROWS] [FILES] [ROWS_PER_FILE]``
(defaults 50000, 200, 100).

1. **One big sheet.**  A 50,000-row township sheet (title, fill-in row, two-row header,
   dates, problems, departments) is imported end to end — open, vet, read, map, parse,
   validate, write with audit — into a fresh ledger, and compared with python-calamine
   alone reading the same file (``to_python`` of every sheet), measured in the same run.
   Target: the import takes at most 3× calamine's read.
2. **A month's batch.**  200 township files of 100 rows each in one ``import`` command,
   through the real CLI entry point.  Target: under 10 s on a 2-core machine.

The files are generated into a temporary directory first (not timed).  Both wall-clock and
CPU seconds are printed: on a shared machine the wall clock also counts other processes.
"""

from __future__ import annotations

import datetime as dt
import os
import random
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
HEADER_LOW = ["", "", "", "", "", "总投资", "年度计划", "1-10月完成", "10月完成", "", "", "", "", ""]


def _rows(count: int, township_no: int, rng: random.Random):
    for i in range(1, count + 1):
        code = f"2026-{620000 + township_no:06d}-47-01-{i:06d}" if i % 4 else None
        total = rng.randint(500, 90000) + rng.randint(0, 99) / 100
        plan = round(total / 3, 2)
        ytd = round(plan * rng.random(), 2)
        problems = "1.用地手续待办理；2.资金缺口较大" if i % 10 == 0 else ("无" if i % 3 else "")
        start = dt.date(2026, 1 + i % 9, 1 + i % 27)
        yield [i, code, f"测试项目{township_no}-{i:06d}号", f"建设单位{i % 50}", ("新开工", "续建", "前期")[i % 3],
               total, plan, ytd, round(ytd / 10, 2), "按计划推进", f"2026.{1 + i % 9:02d}", start,
               problems, DEPARTMENTS[i % len(DEPARTMENTS)]]


def write_sheet(path: Path, township: str, township_no: int, rows: int) -> None:
    from openpyxl import Workbook

    rng = random.Random(township_no)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("项目表")
    ws.append([f"{township}2026年10月重点项目推进情况表"])
    ws.append([f"填报单位：{township}", None, None, None, None, None, None, None, "填报日期：2026年11月3日"])
    ws.append(HEADER_TOP)
    ws.append(HEADER_LOW)
    for row in _rows(rows, township_no, rng):
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


def calamine_read(path: Path) -> tuple[float, float]:
    """(wall, CPU) seconds for python-calamine alone to read every sheet of the file."""
    import python_calamine as calamine

    began, cpu = time.perf_counter(), time.process_time()
    workbook = calamine.CalamineWorkbook.from_path(str(path))
    for name in workbook.sheet_names:
        workbook.get_sheet_by_name(name).to_python()
    return time.perf_counter() - began, time.process_time() - cpu


def run_cli(db_path: Path, files: list[Path]) -> tuple[float, float, int]:
    """(wall, CPU, exit status) of ``projledger import FILES --json`` run in this process."""
    from typer.testing import CliRunner

    from projledger.cli.main import app

    began, cpu = time.perf_counter(), time.process_time()
    result = CliRunner().invoke(app, ["--db", str(db_path), "import", *map(str, files), "--json"],
                                catch_exceptions=False)
    elapsed, used = time.perf_counter() - began, time.process_time() - cpu
    if result.exit_code != 0:
        print(result.stdout[-2000:], result.stderr[-2000:], file=sys.stderr)
    return elapsed, used, result.exit_code


def big_sheet(directory: Path, rows: int) -> None:
    path = directory / "大表镇-2026-10.xlsx"
    began = time.perf_counter()
    write_sheet(path, "大表镇", 1, rows)
    print(f"[1] 生成 {rows} 行表格：{time.perf_counter() - began:.1f} s（不计时），{path.stat().st_size // 1024} KB")
    db_path = fresh_ledger(directory, ["大表镇"])
    first = calamine_read(path)
    wall, cpu, code = run_cli(db_path, [path])
    second = calamine_read(path)
    cal_wall, cal_cpu = (first[0] + second[0]) / 2, (first[1] + second[1]) / 2
    print(f"[1] python-calamine 读取：{cal_wall:.2f} s（CPU {cal_cpu:.2f} s）；"
          f"完整导入：{wall:.2f} s（CPU {cpu:.2f} s，退出码 {code}）")
    print(f"[1] 倍数：{wall / cal_wall:.2f}×（按CPU时间 {cpu / cal_cpu:.2f}×；目标 ≤ 3×）")


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
    db_path = fresh_ledger(directory / "batch", townships)
    wall, cpu, code = run_cli(db_path, paths)
    print(f"[2] 一条命令导入 {files} 个文件 × {rows} 行：{wall:.2f} s（CPU {cpu:.2f} s，退出码 {code}；"
          f"目标 < 10 s，{os.cpu_count()} 核）")


def main(argv: list[str]) -> int:
    rows = int(argv[1]) if len(argv) > 1 else 50_000
    files = int(argv[2]) if len(argv) > 2 else 200
    per_file = int(argv[3]) if len(argv) > 3 else 100
    os.environ.setdefault("COLUMNS", "200")
    with tempfile.TemporaryDirectory(prefix="bench_import.") as tmp:
        directory = Path(tmp)
        if rows:
            big_sheet(directory, rows)
        if files:
            batch(directory, files, per_file)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
