"""``projledger rollup``: build or refresh a city roll-up from county ledgers (SPEC §14)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from projledger.cli.common import Json, emit_json, is_terminal, say

__all__ = ["register", "report_counties"]


def rollup(
    files: Annotated[list[Path], typer.Argument(help="各县台账文件（.db）", metavar="县台账.db...",
                                                show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="汇总库文件（不存在时新建；已有时逐县刷新）",
                                      metavar="PATH")],
    name: Annotated[Optional[str], typer.Option("--name", help="汇总库的名称（报表标题用），如 平凉市")] = None,
    as_json: Json = False,
) -> None:
    """汇总各县台账到一个市级汇总库：每个县整体替换（一个县一个事务），汇总库只读。"""
    from projledger.rollup import build_rollup

    if is_terminal() and not as_json:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("汇总", total=len(files))

            def step(county: str) -> None:
                bar.update(task, advance=1, description=f"汇总 {county}")

            results = build_rollup(out, files, name=name, progress=step)
    else:
        results = build_rollup(out, files, name=name)
    if as_json:
        emit_json({"out": str(out), "counties": [r.to_json() for r in results]})
        return
    labels = {"added": "新加入", "refreshed": "已刷新", "unchanged": "无变化（已重新核对）"}
    for result in results:
        say(f"{result.county}：{labels[result.status]}，{result.projects} 个项目，"
            f"{result.rows} 行，{result.seconds:.1f} 秒（{result.path}）")
    say(f"汇总库“{out}”：本次处理 {len(results)} 个县")




def report_counties(
    ctx: typer.Context,
    period: Annotated[str, typer.Option("--period", help="期间 YYYY-MM", metavar="YYYY-MM")],
    out: Annotated[Optional[Path], typer.Option("--out", help="Excel 文件，默认 各县区重大项目推进情况排队通报-YYYY-MM.xlsx")] = None,
    docx: Annotated[Optional[Path], typer.Option("--docx", help="同时写出 Word 通报（公文格式）")] = None,
    no_save: Annotated[bool, typer.Option("--no-save", help="不保存本期县区排名（不影响以后的连续后三位计数）")] = False,
    as_json: Json = False,
) -> None:
    """各县区排队通报（市级汇总库）：按各县全部计划项目和问题排名，连续后三位、全市简报。"""
    from projledger.cli.common import open_ledger, warn
    from projledger.county_ranking import city_brief, county_ranking, save_county_ranking
    from projledger.fileio import safe_output
    from projledger.period import Period
    from projledger.reports.counties import write_counties_docx, write_counties_workbook

    from projledger.dates import today
    from projledger.errors import UsageError

    month, now = Period.parse(period, "--period"), today()
    if month > Period.of(now):  # as report monthly: a month that has not begun is not ranked
        raise UsageError(f"期间 {month} 还没有开始（今天是 {now.isoformat()}），不能排名")
    dest = out or Path(f"各县区重大项目推进情况排队通报-{month}.xlsx")
    with open_ledger(ctx) as ledger:
        dest = safe_output(dest, ledger_path=ledger.path)
        docx_dest = safe_output(docx, ledger_path=ledger.path) if docx else None
        ranking = county_ranking(ledger, month)
        brief = city_brief(ranking)
        written = write_counties_workbook(ranking, brief, dest)
        settings = ledger.settings()
        if docx_dest:
            office = getattr(settings, "issuing_office", None) or f"{ranking.city}重大项目建设工作专班"
            write_counties_docx(ranking, brief, docx_dest, office=office, on_date=ranking.as_of,
                                ledger_path=ledger.path)
        saved = 0 if no_save or not ranking.rows else save_county_ranking(ledger, ranking)
    if as_json:
        emit_json({**ranking.to_json(), "brief": brief, "file": str(written),
                   "docx": str(docx_dest) if docx_dest else None, "saved": bool(saved)})
        return
    say(brief["text"])
    for row in ranking.rows:
        mark = "（后三位" + (f"，连续{row.bottom3_streak}次" if row.bottom3_streak >= 2 else "") + "）" if row.bottom3 else ""
        say(f"{row.rank:>3}  {row.unit}  得分 {row.score:.2f}{mark}")
    say(f"已写出 {written}" + (f" 和 {docx_dest}" if docx_dest else ""))
    if not ranking.rows:
        warn("本期没有可排名的县区（汇总库中没有该年度的计划项目）")


def register(app: typer.Typer) -> None:
    app.command("rollup")(rollup)
