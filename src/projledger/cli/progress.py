"""``projledger progress log``: one project's month in the 进度台账 by hand.

Sheets arrive through ``import``; this is the same record for one project, validated by
:class:`projledger.progress.ProgressLog` and written in one transaction.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from projledger.cli.common import Ref, console, open_ledger, parse_amount
from projledger.dates import parse_iso_date, parse_period

__all__ = ["register", "progress_app"]

progress_app = typer.Typer(help="进度台账（逐月累计完成投资、形象进度）", no_args_is_help=True)


@progress_app.command("log")
def progress_log(
    ctx: typer.Context,
    ref: Ref,
    period: Annotated[str, typer.Option("--period", help="期间 YYYY-MM")],
    ytd: Annotated[Optional[str], typer.Option("--ytd", help="本年累计完成投资（万元）")] = None,
    month: Annotated[Optional[str], typer.Option("--month", help="当月完成投资（万元）；只给它时累计按上月累计+当月推算")] = None,
    status: Annotated[Optional[str], typer.Option("--status", help="形象进度")] = None,
    reported_on: Annotated[Optional[str], typer.Option("--reported-on", help="填报日期")] = None,
) -> None:
    """登记项目某月进度。"""
    from projledger.progress import ProgressLog
    from projledger.projects import Projects

    period = parse_period(period)
    ytd_amount, month_amount = parse_amount(ytd, "累计完成投资"), parse_amount(month, "当月完成投资")
    reported = parse_iso_date(reported_on, "填报日期")
    with open_ledger(ctx) as ledger:
        project = Projects(ledger.db).get(ref)
        with ledger.transaction() as writer:
            outcome = ProgressLog(ledger.db).log(writer, project, period, ytd=ytd_amount, month=month_amount,
                                                 status=status, reported_on=reported, source="cli")
    words = {"created": "已登记", "updated": "已更新", "unchanged": "没有变化："}
    console().print(f"{words[outcome]}{period}进度：{project.label}", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(progress_app, name="progress")
