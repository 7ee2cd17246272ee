"""The township-sheet import: reader → layout → value parsers → validated rows → one transaction.

Data flows one way (STYLE.md): :func:`read_township_file` opens one file defensively, finds
its data sheet and header (:mod:`.layout`), works out township and period, and parses every
cell with the pure parsers of :mod:`.values` into validated :class:`ImportedRow` records,
collecting *every* row error of the file (sheet, the row number Excel shows, column header,
raw value, Chinese message).  Nothing is written while reading.

:func:`import_files` then writes all files that read cleanly inside the command's **one**
``BEGIN IMMEDIATE`` transaction, each file under its own savepoint: a file that fails while
being applied (say, its project code belongs to another township) is rolled back alone and
reported, the others commit.  ``dry_run`` applies everything the same way — so the counts are
exactly what a real run would do — and then rolls the whole transaction back.

Re-importing the same file changes nothing: every write is an upsert that compares first,
problems are de-duplicated on their squashed text, and unchanged rows leave no audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from projledger.dates import period_end
from projledger.errors import DataError, ProjledgerError
from projledger.projects import NATURES, Projects, check_code
from projledger.sheets import layout as layout_mod
from projledger.sheets.readers import Sheet, read_workbook
from projledger.sheets.values import (
    ValueProblem, is_not_given, parse_date, parse_money, parse_nature, parse_started, split_problems,
)
from projledger.text import normalize_name
from projledger.units import Units

__all__ = ["ImportOptions", "RowError", "ImportedRow", "ParsedFile", "FileResult",
           "read_township_file", "import_files"]

MONEY_FIELDS = {"total_investment": "总投资", "annual_plan": "年度计划投资",
                "ytd_completed": "累计完成投资", "month_completed": "当月完成投资"}
TEXT_FIELDS = ("owner", "industry", "leader", "note", "progress")


@dataclass
class ImportOptions:
    township: str | None = None
    period: str | None = None
    report_date: dt.date | None = None
    dry_run: bool = False
    synonyms_path: Path | None = None


@dataclass
class RowError:
    sheet: str | None
    row: int | None
    column: str | None
    value: object
    message: str

    def to_json(self) -> dict:
        value = self.value
        if isinstance(value, (dt.date, dt.datetime, dt.time)):
            value = value.isoformat()
        elif value is not None and not isinstance(value, (int, float, str, bool)):
            value = str(value)
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "value": value,
                "message": self.message}

    def text(self) -> str:
        where = []
        if self.sheet:
            where.append(f"工作表“{self.sheet}”")
        if self.row:
            where.append(f"第{self.row}行")
        if self.column:
            where.append(f"“{self.column}”列")
        shown = "" if self.value in (None, "") else f"（值：{self.value}）"
        return f"{''.join(where)}{shown}：{self.message}" if where else self.message


class ImportedRow(BaseModel):
    """One project row of a township sheet, every value parsed and checked."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    row: int
    name: str = Field(min_length=1)
    code: str | None = None
    township_id: int
    department_id: int | None = None
    owner: str | None = None
    nature: str | None = None
    industry: str | None = None
    total_investment: Decimal | None = Field(None, ge=0)
    annual_plan: Decimal | None = Field(None, ge=0)
    ytd_completed: Decimal | None = Field(None, ge=0)
    month_completed: Decimal | None = Field(None, ge=0)
    progress: str | None = None
    planned_start: dt.date | None = None
    planned_start_precision: str = "day"
    actual_start: dt.date | None = None
    actual_start_estimated: bool = False
    problems: tuple[str, ...] = ()
    leader: str | None = None
    note: str | None = None


@dataclass
class ParsedFile:
    path: Path
    township: str | None = None
    township_id: int | None = None
    period: str | None = None
    report_date: dt.date | None = None
    sheet: str | None = None
    rows: list[ImportedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class FileResult:
    path: Path
    committed: bool = False
    township: str | None = None
    period: str | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems_added: int = 0
    warnings: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"path": str(self.path), "committed": self.committed, "township": self.township,
                "period": self.period, "rows": self.rows, "created": self.created,
                "updated": self.updated, "unchanged": self.unchanged,
                "problems_added": self.problems_added, "warnings": list(self.warnings),
                "errors": [e.to_json() for e in self.errors]}


# ---------------------------------------------------------------- reading


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _resolve_township(units: Units, parsed: ParsedFile, option: str | None, detected: str | None) -> None:
    name = option or detected
    if not name:
        parsed.errors.append(RowError(None, None, None, None,
                                      "无法从表中识别乡镇（填报单位或标题），请用 --township 指定"))
        return
    try:
        unit = units.resolve(name, "township", role="乡镇")
    except ProjledgerError as exc:
        source = "--township" if option else "表中的填报单位/标题"
        parsed.errors.append(RowError(None, None, None, name, f"{source}：{exc.message}"))
        return
    parsed.township, parsed.township_id = unit.name, unit.id


def _resolve_period(parsed: ParsedFile, option: str | None, detected: tuple[int, int] | None) -> None:
    found = f"{detected[0]:04d}-{detected[1]:02d}" if detected else None
    if option:
        if found and found != option:
            parsed.warnings.append(f"表中期间为{found}，按 --period {option} 导入")
        parsed.period = option
    elif found:
        parsed.period = found
    else:
        parsed.errors.append(RowError(None, None, None, None,
                                      "无法从标题或表头识别报表期间（如“2026年10月”“1-10月完成投资”），请用 --period 指定"))


def read_township_file(path: Path, units: Units, options: ImportOptions,
                       synonyms: dict | None = None) -> ParsedFile:
    """Read and validate one file completely; writes nothing."""
    parsed = ParsedFile(path=Path(path))
    try:
        sheets = read_workbook(path)
        synonyms = synonyms if synonyms is not None else layout_mod.load_synonyms(options.synonyms_path)
        layout = layout_mod.pick_data_sheet(sheets, synonyms)
    except ProjledgerError as exc:
        parsed.errors.append(RowError(None, None, None, None, exc.message))
        return parsed
    sheet = layout.sheet
    parsed.sheet = sheet.name
    if sheet.truncated:
        parsed.warnings.append(f"工作表“{sheet.name}”超出行列上限，超出部分未读取")
    _resolve_township(units, parsed, options.township, layout.township)
    _resolve_period(parsed, options.period, layout.period)
    parsed.report_date = options.report_date or layout.fill_date
    if layout.unknown_headers:
        parsed.warnings.append("未识别的列（已忽略）：" + "、".join(layout.unknown_headers))
    if not any(c.field == "name" for c in layout.columns):
        parsed.errors.append(RowError(sheet.name, None, None, None, "找不到“项目名称”列"))
    if parsed.errors:
        return parsed
    _RowReader(parsed, layout, units).read_all()
    return parsed


class _RowReader:
    """Walks the data rows of one sheet: sections, totals, project rows."""

    def __init__(self, parsed: ParsedFile, layout, units: Units):
        self.parsed = parsed
        self.layout = layout
        self.sheet: Sheet = layout.sheet
        self.units = units
        self.year = int(parsed.period[:4])
        self.end = period_end(parsed.period)
        self.columns = {c.field: c for c in layout.columns}
        self.section_nature: str | None = None
        self.seen_codes: dict[str, int] = {}
        self.seen_names: dict[str, int] = {}
        self.sums_all: dict[str, Decimal] = {}
        self.sums_section: dict[str, Decimal] = {}

    def read_all(self) -> None:
        sheet = self.sheet
        for index in range(self.layout.data_start, len(sheet.rows)):
            cells = sheet.rows[index]
            excel_row = sheet.row_numbers[index]
            kind, value = layout_mod.classify_row(cells, self.layout)
            if kind == "section":
                self.section_nature = value
                self.sums_section = {}
            elif kind == "total":
                self._check_total(cells, excel_row)
            elif kind == "data":
                self._read_row(cells, excel_row)

    # -- one project row -------------------------------------------------------
    def _error(self, excel_row: int, field_name: str | None, value: object, message: str) -> None:
        header = self.columns[field_name].header if field_name in self.columns else None
        self.parsed.errors.append(RowError(self.sheet.name, excel_row, header, value, message))

    def _raw(self, cells: list, field_name: str):
        column = self.columns.get(field_name)
        if column is None or column.index >= len(cells):
            return None
        return cells[column.index]

    def _parse(self, excel_row: int, field_name: str, parse: Callable, cells: list):
        raw = self._raw(cells, field_name)
        column = self.columns.get(field_name)
        if column is not None and (excel_row, column.index) in self.sheet.formula_cells:
            self._error(excel_row, field_name, None, "公式没有计算结果（请在Excel/WPS中打开后保存，或改填数值）")
            return None
        if column is not None and (excel_row, column.index) in self.sheet.error_cells:
            shown = self.sheet.error_cells[(excel_row, column.index)]
            self._error(excel_row, field_name, shown, "单元格是错误值，请改为正确数值")
            return None
        try:
            return parse(raw)
        except ValueProblem as problem:
            self._error(excel_row, field_name, raw, problem.message)
            return None

    def _money(self, excel_row: int, cells: list, field_name: str) -> Decimal | None:
        unit = (self.columns[field_name].unit if field_name in self.columns else None) or self.layout.money_unit
        parsed = self._parse(excel_row, field_name, lambda raw: parse_money(raw, unit), cells)
        if parsed is None:
            return None
        for warning in parsed.warnings:
            self.parsed.warnings.append(f"第{excel_row}行“{self.columns[field_name].header}”：{warning}")
        return parsed.amount

    def _date(self, excel_row: int, cells: list, field_name: str, started: bool = False):
        def parse(raw):
            if started:
                return parse_started(raw, self.end, self.year)
            return parse_date(raw, self.year, epoch1904=self.sheet.epoch1904)

        parsed = self._parse(excel_row, field_name, parse, cells)
        if parsed is None:
            return None
        for warning in parsed.warnings:
            self.parsed.warnings.append(f"第{excel_row}行“{self.columns[field_name].header}”：{warning}")
        return parsed

    def _unit(self, excel_row: int, cells: list, field_name: str, kind: str, role: str) -> int | None:
        text = _cell_text(self._raw(cells, field_name))
        if text is None or is_not_given(text):
            return None
        try:
            return self.units.resolve(text, kind, role=role).id
        except ProjledgerError as exc:
            self._error(excel_row, field_name, text, exc.message)
            return None

    def _read_row(self, cells: list, excel_row: int) -> None:
        errors_before = len(self.parsed.errors)
        name = _cell_text(self._raw(cells, "name"))
        if name is None:
            if any(_cell_text(c) for c in cells):
                self._error(excel_row, "name", None, "项目名称为空")
            return
        code = None
        raw_code = _cell_text(self._raw(cells, "code"))
        if raw_code and not is_not_given(raw_code):
            try:
                code = check_code(raw_code)
            except ProjledgerError as exc:
                self._error(excel_row, "code", raw_code, exc.message)
        money = {f: self._money(excel_row, cells, f) for f in MONEY_FIELDS}
        nature = self._parse(excel_row, "nature", parse_nature, cells) if "nature" in self.columns else None
        planned = self._date(excel_row, cells, "planned_start")
        actual = self._date(excel_row, cells, "actual_start", started=True)
        department_id = self._unit(excel_row, cells, "department", "department", "责任单位")
        township_id = self._unit(excel_row, cells, "township", "township", "所在乡镇") or self.parsed.township_id
        problems = self._parse(excel_row, "problems", split_problems, cells) or []
        self._check_duplicate(excel_row, code, name)
        if len(self.parsed.errors) > errors_before:
            return
        self._add_to_sums(money)
        texts = {f: _cell_text(self._raw(cells, f)) for f in TEXT_FIELDS}
        self.parsed.rows.append(ImportedRow(
            row=excel_row, name=name, code=code, township_id=township_id, department_id=department_id,
            nature=nature or self.section_nature, total_investment=money["total_investment"],
            annual_plan=money["annual_plan"], ytd_completed=money["ytd_completed"],
            month_completed=money["month_completed"],
            planned_start=planned.value if planned else None,
            planned_start_precision=planned.precision if planned and planned.value else "day",
            actual_start=actual.value if actual else None,
            actual_start_estimated=bool(actual and actual.estimated),
            problems=tuple(problems),
            **{f: None if texts[f] is None or is_not_given(texts[f]) else texts[f] for f in TEXT_FIELDS},
        ))

    def _check_duplicate(self, excel_row: int, code: str | None, name: str) -> None:
        if code:
            if code in self.seen_codes:
                self._error(excel_row, "code", code, f"项目代码与第{self.seen_codes[code]}行重复")
            self.seen_codes.setdefault(code, excel_row)
        key = normalize_name(name)
        if key in self.seen_names:
            self._error(excel_row, "name", name, f"项目名称与第{self.seen_names[key]}行重复")
        self.seen_names.setdefault(key, excel_row)

    # -- totals rows ---------------------------------------------------------------
    def _add_to_sums(self, money: dict) -> None:
        for field_name, amount in money.items():
            if amount is not None:
                self.sums_all[field_name] = self.sums_all.get(field_name, Decimal(0)) + amount
                self.sums_section[field_name] = self.sums_section.get(field_name, Decimal(0)) + amount

    def _check_total(self, cells: list, excel_row: int) -> None:
        label = next((str(c) for c in cells if isinstance(c, str) and c.strip()), "合计")
        subtotal = "小计" in label
        sums = self.sums_section if subtotal else self.sums_all
        for field_name in MONEY_FIELDS:
            if field_name not in self.columns:
                continue
            unit = self.columns[field_name].unit or self.layout.money_unit
            try:
                stated = parse_money(self._raw(cells, field_name), unit).amount
            except ValueProblem:
                continue
            if stated is None:
                continue
            actual = sums.get(field_name, Decimal(0))
            if abs(stated - actual) > Decimal("0.01"):
                header = self.columns[field_name].header
                self.parsed.warnings.append(
                    f"工作表“{self.sheet.name}”第{excel_row}行“{label.strip()}”的“{header}”为{stated}万元，"
                    f"与各项目之和{actual}万元相差{stated - actual}万元")
        if subtotal:
            self.sums_section = {}


# ---------------------------------------------------------------- writing


class _DryRun(Exception):
    """Raised at the end of a dry run to roll the whole transaction back."""


def import_files(ledger, paths: Iterable[Path], options: ImportOptions,
                 progress: Callable[[str], None] | None = None) -> list[FileResult]:
    """Read every file, then write the clean ones in one transaction (savepoint per file)."""
    from projledger.problems import calendar_for

    units = Units(ledger.db)
    synonyms = layout_mod.load_synonyms(options.synonyms_path)
    parsed_files = []
    for path in paths:
        parsed_files.append(read_township_file(Path(path), units, options, synonyms))
        if progress:
            progress(f"读取 {Path(path).name}")
    results = [_result_of(p) for p in parsed_files]
    todo = [(p, r) for p, r in zip(parsed_files, results) if not p.errors]
    if not todo:
        return results
    applier = _Applier(ledger, units, calendar_for(ledger.db))
    try:
        with ledger.transaction() as writer:
            for parsed, result in todo:
                applier.apply_file(writer, parsed, result)
                if progress:
                    progress(f"写入 {parsed.path.name}")
            if options.dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return results


def _result_of(parsed: ParsedFile) -> FileResult:
    return FileResult(path=parsed.path, township=parsed.township, period=parsed.period,
                      rows=len(parsed.rows), warnings=list(parsed.warnings), errors=list(parsed.errors))


class _Applier:
    """Writes validated rows: projects, annual plans, progress, problems."""

    def __init__(self, ledger, units: Units, calendar):
        from projledger.plans import Plans
        from projledger.progress import ProgressLog

        self.db = ledger.db
        self.settings = ledger.settings()
        self.projects = Projects(ledger.db, units)
        self.plans = Plans(ledger.db)
        self.progress = ProgressLog(ledger.db)
        self.calendar = calendar

    def apply_file(self, writer, parsed: ParsedFile, result: FileResult) -> None:
        """One file under a savepoint: all of it, or (on a data error) none of it."""
        try:
            with self.db.atomic():
                counts = {"created": 0, "updated": 0, "unchanged": 0, "problems_added": 0}
                for row in parsed.rows:
                    outcome, added = self._apply_row(writer, parsed, row)
                    counts[outcome] += 1
                    counts["problems_added"] += added
        except ProjledgerError as exc:
            result.errors.append(exc.row_error if isinstance(exc, _RowConflict)
                                 else RowError(parsed.sheet, None, None, None, exc.message))
            return
        result.committed = True
        for key, value in counts.items():
            setattr(result, key, value)

    def _match(self, parsed: ParsedFile, row: ImportedRow):
        if row.code:
            project = self.projects.by_code(row.code)
            if project is not None:
                if project.township_id not in (None, row.township_id):
                    raise _RowConflict(RowError(parsed.sheet, row.row, "项目代码", row.code,
                                                f"该代码属于{project.township}的项目“{project.name}”，不能由本表更新"))
                return project
        matches = self.projects.by_name(row.name, row.township_id)
        return matches[0] if matches else None

    def _columns(self, row: ImportedRow, project) -> dict:
        columns = {"name": row.name, "township_id": row.township_id}
        optional = {"code": row.code, "department_id": row.department_id, "owner": row.owner,
                    "nature": row.nature, "industry": row.industry, "leader": row.leader, "note": row.note}
        columns.update({k: v for k, v in optional.items() if v is not None})
        if row.total_investment is not None:
            from projledger.money import to_db

            columns["total_investment"] = to_db(row.total_investment)
        if row.planned_start is not None:
            columns["planned_start"] = row.planned_start.isoformat()
            columns["planned_start_precision"] = row.planned_start_precision
        keep_real_start = project is not None and project.actual_start and not project.actual_start_estimated
        if row.actual_start is not None and not (row.actual_start_estimated and keep_real_start):
            columns["actual_start"] = row.actual_start.isoformat()
            columns["actual_start_estimated"] = int(row.actual_start_estimated)
        return columns

    def _apply_row(self, writer, parsed: ParsedFile, row: ImportedRow) -> tuple[str, int]:
        project = self._match(parsed, row)
        columns = self._columns(row, project)
        if project is None:
            if row.annual_plan is not None or row.nature:
                columns["stage"] = row.nature or "前期"
            project = self.projects.add(writer, columns)
            outcome = "created"
        else:
            if project.code and row.code and project.code != row.code:
                columns.pop("code")
            outcome = "updated" if self.projects.update(writer, project, columns) else "unchanged"
            project = self.projects.by_id(project.id)
        year = int(parsed.period[:4])
        changed = False
        if row.annual_plan is not None:
            changed |= self.plans.set(writer, project, year, investment=row.annual_plan, nature=row.nature,
                                      planned_start=row.planned_start,
                                      planned_start_precision=row.planned_start_precision) != "unchanged"
        if row.ytd_completed is not None or row.month_completed is not None:
            changed |= self.progress.log(
                writer, project, parsed.period, ytd=row.ytd_completed, month=row.month_completed,
                status=row.progress, reported_on=parsed.report_date, source=parsed.path.name) != "unchanged"
        added = self._problems(writer, parsed, row, project)
        if outcome == "unchanged" and (changed or added):
            outcome = "updated"
        return outcome, added

    def _problems(self, writer, parsed: ParsedFile, row: ImportedRow, project) -> int:
        if not row.problems:
            return 0
        from projledger.problems import record_imported

        reported = parsed.report_date or dt.date.today()
        return record_imported(writer, project, list(row.problems), reported,
                               row.department_id or project.department_id, parsed.path.name,
                               calendar=self.calendar, settings=self.settings)


class _RowConflict(DataError):
    def __init__(self, row_error: RowError):
        super().__init__(row_error.text())
        self.row_error = row_error
