"""Problem ledger (问题台账): problems found on projects, who leads them, and their deadlines.

A problem belongs to one project and has a lead unit (牵头单位), optional responsible units
(责任单位), a category and a level from settings, the date it was reported and two deadlines
counted in 法定工作日 from that date:

* ``reply_due_on`` — the lead unit proposes a solution within ``problem_reply_workdays``
  (default 3, the rule 问题解决意见 of seed 004: “3个工作日内提出解决问题的具体做法和意见建议”);
* ``due_on`` — the problem is solved within ``--limit`` or ``problem_default_workdays``
  (default 10) working days (解决时限).

Each deadline remembers whether it is provisional (a year without the State Council notice)
and where it counts from (``reported_on``, or ``due_start`` after ``reopen --limit``), so
``projledger.calendar.refresh`` can recompute it when the calendar learns the year.

Status moves ``open`` → ``closed`` (:meth:`close`, with date and resolution) and back only
explicitly (:meth:`reopen`); every change goes through the caller's
:class:`~projledger.store.AuditedWriter`, so ``projledger history PROJECT`` shows it.  The
reply / close / reopen / escalate rules and the cards are the shared life of a tracked item
(:mod:`projledger.tracking`, also followed by the items decided at meetings); this module
keeps the problem's own table, reads and the import path.  A problem found at a meeting
carries its ``meeting_id`` (``problem add --meeting``).

"Open as of D" (used by the warning cards and the problem-list workbook) means reported on or
before D and not closed by D, so a report for a past date shows what was open then.
``list(overdue_as_of=D)`` means open now and its 解决时限 before D (the deadline has passed);
how many *working* days it is late is ``overdue_workdays`` (what the cards count).

The township import records problems with :func:`record_imported` inside its own transaction;
text equal after :func:`projledger.text.squash` to a problem already recorded for the project
(open or closed) is skipped, matching the ``UNIQUE(project_id, text_key)`` column.

The working-day calendar comes from ``projledger.calendar.load_calendar``
(chinese-calendar plus the ledger's ``calendar set`` days and imported notices).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from dataclasses import dataclass, field, replace

from projledger import tracking
from projledger.errors import DataError, NotFoundError
from projledger.projects import Project
from projledger.text import squash
from projledger.tracking import STATUSES, TrackedItem, TrackedKind, choose
from projledger.units import Unit
from projledger.dates import stored_date as _date, iso as _iso

__all__ = [
    "read_once",
    "refresh_deadlines",
    "Problem",
    "Escalation",
    "NewProblem",
    "ProblemStore",
    "record_imported",
    "choose",
    "STATUSES",
    "PROBLEM",
]

#: Where problems live, for the shared lifecycle (:mod:`projledger.tracking`).
PROBLEM = TrackedKind(kind="problem", noun="问题", table="problems", start_label="提出日期",
                      escalation_table="problem_escalations", escalation_key="problem_id",
                      command="problem")

_SELECT = (
    "SELECT p.id, p.project_id, p.text, p.category, p.level, p.lead_unit_id, p.reported_on,"
    " p.reply_workdays, p.reply_due_on, p.reply_due_provisional, p.replied_on, p.reply_text,"
    " p.due_workdays, p.due_on, p.due_provisional, p.status, p.closed_on, p.resolution, p.source,"
    " pr.code, pr.name, pr.township_id, p.meeting_id"
    " FROM problems p JOIN projects pr ON pr.id = p.project_id"
)


@dataclass(frozen=True)
class Escalation:
    level: str
    escalated_on: dt.date
    note: str | None

    def to_json(self) -> dict:
        return {"level": self.level, "escalated_on": self.escalated_on.isoformat(), "note": self.note}


@dataclass(frozen=True)
class Problem(TrackedItem):
    """One row of the problem ledger, with its project and unit names resolved."""

    id: int
    project_id: int
    project_code: str | None
    project_name: str
    township: str | None
    text: str
    category: str | None
    level: str | None
    lead_unit_id: int | None
    lead_unit: str | None
    reported_on: dt.date
    reply_workdays: int | None
    reply_due_on: dt.date | None
    reply_due_provisional: bool
    replied_on: dt.date | None
    reply_text: str | None
    due_workdays: int | None
    due_on: dt.date | None
    due_provisional: bool
    status: str
    closed_on: dt.date | None
    resolution: str | None
    source: str | None
    responsible_units: tuple[str, ...] = ()
    escalations: tuple[Escalation, ...] = ()
    meeting_id: int | None = None

    @property
    def started_on(self) -> dt.date:
        return self.reported_on

    def to_json(self) -> dict:
        """SPEC §9 keys first, then the rest of the record."""
        return {
            "id": self.id, "project_code": self.project_code, "project_name": self.project_name,
            "text": self.text, "status": self.status, "reported_on": _iso(self.reported_on),
            "due_on": _iso(self.due_on), "closed_on": _iso(self.closed_on), "lead_unit": self.lead_unit,
            "township": self.township, "category": self.category, "level": self.level,
            "responsible_units": list(self.responsible_units),
            "reply_due_on": _iso(self.reply_due_on), "replied_on": _iso(self.replied_on),
            "reply": self.reply_text, "due_provisional": self.due_provisional,
            "reply_due_provisional": self.reply_due_provisional, "resolution": self.resolution,
            "source": self.source, "escalations": [e.to_json() for e in self.escalations],
            "meeting_id": self.meeting_id,
        }


@dataclass(frozen=True)
class NewProblem:
    """A validated problem ready to insert (deadlines computed); see :meth:`ProblemStore.prepare`."""

    project: Project
    text: str
    category: str | None
    level: str | None
    lead_unit_id: int | None
    responsible_ids: tuple[int, ...]
    reported_on: dt.date
    reply_workdays: int
    reply_due_on: dt.date
    reply_due_provisional: bool
    due_workdays: int
    due_on: dt.date
    due_provisional: bool
    source: str = "cli"
    warnings: tuple[str, ...] = field(default=())
    meeting_id: int | None = None

    def row(self) -> dict:
        extra = {"meeting_id": self.meeting_id} if self.meeting_id is not None else {}
        return {**extra,
            "project_id": self.project.id, "text": self.text, "text_key": squash(self.text),
            "category": self.category, "level": self.level, "lead_unit_id": self.lead_unit_id,
            "reported_on": self.reported_on.isoformat(), "reply_workdays": self.reply_workdays,
            "reply_due_on": self.reply_due_on.isoformat(),
            "reply_due_provisional": int(self.reply_due_provisional),
            "due_workdays": self.due_workdays, "due_on": self.due_on.isoformat(),
            "due_provisional": int(self.due_provisional), "status": "open", "source": self.source,
            "created_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        }


def _clean_text(text: str | None, what: str = "问题内容") -> str:
    return tracking.clean_text(text, what)


class ProblemStore(tracking.TrackedStore):
    """Problem reads, and writes inside the caller's transaction (``w`` = AuditedWriter)."""

    # -- reads ------------------------------------------------------------------
    def _from_rows(self, rows) -> list[Problem]:
        problems = []
        for row in rows:
            (pid, project_id, text, category, level, lead_id, reported, reply_wd, reply_due, reply_prov,
             replied, reply_text, due_wd, due, due_prov, status, closed, resolution, source,
             code, name, township_id, meeting_id) = row
            township, lead = self.units.by_id(township_id), self.units.by_id(lead_id)
            problems.append(Problem(
                id=pid, project_id=project_id, project_code=code, project_name=name,
                township=township.name if township else None, text=text, category=category,
                level=level, lead_unit_id=lead_id, lead_unit=lead.name if lead else None,
                reported_on=_date(reported), reply_workdays=reply_wd, reply_due_on=_date(reply_due),
                reply_due_provisional=bool(reply_prov), replied_on=_date(replied), reply_text=reply_text,
                due_workdays=due_wd, due_on=_date(due), due_provisional=bool(due_prov), status=status,
                closed_on=_date(closed), resolution=resolution, source=source, meeting_id=meeting_id,
            ))
        return self._with_details(problems)

    def _with_details(self, problems: list[Problem]) -> list[Problem]:
        """Attach responsible units and escalations (two queries for the whole list)."""
        if not problems:
            return problems
        responsible: dict[int, list[str]] = {}
        escalations: dict[int, list[Escalation]] = {}
        for problem_id, unit_id in self.db.execute(
                "SELECT problem_id, unit_id FROM problem_units ORDER BY rowid"):
            unit = self.units.by_id(unit_id)
            responsible.setdefault(problem_id, []).append(unit.name if unit else str(unit_id))
        for problem_id, level, on, note in self.db.execute(
                "SELECT problem_id, level, escalated_on, note FROM problem_escalations ORDER BY id"):
            escalations.setdefault(problem_id, []).append(Escalation(level, _date(on), note))
        return [replace(p, responsible_units=tuple(responsible.get(p.id, ())),
                        escalations=tuple(escalations.get(p.id, ()))) for p in problems]

    def get(self, problem_id: int | str) -> Problem:
        text = str(problem_id).strip()
        if not text.isdigit():
            raise DataError(f"问题编号“{text}”应为数字（projledger problem list 查看编号）")
        found = self._from_rows(self.db.execute(_SELECT + " WHERE p.id = ?", [int(text)]).fetchall())
        if not found:
            raise NotFoundError(f"找不到编号为 {text} 的问题（projledger problem list 查看）")
        return found[0]

    def list(self, *, status: str | None = None, overdue_as_of: dt.date | None = None,
             lead: str | None = None, township: str | None = None, project: str | None = None,
             level: str | None = None, category: str | None = None) -> list[Problem]:
        """Problems matching every filter given, by id.  ``overdue_as_of``: open, due before it."""
        where, params = [], []
        if status is not None:
            if status not in STATUSES:
                raise DataError(f"状态“{status}”无效，应为 open 或 closed")
            where.append("p.status = ?")
            params.append(status)
        if overdue_as_of is not None:
            where.append("p.status = 'open' AND p.due_on IS NOT NULL AND p.due_on < ?")
            params.append(overdue_as_of.isoformat())
        if lead:
            where.append("p.lead_unit_id = ?")
            params.append(self.units.resolve(lead, role="牵头单位").id)
        if township:
            where.append("pr.township_id = ?")
            params.append(self.units.resolve(township, "township", role="乡镇").id)
        if project:
            where.append("p.project_id = ?")
            params.append(self.projects.get(project).id)
        if level:
            where.append("p.level = ?")
            params.append(choose(level, self.settings.problem_levels, "问题层级"))
        if category:
            where.append("p.category = ?")
            params.append(choose(category, self.settings.problem_categories, "问题类别"))
        sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY p.id"
        return self._from_rows(self.db.execute(sql, params).fetchall())

    def open_as_of(self, as_of: dt.date) -> list[Problem]:
        """Problems reported by ``as_of`` and not closed by then (current status aside).

        Inside :func:`read_once` (a report gathering in one snapshot) each date is read once."""
        memo, key = _READ_ONCE.get(), (id(self.db.conn), as_of)
        if memo is not None and key in memo:
            return list(memo[key])
        rows = self.db.execute(
            _SELECT + " WHERE p.reported_on <= ? AND (p.closed_on IS NULL OR p.closed_on > ?)"
            " ORDER BY p.id", [as_of.isoformat(), as_of.isoformat()]).fetchall()
        found = self._from_rows(rows)
        if memo is not None:
            memo[key] = tuple(found)
        return found

    def overdue_workdays(self, problem: Problem, as_of: dt.date) -> int:
        """Working days after the 解决时限 up to ``as_of`` (0 when closed or not late)."""
        return tracking.overdue_workdays(problem, as_of, self.calendar)

    def _thresholds(self):
        from projledger.cards import CardThresholds

        return CardThresholds.from_settings(self.settings.cards)

    def card(self, problem: Problem, as_of: dt.date):
        """The problem's warning card from its 解决时限 on ``as_of`` (a CardItem or None)."""
        return tracking.due_card(PROBLEM, problem, as_of, self.calendar, self._thresholds())

    def reply_card(self, problem: Problem, as_of: dt.date):
        """Kind ``reply``: no 解决意见 by ``as_of`` though its deadline has passed (seed 004)."""
        return tracking.reply_card(PROBLEM, problem, as_of, self.calendar, self._thresholds())

    # -- validation -------------------------------------------------------------
    def _unit(self, value: str | Unit | int | None, role: str) -> Unit | None:
        if value is None or isinstance(value, Unit):
            return value
        if isinstance(value, int):
            unit = self.units.by_id(value)
            if unit is None:
                raise NotFoundError(f"找不到编号为 {value} 的{role}")
            return unit
        return self.units.resolve(value, role=role)

    def prepare(self, project: Project | str | int, text: str, category: str | None = None,
                level: str | None = None, lead: str | Unit | int | None = None,
                responsible: tuple | list = (), reported_on: dt.date | None = None,
                limit_workdays: int | None = None, *, source: str = "cli",
                require_lead: bool = True, meeting_id: int | None = None) -> NewProblem:
        """Validate a new problem and compute its deadlines; writes nothing.

        The lead unit defaults to the project's department; without either it is an error
        unless ``require_lead`` is False (imports record the problem without one).
        """
        if not isinstance(project, Project):
            project = self.projects.get(project)
        text = _clean_text(text)
        settings = self.settings
        lead_unit = self._unit(lead, "牵头单位")
        if lead_unit is None and project.department_id is not None:
            lead_unit = self.units.by_id(project.department_id)
        if lead_unit is None and require_lead:
            raise DataError(f"项目“{project.label}”没有责任部门，请用 --lead 指定牵头单位")
        responsible_ids: list[int] = []
        for name in responsible:
            unit = self._unit(name, "责任单位")
            if unit.id not in responsible_ids:
                responsible_ids.append(unit.id)
        reported = reported_on or self._meeting_day(meeting_id) or dt.date.today()
        limit = settings.problem_default_workdays if limit_workdays is None else limit_workdays
        due = tracking.deadlines(self.calendar, reported, settings.problem_reply_workdays, limit)
        return NewProblem(
            project=project, text=text, category=choose(category, settings.problem_categories, "问题类别"),
            level=choose(level, settings.problem_levels, "问题层级"),
            lead_unit_id=lead_unit.id if lead_unit else None,
            responsible_ids=tuple(responsible_ids), reported_on=reported,
            reply_workdays=due.reply_workdays, reply_due_on=due.reply_due_on,
            reply_due_provisional=due.reply_due_provisional, due_workdays=limit, due_on=due.due_on,
            due_provisional=due.due_provisional, source=source, warnings=due.warnings, meeting_id=meeting_id,
        )

    def _meeting_day(self, meeting_id: int | None) -> dt.date | None:
        """The date of the meeting a problem was found at (its default 提出日期); checks it exists."""
        if meeting_id is None:
            return None
        row = self.db.execute("SELECT held_on FROM meetings WHERE id = ?", [meeting_id]).fetchone() \
            if self.db["meetings"].exists() else None
        if row is None:
            raise NotFoundError(f"找不到编号为 {meeting_id} 的会议（projledger meeting list 查看）")
        return dt.date.fromisoformat(row[0])

    def _existing_key(self, project_id: int, text: str) -> int | None:
        row = self.db.execute("SELECT id FROM problems WHERE project_id = ? AND text_key = ?",
                              [project_id, squash(text)]).fetchone()
        return row[0] if row else None

    # -- writes -----------------------------------------------------------------
    def insert(self, w, new: NewProblem) -> Problem:
        """Insert a prepared problem; the same text already on the project is an error."""
        existing = self._existing_key(new.project.id, new.text)
        if existing is not None:
            raise DataError(f"项目“{new.project.label}”已有相同的问题（编号 {existing}），未重复登记")
        problem_id = w.insert("problems", new.row(), project_id=new.project.id)
        for unit_id in new.responsible_ids:
            w.insert("problem_units", {"problem_id": problem_id, "unit_id": unit_id},
                     project_id=new.project.id, key_columns=("problem_id", "unit_id"))
        return self.get(problem_id)

    def add(self, w, project, text, category=None, level=None, lead=None, responsible=(),
            reported_on=None, limit_workdays=None, *, source: str = "cli") -> Problem:
        """Validate, compute deadlines and insert (:meth:`prepare` + :meth:`insert`)."""
        new = self.prepare(project, text, category, level, lead, responsible, reported_on,
                           limit_workdays, source=source)
        return self.insert(w, new)

    def reply(self, w, problem_id: int, on: dt.date, text: str) -> tuple[Problem, bool]:
        """Record the lead unit's proposed solution (解决意见); returns (problem, was it new)."""
        first = tracking.reply(w, PROBLEM, self.get(problem_id), on, text)
        return self.get(problem_id), first

    def close(self, w, problem_id: int, on: dt.date, resolution: str | None = None) -> Problem:
        tracking.close(w, PROBLEM, self.get(problem_id), on, resolution)
        return self.get(problem_id)

    def reopen(self, w, problem_id: int, on: dt.date | None = None,
               limit_workdays: int | None = None) -> tuple[Problem, tuple[str, ...]]:
        """Reopen a closed problem (audited); with ``limit_workdays`` a new 解决时限 from ``on``."""
        warnings = tracking.reopen(w, PROBLEM, self.get(problem_id), self.calendar, on, limit_workdays)
        return self.get(problem_id), warnings

    def escalate(self, w, problem_id: int, level: str, on: dt.date, note: str | None = None) -> Problem:
        """Raise the problem's level (提级协调) and record when and why."""
        tracking.escalate(w, PROBLEM, self.get(problem_id), level, self.settings.problem_levels, on, note)
        return self.get(problem_id)


def record_imported(w, project, texts: list[str], reported_on, lead_unit_id, source,
                    *, calendar=None, settings=None) -> int:
    """Record a township sheet's problems for ``project`` inside the caller's transaction.

    Each text is stripped; empty ones and texts equal after :func:`squash` to a problem already
    recorded for the project (open or closed, or earlier in ``texts``) are skipped.  Deadlines
    use the settings' reply and default working days from ``reported_on``.  Returns how many
    were added.  ``calendar``/``settings`` may be passed to avoid reloading them per project.
    """
    store = ProblemStore(w.db, settings=settings, calendar=calendar)
    if not isinstance(project, Project):
        project = store.projects.get(project)
    if isinstance(reported_on, str):
        reported_on = dt.date.fromisoformat(reported_on)
    seen = {key for (key,) in w.db.execute(
        "SELECT text_key FROM problems WHERE project_id = ?", [project.id])}
    added = 0
    for raw in texts:
        text = (raw or "").strip()
        key = squash(text)
        if not key or key in seen:
            continue
        seen.add(key)
        new = store.prepare(project, text, lead=lead_unit_id, reported_on=reported_on,
                            source=source, require_lead=False)
        store.insert(w, new)
        added += 1
    return added


# -- calendar refresh (calendar import / calendar refresh) ---------------------------------


def refresh_deadlines(w, cal, result) -> None:
    """Recompute the provisional 解决意见 and 解决时限 deadlines of problems with ``cal``
    (:func:`projledger.calendar.refresh`); what moved is noted in ``result``."""
    rows = w.db.execute(
        "SELECT p.id, p.project_id, pr.code, pr.name, p.text, p.reported_on, p.reply_workdays,"
        " p.reply_due_on, p.reply_due_provisional, COALESCE(p.due_start, p.reported_on), p.due_workdays,"
        " p.due_on, p.due_provisional FROM problems p JOIN projects pr ON pr.id = p.project_id"
        " WHERE p.due_provisional = 1 OR p.reply_due_provisional = 1 ORDER BY p.id").fetchall()
    tracking.refresh_provisional(w, cal, result, rows, kind="problem", table="problems")


# -- one read per report ----------------------------------------------------------------

_READ_ONCE: "contextvars.ContextVar[dict | None]" = contextvars.ContextVar("problems_read_once", default=None)


@contextlib.contextmanager
def read_once():
    """While open, :meth:`ProblemStore.open_as_of` reads each (ledger, date) once: the monthly
    report's cards, reply cards and 问题清单 all ask for the same open problems, inside one
    read snapshot (:func:`projledger.report_data.gather_monthly`)."""
    token = _READ_ONCE.set({})
    try:
        yield
    finally:
        _READ_ONCE.reset(token)
