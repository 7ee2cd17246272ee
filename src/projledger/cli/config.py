"""``projledger config …``: settings stored in the ledger, validated before they are saved."""

from __future__ import annotations

from typing import Annotated

import typer

from projledger.cli.common import console, emit_json, open_ledger

config_app = typer.Typer(help="设置（县名、评分权重、亮牌阈值、储备库目标等）", no_args_is_help=True)


@config_app.command("show")
def config_show(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False) -> None:
    """显示全部设置（含默认值）。"""
    from projledger.settings import settings_json

    with open_ledger(ctx) as ledger:
        values = settings_json(ledger.settings())
    if as_json:
        emit_json(values)
        return
    from projledger.cli.render import print_table

    print_table("设置", ["键", "值"], [(k, _shown(v)) for k, v in values.items()])


@config_app.command("set")
def config_set(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="设置键，如 scoring.weights.invest")],
    value: Annotated[str, typer.Argument(help="值；列表用 JSON，如 '[\"用地\",\"规划\"]'")],
) -> None:
    """修改一项设置（校验通过才保存，记入留痕）。"""
    from projledger.settings import check_key, set_setting

    check_key(key)
    with open_ledger(ctx) as ledger:
        with ledger.transaction() as writer:
            old, new = set_setting(writer, ledger.db, key, value)
    console().print(f"{key}：{_shown(old)} → {_shown(new)}", markup=False)


def _shown(value) -> str:
    """A setting as ``config set`` takes it: lists and flags as JSON, nothing as （未设置）."""
    if value is None:
        return "（未设置）"
    if isinstance(value, (list, dict, bool)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


@config_app.command("unset")
def config_unset(ctx: typer.Context, key: Annotated[str, typer.Argument(help="设置键")]) -> None:
    """恢复一项设置的默认值。"""
    from projledger.settings import unset_setting

    with open_ledger(ctx) as ledger:
        with ledger.transaction() as writer:
            removed = unset_setting(writer, key)
    console().print(f"{key} 已恢复默认值" if removed else f"{key} 本来就是默认值", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")
