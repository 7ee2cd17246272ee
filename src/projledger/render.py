"""Rich renderings shared by commands (no database access here)."""

from __future__ import annotations

from typing import Iterable, Sequence

__all__ = ["table", "print_table"]


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[object]],
          *, justify_right: Iterable[int] = ()):
    from rich.table import Table

    right = set(justify_right)
    result = Table(title=title, show_lines=False, header_style="bold")
    for index, column in enumerate(columns):
        result.add_column(column, justify="right" if index in right else "left", overflow="fold")
    for row in rows:
        result.add_row(*("—" if cell is None or cell == "" else str(cell) for cell in row))
    return result


def print_table(title, columns, rows, *, justify_right=()) -> None:
    from projledger.cli.common import console

    console().print(table(title, columns, rows, justify_right=justify_right))
