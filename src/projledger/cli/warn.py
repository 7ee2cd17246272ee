"""``projledger warn``: 红黄蓝牌预警 over problems, procedures, starts, investment, milestones,
completion, 容缺 supplements and 模拟审批 expiry (and whatever collectors the engine has).

The cards come from :func:`projledger.warnings_engine.collect_cards` read in one snapshot;
this module only renders them (most severe first, then each project's overall card).
``--level`` / ``--tag`` keep the cards of the projects of that level or list only.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from projledger.cli.common import Json, console, emit_json, open_ledger, warn
from projledger.cli.render import CARD_STYLES, print_styled_rows
from projledger.dates import parse_iso_date, today

__all__ = ["register", "warn_command"]

AsOf = Annotated[Optional[str], typer.Option("--as-of", help="统计日期 YYYY-MM-DD，默认今天")]


def warn_command(
    ctx: typer.Context, as_of: AsOf = None,
    level: Annotated[Optional[str], typer.Option("--level", help="只看该级别的项目：省重点 / 市重点 / 县重点")] = None,
    tag: Annotated[Optional[str], typer.Option("--tag", help="只看该清单的项目")] = None,
    county: Annotated[Optional[str], typer.Option("--county", help="市级汇总库中只看该县区的项目")] = None,
    as_json: Json = False,
) -> None:
    """红黄蓝牌预警：问题、前期手续、开工、投资、节点、竣工、容缺补正、模拟审批到期，最严重的在前，并给出每个项目的总体亮牌。"""
    from projledger.projects import Projects
    from projledger.warnings_engine import collect_cards

    day = parse_iso_date(as_of, "统计日期") or today()
    with open_ledger(ctx) as ledger, ledger.snapshot():
        result = collect_cards(ledger, day)
        projects = Projects(ledger.db)
        if level or tag:
            result = _only_projects(result, {p.id for p in projects.list(level=level, tag=tag)})
        if county is not None:
            from projledger.report_data import ProjectFilter, filtered_project_ids
            from projledger.rollup import check_county

            keep = filtered_project_ids(ledger.db, ProjectFilter(county=check_county(ledger.db, county)))
            result = _only_projects(result, keep)
        info = {pid: projects.by_id(pid) for pid in {i.project_id for i in result.items} if pid is not None}
    for message in dict.fromkeys(result.warnings):
        warn(message)
    order = sorted(result.project_cards, key=lambda pid: (-result.project_cards[pid].severity, pid))
    if as_json:
        cards = []
        for item in result.items:
            project = info.get(item.project_id)
            cards.append({**item.to_json(), "project_code": project.code if project else None,
                          "project_name": project.name if project else None})
        emit_json({"as_of": day.isoformat(), "calendar_complete": result.calendar_complete, "cards": cards,
                   "projects": [{"project_id": pid, "code": info[pid].code, "name": info[pid].name,
                                 "card": result.project_cards[pid].key} for pid in order],
                   "schedule_month": result.schedule_month, "warnings": list(result.warnings)})
        return
    scope = "、".join(x for x in (f"{level}项目" if level else None, f"{tag}清单" if tag else None) if x)
    _print_warn(day, result, info, order, scope)


def _only_projects(result, keep: set[int]):
    """The same result restricted to the cards of the projects in ``keep``."""
    from dataclasses import replace

    return replace(result, items=[i for i in result.items if i.project_id in keep],
                   project_cards={pid: c for pid, c in result.project_cards.items() if pid in keep})


def _print_warn(day, result, info, order, scope: str = "") -> None:
    from projledger.cards import KIND_LABELS

    if not result.items:
        console().print(f"截至{day.isoformat()}{scope}没有亮牌事项", markup=False)
        return
    rows = [[i.card.label, KIND_LABELS[i.kind], info[i.project_id].name if i.project_id in info else None,
             i.reason] for i in result.items]
    styles = [CARD_STYLES[i.card.key] for i in result.items]
    print_styled_rows(f"{scope}红黄蓝牌预警（截至{day.isoformat()}，{len(rows)}项）", ["亮牌", "类型", "项目", "原因"], rows,
                styles={0: styles})
    counts = {pid: {"red": 0, "yellow": 0, "blue": 0} for pid in order}
    for i in result.items:
        if i.project_id in counts:
            counts[i.project_id][i.card.key] += 1
    project_rows = [[result.project_cards[pid].label, info[pid].code, info[pid].name, counts[pid]["red"],
                     counts[pid]["yellow"], counts[pid]["blue"]] for pid in order]
    print_styled_rows(f"项目亮牌（{len(order)}个项目）", ["项目亮牌", "项目代码", "项目名称", "红牌", "黄牌", "蓝牌"],
                project_rows, styles={0: [CARD_STYLES[result.project_cards[pid].key] for pid in order]})


def register(app: typer.Typer) -> None:
    app.command("warn")(warn_command)
