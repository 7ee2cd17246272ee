"""各县区重大项目推进情况排队通报: the county ranking as a workbook and as a Word 通报.

Writers only: the figures arrive as a :class:`~projledger.county_ranking.CountyRanking` and
its brief (``{"text": …, …}``); nothing here reads the ledger.  The workbook's first rows
are the brief, then the ranking with the bottom three filled; the Word document is the
same through the one 公文 builder (:mod:`projledger.reports.document`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from projledger.money import format_money

__all__ = ["HEADERS", "ranking_rows", "write_counties_workbook", "write_counties_docx"]

HEADERS = ("排名", "县区", "计划项目", "应开工", "已开工", "开工率", "年度计划(万元)", "累计完成(万元)",
           "投资完成率", "问题数", "已办结", "办结率", "得分", "后三位", "连续后三位")


def _percent(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def ranking_rows(ranking) -> list[list[object]]:
    """The table as text cells, the same in the workbook's screen view and the Word table."""
    return [[row.rank, row.unit, row.projects, row.start_due, row.started, _percent(row.start_rate),
             format_money(row.annual_plan), format_money(row.ytd_completed), _percent(row.invest_rate),
             row.problems, row.problems_closed, _percent(row.resolve_rate), f"{row.score:.2f}",
             "是" if row.bottom3 else "", f"连续{row.bottom3_streak}次" if row.bottom3_streak >= 2 else ""]
            for row in ranking.rows]


def _title(ranking) -> str:
    return f"{ranking.city}{ranking.period.label}各县区重大项目推进情况排队通报"


def write_counties_workbook(ranking, brief: dict, dest: Path) -> Path:
    from projledger.reports.xlsx import (BOTTOM3_FILL, MONEY, RATE, new_workbook, put, save_workbook,
                                         setup_sheet, write_table, write_title)

    workbook = new_workbook()
    ws = workbook.create_sheet("各县区排名")
    width = len(HEADERS)
    row = write_title(ws, _title(ranking), width, subtitle=f"截至 {ranking.as_of.isoformat()}")
    for line in brief["text"].split("\n"):
        put(ws, row, 1, line, border=False, wrap=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        ws.row_dimensions[row].height = 15 * max(2, len(line) // 70 + 1)
        row += 1
    row += 1
    header_row = row
    values = [[r.rank, r.unit, r.projects, r.start_due, r.started, r.start_rate, r.annual_plan,
               r.ytd_completed, r.invest_rate, r.problems, r.problems_closed, r.resolve_rate,
               r.score, "是" if r.bottom3 else "",
               f"连续{r.bottom3_streak}次" if r.bottom3_streak >= 2 else ""] for r in ranking.rows]
    write_table(ws, header_row, HEADERS, values,
                formats={5: RATE, 6: MONEY, 7: MONEY, 8: RATE, 11: RATE, 12: "0.00"},
                widths=[6, 14, 9, 8, 8, 9, 15, 15, 10, 8, 8, 9, 8, 8, 11])
    for offset, r in enumerate(ranking.rows, start=1):
        if r.bottom3:
            for column in range(1, width + 1):
                ws.cell(row=header_row + offset, column=column).fill = BOTTOM3_FILL
    setup_sheet(ws, header_row=header_row, first_column_frozen=2, last_column=width)
    return save_workbook(workbook, dest)


def write_counties_docx(ranking, brief: dict, dest: Path, *, office: str, on_date: dt.date,
                        doc_number: str | None = None, ledger_path: Path | None = None) -> Path:
    from projledger.reports.document import OfficialDocument

    doc = OfficialDocument(_title(ranking), doc_number)
    for paragraph in brief["text"].split("\n"):
        doc.paragraph(paragraph)
    doc.heading("一、各县区排名")
    doc.table(("排名", "县区", "计划项目", "开工率", "投资完成率", "办结率", "得分", "备注"),
              [[r.rank, r.unit, r.projects, _percent(r.start_rate), _percent(r.invest_rate),
                _percent(r.resolve_rate), f"{r.score:.2f}",
                ("后三位" + (f"，连续{r.bottom3_streak}次" if r.bottom3_streak >= 2 else "")) if r.bottom3 else ""]
               for r in ranking.rows],
              widths=(6, 14, 9, 10, 11, 10, 9, 16),
              align=("center", "left", "right", "right", "right", "right", "right", "left"))
    doc.signature(office, on_date)
    return doc.save(dest, ledger_path=ledger_path)
