"""``projledger demo``: the monthly job, end to end, on the bundled example county.

It runs the very commands a staffer runs — ``init``, ``unit import``, ``import`` of each
month's township sheets, ``report monthly``, ``warn``, ``problem sheet`` — printing each
command line before it runs, so the demo doubles as a tour.

The example county ships inside the package (``projledger/data/examples``, read through
:mod:`projledger.resources`), so the demo runs the same after a wheel or pipx install, from
any directory.  Its files are first copied into ``<out>/示例数据/`` — the demo imports the
copies, and the user has the sheets at hand to try ``import`` and ``template`` on.
"""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path
from typing import Annotated, Optional

import typer

from projledger.cli.common import console
from projledger.errors import DataError

MONTHS = (("2026-09", "2026-10-03"), ("2026-10", "2026-11-03"))


def _copy_tree(source, target: Path) -> None:
    """Copy a packaged folder (a Traversable) or a plain folder into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        if entry.is_dir():
            _copy_tree(entry, target / entry.name)
        elif entry.name.endswith((".csv", ".xlsx", ".xls", ".ods")):
            (target / entry.name).write_bytes(entry.read_bytes())


def _examples_dir(given: Path | None, out: Path) -> Path:
    """The example county copied to ``out/示例数据`` (from ``given`` or the package's own)."""
    from projledger.resources import EXAMPLE_DIR, data_path

    source = given if given is not None else data_path(EXAMPLE_DIR)
    if not (source.joinpath("units.csv").is_file() and source.joinpath("乡镇报表").is_dir()):
        where = f"“{given}”" if given is not None else "程序自带的示例数据（安装不完整，请重新安装）"
        raise DataError(f"找不到示例数据：{where}中应有 units.csv 和 乡镇报表/ 文件夹")
    target = out / "示例数据"
    if target.exists():
        shutil.rmtree(target)
    _copy_tree(source, target)
    return target


def _problem_work() -> list[list[str]]:
    """What the task force did in October: some problems solved, one new one found."""
    return [
        ["problem", "close", "1", "--on", "2026-10-15", "--resolution", "县财政追加配套资金180万元"],
        ["problem", "reply", "6", "--on", "2026-10-08", "--text", "已与公路部门对接，按穿越方案报批"],
        ["problem", "close", "8", "--on", "2026-10-20", "--resolution", "燃气公司已完成接入"],
        ["problem", "close", "5", "--on", "2026-10-28", "--resolution", "供电公司完成增容"],
        ["problem", "add", "2026-620821-44-02-000203", "--text", "升压站用地预审未批复", "--category", "用地",
         "--lead", "自然资源局", "--reported", "2026-11-17", "--limit", "5"],
    ]


def _cycle_work(out: Path) -> tuple[list[list[str]], list[list[str]]]:
    """Reporting cycle (cycle): a leader, levels and lists, a planned completion, a milestone;
    then the 催报 list, the leaders' sheets and one 一项目一表 at the end."""
    code = "2026-620821-47-01-000101"
    setup = [
        ["leader", "add", "王立新", "--title", "副县长", "--phone", "0933-3322001"],
        ["project", "update", code, "--level", "省重点", "--tag", "招商引资重点项目", "--leader", "王立新"],
        ["project", "update", "2026-620821-36-01-000501", "--level", "市重点", "--leader", "王立新"],
        ["plan", "set", code, "--year", "2026", "--planned-completion", "2026-12-31"],
        ["milestone", "add", code, "--name", "主体封顶", "--due", "2026-11-20"],
    ]
    closing = [
        ["submissions", "--period", "2026-10", "--as-of", "2026-11-21"],
        ["report", "leaders", "--period", "2026-10", "--as-of", "2026-11-21",
         "--out", str(out / "包联领导调度单-2026-10.xlsx")],
        ["project", "sheet", code, "--as-of", "2026-11-21", "--out", str(out / "一项目一表-有机肥.xlsx")],
    ]
    return setup, closing


def _meeting_work(out: Path) -> tuple[list[list[str]], list[list[str]]]:
    """A 月调度会 with two decided items (meetings), then its 纪要 and one 督办函 after ``warn``."""
    setup = [
        ["meeting", "add", "--kind", "月调度会", "--on", "2026-11-04", "--title", "10月重大项目调度会",
         "--chair", "王立新", "--attendee", "县发改局", "--attendee", "县交通局", "--attendee", "县自然资源局"],
        ["meeting", "item", "add", "1", "--text", "协调河西至东塬道路改建工程征地拆迁", "--lead", "县交通局",
         "--project", "2025-620821-54-01-000301", "--workdays", "5"],
        ["meeting", "item", "add", "1", "--text", "落实新型建材产业园用地指标", "--lead", "自然资源局",
         "--project", "2026-620821-36-01-000502", "--due", "2026-11-30"],
        ["meeting", "item", "reply", "2", "--on", "2026-11-06", "--text", "已上报市局调剂用地指标"],
    ]
    closing = [
        ["meeting", "minutes", "1", "--docx", str(out / "10月重大项目调度会纪要.docx")],
        ["letter", "draft", "--kind", "督办函", "--unit", "县交通局", "--as-of", "2026-11-21", "--out", str(out / "督办函")],
    ]
    return setup, closing


def demo(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="演示输出目录（数据库和报表）")] = Path("projledger-demo"),
    examples: Annotated[Optional[Path], typer.Option("--examples", help="示例数据文件夹（含 units.csv 和 乡镇报表/），默认用程序自带的示例县")] = None,
) -> None:
    """演示：用自带的示例县数据跑一遍月度工作（导入乡镇报表 → 排队通报 → 亮牌 → 问题清单）。"""
    from projledger.cli.main import app
    from typer.main import get_command

    out.mkdir(parents=True, exist_ok=True)
    source = _examples_dir(examples, out)
    db = out / "projledger.db"
    for stale in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        stale.unlink(missing_ok=True)
    command = get_command(app)
    sheets = sorted((source / "乡镇报表").iterdir())
    steps: list[list[str]] = [["init", "--county", "示范县"], ["unit", "import", str(source / "units.csv")]]
    registered = set(command.commands)
    cycle_setup, cycle_closing = _cycle_work(out) if "milestone" in registered else ([], [])
    meeting_setup, meeting_closing = _meeting_work(out) if "meeting" in registered else ([], [])
    for period, filled_on in MONTHS:
        month_files = [str(p) for p in sheets if p.stem.endswith(period)]
        steps.append(["import", *month_files, "--date", filled_on])
        if period == "2026-09" and "problem" in registered:
            steps += _problem_work()
        if period == "2026-09":
            steps += cycle_setup
        if "report" in registered:
            steps.append(["report", "monthly", "--period", period,
                          "--out", str(out / f"重点项目推进情况排队通报-{period}.xlsx")])
    steps += meeting_setup
    if "warn" in registered:
        steps.append(["warn", "--as-of", "2026-11-21"])
    if "problem" in registered:
        steps.append(["problem", "sheet", "--as-of", "2026-11-21", "--out", str(out / "问题清单-2026-11.xlsx")])
    steps += cycle_closing + meeting_closing
    for step in steps:
        console().print(f"\n[bold cyan]$ projledger {shlex.join(step)}[/bold cyan]", markup=True)
        code = command.main(["--db", str(db), *step], prog_name="projledger", standalone_mode=False)
        if code not in (None, 0):
            raise typer.Exit(code)
    console().print(f"\n演示完成：数据库 {db}，报表在 {out}/ 目录，导入的乡镇报表在 {source}/乡镇报表/。\n"
                    f"继续试试：projledger --db {db} project list\n"
                    f"　　　　　projledger --db {db} template --township 城关镇 --period 2026-11", markup=False)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
