"""``projledger submissions``: who has reported for a period (报送情况, the 催报 list).

The status rules (due day, working days, on time / late / missing) live in
:mod:`projledger.submissions`; this module parses options and renders.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from projledger.cli.common import Json, emit_json, open_ledger, say
from projledger.cli.render import print_table

__all__ = ["register", "submissions_command"]


def submissions_command(
    ctx: typer.Context,
    period: Annotated[str, typer.Option("--period", help="期间 YYYY-MM")],
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="统计日期 YYYY-MM-DD，默认今天")] = None,
    missing: Annotated[bool, typer.Option("--missing", help="只列未报的乡镇（催报名单）")] = False,
    as_json: Json = False,
) -> None:
    """报送情况：有计划项目的乡镇是否按时报送该期报表（截止日为次月 reporting.due_day 日，遇节假日顺延）。"""
    from projledger.dates import parse_iso_date, today
    from projledger.period import Period
    from projledger.submissions import submission_status

    month = Period.parse(period)
    day = parse_iso_date(as_of, "统计日期") or today()
    with open_ledger(ctx) as ledger, ledger.snapshot():
        rows = submission_status(ledger.db, month, day, due_day=ledger.settings().reporting.due_day)
    if missing:
        rows = [r for r in rows if r.status == "missing"]
    if as_json:
        emit_json([r.to_json() for r in rows])
        return
    if not rows:
        say(f"{month.label}没有未报的乡镇" if missing else f"{month.label}没有需要报送的乡镇（没有年度计划项目）")
        return
    due = rows[0].due_on
    title = f"{month.label}报表{'催报名单' if missing else '报送情况'}（截止{due.isoformat()}，统计至{day.isoformat()}）"
    print_table(title, ["乡镇", "状态", "报送日期", "填报日期", "文件"],
                [(r.township, r.label, r.submitted_on, r.filled_on, r.file) for r in rows])
    if not missing:
        counts = {s: sum(1 for r in rows if r.status == s) for s in ("on_time", "late", "missing")}
        say(f"共{len(rows)}个乡镇：按时{counts['on_time']}个，逾期报送{counts['late']}个，未报{counts['missing']}个")


def register(app: typer.Typer) -> None:
    app.command("submissions")(submissions_command)
