"""``projledger project …``: the project ledger by hand (一项目一表), completion and termination.

The annual plan commands are in :mod:`projledger.cli.plans`, ``progress log`` in
:mod:`projledger.cli.progress`.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from projledger.cli.common import On, console, emit_json, on_or_today, open_ledger, parse_amount, say, warn
from projledger.dates import parse_iso_date

project_app = typer.Typer(help="项目（一项目一表）", no_args_is_help=True)

Ref = Annotated[str, typer.Argument(help="项目代码、编号或完整名称", metavar="CODE_OR_ID")]
Json = Annotated[bool, typer.Option("--json", help="输出 JSON")]


Level = Annotated[Optional[str], typer.Option("--level", help="项目级别：省重点 / 市重点 / 县重点（空字符串清除）")]
Tags = Annotated[Optional[list[str]], typer.Option("--tag", help="加入清单（可多次），如 招商引资重点项目")]
Liaison = Annotated[Optional[str], typer.Option("--liaison", help="服务专员（人员名单中的姓名）")]


def _project_fields(projects, *, name, code, township, department, owner, total_investment,
                    nature, stage, industry, planned_start, actual_start, leader, note,
                    level=None, liaison=None) -> dict:
    """Checked column values; a leader or liaison not in the people list is kept as text
    (with a warning), as a sheet's would be."""
    from projledger.leaders import People

    fields = projects.project_columns(
        name=name, code=code, township=township, department=department, owner=owner,
        total_investment=parse_amount(total_investment, "总投资"), nature=nature, stage=stage,
        industry=industry, planned_start=parse_iso_date(planned_start, "计划开工日期"),
        actual_start=parse_iso_date(actual_start, "实际开工日期"), note=note, level=level)
    people = People(projects.db)
    for role, value in (("leader", leader), ("liaison", liaison)):
        columns = people.project_columns(role, value, strict=False)
        text, link = columns.get(role), columns.get(f"{role}_person_id")
        if text and link is None:
            label = "包联领导" if role == "leader" else "服务专员"
            warn(f"{label}“{text}”不在人员名单中，按文字保存；用 projledger leader add {text} 添加后自动关联")
        fields.update(columns)
    return fields


@project_app.command("add")
def project_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="项目名称")],
    code: Annotated[Optional[str], typer.Option("--code", help="全国投资项目统一代码，如 2026-620821-47-01-012345")] = None,
    township: Annotated[Optional[str], typer.Option("--township", help="所在乡镇（名称或别名）")] = None,
    department: Annotated[Optional[str], typer.Option("--department", help="责任部门（名称或别名）")] = None,
    owner: Annotated[Optional[str], typer.Option("--owner", help="建设单位")] = None,
    total_investment: Annotated[Optional[str], typer.Option("--total-investment", help="总投资（万元）")] = None,
    nature: Annotated[Optional[str], typer.Option("--nature", help="新开工 / 续建 / 前期")] = None,
    stage: Annotated[Optional[str], typer.Option("--stage", help="项目阶段，默认同建设性质，无则“谋划”")] = None,
    industry: Annotated[Optional[str], typer.Option("--industry", help="所属行业")] = None,
    planned_start: Annotated[Optional[str], typer.Option("--planned-start", help="计划开工日期 YYYY-MM-DD")] = None,
    actual_start: Annotated[Optional[str], typer.Option("--actual-start", help="实际开工日期 YYYY-MM-DD")] = None,
    leader: Annotated[Optional[str], typer.Option("--leader", help="包联领导（人员名单中的姓名）")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="备注")] = None,
    level: Level = None,
    tag: Tags = None,
    liaison: Liaison = None,
) -> None:
    """添加项目。"""
    from projledger.projects import Projects

    with open_ledger(ctx) as ledger:
        projects = Projects(ledger.db)
        fields = _project_fields(projects, name=name, code=code, township=township, department=department,
                                 owner=owner, total_investment=total_investment, nature=nature, stage=stage,
                                 industry=industry, planned_start=planned_start, actual_start=actual_start,
                                 leader=leader, note=note, level=level, liaison=liaison)
        tags = projects.check_tags(tag)
        with ledger.transaction() as writer:
            project = projects.add(writer, fields)
            projects.set_tags(writer, project, add=tags)
    console().print(f"已添加项目“{project.label}”，编号 {project.id}", markup=False)


@project_app.command("update")
def project_update(
    ctx: typer.Context,
    ref: Ref,
    name: Annotated[Optional[str], typer.Option("--name")] = None,
    code: Annotated[Optional[str], typer.Option("--code")] = None,
    township: Annotated[Optional[str], typer.Option("--township")] = None,
    department: Annotated[Optional[str], typer.Option("--department")] = None,
    owner: Annotated[Optional[str], typer.Option("--owner")] = None,
    total_investment: Annotated[Optional[str], typer.Option("--total-investment", help="总投资（万元）")] = None,
    nature: Annotated[Optional[str], typer.Option("--nature")] = None,
    stage: Annotated[Optional[str], typer.Option("--stage")] = None,
    industry: Annotated[Optional[str], typer.Option("--industry")] = None,
    planned_start: Annotated[Optional[str], typer.Option("--planned-start")] = None,
    actual_start: Annotated[Optional[str], typer.Option("--actual-start")] = None,
    leader: Annotated[Optional[str], typer.Option("--leader", help="包联领导（空字符串清除）")] = None,
    note: Annotated[Optional[str], typer.Option("--note")] = None,
    level: Level = None,
    tag: Tags = None,
    untag: Annotated[Optional[list[str]], typer.Option("--untag", help="移出清单（可多次）")] = None,
    liaison: Liaison = None,
) -> None:
    """修改项目信息（只改给出的字段，变更记入留痕）。"""
    from projledger.errors import UsageError
    from projledger.projects import Projects

    with open_ledger(ctx) as ledger:
        projects = Projects(ledger.db)
        project = projects.get(ref)
        fields = _project_fields(projects, name=name, code=code, township=township, department=department,
                                 owner=owner, total_investment=total_investment, nature=nature, stage=stage,
                                 industry=industry, planned_start=planned_start, actual_start=actual_start,
                                 leader=leader, note=note, level=level, liaison=liaison)
        if level is not None and not level.strip():
            fields["level"] = None
        add_tags, drop_tags = projects.check_tags(tag), projects.check_tags(untag)
        if not fields and not add_tags and not drop_tags:
            raise UsageError("没有给出要修改的字段（如 --actual-start 2026-04-15）")
        if "stage" in fields:
            from projledger.lifecycle import check_stage_change

            check_stage_change(project, fields["stage"])
        with ledger.transaction() as writer:
            changed = projects.update(writer, project, fields) if fields else False
            changed = projects.set_tags(writer, project, add=add_tags, remove=drop_tags) > 0 or changed
    console().print(f"已更新项目“{project.label}”" if changed else f"项目“{project.label}”没有变化", markup=False)


@project_app.command("list")
def project_list(
    ctx: typer.Context,
    township: Annotated[Optional[str], typer.Option("--township", help="按乡镇筛选")] = None,
    department: Annotated[Optional[str], typer.Option("--department", help="按部门筛选")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="只列该年度计划内项目，并给出年度计划和累计完成")] = None,
    stage: Annotated[Optional[str], typer.Option("--stage", help="按阶段筛选")] = None,
    level: Annotated[Optional[str], typer.Option("--level", help="按项目级别筛选：省重点 / 市重点 / 县重点")] = None,
    tag: Annotated[Optional[str], typer.Option("--tag", help="按清单筛选，如 招商引资重点项目")] = None,
    leader: Annotated[Optional[str], typer.Option("--leader", help="按包联领导筛选（人员名单中的姓名）")] = None,
    county: Annotated[Optional[str], typer.Option("--county", help="市级汇总库中按县区筛选")] = None,
    as_json: Json = False,
) -> None:
    """列出项目。"""
    from projledger.money import format_money, money_json
    from projledger.plans import planned_completions, plans_for_year
    from projledger.progress import ytd_by_project
    from projledger.projects import Projects
    from projledger.cli.render import print_table

    with open_ledger(ctx) as ledger:
        projects = Projects(ledger.db).list(township=township, department=department, stage=stage,
                                            level=level, tag=tag)
        if county is not None:
            from projledger.report_data import ProjectFilter, filtered_project_ids
            from projledger.rollup import check_county

            keep = filtered_project_ids(ledger.db, ProjectFilter(county=check_county(ledger.db, county)))
            projects = [p for p in projects if p.id in keep]
        if leader is not None:
            from projledger.leaders import People

            person = People(ledger.db).get(leader)
            projects = [p for p in projects if p.leader_person_id == person.id]
        plans = plans_for_year(ledger.db, year) if year else {}
        ytd = ytd_by_project(ledger.db, year) if year else {}
        completions = planned_completions(ledger.db, year)
    if year:
        projects = [p for p in projects if p.id in plans]
    if as_json:
        rows = []
        for p in projects:
            row = p.to_json()
            row["planned_completion"] = completions[p.id].isoformat() if p.id in completions else None
            if year:
                row["annual_plan"] = money_json(plans[p.id].investment)
                row["ytd_completed"] = money_json(ytd.get(p.id, 0))
            rows.append(row)
        emit_json(rows)
        return
    columns = ["编号", "项目代码", "项目名称", "乡镇", "部门", "级别", "阶段", "总投资(万元)", "计划开工", "实际开工",
               "包联领导"]
    if year:
        columns += [f"{year}年计划(万元)", "累计完成(万元)"]
    rows = []
    for p in projects:
        row = [p.id, p.code, p.name, p.township, p.department, p.level, p.stage, format_money(p.total_investment),
               p.planned_start, p.actual_start, p.leader]
        if year:
            row += [format_money(plans[p.id].investment), format_money(ytd.get(p.id))]
        rows.append(row)
    scope = "，".join(x for x in (level, f"清单：{tag}" if tag else None, f"包联领导：{leader}" if leader else None) if x)
    print_table(f"项目（{scope + '，' if scope else ''}{len(projects)}个）", columns, rows, justify_right=(7, 11, 12))


@project_app.command("complete")
def project_complete(
    ctx: typer.Context, ref: Ref, on: On = None,
    stage: Annotated[str, typer.Option("--stage", help="竣工（默认）或 投产")] = "竣工",
) -> None:
    """竣工 / 投产：销号清零，移出以后年度的计划。"""
    from projledger.dates import parse_done_on
    from projledger.lifecycle import Lifecycle

    when = parse_done_on(on, f"{stage}日期")
    with open_ledger(ctx) as ledger:
        life = Lifecycle(ledger.db)
        project = life.projects.get(ref)
        life.check_complete(project, when, stage)
        with ledger.transaction() as writer:
            removed = life.complete(writer, project, when, stage)
    tail = f"，已移出{'、'.join(map(str, removed))}年度计划" if removed else ""
    say(f"{project.label} 已于{when}{stage}，销号清零{tail}")


@project_app.command("terminate")
def project_terminate(
    ctx: typer.Context, ref: Ref,
    reason: Annotated[str, typer.Option("--reason", help="终止或退库的原因（必填）")],
    as_stage: Annotated[Optional[str], typer.Option("--as", help="终止 / 退库（默认：储备项目退库，其余终止）")] = None,
    on: On = None,
) -> None:
    """终止项目或退出储备库（须写明原因），同时移出储备库和以后年度的计划。"""
    from projledger.lifecycle import Lifecycle

    when = on_or_today(on)
    with open_ledger(ctx) as ledger:
        life = Lifecycle(ledger.db)
        project = life.projects.get(ref)
        life.check_terminate(project, as_stage, reason)
        with ledger.transaction() as writer:
            stage, removed = life.terminate(writer, project, when, reason, as_stage)
    tail = f"，已移出{'、'.join(map(str, removed))}年度计划" if removed else ""
    say(f"{project.label} 已{stage}（{when}，原因：{reason.strip()}）{tail}")


def register(app: typer.Typer) -> None:
    from projledger.cli.project_table import project_sheet, project_show

    project_app.command("show")(project_show)
    project_app.command("sheet")(project_sheet)
    app.add_typer(project_app, name="project")
