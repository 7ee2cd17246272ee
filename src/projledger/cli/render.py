"""Rich output for the command line: the two consoles and tables built from records.

The bottom floor of ``cli/``: every command module may import it, it imports nothing from
``cli`` (nor the store) — commands hand it plain rows, it never reads the database.
"""

from __future__ import annotations

import os
import sys
from typing import Iterable, Sequence

__all__ = ["console", "err_console", "table", "print_table", "print_styled_rows", "CARD_STYLES"]

_console = None
_err_console = None


def console():
    """The stdout console (created on first use, so ``--help`` never imports Rich)."""
    global _console
    if _console is None:
        from rich.console import Console

        # Piped or in cron, Rich would squeeze tables to 80 columns; logs read better wide.
        width = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 200
        _console = Console(highlight=False, soft_wrap=True, width=width)
    return _console


def err_console():
    """The stderr console: messages, warnings, progress bars (stdout stays parseable)."""
    global _err_console
    if _err_console is None:
        from rich.console import Console

        _err_console = Console(stderr=True, highlight=False, soft_wrap=True)
    return _err_console


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[object]],
          *, justify_right: Iterable[int] = ()):
    from rich.table import Table
    from rich.text import Text

    from projledger.text import for_terminal

    right = set(justify_right)
    result = Table(title=title, show_lines=False, header_style="bold")
    for index, column in enumerate(columns):
        result.add_column(column, justify="right" if index in right else "left", overflow="fold")
    for row in rows:  # cells are plain text: never markup, never terminal escapes (SPEC §10)
        result.add_row(*(Text("—" if cell is None or cell == "" else for_terminal(str(cell))) for cell in row))
    return result


def print_table(title, columns, rows, *, justify_right=()) -> None:
    console().print(table(title, columns, rows, justify_right=justify_right))


#: Rich style of each card colour (亮牌) in tables.
CARD_STYLES = {"red": "bold red", "yellow": "yellow", "blue": "blue"}


def print_styled_rows(title: str, columns: list[str], rows: list[list], *,
                      styles: dict[int, list] | None = None) -> None:
    """A table whose cells are plain text (user text is never read as markup); ``styles`` maps a
    column index to one Rich style per row (e.g. the card colour)."""
    from rich.table import Table
    from rich.text import Text

    from projledger.text import for_terminal

    result = Table(title=title, header_style="bold")
    for column in columns:
        result.add_column(column, overflow="fold")
    for index, row in enumerate(rows):
        cells = []
        for col, value in enumerate(row):
            style = (styles or {}).get(col, [None] * len(rows))[index]
            cells.append(Text("—" if value in (None, "") else for_terminal(str(value)), style=style or ""))
        result.add_row(*cells)
    console().print(result)
