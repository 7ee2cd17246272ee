"""``projledger unit …``: townships, departments, task forces, chain offices and their aliases."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from projledger.cli.common import console, emit_json, open_ledger

unit_app = typer.Typer(help="单位（乡镇、县直部门、专班、产业链办公室）及别名", no_args_is_help=True)

KIND_HELP = "township（乡镇/街道/开发区）| department（县直部门）| taskforce（专班）| chain（产业链办公室）"


@unit_app.command("add")
def unit_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="单位正式名称，如 县发改局")],
    kind: Annotated[str, typer.Option("--kind", help=KIND_HELP)],
    alias: Annotated[Optional[list[str]], typer.Option("--alias", help="别名，可重复")] = None,
) -> None:
    """添加单位（可带多个别名）。"""
    from projledger.units import Units, check_kind

    check_kind(kind)
    with open_ledger(ctx) as ledger:
        units = Units(ledger.db)
        with ledger.transaction() as writer:
            unit = units.add(writer, name, kind, alias or [])
    aliases = f"（别名：{'、'.join(unit.aliases)}）" if unit.aliases else ""
    console().print(f"已添加单位“{unit.name}”{aliases}", markup=False)


@unit_app.command("alias")
def unit_alias(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="单位名称或已有别名")],
    alias: Annotated[str, typer.Argument(help="新别名")],
    remove: Annotated[bool, typer.Option("--remove", help="删除这个别名而不是添加")] = False,
) -> None:
    """为单位添加（或 --remove 删除）别名。"""
    from projledger.units import Units

    with open_ledger(ctx) as ledger:
        units = Units(ledger.db)
        with ledger.transaction() as writer:
            unit = units.remove_alias(writer, alias) if remove else units.add_alias(writer, name, alias)
    console().print(f"单位“{unit.name}”的别名：{'、'.join(unit.aliases) or '无'}", markup=False)


@unit_app.command("import")
def unit_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV：name,kind,aliases（别名用 | 分隔）")],
) -> None:
    """从 CSV 批量添加单位；已存在的同名同类单位补上缺少的别名。整个文件一次写入。"""
    from projledger.errors import DataError
    from projledger.units import Units, read_units_csv

    if not file.exists():
        raise DataError(f"文件“{file}”不存在")
    rows = read_units_csv(file)
    added = aliased = 0
    with open_ledger(ctx) as ledger:
        units = Units(ledger.db)
        with ledger.transaction() as writer:
            for name, kind, aliases in rows:
                existing = units.find(name)
                if existing is None:
                    units.add(writer, name, kind, aliases)
                    added += 1
                    continue
                if existing.kind != kind:
                    raise DataError(f"“{name}”已是{existing.kind}类单位“{existing.name}”，文件中却标为 {kind}")
                for alias in aliases:
                    if units.find(alias) is None:
                        units.add_alias(writer, existing.name, alias)
                        aliased += 1
    console().print(f"已添加 {added} 个单位，补充 {aliased} 个别名", markup=False)


@unit_app.command("list")
def unit_list(
    ctx: typer.Context,
    kind: Annotated[Optional[str], typer.Option("--kind", help=KIND_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """列出单位及别名。"""
    from projledger.cli.render import print_table
    from projledger.units import KIND_LABELS, Units, check_kind

    if kind:
        check_kind(kind)
    with open_ledger(ctx) as ledger:
        units = [u for u in Units(ledger.db).all() if not kind or u.kind == kind]
    if as_json:
        emit_json([u.to_json() for u in units])
        return
    print_table(f"单位（{len(units)}个）", ["名称", "类型", "别名"],
                [(u.name, KIND_LABELS[u.kind], "、".join(u.aliases)) for u in units])


def register(app: typer.Typer) -> None:
    app.add_typer(unit_app, name="unit")
