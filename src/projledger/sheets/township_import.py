"""The township-sheet import: reader → layout → value parsers → validated rows → one transaction.

Data flows one way (STYLE.md): :func:`read_township_file` opens one file defensively, finds
its data sheet and header (:mod:`.layout`), works out township and period, and parses every
cell with the pure parsers of :mod:`.values` into validated :class:`ImportedRow` records,
collecting *every* row error of the file (sheet, the row number Excel shows, column header,
raw value, Chinese message).  Nothing is written while reading.

:func:`import_files` then hands the files that read cleanly to
:class:`~projledger.sheets.import_writer.ImportWriter`, inside the command's **one**
``BEGIN IMMEDIATE`` transaction, each file under its own savepoint: a file that fails while
being matched against the ledger (say, its project code belongs to another township) is
rejected alone with all its conflicts listed, the others commit.  ``dry_run`` applies
everything the same way — so the counts are exactly what a real run would do — and then
rolls the whole transaction back.

Speed matters (a 50,000-row sheet should import within 3× calamine's own read time): each
mapped column is compiled once into a parser, text cells are parsed once per distinct value
(the same date, nature or department repeats down a column), and the per-row loop does no
database work.  Totals rows are cross-checked by :mod:`.totals` once the whole sheet is read,
so a 总计 row above the projects (common in county sheets) is compared with the rows below it.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from projledger.dates import period_end
from projledger.errors import ProjledgerError
from projledger.sheets import layout as layout_mod
from projledger.sheets.readers import read_workbook
from projledger.sheets.totals import TotalsCheck
from projledger.sheets.column_parsers import MONEY_FIELDS, ColumnParser, cell_text, compile_column
from projledger.text import normalize_name, squash
from projledger.units import Units

__all__ = ["ImportOptions", "RowError", "ImportedRow", "ParsedFile", "FileResult",
           "read_township_file", "import_files", "MONEY_FIELDS"]

TEXT_FIELDS = ("owner", "industry", "leader", "note", "progress")
_BLANK_NOTE = re.compile(r"^[(（]?(?:以下空白|以下无内容|以下无|此栏空白|空白)[)）]?$")


@dataclass
class ImportOptions:
    township: str | None = None
    period: str | None = None
    report_date: dt.date | None = None
    dry_run: bool = False
    synonyms_path: Path | None = None
    kind: str = "auto"  # "township" | "reserve" | "auto" (a reserve header is recognised)


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
        shown = "" if self.value in (None, "") else f"（值：{_shown(self.value)}）"
        return f"{''.join(where)}{shown}：{self.message}" if where else self.message


class ImportedRow(BaseModel):
    """One project row of a township sheet, every value parsed and checked."""

    model_config = ConfigDict(frozen=True)

    row: int
    name: str = Field(min_length=1)
    name_key: str = Field(min_length=1)  # normalize_name(name): what matching compares
    code: str | None = None
    township_id: int
    department_id: int | None = None
    owner: str | None = None
    nature: str | None = Field(None, pattern="^(新开工|续建|前期)$")
    industry: str | None = None
    total_investment: Decimal | None = Field(None, ge=0)
    annual_plan: Decimal | None = Field(None, ge=0)
    ytd_completed: Decimal | None = Field(None, ge=0)
    month_completed: Decimal | None = Field(None, ge=0)
    progress: str | None = None
    planned_start: dt.date | None = None
    planned_start_precision: str = Field("day", pattern="^(day|month)$")
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
    data_rows: int = 0  # project rows seen, valid or not
    headers: dict[str, str] = field(default_factory=dict)  # field -> column header as shown
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
    accepted: bool = False  # validated and applied (committed, or rolled back by --dry-run)

    def to_json(self) -> dict:
        """The per-file object of SPEC §4's ``--json`` summary (keys fixed)."""
        return {"path": str(self.path), "committed": self.committed, "township": self.township,
                "period": self.period, "rows": self.rows, "created": self.created,
                "updated": self.updated, "unchanged": self.unchanged,
                "problems_added": self.problems_added, "warnings": list(self.warnings),
                "errors": [e.to_json() for e in self.errors]}


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    return str(value).strip()


# ---------------------------------------------------------------- the file


def _resolve_township(units: Units, parsed: ParsedFile, option: str | None, detected: str | None,
                      has_column: bool) -> None:
    name = option or detected
    if not name:
        if not has_column:
            parsed.errors.append(RowError(None, None, None, None,
                                          "无法从表中识别乡镇（填报单位或标题），请用 --township 指定"))
        return
    try:
        unit = units.resolve(name, "township", role="乡镇")
    except ProjledgerError as exc:
        if has_column and not option:  # 全县…汇总表: each row names its township
            parsed.warnings.append(f"表中的“{name}”不是已知乡镇，按各行“所在乡镇”导入")
            return
        source = "--township" if option else "表中的填报单位/标题"
        parsed.errors.append(RowError(None, None, None, name, f"{source}：{exc.message}"))
        return
    if option and detected:
        shown = units.find(detected)
        if shown is not None and shown.id != unit.id:
            parsed.warnings.append(f"表中填报单位/标题为{shown.name}，按 --township {unit.name} 导入")
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
        return
    if not 2000 <= int(parsed.period[:4]) <= 2100:
        parsed.errors.append(RowError(None, None, None, parsed.period,
                                      f"报表期间{parsed.period}的年份不合理，请用 --period 指定"))
        parsed.period = None


def read_township_file(path: Path, units: Units, options: ImportOptions,
                       synonyms: dict | None = None) -> ParsedFile:
    """Read and validate one file completely; writes nothing.  Never raises for bad input.

    A file that breaks the reader in a way nobody foresaw is reported as that file's one
    error (naming the exception for the maintainers), so the other files still import.
    """
    parsed = ParsedFile(path=Path(path))
    try:
        _read(parsed, units, options, synonyms)
    except ProjledgerError as exc:
        parsed.errors.append(RowError(None, None, None, None, exc.message))
    except Exception as exc:  # noqa: BLE001 - untrusted input must never end in a traceback
        parsed.rows.clear()
        parsed.errors.append(RowError(parsed.sheet, None, None, None,
                                      f"读取时发生意外错误（{type(exc).__name__}：{exc}），文件未导入；"
                                      "请把此文件反馈给系统维护人员"))
    return parsed


def _read(parsed: ParsedFile, units: Units, options: ImportOptions, synonyms: dict | None) -> None:
    path = parsed.path
    sheets = read_workbook(path)
    synonyms = synonyms if synonyms is not None else layout_mod.load_synonyms(options.synonyms_path)
    layout = layout_mod.pick_data_sheet(sheets, synonyms, path.name)
    sheet = layout.sheet
    parsed.sheet = sheet.name
    parsed.headers = {c.field: c.header for c in layout.columns}
    if sheet.truncated:
        parsed.warnings.append(f"工作表“{sheet.name}”超出行列上限，超出部分未读取")
    fields = {c.field for c in layout.columns}
    _resolve_township(units, parsed, options.township, layout.township, "township" in fields)
    _resolve_period(parsed, options.period, layout.period)
    parsed.report_date = options.report_date or layout.fill_date
    if layout.unknown_headers:
        parsed.warnings.append("未识别的列（已忽略）：" + "、".join(layout.unknown_headers))
    if layout.duplicate_headers:
        parsed.warnings.append("重复的列（只读取第一列，其余已忽略）：" + "、".join(layout.duplicate_headers))
    if not parsed.errors:
        _RowReader(parsed, layout, units).read_all()
        if not parsed.rows and not parsed.errors:
            parsed.warnings.append(f"工作表“{layout.sheet.name}”表头下没有项目行，本文件没有导入任何项目"
                                   "（是否发来了空白模板？）")


# ---------------------------------------------------------------- the rows


class _RowReader:
    """Walks the data rows of one sheet: sections, totals, project rows."""

    def __init__(self, parsed: ParsedFile, layout, units: Units):
        self.parsed = parsed
        self.layout = layout
        self.sheet = layout.sheet
        self.units = units
        self.year = int(parsed.period[:4])
        self.end = period_end(parsed.period)
        self.columns = [compile_column(c, money_unit=layout.money_unit, year=self.year, period_end=self.end,
                                       epoch1904=self.sheet.epoch1904, units=units) for c in layout.columns]
        self.plan = [(c.index, c.field, c.read) for c in self.columns]
        self.headers = {c.field: c.header for c in layout.columns}
        self.special_rows = {r for r, _ in self.sheet.formula_cells} | {r for r, _ in self.sheet.error_cells}
        self.section = 0  # number of the current section (0: before any)
        self.section_nature: str | None = None
        self.seen_codes: dict[str, int] = {}
        self.seen_names: dict[tuple, int] = {}
        self.totals = TotalsCheck(self.sheet.name, {k: v for k, v in self.headers.items() if k in MONEY_FIELDS})

    # -- the walk -----------------------------------------------------------------
    def read_all(self) -> None:
        sheet = self.sheet
        classify = layout_mod.classify_row
        rows, numbers = sheet.rows, sheet.row_numbers
        for index in range(self.layout.data_start, len(rows)):
            cells = rows[index]
            if not cells:
                continue
            kind, value = classify(cells, self.layout)
            if kind == "data":
                self._read_row(cells, numbers[index])
            elif kind == "section":
                self.section += 1
                self.section_nature = value
                self._note_total("section", cells, numbers[index])
            elif kind == "total":
                self._note_total("total", cells, numbers[index])
        self.parsed.warnings.extend(self.totals.warnings())

    def _cell_problem(self, excel_row: int, column: ColumnParser) -> str | None:
        """Why a cell cannot be read although calamine gives it as blank (formula, #error)."""
        if (excel_row, column.index) in self.sheet.formula_cells:
            return "公式没有计算结果（请在Excel/WPS中打开后保存，或改填数值）"
        shown = self.sheet.error_cells.get((excel_row, column.index))
        if shown is not None:
            return f"单元格是错误值{shown}，请改为正确数值"
        return None

    def _parse_cells(self, cells: list, excel_row: int) -> tuple[dict, list[RowError]]:
        if excel_row in self.special_rows:
            return self._parse_special(cells, excel_row)
        values: dict[str, object] = {}
        errors: list[RowError] = []
        width = len(cells)
        for index, name, read in self.plan:
            if index < width:
                raw = cells[index]
                if raw is not None:
                    ok, value = read(raw)
                    if ok:
                        values[name] = value
                    else:
                        errors.append(RowError(self.sheet.name, excel_row, self.headers[name], _shown(raw), value))
        return values, errors

    def _parse_special(self, cells: list, excel_row: int) -> tuple[dict, list[RowError]]:
        """A row holding formula cells without a value or #error cells: the slow, careful way."""
        values: dict[str, object] = {}
        errors: list[RowError] = []
        for column in self.columns:
            raw = cells[column.index] if column.index < len(cells) else None
            problem = self._cell_problem(excel_row, column)
            if problem:
                errors.append(RowError(self.sheet.name, excel_row, column.header, None, problem))
                continue
            if raw is None:
                continue
            ok, value = column(raw)
            if ok:
                values[column.field] = value
            else:
                errors.append(RowError(self.sheet.name, excel_row, column.header, _shown(raw), value))
        return values, errors

    def _read_row(self, cells: list, excel_row: int) -> None:
        values, errors = self._parse_cells(cells, excel_row)
        name = values.get("name")
        if name is not None and ("空" in name or "以下" in name) and _BLANK_NOTE.match(squash(name)):
            name = None
        if name is None:
            seq = self.layout.seq_index
            texts = [cell_text(c) for i, c in enumerate(cells) if c is not None and i != seq]
            if not errors and all(t is None or _BLANK_NOTE.match(squash(t)) for t in texts):
                return  # 以下空白
            errors.insert(0, RowError(self.sheet.name, excel_row, self.headers.get("name"), None,
                                      "项目名称为空"))
        self.parsed.data_rows += 1
        township_id = values.get("township") or self.parsed.township_id
        if township_id is None and not errors:
            errors.append(RowError(self.sheet.name, excel_row, self.headers.get("township"), None,
                                   "所在乡镇为空，且无法从表头识别乡镇（可用 --township 指定）"))
        key = normalize_name(name) if name is not None else None
        if key is not None:
            self._check_duplicate(excel_row, values.get("code"), name, key, township_id, errors)
        if errors:
            self.parsed.errors.extend(errors)
            return
        self._accept(values, excel_row, name, key, township_id)

    def _accept(self, values: dict, excel_row: int, name: str, name_key: str, township_id: int) -> None:
        warnings = self.parsed.warnings
        money = {}
        for key in MONEY_FIELDS:
            parsed = values.get(key)
            if parsed is not None:
                money[key] = parsed.amount
                if parsed.warnings:
                    warnings.extend(f"第{excel_row}行“{self.headers[key]}”：{w}" for w in parsed.warnings)
        planned, actual = values.get("planned_start"), values.get("actual_start")
        for key, parsed in (("planned_start", planned), ("actual_start", actual)):
            if parsed is not None and parsed.warnings:
                warnings.extend(f"第{excel_row}行“{self.headers[key]}”：{w}" for w in parsed.warnings)
        self.totals.add_project(self.section, money)
        self.parsed.rows.append(ImportedRow(
            row=excel_row, name=name, name_key=name_key, code=values.get("code"), township_id=township_id,
            department_id=values.get("department"), nature=values.get("nature") or self.section_nature,
            total_investment=money.get("total_investment"), annual_plan=money.get("annual_plan"),
            ytd_completed=money.get("ytd_completed"), month_completed=money.get("month_completed"),
            planned_start=planned.value if planned else None,
            planned_start_precision=planned.precision if planned and planned.value else "day",
            actual_start=actual.value if actual else None,
            actual_start_estimated=bool(actual and actual.estimated),
            problems=values.get("problems") or (),
            **{key: values.get(key) for key in TEXT_FIELDS},
        ))

    def _check_duplicate(self, excel_row: int, code: str | None, name: str, name_key: str, township_id,
                         errors: list[RowError]) -> None:
        if code:
            if code in self.seen_codes:
                errors.append(RowError(self.sheet.name, excel_row, self.headers.get("code"), code,
                                       f"项目代码与第{self.seen_codes[code]}行重复"))
            self.seen_codes.setdefault(code, excel_row)
        key = (township_id, name_key)
        if key in self.seen_names:
            errors.append(RowError(self.sheet.name, excel_row, self.headers.get("name"), name,
                                   f"项目名称与第{self.seen_names[key]}行重复"))
        self.seen_names.setdefault(key, excel_row)

    # -- totals rows ---------------------------------------------------------------
    def _note_total(self, kind: str, cells: list, excel_row: int) -> None:
        """Hand a totals row (or a section row carrying sums) to the cross-check."""
        label = next((c.strip() for c in cells if isinstance(c, str) and c.strip()), "合计")
        stated: dict[str, Decimal] = {}
        uncalculated = False
        for column in self.columns:
            if column.field not in MONEY_FIELDS:
                continue
            if (excel_row, column.index) in self.sheet.formula_cells:
                uncalculated = True
                continue
            raw = cells[column.index] if column.index < len(cells) else None
            ok, parsed = column(raw) if raw is not None else (False, None)
            if ok and parsed.amount is not None:
                stated[column.field] = parsed.amount
        self.totals.add_total(kind, excel_row, label, self.section, stated, uncalculated)


# ---------------------------------------------------------------- the command


def import_files(ledger, paths: Iterable[Path], options: ImportOptions,
                 progress: Callable[[str], None] | None = None) -> list[FileResult]:
    """Read every file, then write the clean ones in one transaction (savepoint per file).

    Results come back in the order the files were given; files are *applied* in period
    order (September's sheet before October's), whatever order the shell globbed them in.
    The cyclic garbage collector is paused meanwhile: a big sheet's grid is millions of
    live objects that every collection would walk again, doubling the time, and the import
    creates no reference cycles worth collecting.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _import_files(ledger, paths, options, progress)
    finally:
        if enabled:
            gc.enable()


def _import_files(ledger, paths, options: ImportOptions, progress) -> list[FileResult]:
    from projledger.sheets.import_writer import ImportWriter

    units = Units(ledger.db)
    synonyms = layout_mod.load_synonyms(options.synonyms_path)
    todo, reserve_todo, results = [], [], []
    for path in paths:
        parsed, reserve = _read_any(ledger, Path(path), units, options, synonyms)
        result = _reserve_result(reserve) if reserve is not None else _result_of(parsed)
        results.append(result)
        if not result.errors:
            (reserve_todo if reserve is not None else todo).append((reserve or parsed, result))
        if progress:
            progress(f"读取 {Path(path).name}")
    todo.sort(key=lambda pair: pair[0].period or "9999-99")
    if not todo and not reserve_todo:
        return results
    applier = ImportWriter(ledger, units)
    if sum(len(p.rows) for p, _ in todo) > 5000:
        ledger.db.execute("PRAGMA cache_size = -65536")  # 64 MB: a big sheet's inserts stay in memory
    try:
        with ledger.transaction() as writer:
            for reserve, result in reserve_todo:  # the reserve first: a plan row may then adopt it
                _apply_reserve(writer, ledger, reserve, result)
                if progress:
                    progress(f"写入 {reserve.path.name}")
            for parsed, result in todo:
                applier.apply_file(writer, parsed, result)
                if progress:
                    progress(f"写入 {parsed.path.name}")
            if options.dry_run:
                raise _DryRun
    except _DryRun:  # rolled back: the counts are a real run's, nothing was committed
        for result in results:
            result.committed = False
    return results


def _read_any(ledger, path: Path, units: Units, options: ImportOptions, synonyms):
    """(township ParsedFile, None) or (None, ReserveFile), by ``--kind`` or by the header."""
    from projledger.sheets.reserve_sheet import read_reserve_file, reserve_layout

    if options.kind != "township":
        try:
            sheets = read_workbook(path)
            layout = reserve_layout(sheets, required=options.kind == "reserve")
        except ProjledgerError as exc:
            parsed = ParsedFile(path=path)
            parsed.errors.append(RowError(None, None, None, None, exc.message))
            return parsed, None
        if layout is not None:
            return None, read_reserve_file(ledger, path, layout, options.township)
    return read_township_file(path, units, options, synonyms), None


def _reserve_result(reserve) -> FileResult:
    batch = reserve.batch
    errors = [RowError(e.get("sheet") or reserve.sheet, e.get("row"), e.get("column"), e.get("value"),
                       e["message"]) for e in batch.errors]
    return FileResult(path=reserve.path, township=reserve.township, rows=batch.read,
                      warnings=[*reserve.warnings, *batch.warnings], errors=errors)


def _apply_reserve(writer, ledger, reserve, result: FileResult) -> None:
    from projledger.sheets.reserve_sheet import apply_reserve_file

    counts, error = apply_reserve_file(writer, ledger, reserve)
    if error is not None:
        result.errors.append(RowError(reserve.sheet, None, None, None, error))
        return
    result.committed = result.accepted = True
    result.created, result.updated, result.unchanged = counts["created"], counts["updated"], counts["unchanged"]


class _DryRun(Exception):
    """Raised at the end of a dry run to roll the whole transaction back."""


def _result_of(parsed: ParsedFile) -> FileResult:
    return FileResult(path=parsed.path, township=parsed.township, period=parsed.period,
                      rows=parsed.data_rows, warnings=list(parsed.warnings), errors=list(parsed.errors))
