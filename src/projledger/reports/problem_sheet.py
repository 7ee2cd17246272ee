"""《重大项目落地亟待解决问题清单》: the problem-list workbook (seed 004).

One row per problem open as of the date (reported by then, not closed by then), worst first:
红牌, 黄牌, 蓝牌, then problems without a card; within a colour the most working days overdue,
then the earliest 解决时限, then the problem number.  Columns: 序号, 项目名称, 所在乡镇, 问题,
牵头单位, 提出日期, 解决时限, 逾期工作日, 亮牌 — the 亮牌 cell filled with the card colour.

The sheet is printable as handed to the 调度会: title row, A4 landscape fitted to the page
width, the header row repeated on every page and panes frozen under it
(:func:`projledger.reports.xlsx.setup_sheet`).  Every text goes through
:func:`projledger.reports.xlsx.put`, so a problem typed as ``=HYPERLINK(…)`` stays text.
Deadlines computed with a provisional calendar are named in a note under the table.

Decided items (会议议定事项, :mod:`projledger.meetings`) open as of the date follow on a second
sheet, 议定事项, in the same order and style (columns 序号, 会议, 议定事项, 牵头单位, 相关项目,
交办日期, 完成时限, 逾期工作日, 亮牌; like a problem's, the card is its 完成时限's — the missing-解决意见
card is ``warn``'s); the sheet is there only when such items exist.

Import inside commands only (openpyxl).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from projledger.cards import CARD_ORDER, Card
from projledger.problems import Problem, ProblemStore

__all__ = ["SheetRow", "ItemRow", "SheetSummary", "HEADERS", "ITEM_HEADERS", "problem_sheet_rows",
           "item_sheet_rows", "write_problem_sheet"]

HEADERS = ("序号", "项目名称", "所在乡镇", "问题", "牵头单位", "提出日期", "解决时限", "逾期工作日", "亮牌")
_WIDTHS = (6, 28, 12, 44, 16, 12, 12, 10, 8)
_CARD_COLUMN = HEADERS.index("亮牌") + 1
SHEET_TITLE = "重大项目落地亟待解决问题清单"
ITEM_HEADERS = ("序号", "会议", "议定事项", "牵头单位", "相关项目", "交办日期", "完成时限", "逾期工作日", "亮牌")
_ITEM_WIDTHS = (6, 22, 44, 16, 24, 12, 12, 10, 8)


@dataclass(frozen=True)
class SheetRow:
    problem: Problem
    card: Card | None
    overdue_workdays: int


@dataclass(frozen=True)
class SheetSummary:
    path: Path
    rows: int
    counts: dict[str, int]  # red / yellow / blue / none
    provisional_rows: tuple[int, ...]  # 序号 of rows whose 解决时限 is provisional
    items: int = 0  # open decided items on the 议定事项 sheet
    item_counts: dict[str, int] | None = None


@dataclass(frozen=True)
class ItemRow:
    """An open decided item with its 完成时限 card and working days past it."""

    item: object  # projledger.meetings.MeetingItem
    card: Card | None
    overdue_workdays: int

    @property
    def problem(self):  # the sort key reads ``problem.due_on`` / ``problem.id``
        return self.item


def _sort_key(row: SheetRow) -> tuple:
    rank = CARD_ORDER.index(row.card) if row.card is not None else len(CARD_ORDER)
    return (rank, -row.overdue_workdays, row.problem.due_on or dt.date.max, row.problem.id)


def item_sheet_rows(db, as_of: dt.date, *, calendar=None, settings=None) -> list[ItemRow]:
    """The decided items open on ``as_of`` with the card of their 完成时限, in the problems' order."""
    from projledger.meetings import ITEM, MeetingStore
    from projledger.tracking import due_card, overdue_workdays

    if not db["meeting_items"].exists():
        return []
    store = MeetingStore(db, settings=settings, calendar=calendar)
    thresholds = store.thresholds()
    rows = []
    for item in store.open_items_as_of(as_of):
        found = due_card(ITEM, item, as_of, store.calendar, thresholds)
        rows.append(ItemRow(item, found.card if found else None, overdue_workdays(item, as_of, store.calendar)))
    return sorted(rows, key=_sort_key)


def problem_sheet_rows(db, as_of: dt.date, *, calendar=None, settings=None) -> list[SheetRow]:
    """The open problems of ``as_of`` with card and working days overdue, worst first."""
    store = ProblemStore(db, settings=settings, calendar=calendar)
    rows = []
    for problem in store.open_as_of(as_of):
        item = store.card(problem, as_of)
        rows.append(SheetRow(problem, item.card if item else None, store.overdue_workdays(problem, as_of)))
    return sorted(rows, key=_sort_key)


def _text_width(text: str) -> int:
    """Display width in Excel column units: CJK and full-width characters count two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _row_height(values, widths=_WIDTHS, line_points: float = 13.5) -> float:
    """Height for a wrapped row (LibreOffice does not grow rows openpyxl leaves unsized)."""
    import math

    lines = 1
    for value, width in zip(values, widths):
        if isinstance(value, str):
            lines = max(lines, math.ceil(_text_width(value) / max(width - 1, 1)))
    return max(18.0, lines * line_points + 4)


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _subtitle(as_of: dt.date, counts: dict[str, int], total: int) -> str:
    return (f"截至{_cn_date(as_of)}，未办结问题{total}个，其中红牌{counts['red']}个、"
            f"黄牌{counts['yellow']}个、蓝牌{counts['blue']}个")


def _style_rows(ws, header_row: int, rows: list, values: list[tuple], *, widths=_WIDTHS,
                wrapped=(2, 4, 5), centred=(1, 6, 7, 8, 9)) -> None:
    """Row heights for wrapped text, alignment, and the card colour in the 亮牌 cell.

    Every data cell of a column has the same style, so the first row's is set once and
    copied (openpyxl re-hashes style objects on each assignment, slow for thousands of rows).
    """
    from copy import copy

    from openpyxl.styles import Alignment

    from projledger.reports.xlsx import CARD_FILLS, put

    first = header_row + 1
    for column in range(1, len(widths) + 1):
        # problems: wrap 项目名称/问题/牵头单位; centre 序号, dates, 逾期工作日, 亮牌; all vertically centred
        ws.cell(row=first, column=column).alignment = Alignment(
            vertical="center", wrap_text=column in wrapped,
            horizontal="center" if column in centred else "left")
    styles = [copy(ws.cell(row=first, column=c)._style) for c in range(1, len(widths) + 1)]
    card_styles: dict[str, object] = {}
    for offset, (row, cells) in enumerate(zip(rows, values), start=1):
        ws.row_dimensions[header_row + offset].height = _row_height(cells, widths)
        if offset > 1:
            for column, style in enumerate(styles, start=1):
                ws.cell(row=header_row + offset, column=column)._style = copy(style)
        if row.card is None:
            continue
        if row.card.key in card_styles:
            cell = ws.cell(row=header_row + offset, column=_CARD_COLUMN)
            cell._style = copy(card_styles[row.card.key])
        else:
            cell = put(ws, header_row + offset, _CARD_COLUMN, row.card.label, fill=CARD_FILLS[row.card.key],
                       align="center", bold=row.card is Card.RED)
            card_styles[row.card.key] = copy(cell._style)


def write_problem_sheet(db, as_of: dt.date, dest: Path, *, calendar=None, settings=None,
                        county: str | None = None) -> SheetSummary:
    """Write the workbook to ``dest`` atomically and say what is in it."""
    from projledger.reports.xlsx import (
        DATE, INTEGER, new_workbook, put, save_workbook, setup_sheet, write_table, write_title,
    )

    if settings is None:
        from projledger.settings import load_settings

        settings = load_settings(db)
    rows = problem_sheet_rows(db, as_of, calendar=calendar, settings=settings)
    counts = {"red": 0, "yellow": 0, "blue": 0, "none": 0}
    for row in rows:
        counts[row.card.key if row.card else "none"] += 1
    workbook = new_workbook()
    ws = workbook.create_sheet("问题清单")
    title = f"{county or settings.county_name}{SHEET_TITLE}"
    header_row = write_title(ws, title, len(HEADERS), subtitle=_subtitle(as_of, counts, len(rows)))
    values = [
        (number, row.problem.project_name, row.problem.township, row.problem.text, row.problem.lead_unit,
         row.problem.reported_on, row.problem.due_on, row.overdue_workdays or None,
         row.card.label if row.card else None)
        for number, row in enumerate(rows, start=1)
    ]
    write_table(ws, header_row, HEADERS, values, widths=_WIDTHS, wrap_columns=(1, 3, 4),
                formats={0: INTEGER, 5: DATE, 6: DATE, 7: INTEGER})
    _style_rows(ws, header_row, rows, values)
    provisional = tuple(n for n, row in enumerate(rows, start=1) if row.problem.due_provisional)
    last = header_row + len(rows)
    if provisional:
        numbers = "、".join(str(n) for n in provisional)
        put(ws, last + 2, 1, f"注：序号{numbers}的解决时限按暂定日历计算（当年调休安排尚未发布），"
                             "通知发布后请用 calendar import 补录。", border=False, wrap=True)
        ws.merge_cells(start_row=last + 2, start_column=1, end_row=last + 2, end_column=len(HEADERS))
    setup_sheet(ws, header_row=header_row, first_column_frozen=2, last_column=len(HEADERS))
    # setup_sheet leaves the footer (第 N 页) 0.1" of room, which LibreOffice clips: give it space.
    ws.page_margins.bottom, ws.page_margins.footer = 0.75, 0.3
    ws.print_area = f"A1:I{last + (2 if provisional else 0)}"
    items = item_sheet_rows(db, as_of, calendar=calendar, settings=settings)
    item_counts = _items_sheet(workbook, items, as_of, county or settings.county_name) if items else None
    path = save_workbook(workbook, Path(dest))
    return SheetSummary(path, len(rows), counts, provisional, len(items), item_counts)


def _items_sheet(workbook, rows: list[ItemRow], as_of: dt.date, county: str) -> dict[str, int]:
    """The 议定事项 sheet: open decided items worst first, styled like the problems."""
    from projledger.reports.xlsx import DATE, INTEGER, setup_sheet, write_table, write_title

    counts = {"red": 0, "yellow": 0, "blue": 0, "none": 0}
    for row in rows:
        counts[row.card.key if row.card else "none"] += 1
    ws = workbook.create_sheet("议定事项")
    subtitle = (f"截至{_cn_date(as_of)}，未办结议定事项{len(rows)}项，其中红牌{counts['red']}项、"
                f"黄牌{counts['yellow']}项、蓝牌{counts['blue']}项")
    header_row = write_title(ws, f"{county}会议议定事项跟踪督办清单", len(ITEM_HEADERS), subtitle=subtitle)
    values = [(n, f"{r.item.meeting_on.isoformat()} {r.item.meeting_kind}", r.item.text, r.item.lead_unit,
               r.item.project_name, r.item.assigned_on, r.item.due_on, r.overdue_workdays or None,
               r.card.label if r.card else None) for n, r in enumerate(rows, start=1)]
    write_table(ws, header_row, ITEM_HEADERS, values, widths=_ITEM_WIDTHS, wrap_columns=(1, 2, 3, 4),
                formats={0: INTEGER, 5: DATE, 6: DATE, 7: INTEGER})
    _style_rows(ws, header_row, rows, values, widths=_ITEM_WIDTHS, wrapped=(2, 3, 4, 5))
    setup_sheet(ws, header_row=header_row, first_column_frozen=2, last_column=len(ITEM_HEADERS))
    ws.page_margins.bottom, ws.page_margins.footer = 0.75, 0.3
    ws.print_area = f"A1:I{header_row + len(rows)}"
    return counts
