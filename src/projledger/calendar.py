"""The ledger's working-day calendar: local days, imported notices, and stored deadlines.

:mod:`projledger.workdays` is pure; this module feeds it from the database and keeps the
deadlines stored elsewhere in step with it.

* :func:`load_calendar` builds a :class:`LedgerCalendar` (a :class:`WorkCalendar`) from the
  ``calendar_days`` rows (overrides) and ``calendar_notices`` years (complete years).
* :func:`set_day` / :func:`unset_day` — one local day (``calendar set``/``unset``).  Such
  days apply but never make a year complete.
* :func:`parse_notice` + :func:`import_notice` — a State Council notice typed in as CSV
  ``date,kind,note`` (``calendar import``).  The whole file is checked before anything is
  written, and every problem is reported with its line number:

  - errors (nothing is imported): a date that is not ``YYYY-MM-DD`` or does not exist, a
    kind other than ``workday``/``holiday`` (上班/工作日, 放假/休息/节假日 accepted too), a
    missing kind or extra columns, the same date twice (same kind: duplicate; different
    kinds: the notice contradicts itself), a ``workday`` on a day the law makes a holiday
    (元旦, 春节 …), and a year of the file that does not list every day the law makes a
    holiday in it — the file is taken as the *whole* notice of every year it mentions, and
    a deadline must never land on a statutory holiday;
  - warnings (imported anyway): a ``workday`` on Monday–Friday is redundant (make-up days
    are weekend days; probably a typo), and a year chinese-calendar already covers (the
    file replaces the official data for it).  A ``holiday`` on a weekend is *not* warned
    about: notices give holiday periods as whole ranges, weekends included, and the row
    marks the day as part of the holiday.

  Importing a year again replaces that year's earlier imported days; days set by hand in
  the year and absent from the file are kept (and listed), days in the file win.
* :func:`show_year` — a year's holidays and make-up workdays with their source
  (``official`` chinese-calendar, ``override`` local/imported, ``provisional`` by law).
* :func:`refresh` — recompute every stored provisional deadline (problems' 提出解决意见 and
  解决时限, procedures' 办理时限 and 模拟审批转正式) with the current calendar, and list
  what moved.  ``calendar import``, ``set`` and ``unset`` end with it.  Deadlines computed
  on complete data are not touched.

All writes go through the caller's :class:`~projledger.store.AuditedWriter`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from projledger.errors import DataError, NotFoundError
from projledger.holidays import known_statutory_holidays
from projledger.text import squash
from projledger.workdays import MAX_YEAR, MIN_YEAR, WorkCalendar, official_years

if TYPE_CHECKING:
    from projledger.store import AuditedWriter, Database

__all__ = [
    "LedgerCalendar", "load_calendar", "notice_years", "check_day", "set_day", "check_unset", "unset_day",
    "Notice", "NoticeDay", "parse_notice", "import_notice", "ImportResult",
    "ShownDay", "YearView", "show_year", "Move", "RefreshResult", "recompute_deadline", "refresh",
    "WEEKDAYS", "KIND_LABELS",
]

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
KIND_LABELS = {"workday": "上班", "holiday": "放假"}
_KINDS = {
    "workday": "workday", "工作日": "workday", "上班": "workday", "班": "workday",
    "调休上班": "workday",
    "holiday": "holiday", "放假": "holiday", "休息": "holiday", "休": "holiday",
    "节假日": "holiday", "假日": "holiday",
}
_MAX_DETAILS = 60


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _is_official(year: int) -> bool:
    first, last = official_years()
    return first <= year <= last


# -- loading ------------------------------------------------------------------------

class LedgerCalendar(WorkCalendar):
    """A :class:`WorkCalendar` that also knows which years had their notice imported."""

    def __init__(self, overrides=None, notice_years=()):
        super().__init__(overrides, notice_years)
        self.notice_year_set = frozenset(int(y) for y in notice_years)

    def year_basis(self, year: int) -> str:
        """``notice`` (imported), ``official`` (chinese-calendar) or ``provisional``."""
        if year in self.notice_year_set:
            return "notice"
        return "official" if _is_official(year) else "provisional"

    def basis(self, start: dt.date, end: dt.date) -> str:
        """Which calendar data a deadline from ``start`` to ``end`` used: ``2026:official,…``."""
        lo, hi = sorted((start.year, end.year))
        return ",".join(f"{y}:{self.year_basis(y)}" for y in range(lo, hi + 1))


def notice_years(db: "Database") -> list[int]:
    """Years whose whole notice was imported, ascending."""
    return [row[0] for row in db.execute("SELECT year FROM calendar_notices ORDER BY year")]


def _override_rows(db: "Database", year: int | None = None) -> list[tuple]:
    sql = "SELECT date, kind, note, source, imported_at FROM calendar_days"
    params: list = []
    if year is not None:
        sql += " WHERE date BETWEEN ? AND ?"
        params = [f"{year:04d}-01-01", f"{year:04d}-12-31"]
    return db.execute(sql + " ORDER BY date", params).fetchall()


def load_calendar(db: "Database") -> LedgerCalendar:
    """The working-day calendar of this ledger: overrides and notice years from the DB."""
    overrides = {dt.date.fromisoformat(d): kind == "workday" for d, kind, *_ in _override_rows(db)}
    return LedgerCalendar(overrides, notice_years(db))


# -- single days ----------------------------------------------------------------------

def check_day(day: dt.date, workday: bool) -> None:
    """A day ``calendar set`` may store: in range, and never a workday on a statutory holiday."""
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise DataError(f"日期超出可计算范围（{MIN_YEAR}–{MAX_YEAR}年）：{day.isoformat()}")
    law = known_statutory_holidays(day.year)
    if workday and day in law:
        raise DataError(f"{day.isoformat()} 是法定节假日（{law[day]}），不能设为工作日")


def set_day(w: "AuditedWriter", day: dt.date, workday: bool, note: str | None = None) -> str:
    """Set one local day; returns ``created``/``updated``/``unchanged``."""
    check_day(day, workday)
    values = {"kind": "workday" if workday else "holiday", "note": (note or "").strip() or None,
              "source": "set"}
    before = w.fetch("calendar_days", {"date": day.isoformat()})
    if before and all(before[k] == v for k, v in values.items()):
        return "unchanged"
    return w.upsert("calendar_days", {"date": day.isoformat()}, {**values, "imported_at": _now()})


def check_unset(db: "Database", day: dt.date) -> None:
    """A day ``calendar unset`` may remove: it has a row, and removing it cannot turn a
    statutory holiday of an imported (complete) year into a working day."""
    iso = day.isoformat()
    if db.execute("SELECT 1 FROM calendar_days WHERE date = ?", [iso]).fetchone() is None:
        raise NotFoundError(f"{iso} 没有本地设置")
    law = known_statutory_holidays(day.year) if MIN_YEAR <= day.year <= MAX_YEAR else {}
    if day in law and day.year in notice_years(db):
        raise DataError(f"{iso} 是法定节假日（{law[day]}），且{day.year}年已导入通知，删除后会变成工作日；"
                        "如通知有误，请改正文件后重新导入")


def unset_day(w: "AuditedWriter", day: dt.date) -> bool:
    """Remove a local day (set or imported); False when there was none."""
    return w.delete("calendar_days", {"date": day.isoformat()})


# -- notice files -------------------------------------------------------------------------

@dataclass(frozen=True)
class NoticeDay:
    day: dt.date
    kind: str
    note: str | None
    line: int


@dataclass
class Notice:
    """A checked notice file: its days by date, the years it covers, and warnings."""

    file_name: str
    days: dict[dt.date, NoticeDay]
    warnings: list[str] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted({d.year for d in self.days})


def _decode(path: Path) -> str:
    from projledger.fileio import open_input

    data = open_input(path, what="日历文件")  # FIFO, device, directory, unreadable, oversized: one error
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError(f"日历文件“{path}”的编码无法识别（请存为 UTF-8 的 CSV）")


def _parse_row(cells: list[str], line: int, errors: list[str]) -> NoticeDay | None:
    from projledger.dates import parse_iso_date

    if len(cells) < 2 or not cells[1]:
        errors.append(f"第{line}行：缺少类型（应为 date,kind,note，kind 为 workday 或 holiday）")
        return None
    if len(cells) > 3 and any(cells[3:]):
        errors.append(f"第{line}行：列数过多（应为 date,kind,note；备注中含逗号请加引号）")
        return None
    try:
        day = parse_iso_date(cells[0], "日期", usage=False)
    except DataError as error:
        errors.append(f"第{line}行：{error.message}")
        day = None
    kind = _KINDS.get(squash(cells[1]).lower())
    if kind is None:
        errors.append(f"第{line}行：类型“{cells[1]}”无效，应为 workday（上班）或 holiday（放假）")
    if day is None or kind is None:
        return None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        errors.append(f"第{line}行：日期 {day.isoformat()} 超出可计算范围（{MIN_YEAR}–{MAX_YEAR}年）")
        return None
    note = cells[2] if len(cells) > 2 and cells[2] else None
    return NoticeDay(day, kind, note, line)


def _is_header(cells: list[str]) -> bool:
    return squash(cells[0]).lower() in ("date", "日期")


def _read_rows(text: str, errors: list[str]) -> list[NoticeDay]:
    reader = csv.reader(io.StringIO(text))
    rows: list[NoticeDay] = []
    first = True
    try:
        for raw in reader:
            cells = [c.strip() for c in raw]
            if not any(cells) or cells[0].startswith("#"):
                continue
            if first and _is_header(cells):
                first = False
                continue
            first = False
            parsed = _parse_row(cells, reader.line_num, errors)
            if parsed is not None:
                rows.append(parsed)
    except csv.Error as error:
        errors.append(f"第{reader.line_num}行：CSV 格式错误（{error}）")
    return rows


def _check_days(rows: list[NoticeDay], errors: list[str], warnings: list[str]) -> dict:
    days: dict[dt.date, NoticeDay] = {}
    for row in rows:
        iso = row.day.isoformat()
        seen = days.get(row.day)
        if seen is not None:
            if seen.kind == row.kind:
                errors.append(f"第{row.line}行：日期 {iso} 与第{seen.line}行重复")
            else:
                errors.append(f"第{row.line}行：日期 {iso} 在第{seen.line}行为{KIND_LABELS[seen.kind]}，"
                              f"此处又为{KIND_LABELS[row.kind]}，前后矛盾")
            continue
        days[row.day] = row
        law = known_statutory_holidays(row.day.year)
        if row.kind == "workday" and row.day in law:
            errors.append(f"第{row.line}行：{iso} 是法定节假日（{law[row.day]}），不能为上班日")
        elif row.kind == "workday" and row.day.weekday() < 5:
            warnings.append(f"第{row.line}行：{iso} 是{WEEKDAYS[row.day.weekday()]}，本来就是工作日"
                            "（调休上班日一般在周末，请核对日期）")
    return days


def _check_years(days: dict[dt.date, NoticeDay], errors: list[str], warnings: list[str]) -> None:
    for year in sorted({d.year for d in days}):
        law = known_statutory_holidays(year)
        missing = [f"{d.isoformat()}（{name}）" for d, name in sorted(law.items())
                   if d not in days]
        if missing:
            errors.append(
                f"{year}年：文件被视为该年的完整通知，但缺少法定节假日 {'、'.join(missing)}。"
                "放假日期应逐日列出（含周末）；若只是顺带列出了别的年份的个别日期，"
                "请删去这些行，改用 calendar set 单独设置")
        if _is_official(year):
            warnings.append(f"{year}年已有官方日历数据（chinese-calendar），导入后以本文件为准")


def parse_notice(path: str | Path) -> Notice:
    """Read and check a notice CSV completely; any error raises DataError listing them all."""
    path = Path(path)
    errors: list[str] = []
    warnings: list[str] = []
    rows = _read_rows(_decode(path), errors)
    days = _check_days(rows, errors, warnings)
    if not errors and not days:
        errors.append("文件中没有任何日期（每行应为 date,kind,note）")
    if not errors:
        _check_years(days, errors, warnings)
    if errors:
        shown = errors[:_MAX_DETAILS]
        if len(errors) > _MAX_DETAILS:
            shown.append(f"……另有 {len(errors) - _MAX_DETAILS} 处错误")
        raise DataError(f"日历文件“{path.name}”有 {len(errors)} 处错误，未导入任何内容", details=shown)
    return Notice(path.name, days, warnings)


@dataclass
class YearImport:
    year: int
    days: int
    created: int = 0
    updated: int = 0
    deleted: int = 0
    replaced_set: list[str] = field(default_factory=list)
    kept_set: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class ImportResult:
    file_name: str
    years: list[YearImport]
    warnings: list[str]
    refresh: "RefreshResult"

    def to_json(self) -> dict:
        return {"file": self.file_name, "years": [y.to_json() for y in self.years],
                "warnings": self.warnings, "refresh": self.refresh.to_json()}


def _import_year(w: "AuditedWriter", notice: Notice, year: int, at: str) -> YearImport:
    mine = {d: row for d, row in notice.days.items() if d.year == year}
    result = YearImport(year, len(mine))
    existing = {dt.date.fromisoformat(r[0]): r for r in _override_rows(w.db, year)}
    for day, (iso, kind, note, source, _) in existing.items():
        if day in mine:
            continue
        if source == "import":
            w.delete("calendar_days", {"date": iso})
            result.deleted += 1
        else:
            result.kept_set.append(iso)
    for day, row in sorted(mine.items()):
        values = {"kind": row.kind, "note": row.note, "source": "import"}
        old = existing.get(day)
        if old is not None and (old[1], old[2], old[3]) == (row.kind, row.note, "import"):
            continue
        if old is not None and old[3] == "set":
            result.replaced_set.append(day.isoformat())
        outcome = w.upsert("calendar_days", {"date": day.isoformat()}, {**values, "imported_at": at})
        setattr(result, outcome, getattr(result, outcome) + 1)
    before = w.fetch("calendar_notices", {"year": year})
    changed = result.created or result.updated or result.deleted
    if before is None or changed or (before["file_name"], before["day_count"]) != (notice.file_name, len(mine)):
        w.upsert("calendar_notices", {"year": year},
                 {"imported_at": at, "file_name": notice.file_name, "day_count": len(mine)})
    return result


def import_notice(w: "AuditedWriter", notice: Notice) -> ImportResult:
    """Write a checked notice (inside the caller's transaction), then refresh deadlines."""
    at = _now()
    years = [_import_year(w, notice, year, at) for year in notice.years]
    warnings = list(notice.warnings)
    for y in years:
        if y.kept_set:
            warnings.append(f"{y.year}年有手工设置的日期不在通知中，仍然生效：{'、'.join(y.kept_set)}"
                            "（如不需要，请用 calendar unset 删除）")
    return ImportResult(notice.file_name, years, warnings, refresh(w))


# -- showing a year -------------------------------------------------------------------

@dataclass(frozen=True)
class ShownDay:
    day: dt.date
    kind: str  # workday | holiday
    name: str | None
    source: str  # official | override | provisional
    origin: str | None = None  # set | import, for overrides

    def to_json(self) -> dict:
        return {"date": self.day.isoformat(), "weekday": WEEKDAYS[self.day.weekday()],
                "kind": self.kind, "name": self.name, "source": self.source, "origin": self.origin}


@dataclass
class YearView:
    year: int
    basis: str  # official | notice | provisional
    complete: bool
    days: list[ShownDay]
    notice: dict | None = None
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"year": self.year, "basis": self.basis, "calendar_complete": self.complete,
                "notice": self.notice, "days": [d.to_json() for d in self.days],
                "warnings": self.warnings}


def _official_days(year: int) -> dict[dt.date, ShownDay]:
    import chinese_calendar

    names = {h.value: h.chinese for h in chinese_calendar.Holiday}
    shown: dict[dt.date, ShownDay] = {}
    day = dt.date(year, 1, 1)
    while day.year == year:
        working = chinese_calendar.is_workday(day)
        weekend = day.weekday() >= 5
        _, name = chinese_calendar.get_holiday_detail(day)
        label = names.get(name, name) if name else None
        if working and weekend:
            shown[day] = ShownDay(day, "workday", f"{label}调休" if label else "调休上班", "official")
        elif not working and (not weekend or label):
            shown[day] = ShownDay(day, "holiday", label, "official")
        day += dt.timedelta(days=1)
    return shown


def show_year(db: "Database", year: int) -> YearView:
    """A year's holidays and make-up workdays, each with its source."""
    from projledger.workdays import provisional_warning

    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DataError(f"年份超出可计算范围（{MIN_YEAR}–{MAX_YEAR}年）：{year}")
    cal = load_calendar(db)
    basis = cal.year_basis(year)
    if basis == "official":
        days = _official_days(year)
    elif basis == "provisional":
        days = {d: ShownDay(d, "holiday", name, "provisional")
                for d, name in known_statutory_holidays(year).items()}
    else:
        days = {}
    for iso, kind, note, source, _ in _override_rows(db, year):
        day = dt.date.fromisoformat(iso)
        name = note or (days[day].name if day in days else None)
        days[day] = ShownDay(day, kind, name, "override", source)
    notice = None
    if basis == "notice":
        row = db.execute("SELECT imported_at, file_name, day_count FROM calendar_notices WHERE year = ?",
                         [year]).fetchone()
        notice = {"imported_at": row[0], "file": row[1], "days": row[2]}
    warnings = [provisional_warning(year)] if basis == "provisional" else []
    return YearView(year, basis, cal.year_complete(year), [days[d] for d in sorted(days)], notice, warnings)


# -- refreshing stored deadlines -------------------------------------------------------------

@dataclass(frozen=True)
class Move:
    """One stored deadline whose date changed on refresh."""

    kind: str  # problem | procedure
    id: int
    project_code: str | None
    project_name: str
    what: str  # problem text or procedure item
    field: str  # due_on | reply_due_on | convert_due
    old: str
    new: str
    provisional: bool

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class RefreshResult:
    checked: int = 0  # provisional deadlines recomputed
    moved: list[Move] = field(default_factory=list)
    confirmed: int = 0  # now on complete data, date unchanged
    still_provisional: int = 0

    def to_json(self) -> dict:
        return {"checked": self.checked, "moved": [m.to_json() for m in self.moved],
                "confirmed": self.confirmed, "still_provisional": self.still_provisional}


def recompute_deadline(cal: LedgerCalendar, result: RefreshResult, changes: dict, ident: tuple,
                       start: str | None, workdays: int | None, old: str | None, field_name: str,
                       flag: str) -> None:
    """Recompute one provisional deadline into ``changes`` (the new date and its provisional
    flag) and note the outcome in ``result``; ``ident`` is (kind, id, code, name, what)."""
    if start is None or workdays is None:
        return
    deadline = cal.add_workdays(dt.date.fromisoformat(start), int(workdays))
    new = deadline.due.isoformat()
    provisional = not deadline.calendar_complete
    result.checked += 1
    changes[field_name] = new
    changes[flag] = int(provisional)
    if new != old:
        result.moved.append(Move(*ident, field_name, old or "", new, provisional))
    if provisional:
        result.still_provisional += 1
    elif new == old:
        result.confirmed += 1


def refresh(w: "AuditedWriter") -> RefreshResult:
    """Recompute every stored provisional deadline with the calendar now in the database.

    Each kind recomputes its own deadlines where its rules live
    (:func:`projledger.problems.refresh_deadlines`,
    :func:`projledger.procedures.refresh_deadlines`); this gathers what moved."""
    from projledger.meetings import refresh_deadlines as refresh_items
    from projledger.problems import refresh_deadlines as refresh_problems
    from projledger.procedures import refresh_deadlines as refresh_procedures

    cal = load_calendar(w.db)
    result = RefreshResult()
    refresh_problems(w, cal, result)
    refresh_items(w, cal, result)
    refresh_procedures(w, cal, result)
    return result
