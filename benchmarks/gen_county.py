"""Synthetic county ledgers for the reliability tests and the benchmarks (issue 8).

Everything here is deterministic (seeded) so a failing trial can be replayed.  Three layers:

* **Names.**  :func:`township_names` makes any number of distinct, purely Chinese township
  names (``青山镇``, ``青河镇`` …; no digits, so period detection in titles is never fooled),
  :data:`DEPARTMENTS` are the county departments rows point at.
* **Township sheets.**  :func:`project_rows` yields the rows a township reports for a month
  (codes on three rows out of four, the others matched by name; year-to-date growing with the
  month; a new problem on some rows every month), and :func:`write_sheet` writes them as a
  real township sheet — ``.xlsx`` (openpyxl write-only, two-row merged-style header) or a
  GBK ``.csv`` — with a title, a fill-in row naming the township, and a footer, so
  ``projledger import`` needs no options.  :func:`make_batch` writes one file per township
  and returns what each file should put in the ledger (:class:`BatchFile`).
* **Ledgers and commands.**  :func:`init_ledger` creates a ledger with the units;
  :func:`projledger` runs the real CLI in a child process (``python -m projledger``), the
  way cron and a person do, and :func:`file_presence` counts what a file's import left in
  the ledger (to check a file is wholly present or wholly absent).

Used by ``tests/reliability/`` and ``benchmarks/bench_reliability.py`` /
``benchmarks/bench_scale.py``.  Nothing here is imported by the product.
"""

from __future__ import annotations

import csv
import io
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "DEPARTMENTS", "HEADER_TOP", "HEADER_LOW", "township_names", "project_name", "project_code",
    "project_rows", "write_sheet", "BatchFile", "make_batch", "init_ledger", "projledger",
    "projledger_many", "insert_month", "child_env", "file_presence", "file_state", "integrity", "copy_ledger", "SRC",
]

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
DEPARTMENTS = ("县发改局", "县交通局", "县水务局", "县住建局", "县教育局", "县农业农村局", "县工信局",
               "县自然资源局")
_FIRST = "青白红金石松柳桃杏梅竹兰清平安永宁泰和丰富康乐德正"
_SECOND = "山河川峰岭溪湾塬坪源泉湖林沟台堡寨营桥店庄坝岗塘洲"
HEADER_TOP = ["序号", "项目代码", "项目名称", "建设单位", "建设性质", "投资情况（万元）", None, None, None,
              "形象进度", "计划开工时间", "实际开工时间", "存在问题", "责任单位"]
HEADER_LOW = [None, None, None, None, None, "总投资", "年度计划", "1-{m}月完成", "{m}月完成", None, None,
              None, None, None]
NATURES = ("新开工", "续建", "前期")


def township_names(count: int) -> list[str]:
    """``count`` distinct township names (up to 729)."""
    names = [f"{a}{b}镇" for a in _FIRST for b in _SECOND]
    if count > len(names):
        raise ValueError(f"at most {len(names)} townships")
    return names[:count]


def project_name(township: str, index: int) -> str:
    return f"{township}{index:05d}号产业项目"


def project_code(township_index: int, index: int) -> str | None:
    """A valid-shaped code on three rows out of four (the fourth is matched by name)."""
    if index % 4 == 0:
        return None
    return f"2026-{620000 + township_index:06d}-47-01-{index:06d}"


def project_rows(township: str, township_index: int, count: int, month: int, *, seed: int = 0,
                 problem_every: int = 24, extra=None, year: int = 2026):
    """Rows of one township's sheet for ``month`` of ``year`` (a list of cell lists).

    ``problem_every``: on a given month, one row in ``problem_every`` reports a new problem
    (0: none).  ``extra(index, row)`` may rewrite a row (hostile texts, messy values).
    """
    rng = random.Random(seed * 1_000_003 + township_index)
    rows = []
    for i in range(1, count + 1):
        total = rng.randint(500, 90_000)
        plan = total // 3
        share = rng.randint(20, 100) / 100
        ytd = round(plan * share * month / 12, 2)
        this_month = round(plan * share / 12, 2)
        nature = NATURES[i % 3]
        problem = "无"
        if problem_every and (i + month) % problem_every == 0:
            problem = f"1.用地手续待办理（{month}月报，第{i}号）；2.资金缺口待协调（{month}月报，第{i}号）"
        started = f"{year}年{1 + i % 9}月{1 + i % 27}日" if nature != "前期" and i % 5 else None
        row = [i, project_code(township_index, i), project_name(township, i), f"建设单位{i % 50}", nature,
               total, plan, ytd, this_month, "按计划推进", f"{year}.{1 + i % 9:02d}", started, problem,
               DEPARTMENTS[i % len(DEPARTMENTS)]]
        if extra is not None:
            row = extra(i, row)
        rows.append(row)
    return rows


def _header_rows(month: int) -> tuple[list, list]:
    low = [h.format(m=month) if isinstance(h, str) else h for h in HEADER_LOW]
    return list(HEADER_TOP), low


def write_sheet(path: Path, township: str, month: int, rows: list[list], *, year: int = 2026) -> Path:
    """Write one township sheet (.xlsx or GBK .csv by the suffix); returns ``path``."""
    path = Path(path)
    title = f"{township}{year}年{month}月重点项目推进情况表"
    fill = f"填报单位：{township}"
    filled = f"填报日期：{year + month // 12}年{month % 12 + 1}月3日"
    top, low = _header_rows(month)
    footer = ["填报人：张三", None, None, "联系电话：0933-1234567"]
    if path.suffix.lower() == ".csv":
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([title])
        writer.writerow([fill, None, None, None, None, None, None, None, filled])
        writer.writerow(top)
        writer.writerow(low)
        writer.writerows(rows)
        writer.writerow(footer)
        path.write_bytes(buffer.getvalue().encode("gb18030"))
        return path
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"{month}月")
    sheet.append([title])
    sheet.append([fill, None, None, None, None, None, None, None, filled])
    sheet.append(top)
    sheet.append(low)
    for row in rows:
        sheet.append(row)
    sheet.append(footer)
    workbook.save(path)
    return path


@dataclass
class BatchFile:
    """One generated file and what importing it must put in the ledger."""

    path: Path
    township: str
    township_index: int
    month: int
    names: list[str] = field(default_factory=list)
    problems: int = 0  # problem entries the file adds (each problem cell splits into two)
    year: int = 2026

    @property
    def period(self) -> str:
        return f"{self.year}-{self.month:02d}"


def make_batch(directory: Path, townships: list[str], month: int, rows_per_file: int, *,
               kinds: tuple[str, ...] = ("xlsx", "csv"), seed: int = 0, problem_every: int = 24,
               first_index: int = 0, year: int = 2026) -> list[BatchFile]:
    """One sheet per township for ``month`` of ``year``, alternating the file kinds."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    files = []
    for offset, township in enumerate(townships):
        index = first_index + offset
        rows = project_rows(township, index, rows_per_file, month, seed=seed, problem_every=problem_every,
                            year=year)
        kind = kinds[offset % len(kinds)]
        path = write_sheet(directory / f"{township}-{year}-{month:02d}.{kind}", township, month, rows, year=year)
        files.append(BatchFile(path, township, index, month, [r[2] for r in rows],
                               2 * sum(1 for r in rows if r[12] != "无"), year))
    return files


def init_ledger(db_path: Path, townships: list[str], departments=DEPARTMENTS) -> Path:
    """A fresh ledger with these units (through the library, one transaction)."""
    if str(SRC) not in sys.path:
        sys.path.insert(0, str(SRC))
    from projledger.store import Ledger
    from projledger.units import Units

    with Ledger.open(db_path, create=True, actor="gen_county", command="gen_county") as ledger:
        with ledger.transaction() as writer:
            units = Units(ledger.db)
            for name in townships:
                units.add(writer, name, "township")
            for name in departments:
                units.add(writer, name, "department", aliases=[name[1:]])
    return Path(db_path)


def insert_month(db_path: Path, townships: list[str], rows_per_township: int, month: int, *,
                 year: int = 2026, problem_every: int = 24, close_share: float = 0.5) -> dict[str, int]:
    """Insert one month's progress and problems straight into the ledger (no import, no audit).

    For benchmarks that need a year of history quickly: the projects must already exist (an
    import of the township sheets made them); the values are the ones :func:`project_rows`
    would put in that month's sheets, so a later real import of another month agrees with
    them.  ``close_share`` of the month's problems are closed a fortnight after they were
    reported.  Returns the number of rows inserted per table.
    """
    if str(SRC) not in sys.path:
        sys.path.insert(0, str(SRC))
    import datetime as dt

    from projledger.text import squash

    conn = sqlite3.connect(str(db_path), isolation_level=None)
    units = dict(conn.execute("SELECT name, id FROM units"))
    period = f"{year}-{month:02d}"
    reported = dt.date(year + month // 12, month % 12 + 1, 3)
    due = reported + dt.timedelta(days=14)
    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    progress, problems = [], []
    for index, township in enumerate(townships):
        ids = dict(conn.execute("SELECT name, id FROM projects WHERE township_id = ?", [units[township]]))
        for row in project_rows(township, index, rows_per_township, month, problem_every=problem_every, year=year):
            pid = ids.get(row[2])
            if pid is None:
                continue
            progress.append((pid, period, year, round(row[7] * 100), round(row[8] * 100), row[9],
                             reported.isoformat(), f"{township}-{period}.csv"))
            if row[12] != "无":
                for number, text in enumerate(row[12].split("；")):
                    text = text.split(".", 1)[1]
                    closed = zlib.crc32(f"{pid}{text}".encode()) % 1000 < close_share * 1000
                    problems.append((pid, text, squash(text), units[DEPARTMENTS[row[0] % len(DEPARTMENTS)]],
                                     reported.isoformat(), due.isoformat(), "closed" if closed else "open",
                                     (reported + dt.timedelta(days=10)).isoformat() if closed else None,
                                     f"{township}-{period}.csv", now))
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT OR REPLACE INTO progress (project_id, period, year, ytd_completed, month_completed,"
                     " status, reported_on, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", progress)
    conn.executemany("INSERT OR IGNORE INTO problems (project_id, text, text_key, lead_unit_id, reported_on, due_on,"
                     " status, closed_on, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", problems)
    conn.execute("COMMIT")
    conn.close()
    return {"progress": len(progress), "problems": len(problems)}


def child_env(**overrides: str) -> dict[str, str]:
    """Environment for a child ``projledger``: no TTY assumptions, the checkout's sources first."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    env.setdefault("PROJLEDGER_BUSY_TIMEOUT", "15")
    env.pop("PROJLEDGER_DB", None)
    env.update(overrides)
    return env


def projledger(db_path: Path | None, *args, env: dict | None = None, timeout: float = 120,
               **popen) -> subprocess.CompletedProcess:
    """Run ``python -m projledger [--db DB] ARGS`` in a child process, capturing text output."""
    command = [sys.executable, "-m", "projledger"]
    if db_path is not None:
        command += ["--db", str(db_path)]
    command += [str(a) for a in args]
    return subprocess.run(command, capture_output=True, text=True, env=env or child_env(),
                          timeout=timeout, stdin=subprocess.DEVNULL, **popen)


def projledger_many(db_path: Path | None, commands: list[tuple], *, env: dict | None = None,
                    timeout: float = 120) -> list[subprocess.CompletedProcess]:
    """Several independent ``projledger`` commands at once (threads waiting on child processes)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max(len(commands), 1)) as pool:
        return list(pool.map(lambda args: projledger(db_path, *args, env=env, timeout=timeout), commands))


def copy_ledger(source: Path, dest: Path) -> Path:
    """Copy a closed ledger file (a clean close leaves no -wal file behind)."""
    shutil.copyfile(source, dest)
    return Path(dest)


def integrity(db_path: Path) -> list[str]:
    """``PRAGMA integrity_check`` of the file (opened on its own connection)."""
    conn = sqlite3.connect(str(db_path))
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def file_presence(conn: sqlite3.Connection, batch: BatchFile) -> dict[str, int]:
    """What ``batch``'s import left: its projects, its month's progress rows, its problems."""
    names = batch.names
    marks = ",".join("?" * len(names))
    ids = [pid for (pid,) in conn.execute(f"SELECT id FROM projects WHERE name IN ({marks})", names)]
    if not ids:
        return {"projects": 0, "progress": 0, "plans": 0, "problems": 0}
    id_marks = ",".join("?" * len(ids))
    progress = conn.execute(f"SELECT count(*) FROM progress WHERE period = ? AND project_id IN ({id_marks})",
                            [batch.period, *ids]).fetchone()[0]
    plans = conn.execute(f"SELECT count(*) FROM annual_plans WHERE year = ? AND project_id IN ({id_marks})",
                         [batch.year, *ids]).fetchone()[0]
    problems = conn.execute(f"SELECT count(*) FROM problems WHERE text LIKE ? AND project_id IN ({id_marks})",
                            [f"%（{batch.month}月报，%", *ids]).fetchone()[0]
    return {"projects": len(ids), "progress": progress, "plans": plans, "problems": problems}


def file_state(conn: sqlite3.Connection, batch: BatchFile, before_rows: int) -> str:
    """"present" (the whole file imported), "absent" (none of it), else "TORN {counts}".

    ``before_rows`` is how many of the file's projects (and their plans) existed before it.
    """
    found = file_presence(conn, batch)
    whole = {"projects": len(batch.names), "progress": len(batch.names), "plans": len(batch.names),
             "problems": batch.problems}
    absent = {"projects": before_rows, "progress": 0, "plans": before_rows, "problems": 0}
    return "present" if found == whole else "absent" if found == absent else f"TORN {found}"
