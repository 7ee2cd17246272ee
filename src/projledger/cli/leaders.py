"""``projledger leader add|list`` and ``report leaders``: 包联领导 and 服务专员 as people.

People and the name matching live in :mod:`projledger.leaders`; the leaders' workbook is
gathered by :func:`projledger.leaders_report.gather_leaders` and written by
:mod:`projledger.reports.leaders`.  ``report leaders`` is attached to the ``report`` group here, in :func:`register`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from projledger.cli.common import Json, emit_json, open_ledger, say
from projledger.cli.render import print_table

__all__ = ["register", "report_leaders", "leader_app"]

leader_app = typer.Typer(help="包联领导与服务专员（人员名单）", no_args_is_help=True)


@leader_app.command("add")
def leader_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="姓名", metavar="NAME")],
    title: Annotated[Optional[str], typer.Option("--title", help="职务，如 副县长")] = None,
    phone: Annotated[Optional[str], typer.Option("--phone", help="联系电话")] = None,
) -> None:
    """添加包联领导或服务专员；已有项目中写着此姓名的，随之关联。"""
    from projledger.leaders import People

    with open_ledger(ctx) as ledger:
        people = People(ledger.db)
        row = people.check_new(name, title, phone)
        with ledger.transaction() as w:
            person, linked = people.add(w, row)
    say(f"已添加“{person.name}”" + (f"（{person.title}）" if person.title else ""))
    if linked:
        say(f"已关联{linked}个写着此姓名的项目（包联领导或服务专员）")


@leader_app.command("list")
def leader_list(ctx: typer.Context, as_json: Json = False) -> None:
    """列出人员名单（包联领导、服务专员）及其关联的项目数。"""
    from projledger.leaders import People

    with open_ledger(ctx) as ledger:
        people = People(ledger.db).list()
    if as_json:
        emit_json([p.to_json() for p in people])
        return
    if not people:
        say("还没有人员；用 projledger leader add 姓名 --title 职务 添加")
        return
    print_table(f"包联领导与服务专员（{len(people)}人）", ["姓名", "职务", "电话", "关联项目"],
                [(p.name, p.title, p.phone, p.projects) for p in people], justify_right=(3,))


def report_leaders(
    ctx: typer.Context,
    period: Annotated[str, typer.Option("--period", help="期间 YYYY-MM")],
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件 .xlsx（给目录则存入该目录），默认 包联领导调度单-期间.xlsx")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="亮牌统计日期，默认今天")] = None,
    leader: Annotated[Optional[str], typer.Option("--leader", help="只写这位领导（人员名单中的姓名）")] = None,
) -> None:
    """包联领导调度单：每位包联领导一页，列出其包联项目的计划、累计完成、完成率、亮牌及原因、未办结问题和议定事项。"""
    from projledger.dates import parse_iso_date, today
    from projledger.leaders_report import gather_leaders
    from projledger.period import Period
    from projledger.reports.leaders import write_leaders_workbook

    from projledger.errors import DataError, UsageError

    month = Period.parse(period)
    if month > Period.of(today()):  # as report monthly: a month that has not begun has no figures
        raise UsageError(f"期间 {month} 还没有开始（今天是 {today().isoformat()}）")
    day = parse_iso_date(as_of, "统计日期") or today()
    default = Path(f"包联领导调度单-{month}.xlsx")
    target = out / default if out is not None and out.is_dir() else (out or default)
    if target.suffix.lower() != ".xlsx":
        raise UsageError(f"输出文件“{target}”应以 .xlsx 结尾")
    with open_ledger(ctx) as ledger, ledger.snapshot():
        target = _safe_output(target, ledger)
        sheets = gather_leaders(ledger, month, as_of=day, only=leader)
        county = ledger.settings().county_name
    if not sheets:  # an empty workbook helps nobody: say why, write nothing
        if leader:
            raise DataError(f"“{leader}”没有包联的项目，未写出调度单；用 project update 项目 --leader {leader} 指定")
        raise DataError("没有包联领导关联到项目，未写出调度单：先用 leader add 添加人员，再用 project update --leader 指定")
    write_leaders_workbook(sheets, target, county=county, period=month, as_of=day)
    say(f"已写出包联领导调度单：{target}（{len(sheets)}位领导）")


def _safe_output(target: Path, ledger) -> Path:
    """The shared output-path check (refuses the ledger, its -wal/-shm, directories, devices)."""
    from projledger.fileio import safe_output

    return safe_output(target, ledger_path=ledger.path)


def register(app: typer.Typer) -> None:
    from projledger.cli.report import report_app

    app.add_typer(leader_app, name="leader")
    report_app.command("leaders")(report_leaders)
