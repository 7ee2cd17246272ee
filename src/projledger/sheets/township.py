"""The township progress sheet (乡镇重点项目推进情况表): detect, read, apply.

``detect`` finds every sheet with a project header (:func:`.layout.pick_data_sheets`).
``read`` works out the file's township and period, then reads **every** visible sheet with
a project table (a workbook with 新开工项目 and 续建项目 sheets gives both; a sheet name that
names a nature gives it to its rows unless a section row or nature column says otherwise),
naming in the warnings every sheet that holds data and is not imported.  For each sheet:
which column a field comes from (:mod:`.column_choice`), then every row below the header
is classified (:mod:`.rows`) and read by :class:`~.township_rows.SheetWalk`.  Nothing is
written while reading; every row error of the file is collected.

``apply`` hands a clean file to :class:`~.import_writer.ImportWriter` inside the pipeline's
transaction.
"""

from __future__ import annotations

from projledger.errors import DataError, ProjledgerError
from projledger.period import Period
from projledger.sheets.base import Book, ImportContext, SheetReader, first_sheet
from projledger.sheets.column_choice import choose_columns, find_row_labels
from projledger.sheets.layout import Layout, pick_data_sheets
from projledger.sheets.records import FileRead, FileResult, RowError, SheetReading
from projledger.sheets.rows import nature_of
from projledger.sheets.township_rows import SheetWalk

__all__ = ["TownshipReader"]


class TownshipReader(SheetReader):
    name = "township"
    label = "乡镇进度表"

    def detect(self, book: Book, ctx: ImportContext) -> bool:
        try:
            found = pick_data_sheets(book.sheets, ctx.synonyms, book.path.name)
        except DataError as exc:
            book.found["township_refusal"] = exc.message
            return False
        book.found["township"] = found
        return True

    def refusal(self, book: Book, ctx: ImportContext) -> RowError:
        message = book.found.get("township_refusal")
        if message is None:
            return super().refusal(book, ctx)
        return RowError(first_sheet(book), None, None, None, message)

    def read(self, book: Book, ctx: ImportContext) -> FileRead:
        parsed = FileRead(path=book.path, reader=self.name, sha256=book.sha256)
        try:
            _read(parsed, book, ctx)
        except ProjledgerError as exc:
            parsed.errors.append(RowError(None, None, None, None, exc.message))
        return parsed

    def apply(self, writer, parsed: FileRead, result: FileResult, ctx: ImportContext) -> None:
        from projledger.sheets.import_writer import ImportWriter

        if "township_writer" not in ctx.cache:
            ctx.cache["township_writer"] = ImportWriter(ctx.ledger, ctx.units)
        record = None
        if not ctx.options.dry_run and parsed.township_id is not None and parsed.sha256:
            record = lambda w: _record_submission(w, parsed, ctx)  # noqa: E731
        ctx.cache["township_writer"].apply_file(writer, parsed, result, after=record)


def _record_submission(w, parsed: FileRead, ctx: ImportContext) -> None:
    """报送 (SPEC §12): this committed sheet, in the file's own savepoint."""
    import datetime as dt

    from projledger.submissions import record_submission

    record_submission(w, township_id=parsed.township_id, period=parsed.period, file_name=parsed.path.name,
                      sha256=parsed.sha256, filled_on=parsed.fill_date,
                      submitted_on=ctx.options.report_date or dt.date.today())


# ---------------------------------------------------------------- the file


_UNIT_KINDS = {"department": ("department", "责任单位"), "township": ("township", "所在乡镇")}


class FileState:
    """What the sheets of one file share while they are read."""

    def __init__(self, parsed, ctx):
        self.parsed = parsed
        self.ctx = ctx
        self.seen_codes: dict[str, tuple[str, int]] = {}
        self.seen_names: dict[tuple, tuple[str, int]] = {}
        self.people: set[str] = set()
        self.units = ctx.cache.setdefault("unit_names", {})  # (kind, name) -> (ok, id | message)

    def resolve_unit(self, kind: str, name: str) -> tuple[bool, object]:
        key = (kind, name)
        if key not in self.units:
            unit_kind, role = _UNIT_KINDS[kind]
            try:
                self.units[key] = (True, self.ctx.units.resolve(name, unit_kind, role=role).id)
            except ProjledgerError as exc:
                self.units[key] = (False, exc.message)
        return self.units[key]

    def finish(self) -> None:
        """File-level warnings once every sheet is read."""
        parsed = self.parsed
        if self.people:
            unknown = _unknown_people(self.ctx, sorted(self.people))
            if unknown:
                parsed.warnings.append("包联领导/服务专员中这些姓名不是已登记的人员，按文字保存："
                                       + "、".join(unknown) + "（可用 leader add 登记）")


def _unknown_people(ctx, names: list[str]) -> list[str]:
    try:
        from projledger.leaders import unknown_people
    except ImportError:  # the people register is not in this ledger's version
        return []
    return list(unknown_people(ctx.ledger.db, names))



def _looks_like_table(sheet) -> bool:
    """Whether a sheet without a project header still holds a table (≥3 rows of ≥3 cells)."""
    return sum(1 for row in sheet.rows if sum(1 for v in row if v is not None) >= 3) >= 3


def _chosen_sheets(parsed: FileRead, found: list) -> list[tuple[object, Layout]]:
    visible = [(s, lay) for s, lay in found if lay is not None and not s.hidden]
    chosen = visible or [(s, lay) for s, lay in found if lay is not None][:1]
    for sheet, layout in found:
        if any(sheet is s for s, _ in chosen):
            continue
        if layout is not None:
            reason = "隐藏的工作表，未导入" if sheet.hidden else "未导入"
            parsed.warnings.append(f"工作表“{sheet.name}”有项目表，但它是隐藏的工作表，未导入；如需导入请取消隐藏")
        elif _looks_like_table(sheet):
            reason = "没有找到项目表头，未导入"
            parsed.warnings.append(f"工作表“{sheet.name}”有数据，但没有找到“项目名称”等表头，未导入")
        else:
            reason = "没有项目表（如填表说明），未导入"
        parsed.sheets.append(SheetReading(name=sheet.name, imported=False, reason=reason))
    return chosen


def _resolve_township(units, parsed: FileRead, option: str | None, detected: str | None, has_column: bool) -> None:
    name = option or detected
    if not name:
        if not has_column:
            parsed.errors.append(RowError(None, None, None, None,
                                          "无法从表中识别乡镇（填报单位或标题），请用 --township 指定"))
        return
    try:
        unit = units.resolve(name, "township", role="乡镇")
    except ProjledgerError as exc:
        if has_column and not option:  # 全县…汇总表 or a department's sheet: each row names its township
            found = units.find(name)
            if found is None:
                parsed.warnings.append(f"表中的“{name}”不是已知乡镇，按各行“所在乡镇”导入")
            elif found.kind == "department":  # a 县直部门's own sheet: it is each project's department
                parsed.payload = {"department": found.id}
            return
        source = "--township" if option else "表中的填报单位/标题"
        parsed.errors.append(RowError(None, None, None, name, f"{source}：{exc.message}"))
        return
    if option and detected:
        shown = units.find(detected)
        if shown is not None and shown.id != unit.id:
            parsed.warnings.append(f"表中填报单位/标题为{shown.name}，按 --township {unit.name} 导入")
    parsed.township, parsed.township_id = unit.name, unit.id


def _resolve_period(parsed: FileRead, option: Period | None, detected: tuple[int, int] | None) -> None:
    found = None
    if detected and 1 <= detected[1] <= 12 and 1 <= detected[0] <= 9999:
        found = Period(*detected)
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
    if not 2000 <= parsed.period.year <= 2100:
        parsed.errors.append(RowError(None, None, None, str(parsed.period),
                                      f"报表期间{parsed.period}的年份不合理，请用 --period 指定"))
        parsed.period = None


def _sheet_nature(name: str, parsed: FileRead) -> str | None:
    """The nature a sheet's name gives its rows (``续建项目``); 竣工/投产 sheets: 续建, said once."""
    nature = nature_of(name)
    if nature == "竣工":
        parsed.warnings.append(f"工作表“{name}”的项目按续建导入；竣工日期请用 project complete 登记")
        return "续建"
    return nature


def _check_title_against_headers(parsed: FileRead, chosen: list) -> None:
    """A title naming one month over headers naming another (last month's template with a new
    title): the figures' month cannot be told, so the file is refused."""
    for sheet, layout in chosen:
        titled, month = layout.title_period, layout.header_month
        if titled and month and titled[1] != month:
            header = next(c.header for c in layout.columns if c.field == "ytd_completed" and c.month == month)
            parsed.errors.append(RowError(sheet.name, None, header, None,
                                          f"标题写的是{titled[1]}月，表头“{header}”却是1-{month}月：看不出数字截至哪个月；"
                                          "请核对后把标题或表头改为一致再报送（或用 --period 指定期间）"))


def _read(parsed: FileRead, book: Book, ctx: ImportContext) -> None:
    found = book.found.get("township")
    if found is None:
        found = pick_data_sheets(book.sheets, ctx.synonyms, book.path.name)
    chosen = _chosen_sheets(parsed, found)
    options = ctx.options
    has_township_column = any(c.field == "township" for _, lay in chosen for c in lay.columns)
    township = next((lay.township for _, lay in chosen if lay.township), None)
    period = next((lay.period for _, lay in chosen if lay.period), None)
    parsed.fill_date = next((lay.fill_date for _, lay in chosen if lay.fill_date), None)
    _resolve_township(ctx.units, parsed, options.township, township, has_township_column)
    _resolve_period(parsed, options.period, period)
    if not options.period:
        _check_title_against_headers(parsed, chosen)
    parsed.report_date = options.report_date or parsed.fill_date
    for sheet, _ in chosen:
        if sheet.truncated:
            parsed.warnings.append(f"工作表“{sheet.name}”超出行列上限，超出部分未读取")
    if parsed.errors:
        parsed.sheets[:0] = [SheetReading(name=s.name, imported=True) for s, _ in chosen]
        return
    state = FileState(parsed, ctx)
    readings = []
    for sheet, layout in chosen:
        choice = choose_columns(layout, parsed.period)
        find_row_labels(layout, choice, ctx.synonyms)
        parsed.warnings.extend(choice.warnings)
        parsed.errors.extend(choice.errors)
        reading = SheetReading(name=sheet.name, imported=True, nature=_sheet_nature(sheet.name, parsed))
        readings.append(reading)
        for column in choice.columns:
            parsed.headers.setdefault(column.field, column.header)
        if not choice.errors:
            SheetWalk(state, layout, choice, reading).run()
        if layout.unknown_headers:
            parsed.warnings.append("未识别的列（已忽略）：" + "、".join(layout.unknown_headers))
    parsed.sheets[:0] = readings
    state.finish()
    if not parsed.rows and not parsed.errors:
        names = "、".join(f"“{s.name}”" for s, _ in chosen)
        parsed.warnings.append(f"工作表{names}表头下没有项目行，本文件没有导入任何项目（是否发来了空白模板？）")
