"""``projledger evaluate``: 后评价 of completed projects (亩均产出、亩均税收、单位能耗 → 档次).

The thresholds are the settings ``evaluation.*``; the rule is :mod:`projledger.evaluation`.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from projledger.cli.common import Json, On, emit_json, on_or_today, open_ledger, parse_amount

__all__ = ["register", "evaluate"]


def evaluate(
    ctx: typer.Context,
    ref: Annotated[Optional[str], typer.Argument(help="项目；不给则列出全部后评价", metavar="[CODE_OR_ID]")] = None,
    area_mu: Annotated[Optional[str], typer.Option("--area-mu", help="用地面积（亩）")] = None,
    output: Annotated[Optional[str], typer.Option("--output", help="年产值（万元）")] = None,
    tax: Annotated[Optional[str], typer.Option("--tax", help="年税收（万元）")] = None,
    energy: Annotated[Optional[str], typer.Option("--energy", help="年综合能耗（吨标准煤）")] = None,
    tier: Annotated[Optional[str], typer.Option("--tier", help="列出时按档次筛选：优先扶持 / 重点扶持 / 一般")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="备注")] = None,
    on: On = None,
    as_json: Json = False,
) -> None:
    """后评价：由亩均产出、亩均税收、单位能耗分为优先扶持 / 重点扶持 / 一般三档；不给指标则列出。"""
    from projledger.errors import UsageError
    from projledger.evaluation import Evaluations, Measures, parse_measure, thresholds_from_settings

    given = [v is not None for v in (area_mu, output, tax, energy)]
    with open_ledger(ctx) as ledger:
        store = Evaluations(ledger.db)
        project = store.projects.get(ref) if ref else None
        if any(given):
            if not all(given) or project is None:
                raise UsageError("后评价须给出项目和全部四项指标：--area-mu --output --tax --energy")
            measures = Measures(parse_measure(area_mu, "用地面积"), parse_amount(output, "产值"),
                                parse_amount(tax, "税收"), parse_measure(energy, "能耗"))
            store.check_project(project)
            with ledger.transaction() as writer:
                evaluation = store.record(writer, project, measures, on_or_today(on), note=note,
                                          thresholds=thresholds_from_settings(ledger.settings()))
            evaluations = [evaluation]
        else:
            evaluations = store.list(project_id=project.id if project else None, tier=tier)
    if as_json:
        emit_json([e.to_json() for e in evaluations])
        return
    _print_evaluations(evaluations, recorded=any(given))


def _print_evaluations(evaluations, *, recorded: bool) -> None:
    from projledger.money import format_money
    from projledger.cli.render import print_table

    rows = [(e.project.label, e.evaluated_on, e.measures.area_mu, format_money(e.measures.output),
             format_money(e.measures.tax), e.measures.energy, e.derived.output_per_mu, e.derived.tax_per_mu,
             e.derived.energy_per_output, e.tier) for e in evaluations]
    title = "后评价结果" if recorded else f"后评价（{len(rows)}条）"
    print_table(title, ["项目", "评价日期", "用地(亩)", "产值(万元)", "税收(万元)", "能耗(吨标煤)",
                        "亩均产出(万元/亩)", "亩均税收(万元/亩)", "单位能耗(吨标煤/万元)", "档次"], rows,
                justify_right=range(2, 9))


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate)
