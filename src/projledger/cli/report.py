"""``projledger report monthly|history`` (逐月排队通报) and ``projledger export``.

``report monthly`` computes both rankings, writes the workbook (always, also with
``--json``) and — unless ``--no-save`` — records the period's ranking snapshot.  The
snapshot and the workbook are written together: the one write transaction is opened after
everything has been computed and the workbook built, the file is renamed into place inside
it, and a failure of either leaves neither (the snapshot rolls back; the old file stays).
With ``--json`` stdout carries only the JSON of SPEC §5 (plus ``file`` and ``saved``);
notes go to stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from projledger.cli.common import console, emit_json, open_ledger, warn

__all__ = ["register", "report_app"]

report_app = typer.Typer(help="逐月排队通报与排名历史", no_args_is_help=True)

Json = Annotated[bool, typer.Option("--json", help="输出 JSON")]


def _percent(value) -> str:
    from decimal import ROUND_HALF_UP, Decimal

    if value is None:
        return "—"
    value = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    return f"{(value * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def _change_text(change: int | None) -> str:
    if change is None:
        return "—"
    if change == 0:
        return "持平"
    return f"↑{change}" if change > 0 else f"↓{-change}"


def _ranking_table(ranking, kind: str):
    from rich.table import Table
    from rich.text import Text

    from projledger.money import format_money
    from projledger.scoring import BOTTOM3_STREAK_ALERT

    from projledger.labels import RANKING_KIND_WORDS

    word = RANKING_KIND_WORDS[kind]
    rows = ranking.rankings.get(kind, [])
    table = Table(title=f"{word}排名（{ranking.period}，{len(rows)}个）", header_style="bold")
    for name, right in (("排名", True), ("较上月", True), (word, False), ("项目数", True),
                        ("开工率", True), ("年度计划(万元)", True), ("累计完成(万元)", True),
                        ("投资完成率", True), ("办结率", True), ("得分", True), ("备注", False)):
        table.add_column(name, justify="right" if right else "left", overflow="fold")
    for row in rows:
        note = ""
        if row.bottom3_streak >= BOTTOM3_STREAK_ALERT:
            note = f"连续{row.bottom3_streak}次后三位，须在季度调度会上说明情况"
        elif row.bottom3:
            note = f"后三位（连续{row.bottom3_streak}次）" if row.bottom3_streak > 1 else "后三位"
        cells = [str(row.rank), _change_text(ranking.rank_change(kind, row)), row.unit,
                 str(row.projects), _percent(row.start_rate), format_money(row.annual_plan),
                 format_money(row.ytd_completed), _percent(row.invest_rate),
                 _percent(row.resolve_rate), f"{row.score:.2f}", note]
        table.add_row(*(Text(c) for c in cells), style="bold red" if row.bottom3 else None)
    return table


def _destination(out: str | None, period: str) -> Path:
    from projledger.reports.monthly import default_filename

    if not out:
        return Path(default_filename(period))
    path = Path(out)
    return path / default_filename(period) if path.is_dir() else path


def _check_period(text: str):
    from projledger.dates import today
    from projledger.errors import UsageError
    from projledger.period import Period

    period, now = Period.parse(text), today()
    if period > Period.of(now):
        raise UsageError(f"期间 {period} 还没有开始（今天是 {now.isoformat()}），不能排名")
    return period


@report_app.command("monthly")
def monthly(
    ctx: typer.Context,
    period: Annotated[str, typer.Option("--period", help="排名月份 YYYY-MM，如 2026-10")],
    out: Annotated[Optional[str], typer.Option("--out", help="Excel 文件名（默认 重点项目推进情况排队通报-YYYY-MM.xlsx；给目录则存入该目录）")] = None,
    as_json: Json = False,
    no_save: Annotated[bool, typer.Option("--no-save", help="草稿：不记录本期排名快照")] = False,
    level: Annotated[Optional[str], typer.Option("--level", help="只统计该级别的项目：省重点 / 市重点 / 县重点（不保存排名）")] = None,
    tag: Annotated[Optional[str], typer.Option("--tag", help="只统计该清单的项目（不保存排名）")] = None,
    docx: Annotated[Optional[str], typer.Option("--docx", help="同时写出 Word 通报（公文格式：通报正文、红牌项目、两个排名）")] = None,
) -> None:
    """逐月排队通报：乡镇、部门两个排名，写出 Excel 通报（调度会用）并记录本期排名。"""
    from projledger.report_data import ProjectFilter, gather_monthly, report_as_of, save_monthly
    from projledger.reports.monthly import build_workbook
    from projledger.settings import placeholder_county_warning

    period = _check_period(period)
    dest = _destination(out, period)
    filters = ProjectFilter(level=level, tag=tag) if (level or tag) else None
    no_save = no_save or filters is not None  # a filtered ranking is not the period's ranking
    with open_ledger(ctx) as ledger:
        # one read snapshot: consistent even while an import commits
        data = gather_monthly(ledger, period, as_of=report_as_of(period), save=not no_save, filters=filters)
        placeholder = placeholder_county_warning(ledger.db)  # the county name never set: 示范县 in the title
        book = build_workbook(data)
        document = _document(ledger, data, docx)  # brief: the Word 通报, built before anything is written
        if no_save:
            book.save(dest)
            document and document.save(Path(docx), ledger_path=ledger.path)
        else:
            with ledger.transaction() as writer:
                save_monthly(writer, data)
                book.save(dest)
                document and document.save(Path(docx), ledger_path=ledger.path)
    for note in data.cards.warnings:
        warn(note)
    if placeholder:
        warn(placeholder.removeprefix("提示："))
    if data.unreported:
        warn(f"{period.label}未报送的乡镇：{'、'.join(data.unreported)}（沿用其此前报送的数据；projledger submissions --period {period} --missing 查看催报名单）")
    ranking = data.ranking
    if as_json:
        emit_json(data.ranking_json() | {"file": str(dest), "saved": not no_save,
                                         "unreported": data.unreported, "brief": data.brief.to_json(),
                                         "docx": docx})
        return
    out_console = console()
    out_console.print(_ranking_table(ranking, "township"))
    out_console.print(_ranking_table(ranking, "department"))
    written = f"已写出“{dest}”" + (f"和 Word 通报“{docx}”" if docx else "")  # brief
    out_console.print(f"{written}；{_saved_text(data, no_save)}", markup=False)


def _document(ledger, data, docx: str | None):
    """brief: the 通报 as a Word document when ``--docx`` is given (reports/monthly_docx.py)."""
    if not docx:
        return None
    from projledger.dates import today
    from projledger.reports.document import check_destination
    from projledger.reports.monthly_docx import monthly_document

    check_destination(docx, ledger_path=ledger.path)  # refused before the workbook is written
    return monthly_document(data, ledger.settings(), today())


def _saved_text(data, no_save: bool) -> str:
    if not any(data.ranking.rankings.values()):
        return f"本期没有可排名的乡镇和部门（{data.period.year}年度计划中没有项目，也没有牵头问题），没有排名可保存"
    if data.scope:
        return f"按{data.scope}筛选的通报，本期排名未保存"
    return "本期排名未保存（--no-save 草稿）" if no_save else "本期排名已保存"


@report_app.command("history")
def history(
    ctx: typer.Context,
    unit: Annotated[str, typer.Option("--unit", help="乡镇或部门（名称或别名）")],
    year: Annotated[Optional[int], typer.Option("--year", help="只看该年度")] = None,
    as_json: Json = False,
) -> None:
    """某单位逐月的排名和得分（来自已保存的各期排名）。"""
    from projledger.ranking import unit_history
    from projledger.units import Units

    with open_ledger(ctx) as ledger:
        found = Units(ledger.db).resolve(unit, role="单位")
        rows = unit_history(ledger.db, found.id, year)
    if as_json:
        emit_json({"unit": found.name, "kind": found.kind, "history": rows})
        return
    from projledger.cli.render import print_table

    words = {"township": "乡镇排名", "department": "部门排名"}
    table_rows = [
        (r["period"], words[r["kind"]], f"{r['rank']}/{r['units_ranked']}", f"{r['score']:.2f}",
         _percent(r["start_rate"]), _percent(r["invest_rate"]), _percent(r["resolve_rate"]),
         "是" if r["bottom3"] else "", r["bottom3_streak"] or "", r["saved_at"])
        for r in rows
    ]
    print_table(f"{found.name} 排名历史（{len(rows)}期）",
                ["期间", "排名类别", "名次", "得分", "开工率", "投资完成率", "办结率", "后三位", "连续次数", "保存时间"],
                table_rows, justify_right=(2, 3, 4, 5, 6, 8))
    if not rows:
        warn(f"“{found.name}”还没有保存过的排名（report monthly 不带 --no-save 时保存）")


def export(
    ctx: typer.Context,
    table: Annotated[str, typer.Argument(help="projects | plans | progress | problems | procedures", metavar="TABLE")],
    out: Annotated[str, typer.Option("--out", help="输出文件")],
    fmt: Annotated[Optional[str], typer.Option("--format", help="csv | json | xlsx（默认按文件扩展名）")] = None,
    level: Annotated[Optional[str], typer.Option("--level", help="只导出该级别项目的行：省重点 / 市重点 / 县重点")] = None,
    tag: Annotated[Optional[str], typer.Option("--tag", help="只导出该清单项目的行")] = None,
    county: Annotated[Optional[str], typer.Option("--county", help="市级汇总库中只导出该县区项目的行")] = None,
) -> None:
    """导出台账：项目、年度计划、进度、问题、前期手续（CSV 带 BOM / JSON / Excel），原子写入。"""
    from projledger.report_data import ProjectFilter
    from projledger.reports.exports import export_table, resolve_format, resolve_table

    name = resolve_table(table)
    dest = Path(out)
    kind = resolve_format(fmt, dest)
    with open_ledger(ctx) as ledger, ledger.snapshot():
        if county is not None:
            from projledger.rollup import check_county

            county = check_county(ledger.db, county)
        filters = ProjectFilter(level=level, tag=tag, county=county) if (level or tag or county) else None
        count = export_table(ledger, name, kind, dest, filters)
    console().print(f"已导出 {count} 行到“{dest}”", markup=False)


def register(app: typer.Typer) -> None:
    from projledger.cli.rollup import report_counties  # the city's report lives with the roll-up

    report_app.command("counties")(report_counties)
    app.add_typer(report_app, name="report")
    app.command("export")(export)
