"""``projledger letter draft|list``: 两函一单 (提醒函, 督办函, 交办单), one .docx per lead unit.

``draft`` plans the letters (:func:`projledger.letters.plan_letters`), then, in ONE
transaction, numbers and records them and writes each document (each file atomically); if a
file cannot be written the transaction rolls back and the files already written are removed,
so the ledger never records a letter that is not on disk.  ``--dry-run`` only lists what would
be sent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from projledger.cli.common import Json, console, emit_json, open_ledger
from projledger.cli.render import print_styled_rows
from projledger.dates import parse_iso_date, today

__all__ = ["register", "letter_app"]

letter_app = typer.Typer(help="两函一单：提醒函、督办函、交办单（每个牵头单位一份 Word）", no_args_is_help=True)


def _say(text: str) -> None:
    from projledger.text import for_terminal

    console().print(for_terminal(text), markup=False, highlight=False)


def _out_dir(out: Path, dry_run: bool) -> Path:
    """Check ``--out`` before anything is written (it is created only when a letter is written)."""
    from projledger.errors import DataError

    if out.exists() and not out.is_dir():
        raise DataError(f"--out “{out}”不是文件夹：函件按单位各写一个 .docx，请给一个文件夹")
    if not dry_run and not out.exists() and not out.parent.is_dir():
        raise DataError(f"--out “{out}”的上级文件夹不存在")
    return out


@letter_app.command("draft")
def letter_draft(
    ctx: typer.Context,
    kind: Annotated[str, typer.Option("--kind", help="提醒函|督办函|交办单")],
    out: Annotated[Path, typer.Option("--out", help="输出文件夹（每个单位一个 .docx）")],
    unit: Annotated[Optional[str], typer.Option("--unit", help="只给这个牵头单位")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="统计日期（也是发文日期），默认今天")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只列出将发的函件，不写文件、不编号")] = False,
    as_json: Json = False,
) -> None:
    """按亮牌生成提醒函（蓝、黄牌）、督办函（红牌及连续三次排名后三位的单位）、交办单（新交办事项）。"""
    from projledger.letters import check_letter_kind, plan_letters, record

    check_letter_kind(kind)
    day = parse_iso_date(as_of, "统计日期") or today()
    folder = _out_dir(out, dry_run)
    with open_ledger(ctx) as ledger:
        drafts = plan_letters(ledger, kind, day, unit)
        if not dry_run and drafts:
            from projledger.reports.meeting_docs import write_letter

            folder.mkdir(exist_ok=True)
            with ledger.transaction() as w:
                drafts = record(w, drafts, ledger.settings())
                _write_all(drafts, folder, ledger.path, write_letter)
    _report(drafts, kind, day, folder, dry_run, as_json)


def _write_all(drafts, folder: Path, ledger_path, write_letter) -> None:
    written: list[Path] = []
    try:
        for draft in drafts:
            written.append(write_letter(draft, folder / draft.file_name, ledger_path=ledger_path))
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def _report(drafts, kind, day, folder, dry_run, as_json) -> None:
    if as_json:
        emit_json([{"kind": d.kind, "number": d.number, "issued_on": d.issued_on.isoformat(), "unit": d.unit.name,
                    "file": None if dry_run else str(folder / d.file_name), "basis": d.basis,
                    "items": [{"kind": f.kind, "id": f.item.id} for f in d.entries]} for d in drafts])
        return
    if not drafts:
        _say(f"截至{day.isoformat()}没有需要发{kind}的单位")
        return
    rows = [[d.number or "（未编号）", d.unit.name, len(d.entries), d.basis,
             "—" if dry_run else d.file_name] for d in drafts]
    title = f"{'将发' if dry_run else '已生成'}{kind}{len(drafts)}份（{day.isoformat()}）"
    print_styled_rows(title, ["文号", "单位", "事项数", "说明", "文件"], rows)
    if not dry_run:
        _say(f"文件在“{folder}”")


@letter_app.command("list")
def letter_list(
    ctx: typer.Context,
    kind: Annotated[Optional[str], typer.Option("--kind", help="按类型筛选：提醒函|督办函|交办单")] = None,
    unit: Annotated[Optional[str], typer.Option("--unit", help="按单位筛选")] = None,
    as_json: Json = False,
) -> None:
    """已发函件：文号、日期、单位、所列问题和议定事项。"""
    from projledger.letters import list_letters

    with open_ledger(ctx) as ledger:
        letters = list_letters(ledger.db, kind=kind, unit=unit)
    if as_json:
        emit_json([letter.to_json() for letter in letters])
        return
    nouns = {"problem": "问题", "meeting_item": "事项"}
    rows = [[l.id, l.issued_on, l.kind, l.number, l.unit,
             "、".join(f"{nouns[k]}{i}" for k, i in l.items) or l.basis] for l in letters]
    print_styled_rows(f"函件（{len(letters)}份）", ["编号", "日期", "类型", "文号", "单位", "所列事项"], rows)


def register(app: typer.Typer) -> None:
    app.add_typer(letter_app, name="letter")
