"""The workbook a township fills in for one month (``projledger template``, SPEC §4).

The workbook is built so that the township import reads it back with no options at all:

* row 1, the title ``{乡镇}{年}年{月}月重点项目推进情况表`` — township, year and month;
* row 2, the fill-in row ``填报单位：{乡镇}  填报日期：`` — the township again, and the date
  the township types after the colon (then the problems' reported date);
* row 3, one header row in words the header synonyms know, the money headers carrying
  ``（万元）`` on a line of their own (an explicit line break, so a narrow column never breaks
  ``（万元`` / ``）``) and the year-to-date header saying ``1-{月}月`` (the period once more);
* one row per current project of the township — in the year's annual plan, or at stage
  新开工/续建/前期 — with code, name, 责任单位, nature, total investment, the year's planned
  investment and a known actual start filled in and **locked** (sheet protection without a
  password: it guards against slips, not against a determined user); the input cells for
  this month (year-to-date, this month, 形象进度, actual start when unknown or estimated,
  problems) are unlocked and blank, and so is the planned-investment cell of a project not
  yet in this year's plan (January);
* blank rows for projects the township adds, their 序号 continuing the numbering, their
  责任单位 a drop-down of the county's departments (a hidden sheet ``部门名单`` holds the
  list), so a new project counts for its department; then a footer row
  (``填报人：  联系电话：``) that the import skips.

Data validation helps the filler: money ≥ 0 (decimal), actual start a date — as a warning
only, because ``已开工`` is a valid answer — and drop-downs for nature and department.  The
sheet prints on A4 landscape (:func:`projledger.reports.xlsx.setup_sheet`) at a readable
scale; the 填表说明 sheet prints on one A4 portrait page.  Every text goes through
:func:`projledger.reports.xlsx.put` (a project named ``=…`` stays text) and the file is
written atomically.

The records come from :func:`projledger.sheets.template.template_data`; this module only lays
them out, never reading the ledger.  Import inside commands only (openpyxl).
"""


from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from projledger.errors import UsageError
from projledger.period import Period
from projledger.sheets.template import TemplateData, TemplateProject

__all__ = ["TemplateResult", "headers_for", "build_template", "write_template", "DEPARTMENT_SHEET"]

DEPARTMENT_SHEET = "部门名单"
_FIRST_ROW = 4  # the first project row (title, fill-in row, header above)
_MONEY_FORMAT = "#,##0.00"
_INPUT_FILL = "FFF2CC"
_LOCKED_FILL = "EDEDED"
_HEADER_FILL = "D9E1F2"
# 序号 代码 名称 责任单位 性质 总投资 计划 累计 当月 形象进度 开工 问题: A4 landscape at about 80 %
_WIDTHS = (5, 23, 26, 13, 8, 11, 11, 11, 11, 20, 11, 28)
_SEQ, _CODE, _NAME, _DEPT, _NATURE, _TOTAL, _PLAN, _YTD, _MONTH, _PROGRESS, _START, _PROBLEMS = range(1, 13)
_MONEY_COLUMNS = (_TOTAL, _PLAN, _YTD, _MONTH)
_WRAPPED = (_NAME, _DEPT, _PROGRESS, _PROBLEMS)
_INSTRUCTIONS = (
    "填表说明",
    "1. 灰底单元格（项目代码、项目名称、责任单位、建设性质、总投资、年度计划投资，以及已知的实际开工时间）"
    "已按台账预填并锁定，如需更正请联系县重大项目专班。",
    "2. 黄底单元格为本月填报内容：累计完成投资、当月完成投资、形象进度、实际开工时间、存在问题。"
    "金额单位为万元，填数字即可。",
    "3. 累计完成投资为本年1月至本月的累计数；只填当月完成投资时，系统按上月累计加当月推算。",
    "4. 实际开工时间填日期（如2026-03-05）；已开工但日期不详可填“已开工”。",
    "5. 存在问题请逐条编号填写，如“1.用地手续未办结；2.资金缺口300万元”；没有问题可填“无”或留空。",
    "6. 新增项目请填在表格下方已编好序号的空行中，填写项目名称、责任单位（从下拉列表中选择）、"
    "建设性质和金额；不用的空行保持空白即可。",
    "7. 请在第2行“填报日期：”后填写填报日期，不要改动标题和表头。",
)


@dataclass(frozen=True)
class TemplateResult:
    path: Path
    township: str
    period: str
    projects: int

    def to_json(self) -> dict:
        return {"path": str(self.path), "township": self.township, "period": self.period,
                "projects": self.projects}


def headers_for(period: str | Period) -> tuple[str, ...]:
    """The header row of the template for ``YYYY-MM`` (line breaks where a person would put them)."""
    month = Period.parse(period)
    return ("序号", "项目代码", "项目名称", "责任单位", "建设性质", "总投资\n（万元）",
            f"{month.year}年\n计划投资\n（万元）", f"1-{month.month}月\n完成投资\n（万元）",
            f"{month.month}月\n完成投资\n（万元）", "形象进度", "实际开工\n时间", "存在问题")


def build_template(township: str, period: str | Period, projects: list[TemplateProject], *,
                   blank_rows: int = 10, department_names: list[str] | tuple[str, ...] = ()):
    """The workbook (not saved); see the module docstring for its layout."""
    from projledger.reports.xlsx import new_workbook, setup_sheet

    month = Period.parse(period)
    workbook = new_workbook()
    ws = workbook.create_sheet("项目进展填报")
    _head(ws, township, month)
    for offset, project in enumerate(projects):
        _project_row(ws, _FIRST_ROW + offset, offset + 1, project)
    last = _FIRST_ROW + len(projects) + blank_rows - 1
    for row in range(_FIRST_ROW + len(projects), last + 1):
        _blank_row(ws, row, row - _FIRST_ROW + 1)
    _footer(ws, last + 2)
    _validations(ws, projects, last, _department_list(workbook, department_names))
    for column, size in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[ws.cell(row=3, column=column).column_letter].width = size
    setup_sheet(ws, header_row=3, first_column_frozen=_NAME, last_column=len(_WIDTHS))
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = ws.protection.formatCells = False
    _instructions(workbook)
    workbook.active = 0
    return workbook


def _head(ws, township: str, month: Period) -> None:
    """Title, fill-in row and the header row."""
    from openpyxl.styles import PatternFill, Protection

    from projledger.reports.xlsx import put, write_title

    headers = headers_for(month)
    write_title(ws, f"{township}{month.year}年{month.month}月重点项目推进情况表", len(headers))
    fill_in = put(ws, 2, 1, f"填报单位：{township}  填报日期：", border=False)
    fill_in.protection = Protection(locked=False)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
    header_fill = PatternFill("solid", fgColor=_HEADER_FILL)
    for column, header in enumerate(headers, start=1):
        put(ws, 3, column, header, bold=True, wrap=True, align="center", fill=header_fill)
    ws.row_dimensions[3].height = 42  # three lines: 2026年 / 计划投资 / （万元）


def _project_row(ws, row: int, seq: int, project: TemplateProject) -> None:
    from openpyxl.styles import PatternFill

    from projledger.reports.xlsx import DATE, put

    locked = PatternFill("solid", fgColor=_LOCKED_FILL)
    values = {_SEQ: seq, _CODE: project.code, _NAME: project.name, _DEPT: project.department,
              _NATURE: project.nature, _TOTAL: project.total_investment, _PLAN: project.annual_plan}
    if project.annual_plan is None:  # not yet in this year's plan (January): the township gives it
        del values[_PLAN]
    if project.actual_start is not None:
        values[_START] = project.actual_start
    for column, value in values.items():
        number_format = _MONEY_FORMAT if column in _MONEY_COLUMNS else (DATE if column == _START else None)
        put(ws, row, column, value, fill=locked, number_format=number_format, wrap=column in _WRAPPED,
            align="center" if column in (_SEQ, _NATURE) else None, size=9 if column == _CODE else 10)
    _input_cells(ws, row, [c for c in range(_PLAN, _PROBLEMS + 1) if c not in values])


def _blank_row(ws, row: int, seq: int) -> None:
    """A row for a new project: 序号 already there (like the rows above), the rest to fill in."""
    from projledger.reports.xlsx import put

    put(ws, row, _SEQ, seq, align="center")
    _input_cells(ws, row, range(_CODE, _PROBLEMS + 1))
    ws.row_dimensions[row].height = 20  # room to write in by hand on a printout


def _input_cells(ws, row: int, columns) -> None:
    from openpyxl.styles import PatternFill, Protection

    from projledger.reports.xlsx import DATE, put

    fill = PatternFill("solid", fgColor=_INPUT_FILL)
    for column in columns:
        number_format = DATE if column == _START else (_MONEY_FORMAT if column in _MONEY_COLUMNS else None)
        cell = put(ws, row, column, None, fill=fill, number_format=number_format, wrap=column in _WRAPPED)
        cell.protection = Protection(locked=False)


def _footer(ws, row: int) -> None:
    from openpyxl.styles import Protection

    from projledger.reports.xlsx import put

    footer = put(ws, row, 1, "填报人：            联系电话：", border=False)
    footer.protection = Protection(locked=False)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(_WIDTHS))


def _department_list(workbook, names) -> str | None:
    """The departments on a hidden sheet; the drop-down's source range (None if there are none)."""
    from projledger.reports.xlsx import put

    if not names:
        return None
    ws = workbook.create_sheet(DEPARTMENT_SHEET)
    for row, name in enumerate(names, start=1):
        put(ws, row, 1, name, border=False)
    ws.sheet_state = "hidden"
    ws.protection.sheet = True
    return f"'{DEPARTMENT_SHEET}'!$A$1:$A${len(names)}"


def _validations(ws, projects: list[TemplateProject], last: int, department_range: str | None) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    def span(column: int, first: int = _FIRST_ROW) -> str:
        letter = get_column_letter(column)
        return f"{letter}{first}:{letter}{last}"

    money = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                           showErrorMessage=True, errorTitle="金额有误", error="请填写不小于0的数字（单位：万元）")
    start = DataValidation(type="date", operator="between", formula1="36526", formula2="73051", allow_blank=True,
                           showErrorMessage=True, errorStyle="warning", errorTitle="日期",
                           error="请填写日期，如2026-03-05；开工日期不详可填“已开工”",
                           showInputMessage=True, promptTitle="实际开工时间",
                           prompt="填写日期，如2026-03-05；开工日期不详可填“已开工”")
    nature = DataValidation(type="list", formula1='"新开工,续建,前期"', allow_blank=True,
                            showErrorMessage=True, errorTitle="建设性质", error="请从下拉列表中选择：新开工、续建或前期")
    for validation in (money, start, nature):
        ws.add_data_validation(validation)
    for column in (_YTD, _MONTH):
        money.add(span(column))
    start.add(span(_START))
    first_blank = _FIRST_ROW + len(projects)
    for row, project in enumerate(projects, start=_FIRST_ROW):
        if project.annual_plan is None:  # not yet in this year's plan: the township may give it
            money.add(f"{get_column_letter(_PLAN)}{row}")
    if first_blank > last:
        return
    for column in (_TOTAL, _PLAN):
        money.add(span(column, first_blank))
    nature.add(span(_NATURE, first_blank))
    if department_range:
        department = DataValidation(type="list", formula1=department_range, allow_blank=True,
                                    showErrorMessage=True, errorStyle="warning", errorTitle="责任单位",
                                    error="请从下拉列表中选择县直责任单位（不在名单中的单位导入时会报错）")
        ws.add_data_validation(department)
        department.add(span(_DEPT, first_blank))


def _instructions(workbook) -> None:
    """The 填表说明 sheet: wrapped text on one A4 portrait page."""
    from openpyxl.styles import Alignment

    from projledger.reports.xlsx import put

    ws = workbook.create_sheet("填表说明")
    for row, text in enumerate(_INSTRUCTIONS, start=1):
        cell = put(ws, row, 1, text, border=False, bold=row == 1, size=14 if row == 1 else 11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = 24 if row == 1 else 16 * _lines(text) + 6  # Excel does not grow it
    ws.column_dimensions["A"].width = 52  # fits the page at 100 %: LibreOffice does not shrink this sheet
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.8
    ws.print_area = f"A1:A{len(_INSTRUCTIONS)}"


def _lines(text: str, per_line: int = 34) -> int:
    """Lines a wrapped instruction takes in column A (a Chinese character a unit, others half)."""
    import unicodedata

    units = sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text)
    return max(1, -int(-units // per_line))


def write_template(data: TemplateData, dest: Path, *, blank_rows: int = 10) -> TemplateResult:
    """Lay out ``data`` and save the workbook atomically at ``dest`` (an ``.xlsx`` name)."""
    from projledger.reports.xlsx import save_workbook

    dest = Path(dest)
    if dest.suffix.lower() != ".xlsx":
        raise UsageError(f"输出文件“{dest.name}”应以 .xlsx 结尾")
    if blank_rows < 0 or blank_rows > 500:
        raise UsageError("空行数应在 0 到 500 之间")
    workbook = build_template(data.township, data.period, data.projects, blank_rows=blank_rows,
                              department_names=data.departments)
    save_workbook(workbook, dest)
    return TemplateResult(dest, data.township, str(data.period), len(data.projects))
