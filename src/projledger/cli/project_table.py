"""``project show`` and ``project sheet``: the 一项目一表 on screen, as JSON, and on one A4 page.

The table is gathered once by :func:`projledger.project_table.gather_project_table`; this
module prints it and :mod:`projledger.reports.project_sheet` writes the workbook.  Both
commands are attached to the ``project`` group by :func:`projledger.cli.projects.register`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from projledger.cli.common import Json, Ref, console, emit_json, open_ledger, say
from projledger.cli.render import CARD_STYLES, print_styled_rows, print_table

__all__ = ["project_show", "project_sheet"]

AsOf = Annotated[Optional[str], typer.Option("--as-of", help="亮牌统计日期 YYYY-MM-DD，默认今天")]


def _day(as_of: str | None):
    from projledger.dates import parse_iso_date, today

    return parse_iso_date(as_of, "统计日期") or today()


def project_show(ctx: typer.Context, ref: Ref, as_of: AsOf = None, as_json: Json = False) -> None:
    """一项目一表：基本信息、级别与清单、包联领导与服务专员、年度计划、逐月进度、前期手续、问题、节点、亮牌及原因。"""
    from projledger.project_table import gather_project_table

    with open_ledger(ctx) as ledger, ledger.snapshot():
        table = gather_project_table(ledger, ref, _day(as_of))
    if as_json:
        emit_json(table.to_json())
        return
    _print_identity(table)
    _print_sections(table)


def _who(text, person) -> str | None:
    if person is None:
        return text
    extra = "，".join(x for x in (person.title, person.phone) if x)
    return f"{person.name}（{extra}）" if extra else person.name


def _print_identity(table) -> None:
    from projledger.money import format_money

    p = table.project
    out = console()
    out.print(f"[bold]{p.label}[/bold]  编号 {p.id}", markup=True, highlight=False)
    fields = [("所在乡镇", p.township), ("责任部门", p.department), ("建设单位", p.owner),
              ("项目级别", p.level), ("所在清单", "、".join(p.tags)), ("阶段", p.stage),
              ("建设性质", p.nature), ("所属行业", p.industry),
              ("总投资(万元)", format_money(p.total_investment)),
              ("计划开工", p.planned_start), ("实际开工", p.actual_start), ("竣工日期", p.completed_on),
              ("包联领导", _who(p.leader, table.leader)), ("服务专员", _who(p.liaison, table.liaison)),
              ("总体亮牌", table.card.label if table.card else "无"), ("备注", p.note)]
    for label, value in fields:
        say(f"  {label}：{value if value not in (None, '') else '—'}")


def _print_sections(table) -> None:
    from projledger.money import format_money

    if table.plans:
        print_table("年度计划", ["年度", "计划投资(万元)", "性质", "计划开工", "计划竣工"],
                    [(x.year, format_money(x.investment), x.nature, x.planned_start, x.planned_completion)
                     for x in table.plans], justify_right=(1,))
    if table.progress:
        print_table("逐月进度", ["期间", "累计完成(万元)", "当月完成(万元)", "形象进度", "填报日期"],
                    [(r.period, format_money(r.ytd_completed), format_money(r.month_completed), r.status,
                      r.reported_on) for r in table.progress], justify_right=(1, 2))
    if table.procedures:
        print_table("前期手续", ["事项", "方式", "受理", "截止", "办结", "文号"],
                    [(x.item, x.mode, x.accepted_on, x.current_due(table.as_of) or x.due_on, x.done_on,
                      x.doc_number) for x in table.procedures])
    if table.problems:
        print_table("问题", ["编号", "问题", "牵头单位", "解决时限", "状态"],
                    [(x.id, x.text, x.lead_unit, x.due_on, "已办结" if x.status == "closed" else "未办结")
                     for x in table.problems])
    if table.items:
        print_table("议定事项", ["编号", "事项", "牵头单位", "完成时限", "状态"],
                    [(x.id, x.text, x.lead_unit, x.due_on, "已办结" if x.status == "closed" else "未办结")
                     for x in table.items])
    if table.milestones:
        print_table("节点", ["编号", "节点", "计划完成", "实际完成"],
                    [(m.id, m.name, m.due_on, m.done_on or "未完成") for m in table.milestones])
    if table.cards:
        from projledger.cards import KIND_LABELS

        print_styled_rows(f"亮牌（截至{table.as_of.isoformat()}）", ["亮牌", "类型", "原因"],
                          [[c.card.label, KIND_LABELS.get(c.kind, c.kind), c.reason] for c in table.cards],
                          styles={0: [CARD_STYLES[c.card.key] for c in table.cards]})


def project_sheet(
    ctx: typer.Context, ref: Ref,
    out: Annotated[Optional[Path], typer.Option("--out", help="输出文件 .xlsx（给目录则存入该目录），默认 一项目一表-项目名.xlsx")] = None,
    as_of: AsOf = None,
) -> None:
    """把一项目一表写成一页 A4 的 Excel（打印即用）。"""
    from projledger.errors import UsageError
    from projledger.fileio import safe_output
    from projledger.project_table import gather_project_table
    from projledger.reports.project_sheet import write_project_sheet

    with open_ledger(ctx) as ledger, ledger.snapshot():
        table = gather_project_table(ledger, ref, _day(as_of))
        county = ledger.settings().county_name
        default = Path(f"一项目一表-{_file_safe(table.project.name)}.xlsx")
        target = out / default if out is not None and out.is_dir() else (out or default)
        if target.suffix.lower() != ".xlsx":
            raise UsageError(f"输出文件“{target}”应以 .xlsx 结尾")
        target = safe_output(target, ledger_path=ledger.path)
    write_project_sheet(table, target, county=county)
    say(f"已写出一项目一表：{target}")


def _file_safe(name: str) -> str:
    return "".join("_" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in name)[:60]
