"""``projledger deadline``, ``workdays`` and ``calendar …``: working days from the command line.

``deadline START N`` (or ``--rule 预审``) is the N-th working day after START (SPEC §3);
``--json`` gives exactly ``{"start", "workdays", "due", "calendar_complete", "warnings"}``
(SPEC §9).  A provisional answer (a year without calendar data) always prints its Chinese
warning on stderr, in JSON mode too.  ``calendar set/unset/import`` change local days and end
by recomputing the stored provisional deadlines (:func:`projledger.calendar.refresh`).
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from projledger.cli.common import console, emit_json, open_ledger, warn
from projledger.dates import parse_iso_date
from projledger.errors import UsageError

calendar_app = typer.Typer(help="法定工作日历：节假日、调休、国务院通知导入", no_args_is_help=True)

Json = Annotated[bool, typer.Option("--json", help="输出 JSON")]
SOURCE_LABELS = {"official": "官方", "provisional": "暂定（法定节日）"}
ORIGIN_LABELS = {"set": "本地设置", "import": "导入通知"}
FIELD_LABELS = {("problem", "due_on"): "解决时限", ("problem", "reply_due_on"): "提出解决意见时限",
                ("procedure", "due_on"): "办理时限", ("procedure", "convert_due"): "转正式时限",
                ("meeting_item", "due_on"): "完成时限", ("meeting_item", "reply_due_on"): "提出解决意见时限"}


def _weekday(day) -> str:
    from projledger.calendar import WEEKDAYS

    return WEEKDAYS[day.weekday()]


def _rule(name: str) -> tuple[str, int]:
    from projledger.text import squash
    from projledger.workdays import RULES

    for rule, days in RULES.items():
        if squash(rule) == squash(name):
            return rule, days
    known = "、".join(f"{r}（{d}）" for r, d in RULES.items())
    raise UsageError(f"未知规则“{name}”。可用的规则（工作日）：{known}")


def deadline(
    ctx: typer.Context,
    start: Annotated[str, typer.Argument(help="起始日期 YYYY-MM-DD（当日不计）", metavar="START")],
    workdays: Annotated[Optional[int], typer.Argument(help="工作日数", metavar="N")] = None,
    rule: Annotated[Optional[str], typer.Option("--rule", help="按内置规则取工作日数，如 预审、初审、办结回复")] = None,
    as_json: Json = False,
) -> None:
    """截止日期：START 之后第 N 个法定工作日（N=0 为当日或下一个工作日）。"""
    from projledger.calendar import load_calendar

    day = parse_iso_date(start, "起始日期")
    if (workdays is None) == (rule is None):
        raise UsageError("请给出工作日数 N 或 --rule 规则名（二者选一），例如 deadline 2026-11-02 3")
    label = None
    if rule is not None:
        label, workdays = _rule(rule)
    if workdays < 0:
        raise UsageError(f"工作日数不能为负数：{workdays}")
    with open_ledger(ctx) as ledger:
        result = load_calendar(ledger.db).add_workdays(day, workdays)
    for message in result.warnings:
        warn(message)
    if as_json:
        emit_json(result.to_json())
        return
    tail = "（暂定）" if not result.calendar_complete else ""
    named = f"（规则“{label}”）" if label else ""
    console().print(f"{result.due.isoformat()}（{_weekday(result.due)}）{tail}", markup=False)
    console().print(f"自 {day.isoformat()}（{_weekday(day)}）起第 {workdays} 个工作日{named}，起始日不计",
                    markup=False)


def workdays_cmd(
    ctx: typer.Context,
    start: Annotated[str, typer.Argument(help="起始日期（不计入）", metavar="A")],
    end: Annotated[str, typer.Argument(help="结束日期（计入）", metavar="B")],
    as_json: Json = False,
) -> None:
    """两个日期之间的工作日数（不含 A、含 B；B 早于 A 时为负数）。"""
    from projledger.calendar import load_calendar
    from projledger.workdays import provisional_warning

    a, b = parse_iso_date(start, "起始日期"), parse_iso_date(end, "结束日期")
    with open_ledger(ctx) as ledger:
        cal = load_calendar(ledger.db)
        count = cal.workdays_between(a, b)
        missing = cal.years_incomplete(a, b)
    warnings = [provisional_warning(y) for y in missing]
    for message in warnings:
        warn(message)
    if as_json:
        emit_json({"start": a.isoformat(), "end": b.isoformat(), "workdays": count,
                   "calendar_complete": not missing, "warnings": warnings})
        return
    tail = "（暂定）" if missing else ""
    console().print(f"{a.isoformat()} 至 {b.isoformat()}：{count} 个工作日{tail}（不含起始日，含结束日）",
                    markup=False)


def _print_refresh(result) -> None:
    from projledger.cli.render import print_table

    if not result.checked:
        return
    out = console()
    out.print(f"重新计算暂定截止日期 {result.checked} 个：变动 {len(result.moved)} 个，"
              f"确认不变 {result.confirmed} 个，仍为暂定 {result.still_provisional} 个", markup=False)
    if result.moved:
        rows = [("问题" if m.kind == "problem" else "手续", m.id,
                 f"{m.project_name}（{m.project_code}）" if m.project_code else m.project_name,
                 m.what, FIELD_LABELS.get((m.kind, m.field), m.field), m.old, m.new,
                 "暂定" if m.provisional else "确定") for m in result.moved]
        print_table("截止日期变动", ["类别", "编号", "项目", "事项", "时限", "原日期", "新日期", "状态"], rows)


@calendar_app.command("show")
def calendar_show(
    ctx: typer.Context,
    year: Annotated[int, typer.Argument(help="年份", metavar="YEAR")],
    as_json: Json = False,
) -> None:
    """列出一年的节假日、调休上班日和本地设置的日期，并标明来源。"""
    from projledger.calendar import KIND_LABELS, show_year
    from projledger.cli.render import print_table

    with open_ledger(ctx) as ledger:
        view = show_year(ledger.db, year)
    for message in view.warnings:
        warn(message)
    if as_json:
        emit_json(view.to_json())
        return
    basis = {"official": "官方数据（chinese-calendar）", "provisional": "暂定：仅周末和法定节日，未含调休",
             "notice": "已导入国务院通知"}[view.basis]
    if view.notice:
        basis += f"（文件 {view.notice['file']}，导入于 {view.notice['imported_at']}）"
    rows = [(d.day.isoformat(), _weekday(d.day), KIND_LABELS[d.kind], d.name,
             ORIGIN_LABELS.get(d.origin) if d.source == "override" else SOURCE_LABELS[d.source])
            for d in view.days]
    print_table(f"{year}年节假日与调休 — {basis}", ["日期", "星期", "安排", "名称/备注", "来源"], rows)


@calendar_app.command("set")
def calendar_set(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help="日期 YYYY-MM-DD", metavar="DATE")],
    workday: Annotated[bool, typer.Option("--workday", help="设为上班日（调休上班）")] = False,
    holiday: Annotated[bool, typer.Option("--holiday", help="设为放假日")] = False,
    note: Annotated[Optional[str], typer.Option("--note", help="备注，如“2027年春节调休”")] = None,
) -> None:
    """设置某一天为上班日或放假日（本地设置优先于官方日历）。"""
    from projledger.calendar import check_day, load_calendar, refresh, set_day

    date = parse_iso_date(day, "日期")
    if workday == holiday:
        raise UsageError("请给出 --workday 或 --holiday（二者选一）")
    check_day(date, workday)
    with open_ledger(ctx) as ledger:
        with ledger.transaction() as w:
            outcome = set_day(w, date, workday, note)
            result = refresh(w)
        complete = load_calendar(ledger.db).year_complete(date.year)
    kind = "上班日" if workday else "放假日"
    text = {"created": "已设置", "updated": "已改为", "unchanged": "没有变化："}[outcome]
    console().print(f"{text}{date.isoformat()}（{_weekday(date)}）为{kind}" + (f"（{note}）" if note else ""),
                    markup=False)
    if not complete:
        warn(f"{date.year}年仍为暂定：单日设置不会使整年完整，国务院通知发布后请用 calendar import 导入整年")
    _print_refresh(result)


@calendar_app.command("unset")
def calendar_unset(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help="日期 YYYY-MM-DD", metavar="DATE")],
) -> None:
    """删除某一天的本地设置（恢复为官方或通知中的安排）。"""
    from projledger.calendar import check_unset, refresh, unset_day

    date = parse_iso_date(day, "日期")
    with open_ledger(ctx) as ledger:
        check_unset(ledger.db, date)
        with ledger.transaction() as w:
            unset_day(w, date)
            result = refresh(w)
    console().print(f"已删除 {date.isoformat()} 的本地设置", markup=False)
    _print_refresh(result)


@calendar_app.command("import")
def calendar_import(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(help="CSV 文件：date,kind,note（kind 为 workday/holiday）", metavar="FILE")],
    as_json: Json = False,
) -> None:
    """导入国务院节假日安排通知（整年），全部检查无误才写入，随后重算暂定截止日期。"""
    from projledger.calendar import import_notice, parse_notice

    notice = parse_notice(path)
    with open_ledger(ctx) as ledger:
        with ledger.transaction() as w:
            result = import_notice(w, notice)
    for message in result.warnings:
        warn(message)
    if as_json:
        emit_json(result.to_json())
        return
    for y in result.years:
        console().print(f"{y.year}年：通知共 {y.days} 天（新增 {y.created}、更新 {y.updated}、删除 {y.deleted}），"
                        "该年日历已完整", markup=False)
        if y.replaced_set:
            console().print(f"  以通知为准替换了手工设置：{'、'.join(y.replaced_set)}", markup=False)
    _print_refresh(result.refresh)


@calendar_app.command("refresh")
def calendar_refresh(ctx: typer.Context, as_json: Json = False) -> None:
    """按现有日历重算所有暂定的截止日期，列出变动。"""
    from projledger.calendar import refresh

    with open_ledger(ctx) as ledger:
        with ledger.transaction() as w:
            result = refresh(w)
    if as_json:
        emit_json(result.to_json())
        return
    if not result.checked:
        console().print("没有暂定的截止日期", markup=False)
    _print_refresh(result)


def register(app: typer.Typer) -> None:
    app.command("deadline")(deadline)
    app.command("workdays")(workdays_cmd)
    app.add_typer(calendar_app, name="calendar")
