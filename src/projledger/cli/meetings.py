"""``projledger meeting …``: meetings, their decided items (议定事项), the agenda and the 纪要.

Each write command validates through :class:`projledger.meetings.MeetingStore` before its
one transaction; the item commands take the options of the problem commands (``reply --text
--on``, ``close --on --resolution``, ``reopen --on --limit``, ``escalate --level --on --note``)
because an item lives the life of a problem (:mod:`projledger.tracking`).  Documents are
written by :mod:`projledger.reports.meeting_docs` from records gathered here (no SQL in cli/).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from projledger.cli.common import Json, console, emit_json, open_ledger, warn
from projledger.cli.render import CARD_STYLES, print_styled_rows
from projledger.dates import parse_iso_date, today

__all__ = ["register", "meeting_app", "item_app", "tracked_history"]

meeting_app = typer.Typer(help="会议：周例会、月调度会、季度分析会、专题会商等，议定事项跟踪督办，议程和纪要",
                          no_args_is_help=True)
item_app = typer.Typer(help="议定事项：登记、解决意见、办结、重新打开、提级", no_args_is_help=True)

KINDS_HELP = "周例会|月调度会|季度分析会|专题会商|联席会议|现场督导"
ItemId = Annotated[int, typer.Argument(help="议定事项编号（meeting show 查看）", metavar="ID")]
MeetingId = Annotated[int, typer.Argument(help="会议编号（meeting list 查看）", metavar="MEETING")]
AsOf = Annotated[Optional[str], typer.Option("--as-of", help="统计日期 YYYY-MM-DD，默认今天")]


def _store(ledger):
    from projledger.meetings import MeetingStore

    return MeetingStore(ledger.db, settings=ledger.settings())


def _due_text(day, provisional: bool) -> str | None:
    if day is None:
        return None
    return f"{day.isoformat()}（暂定）" if provisional else day.isoformat()


def _warn_all(warnings) -> None:
    for message in dict.fromkeys(warnings):
        warn(message)


def _say(text: str) -> None:
    from projledger.text import for_terminal

    console().print(for_terminal(text), markup=False, highlight=False)


@meeting_app.command("add")
def meeting_add(
    ctx: typer.Context,
    kind: Annotated[str, typer.Option("--kind", help=f"会议类型：{KINDS_HELP}")],
    on: Annotated[str, typer.Option("--on", help="会议日期 YYYY-MM-DD")],
    title: Annotated[Optional[str], typer.Option("--title", help="会议名称")] = None,
    chair: Annotated[Optional[str], typer.Option("--chair", help="主持人")] = None,
    attendees: Annotated[Optional[list[str]], typer.Option("--attendee", help="参会单位，可重复")] = None,
    as_json: Json = False,
) -> None:
    """登记一次会议（类型、日期、主持人、参会单位）。"""
    day = parse_iso_date(on, "会议日期")
    with open_ledger(ctx) as ledger:
        store = _store(ledger)
        new = store.prepare_meeting(kind, day, title, chair, attendees or [])
        with ledger.transaction() as w:
            meeting = store.add_meeting(w, new)
    if as_json:
        emit_json(meeting.to_json())
        return
    _say(f"已登记会议 {meeting.id}：{meeting.held_on.isoformat()} {meeting.kind}"
         f"{('“' + meeting.title + '”') if meeting.title else ''}，参会单位{len(meeting.attendees)}个")


@meeting_app.command("list")
def meeting_list(
    ctx: typer.Context,
    kind: Annotated[Optional[str], typer.Option("--kind", help=f"按会议类型筛选：{KINDS_HELP}")] = None,
    since: Annotated[Optional[str], typer.Option("--from", help="起始日期（含）")] = None,
    until: Annotated[Optional[str], typer.Option("--to", help="截止日期（含）")] = None,
    as_json: Json = False,
) -> None:
    """列出会议及其议定事项数。"""
    start, end = parse_iso_date(since, "起始日期"), parse_iso_date(until, "截止日期")
    with open_ledger(ctx) as ledger:
        meetings = _store(ledger).list(kind=kind, since=start, until=end)
    if as_json:
        emit_json([m.to_json() for m in meetings])
        return
    rows = [[m.id, m.held_on, m.kind, m.title, m.chair, "、".join(m.attendees), m.items, m.items_open]
            for m in meetings]
    print_styled_rows(f"会议（{len(meetings)}次）",
                      ["编号", "日期", "类型", "名称", "主持人", "参会单位", "议定事项", "未办结"], rows)


@meeting_app.command("show")
def meeting_show(ctx: typer.Context, meeting_id: MeetingId, as_of: AsOf = None, as_json: Json = False) -> None:
    """一次会议：参会单位、议定事项（完成时限、解决意见、状态、亮牌）、会上提出的问题。"""
    day = parse_iso_date(as_of, "统计日期") or today()
    with open_ledger(ctx) as ledger, ledger.snapshot():
        store = _store(ledger)
        meeting = store.get(meeting_id)
        items = store.items(meeting_id=meeting.id)
        cards = {i.id: store.card(i, day) for i in items}
        problems = store.linked_problems(meeting.id)
    if as_json:
        emit_json({**meeting.to_json(),
                   "items": [i.to_json(cards[i.id].card.key if cards[i.id] else None) for i in items],
                   "problems": [{"id": p.id, "text": p.text, "project_code": p.project_code,
                                 "lead_unit": p.lead_unit, "status": p.status} for p in problems]})
        return
    _say(f"会议 {meeting.id}：{meeting.held_on.isoformat()} {meeting.kind}"
         f"{('“' + meeting.title + '”') if meeting.title else ''}")
    _say(f"  主持人：{meeting.chair or '—'}")
    _say(f"  参会单位：{'、'.join(meeting.attendees) or '—'}")
    _print_items(f"议定事项（{len(items)}项，截至{day.isoformat()}）", items, cards)
    for p in problems:
        _say(f"  会上提出的问题 {p.id}：{p.project_name}“{p.text}”（{p.lead_unit or '未定'}，"
             f"{'未办结' if p.is_open else '已办结'}）")


def _print_items(title: str, items, cards) -> None:
    rows, styles = [], []
    for i in items:
        card = cards.get(i.id)
        rows.append([i.id, i.text, i.lead_unit, i.project_name, _due_text(i.due_on, i.due_provisional),
                     i.replied_on or f"{i.reply_due_on}前", "未办结" if i.is_open else f"{i.closed_on}办结",
                     card.card.label if card else None])
        styles.append(CARD_STYLES[card.card.key] if card else None)
    print_styled_rows(title, ["编号", "议定事项", "牵头单位", "项目", "完成时限", "解决意见", "状态", "亮牌"],
                      rows, styles={7: styles})


@item_app.command("add")
def item_add(
    ctx: typer.Context,
    meeting_id: MeetingId,
    text: Annotated[str, typer.Option("--text", help="议定事项内容")],
    lead: Annotated[str, typer.Option("--lead", help="牵头单位（名称或别名）")],
    project: Annotated[Optional[str], typer.Option("--project", help="相关项目（代码、编号或名称）")] = None,
    workdays: Annotated[Optional[int], typer.Option("--workdays", help="完成时限：会议后N个工作日（默认 meeting_item_default_workdays）", min=0)] = None,
    due: Annotated[Optional[str], typer.Option("--due", help="完成时限：日期 YYYY-MM-DD（不早于会议日期）")] = None,
    as_json: Json = False,
) -> None:
    """登记会议议定事项：牵头单位3个工作日内提出解决意见，按完成时限跟踪督办。"""
    from projledger.errors import UsageError

    if workdays is not None and due is not None:
        raise UsageError("--workdays 和 --due 只能给一个")
    due_on = parse_iso_date(due, "完成时限")
    with open_ledger(ctx) as ledger:
        store = _store(ledger)
        new = store.prepare_item(meeting_id, text, lead, project, workdays, due_on)
        with ledger.transaction() as w:
            item = store.add_item(w, new)
    _warn_all(new.warnings)
    if due_on is not None and item.due_on != due_on:
        warn(f"完成时限{due_on.isoformat()}不是工作日，已顺延至{item.due_on.isoformat()}")
    if as_json:
        emit_json(item.to_json())
        return
    _say(f"已登记议定事项 {item.id}（会议 {item.meeting_id}）：“{item.text}”，牵头单位 {item.lead_unit}；"
         f"{_due_text(item.reply_due_on, item.reply_due_provisional)}前提出解决意见，"
         f"完成时限 {_due_text(item.due_on, item.due_provisional)}")


@item_app.command("show")
def item_show(ctx: typer.Context, item_id: ItemId, as_of: AsOf = None, as_json: Json = False) -> None:
    """一项议定事项：期限、解决意见、办结、提级，以及它出现在哪些函件中。"""
    from projledger.letters import letters_naming

    day = parse_iso_date(as_of, "统计日期") or today()
    with open_ledger(ctx) as ledger, ledger.snapshot():
        store = _store(ledger)
        item = store.item(item_id)
        card = store.card(item, day)
        letters = letters_naming(ledger.db, "meeting_item", item.id)
    if as_json:
        emit_json({**item.to_json(card.card.key if card else None), "letters": [l.to_json() for l in letters]})
        return
    lines = [("会议", f"{item.meeting_id}（{item.meeting_on} {item.meeting_kind}）"), ("议定事项", item.text),
             ("牵头单位", item.lead_unit), ("项目", item.project_name), ("层级", item.level),
             ("交办日期", item.assigned_on),
             ("解决意见期限", _due_text(item.reply_due_on, item.reply_due_provisional)),
             ("解决意见", f"{item.replied_on} {item.reply_text}" if item.replied_on else None),
             ("完成时限", _due_text(item.due_on, item.due_provisional)),
             ("状态", "未办结" if item.is_open else f"{item.closed_on}办结"), ("办结情况", item.resolution),
             ("亮牌", f"{card.card.label}：{card.reason}" if card else None)]
    _say(f"议定事项 {item.id}")
    for label, value in lines:
        _say(f"  {label}：{value if value not in (None, '') else '—'}")
    for e in item.escalations:
        _say(f"  提级：{e.escalated_on} → {e.level}{('（' + e.note + '）') if e.note else ''}")
    for letter in letters:
        _say(f"  函件：{letter.issued_on} {letter.kind} {letter.number}")


@item_app.command("history")
def item_history(ctx: typer.Context, item_id: ItemId, as_json: Json = False) -> None:
    """议定事项的全部留痕：登记、解决意见、办结、重新打开、提级，以及列入的提醒函、督办函、交办单。"""
    from projledger.meetings import ITEM

    with open_ledger(ctx) as ledger:
        item = _store(ledger).item(item_id)
        tracked_history(ledger, ITEM, item.id, f"议定事项 {item.id}“{item.text}”", as_json)


def tracked_history(ledger, kind, item_id: int, label: str, as_json: bool) -> None:
    """Print (or emit as JSON) one tracked item's audit trail (:func:`projledger.tracking.audit_of`)."""
    from projledger.history import describe
    from projledger.tracking import audit_of
    from projledger.units import Units

    rows = audit_of(ledger.db, kind, item_id)
    if as_json:
        emit_json({"kind": kind.kind, "id": item_id, "changes": rows})
        return
    units = Units(ledger.db)
    entries = describe(rows, lambda unit_id: getattr(units.by_id(unit_id), "name", None))
    print_styled_rows(f"{label} 变更留痕（{len(entries)}条）", ["时间", "操作人", "动作", "对象", "变更", "命令"],
                      [[e.at, e.actor, e.action, e.subject, e.change_text(), e.command] for e in entries])


def _write(ctx: typer.Context, action):
    with open_ledger(ctx) as ledger:
        store = _store(ledger)
        with ledger.transaction() as w:
            return action(store, w)


@item_app.command("reply")
def item_reply(
    ctx: typer.Context, item_id: ItemId,
    text: Annotated[str, typer.Option("--text", help="牵头单位提出的解决意见")],
    on: Annotated[Optional[str], typer.Option("--on", help="提出日期，默认今天")] = None,
) -> None:
    """登记牵头单位对议定事项提出的解决意见（应在会后3个工作日内）。"""
    from projledger.dates import parse_done_on

    day = parse_done_on(on, "解决意见日期")
    item, first = _write(ctx, lambda store, w: store.reply(w, item_id, day, text))
    late = item.reply_due_on is not None and day > item.reply_due_on
    _say(f"{'已登记' if first else '已更新'}议定事项 {item.id} 的解决意见"
         f"{f'（超过期限 {item.reply_due_on}）' if late else ''}")


@item_app.command("close")
def item_close(
    ctx: typer.Context, item_id: ItemId,
    on: Annotated[Optional[str], typer.Option("--on", help="办结日期，默认今天")] = None,
    resolution: Annotated[Optional[str], typer.Option("--resolution", help="办结情况")] = None,
) -> None:
    """办结议定事项。"""
    from projledger.dates import parse_done_on

    day = parse_done_on(on, "办结日期")
    item = _write(ctx, lambda store, w: store.close(w, item_id, day, resolution))
    late = day > item.due_on
    _say(f"议定事项 {item.id} 已于{day.isoformat()}办结{f'（超过完成时限 {item.due_on}）' if late else ''}")


@item_app.command("reopen")
def item_reopen(
    ctx: typer.Context, item_id: ItemId,
    on: Annotated[Optional[str], typer.Option("--on", help="重新打开日期，默认今天")] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", help="自重新打开日起的新完成时限（工作日）；不给则沿用原时限", min=0)] = None,
) -> None:
    """重新打开已办结的议定事项（记入留痕）。"""
    day = parse_iso_date(on, "重新打开日期") or today()
    item, warnings = _write(ctx, lambda store, w: store.reopen(w, item_id, day, limit))
    _warn_all(warnings)
    _say(f"议定事项 {item.id} 已重新打开，完成时限 {_due_text(item.due_on, item.due_provisional)}")


@item_app.command("escalate")
def item_escalate(
    ctx: typer.Context, item_id: ItemId,
    level: Annotated[str, typer.Option("--level", help="提级到：县直部门、县级、市级及以上（可简写，如 市级）")],
    on: Annotated[Optional[str], typer.Option("--on", help="提级日期，默认今天")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="提级原因")] = None,
) -> None:
    """提级协调：记录层级、日期和原因。"""
    day = parse_iso_date(on, "提级日期") or today()
    item = _write(ctx, lambda store, w: store.escalate(w, item_id, level, day, note))
    _say(f"议定事项 {item.id} 已于{day.isoformat()}提级为“{item.level}”")


@meeting_app.command("agenda")
def meeting_agenda(
    ctx: typer.Context,
    kind: Annotated[str, typer.Option("--kind", help=f"会议类型：{KINDS_HELP}")],
    on: Annotated[str, typer.Option("--on", help="会议日期 YYYY-MM-DD")],
    docx: Annotated[Optional[Path], typer.Option("--docx", help="另存为 Word 议程，如 议程.docx")] = None,
    as_json: Json = False,
) -> None:
    """会议议程：到会说明情况的单位（季度分析会）、红牌项目、逾期问题和事项、会前到期事项。"""
    from projledger.agenda import build_agenda

    day = parse_iso_date(on, "会议日期")
    with open_ledger(ctx) as ledger, ledger.snapshot():
        agenda = build_agenda(ledger, kind, day)
        settings = ledger.settings()
    if docx is not None:
        from projledger.reports.meeting_docs import write_agenda

        path = write_agenda(agenda, docx, settings=settings, ledger_path=ledger.path)
        warn(f"已写出议程“{path}”") if as_json else _say(f"已写出议程“{path}”")
    if as_json:
        emit_json(agenda.to_json())
        return
    _print_agenda(agenda)


def _print_agenda(agenda) -> None:
    _say(f"{agenda.on.isoformat()} {agenda.kind}议程（下次同类会议前：{agenda.next_on.isoformat()}）")
    if agenda.kind == "季度分析会":
        names = "、".join(f"{u.unit}（连续{u.streak}次）" for u in agenda.explain) or "无"
        _say(f"一、到会说明情况的单位（连续三次排名后三位，{agenda.ranking_period or '无已保存排名'}）：{names}")
    _say(f"红牌项目：{len(agenda.red_projects)}个")
    for p in agenda.red_projects:
        _say(f"  {p.name}（{p.code or '无代码'}）：{'；'.join(p.reasons)}")
    _say(f"逾期未办结的问题和议定事项（按牵头单位）：{sum(len(g.entries) for g in agenda.overdue)}项")
    for group in agenda.overdue:
        _say(f"  {group.unit}：")
        for e in group.entries:
            _say(f"    [{e.kind_label}{e.id}] {e.text}（时限{e.due_on}，逾期{e.overdue_workdays}个工作日）")
    _say(f"下次会议前到期的议定事项：{len(agenda.due_soon)}项")
    for e in agenda.due_soon:
        _say(f"  [{e.kind_label}{e.id}] {e.text}（{e.unit}，时限{e.due_on}）")


@meeting_app.command("minutes")
def meeting_minutes(
    ctx: typer.Context, meeting_id: MeetingId,
    docx: Annotated[Path, typer.Option("--docx", help="输出 Word 纪要，如 纪要.docx")],
) -> None:
    """会议纪要：时间、主持人、参会单位、议定事项及牵头单位和完成时限（责任清单）、会上提出的问题。"""
    from projledger.letters import office_of
    from projledger.reports.meeting_docs import MinutesData, write_minutes

    with open_ledger(ctx) as ledger, ledger.snapshot():
        store = _store(ledger)
        meeting = store.get(meeting_id)
        data = MinutesData(meeting, store.items(meeting_id=meeting.id), store.linked_problems(meeting.id),
                           office_of(ledger.settings()))
        path = write_minutes(data, docx, settings=ledger.settings(), ledger_path=ledger.path)
    _say(f"已写出会议纪要“{path}”：议定事项{len(data.items)}项，会上提出的问题{len(data.problems)}个")


def register(app: typer.Typer) -> None:
    meeting_app.add_typer(item_app, name="item")
    app.add_typer(meeting_app, name="meeting")
