"""``projledger reserve …``, ``evaluate``, ``plan draft|adopt|adjust``, ``project complete|terminate``.

The reserve library and the annual-plan lifecycle from the command line.  Every command
parses its options, validates against the ledger (the stage rules of
:mod:`projledger.lifecycle` refuse with the reason in Chinese), then opens the one write
transaction; no SQL here.  Commands are attached to the existing ``plan`` and ``project``
groups of :mod:`projledger.cli.projects`.

``plan adopt`` takes each project's year plan investment as ``CODE=AMOUNT`` (万元); a bare
``CODE`` uses ``--investment`` or, failing that, an existing plan record of that year —
never a silent 0, because a zero plan would make the project's investment rate meaningless in
the monthly ranking.  ``CODE=0`` is accepted when meant (a 前期 project with no spending).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from projledger.cli.common import console, emit_json, open_ledger, parse_amount, warn
from projledger.cli.projects import plan_app, project_app
from projledger.dates import parse_iso_date, today

reserve_app = typer.Typer(help="项目储备库（综合、行业、产业链、乡镇）", no_args_is_help=True)

Ref = Annotated[str, typer.Argument(help="项目代码、编号或完整名称", metavar="CODE_OR_ID")]
Json = Annotated[bool, typer.Option("--json", help="输出 JSON")]
On = Annotated[Optional[str], typer.Option("--on", help="日期 YYYY-MM-DD，默认今天")]
TierOpt = Annotated[Optional[str], typer.Option("--tier", help="综合 / 行业 / 产业链 / 乡镇")]
Dept = Annotated[Optional[str], typer.Option("--department", help="行业主管部门（行业储备库）")]
Chain = Annotated[Optional[str], typer.Option("--chain", help="产业链办公室（产业链储备库）")]
Town = Annotated[Optional[str], typer.Option("--township", help="乡镇（乡镇储备库）")]


def _on(text: str | None):
    return parse_iso_date(text, "日期") or today()


def _print(text: str) -> None:
    console().print(text, markup=False, highlight=False, soft_wrap=True)


# ------------------------------------------------------------------ reserve

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
    when = _on(on)
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
    _print(f"已入库：{project.label} → {entry.label}（阶段：{project.stage}，编号 {project.id}）")


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
    from projledger.render import print_table
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

    from projledger.render import print_table
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
    _print(f"{len(short)} 个储备库未达标。" if short else "全部储备库达标。")


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
    tier, when = check_tier_name(tier), _on(on)
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
        _print(f"初核通过（{reviewer.name}，{when}）：{project.label} 已纳入{entry.label}")
    else:
        _print(f"已记录初核结果“{result}”（{reviewer.name}，{when}）：{project.label} 留在原储备库")


@reserve_app.command("promote")
def reserve_promote(
    ctx: typer.Context, ref: Ref,
    to: Annotated[str, typer.Option("--to", help="综合（择优生成）/ 行业 / 产业链（须已通过初核）")],
    department: Dept = None, chain: Chain = None, on: On = None,
) -> None:
    """升级入库：行业 → 综合（择优生成）；通过初核的项目 → 行业 / 产业链。"""
    from projledger.lifecycle import Lifecycle
    from projledger.reserve import check_tier_name

    tier, when = check_tier_name(to), _on(on)
    with open_ledger(ctx) as ledger:
        life = Lifecycle(ledger.db)
        project = life.projects.get(ref)
        life.check_promote(project, tier)
        unit_id = life.tier_unit(tier, {"行业": department, "产业链": chain}.get(tier), project)
        with ledger.transaction() as writer:
            life.promote(writer, project, tier, unit_id, when)
            entry = life.reserve.entry(project.id, tier)
    _print(f"已升级：{project.label} → {entry.label}")


# ------------------------------------------------------------------ 后评价

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
                evaluation = store.record(writer, project, measures, _on(on), note=note,
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
    from projledger.render import print_table

    rows = [(e.project.label, e.evaluated_on, e.measures.area_mu, format_money(e.measures.output),
             format_money(e.measures.tax), e.measures.energy, e.derived.output_per_mu, e.derived.tax_per_mu,
             e.derived.energy_per_output, e.tier) for e in evaluations]
    title = "后评价结果" if recorded else f"后评价（{len(rows)}条）"
    print_table(title, ["项目", "评价日期", "用地(亩)", "产值(万元)", "税收(万元)", "能耗(吨标煤)",
                        "亩均产出(万元/亩)", "亩均税收(万元/亩)", "单位能耗(吨标煤/万元)", "档次"], rows,
                justify_right=range(2, 9))


# ------------------------------------------------------------------ annual plan

@plan_app.command("draft")
def plan_draft(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="计划年度")],
    out: Annotated[Optional[Path], typer.Option("--out", help="输出 Excel 文件，供专题会议审定标注")] = None,
    as_json: Json = False,
) -> None:
    """从储备库生成年度重大项目计划建议名单：前期越成熟、投资越大越靠前。"""
    from projledger.errors import UsageError
    from projledger.plans import check_year, plans_for_year
    from projledger.reserve import Reserve, procedures_done_counts, rank_candidates

    check_year(year)
    if out is None and not as_json:
        raise UsageError("请用 --out 指定输出文件（如 2027年度重大项目计划.xlsx），或用 --json 输出")
    with open_ledger(ctx) as ledger:
        in_plan = set(plans_for_year(ledger.db, year))
        done = procedures_done_counts(ledger.db)
        items = [i for i in Reserve(ledger.db).items() if i.project.id not in in_plan]
        ranked = rank_candidates(items, done)
        county = ledger.settings().county_name
    if out is not None:
        _write_draft(out, ranked, done, year, county)
    if as_json:
        emit_json([{"rank": n, **item.to_json(), "procedures_done": (done or {}).get(item.project.id, 0)
                    if done is not None else None} for n, item in enumerate(ranked, start=1)])
        return
    _print(f"已生成{year}年度重大项目计划建议名单：{len(ranked)}个储备项目 → {out}")


def _write_draft(out: Path, ranked, done, year: int, county: str) -> None:
    from projledger.lifecycle import default_nature
    from projledger.reports.xlsx import MONEY, new_workbook, save_workbook, setup_sheet, write_table, write_title

    headers = ["序号", "编号", "项目代码", "项目名称", "所在储备库", "责任部门", "所在乡镇", "项目阶段"]
    headers += ["前期手续已办结(项)"] if done is not None else []
    headers += ["产业类", "总投资（万元）", "未来三年预计投资（万元）", "项目来源", "目前进展情况", "建议性质",
                "专题会议意见", "拟安排年度计划投资（万元）", "备注"]
    rows = []
    for n, item in enumerate(ranked, start=1):
        p = item.project
        row = [n, p.id, p.code, p.name, "、".join(e.label for e in item.entries), p.department, p.township, p.stage]
        row += [done.get(p.id, 0)] if done is not None else []
        row += [{True: "是", False: "否"}.get(p.industrial), p.total_investment, item.info.next3_investment,
                item.info.source, item.info.progress, default_nature(p, year), None, None, None]
        rows.append(row)
    money_cols = {headers.index("总投资（万元）"): MONEY, headers.index("未来三年预计投资（万元）"): MONEY,
                  headers.index("拟安排年度计划投资（万元）"): MONEY}
    widths = [6, 6, 26, 32, 24, 14, 12, 12] + ([10] if done is not None else []) + [8, 14, 14, 16, 28, 10, 24, 14, 14]
    workbook = new_workbook()
    ws = workbook.create_sheet(f"{year}年度计划建议")
    top = write_title(ws, f"{county}{year}年度重大项目投资计划（建议名单）", len(headers),
                      subtitle=f"从项目储备库按前期成熟度、前期手续和投资规模排序，共{len(rows)}个项目；生成于{today()}")
    write_table(ws, top, headers, rows, formats=money_cols, widths=widths,
                wrap_columns=(3, headers.index("目前进展情况"), headers.index("专题会议意见")))
    setup_sheet(ws, header_row=top, first_column_frozen=4, last_column=len(headers))
    save_workbook(workbook, out)


def _parse_adopt_specs(specs: list[str], default: str | None) -> list[tuple[str, object]]:
    from projledger.errors import UsageError

    parsed = []
    for spec in specs:
        ref, sep, amount = spec.rpartition("=")
        if not sep:
            ref, amount = spec, default
        if not ref.strip():
            raise UsageError(f"“{spec}”应为 项目=年度计划投资（万元），如 2027-620821-48-01-000123=5000")
        parsed.append((ref.strip(), parse_amount(amount, f"{ref}的年度计划投资")))
    return parsed


@plan_app.command("adopt")
def plan_adopt(
    ctx: typer.Context,
    specs: Annotated[list[str], typer.Argument(help="项目=年度计划投资（万元），如 CODE=5000；只给项目时用 --investment", metavar="CODE[=AMOUNT]...")],
    year: Annotated[int, typer.Option("--year", help="计划年度")],
    investment: Annotated[Optional[str], typer.Option("--investment", help="未单独给出金额的项目的年度计划投资（万元）")] = None,
    nature: Annotated[Optional[str], typer.Option("--nature", help="建设性质（默认：已开工→续建，当年计划开工→新开工，否则前期）")] = None,
    on: On = None,
) -> None:
    """列入年度重大项目计划（专题会议审定后）：记录年度计划，项目移出储备库。"""
    from projledger.errors import DataError, UsageError
    from projledger.lifecycle import Lifecycle

    when = _on(on)
    parsed = _parse_adopt_specs(specs, investment)
    with open_ledger(ctx) as ledger:
        life = Lifecycle(ledger.db)
        todo, missing = [], []
        for ref, amount in parsed:
            project = life.projects.get(ref)
            if any(project.id == p.id for p, _ in todo):
                raise DataError(f"项目“{project.label}”重复列出")
            life.check_adopt(project, year, nature)
            if amount is None and life.plans.get(project.id, year) is None:
                missing.append(ref)
            todo.append((project, amount))
        if missing:
            raise UsageError(f"以下项目没有给出{year}年度计划投资：{'、'.join(missing)}；"
                            "请写成 项目=金额（万元），或用 --investment 统一给出")
        with ledger.transaction() as writer:
            results = []
            for project, amount in todo:
                outcome = life.adopt(writer, project, year, investment=amount, nature=nature, on=when)
                results.append((life.projects.by_id(project.id), outcome, life.plans.get(project.id, year)))
    from projledger.money import format_money

    words = {"created": "已列入", "updated": "已更新", "unchanged": "没有变化："}
    for project, outcome, plan in results:
        _print(f"{words[outcome]}{year}年度计划：{project.label}（{plan.nature}，{format_money(plan.investment)}万元）")


@plan_app.command("adjust")
def plan_adjust(
    ctx: typer.Context,
    quarter: Annotated[str, typer.Option("--quarter", help="季度，如 2026Q3")],
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="评估日期，默认季度末")] = None,
    drop: Annotated[Optional[list[str]], typer.Option("--drop", help="调出计划的项目（可重复）")] = None,
    add: Annotated[Optional[list[str]], typer.Option("--add", help="递补项目=年度计划投资（万元），可重复")] = None,
    as_json: Json = False,
) -> None:
    """动态调整：列出滞后的计划项目和可递补的储备项目；--drop/--add 执行调整（部门计划总量只增不减）。"""
    from projledger.cards import CardThresholds
    from projledger.plan_adjust import PlanAdjuster, parse_quarter

    year, q = parse_quarter(quarter)
    when = parse_iso_date(as_of, "评估日期")
    with open_ledger(ctx) as ledger:
        adjuster = PlanAdjuster(ledger.db)
        if drop or add:
            drops = [adjuster.life.projects.get(ref) for ref in drop or []]
            adds = [(adjuster.life.projects.get(ref), amount) for ref, amount in _parse_adopt_specs(add or [], None)]
            _require_amounts(adds)
            adjuster.check_swap(year, drops, adds)
            with ledger.transaction() as writer:
                totals = adjuster.apply(writer, year, q, drops, adds, when or today())
            return _print_swap(adjuster, year, drops, adds, totals, as_json)
        report = adjuster.report(year, q, CardThresholds.from_settings(ledger.settings().cards), when)
    if as_json:
        emit_json(report.to_json())
        return
    _print_adjust(report)


def _require_amounts(adds) -> None:
    from projledger.errors import UsageError

    for project, amount in adds:
        if amount is None:
            raise UsageError(f"递补项目“{project.label}”须给出年度计划投资：--add 项目=金额（万元）")


def _print_swap(adjuster, year, drops, adds, totals, as_json: bool) -> None:
    from projledger.money import format_money, money_json

    if as_json:
        emit_json({"year": year, "dropped": [p.code or p.id for p in drops],
                   "added": [p.code or p.id for p, _ in adds],
                   "departments": [{"department": adjuster.department_name(k), "before": money_json(b),
                                    "after": money_json(a)} for k, (b, a) in totals.items()]})
        return
    for project in drops:
        _print(f"已调出{year}年度计划：{project.label}")
    for project, amount in adds:
        _print(f"已递补列入{year}年度计划：{project.label}（{format_money(amount)}万元）")
    for key, (before, after) in totals.items():
        if before != after:
            _print(f"{adjuster.department_name(key) or '未指定部门'}年度计划投资：{format_money(before)} → {format_money(after)} 万元")


def _print_adjust(report) -> None:
    from projledger.money import format_money

    _print(f"{report.year}年第{report.quarter}季度动态调整（评估日期 {report.as_of}）：滞后项目 {len(report.lagging)} 个")
    for dept in report.departments:
        _print(f"\n【{dept.department or '未指定部门'}】年度计划 {format_money(dept.planned_total)} 万元；"
               f"滞后 {len(dept.lagging)} 个，计 {format_money(dept.lagging_total)} 万元；"
               f"按只增不减，递补项目年度计划投资合计须不少于 {format_money(dept.lagging_total)} 万元")
        for lag in dept.lagging:
            reasons = "；".join(item.reason for item in lag.items)
            _print(f"  滞后：{lag.project.label}（计划 {format_money(lag.investment)} 万元）— {reasons}")
        if not dept.candidates:
            _print("  可递补：储备库中没有前期成熟（正在开展/拟开展前期）的本部门项目")
        for item in dept.candidates:
            mark = "★建议" if item.project.id in dept.suggested else "  备选"
            _print(f"  {mark}：{item.project.label}（{item.project.stage}，总投资 {format_money(item.project.total_investment)} 万元）")
        if dept.candidates and not dept.covered:
            _print("  注意：可递补项目的投资规模不足以补齐，调出须慎重")
    if report.unplanned_started:
        _print("\n未纳入年度清单但已开工（应及时纳入清单调度管理）：")
        for p in report.unplanned_started:
            _print(f"  {p.label}（{p.actual_start}开工）")


# ------------------------------------------------------------------ completion, termination

@project_app.command("complete")
def project_complete(
    ctx: typer.Context, ref: Ref, on: On = None,
    stage: Annotated[str, typer.Option("--stage", help="竣工（默认）或 投产")] = "竣工",
) -> None:
    """竣工 / 投产：销号清零，移出以后年度的计划。"""
    from projledger.lifecycle import Lifecycle

    when = _on(on)
    with open_ledger(ctx) as ledger:
        life = Lifecycle(ledger.db)
        project = life.projects.get(ref)
        life.check_complete(project, when, stage)
        with ledger.transaction() as writer:
            removed = life.complete(writer, project, when, stage)
    tail = f"，已移出{'、'.join(map(str, removed))}年度计划" if removed else ""
    _print(f"{project.label} 已于{when}{stage}，销号清零{tail}")


@project_app.command("terminate")
def project_terminate(
    ctx: typer.Context, ref: Ref,
    reason: Annotated[str, typer.Option("--reason", help="终止或退库的原因（必填）")],
    as_stage: Annotated[Optional[str], typer.Option("--as", help="终止 / 退库（默认：储备项目退库，其余终止）")] = None,
    on: On = None,
) -> None:
    """终止项目或退出储备库（须写明原因），同时移出储备库和以后年度的计划。"""
    from projledger.lifecycle import Lifecycle

    when = _on(on)
    with open_ledger(ctx) as ledger:
        life = Lifecycle(ledger.db)
        project = life.projects.get(ref)
        life.check_terminate(project, as_stage, reason)
        with ledger.transaction() as writer:
            stage, removed = life.terminate(writer, project, when, reason, as_stage)
    tail = f"，已移出{'、'.join(map(str, removed))}年度计划" if removed else ""
    _print(f"{project.label} 已{stage}（{when}，原因：{reason.strip()}）{tail}")


def register(app: typer.Typer) -> None:
    app.add_typer(reserve_app, name="reserve")
    app.command("evaluate")(evaluate)
