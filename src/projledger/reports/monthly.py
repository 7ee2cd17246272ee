"""The monthly ranking workbook (逐月排队通报) that goes to the 调度会 (SPEC §5, issue 6).

Sheets, in order:

1. **乡镇排名** and 2. **部门排名** — title ``{县名}{年}年{月}月重大项目推进情况排队通报``, the
   ranking with rank change since last month (``↑2`` / ``↓1`` / ``持平``; ``—`` when not
   comparable), the bottom three filled red (:data:`~projledger.reports.xlsx.BOTTOM3_FILL`)
   and a streak ≥ 3 flagged in 备注 with :data:`STREAK_NOTE`; the scoring rule under the
   table; under each ranking a bar chart of the scores with the bottom three in red, sized to
   fill its printed page (:mod:`projledger.reports.monthly_brief`); the township sheet opens
   with the brief (SPEC §5b), one row per part.
3. **一项目一表** — every plan project of the year: nature, starts, plan, year-to-date,
   investment rate, latest 形象进度, its warning card (cell filled with the card colour) and
   the reasons.
4. **问题清单** — problems open as of the report date, worst card first
   (:func:`projledger.reports.problem_sheet.problem_sheet_rows`), overdue ones marked 已逾期.
5. **预警** — every warning card (:func:`projledger.warnings_engine.collect_cards`), worst
   first.

Every sheet: Chinese font, A4 landscape fitted to the width, header row repeated on every
printed page, panes frozen under it, ``#,##0.00`` for 万元 and ``0.0%`` for rates.  Strings
are always string cells (never formulas).  Rates are written as their exact value; a null
rate is the text ``—``.

Speed.  A county-sized report is a few hundred rows, but the benchmark county has 20,000
plan projects and 10,000 problems — half a million cells, too many for openpyxl's per-cell
objects.  The long sheets' data rows therefore go through
:class:`~projledger.reports.bulk.BulkRows` (same styles, XML written directly, spliced in at
save time); titles, headers, the rankings and the chart are ordinary openpyxl.

The data come in as one :class:`~projledger.report_data.MonthlyData` (read once by
:func:`~projledger.report_data.gather_monthly`); this module only lays it out — no SQL.

Import inside commands only (openpyxl).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from projledger.cards import Card
from projledger.labels import CARD_KIND_CATEGORIES, RANKING_KIND_WORDS
from projledger.period import Period
from projledger.reports.bulk import BulkRows, text_lines
from projledger.scoring import BOTTOM3_STREAK_ALERT
from projledger.reports.xlsx import (
    BOTTOM3_FILL, CARD_FILLS, DATE, FONT_NAME, INTEGER, MONEY, RATE, new_workbook, put,
    setup_sheet, write_title,
)

if TYPE_CHECKING:
    from projledger.report_data import MonthlyData

__all__ = ["STREAK_NOTE", "DEFAULT_NAME", "default_filename", "report_title", "build_workbook"]

STREAK_NOTE = "连续三次排名后三位，须在季度调度会上说明情况"
DEFAULT_NAME = "重点项目推进情况排队通报-{period}.xlsx"
RANK_CHANGE_FORMAT = '"↑"0;"↓"0;"持平"'
SCORE_FORMAT = "0.00"
STREAK_FORMAT = "0;-0;"  # a streak of 0 shows as an empty cell
NULL = "—"
KIND_WORDS = RANKING_KIND_WORDS
ITEM_KINDS = CARD_KIND_CATEGORIES  # a kind without a word falls back to its key


def default_filename(period: str | Period) -> str:
    return DEFAULT_NAME.format(period=Period.parse(period))


def report_title(county_name: str, period: str | Period) -> str:
    return f"{county_name}{Period.parse(period).label}重大项目推进情况排队通报"


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# ---------------------------------------------------------------- helpers


def _header(ws, row: int, headers, widths) -> None:
    from projledger.reports.xlsx import HEADER_FILL

    for column, (header, width) in enumerate(zip(headers, widths), start=1):
        put(ws, row, column, header, bold=True, fill=HEADER_FILL, wrap=True, align="center")
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.row_dimensions[row].height = 30


def _rate(value: Decimal | None):
    return NULL if value is None else value


# ---------------------------------------------------------------- ranking sheets


RANK_HEADERS = ("排名", "较上月", "{unit}", "项目数", "应开工", "已开工", "开工率", "年度计划\n(万元)",
                "累计完成\n(万元)", "投资完成率", "问题数", "已办结", "办结率", "得分", "连续后三位\n(次)", "备注")
RANK_WIDTHS = (6, 8, 16, 7, 7, 7, 8, 13, 13, 9, 7, 7, 8, 8, 9, 30)
RANK_FORMATS = {0: INTEGER, 1: RANK_CHANGE_FORMAT, 3: INTEGER, 4: INTEGER, 5: INTEGER, 6: RATE,
                7: MONEY, 8: MONEY, 9: RATE, 10: INTEGER, 11: INTEGER, 12: RATE, 13: SCORE_FORMAT,
                14: STREAK_FORMAT}


def _rank_values(ranking, kind: str, row) -> list:
    change = ranking.rank_change(kind, row)
    # brief: the streak column says how often; 备注 only says what a streak ≥ 3 obliges
    note = STREAK_NOTE if row.bottom3_streak >= BOTTOM3_STREAK_ALERT else None
    return [row.rank, NULL if change is None else change, row.unit, row.projects, row.start_due,
            row.started, _rate(row.start_rate), row.annual_plan, row.ytd_completed,
            _rate(row.invest_rate), row.problems, row.problems_closed, _rate(row.resolve_rate),
            row.score, row.bottom3_streak, note]


def _weights_text(weights) -> str:
    def pct(value) -> str:
        return format((Decimal(value) * 100).normalize(), "f") + "%"

    return (f"说明：得分 = 100 ×（开工率×{pct(weights.start)} + 投资完成率×{pct(weights.invest)}"
            f" + 问题办结率×{pct(weights.resolve)}）÷ 参与计算的权重之和，四舍五入保留两位小数；"
            "投资完成率超过100%按100%计；无应开工项目、无年度计划投资或无问题的单位，该项指标不参与计算。"
            "排名依次按得分、投资完成率、开工率从高到低，再按单位名称。后三位以红色底纹标示，"
            "连续三次排名后三位的单位，须在季度调度会上说明情况。")


def _ranking_sheet(workbook, report: "MonthlyData", kind: str) -> None:
    ranking = report.ranking
    rows = ranking.rankings.get(kind, [])
    word = KIND_WORDS[kind]
    ws = workbook.create_sheet(f"{word}排名")
    width = len(RANK_HEADERS)
    subtitle = (f"{word}排名（统计截至{_cn_date(ranking.as_of)}，共{len(rows)}个{word}参与排名）")
    title = report_title(report.county_name, ranking.period)
    if getattr(report, "scope", ""):  # cycle: a filtered report says so in its title
        title += f"（{report.scope}）"
    top = write_title(ws, title, width, subtitle=subtitle)
    if kind == "township":  # brief: the 通报正文 opens the first sheet, above the ranking
        from projledger.reports.monthly_brief import write_brief_rows

        top = write_brief_rows(ws, report.brief, top, RANK_WIDTHS)
    headers = [h.format(unit=word) for h in RANK_HEADERS]
    _header(ws, top, headers, RANK_WIDTHS)
    for offset, row in enumerate(rows, start=1):
        fill = BOTTOM3_FILL if row.bottom3 else None
        for column, value in enumerate(_rank_values(ranking, kind, row)):
            put(ws, top + offset, column + 1, value, number_format=RANK_FORMATS.get(column),
                fill=fill, align="center" if column in (0, 1) or value == NULL else None,
                wrap=column == width - 1)
        if row.bottom3_streak >= BOTTOM3_STREAK_ALERT:
            ws.cell(row=top + offset, column=width).font = Font(name=FONT_NAME, size=10, bold=True,
                                                                color="C00000")
    last = top + len(rows)
    if not rows:
        put(ws, top + 1, 1, f"本期没有参与排名的{word}", border=False)
        last += 1
    put(ws, last + 1, 1, _weights_text(report.weights), border=False, wrap=True)
    ws.merge_cells(start_row=last + 1, start_column=1, end_row=last + 1, end_column=width)
    ws.row_dimensions[last + 1].height = 42
    end = last + 1
    if kind == "township" and getattr(report, "unreported", None):  # cycle: 报送
        end += 1
        put(ws, end, 1, f"本期未报送的乡镇：{'、'.join(report.unreported)}（沿用其此前报送的数据）",
            border=False, wrap=True, bold=True)
        ws.merge_cells(start_row=end, start_column=1, end_row=end, end_column=width)
        last += 1
    if rows:  # brief: both rankings get their chart, sized to the page
        from projledger.reports.monthly_brief import score_chart

        end = score_chart(ws, title=f"各{word}得分（红色为后三位）", top=top, rows=rows, score_column=14,
                          unit_column=3, anchor_row=last + 3, last_column=width)
    setup_sheet(ws, header_row=top, first_column_frozen=3, last_column=width)
    if kind == "township":  # the brief scrolls away: only the unit columns stay on screen
        ws.freeze_panes = "D1"
    ws.print_area = f"A1:{get_column_letter(width)}{end}"


# ---------------------------------------------------------------- long sheets


PROJECT_HEADERS = ("序号", "项目代码", "项目名称", "乡镇", "责任部门", "建设性质", "计划开工", "实际开工",
                   "年度计划\n(万元)", "累计完成\n(万元)", "投资完成率", "形象进度", "预警", "预警事项")
PROJECT_WIDTHS = (5, 13, 22, 8, 10, 6, 10.5, 10.5, 11, 11, 8, 14, 5, 28)  # brief: prints at ~85%, not ~60%
PROJECT_FORMATS = {0: INTEGER, 6: DATE, 7: DATE, 8: MONEY, 9: MONEY, 10: RATE}


def _card_counts(cards) -> str:
    counts = {card: 0 for card in Card}
    for card in cards:
        if card is not None:
            counts[card] += 1
    return "、".join(f"{card.label}{counts[card]}个" for card in Card)


def _card_style(bulk: BulkRows, card: Card) -> int:
    return bulk.style(fill=CARD_FILLS[card.key], align="center", bold=card is Card.RED)


def _card_styles(bulk: BulkRows) -> dict:
    """Each card colour's style, looked up once per sheet (not once per row)."""
    return {card: _card_style(bulk, card) for card in Card}


def _long_sheet(workbook, bulk: BulkRows, name: str, title: str, subtitle: str, headers, widths,
                formats, rows, wrap=(), special=None) -> None:
    """A long table: title and header by openpyxl, data rows through :class:`BulkRows`;
    ``special`` maps a column to ``pick(i, value)`` returning a style id (or None) for a cell.
    A null rate (``—``) is centred."""
    ws = workbook.create_sheet(name)
    top = write_title(ws, title, len(headers), subtitle=subtitle)
    _header(ws, top, headers, widths)
    plain = [bulk.style(formats.get(c), wrap=c in wrap) for c in range(len(headers))]
    centred = bulk.style(align="center")
    picks = dict(special or {})
    for column, number_format in formats.items():
        if number_format == RATE and column not in picks:
            picks[column] = lambda i, value: centred if value == NULL else None
    heights = [_row_height(values, widths, wrap) for values in rows]
    if rows:
        bulk.add_rows(ws, top + 1, rows, plain, special=picks, heights=heights)
    else:
        put(ws, top + 1, 1, "（无）", border=False)
    setup_sheet(ws, header_row=top, first_column_frozen=3, last_column=len(headers))
    ws.print_area = f"A1:{get_column_letter(len(headers))}{bulk.last_row(ws)}"


def _row_height(values, widths, wrap) -> float | None:
    """Height for a row whose wrapped texts need more than one line (13.5 pt a line)."""
    lines = 1
    for c in wrap:
        value = values[c]
        if isinstance(value, str):
            lines = max(lines, text_lines(value, widths[c]))
    return 13.5 * lines if lines > 1 else None


def _projects_sheet(workbook, bulk: BulkRows, report: "MonthlyData") -> None:
    lines = report.projects
    rows = [[n, p.code, p.name, p.township, p.department, p.nature, p.planned_start, p.actual_start,
             p.annual_plan, p.ytd_completed, _rate(p.invest_rate), p.status,
             p.card.label if p.card else None, p.reasons] for n, p in enumerate(lines, start=1)]
    card_col = PROJECT_HEADERS.index("预警")
    styles = _card_styles(bulk)
    special = {card_col: lambda i, value: styles[lines[i].card] if value else None}

    ranking = report.ranking
    subtitle = (f"{ranking.year}年计划项目{len(lines)}个，截至{_cn_date(ranking.as_of)}；"
                f"{_card_counts(p.card for p in lines)}")
    _long_sheet(workbook, bulk, "一项目一表", f"{report.county_name}{ranking.year}年重大项目一项目一表（汇总）",
                subtitle, PROJECT_HEADERS, PROJECT_WIDTHS, PROJECT_FORMATS, rows, wrap=(1, 2, 4, 11, 13),
                special=special)


PROBLEM_HEADERS = ("序号", "项目名称", "所在乡镇", "问题", "牵头单位", "提出日期", "解决时限", "状态",
                   "逾期工作日", "亮牌")
PROBLEM_WIDTHS = (6, 28, 10, 44, 14, 11, 11, 8, 9, 7)
PROBLEM_FORMATS = {0: INTEGER, 5: DATE, 6: DATE, 8: INTEGER}


def _problem_state(problem, as_of: dt.date) -> str:
    if problem.due_on is None:
        return "无时限"
    return "已逾期" if problem.due_on < as_of else "未到期"


def _problems_sheet(workbook, bulk: BulkRows, report: "MonthlyData") -> None:
    as_of = report.ranking.as_of
    entries = report.problems
    rows = [[n, e.problem.project_name, e.problem.township, e.problem.text, e.problem.lead_unit,
             e.problem.reported_on, e.problem.due_on, _problem_state(e.problem, as_of),
             e.overdue_workdays or None, e.card.label if e.card else None]
            for n, e in enumerate(entries, start=1)]

    overdue_style = bulk.style(align="center", bold=True, color="C00000")
    card_styles = _card_styles(bulk)
    special = {7: lambda i, value: overdue_style if value == "已逾期" else None,
               9: lambda i, value: card_styles[entries[i].card] if value else None}

    overdue = sum(1 for row in rows if row[7] == "已逾期")
    subtitle = (f"截至{_cn_date(as_of)}，未办结问题{len(rows)}个，其中已逾期{overdue}个；"
                f"{_card_counts(e.card for e in entries)}")
    _long_sheet(workbook, bulk, "问题清单", f"{report.county_name}重大项目未办结问题清单", subtitle,
                PROBLEM_HEADERS, PROBLEM_WIDTHS, PROBLEM_FORMATS, rows, wrap=(1, 3), special=special)


ITEM_HEADERS = ("序号", "会议", "议定事项", "牵头单位", "相关项目", "完成时限", "状态", "逾期工作日", "亮牌")
ITEM_WIDTHS = (6, 20, 44, 14, 24, 11, 8, 9, 7)


def _items_sheet(workbook, bulk: BulkRows, report: "MonthlyData") -> None:  # meetings
    """会议议定事项 open on the report date, worst first; no sheet when there are none."""
    entries = report.meeting_items
    if not entries:
        return
    as_of = report.ranking.as_of
    rows = [[n, f"{e.item.meeting_on.isoformat()} {e.item.meeting_kind}", e.item.text, e.item.lead_unit,
             e.item.project_name, e.item.due_on, _problem_state(e.item, as_of), e.overdue_workdays or None,
             e.card.label if e.card else None] for n, e in enumerate(entries, start=1)]
    card_styles = _card_styles(bulk)
    special = {8: lambda i, value: card_styles[entries[i].card] if value else None}
    subtitle = f"截至{_cn_date(as_of)}，未办结议定事项{len(rows)}项；{_card_counts(e.card for e in entries)}"
    _long_sheet(workbook, bulk, "议定事项", f"{report.county_name}会议议定事项跟踪督办清单", subtitle, ITEM_HEADERS,
                ITEM_WIDTHS, {0: INTEGER, 5: DATE, 7: INTEGER}, rows, wrap=(1, 2, 4), special=special)


WARNING_HEADERS = ("序号", "亮牌", "类别", "项目名称", "事项", "原因", "时限")
WARNING_WIDTHS = (6, 7, 9, 30, 30, 50, 11)
WARNING_FORMATS = {0: INTEGER, 6: DATE}


def _warnings_sheet(workbook, bulk: BulkRows, report: "MonthlyData", names: dict[int, str]) -> None:
    items = report.cards.items
    rows = []
    for n, item in enumerate(items, start=1):
        name = names.get(item.project_id)
        subject = None if item.kind in ("start", "invest") and item.subject == name else item.subject
        rows.append([n, item.card.label, ITEM_KINDS.get(item.kind, item.kind), name, subject,
                     item.reason, item.due])

    card_styles = _card_styles(bulk)
    special = {1: lambda i, value: card_styles[items[i].card]}

    notes = list(report.cards.warnings)
    subtitle = f"截至{_cn_date(report.ranking.as_of)}，{_card_counts(i.card for i in items)}"
    if notes:
        subtitle += "；" + "；".join(notes)
    _long_sheet(workbook, bulk, "预警", f"{report.county_name}重大项目红黄蓝牌预警", subtitle,
                WARNING_HEADERS, WARNING_WIDTHS, WARNING_FORMATS, rows, wrap=(3, 4, 5), special=special)


# ---------------------------------------------------------------- the workbook


def build_workbook(report: "MonthlyData") -> BulkRows:
    """The whole workbook, ready to save with ``.save(dest)`` (``.workbook`` is openpyxl's)."""
    workbook = new_workbook()
    bulk = BulkRows(workbook)
    _ranking_sheet(workbook, report, "township")
    _ranking_sheet(workbook, report, "department")
    _projects_sheet(workbook, bulk, report)
    _problems_sheet(workbook, bulk, report)
    _items_sheet(workbook, bulk, report)  # meetings
    _warnings_sheet(workbook, bulk, report, report.project_names)
    workbook.active = 0
    return bulk
