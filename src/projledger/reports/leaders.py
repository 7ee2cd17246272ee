"""包联领导调度单 workbook: one printable sheet per leader (writes records, never queries).

Each sheet: a title naming the leader (and 职务), the county, period and as-of date; one row
per project the leader leads — name, township, department, level, the year's plan, the
year-to-date completed, the share of the plan, the card (coloured) with its reasons, and the
open problems — and a 合计 row.  A4 landscape, one page wide, the header repeated on every
printed page.  Sheet names are the leaders' names (made unique and legal for Excel).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["write_leaders_workbook", "HEADERS"]

HEADERS = ["序号", "项目名称", "所在乡镇", "责任部门", "级别", "年度计划(万元)", "累计完成(万元)", "完成率",
           "亮牌", "亮牌原因", "未办结问题和议定事项"]
WIDTHS = [6, 26, 10, 12, 8, 13, 13, 9, 7, 40, 34]


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join("_" if ch in '[]:*?/\\' else ch for ch in name).strip("'")[:28] or "领导"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}{n}", n + 1
    used.add(candidate)
    return candidate


def _lines(problems: list[str], items: list[str] = ()) -> str:
    texts = list(problems) + [f"【议定事项】{text}" for text in items]
    return "\n".join(f"{i}. {text}" for i, text in enumerate(texts, start=1))


def _line_count(text, width: int) -> int:
    """Printed lines of wrapped ``text`` in a column ``width`` characters wide (CJK = 2)."""
    if not isinstance(text, str) or not text:
        return 1
    total = 0
    for part in text.split("\n"):
        units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in part)
        total += max(1, -(-units * 10 // max(width * 9 - 20, 10)))  # cell padding; CJK glyphs run wide
    return total


def _write_sheet(ws, sheet, *, county: str, period, as_of) -> None:
    from projledger.reports.xlsx import CARD_FILLS, MONEY, RATE, put, setup_sheet, write_table, write_title

    heading = f"{sheet.name}（{sheet.title}）" if sheet.title else sheet.name
    subtitle = f"{county}　{period.label}　亮牌截至{as_of.isoformat()}" + (f"　电话：{sheet.phone}" if sheet.phone else "")
    top = write_title(ws, f"包联领导调度单：{heading}", len(HEADERS), subtitle=subtitle)
    rows = [(i, p.name, p.township, p.department, p.level, p.annual_plan, p.ytd_completed, p.share,
             p.card.label if p.card else "", "\n".join(p.reasons), _lines(p.open_problems, p.open_items))
            for i, p in enumerate(sheet.projects, start=1)]
    write_table(ws, top, HEADERS, rows, formats={5: MONEY, 6: MONEY, 7: RATE}, widths=WIDTHS,
                wrap_columns=(1, 9, 10))
    from openpyxl.styles import Alignment

    middle = Alignment(vertical="center")
    for offset, values in enumerate(rows, start=1):
        for col in range(1, len(HEADERS) + 1):
            cell = ws.cell(row=top + offset, column=col)
            if not cell.alignment.wrap_text:
                cell.alignment = middle
        ws.row_dimensions[top + offset].height = 14 * max(_line_count(values[c], WIDTHS[c]) for c in (1, 9, 10))
    for offset, project in enumerate(sheet.projects, start=1):
        if project.card is not None:
            ws.cell(row=top + offset, column=9).fill = CARD_FILLS[project.card.key]
    plan, done = sheet.totals
    total_row = top + len(rows) + 1
    put(ws, total_row, 1, "合计", bold=True)
    put(ws, total_row, 2, f"{len(rows)}个项目", bold=True)
    for col in (3, 4, 5, 9, 10, 11):
        put(ws, total_row, col, None)
    put(ws, total_row, 6, plan, number_format=MONEY, bold=True)
    put(ws, total_row, 7, done, number_format=MONEY, bold=True)
    put(ws, total_row, 8, (done / plan) if plan > 0 else None, number_format=RATE, bold=True)
    setup_sheet(ws, header_row=top, first_column_frozen=2, last_column=len(HEADERS))


def write_leaders_workbook(sheets: list, dest: Path, *, county: str, period, as_of) -> Path:
    """Write one sheet per :class:`~projledger.leaders_report.LeaderSheet` (atomic)."""
    from projledger.reports.xlsx import new_workbook, put, save_workbook

    workbook = new_workbook()
    used: set[str] = set()
    for sheet in sheets:
        _write_sheet(workbook.create_sheet(_sheet_name(sheet.name, used)), sheet,
                     county=county, period=period, as_of=as_of)
    if not sheets:
        ws = workbook.create_sheet("说明")
        put(ws, 1, 1, "没有包联领导关联到项目（leader add 添加人员，project update --leader 指定）", border=False)
    return save_workbook(workbook, dest)
