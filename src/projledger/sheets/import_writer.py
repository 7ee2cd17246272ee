"""Writing validated township rows into the ledger: match, compare, write — in bulk.

:class:`ImportWriter` receives :class:`~projledger.sheets.records.FileRead` records
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

from projledger.errors import ProjledgerError
from projledger.money import from_db
from projledger.period import Period
from projledger.progress import year_to_date, ytd_problem
from projledger.projects import NATURES
from projledger.sheets.bulk_writes import PendingUpdates
from projledger.sheets.bulk_writes import insert_many as bulk_insert
from projledger.sheets.columns import BY_FIELD, PROJECT_TARGETS
from projledger.sheets.ledger_rows import BASE_COLUMNS, as_project, cents, row_columns
from projledger.sheets.records import RowError
from projledger.text import normalize_name, squash

__all__ = ["ImportWriter", "insert_rows"]

#: annual-plan fields a sheet may give besides the investment: field -> column
PLAN_FIELDS = {s.field: s.column_in("annual_plans") for s in BY_FIELD.values()
               if s.column_in("annual_plans") and s.field != "annual_plan"}
_CHUNK = 500


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
                project_column: str = "project_id") -> None:
    """Insert many rows with their audit records, as ``writer.insert`` would one by one
    (:func:`projledger.sheets.bulk_writes.insert_many`: the after-image built in SQL).

    Each row must carry its key columns (ids are assigned by the caller, inside the write
    transaction, so nobody else can take them).
    """
    bulk_insert(writer, table, rows, key_columns=key_columns, project_column=project_column)


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
        # columns added by later migrations (level, liaison, planned_completion) are written
        # only where the ledger has them
        self.columns = {t: {c[1] for c in self.db.execute(f"PRAGMA table_info([{t}])")}
                        for t in ("projects", "annual_plans")}
        extra = [c for c in PROJECT_TARGETS.values() if c in self.columns["projects"] and c not in BASE_COLUMNS]
        self.project_columns = BASE_COLUMNS + tuple(extra)
        self.writable = frozenset(self.project_columns)  # row_columns tests membership per value

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

    def apply_file(self, writer, parsed, result, after=None) -> None:
        """One file under a savepoint: all of it, or (on any conflict) none of it.

        ``after(writer)`` runs last inside the savepoint (the submission record)."""
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
                if after is not None:
                    after(writer)
        except (ProjledgerError, sqlite3.IntegrityError) as exc:
            message = exc.message if isinstance(exc, ProjledgerError) else f"写入数据库失败（{exc}）"
            result.errors.append(RowError(parsed.sheet, None, None, None, message))
            return
        result.committed = result.accepted = True
        for key, value in counts.items():
            setattr(result, key, value)

    # -- loading -------------------------------------------------------------------
    def _load_projects(self, parsed) -> _Ledger:
        known = _Ledger()
        names = self.project_columns
        columns = ", ".join(names)
        townships = sorted({row.township_id for row in parsed.rows})
        codes = sorted({row.get("code") for row in parsed.rows if row.get("code")})
        rows = _select(self.db, f"SELECT {columns} FROM projects WHERE township_id IN ({{}})", townships)
        rows += _select(self.db, f"SELECT {columns} FROM projects WHERE code IN ({{}})", codes)
        for values in sorted(set(rows)):  # by id: the oldest project wins a shared name
            project = dict(zip(names, values))
            if project["code"]:
                known.by_code[project["code"]] = project
            known.by_name.setdefault((project["township_id"], project["name_key"]), project)
        return known

    def plan_columns(self) -> tuple[str, ...]:
        wanted = ("investment", "nature", "planned_start", "planned_start_precision", "planned_completion")
        return tuple(c for c in wanted if c in self.columns["annual_plans"])

    def _load_children(self, parsed, known: _Ledger, ids: list[int]) -> None:
        year = parsed.period.year
        ids = sorted(set(ids))
        plan_columns = self.plan_columns()
        for pid, *values in _select(
                self.db, f"SELECT project_id, {', '.join(plan_columns)}"
                         f" FROM annual_plans WHERE +year = {year} AND project_id IN ({{}})", ids):
            known.plans[pid] = dict(zip(plan_columns, values))
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
        year = parsed.period.year
        for row, project in zip(parsed.rows, matches):
            if project is None or row.get("annual_plan") is None or project["id"] in known.plans:
                continue
            probe = as_project({**project, **row_columns(row, project)})
            try:
                self.lifecycle.check_adopt(probe, year, row.get("nature"))
            except ProjledgerError as exc:
                result.errors.append(RowError(row.sheet, row.row, parsed.headers.get("annual_plan"),
                                              str(row.get("annual_plan")), exc.message))

    # -- matching --------------------------------------------------------------------
    def _match(self, parsed, known: _Ledger, result) -> list[dict | None]:
        headers = parsed.headers
        matches: list[dict | None] = []
        claimed: dict[int, int] = {}
        for row in parsed.rows:
            code = row.get("code")
            project = known.by_code.get(code) if code else None
            problem = column = None
            if project is not None and project["township_id"] not in (None, row.township_id):
                owner = self.units.by_id(project["township_id"])
                problem, column = (f"该代码已属于{owner.name if owner else '其他乡镇'}的项目“{project['name']}”，"
                                   "不能由本乡镇的报表更新"), "code"
            elif project is None:
                project = known.by_name.get((row.township_id, row.name_key))
                if project is not None and code and project["code"] and project["code"] != code:
                    problem, column = (f"本乡镇同名项目在台账中的代码是“{project['code']}”，与本行代码不一致；"
                                       "请核对代码，或先用 projledger project update 更正台账"), "code"
            if problem is None and project is not None and project["id"] in claimed:
                problem, column = f"与第{claimed[project['id']]}行对应台账中的同一个项目“{project['name']}”", "name"
            if problem is not None:
                value = code if column == "code" else row.name
                result.errors.append(RowError(row.sheet, row.row, headers.get(column), value, problem))
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
        self.year = parsed.period.year
        self.period = str(parsed.period)
        self.period_value: Period = parsed.period
        self.now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        self.reported = parsed.report_date.isoformat() if parsed.report_date else None
        self.new: dict[str, list[dict]] = {"projects": [], "annual_plans": [], "progress": [], "problems": []}
        self._next_ids: dict[str, int] = {}
        self.created: set[int] = set()
        self._problem_base: dict | None = None
        self.pending = PendingUpdates()  # compared against loaded rows, written in bulk by _flush

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
        if counts["problems_added"] and self.parsed.report_date is None:
            self.result.warnings.append(f"表中没有填报日期，问题的提出日期按今天（{dt.date.today().isoformat()}）记；"
                                        "可用 --date 指定")
        unrecorded = [r.row for r in self.parsed.rows
                      if r.get("progress") and r.get("ytd_completed") is None and r.get("month_completed") is None]
        if unrecorded:
            rows = "、".join(map(str, unrecorded[:10])) + ("等" if len(unrecorded) > 10 else "")
            self.result.warnings.append(f"第{rows}行只有形象进度、没有完成投资，形象进度未记入进度台账")
        return counts

    def _flush(self) -> None:
        self.pending.flush(self.writer)
        new = self.new
        insert_rows(self.writer, "projects", new["projects"], project_column="id")
        for table, key in (("annual_plans", ("project_id", "year")), ("progress", ("project_id", "period")),
                           ("problems", ("id",))):
            insert_rows(self.writer, table, new[table], key_columns=key)

    # -- projects ----------------------------------------------------------------------
    def _create(self, row) -> dict:
        columns = row_columns(row, None, self.owner.writable)
        nature = row.get("nature")
        record = {"stage": nature or "谋划", **columns, "name_key": row.name_key,
                  "created_at": self.now, "updated_at": self.now, "id": self._next_id("projects")}
        if row.get("annual_plan") is not None:  # in the year's plan: the stage is the year's nature
            if nature is None:
                from projledger.lifecycle import default_nature

                record["stage"] = default_nature(as_project(record), self.year)
            actual = row.get("actual_start")
            started = actual is not None and actual.year < self.year
            if record["stage"] == "续建" and not started:
                self._warn(row, f"按续建列入{self.year}年度计划，但没有{self.year}年以前的实际开工时间，请补填")
        self.created.add(record["id"])
        self.new["projects"].append(record)
        return record  # read with .get: the columns the row did not give are NULL / defaults

    def _update(self, row, project: dict) -> bool:
        columns = row_columns(row, project, self.owner.writable)
        diff = {c: v for c, v in columns.items() if project.get(c) != v}
        if not diff:
            return False
        if "name" in diff:
            diff["name_key"] = normalize_name(diff["name"])
        diff["updated_at"] = self.now
        self.pending.add("projects", {"id": project["id"]}, project, diff, project["id"])
        project.update(diff)
        return True

    # -- annual plan, progress -----------------------------------------------------------
    def _plan_values(self, row, project: dict, existing: dict | None) -> dict:
        values: dict = {"investment": cents(row.get("annual_plan"))}
        available = self.owner.columns["annual_plans"]
        for name, column in PLAN_FIELDS.items():
            value = row.get(name)
            if column not in available or value is None:
                continue
            values[column] = value.isoformat() if isinstance(value, dt.date) else value
            if name == "planned_start":
                values["planned_start_precision"] = row.get("planned_start_precision") or "day"
        if "nature" not in values and existing is None:
            values["nature"] = project["stage"] if project["stage"] in NATURES else None
        if "planned_start" not in values and existing is None and project.get("planned_start"):
            values["planned_start"] = project["planned_start"]
            values["planned_start_precision"] = project.get("planned_start_precision") or "day"
        return values

    def _plan(self, row, project: dict) -> bool:
        if row.get("annual_plan") is None:
            return False
        pid = project["id"]
        existing = self.known.plans.get(pid)
        if existing is None and pid not in self.created:
            self._adopt(row, project)
            existing = self.known.plans[pid]
            extra = {k: v for k, v in self._plan_values(row, project, existing).items()
                     if k not in ("investment", "nature")}
            if extra:
                self._changed("annual_plans", {"project_id": pid, "year": self.year}, existing, extra, pid)
            return True
        values = self._plan_values(row, project, existing)
        if existing is None:
            record = {"project_id": pid, "year": self.year, **values}
            self.new["annual_plans"].append(record)
            self.known.plans[pid] = record  # the same dict: one copy per new row
            return True
        return self._changed("annual_plans", {"project_id": pid, "year": self.year}, existing, values, pid)

    def _adopt(self, row, project: dict) -> None:
        """A ledger project enters the year's plan the way ``plan set`` does it: through
        :meth:`projledger.lifecycle.Lifecycle.adopt` (out of the reserve, stage = the year's
        nature, the transition logged); checked beforehand by ``_check_adoptions``."""
        lifecycle = self.owner.lifecycle
        on = self.parsed.report_date or dt.date.today()
        lifecycle.adopt(self.writer, as_project(project), self.year, investment=row.get("annual_plan"),
                        nature=row.get("nature"), on=on)
        pid = project["id"]
        project["stage"] = self.db.execute("SELECT stage FROM projects WHERE id = ?", [pid]).fetchone()[0]
        plan_columns = self.owner.plan_columns()
        found = self.db.execute(f"SELECT {', '.join(plan_columns)} FROM annual_plans"
                                " WHERE project_id = ? AND year = ?", [pid, self.year]).fetchone()
        self.known.plans[pid] = dict(zip(plan_columns, found))

    def _changed(self, table: str, key: dict, existing: dict, values: dict, pid: int) -> bool:
        diff = {k: v for k, v in values.items() if existing.get(k) != v}
        if not diff:
            return False
        self.pending.add(table, key, existing, diff, pid)
        existing.update(diff)
        return True

    def _progress(self, row, project: dict) -> bool:
        ytd, month = row.get("ytd_completed"), row.get("month_completed")
        if ytd is None and month is None:
            return False
        pid = project["id"]
        records = self.known.progress.setdefault(pid, {})
        earlier = max((p for p in records if p < self.period), default=None)
        previous = from_db(records[earlier]["ytd_completed"]) if earlier else None
        if ytd is None:
            ytd = year_to_date(previous, month)
            if previous is None and self.period_value.month > 1:
                self._warn(row, f"只有当月完成投资，台账中没有该项目{self.year}年此前的进度，累计完成暂按当月数{month}万元记")
        else:
            problem = ytd_problem(self.period_value, ytd, month, Period.from_db(earlier) if earlier else None,
                                  previous)
            if problem:
                self._warn(row, problem)
        values = {"year": self.year, "ytd_completed": cents(ytd), "month_completed": cents(month),
                  "status": row.get("progress"), "reported_on": self.reported, "source": self.parsed.path.name}
        existing = records.get(self.period)
        if existing is None:
            record = {"project_id": pid, "period": self.period, **values}
            self.new["progress"].append(record)
            records[self.period] = record
            return True
        return self._changed("progress", {"project_id": pid, "period": self.period}, existing, values, pid)

    def _warn(self, row, text: str) -> None:
        self.result.warnings.append(f"第{row.row}行（{row.name}）：{text}")

    # -- problems --------------------------------------------------------------------------
    def _problems(self, row, project: dict) -> int:
        problems = row.get("problems")
        if not problems:
            return 0
        pid = project["id"]
        keys = self.known.problem_keys.setdefault(pid, set())
        added = 0
        for raw in problems:
            text = raw.strip()
            key = squash(text)
            if not key or key in keys:
                continue
            keys.add(key)
            lead = row.get("department") or project.get("department_id")
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
        new = store.prepare(as_project(project), text, lead=lead, reported_on=reported,
                            source=self.parsed.path.name, require_lead=False)
        self.result.warnings.extend(w for w in new.warnings if w not in self.result.warnings)
        self._problem_base = {k: v for k, v in new.row().items()
                              if k not in ("project_id", "text", "text_key", "lead_unit_id")}
        return self._problem_base
