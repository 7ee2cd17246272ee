"""``projledger rollup``: build or refresh a city roll-up from county ledgers (SPEC §14)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from projledger.cli.common import Json, emit_json, is_terminal, say

__all__ = ["register"]


def rollup(
    files: Annotated[list[Path], typer.Argument(help="各县台账文件（.db）", metavar="县台账.db...",
                                                show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="汇总库文件（不存在时新建；已有时逐县刷新）",
                                      metavar="PATH")],
    name: Annotated[Optional[str], typer.Option("--name", help="汇总库的名称（报表标题用），如 平凉市")] = None,
    as_json: Json = False,
) -> None:
    """汇总各县台账到一个市级汇总库：每个县整体替换（一个县一个事务），汇总库只读。"""
    from projledger.rollup import build_rollup

    if is_terminal() and not as_json:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("汇总", total=len(files))

            def step(county: str) -> None:
                bar.update(task, advance=1, description=f"汇总 {county}")

            results = build_rollup(out, files, name=name, progress=step)
    else:
        results = build_rollup(out, files, name=name)
    if as_json:
        emit_json({"out": str(out), "counties": [r.to_json() for r in results]})
        return
    labels = {"added": "新加入", "refreshed": "已刷新", "unchanged": "无变化（已重新核对）"}
    for result in results:
        say(f"{result.county}：{labels[result.status]}，{result.projects} 个项目，"
            f"{result.rows} 行，{result.seconds:.1f} 秒（{result.path}）")
    say(f"汇总库“{out}”：本次处理 {len(results)} 个县")


def register(app: typer.Typer) -> None:
    app.command("rollup")(rollup)
