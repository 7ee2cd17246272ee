"""Top-level ledger commands: ``init``, ``history``, ``backup``, ``doctor``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from projledger.cli.common import console, emit_json, is_terminal, open_ledger, state, warn

Json = Annotated[bool, typer.Option("--json", help="输出 JSON")]


def init(ctx: typer.Context,
         county: Annotated[Optional[str], typer.Option(
             "--county", help="本县（区）名称，用于报表标题，如 泾川县；不给时在终端上询问")] = None) -> None:
    """创建数据库文件（已存在时只补齐结构，不会清空数据），并设置本县名称。"""
    from projledger.settings import placeholder_county_warning, set_setting
    from projledger.store import resolve_db_path
    from projledger.store.migrations import applied_names

    county = _county_name(county)
    path = resolve_db_path(state(ctx).db)
    existed = path.exists()
    with open_ledger(ctx, create=True) as ledger:
        version = len(applied_names(ledger.db))
        if county is None and placeholder_county_warning(ledger.db) and _can_ask():
            county = _county_name(typer.prompt("本县（区）名称（如 泾川县，直接回车暂不设置）", default="",
                                               show_default=False))
        if county is not None:
            with ledger.transaction() as w:
                set_setting(w, ledger.db, "county_name", json.dumps(county, ensure_ascii=False))
        warning = placeholder_county_warning(ledger.db)
    word = "已存在，结构已是最新" if existed else "已创建"
    console().print(f"数据库“{path}”{word}（结构版本 {version}）" + (f"，本县：{county}" if county else ""),
                    markup=False)
    if warning:
        warn(warning.removeprefix("提示："))


def _county_name(text: str | None) -> str | None:
    """The ``--county`` text, trimmed; blank means not given."""
    return text.strip() if text and text.strip() else None


def _can_ask() -> bool:
    """Ask only a person at a terminal; a script or cron job gets the warning instead."""
    import sys

    return sys.stdin.isatty() and is_terminal()


def history(ctx: typer.Context,
            ref: Annotated[str, typer.Argument(help="项目代码、编号或完整名称", metavar="项目")],
            as_json: Json = False) -> None:
    """项目的全部变更留痕：谁、何时、哪条命令、改了什么（前 → 后）。"""
    from projledger.history import project_history
    from projledger.projects import Projects

    with open_ledger(ctx) as ledger:
        project = Projects(ledger.db).get(ref)
        rows, entries = project_history(ledger.db, project.id)
    if as_json:
        emit_json({"project": project.to_json() | {"id": project.id}, "changes": rows})
        return
    from projledger.cli.render import print_table

    table_rows = [(e.at, e.actor, e.action, e.subject, e.change_text(), e.command) for e in entries]
    print_table(f"{project.label} 变更留痕（{len(entries)}条）", ["时间", "操作人", "动作", "对象", "变更", "命令"],
                table_rows)


def backup(ctx: typer.Context,
           dest: Annotated[Path, typer.Argument(help="备份文件名，如 projledger-2026-11-21.db")],
           force: Annotated[bool, typer.Option("--force", help="覆盖已存在的同名文件")] = False) -> None:
    """在线备份：他人正在使用时也能得到一致的副本（SQLite 备份接口）。"""
    from projledger.store.maintenance import backup_to

    with open_ledger(ctx) as ledger:
        path = backup_to(ledger.db, dest, overwrite=force)
    console().print(f"已备份到“{path}”（完整性检查通过）", markup=False)


def doctor(ctx: typer.Context, as_json: Json = False) -> None:
    """检查数据库：完整性、结构版本、日历覆盖年份。"""
    from projledger.doctor import calendar_coverage
    from projledger.store.maintenance import health

    with open_ledger(ctx) as ledger:
        report = health(ledger.db)
        report["calendar"] = calendar_coverage(ledger.db)
    if as_json:
        emit_json(report)
    else:
        out = console()
        ok = report["quick_check"] == ["ok"] and report["foreign_key_violations"] == 0
        out.print(f"完整性检查：{'正常' if ok else '异常：' + '；'.join(report['quick_check'][:5])}", markup=False)
        out.print(f"结构版本：{report['schema_version']}（{len(report['pending_migrations'])} 个待执行迁移）", markup=False)
        out.print(f"日志模式：{report['journal_mode']}；外键约束：{'开启' if report['foreign_keys'] else '关闭'}", markup=False)
        cal = report["calendar"]
        out.print(f"法定工作日历：官方数据覆盖 {cal['official_years'][0]}–{cal['official_years'][1]} 年；"
                  f"已导入通知的年份：{'、'.join(map(str, cal['notice_years'])) or '无'}", markup=False)
        if cal["provisional_deadlines"]:
            out.print(f"暂定截止日期：{cal['provisional_deadlines']}个", markup=False)
        if cal["confirmable_deadlines"]:
            out.print(f"其中{cal['confirmable_deadlines']}个所在年份的日历已齐全，请运行 projledger calendar refresh "
                      "重新计算", markup=False)
        out.print("记录数：" + "，".join(f"{k} {v}" for k, v in report["counts"].items()), markup=False)
        ok = ok and not report["pending_migrations"]
    if not (report["quick_check"] == ["ok"] and report["foreign_key_violations"] == 0):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("history")(history)
    app.command("backup")(backup)
    app.command("doctor")(doctor)
