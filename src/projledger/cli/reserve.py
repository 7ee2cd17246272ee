"""``projledger reserve …``: the four-tier project reserve library (项目储备库).

Every command parses its options, validates against the ledger (the stage rules of
:mod:`projledger.lifecycle` refuse with the reason in Chinese), then opens the one write
transaction; no SQL here.  The annual plan commands are in :mod:`projledger.cli.plans`,
后评价 in :mod:`projledger.cli.evaluation`, completion and termination in
:mod:`projledger.cli.projects`.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from projledger.cli.common import Json, On, Ref, emit_json, on_or_today, open_ledger, parse_amount, say, warn
from projledger.dates import parse_iso_date

__all__ = ["register", "reserve_app"]

reserve_app = typer.Typer(help="项目储备库（综合、行业、产业链、乡镇）", no_args_is_help=True)

TierOpt = Annotated[Optional[str], typer.Option("--tier", help="综合 / 行业 / 产业链 / 乡镇")]
Dept = Annotated[Optional[str], typer.Option("--department", help="行业主管部门（行业储备库）")]
Chain = Annotated[Optional[str], typer.Option("--chain", help="产业链办公室（产业链储备库）")]
Town = Annotated[Optional[str], typer.Option("--township", help="乡镇（乡镇储备库）")]


@reserve_app.command("add")
def reserve_add(
    ctx: typer.Context,
    ref: Annotated[Optional[str], typer.Argument(help="已有项目（代码、编号或名称）；不给则用 --name 新建", metavar="[CODE_OR_ID]")] = None,
    tier: Annotated[str, typer.Option("--tier", help="综合 / 行业 / 产业链 / 乡镇")] = "乡镇",
    name: Annotated[Optional[str], typer.Option("--name", help="新项目名称")] = None,
    code: Annotated[Optional[str], typer.Option("--code", help="全国投资项目统一代码（可无）")] = None,
    department: Dept = None, chain: Chain = None, township: Town = None,
    stage: Annotated[Optional[str], typer.Option("--stage", help="谋划 / 规划 / 拟开展前期 / 正在开展前期")] = None,
    total_investment: Annotated[Optional[str], typer.Option("--total-investment", help="总投资（投资匡算，万元）")] = None,
    industrial: Annotated[Optional[bool], typer.Option("--industrial/--not-industrial", help="是否产业类项目")] = None,
    industry: Annotated[Optional[str], typer.Option("--industry", help="所属行业")] = None,
    owner: Annotated[Optional[str], typer.Option("--owner", help="建设单位")] = None,
    planned_start: Annotated[Optional[str], typer.Option("--planned-start", help="计划开工日期")] = None,
    source: Annotated[Optional[str], typer.Option("--source", help="项目来源")] = None,
    progress: Annotated[Optional[str], typer.Option("--progress", help="目前进展情况")] = None,
    next3: Annotated[Optional[str], typer.Option("--next3-investment", help="未来三年预计投资（万元）")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="备注")] = None,
    on: On = None,
) -> None:
    """项目入库：新建（--name）或把已有项目放入某一层级储备库。已开工的项目不能入库。"""
    from projledger.errors import UsageError
    from projledger.lifecycle import Lifecycle
    from projledger.reserve import check_tier_name

    tier = check_tier_name(tier)
    when = on_or_today(on)
    amount, next3_amount = parse_amount(total_investment, "总投资"), parse_amount(next3, "未来三年预计投资")
    if (ref is None) == (name is None):
        raise UsageError("请给出已有项目（CODE_OR_ID）或用 --name 新建项目，二者选一")
    with open_ledger(ctx) as ledger:
        life = Lifecycle(ledger.db)
        project = life.projects.get(ref) if ref is not None else None
        fields = life.projects.project_columns(
            name=name, code=code, township=township, department=department, owner=owner,
            industry=industry, industrial=industrial, total_investment=amount, note=note,
            planned_start=parse_iso_date(planned_start, "计划开工日期"))
        unit_name = {"行业": department, "产业链": chain, "乡镇": township}.get(tier)
        fields, unit_id = life.prepare_entry(project, fields, tier, unit_name, stage, when)
        with ledger.transaction() as writer:
            if project is None:
                project = life.projects.add(writer, fields)
            elif fields:
                life.projects.update(writer, project, fields)
                project = life.projects.by_id(project.id)
            project = life.enter_reserve(writer, project, tier, unit_id, on=when, stage=stage, via="add")
            life.reserve.set_info(writer, project, source=source, progress=progress, next3_investment=next3_amount)
            entry = life.reserve.entry(project.id, tier)
    say(f"已入库：{project.label} → {entry.label}（阶段：{project.stage}，编号 {project.id}）")


@reserve_app.command("list")
def reserve_list(
    ctx: typer.Context, tier: TierOpt = None, department: Dept = None, chain: Chain = None,
    township: Town = None,
    stage: Annotated[Optional[str], typer.Option("--stage", help="按阶段筛选")] = None,
    include_left: Annotated[bool, typer.Option("--all", help="包括已出库（列入计划、退库、终止）的项目")] = False,
    as_json: Json = False,
) -> None:
    """列出储备库项目（按层级、单位、阶段筛选）。"""
    from projledger.errors import UsageError
    from projledger.money import format_money
    from projledger.cli.render import print_table
    from projledger.reserve import Reserve, check_tier_name

    given = [(t, u) for t, u in (("行业", department), ("产业链", chain), ("乡镇", township)) if u]
    if len(given) > 1:
        raise UsageError("--department、--chain、--township 一次只能给一个")
    tier = check_tier_name(tier) if tier else (given[0][0] if given else None)
    unit = given[0][1] if given else None
    if given and given[0][0] != tier:
        raise UsageError(f"--tier {tier} 与 {'--department' if department else '--chain' if chain else '--township'} 不相符")
    with open_ledger(ctx) as ledger:
        items = Reserve(ledger.db).items(tier=tier, unit=unit, stage=stage, include_left=include_left)
    if as_json:
        emit_json([item.to_json() for item in items])
        return
    rows = []
    for item in items:
        p = item.project
        libraries = "、".join(e.label + ("" if e.active else f"（{e.left_on}出库）") for e in item.entries)
        rows.append((p.id, p.code, p.name, p.stage, libraries, format_money(p.total_investment),
                     {True: "是", False: "否"}.get(p.industrial), item.last_review.result if item.last_review else None))
    print_table(f"储备库项目（{len(items)}个）", ["编号", "项目代码", "项目名称", "阶段", "所在储备库",
                                            "总投资(万元)", "产业类", "初核"], rows, justify_right=(5,))


@reserve_app.command("check")
def reserve_check(
    ctx: typer.Context,
    all_units: Annotated[bool, typer.Option("--all-units", help="列出全部县直部门（默认只列有行业储备库的部门）")] = False,
    as_json: Json = False,
) -> None:
    """各层级储备库总投资与规模要求对比：谁不足、差多少亿元；综合库的产业类占比。"""
    from decimal import Decimal

    from projledger.cli.render import print_table
    from projledger.reserve import Reserve, check_tiers, format_yi, wan_to_yi
    from projledger.settings import settings_json

    with open_ledger(ctx) as ledger:
        reserve = Reserve(ledger.db)
        checks = check_tiers(reserve.tier_totals(all_units=all_units), ledger.settings().reserve)
        started = reserve.started_in_reserve()
        thresholds = {k.split(".", 1)[1]: v for k, v in settings_json(ledger.settings()).items()
                      if k.startswith("reserve.")}
    short = [c for c in checks if not c.meets]
    if as_json:
        emit_json({"thresholds": thresholds, "short": len(short), "tiers": [c.to_json() for c in checks],
                   "started_in_reserve": [{"id": p.id, "code": p.code, "name": p.name,
                                           "actual_start": p.actual_start.isoformat()} for p in started]})
        return
    rows = []
    for c in checks:
        share = ""
        if c.tier == "综合":
            share = "—" if c.industrial_share is None else f"{(c.industrial_share * 100).quantize(Decimal('0.01'))}%"
            share += f"（要求≥{(c.share_threshold * 100).normalize():f}%）"
        rows.append((c.label, c.projects, format_yi(wan_to_yi(c.total)), f"≥{format_yi(c.threshold_yi)}",
                     "达标" if c.gap_yi == 0 else f"差 {format_yi(c.gap_yi)}", share, "是" if c.meets else "否"))
    print_table("储备库规模检查（亿元）", ["储备库", "项目数", "总投资", "要求", "缺口", "产业类占比", "达标"], rows,
                justify_right=(1, 2, 3, 4))
    comprehensive = checks[0]
    if comprehensive.unmarked:
        warn(f"综合储备库有 {comprehensive.unmarked} 个项目未标明是否产业类，按非产业类计算"
             "（用 projledger reserve add CODE --tier ... --industrial 补充）")
    for p in started:
        warn(f"{p.label}已于{p.actual_start}开工，仍在储备库：请 plan adopt 列入计划或 project terminate 退库")
    say(f"{len(short)} 个储备库未达标。" if short else "全部储备库达标。")


@reserve_app.command("review")
def reserve_review(
    ctx: typer.Context, ref: Ref,
    result: Annotated[str, typer.Option("--result", help="通过 / 不通过")],
    by: Annotated[str, typer.Option("--by", help="初核单位（行业主管部门或产业链办公室）")],
    tier: Annotated[str, typer.Option("--tier", help="初核后进入的储备库：行业（默认）或 产业链")] = "行业",
    department: Dept = None, chain: Chain = None,
    opinion: Annotated[Optional[str], typer.Option("--opinion", help="初核意见")] = None,
    on: On = None,
) -> None:
    """初核：通过的项目纳入行业储备库（乡镇 → 行业），或经链长审核纳入产业链储备库。"""
    from projledger.errors import UsageError
    from projledger.lifecycle import Lifecycle
    from projledger.reserve import REVIEW_RESULTS, check_tier_name

    if result not in REVIEW_RESULTS:
        raise UsageError(f"--result 应为：{'、'.join(REVIEW_RESULTS)}")
    tier, when = check_tier_name(tier), on_or_today(on)
    with open_ledger(ctx) as ledger:
        life = Lifecycle(ledger.db)
        project = life.projects.get(ref)
        reviewer = life.units.resolve(by, role="初核单位")
        life.check_review(project, tier)
        unit_id = life.review_unit(project, tier, reviewer, department or chain) if result == "通过" else None
        with ledger.transaction() as writer:
            entered = life.review(writer, project, result=result, reviewer_id=reviewer.id, target_tier=tier,
                                  unit_id=unit_id, on=when, opinion=opinion)
            entry = life.reserve.entry(project.id, tier)
    if entered:
        say(f"初核通过（{reviewer.name}，{when}）：{project.label} 已纳入{entry.label}")
    else:
        say(f"已记录初核结果“{result}”（{reviewer.name}，{when}）：{project.label} 留在原储备库")


@reserve_app.command("promote")
def reserve_promote(
    ctx: typer.Context, ref: Ref,
    to: Annotated[str, typer.Option("--to", help="综合（择优生成）/ 行业 / 产业链（须已通过初核）")],
    department: Dept = None, chain: Chain = None, on: On = None,
) -> None:
    """升级入库：行业 → 综合（择优生成）；通过初核的项目 → 行业 / 产业链。"""
    from projledger.lifecycle import Lifecycle
    from projledger.reserve import check_tier_name

    tier, when = check_tier_name(to), on_or_today(on)
    with open_ledger(ctx) as ledger:
        life = Lifecycle(ledger.db)
        project = life.projects.get(ref)
        life.check_promote(project, tier)
        unit_id = life.tier_unit(tier, {"行业": department, "产业链": chain}.get(tier), project)
        with ledger.transaction() as writer:
            life.promote(writer, project, tier, unit_id, when)
            entry = life.reserve.entry(project.id, tier)
    say(f"已升级：{project.label} → {entry.label}")


def register(app: typer.Typer) -> None:
    app.add_typer(reserve_app, name="reserve")
