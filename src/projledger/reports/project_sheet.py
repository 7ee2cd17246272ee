"""一项目一表 on one A4 page (``project sheet``): writes a :class:`ProjectTable`, never queries.

The page is a grid of eight columns.  Identity comes first as label/value pairs, then one
small table per section (annual plans, progress by month of the latest year, procedures,
problems, decided meeting items, milestones, cards with their reasons); each section's columns span a fixed number
of grid columns so long text (问题, 原因) gets the width.  Portrait A4, fitted to one page
wide and one page high; long sections are cut to their most recent rows with a line saying
how many were left out, so the page stays legible when printed.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["write_project_sheet", "MAX_ROWS"]

GRID = 8
WIDTHS = (11, 11, 11, 11, 11, 11, 11, 13)
#: At most this many rows per section on the page (the most recent / most urgent first).
MAX_ROWS = 12


def _merged(ws, row: int, col: int, span: int, value, **style) -> None:
    from projledger.reports.xlsx import put

    put(ws, row, col, value, **style)
    for extra in range(col + 1, col + span):
        put(ws, row, extra, None, **{k: v for k, v in style.items() if k in ("fill", "border")})
    if span > 1:
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + span - 1)


def _heading(ws, row: int, text: str) -> int:
    from projledger.reports.xlsx import put

    put(ws, row, 1, text, bold=True, border=False, size=11)
    ws.row_dimensions[row].height = 18
    return row + 1


def _section(ws, row: int, title: str, headers, spans, rows, *, fills=None, formats=None) -> int:
    """Heading, header row and data rows; ``spans`` (summing to :data:`GRID`) per column."""
    from projledger.reports.xlsx import HEADER_FILL

    if not rows:
        return row
    row = _heading(ws, row, title)
    shown = rows[:MAX_ROWS]
    col = 1
    for header, span in zip(headers, spans):
        _merged(ws, row, col, span, header, bold=True, fill=HEADER_FILL, align="center", size=9)
        col += span
    for index, values in enumerate(shown):
        row += 1
        col = 1
        ws.row_dimensions[row].height = _height(values, spans)
        for position, (value, span) in enumerate(zip(values, spans)):
            fill = fills[index] if fills and position == 0 else None
            _merged(ws, row, col, span, value, wrap=True, size=9, fill=fill,
                    number_format=(formats or {}).get(position))
            col += span
    if len(rows) > len(shown):
        row += 1
        _merged(ws, row, 1, GRID, f"（另有{len(rows) - len(shown)}条未列出，见 projledger project show）",
                size=9, border=False)
    return row + 2


def _height(values, spans) -> float:
    """Row height (points) for wrapped text: merged cells do not grow by themselves."""
    lines, col = 1, 0
    for value, span in zip(values, spans):
        width = sum(WIDTHS[col:col + span])
        col += span
        if isinstance(value, str):
            units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in value)
            lines = max(lines, -(-units * 9 // (width * 10)))  # 9pt text in 10pt-wide columns
    return 13.0 * lines


def _identity(ws, row: int, table) -> int:
    from projledger.money import format_money
    from projledger.reports.xlsx import HEADER_FILL

    p = table.project

    def who(text, person):
        if person is None:
            return text
        extra = "，".join(x for x in (person.title, person.phone) if x)
        return f"{person.name}（{extra}）" if extra else person.name

    pairs = [("项目代码", p.code), ("所在乡镇", p.township), ("责任部门", p.department), ("建设单位", p.owner),
             ("项目级别", p.level), ("所在清单", "、".join(p.tags)), ("阶段/性质", "/".join(x for x in (p.stage, p.nature) if x)),
             ("总投资(万元)", format_money(p.total_investment)), ("计划开工", p.planned_start),
             ("实际开工", p.actual_start), ("包联领导", who(p.leader, table.leader)),
             ("服务专员", who(p.liaison, table.liaison)), ("竣工日期", p.completed_on),
             ("总体亮牌", table.card.label if table.card else "无")]
    for index in range(0, len(pairs), 2):
        col = 1
        for label, value in pairs[index:index + 2]:
            _merged(ws, row, col, 1, label, bold=True, fill=HEADER_FILL, size=9)
            fill = _card_fill(table.card) if label == "总体亮牌" else None
            _merged(ws, row, col + 1, 3, "—" if value in (None, "") else value, wrap=True, size=9, fill=fill)
            col += 4
        row += 1
    return row + 1


def _card_fill(card):
    from projledger.reports.xlsx import CARD_FILLS

    return CARD_FILLS[card.key] if card is not None else None


def _body(ws, row: int, table) -> int:
    from projledger.cards import KIND_LABELS
    from projledger.reports.xlsx import MONEY

    from projledger.period import Period

    latest_year = max((Period.from_db(r.period).year for r in table.progress), default=None)
    progress = [r for r in table.progress if Period.from_db(r.period).year == latest_year][::-1]
    problems = sorted(table.problems, key=lambda x: (x.status != "open", x.due_on or table.as_of))
    row = _section(ws, row, "年度计划", ["年度", "计划投资(万元)", "性质", "计划开工", "计划竣工"], [1, 2, 1, 2, 2],
                   [(x.year, x.investment, x.nature, x.planned_start, x.planned_completion) for x in table.plans],
                   formats={1: MONEY})
    row = _section(ws, row, "逐月进度", ["期间", "累计完成(万元)", "当月完成(万元)", "形象进度", "填报日期"],
                   [1, 1, 1, 4, 1],
                   [(r.period, r.ytd_completed, r.month_completed, r.status, r.reported_on) for r in progress],
                   formats={1: MONEY, 2: MONEY})
    row = _section(ws, row, "前期手续", ["事项", "方式", "受理", "截止", "办结", "文号"], [2, 1, 1, 1, 1, 2],
                   [(x.item, x.mode, x.accepted_on, x.current_due(table.as_of) or x.due_on, x.done_on, x.doc_number)
                    for x in table.procedures])
    row = _section(ws, row, "问题", ["问题", "牵头单位", "解决时限", "状态"], [4, 2, 1, 1],
                   [(x.text, x.lead_unit, x.due_on, "已办结" if x.status == "closed" else "未办结") for x in problems])
    items = sorted(table.items, key=lambda x: (x.status != "open", x.due_on))
    row = _section(ws, row, "议定事项", ["事项", "牵头单位", "完成时限", "状态"], [4, 2, 1, 1],
                   [(x.text, x.lead_unit, x.due_on, "已办结" if x.status == "closed" else "未办结") for x in items])
    cards = [table.milestone_card(m) for m in table.milestones]
    row = _section(ws, row, "节点", ["节点", "计划完成", "实际完成", "亮牌"], [4, 1, 2, 1],
                   [(m.name, m.due_on, m.done_on or "未完成", c.card.label if c else "")
                    for m, c in zip(table.milestones, cards)])
    row = _section(ws, row, f"亮牌及原因（截至{table.as_of.isoformat()}）", ["亮牌", "类型", "原因"], [1, 1, 6],
                   [(c.card.label, KIND_LABELS.get(c.kind, c.kind), c.reason) for c in table.cards],
                   fills=[_card_fill(c.card) for c in table.cards])
    return row


def write_project_sheet(table, dest: Path, *, county: str) -> Path:
    """Write the table to ``dest`` (atomic) as one portrait A4 page."""
    from openpyxl.utils import get_column_letter

    from projledger.reports.xlsx import new_workbook, save_workbook, write_title

    workbook = new_workbook()
    ws = workbook.create_sheet("一项目一表")
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    row = write_title(ws, f"一项目一表：{table.project.name}", GRID,
                      subtitle=f"{county}　截至{table.as_of.isoformat()}")
    row = _identity(ws, row + 1, table)
    last = _body(ws, row, table)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_area = f"A1:{get_column_letter(GRID)}{max(last, row)}"
    return save_workbook(workbook, dest)
