"""``projledger milestone add|done|list``: a project's 节点 (亮诺) and their cards.

Milestones live in :mod:`projledger.milestones`; their cards come from the warnings engine
(kind ``milestone``), so ``milestone list`` and ``warn`` can never disagree.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from projledger.cli.common import Json, Ref, emit_json, open_ledger, say
from projledger.cli.render import CARD_STYLES, print_styled_rows

__all__ = ["register", "milestone_app"]

milestone_app = typer.Typer(help="项目节点（亮诺、定目标定进度）", no_args_is_help=True)


@milestone_app.command("add")
def milestone_add(
    ctx: typer.Context,
    ref: Ref,
    name: Annotated[str, typer.Option("--name", help="节点名称，如 主体封顶")],
    due: Annotated[str, typer.Option("--due", help="计划完成日期 YYYY-MM-DD")],
) -> None:
    """给项目添加一个节点（名称与计划完成日期）。"""
    from projledger.dates import parse_iso_date
    from projledger.milestones import Milestones
    from projledger.projects import Projects

    due_on = parse_iso_date(due, "节点计划完成日期")
    with open_ledger(ctx) as ledger:
        project = Projects(ledger.db).get(ref)
        milestones = Milestones(ledger.db)
        row = milestones.check_new(project, name, due_on)
        with ledger.transaction() as w:
            milestone_id = milestones.add(w, row)
    say(f"已添加节点“{row['name']}”（编号{milestone_id}，{due_on.isoformat()}前完成）：{project.label}")


@milestone_app.command("done")
def milestone_done(
    ctx: typer.Context,
    milestone_id: Annotated[int, typer.Argument(help="节点编号", metavar="ID")],
    on: Annotated[Optional[str], typer.Option("--on", help="完成日期 YYYY-MM-DD，默认今天；不能晚于今天")] = None,
) -> None:
    """登记节点已完成。"""
    from projledger.dates import parse_done_on
    from projledger.milestones import Milestones

    day = parse_done_on(on, "节点完成日期")
    with open_ledger(ctx) as ledger:
        milestones = Milestones(ledger.db)
        milestone = milestones.get(milestone_id)
        with ledger.transaction() as w:
            changed = milestones.done(w, milestone, day)
    if changed:
        say(f"节点“{milestone.name}”已于{day.isoformat()}完成：{milestone.project_label}")
    else:
        say(f"节点“{milestone.name}”已登记为{day.isoformat()}完成，没有变化")


@milestone_app.command("list")
def milestone_list(
    ctx: typer.Context,
    ref: Annotated[Optional[str], typer.Option("--project", help="只列该项目的节点（代码、编号或名称）")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只列已逾期未完成的节点")] = False,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="统计日期 YYYY-MM-DD，默认今天")] = None,
    as_json: Json = False,
) -> None:
    """列出节点及其亮牌（按计划完成日期）。"""
    from projledger.dates import parse_iso_date, today
    from projledger.milestones import Milestones
    from projledger.projects import Projects
    from projledger.warnings_engine import collect_cards, collect_milestones

    day = parse_iso_date(as_of, "统计日期") or today()
    with open_ledger(ctx) as ledger, ledger.snapshot():
        project_id = Projects(ledger.db).get(ref).id if ref else None
        found = Milestones(ledger.db).list(project_id=project_id)
        cards = collect_cards(ledger, day, collectors=[collect_milestones]).items
    by_subject = {(c.project_id, c.subject): c for c in cards}
    rows = [(m, by_subject.get((m.project_id, f"{m.project_name}：{m.name}")) if m.open_on(day) else None)
            for m in found]
    if overdue:
        rows = [(m, c) for m, c in rows if m.open_on(day) and m.due_on < day]
    if as_json:
        emit_json([m.to_json(c) for m, c in rows])
        return
    if not rows:
        say("没有逾期未完成的节点" if overdue else "还没有节点；用 projledger milestone add 项目 --name 名称 --due 日期 添加")
        return
    table_rows = [[c.card.label if c else "", m.id, m.project_label, m.name, m.due_on,
                   m.done_on or "未完成", c.reason if c else ""] for m, c in rows]
    styles = [CARD_STYLES[c.card.key] if c else "" for _, c in rows]
    print_styled_rows(f"项目节点（{len(rows)}个，截至{day.isoformat()}）",
                      ["亮牌", "编号", "项目", "节点", "计划完成", "实际完成", "说明"], table_rows, styles={0: styles})


def register(app: typer.Typer) -> None:
    app.add_typer(milestone_app, name="milestone")
