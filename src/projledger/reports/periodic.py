"""Writers of the quarter, half-year and year summaries (``report quarterly|half|annual``).

From a :class:`projledger.periodic.PeriodicData` (nothing here queries):

Workbook (``--out``), A4 landscape like the monthly one:

1. **概况** — title, the months covered, the investment completed within the span and the
   brief's seven parts (the same text as ``--json``'s ``brief.text``);
2. **乡镇逐月排名** / 3. **部门逐月排名** — each unit's rank in every month of the span
   (bottom three filled red), how often it was in the bottom three, and a line chart of the
   ranks with the value axis reversed so rank 1 is on top;
4. **约谈对象** (half-year, annual) — the bottom three of the June / December rankings;
5. **年度考核** (annual) — December score, 加减分, 考核得分 and the 考核 rank.

Word (``--docx``): the same as a 公文 through :class:`~projledger.reports.document.OfficialDocument`.

Import inside commands only (openpyxl, python-docx).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl.chart import LineChart, Reference
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.utils import get_column_letter

from projledger.labels import RANKING_KIND_WORDS
from projledger.brief import area_word, say_amount
from projledger.reports.xlsx import (
    BOTTOM3_FILL, HEADER_FILL, INTEGER, new_workbook, put, save_workbook, setup_sheet, write_title,
)
from projledger.scoring import UNIT_KINDS

if TYPE_CHECKING:  # a writer takes the gathered records; it never reads the ledger itself
    from projledger.periodic import PeriodicData

__all__ = ["title_of", "default_filename", "span_sentence", "build_workbook", "write_workbook", "build_docx",
           "write_docx"]

KIND_WORDS = RANKING_KIND_WORDS  # projledger.labels
SCORE = "0.00"
WHAT = {"quarter": "重大项目推进情况季度分析", "half": "重大项目推进情况半年通报", "annual": "重大项目推进情况及年度考核通报"}
CN = "一二三四五六七八九十"


def title_of(data: PeriodicData) -> str:
    return f"{data.monthly.county_name}{data.span.label}{WHAT[data.span.kind]}"


def default_filename(data: PeriodicData, suffix: str) -> str:
    return f"{WHAT[data.span.kind]}-{data.span.key}{suffix}"


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _months_label(data: PeriodicData) -> str:
    first, last = data.months[0], data.data_month
    return f"{first.month}月" if first == last else f"{first.month}-{last.month}月"


def span_sentence(data: PeriodicData) -> str:
    """The span's own figure, said before the brief."""
    text = f"{data.span.label}（{_months_label(data)}）{area_word(data.monthly.county_name)}重点项目完成投资{say_amount(data.span_completed)}。"
    if not data.complete:
        text += "本期尚未结束。"
    if data.data_month != data.span.months[-1]:
        text += f"以下数据截至{data.data_month.label}。"
    return text


# ---------------------------------------------------------------- workbook


def _overview_sheet(workbook, data: PeriodicData) -> None:
    ws = workbook.create_sheet("概况")
    width = 8
    for column in range(1, width + 1):
        ws.column_dimensions[get_column_letter(column)].width = 16
    subtitle = f"统计截至{_cn_date(data.monthly.as_of)}，含{_months_label(data)}"
    row = write_title(ws, title_of(data), width, subtitle=subtitle)
    paragraphs = [("", span_sentence(data))] + [
        (f"{CN[n]}、{part.heading}", part.text) for n, part in enumerate(data.brief.parts)]
    for heading, text in paragraphs:
        if heading:
            put(ws, row, 1, heading, bold=True, border=False)
            row += 1
        put(ws, row, 1, text, border=False, wrap=True, align="left")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        ws.row_dimensions[row].height = 15 * (1 + len(text) // 58)
        row += 1
    for note in data.warnings:
        put(ws, row, 1, note, border=False)
        row += 1
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.print_area = f"A1:{get_column_letter(width)}{row}"


def _ranks_sheet(workbook, data: PeriodicData, kind: str) -> None:
    word = KIND_WORDS[kind]
    ws = workbook.create_sheet(f"{word}逐月排名")
    units = data.ranks.get(kind, [])
    months = data.months
    at = months.index(data.data_month)
    headers = [word] + [f"{m.month}月" for m in months] + [f"{data.data_month.month}月得分", "后三位次数"]
    span = max(len(headers), 12)  # the title and the chart use the same columns as the printed page
    top = write_title(ws, f"{title_of(data)}——{word}逐月排名", span,
                      subtitle=f"共{len(units)}个{word}；红色底纹为当月后三位，空白为当月未参与排名")
    for column, header in enumerate(headers, start=1):
        put(ws, top, column, header, bold=True, fill=HEADER_FILL, align="center", wrap=True)
        ws.column_dimensions[get_column_letter(column)].width = 16 if column == 1 else 8
    ws.column_dimensions[get_column_letter(len(headers) - 1)].width = 10
    ws.column_dimensions[get_column_letter(len(headers))].width = 10
    for offset, unit in enumerate(units, start=1):
        row = top + offset
        put(ws, row, 1, unit.unit)
        for index, rank in enumerate(unit.ranks):
            put(ws, row, 2 + index, rank, number_format=INTEGER, align="center",
                fill=BOTTOM3_FILL if unit.bottom3[index] else None)
        put(ws, row, len(headers) - 1, unit.scores[at], number_format=SCORE)
        put(ws, row, len(headers), sum(unit.bottom3), number_format=INTEGER, align="center")
    last = top + max(len(units), 1)
    if not units:
        put(ws, top + 1, 1, f"本期没有参与排名的{word}", border=False)
    end = last
    if units:
        end = _rank_chart(ws, data, kind, top, len(units), last + 2, span)
    setup_sheet(ws, header_row=top, last_column=len(headers))
    ws.print_area = f"A1:{get_column_letter(span)}{end}"


def _rank_chart(ws, data: PeriodicData, kind: str, top: int, count: int, anchor_row: int, span: int) -> int:
    """Ranks over the months, one line per unit; axis reversed so rank 1 is at the top."""
    chart = LineChart()
    chart.title = f"{KIND_WORDS[kind]}逐月排名（名次越靠上越好）"
    months = len(data.months)
    for offset in range(1, count + 1):
        values = Reference(ws, min_col=1, max_col=1 + months, min_row=top + offset)
        chart.add_data(values, from_rows=True, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, max_col=1 + months, min_row=top))
    for series in chart.series:  # straight segments with a dot per month: ranks are not a curve
        series.smooth = False
        series.marker.symbol = "circle"
        series.marker.size = 6
    most = max((r for u in data.ranks[kind] for r in u.ranks if r is not None), default=1)
    chart.y_axis.scaling.orientation = "maxMin"
    chart.y_axis.scaling.min = 1
    chart.y_axis.scaling.max = max(most, 2)
    chart.y_axis.majorUnit = 1 if most <= 15 else 5
    chart.y_axis.title = "名次"
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.x_axis.crosses = "max"  # the month axis at the bottom (the last rank) although ranks run downwards
    rows_high = 22
    chart.anchor = TwoCellAnchor(_from=AnchorMarker(col=0, row=anchor_row - 1),
                                 to=AnchorMarker(col=span, row=anchor_row - 1 + rows_high))
    ws.add_chart(chart)
    return anchor_row + rows_high


def _interview_sheet(workbook, data: PeriodicData) -> None:
    ws = workbook.create_sheet("约谈对象")
    headers = ["排名月份", "类别", "排名", "单位", "得分", "连续后三位(次)"]
    top = write_title(ws, f"{title_of(data)}——约谈对象", len(headers),
                      subtitle="半年和全年完成任务差（6月、12月排名后三位）的乡镇和部门，约谈其主要领导")
    for column, (header, width) in enumerate(zip(headers, (12, 8, 8, 20, 10, 14)), start=1):
        put(ws, top, column, header, bold=True, fill=HEADER_FILL, align="center")
        ws.column_dimensions[get_column_letter(column)].width = width
    row = top + 1
    for month, found in data.interviews.items():
        if found is None:
            put(ws, row, 1, month.label)
            put(ws, row, 2, "尚未排名", border=True)
            row += 1
            continue
        for kind in UNIT_KINDS:
            for r in found.get(kind, []):
                for column, value in enumerate([month.label, KIND_WORDS[kind], r.rank, r.unit, r.score,
                                                r.bottom3_streak], start=1):
                    put(ws, row, column, value, number_format={3: INTEGER, 5: SCORE, 6: INTEGER}.get(column))
                row += 1
    setup_sheet(ws, header_row=top, last_column=len(headers))


def _assessment_sheet(workbook, data: PeriodicData) -> None:
    ws = workbook.create_sheet("年度考核")
    headers = ["考核排名", "单位", "12月排名", "12月得分", "加减分", "考核得分"]
    top = write_title(ws, f"{title_of(data)}——年度考核得分", len(headers),
                      subtitle="考核得分 = 12月排队得分 + 加减分（设置 assessment.adjustments）")
    for column, (header, width) in enumerate(zip(headers, (10, 20, 10, 10, 10, 10)), start=1):
        put(ws, top, column, header, bold=True, fill=HEADER_FILL, align="center")
        ws.column_dimensions[get_column_letter(column)].width = width
    row = top + 1
    if data.assessment is None:
        put(ws, row, 1, "；".join(data.warnings) or "12月尚未排名", border=False)
    for kind in UNIT_KINDS:
        rows = (data.assessment or {}).get(kind, [])
        if not rows:
            continue
        put(ws, row, 1, f"{KIND_WORDS[kind]}（{len(rows)}个）", bold=True, border=False)
        row += 1
        for a in rows:
            for column, value in enumerate([a.rank, a.unit, a.december_rank, a.december_score, a.adjustment,
                                            a.score], start=1):
                put(ws, row, column, value, number_format={1: INTEGER, 3: INTEGER, 4: SCORE, 5: "+0.00;-0.00;0",
                                                           6: SCORE}.get(column))
            row += 1
    setup_sheet(ws, header_row=top, last_column=len(headers))


def build_workbook(data: PeriodicData):
    workbook = new_workbook()
    _overview_sheet(workbook, data)
    for kind in UNIT_KINDS:
        _ranks_sheet(workbook, data, kind)
    if data.span.interview_months:
        _interview_sheet(workbook, data)
    if data.span.kind == "annual":
        _assessment_sheet(workbook, data)
    workbook.active = 0
    return workbook


def write_workbook(data: PeriodicData, dest: Path) -> Path:
    return save_workbook(build_workbook(data), Path(dest))


# ---------------------------------------------------------------- Word


def _rank_docx_rows(data: PeriodicData, kind: str) -> list[list[str]]:
    rows = []
    for unit in data.ranks.get(kind, []):
        marks = ["" if r is None else (f"{r}*" if b else str(r)) for r, b in zip(unit.ranks, unit.bottom3)]
        last = unit.scores[data.months.index(data.data_month)]
        rows.append([unit.unit, *marks, "" if last is None else f"{Decimal(last):.2f}"])
    return rows


def build_docx(data: PeriodicData, *, number: str | None, office: str, on_date: dt.date):
    from projledger.reports.document import OfficialDocument
    from projledger.reports.monthly_docx import add_brief, addressee_of

    doc = OfficialDocument(title_of(data), doc_number=number)
    county = data.monthly.county_name
    doc.addressee(addressee_of(county))
    doc.paragraph(f"现将{data.span.label}{area_word(county)}重大项目推进情况通报如下：")
    doc.paragraph(span_sentence(data))
    n = add_brief(doc, data.brief)
    doc.heading(f"{CN[n]}、逐月排名情况")
    n += 1
    table = 1
    for kind in UNIT_KINDS:
        rows = _rank_docx_rows(data, kind)
        if not rows:
            continue
        headers = [KIND_WORDS[kind]] + [f"{m.month}月" for m in data.months] + [f"{data.data_month.month}月得分"]
        widths = [3] + [1] * len(data.months) + [1.6]
        doc.table(headers, rows, widths=widths, align=["left"] + ["center"] * len(data.months) + ["right"],
                  font_size=9, caption=f"表{table}  {KIND_WORDS[kind]}逐月排名（*为当月后三位）")
        table += 1
    if data.span.interview_months:
        doc.heading(f"{CN[n]}、约谈对象")
        n += 1
        doc.paragraph(_interview_text(data))
    if data.span.kind == "annual":
        doc.heading(f"{CN[n]}、年度考核得分")
        table = _assessment_tables(doc, data, table)
    doc.signature(office, on_date)
    return doc


def _interview_text(data: PeriodicData) -> str:
    sentences, named = [], False
    for month, found in data.interviews.items():
        if found is None:
            sentences.append(f"{month.label}尚未排名。")
            continue
        for kind in UNIT_KINDS:
            names = "、".join(r.unit for r in found.get(kind, []))
            if names:
                named = True
                sentences.append(f"{month.label}{KIND_WORDS[kind]}排名后三位：{names}。")
        if not any(found.values()):
            sentences.append(f"{month.label}参与排名的单位不足4个，不列后三位。")
    if named:
        sentences.append("按照规定，对上述完成任务差的单位约谈其主要领导。")
    return "".join(sentences)


def _assessment_tables(doc, data: PeriodicData, table: int) -> int:
    if data.assessment is None:
        doc.paragraph("；".join(data.warnings) + "。")
        return table
    doc.paragraph("考核得分为12月排队得分加减分（根据日常检查、专项督查等情况提出）。")
    for kind in UNIT_KINDS:
        rows = data.assessment.get(kind, [])
        if not rows:
            continue
        doc.table(["考核排名", KIND_WORDS[kind], "12月排名", "12月得分", "加减分", "考核得分"],
                  [[str(a.rank), a.unit, str(a.december_rank), f"{a.december_score:.2f}",
                    f"{a.adjustment:+.2f}" if a.adjustment else "0", f"{a.score:.2f}"] for a in rows],
                  widths=[2, 4, 2, 2, 2, 2], align=["center", "left", "center", "right", "right", "right"],
                  font_size=10.5, caption=f"表{table}  {KIND_WORDS[kind]}年度考核得分")
        table += 1
    return table


def write_docx(data: PeriodicData, dest: Path, *, ledger_path: Path | None = None, **parts) -> Path:
    return build_docx(data, **parts).save(dest, ledger_path=ledger_path)
