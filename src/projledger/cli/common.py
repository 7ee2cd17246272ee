"""What every command shares: the open ledger, JSON output, consoles, option types.

Commands parse their options, call the library, and render; they hold no SQL.  Errors are
raised as :class:`~projledger.errors.ProjledgerError` and turned into a Chinese message and
an exit status once, in :func:`projledger.cli.main.run`.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from projledger.cli.render import console, err_console
from projledger.errors import UsageError

__all__ = ["AppState", "state", "open_ledger", "emit_json", "console", "err_console",
           "parse_amount", "is_terminal", "warn", "say", "on_or_today", "Ref", "Json", "On"]

# Option types several command groups share (one help text each).
Ref = Annotated[str, typer.Argument(help="项目代码、编号或完整名称", metavar="CODE_OR_ID")]
Json = Annotated[bool, typer.Option("--json", help="输出 JSON")]
On = Annotated[Optional[str], typer.Option("--on", help="日期 YYYY-MM-DD，默认今天")]


@dataclass
class AppState:
    db: str | None = None
    by: str | None = None
    command: str | None = None


def state(ctx: typer.Context) -> AppState:
    root = ctx.find_root()
    if not isinstance(root.obj, AppState):
        root.obj = AppState()
    return root.obj


def open_ledger(ctx: typer.Context, *, create: bool = False):
    from projledger.store import Ledger

    st = state(ctx)
    return Ledger.open(st.db, create=create, actor=st.by, command=st.command)


def _default(value: Any):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def emit_json(data: Any) -> None:
    """Stable JSON on stdout: UTF-8, keys as built (never re-sorted), two-space indent."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_default) + "\n")


def warn(message: str) -> None:
    """A warning on stderr (kept off stdout so ``--json`` stays parseable)."""
    err_console().print(f"[yellow]提示：[/yellow]{message}", markup=True, soft_wrap=True)


def say(text: str) -> None:
    """One line of plain text on stdout (user text is never read as Rich markup)."""
    console().print(text, markup=False, highlight=False, soft_wrap=True)


def on_or_today(text: str | None) -> dt.date:
    """The ``--on`` option: an ISO date, or today."""
    from projledger.dates import parse_iso_date, today

    return parse_iso_date(text, "日期") or today()


def is_terminal() -> bool:
    return sys.stderr.isatty()


def parse_amount(text: str | None, what: str) -> Decimal | None:
    """A money option in 万元 (``12000``, ``1,200.5``) → Decimal; bad text is a usage error."""
    if text is None:
        return None
    from projledger.money import to_money

    cleaned = text.strip().replace(",", "").replace("，", "")
    try:
        Decimal(cleaned)
    except InvalidOperation:
        raise UsageError(f"{what}“{text}”不是数字（单位：万元）") from None
    return to_money(cleaned)
