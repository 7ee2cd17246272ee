"""The sheet a township fills in for one month (``projledger template``, SPEC §4).

The workbook is built so that :mod:`projledger.sheets.township_import` reads it back with
no options at all:

* row 1, the title ``{乡镇}{年}年{月}月重点项目推进情况表`` — township, year and month;
* row 2, the fill-in row ``填报单位：{乡镇}  填报日期：`` — the township again, and the date
  the township types after the colon (then the problems' reported date);
* row 3, one header row in words the header synonyms know, the money headers carrying
  ``（万元）`` and the year-to-date header saying ``1-{月}月`` (the period once more);
* one row per current project of the township — in the year's annual plan, or at stage
  新开工/续建/前期 — with code, name, nature, total investment and the year's planned
  investment filled in and **locked** (sheet protection without a password: it guards
  against slips, not against a determined user); the input cells for this month
  (year-to-date, this month, 形象进度, actual start, problems) are unlocked and blank, and
  so is the planned-investment cell of a project not yet in this year's plan (January);
* a few blank rows, all unlocked, for projects the township adds; then a footer row
  (``填报人：  联系电话：``) that the import skips.

Data validation helps the filler: money ≥ 0 (decimal), actual start a date — as a warning
only, because ``已开工`` is a valid answer — and a nature drop-down.  The sheet prints on
A4 landscape (:func:`projledger.reports.xlsx.setup_sheet`), every text goes through
:func:`projledger.reports.xlsx.put` (a project named ``=…`` stays text) and the file is
written atomically.  A 填表说明 sheet follows the data sheet.

Import inside commands only (openpyxl).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from projledger.dates import parse_period
from projledger.errors import UsageError

__all__ = ["TemplateProject", "TemplateResult", "headers_for", "template_projects", "build_template",
           "write_template", "NATURE_ORDER"]

NATURE_ORDER = ("新开工", "续建", "前期")
_FIRST_ROW = 4  # the first project row (title, fill-in row, header above)
_MONEY_FORMAT = "#,##0.00"
_INPUT_FILL = "FFF2CC"
_WIDTHS = (6, 26, 36, 10, 14, 16, 16, 14, 30, 14, 40)
_INSTRUCTIONS = (
    "填表说明",
    "1. 灰底单元格（项目代码、项目名称、建设性质、总投资、年度计划投资）已按台账预填并锁定，如需更正请联系县重大项目专班。",
    "2. 黄底单元格为本月填报内容：累计完成投资、当月完成投资、形象进度、实际开工时间、存在问题。金额单位为万元，填数字即可。",
    "3. 累计完成投资为本年1月至本月的累计数；只填当月完成投资时，系统按上月累计加当月推算。",
    "4. 实际开工时间填日期（如2026-03-05）；已开工但日期不详可填“已开工”。",
    "5. 存在问题请逐条编号填写，如“1.用地手续未办结；2.资金缺口300万元”；没有问题可填“无”或留空。",
    "6. 新增项目请填在表格下方的空行中，并填写项目名称、建设性质和金额。",
    "7. 请在第2行“填报日期：”后填写填报日期，不要改动标题和表头。",
)


@dataclass(frozen=True)
class TemplateProject:
    """One pre-filled row: what the ledger knows about a current project."""

    code: str | None
    name: str
    nature: str | None
    total_investment: Decimal | None
    annual_plan: Decimal | None


@dataclass(frozen=True)
class TemplateResult:
    path: Path
    township: str
    period: str
    projects: int

    def to_json(self) -> dict:
        return {"path": str(self.path), "township": self.township, "period": self.period,
                "projects": self.projects}


def headers_for(period: str) -> tuple[str, ...]:
    """The header row of the template for ``YYYY-MM``."""
    year, month = int(period[:4]), int(period[5:])
    return ("序号", "项目代码", "项目名称", "建设性质", "总投资（万元）", f"{year}年计划投资（万元）",
            f"1-{month}月完成投资（万元）", f"{month}月完成投资（万元）", "形象进度", "实际开工时间", "存在问题")


_LOCKED_COLUMNS = 6  # 序号 … 年度计划投资
_MONEY_COLUMNS = (5, 6, 7, 8)
_YTD, _MONTH, _PROGRESS, _START, _PROBLEMS = 7, 8, 9, 10, 11


def template_projects(db, township_id: int, year: int) -> list[TemplateProject]:
    """The township's current projects: in the year's plan, or at stage 新开工/续建/前期.

    Sorted 新开工, 续建, 前期 (the plan's nature for the year, else the project's), then by
    code and name.
    """
    from projledger.plans import plans_for_year
    from projledger.projects import PLAN_STAGES, Projects

    plans = plans_for_year(db, year)
    rows = []
    for project in Projects(db).list():
        if project.township_id != township_id:
            continue
        plan = plans.get(project.id)
        if plan is None and project.stage not in PLAN_STAGES:
            continue
        nature = (plan.nature if plan else None) or project.nature
        rows.append(TemplateProject(project.code, project.name, nature, project.total_investment,
                                    plan.investment if plan else None))
    order = {n: i for i, n in enumerate(NATURE_ORDER)}
    return sorted(rows, key=lambda p: (order.get(p.nature, len(order)), p.code or "~", p.name))


def build_template(township: str, period: str, projects: list[TemplateProject], *, blank_rows: int = 10):
    """The workbook (not saved); see the module docstring for its layout."""
    from openpyxl.styles import Alignment, PatternFill, Protection

    from projledger.reports.xlsx import new_workbook, put, setup_sheet, write_title

    headers = headers_for(period)
    width = len(headers)
    year, month = int(period[:4]), int(period[5:])
    workbook = new_workbook()
    ws = workbook.create_sheet("项目进展填报")
    write_title(ws, f"{township}{year}年{month}月重点项目推进情况表", width)
    fill_in = put(ws, 2, 1, f"填报单位：{township}  填报日期：", border=False)
    fill_in.protection = Protection(locked=False)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    for column, header in enumerate(headers, start=1):
        put(ws, 3, column, header, bold=True, wrap=True, align="center",
            fill=PatternFill("solid", fgColor="D9E1F2"))
    ws.row_dimensions[3].height = 32
    input_fill = PatternFill("solid", fgColor=_INPUT_FILL)
    locked_fill = PatternFill("solid", fgColor="EDEDED")
    for offset, project in enumerate(projects):
        row = _FIRST_ROW + offset
        values = (offset + 1, project.code, project.name, project.nature, project.total_investment,
                  project.annual_plan)
        for column, value in enumerate(values, start=1):
            put(ws, row, column, value, fill=locked_fill,
                number_format=_MONEY_FORMAT if column in _MONEY_COLUMNS else None)
        first_input = _LOCKED_COLUMNS if project.annual_plan is None else _LOCKED_COLUMNS + 1
        _input_cells(ws, row, range(first_input, width + 1), input_fill)
    last = _FIRST_ROW + len(projects) + blank_rows - 1
    for row in range(_FIRST_ROW + len(projects), last + 1):
        _input_cells(ws, row, range(2, width + 1), input_fill)
    footer = put(ws, last + 2, 1, "填报人：            联系电话：", border=False)
    footer.protection = Protection(locked=False)
    ws.merge_cells(start_row=last + 2, start_column=1, end_row=last + 2, end_column=width)
    _validations(ws, projects, last)
    for column, size in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[ws.cell(row=3, column=column).column_letter].width = size
    for row in range(_FIRST_ROW, last + 1):
        for column in (3, _PROGRESS, _PROBLEMS):
            ws.cell(row=row, column=column).alignment = Alignment(wrap_text=True, vertical="center")
    setup_sheet(ws, header_row=3, first_column_frozen=3, last_column=width)
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = ws.protection.formatCells = False
    _instructions(workbook)
    workbook.active = 0
    return workbook


def _input_cells(ws, row: int, columns, fill) -> None:
    from openpyxl.styles import Protection

    from projledger.reports.xlsx import DATE, put

    for column in columns:
        number_format = DATE if column == _START else (_MONEY_FORMAT if column in _MONEY_COLUMNS else None)
        cell = put(ws, row, column, None, fill=fill, number_format=number_format)
        cell.protection = Protection(locked=False)


def _validations(ws, projects: list[TemplateProject], last: int) -> None:
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
            money.add(f"F{row}")
    if first_blank <= last:
        for column in (5, 6):
            money.add(span(column, first_blank))
        nature.add(span(4, first_blank))


def _instructions(workbook) -> None:
    from openpyxl.styles import Alignment

    from projledger.reports.xlsx import put

    ws = workbook.create_sheet("填表说明")
    for row, text in enumerate(_INSTRUCTIONS, start=1):
        cell = put(ws, row, 1, text, border=False, bold=row == 1, size=12 if row == 1 else 10)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 100


def write_template(ledger, township: str, period: str, dest: Path, *, blank_rows: int = 10) -> TemplateResult:
    """Resolve the township, collect its current projects and save the workbook atomically."""
    from projledger.reports.xlsx import save_workbook
    from projledger.units import Units

    dest = Path(dest)
    if dest.suffix.lower() != ".xlsx":
        raise UsageError(f"输出文件“{dest.name}”应以 .xlsx 结尾")
    if blank_rows < 0 or blank_rows > 500:
        raise UsageError("空行数应在 0 到 500 之间")
    period = parse_period(period, "--period")
    unit = Units(ledger.db).resolve(township, "township", role="乡镇")
    projects = template_projects(ledger.db, unit.id, int(period[:4]))
    workbook = build_template(unit.name, period, projects, blank_rows=blank_rows)
    save_workbook(workbook, dest)
    return TemplateResult(dest, unit.name, period, len(projects))
