"""``projledger problem …`` (问题台账, 问题清单); ``warn`` (红黄蓝牌) is in :mod:`projledger.cli.warn`.

Each command parses its options, validates through :class:`projledger.problems.ProblemStore`
before the write transaction, then writes in one transaction and prints what happened.
Provisional deadlines (a year without the State Council notice) are announced on stderr so
``--json`` output stays clean.  Texts from users and sheets are printed as Rich ``Text``,
never as markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from projledger.cli.common import console, emit_json, open_ledger, warn
from projledger.dates import parse_iso_date, today

__all__ = ["register", "problem_app"]

problem_app = typer.Typer(help="问题台账：登记、督办、办结、提级，导出问题清单", no_args_is_help=True)

ProblemId = Annotated[int, typer.Argument(help="问题编号（problem list 查看）", metavar="ID")]
Json = Annotated[bool, typer.Option("--json", help="输出 JSON")]
AsOf = Annotated[Optional[str], typer.Option("--as-of", help="统计日期 YYYY-MM-DD，默认今天")]
CARD_STYLES = {"red": "bold red", "yellow": "yellow", "blue": "blue"}


def _as_of(text: str | None):
    return parse_iso_date(text, "统计日期") or today()


def _on(text: str | None, what: str):
    return parse_iso_date(text, what) or today()


def _due_text(day, provisional: bool) -> str | None:
    if day is None:
        return None
    return f"{day.isoformat()}（暂定）" if provisional else day.isoformat()


def _print_rows(title: str, columns: list[str], rows: list[list], *, styles: dict[int, list] | None = None):
    """A Rich table whose cells are plain text (user text is never read as markup)."""
    from rich.table import Table
    from rich.text import Text

    from projledger.text import for_terminal  # no control/escape sequence reaches the terminal

    table = Table(title=title, header_style="bold")
    for column in columns:
        table.add_column(column, overflow="fold")
    for index, row in enumerate(rows):
        cells = []
        for col, value in enumerate(row):
            style = (styles or {}).get(col, [None] * len(rows))[index]
            cells.append(Text("—" if value in (None, "") else for_terminal(str(value)), style=style or ""))
        table.add_row(*cells)
    console().print(table)


def _warn_provisional(warnings) -> None:
    for message in dict.fromkeys(warnings):
        warn(message)


@problem_app.command("add")
def problem_add(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="项目代码、编号或完整名称", metavar="CODE")],
    text: Annotated[str, typer.Option("--text", help="问题内容")],
    category: Annotated[Optional[str], typer.Option("--category", help="问题类别：用地、规划、环评、资金、手续、施工、要素保障、政策、其他")] = None,
    lead: Annotated[Optional[str], typer.Option("--lead", help="牵头单位（名称或别名），默认项目责任部门")] = None,
    responsible: Annotated[Optional[list[str]], typer.Option("--responsible", help="责任单位，可重复")] = None,
    reported: Annotated[Optional[str], typer.Option("--reported", help="提出日期，默认今天")] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", help="解决时限（工作日），默认 problem_default_workdays", min=0)] = None,
    level: Annotated[Optional[str], typer.Option("--level", help="问题层级：乡镇、县直部门、县级、市级及以上")] = None,
    meeting: Annotated[Optional[int], typer.Option("--meeting", help="在哪次会议上提出（会议编号，meeting list 查看）；提出日期默认为会议日期")] = None,
    as_json: Json = False,
) -> None:
    """登记问题：按法定工作日计算提出解决意见期限和解决时限。"""
    from projledger.problems import ProblemStore

    reported_on = parse_iso_date(reported, "提出日期")
    with open_ledger(ctx) as ledger:
        store = ProblemStore(ledger.db, settings=ledger.settings())
        new = store.prepare(project, text, category, level, lead, responsible or [], reported_on, limit,
                            meeting_id=meeting)
        with ledger.transaction() as writer:
            problem = store.insert(writer, new)
    _warn_provisional(new.warnings)
    if as_json:
        emit_json(problem.to_json())
        return
    console().print(
        f"已登记问题 {problem.id}：{new.project.label}“{problem.text}”，牵头单位 {problem.lead_unit or '未定'}；"
        f"{problem.reply_workdays}个工作日内（{_due_text(problem.reply_due_on, problem.reply_due_provisional)}前）"
        f"提出解决意见，解决时限 {_due_text(problem.due_on, problem.due_provisional)}"
        f"（{problem.due_workdays}个工作日）", markup=False, highlight=False)


@problem_app.command("list")
def problem_list(
    ctx: typer.Context,
    only_open: Annotated[bool, typer.Option("--open", help="只列未办结")] = False,
    only_closed: Annotated[bool, typer.Option("--closed", help="只列已办结")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="只列超过解决时限仍未办结的")] = False,
    as_of: AsOf = None,
    lead: Annotated[Optional[str], typer.Option("--lead", help="按牵头单位筛选")] = None,
    township: Annotated[Optional[str], typer.Option("--township", help="按项目所在乡镇筛选")] = None,
    project: Annotated[Optional[str], typer.Option("--project", help="按项目筛选（代码、编号或名称）")] = None,
    level: Annotated[Optional[str], typer.Option("--level", help="按问题层级筛选")] = None,
    category: Annotated[Optional[str], typer.Option("--category", help="按问题类别筛选")] = None,
    as_json: Json = False,
) -> None:
    """列出问题（可按状态、逾期、牵头单位、乡镇、项目、层级、类别筛选）。"""
    from projledger.errors import UsageError
    from projledger.problems import ProblemStore

    if only_open and only_closed:
        raise UsageError("--open 和 --closed 不能同时使用")
    day = _as_of(as_of)
    status = "open" if only_open else "closed" if only_closed else None
    with open_ledger(ctx) as ledger:
        store = ProblemStore(ledger.db, settings=ledger.settings())
        problems = store.list(status=status, overdue_as_of=day if overdue else None, lead=lead,
                              township=township, project=project, level=level, category=category)
        extra = {p.id: (store.overdue_workdays(p, day), store.card(p, day)) for p in problems}
    provisional = [p for p in problems if p.is_open and p.due_provisional]
    if provisional:
        warn(f"{len(provisional)}个未办结问题的解决时限为暂定（当年调休安排尚未发布），"
             "请在国务院通知发布后用 calendar import 补录")
    if as_json:
        emit_json([{**p.to_json(), "overdue_workdays": extra[p.id][0],
                    "card": extra[p.id][1].card.key if extra[p.id][1] else None} for p in problems])
        return
    rows, card_styles = [], []
    for p in problems:
        overdue_days, item = extra[p.id]
        rows.append([p.id, p.project_name, p.township, p.text, p.lead_unit, p.reported_on,
                     _due_text(p.due_on, p.due_provisional), "未办结" if p.is_open else f"{p.closed_on}办结",
                     overdue_days or None, item.card.label if item else None])
        card_styles.append(CARD_STYLES[item.card.key] if item else None)
    _print_rows(f"问题（{len(problems)}个，截至{day.isoformat()}）",
                ["编号", "项目", "乡镇", "问题", "牵头单位", "提出日期", "解决时限", "状态", "逾期工作日", "亮牌"],
                rows, styles={9: card_styles})


@problem_app.command("show")
def problem_show(ctx: typer.Context, problem_id: ProblemId, as_of: AsOf = None, as_json: Json = False) -> None:
    """一个问题的全部信息：期限、解决意见、办结、提级记录、列入的函件。"""
    from projledger.letters import letters_naming
    from projledger.problems import ProblemStore

    day = _as_of(as_of)
    with open_ledger(ctx) as ledger:
        store = ProblemStore(ledger.db, settings=ledger.settings())
        p = store.get(problem_id)
        overdue_days, item = store.overdue_workdays(p, day), store.card(p, day)
        letters = letters_naming(ledger.db, "problem", p.id)
    if as_json:
        emit_json({**p.to_json(), "overdue_workdays": overdue_days, "card": item.card.key if item else None,
                   "letters": [letter.to_json() for letter in letters]})
        return
    lines = [
        ("项目", f"{p.project_name}（{p.project_code}）" if p.project_code else p.project_name),
        ("所在乡镇", p.township), ("问题", p.text), ("类别", p.category), ("层级", p.level),
        ("牵头单位", p.lead_unit), ("责任单位", "、".join(p.responsible_units)),
        ("提出日期", p.reported_on), ("解决意见期限", _due_text(p.reply_due_on, p.reply_due_provisional)),
        ("解决意见", f"{p.replied_on} {p.reply_text}" if p.replied_on else None),
        ("解决时限", _due_text(p.due_on, p.due_provisional)),
        ("状态", "未办结" if p.is_open else f"{p.closed_on}办结"), ("办结情况", p.resolution),
        ("亮牌", f"{item.card.label}：{item.reason}" if item else None),
    ]
    out = console()
    out.print(f"问题 {p.id}", style="bold", markup=False, highlight=False)
    for label, value in lines:
        out.print(f"  {label}：{value if value not in (None, '') else '—'}", markup=False, highlight=False)
    for e in p.escalations:
        out.print(f"  提级：{e.escalated_on} → {e.level}{('（' + e.note + '）') if e.note else ''}",
                  markup=False, highlight=False)
    for letter in letters:
        out.print(f"  函件：{letter.issued_on} {letter.kind} {letter.number}", markup=False, highlight=False)


@problem_app.command("history")
def problem_history(ctx: typer.Context, problem_id: ProblemId, as_json: Json = False) -> None:
    """问题的全部留痕：登记、解决意见、办结、重新打开、提级，以及列入的提醒函、督办函、交办单。"""
    from projledger.cli.meetings import tracked_history
    from projledger.problems import PROBLEM, ProblemStore

    with open_ledger(ctx) as ledger:
        problem = ProblemStore(ledger.db, settings=ledger.settings()).get(problem_id)
        tracked_history(ledger, PROBLEM, problem.id, f"问题 {problem.id}“{problem.text}”", as_json)


def _write(ctx: typer.Context, action):
    """Open the ledger, run ``action(store, writer)`` in the one transaction, return its result."""
    from projledger.problems import ProblemStore

    with open_ledger(ctx) as ledger:
        store = ProblemStore(ledger.db, settings=ledger.settings())
        with ledger.transaction() as writer:
            return action(store, writer)


@problem_app.command("reply")
def problem_reply(
    ctx: typer.Context, problem_id: ProblemId,
    text: Annotated[str, typer.Option("--text", help="牵头单位提出的解决意见")],
    on: Annotated[Optional[str], typer.Option("--on", help="提出日期，默认今天")] = None,
) -> None:
    """登记牵头单位提出的解决意见（默认应在3个工作日内提出）。"""
    from projledger.dates import parse_done_on

    day = parse_done_on(on, "解决意见日期")  # like meeting item reply: a reply given, not planned
    problem, first = _write(ctx, lambda store, w: store.reply(w, problem_id, day, text))
    late = problem.reply_due_on is not None and day > problem.reply_due_on
    note = f"（超过期限 {problem.reply_due_on}）" if late else ""
    console().print(f"{'已登记' if first else '已更新'}问题 {problem.id} 的解决意见{note}", markup=False)


@problem_app.command("close")
def problem_close(
    ctx: typer.Context, problem_id: ProblemId,
    on: Annotated[Optional[str], typer.Option("--on", help="办结日期，默认今天")] = None,
    resolution: Annotated[Optional[str], typer.Option("--resolution", help="办结情况")] = None,
) -> None:
    """办结问题。"""
    from projledger.dates import parse_done_on

    day = parse_done_on(on, "办结日期")
    problem = _write(ctx, lambda store, w: store.close(w, problem_id, day, resolution))
    late = problem.due_on is not None and day > problem.due_on
    note = f"（超过解决时限 {problem.due_on}）" if late else ""
    console().print(f"问题 {problem.id} 已于{day.isoformat()}办结{note}", markup=False)


@problem_app.command("reopen")
def problem_reopen(
    ctx: typer.Context, problem_id: ProblemId,
    on: Annotated[Optional[str], typer.Option("--on", help="重新打开日期，默认今天")] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", help="自重新打开日起的新解决时限（工作日）；不给则沿用原时限", min=0)] = None,
) -> None:
    """重新打开已办结的问题（记入留痕）。"""
    day = _on(on, "重新打开日期")
    problem, warnings = _write(ctx, lambda store, w: store.reopen(w, problem_id, day, limit))
    _warn_provisional(warnings)
    console().print(f"问题 {problem.id} 已重新打开，解决时限 {_due_text(problem.due_on, problem.due_provisional)}",
                    markup=False)


@problem_app.command("escalate")
def problem_escalate(
    ctx: typer.Context, problem_id: ProblemId,
    level: Annotated[str, typer.Option("--level", help="提级到：县直部门、县级、市级及以上（可简写，如 市级）")],
    on: Annotated[Optional[str], typer.Option("--on", help="提级日期，默认今天")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="提级原因")] = None,
) -> None:
    """提级协调：记录层级、日期和原因。"""
    day = _on(on, "提级日期")
    problem = _write(ctx, lambda store, w: store.escalate(w, problem_id, level, day, note))
    console().print(f"问题 {problem.id} 已于{day.isoformat()}提级为“{problem.level}”", markup=False)


@problem_app.command("sheet")
def problem_sheet(
    ctx: typer.Context,
    out: Annotated[Optional[Path], typer.Option("--out", help="Excel 文件名（默认 问题清单-YYYY-MM.xlsx，按统计日期的月份；给目录则存入该目录）")] = None,
    as_of: AsOf = None,
) -> None:
    """导出《重大项目落地亟待解决问题清单》（A4横向，红黄蓝牌着色）。"""
    from projledger.period import Period
    from projledger.reports.problem_sheet import write_problem_sheet

    day = _as_of(as_of)
    if out is None or out.is_dir():  # like report monthly and template: a default name
        out = (out or Path()) / f"问题清单-{Period.of(day)}.xlsx"
    with open_ledger(ctx) as ledger, ledger.snapshot():
        summary = write_problem_sheet(ledger.db, day, out, settings=ledger.settings())
    if summary.provisional_rows:
        warn(f"{len(summary.provisional_rows)}个问题的解决时限为暂定（当年调休安排尚未发布）")
    c = summary.counts
    items = ""
    if summary.items:
        i = summary.item_counts
        items = f"；{summary.items}项未办结议定事项（红牌{i['red']}、黄牌{i['yellow']}、蓝牌{i['blue']}）"
    console().print(f"已导出问题清单“{summary.path}”：{summary.rows}个未办结问题（红牌{c['red']}、"
                    f"黄牌{c['yellow']}、蓝牌{c['blue']}）{items}", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(problem_app, name="problem")
