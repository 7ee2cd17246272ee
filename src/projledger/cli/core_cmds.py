"""Top-level ledger commands: ``init``, ``history``, ``backup``, ``doctor``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from projledger.cli.common import console, emit_json, open_ledger, state

Json = Annotated[bool, typer.Option("--json", help="输出 JSON")]


def init(ctx: typer.Context) -> None:
    """创建数据库文件（已存在时只补齐结构，不会清空数据）。"""
    from projledger.store import resolve_db_path
    from projledger.store.migrations import applied_names

    path = resolve_db_path(state(ctx).db)
    existed = path.exists()
    with open_ledger(ctx, create=True) as ledger:
        version = len(applied_names(ledger.db))
    word = "已存在，结构已是最新" if existed else "已创建"
    console().print(f"数据库“{path}”{word}（结构版本 {version}）", markup=False)


def history(ctx: typer.Context,
            ref: Annotated[str, typer.Argument(help="项目代码、编号或完整名称", metavar="CODE_OR_ID")],
            as_json: Json = False) -> None:
    """项目的全部变更留痕：谁、何时、哪条命令、改了什么（前 → 后）。"""
    from projledger.projects import Projects
    from projledger.store import audit_rows

    with open_ledger(ctx) as ledger:
        project = Projects(ledger.db).get(ref)
        rows = audit_rows(ledger.db, project.id)
    if as_json:
        emit_json({"project": project.to_json() | {"id": project.id}, "changes": rows})
        return
    from projledger.cli.render import print_table

    actions = {"insert": "新增", "update": "修改", "delete": "删除"}
    table_rows = []
    for row in rows:
        table_rows.append((row["at"], row["actor"], actions[row["action"]], f"{row['table']}[{row['key']}]",
                           _change_text(row), row["command"]))
    print_table(f"{project.label} 变更留痕（{len(rows)}条）", ["时间", "操作人", "动作", "对象", "变更", "命令"],
                table_rows)


_NOISE = {"created_at", "updated_at", "name_key", "text_key", "alias_key"}


def _change_text(row: dict) -> str:
    """One line per change for people: bookkeeping columns (keys, timestamps) left out."""
    before, after = row["before"] or {}, row["after"] or {}
    if row["action"] == "insert":
        return "；".join(f"{k}={v}" for k, v in after.items() if v not in (None, "") and k not in _NOISE)
    if row["action"] == "delete":
        return "；".join(f"{k}={v}" for k, v in before.items() if v not in (None, "") and k not in _NOISE)
    return "；".join(f"{k}: {before.get(k)} → {after.get(k)}" for k in after if k not in _NOISE)


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
    from projledger.store.maintenance import health

    with open_ledger(ctx) as ledger:
        report = health(ledger.db)
        report["calendar"] = _calendar_coverage(ledger)
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


def _calendar_coverage(ledger) -> dict:
    """Years the official calendar covers, years whose notice was imported, and stored
    provisional deadlines whose year is now complete (a newer chinese-calendar, say)."""
    from projledger.calendar import load_calendar, notice_years
    from projledger.workdays import official_years

    first, last = official_years()
    calendar = load_calendar(ledger.db)
    provisional = confirmable = 0
    for table, column, flag in (("problems", "due_on", "due_provisional"),
                                ("problems", "reply_due_on", "reply_due_provisional"),
                                ("procedures", "due_on", "due_provisional")):
        if not ledger.db[table].exists():
            continue
        for (due,) in ledger.db.execute(f"SELECT [{column}] FROM [{table}] WHERE [{flag}] = 1 AND [{column}] IS NOT NULL"):
            provisional += 1
            confirmable += calendar.year_complete(int(due[:4]))
    return {"official_years": [first, last], "notice_years": sorted(notice_years(ledger.db)),
            "provisional_deadlines": provisional, "confirmable_deadlines": confirmable}


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("history")(history)
    app.command("backup")(backup)
    app.command("doctor")(doctor)
