"""``projledger plan …``: the annual major-project plan (年度重大项目投资计划).

``plan set`` records one project's year plan by hand; ``plan draft`` ranks the reserve into a
suggestion list; ``plan adopt`` enters the projects the 专题会议 approved; ``plan adjust`` is
the quarterly 动态调整 (只增不减 per department).  Each command validates first, then writes
in one transaction; no SQL here.

``plan adopt`` takes each project's year plan investment as ``CODE=AMOUNT`` (万元); a bare
``CODE`` uses ``--investment`` or, failing that, an existing plan record of that year —
never a silent 0, because a zero plan would make the project's investment rate meaningless in
the monthly ranking.  ``CODE=0`` is accepted when meant (a 前期 project with no spending).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from projledger.cli.common import Json, On, Ref, console, emit_json, on_or_today, open_ledger, parse_amount, say, warn
from projledger.dates import parse_iso_date, today

__all__ = ["register", "plan_app"]

plan_app = typer.Typer(help="年度重大项目投资计划", no_args_is_help=True)


@plan_app.command("set")
def plan_set(
    ctx: typer.Context,
    ref: Ref,
    year: Annotated[int, typer.Option("--year", help="年度")],
    investment: Annotated[Optional[str], typer.Option("--investment", help="年度计划投资（万元）")] = None,
    nature: Annotated[Optional[str], typer.Option("--nature", help="新开工 / 续建 / 前期")] = None,
    planned_start: Annotated[Optional[str], typer.Option("--planned-start", help="计划开工日期")] = None,
    planned_completion: Annotated[Optional[str], typer.Option(
        "--planned-completion", help="计划竣工（建成、投产）日期 YYYY-MM-DD；逾期未竣工亮牌")] = None,
) -> None:
    """设置项目的年度计划（列入该年度重大项目计划；储备项目随之出库）。"""
    import datetime as dt

    from projledger.lifecycle import Lifecycle
    from projledger.plans import Plans
    from projledger.projects import Projects

    amount = parse_amount(investment, "年度计划投资")
    start = parse_iso_date(planned_start, "计划开工日期")
    completion = parse_iso_date(planned_completion, "计划竣工日期")
    if completion is not None and start is not None and completion < start:
        from projledger.errors import DataError

        raise DataError(f"计划竣工日期 {completion} 早于计划开工日期 {start}")
    with open_ledger(ctx) as ledger:
        project = Projects(ledger.db).get(ref)
        plans, lifecycle = Plans(ledger.db), Lifecycle(ledger.db)
        entering = plans.get(project.id, year) is None
        if entering:
            lifecycle.check_adopt(project, year, nature, strict=False)
        with ledger.transaction() as writer:
            if entering and amount is not None:
                # A new plan record is 列入年度计划: out of the reserve, stage follows the nature.
                lifecycle.adopt(writer, project, year, investment=amount, nature=nature, on=dt.date.today(),
                                strict=False)
                outcome = "created"
                if start is not None or completion is not None:
                    plans.set(writer, Projects(ledger.db).get(str(project.id)), year, planned_start=start,
                              planned_completion=completion)
            else:
                outcome = plans.set(writer, project, year, investment=amount, nature=nature,
                                    planned_start=start, planned_completion=completion)
    words = {"created": "已列入", "updated": "已更新", "unchanged": "没有变化："}
    console().print(f"{words[outcome]}{year}年度计划：{project.label}", markup=False)
    if nature == "续建" and (project.actual_start is None or project.actual_start.year >= year):
        warn(f"项目“{project.label}”按续建列入{year}年度计划，但还没有{year}年以前的实际开工日期，请补录 --actual-start")


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
    say(f"已生成{year}年度重大项目计划建议名单：{len(ranked)}个储备项目 → {out}")


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

    when = on_or_today(on)
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
        say(f"{words[outcome]}{year}年度计划：{project.label}（{plan.nature}，{format_money(plan.investment)}万元）")


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
        say(f"已调出{year}年度计划：{project.label}")
    for project, amount in adds:
        say(f"已递补列入{year}年度计划：{project.label}（{format_money(amount)}万元）")
    for key, (before, after) in totals.items():
        if before != after:
            say(f"{adjuster.department_name(key) or '未指定部门'}年度计划投资：{format_money(before)} → {format_money(after)} 万元")


def _print_adjust(report) -> None:
    from projledger.money import format_money

    say(f"{report.year}年第{report.quarter}季度动态调整（评估日期 {report.as_of}）：滞后项目 {len(report.lagging)} 个")
    for dept in report.departments:
        say(f"\n【{dept.department or '未指定部门'}】年度计划 {format_money(dept.planned_total)} 万元；"
               f"滞后 {len(dept.lagging)} 个，计 {format_money(dept.lagging_total)} 万元；"
               f"按只增不减，递补项目年度计划投资合计须不少于 {format_money(dept.lagging_total)} 万元")
        for lag in dept.lagging:
            reasons = "；".join(item.reason for item in lag.items)
            say(f"  滞后：{lag.project.label}（计划 {format_money(lag.investment)} 万元）— {reasons}")
        if not dept.candidates:
            say("  可递补：储备库中没有前期成熟（正在开展/拟开展前期）的本部门项目")
        for item in dept.candidates:
            mark = "★建议" if item.project.id in dept.suggested else "  备选"
            say(f"  {mark}：{item.project.label}（{item.project.stage}，总投资 {format_money(item.project.total_investment)} 万元）")
        if dept.candidates and not dept.covered:
            say("  注意：可递补项目的投资规模不足以补齐，调出须慎重")
    if report.unplanned_started:
        say("\n未纳入年度清单但已开工（应及时纳入清单调度管理）：")
        for p in report.unplanned_started:
            say(f"  {p.label}（{p.actual_start}开工）")


def register(app: typer.Typer) -> None:
    app.add_typer(plan_app, name="plan")
