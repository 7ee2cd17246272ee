"""Writing validated township rows into the ledger: match, compare, write — in bulk.

:class:`ImportWriter` receives :class:`~projledger.sheets.township_import.ParsedFile` records
that read cleanly and applies each file inside the caller's transaction, under a savepoint:

1. **Load** what the ledger holds for the file in a handful of queries: the projects of the
   file's townships and those carrying the file's codes, then — for the projects the rows
   match — the year's annual plans, the year's progress records and the problem texts.
2. **Match** every row (SPEC §4): by code; else by normalised name within the township;
   else a new project.  A code belonging to another township's project, a code that
   contradicts the same-named project's code, two rows landing on one project, or a ledger
   project that may not enter the year's plan (:meth:`Lifecycle.check_adopt
   <projledger.lifecycle.Lifecycle.check_adopt>`: 竣工/终止/退库, 续建 without an earlier
   start) are conflicts; the file is rejected with *all* of them listed and nothing written.
3. **Compare and write.**  Values are compared with the loaded rows first, so unchanged
   rows cost no statement at all and a re-import writes nothing (and audits nothing).
   Changed rows go through ``AuditedWriter.update``; new rows (projects, plans, progress,
   problems) are collected and inserted per table at the end of the file with
   ``executemany`` — the same data and audit rows ``AuditedWriter.insert`` writes one by one
   (see :func:`insert_rows`), since per-row inserts dominate a 50,000-row import.

The semantics follow the domain stores: a ledger project entering the year's plan goes
through :meth:`projledger.lifecycle.Lifecycle.adopt` exactly as ``plan set`` does (out of the
reserve, stage = the year's nature, the transition logged); a project the sheet creates gets
the year's nature as its stage (the lifecycle's default when the sheet gives none);
:meth:`projledger.plans.Plans.set` (nature and planned start default from the project),
:meth:`projledger.progress.ProgressLog.log` (year-to-date derived from the previous record
of the year when only this month's figure is given) and
:func:`projledger.problems.record_imported` (a text equal after squash to one already on
the project — open or closed — is not recorded again; lead unit = the row's department,
else the project's; deadlines counted in working days from the reported date).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from projledger.errors import ProjledgerError
from projledger.money import from_db
from projledger.projects import NATURES
from projledger.text import normalize_name, squash

__all__ = ["ImportWriter", "insert_rows", "row_columns"]

PROJECT_COLUMNS = ("id", "code", "name", "name_key", "township_id", "department_id", "owner", "stage",
                   "nature", "industry", "industrial", "total_investment", "planned_start",
                   "planned_start_precision", "actual_start", "actual_start_estimated", "completed_on",
                   "leader", "note")
_CHUNK = 500


def _cents(amount: Decimal | None) -> int | None:
    """:func:`projledger.money.to_db` for amounts the parsers already rounded to 0.01 万元."""
    if amount is None:
        return None
    cents = amount * 100
    return int(cents) if cents == cents.to_integral_value() else int(cents.to_integral_value(ROUND_HALF_UP))


def _chunks(values: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _select(db, sql: str, values: Sequence) -> list[tuple]:
    """``sql`` has one ``IN ({})`` placeholder list, run for ``values`` in chunks."""
    rows: list[tuple] = []
    for chunk in _chunks(list(values)):
        rows.extend(db.execute(sql.format(", ".join("?" * len(chunk))), list(chunk)).fetchall())
    return rows


def insert_rows(writer, table: str, rows: list[dict], *, key_columns: tuple[str, ...] = ("id",),
                project_ids: list[int | None]) -> None:
    """Insert many rows with their audit records, as ``writer.insert`` would one by one.

    Each row must carry its key columns (ids are assigned by the caller, inside the write
    transaction, so nobody else can take them).
    """
    if rows:
        writer.insert_many(table, rows, key_columns=key_columns, project_ids=project_ids)


@dataclass
class _Ledger:
    """What the ledger holds for one file's projects (rows as column dicts)."""

    by_code: dict[str, dict] = field(default_factory=dict)
    by_name: dict[tuple, dict] = field(default_factory=dict)
    plans: dict[int, dict] = field(default_factory=dict)
    progress: dict[int, dict[str, dict]] = field(default_factory=dict)
    problem_keys: dict[int, set[str]] = field(default_factory=dict)


class ImportWriter:
    """Applies parsed files inside one write transaction (see the module docstring)."""

    def __init__(self, ledger, units):
        self.db = ledger.db
        self.settings = ledger.settings()
        self.units = units
        self._calendar = None
        self._lifecycle = None

    @property
    def lifecycle(self):
        if self._lifecycle is None:
            from projledger.lifecycle import Lifecycle

            self._lifecycle = Lifecycle(self.db)
        return self._lifecycle

    @property
    def calendar(self):
        if self._calendar is None:
            from projledger.calendar import load_calendar

            self._calendar = load_calendar(self.db)
        return self._calendar

    def apply_file(self, writer, parsed, result) -> None:
        """One file under a savepoint: all of it, or (on any conflict) none of it."""
        known = self._load_projects(parsed)
        matches = self._match(parsed, known, result)
        if result.errors:
            return
        self._load_children(parsed, known, [p["id"] for p in matches if p is not None])
        self._check_adoptions(parsed, known, matches, result)
        if result.errors:
            return
        try:
            with self.db.atomic():
                counts = _FileWrite(self, writer, parsed, known, result).run(matches)
        except (ProjledgerError, sqlite3.IntegrityError) as exc:
            from projledger.sheets.township_import import RowError

            message = exc.message if isinstance(exc, ProjledgerError) else f"写入数据库失败（{exc}）"
            result.errors.append(RowError(parsed.sheet, None, None, None, message))
            return
        result.committed = result.accepted = True
        for key, value in counts.items():
            setattr(result, key, value)

    # -- loading -------------------------------------------------------------------
    def _load_projects(self, parsed) -> _Ledger:
        known = _Ledger()
        columns = ", ".join(PROJECT_COLUMNS)
        townships = sorted({row.township_id for row in parsed.rows})
        codes = sorted({row.code for row in parsed.rows if row.code})
        rows = _select(self.db, f"SELECT {columns} FROM projects WHERE township_id IN ({{}})", townships)
        rows += _select(self.db, f"SELECT {columns} FROM projects WHERE code IN ({{}})", codes)
        for values in sorted(set(rows)):  # by id: the oldest project wins a shared name
            project = dict(zip(PROJECT_COLUMNS, values))
            if project["code"]:
                known.by_code[project["code"]] = project
            known.by_name.setdefault((project["township_id"], project["name_key"]), project)
        return known

    def _load_children(self, parsed, known: _Ledger, ids: list[int]) -> None:
        year = int(parsed.period[:4])
        ids = sorted(set(ids))
        for pid, investment, nature, planned, precision in _select(
                self.db, f"SELECT project_id, investment, nature, planned_start, planned_start_precision"
                         f" FROM annual_plans WHERE +year = {year} AND project_id IN ({{}})", ids):
            known.plans[pid] = {"investment": investment, "nature": nature, "planned_start": planned,
                                "planned_start_precision": precision}
        for pid, period, ytd, month, status, reported, source in _select(
                self.db, f"SELECT project_id, period, ytd_completed, month_completed, status, reported_on, source"
                         f" FROM progress WHERE +year = {year} AND project_id IN ({{}})", ids):
            known.progress.setdefault(pid, {})[period] = {
                "year": year, "ytd_completed": ytd, "month_completed": month, "status": status,
                "reported_on": reported, "source": source}
        for pid, key in _select(self.db, "SELECT project_id, text_key FROM problems WHERE project_id IN ({})", ids):
            known.problem_keys.setdefault(pid, set()).add(key)

    def _check_adoptions(self, parsed, known: _Ledger, matches: list, result) -> None:
        """A ledger project entering the year's plan passes the lifecycle's checks, as with
        ``plan set`` (not 竣工/终止/退库; 续建 only when it started before the year)."""
        from projledger.sheets.township_import import RowError

        year = int(parsed.period[:4])
        for row, project in zip(parsed.rows, matches):
            if project is None or row.annual_plan is None or project["id"] in known.plans:
                continue
            probe = _as_project({**project, **row_columns(row, project)})
            try:
                self.lifecycle.check_adopt(probe, year, row.nature)
            except ProjledgerError as exc:
                result.errors.append(RowError(parsed.sheet, row.row, parsed.headers.get("annual_plan"),
                                              str(row.annual_plan), exc.message))

    # -- matching --------------------------------------------------------------------
    def _match(self, parsed, known: _Ledger, result) -> list[dict | None]:
        from projledger.sheets.township_import import RowError

        headers = parsed.headers
        matches: list[dict | None] = []
        claimed: dict[int, int] = {}
        for row in parsed.rows:
            project = known.by_code.get(row.code) if row.code else None
            problem = column = None
            if project is not None and project["township_id"] not in (None, row.township_id):
                owner = self.units.by_id(project["township_id"])
                problem, column = (f"该代码已属于{owner.name if owner else '其他乡镇'}的项目“{project['name']}”，"
                                   "不能由本乡镇的报表更新"), "code"
            elif project is None:
                project = known.by_name.get((row.township_id, row.name_key))
                if project is not None and row.code and project["code"] and project["code"] != row.code:
                    problem, column = (f"本乡镇同名项目在台账中的代码是“{project['code']}”，与本行代码不一致；"
                                       "请核对代码，或先用 projledger project update 更正台账"), "code"
            if problem is None and project is not None and project["id"] in claimed:
                problem, column = f"与第{claimed[project['id']]}行对应台账中的同一个项目“{project['name']}”", "name"
            if problem is not None:
                value = row.code if column == "code" else row.name
                result.errors.append(RowError(parsed.sheet, row.row, headers.get(column), value, problem))
                continue
            if project is not None:
                claimed[project["id"]] = row.row
            matches.append(project)
        return matches


class _FileWrite:
    """The writes of one file (inside its savepoint)."""

    def __init__(self, owner: ImportWriter, writer, parsed, known: _Ledger, result):
        self.owner = owner
        self.writer = writer
        self.db = owner.db
        self.parsed = parsed
        self.known = known
        self.result = result
        self.year = int(parsed.period[:4])
        self.period = parsed.period
        self.now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        self.reported = parsed.report_date.isoformat() if parsed.report_date else None
        self.new: dict[str, list[dict]] = {"projects": [], "annual_plans": [], "progress": [], "problems": []}
        self._next_ids: dict[str, int] = {}
        self.created: set[int] = set()
        self._problem_base: dict | None = None

    def _next_id(self, table: str) -> int:
        if table not in self._next_ids:
            self._next_ids[table] = self.db.execute(f"SELECT COALESCE(MAX(id), 0) FROM [{table}]").fetchone()[0]
        self._next_ids[table] += 1
        return self._next_ids[table]

    def run(self, matches: list[dict | None]) -> dict[str, int]:
        counts = {"created": 0, "updated": 0, "unchanged": 0, "problems_added": 0}
        for row, project in zip(self.parsed.rows, matches):
            if project is None:
                project, outcome = self._create(row), "created"
            else:
                outcome = "updated" if self._update(row, project) else "unchanged"
            changed = self._plan(row, project)
            changed = self._progress(row, project) or changed
            added = self._problems(row, project)
            if outcome == "unchanged" and (changed or added):
                outcome = "updated"
            counts[outcome] += 1
            counts["problems_added"] += added
        self._flush()
        unrecorded = [r.row for r in self.parsed.rows
                      if r.progress and r.ytd_completed is None and r.month_completed is None]
        if unrecorded:
            rows = "、".join(map(str, unrecorded[:10])) + ("等" if len(unrecorded) > 10 else "")
            self.result.warnings.append(f"第{rows}行只有形象进度、没有完成投资，形象进度未记入进度台账")
        return counts

    def _flush(self) -> None:
        new = self.new
        insert_rows(self.writer, "projects", new["projects"], project_ids=[r["id"] for r in new["projects"]])
        for table, key in (("annual_plans", ("project_id", "year")), ("progress", ("project_id", "period")),
                           ("problems", ("id",))):
            insert_rows(self.writer, table, new[table], key_columns=key,
                        project_ids=[r["project_id"] for r in new[table]])

    # -- projects ----------------------------------------------------------------------
    def _create(self, row) -> dict:
        columns = row_columns(row, None)
        record = {"stage": row.nature or "谋划", **columns, "name_key": row.name_key,
                  "created_at": self.now, "updated_at": self.now, "id": self._next_id("projects")}
        if row.annual_plan is not None:  # in the year's plan: the stage is the year's nature
            if row.nature is None:
                from projledger.lifecycle import default_nature

                record["stage"] = default_nature(_as_project(record), self.year)
            started = row.actual_start is not None and row.actual_start.year < self.year
            if record["stage"] == "续建" and not started:
                self._warn(row, f"按续建列入{self.year}年度计划，但没有{self.year}年以前的实际开工时间，请补填")
        self.created.add(record["id"])
        self.new["projects"].append(record)
        return record  # read with .get: the columns the row did not give are NULL / defaults

    def _update(self, row, project: dict) -> bool:
        columns = row_columns(row, project)
        diff = {c: v for c, v in columns.items() if project.get(c) != v}
        if not diff:
            return False
        if "name" in diff:
            diff["name_key"] = normalize_name(diff["name"])
        self.writer.update("projects", {"id": project["id"]}, diff, touch={"updated_at": self.now})
        project.update(diff)
        return True

    # -- annual plan, progress -----------------------------------------------------------
    def _plan(self, row, project: dict) -> bool:
        if row.annual_plan is None:
            return False
        pid = project["id"]
        existing = self.known.plans.get(pid)
        if existing is None and pid not in self.created:
            return self._adopt(row, project)
        values: dict = {"investment": _cents(row.annual_plan)}
        if row.nature is not None:
            values["nature"] = row.nature
        elif existing is None:
            values["nature"] = project["stage"] if project["stage"] in NATURES else None
        if row.planned_start is not None:
            values["planned_start"] = row.planned_start.isoformat()
            values["planned_start_precision"] = row.planned_start_precision
        elif existing is None and project.get("planned_start"):
            values["planned_start"] = project["planned_start"]
            values["planned_start_precision"] = project.get("planned_start_precision") or "day"
        if existing is None:
            self.new["annual_plans"].append({"project_id": pid, "year": self.year, **values})
            self.known.plans[pid] = dict(values)
            return True
        return self._changed("annual_plans", {"project_id": pid, "year": self.year}, existing, values, pid)

    def _adopt(self, row, project: dict) -> bool:
        """A ledger project enters the year's plan the way ``plan set`` does it: through
        :meth:`projledger.lifecycle.Lifecycle.adopt` (out of the reserve, stage = the year's
        nature, the transition logged); checked beforehand by ``_check_adoptions``."""
        lifecycle = self.owner.lifecycle
        on = self.parsed.report_date or dt.date.today()
        lifecycle.adopt(self.writer, _as_project(project), self.year, investment=row.annual_plan,
                        nature=row.nature, on=on)
        pid = project["id"]
        project["stage"] = self.db.execute("SELECT stage FROM projects WHERE id = ?", [pid]).fetchone()[0]
        investment, nature, planned, precision = self.db.execute(
            "SELECT investment, nature, planned_start, planned_start_precision FROM annual_plans"
            " WHERE project_id = ? AND year = ?", [pid, self.year]).fetchone()
        self.known.plans[pid] = {"investment": investment, "nature": nature, "planned_start": planned,
                                 "planned_start_precision": precision}
        return True

    def _changed(self, table: str, key: dict, existing: dict, values: dict, pid: int) -> bool:
        diff = {k: v for k, v in values.items() if existing.get(k) != v}
        if not diff:
            return False
        self.writer.update(table, key, diff, project_id=pid)
        existing.update(diff)
        return True

    def _progress(self, row, project: dict) -> bool:
        ytd, month = row.ytd_completed, row.month_completed
        if ytd is None and month is None:
            return False
        pid = project["id"]
        records = self.known.progress.setdefault(pid, {})
        earlier = max((p for p in records if p < self.period), default=None)
        previous = from_db(records[earlier]["ytd_completed"]) if earlier else None
        if ytd is None:
            ytd = (previous or Decimal(0)) + month
            if previous is None and int(self.period[5:]) > 1:
                self._warn(row, f"只有当月完成投资，台账中没有该项目{self.year}年此前的进度，累计完成暂按当月数{month}万元记")
        elif previous is not None:
            self._check_ytd(row, ytd, month, earlier, previous)
        values = {"year": self.year, "ytd_completed": _cents(ytd), "month_completed": _cents(month),
                  "status": row.progress, "reported_on": self.reported, "source": self.parsed.path.name}
        existing = records.get(self.period)
        if existing is None:
            self.new["progress"].append({"project_id": pid, "period": self.period, **values})
            records[self.period] = dict(values)
            return True
        return self._changed("progress", {"project_id": pid, "period": self.period}, existing, values, pid)

    def _check_ytd(self, row, ytd: Decimal, month: Decimal | None, earlier: str, previous: Decimal) -> None:
        if ytd < previous:
            self._warn(row, f"累计完成投资{ytd}万元少于台账中{earlier}的累计{previous}万元")
            return
        last_month = f"{self.year:04d}-{int(self.period[5:]) - 1:02d}"
        if month is not None and earlier == last_month and abs(previous + month - ytd) > Decimal("0.01"):
            self._warn(row, f"累计完成投资{ytd}万元 ≠ 上月累计{previous}万元 + 当月{month}万元")

    def _warn(self, row, text: str) -> None:
        self.result.warnings.append(f"第{row.row}行（{row.name}）：{text}")

    # -- problems --------------------------------------------------------------------------
    def _problems(self, row, project: dict) -> int:
        if not row.problems:
            return 0
        pid = project["id"]
        keys = self.known.problem_keys.setdefault(pid, set())
        added = 0
        for raw in row.problems:
            text = raw.strip()
            key = squash(text)
            if not key or key in keys:
                continue
            keys.add(key)
            lead = row.department_id or project.get("department_id")
            base = self._problem_base or self._prepare_base(project, text, lead)
            self.new["problems"].append({**base, "id": self._next_id("problems"), "project_id": pid,
                                         "text": text, "text_key": key, "lead_unit_id": lead})
            added += 1
        return added

    def _prepare_base(self, project: dict, text: str, lead: int | None) -> dict:
        """One problem prepared by the problem ledger; the file's others share its dates."""
        from projledger.problems import ProblemStore

        store = ProblemStore(self.db, settings=self.owner.settings, calendar=self.owner.calendar,
                             units=self.owner.units)
        reported = self.parsed.report_date or dt.date.today()
        new = store.prepare(_as_project(project), text, lead=lead, reported_on=reported,
                            source=self.parsed.path.name, require_lead=False)
        self.result.warnings.extend(w for w in new.warnings if w not in self.result.warnings)
        self._problem_base = {k: v for k, v in new.row().items()
                              if k not in ("project_id", "text", "text_key", "lead_unit_id")}
        return self._problem_base


def row_columns(row, project: dict | None) -> dict:
    """The project columns a sheet row gives (what it leaves blank is not touched)."""
    columns = {"name": row.name, "township_id": row.township_id}
    optional = {"code": row.code, "department_id": row.department_id, "owner": row.owner,
                "nature": row.nature, "industry": row.industry, "leader": row.leader, "note": row.note}
    columns.update({k: v for k, v in optional.items() if v is not None})
    if row.total_investment is not None:
        columns["total_investment"] = _cents(row.total_investment)
    if row.planned_start is not None:
        columns["planned_start"] = row.planned_start.isoformat()
        columns["planned_start_precision"] = row.planned_start_precision
    # 已开工 only estimates a start: it never replaces a start already known (estimated or not),
    # so September's estimate is not pushed to October's last day by the next sheet.
    if row.actual_start is not None and not (row.actual_start_estimated and project and project.get("actual_start")):
        columns["actual_start"] = row.actual_start.isoformat()
        columns["actual_start_estimated"] = int(row.actual_start_estimated)
    return columns


def _as_project(values: dict):
    """A :class:`projledger.projects.Project` from a loaded (or about-to-be-inserted) row."""
    from projledger.projects import Project

    def day(key):
        return dt.date.fromisoformat(values[key]) if values.get(key) else None

    industrial = values.get("industrial")
    return Project(
        id=values["id"], code=values.get("code"), name=values["name"], township=None, department=None,
        owner=values.get("owner"), stage=values.get("stage") or "谋划", nature=values.get("nature"),
        industry=values.get("industry"), industrial=None if industrial is None else bool(industrial),
        total_investment=from_db(values.get("total_investment")), planned_start=day("planned_start"),
        planned_start_precision=values.get("planned_start_precision") or "day",
        actual_start=day("actual_start"), actual_start_estimated=bool(values.get("actual_start_estimated")),
        completed_on=day("completed_on"), leader=values.get("leader"), note=values.get("note"),
        township_id=values.get("township_id"), department_id=values.get("department_id"))
