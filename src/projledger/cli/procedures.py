"""``projledger procedure …``: approval procedures (前期手续) and their catalog.

``procedure list --overdue`` / ``--due-within N`` drive the daily 催办; the rules for which
deadline counts, overdue and due-within are in :mod:`projledger.procedures`.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from projledger.cli.common import console, emit_json, open_ledger, warn
from projledger.dates import parse_iso_date

procedure_app = typer.Typer(help="前期手续（审批事项、办理时限、批复文号）", no_args_is_help=True)
catalog_app = typer.Typer(help="手续事项目录（默认办理时限）", no_args_is_help=True)

Ref = Annotated[str, typer.Argument(help="项目代码、编号或完整名称", metavar="CODE")]
Item = Annotated[str, typer.Argument(help="手续事项，如 环评", metavar="ITEM")]
Json = Annotated[bool, typer.Option("--json", help="输出 JSON")]
On = Annotated[Optional[str], typer.Option("--on", help="日期 YYYY-MM-DD，默认今天")]


def _today():
    from projledger.dates import today

    return today()


def _print_one(proc, as_of, cal) -> None:
    data = proc.to_json(as_of, cal)
    due = data["current_due"] or data["due_on"]
    extra = "（暂定）" if proc.due_provisional and due == data["due_on"] else ""
    console().print(f"{proc.project_label} · {proc.item}（{proc.mode}）：受理 {data['accepted_on']}，"
                    f"时限 {proc.limit_workdays} 个工作日，截止 {due}{extra}", markup=False)
    for label, key in (("容缺材料补齐", "supplement_by"), ("模拟审批有效期至", "expires_on"),
                       ("转正式截止", "convert_due")):
        if data[key]:
            console().print(f"  {label}：{data[key]}", markup=False)


@procedure_app.command("add")
def procedure_add(
    ctx: typer.Context,
    ref: Ref,
    item: Annotated[str, typer.Option("--item", help="手续事项（目录中的名称或别名）")],
    accepted: Annotated[Optional[str], typer.Option("--accepted", help="受理日期，默认今天")] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", help="办理时限（工作日），默认取目录")] = None,
    mode: Annotated[Optional[str], typer.Option("--mode", help="常规 / 承诺制 / 容缺受理 / 模拟审批")] = None,
    supplement_by: Annotated[Optional[str], typer.Option("--supplement-by", help="容缺材料补齐日期（容缺受理必填）")] = None,
    lead: Annotated[Optional[str], typer.Option("--lead", help="牵头（审批）部门")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="备注")] = None,
    as_json: Json = False,
) -> None:
    """登记一项前期手续，按法定工作日计算办理截止日期。"""
    from projledger.procedures import ProcedureStore

    accepted_on = parse_iso_date(accepted, "受理日期")
    supplement = parse_iso_date(supplement_by, "容缺材料补齐日期")
    with open_ledger(ctx) as ledger:
        store = ProcedureStore(ledger.db)
        change = store.prepare_add(ref, item, accepted_on=accepted_on, limit=limit, mode=mode,
                                   supplement_by=supplement, lead=lead, note=note)
        with ledger.transaction() as w:
            proc = store.apply(w, change)
        cal = store.calendar
    for message in change.warnings:
        warn(message)
    if as_json:
        emit_json(proc.to_json(proc.accepted_on, cal))
        return
    console().print(f"已登记手续，编号 {proc.id}", markup=False)
    _print_one(proc, proc.accepted_on, cal)


def _find(ledger, ref: str, item: str):
    from projledger.procedures import ProcedureStore

    store = ProcedureStore(ledger.db)
    return store, store.get(ref, item)


@procedure_app.command("done")
def procedure_done(
    ctx: typer.Context,
    ref: Ref,
    item: Item,
    on: On = None,
    doc: Annotated[Optional[str], typer.Option("--doc", help="批复文号，如 泾环审〔2026〕12号")] = None,
    simulated: Annotated[bool, typer.Option("--simulated", help="登记的是模拟审批意见（不是正式批复）")] = False,
) -> None:
    """登记手续办结（正式批复及文号；模拟审批意见用 --simulated）。"""
    from projledger.dates import parse_done_on

    day = parse_done_on(on, "办结日期")
    with open_ledger(ctx) as ledger:
        store, proc = _find(ledger, ref, item)
        change = store.prepare_done(proc, day, doc, simulated=simulated)
        with ledger.transaction() as w:
            proc = store.apply(w, change)
    what = "模拟审批意见" if simulated else "办结"
    number = proc.simulated_doc if simulated else proc.doc_number
    console().print(f"已登记{what}：{proc.project_label} · {proc.item}，{day.isoformat()}"
                    + (f"，{number}" if number else ""), markup=False)
    if simulated:
        console().print("取得土地使用权后请用 projledger procedure convert 登记，3个工作日内转为正式批复",
                        markup=False)


@procedure_app.command("convert")
def procedure_convert(ctx: typer.Context, ref: Ref, item: Item, on: On = None) -> None:
    """模拟审批：登记取得土地使用权（进入文件转换），3个工作日内应出具正式批复。"""
    day = parse_iso_date(on, "取得土地日期") or _today()
    with open_ledger(ctx) as ledger:
        store, proc = _find(ledger, ref, item)
        change = store.prepare_convert(proc, day)
        with ledger.transaction() as w:
            proc = store.apply(w, change)
    for message in change.warnings:
        warn(message)
    console().print(f"已登记转正式：{proc.project_label} · {proc.item}，正式批复应于 "
                    f"{proc.convert_due.isoformat()} 前出具", markup=False)


@procedure_app.command("supplement")
def procedure_supplement(ctx: typer.Context, ref: Ref, item: Item, on: On = None) -> None:
    """容缺受理：登记容缺材料已补齐。"""
    day = parse_iso_date(on, "补齐日期") or _today()
    with open_ledger(ctx) as ledger:
        store, proc = _find(ledger, ref, item)
        change = store.prepare_supplement(proc, day)
        with ledger.transaction() as w:
            proc = store.apply(w, change)
    console().print(f"已登记容缺材料补齐：{proc.project_label} · {proc.item}，{day.isoformat()}", markup=False)


@procedure_app.command("list")
def procedure_list(
    ctx: typer.Context,
    overdue: Annotated[bool, typer.Option("--overdue", help="只列逾期未办结的")] = False,
    due_within: Annotated[Optional[int], typer.Option("--due-within", help="只列 N 个工作日内到期的", metavar="N")] = None,
    project: Annotated[Optional[str], typer.Option("--project", help="按项目筛选（代码、编号或名称）")] = None,
    department: Annotated[Optional[str], typer.Option("--department", help="按牵头部门筛选")] = None,
    mode: Annotated[Optional[str], typer.Option("--mode", help="按办理模式筛选")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="只列未办结的")] = False,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="以该日期为准，默认今天")] = None,
    as_json: Json = False,
) -> None:
    """列出前期手续；--overdue 与 --due-within 同时给出时列出二者之和。"""
    from projledger.procedures import ProcedureStore
    from projledger.cli.render import print_table
    from projledger.workdays import provisional_warning

    day = parse_iso_date(as_of, "截至日期") or _today()
    with open_ledger(ctx) as ledger:
        store = ProcedureStore(ledger.db)
        found = store.list(project=project, department=department, mode=mode, overdue=overdue,
                           due_within=due_within, open_only=open_only, as_of=day)
        cal = store.calendar
        notice = ledger.settings().cards.expiry_notice_days  # the simulated_expiry card's window
        rows = [p.to_json(day, cal, notice) for p in found]
        years = sorted({y for p in found if p.due_provisional or p.convert_due_provisional
                        for y in cal.years_incomplete(p.accepted_on, p.convert_due or p.due_on)})
    warnings = [provisional_warning(y) for y in years]
    for message in warnings:
        warn(message)
    if as_json:
        emit_json(rows)
        return
    table = [(r["id"], r["project_name"], r["item"], r["mode"], r["lead_unit"], r["accepted_on"],
              r["limit_workdays"], (r["current_due"] or "") + ("（暂定）" if r["due_provisional"] else ""),
              r["done_on"], r["doc_number"], "；".join(r["alerts"])) for r in rows]
    print_table(f"前期手续（{len(rows)}项，截至 {day.isoformat()}）",
                ["编号", "项目", "事项", "模式", "牵头部门", "受理", "时限", "截止", "办结", "文号", "提示"],
                table, justify_right=(0, 6))


@catalog_app.command("list")
def catalog_list(ctx: typer.Context, as_json: Json = False) -> None:
    """列出手续事项目录（内置与用户添加）。"""
    from projledger.procedures import Catalog
    from projledger.cli.render import print_table

    with open_ledger(ctx) as ledger:
        items = Catalog(ledger.db).items()
    if as_json:
        emit_json([i.to_json() for i in items])
        return
    print_table(f"手续事项目录（{len(items)}项）", ["事项", "默认时限(工作日)", "别名", "来源", "依据/备注"],
                [(i.item, i.default_limit_workdays, "、".join(i.aliases),
                  "内置" if i.source == "builtin" else "用户", i.note) for i in items], justify_right=(1,))


@catalog_app.command("add")
def catalog_add(
    ctx: typer.Context,
    item: Annotated[str, typer.Argument(help="事项名称", metavar="ITEM")],
    limit: Annotated[Optional[int], typer.Option("--limit", help="默认办理时限（工作日）")] = None,
    alias: Annotated[Optional[list[str]], typer.Option("--alias", help="别名，可多次给出")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="依据或备注")] = None,
) -> None:
    """添加手续事项，或修改已有事项的默认时限和别名。"""
    from projledger.procedures import Catalog

    with open_ledger(ctx) as ledger:
        catalog = Catalog(ledger.db)
        name, values = catalog.prepare_add(item, limit, alias or (), note)
        with ledger.transaction() as w:
            entry, outcome = catalog.save(w, name, values)
    text = {"created": "已添加", "updated": "已更新", "unchanged": "没有变化："}[outcome]
    console().print(f"{text}手续事项“{entry.item}”，默认时限 {entry.default_limit_workdays} 个工作日",
                    markup=False)


def register(app: typer.Typer) -> None:
    procedure_app.add_typer(catalog_app, name="catalog")
    app.add_typer(procedure_app, name="procedure")
