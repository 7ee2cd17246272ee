"""What the brief adds to the monthly workbook (``reports/monthly.py`` calls these).

- :func:`write_brief_rows` — the brief (SPEC §5b) as the first sheet's opening rows, one
  merged, wrapped row per part (``一、总体情况：今年全县…``), the same text as ``--json``'s
  ``brief.text``;
- :func:`score_chart` — a ranking's scores as a bar chart under its table, the bottom three
  in red, sized to fill what is left of the printed page (or a page of its own when too little
  is left), so no page is printed half empty.

Page arithmetic.  The ranking sheets print on A4 landscape, fitted to the width: the scale is
the printable width over the sheet's width, and a printed page holds the printable height
divided by that scale, in the sheet's points.  Row heights are those set on the sheet, else
the default 15 pt.  That is the arithmetic Excel, WPS and LibreOffice use (to within a line),
which is all the chart's size needs.

Import inside commands only (openpyxl).
"""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.marker import DataPoint
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from projledger.reports.xlsx import put

__all__ = ["write_brief_rows", "score_chart", "page_height", "used_height"]

CN_NUMBERS = "一二三四五六七八九十"
DEFAULT_ROW = 15.0  # pt
CM = 28.35  # pt per cm
PRINTABLE_WIDTH = (297 - 2 * 10.16) / 25.4 * 72  # A4 landscape, 0.4 in side margins (setup_sheet)
PRINTABLE_HEIGHT = (210 - 15.24 - 19.05) / 25.4 * 72  # 0.6 in top, 0.75 in bottom
BAR, BOTTOM3_BAR = "4472C4", "C00000"
LINE_HEIGHT = 14.0  # pt per wrapped line of 10 pt text


def _sheet_width_pt(ws, last_column: int) -> float:
    total = 0.0
    for column in range(1, last_column + 1):
        width = ws.column_dimensions[get_column_letter(column)].width or 8.43
        total += (width * 7 + 5) * 0.75  # Excel: a width of w characters is 7w + 5 pixels
    return total


def page_height(ws, last_column: int) -> float:
    """A printed page's height in the sheet's points (fit to width scales the sheet down)."""
    scale = min(1.0, PRINTABLE_WIDTH / _sheet_width_pt(ws, last_column))
    return PRINTABLE_HEIGHT / scale


def used_height(ws, first_row: int, last_row: int) -> float:
    return sum(ws.row_dimensions[r].height or DEFAULT_ROW for r in range(first_row, last_row + 1))


def write_brief_rows(ws, brief, row: int, widths) -> int:
    """The brief's parts from ``row`` down, merged over the columns of ``widths`` (which it
    sets); returns the row after them and a blank one."""
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    chars_per_line = max(20, int(_sheet_width_pt(ws, len(widths)) / 10.5) - 2)  # 10 pt CJK ≈ 10.5 pt wide
    for number, part in enumerate(brief.parts):
        text = f"{CN_NUMBERS[number]}、{part.heading}：{part.text}"
        put(ws, row, 1, text, border=False, wrap=True, align="left")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
        lines = -(-len(text) // chars_per_line)
        ws.row_dimensions[row].height = LINE_HEIGHT * lines + 4
        row += 1
    return row + 1


def score_chart(ws, *, title: str, top: int, rows, score_column: int, unit_column: int,
                anchor_row: int, last_column: int) -> int:
    """Bar chart of the scores of ``rows`` (ranking rows, header at ``top``), bottom three red;
    returns the last row it covers."""
    count = len(rows)
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.y_axis.majorUnit = 20
    chart.y_axis.number_format = "0"
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.legend = None
    chart.add_data(Reference(ws, min_col=score_column, min_row=top, max_row=top + count), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=unit_column, min_row=top + 1, max_row=top + count))
    series = chart.series[0]
    series.graphicalProperties.solidFill = BAR
    for index, row in enumerate(rows):
        if row.bottom3:  # the bottom three stand out as in the table
            point = DataPoint(idx=index)
            point.graphicalProperties.solidFill = BOTTOM3_BAR
            series.dPt.append(point)
    chart.dataLabels = DataLabelList(showVal=True, showCatName=False, showSerName=False,
                                     showLegendKey=False, showPercent=False)
    rows_high = max(8, int(_fit(ws, anchor_row, last_column) // DEFAULT_ROW))
    # anchored to cells: as wide as the table and as many rows high, whatever font the suite
    # measures columns with
    chart.anchor = TwoCellAnchor(_from=AnchorMarker(col=0, row=anchor_row - 1),
                                 to=AnchorMarker(col=last_column, row=anchor_row - 1 + rows_high))
    ws.add_chart(chart)
    return anchor_row + rows_high


def _fit(ws, anchor_row: int, last_column: int) -> float:
    """The chart's height: what is left of the page below ``anchor_row``; a new page when
    less than a fifth of one is left."""
    page = page_height(ws, last_column)
    left = page - used_height(ws, 1, anchor_row - 1) % page - DEFAULT_ROW
    if left >= page / 5:
        return min(left, page * 0.9)
    ws.row_breaks.append(Break(id=anchor_row - 1))
    return page * 0.75
