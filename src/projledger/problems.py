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
:class:`~projledger.store.AuditedWriter`, so ``projledger history PROJECT`` shows it.

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

import datetime as dt
from dataclasses import dataclass, field, replace

from projledger.errors import DataError, NotFoundError
from projledger.projects import Project, Projects
from projledger.text import squash
from projledger.units import Unit, Units

__all__ = [
    "Problem",
    "Escalation",
    "NewProblem",
    "ProblemStore",
    "record_imported",
    "choose",
    "STATUSES",
]

STATUSES = ("open", "closed")

_SELECT = (
    "SELECT p.id, p.project_id, p.text, p.category, p.level, p.lead_unit_id, p.reported_on,"
    " p.reply_workdays, p.reply_due_on, p.reply_due_provisional, p.replied_on, p.reply_text,"
    " p.due_workdays, p.due_on, p.due_provisional, p.status, p.closed_on, p.resolution, p.source,"
    " pr.code, pr.name, pr.township_id"
    " FROM problems p JOIN projects pr ON pr.id = p.project_id"
)


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def choose(value: str | None, choices: list[str] | tuple[str, ...], what: str) -> str | None:
    """A value from a settings list: exact (after squash) or the one choice it is a prefix of.

    ``市级`` picks ``市级及以上``; an unknown or ambiguous value is a data error listing the choices.
    """
    if value is None or not value.strip():
        return None
    key = squash(value)
    for choice in choices:
        if squash(choice) == key:
            return choice
    starts = [c for c in choices if squash(c).startswith(key)]
    if len(starts) == 1:
        return starts[0]
    raise DataError(f"{what}“{value.strip()}”无效，应为：{'、'.join(choices)}")


@dataclass(frozen=True)
class Escalation:
    level: str
    escalated_on: dt.date
    note: str | None

    def to_json(self) -> dict:
        return {"level": self.level, "escalated_on": self.escalated_on.isoformat(), "note": self.note}


@dataclass(frozen=True)
class Problem:
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

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def open_on(self, as_of: dt.date) -> bool:
        """Reported by ``as_of`` and not closed by then."""
        return self.reported_on <= as_of and (self.closed_on is None or self.closed_on > as_of)

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

    def row(self) -> dict:
        return {
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
    cleaned = (text or "").strip()
    if not squash(cleaned):
        raise DataError(f"{what}不能为空")
    return cleaned


class ProblemStore:
    """Problem reads, and writes inside the caller's transaction (``w`` = AuditedWriter)."""

    def __init__(self, db, *, settings=None, calendar=None, units: Units | None = None):
        self.db = db
        self.units = units or Units(db)
        self.projects = Projects(db, self.units)
        self._settings = settings
        self._calendar = calendar

    @property
    def settings(self):
        if self._settings is None:
            from projledger.settings import load_settings

            self._settings = load_settings(self.db)
        return self._settings

    @property
    def calendar(self):
        if self._calendar is None:
            from projledger.calendar import load_calendar

            self._calendar = load_calendar(self.db)
        return self._calendar

    # -- reads ------------------------------------------------------------------
    def _from_rows(self, rows) -> list[Problem]:
        problems = []
        for row in rows:
            (pid, project_id, text, category, level, lead_id, reported, reply_wd, reply_due, reply_prov,
             replied, reply_text, due_wd, due, due_prov, status, closed, resolution, source,
             code, name, township_id) = row
            township, lead = self.units.by_id(township_id), self.units.by_id(lead_id)
            problems.append(Problem(
                id=pid, project_id=project_id, project_code=code, project_name=name,
                township=township.name if township else None, text=text, category=category,
                level=level, lead_unit_id=lead_id, lead_unit=lead.name if lead else None,
                reported_on=_date(reported), reply_workdays=reply_wd, reply_due_on=_date(reply_due),
                reply_due_provisional=bool(reply_prov), replied_on=_date(replied), reply_text=reply_text,
                due_workdays=due_wd, due_on=_date(due), due_provisional=bool(due_prov), status=status,
                closed_on=_date(closed), resolution=resolution, source=source,
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
        """Problems reported by ``as_of`` and not closed by then (current status aside)."""
        rows = self.db.execute(
            _SELECT + " WHERE p.reported_on <= ? AND (p.closed_on IS NULL OR p.closed_on > ?)"
            " ORDER BY p.id", [as_of.isoformat(), as_of.isoformat()]).fetchall()
        return self._from_rows(rows)

    def overdue_workdays(self, problem: Problem, as_of: dt.date) -> int:
        """Working days after the 解决时限 up to ``as_of`` (0 when closed or not late)."""
        if problem.due_on is None or not problem.open_on(as_of):
            return 0
        return self.calendar.overdue_workdays(problem.due_on, as_of)

    def card(self, problem: Problem, as_of: dt.date):
        """The problem's warning card on ``as_of`` (a :class:`~projledger.cards.CardItem` or None)."""
        from projledger.cards import CardThresholds, deadline_card

        if problem.due_on is None or not problem.open_on(as_of):
            return None
        thresholds = CardThresholds.from_settings(self.settings.cards)
        return deadline_card("problem", problem.text, problem.due_on, as_of, self.calendar,
                             thresholds, project_id=problem.project_id)

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

    def _deadline(self, start: dt.date, workdays: int, what: str):
        if isinstance(workdays, bool) or not isinstance(workdays, int) or workdays < 0:
            raise DataError(f"{what}应为非负整数个工作日，而不是“{workdays}”")
        return self.calendar.add_workdays(start, workdays)

    def prepare(self, project: Project | str | int, text: str, category: str | None = None,
                level: str | None = None, lead: str | Unit | int | None = None,
                responsible: tuple | list = (), reported_on: dt.date | None = None,
                limit_workdays: int | None = None, *, source: str = "cli",
                require_lead: bool = True) -> NewProblem:
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
        reported = reported_on or dt.date.today()
        reply = self._deadline(reported, settings.problem_reply_workdays, "提出解决意见时限")
        limit = settings.problem_default_workdays if limit_workdays is None else limit_workdays
        due = self._deadline(reported, limit, "解决时限")
        warnings = tuple(dict.fromkeys((*reply.warnings, *due.warnings)))
        return NewProblem(
            project=project, text=text, category=choose(category, settings.problem_categories, "问题类别"),
            level=choose(level, settings.problem_levels, "问题层级"),
            lead_unit_id=lead_unit.id if lead_unit else None,
            responsible_ids=tuple(responsible_ids), reported_on=reported,
            reply_workdays=settings.problem_reply_workdays, reply_due_on=reply.due,
            reply_due_provisional=not reply.calendar_complete, due_workdays=limit, due_on=due.due,
            due_provisional=not due.calendar_complete, source=source, warnings=warnings,
        )

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

    def _check_after_reported(self, problem: Problem, on: dt.date, what: str) -> None:
        if on < problem.reported_on:
            raise DataError(f"{what}{on.isoformat()}早于问题提出日期{problem.reported_on.isoformat()}")

    def reply(self, w, problem_id: int, on: dt.date, text: str) -> tuple[Problem, bool]:
        """Record the lead unit's proposed solution (解决意见); returns (problem, was it new)."""
        problem = self.get(problem_id)
        if not problem.is_open:
            raise DataError(f"问题 {problem.id} 已于{_iso(problem.closed_on)}办结，不能再登记解决意见")
        self._check_after_reported(problem, on, "解决意见日期")
        first = problem.replied_on is None
        w.update("problems", {"id": problem.id},
                 {"replied_on": on.isoformat(), "reply_text": _clean_text(text, "解决意见")},
                 project_id=problem.project_id)
        return self.get(problem.id), first

    def close(self, w, problem_id: int, on: dt.date, resolution: str | None = None) -> Problem:
        problem = self.get(problem_id)
        if not problem.is_open:
            raise DataError(f"问题 {problem.id} 已于{_iso(problem.closed_on)}办结，不能重复办结"
                            "（如需重新打开请用 projledger problem reopen）")
        self._check_after_reported(problem, on, "办结日期")
        w.update("problems", {"id": problem.id},
                 {"status": "closed", "closed_on": on.isoformat(),
                  "resolution": (resolution or "").strip() or None},
                 project_id=problem.project_id)
        return self.get(problem.id)

    def reopen(self, w, problem_id: int, on: dt.date | None = None,
               limit_workdays: int | None = None) -> tuple[Problem, tuple[str, ...]]:
        """Reopen a closed problem (audited); with ``limit_workdays`` a new 解决时限 from ``on``."""
        problem = self.get(problem_id)
        if problem.is_open:
            raise DataError(f"问题 {problem.id} 尚未办结，无需重新打开")
        changes: dict = {"status": "open", "closed_on": None, "resolution": None}
        warnings: tuple[str, ...] = ()
        if limit_workdays is not None:
            start = on or dt.date.today()
            self._check_after_reported(problem, start, "重新打开日期")
            due = self._deadline(start, limit_workdays, "解决时限")
            changes.update(due_start=start.isoformat(), due_workdays=limit_workdays,
                           due_on=due.due.isoformat(),
                           due_provisional=int(not due.calendar_complete))
            warnings = due.warnings
        w.update("problems", {"id": problem.id}, changes, project_id=problem.project_id)
        return self.get(problem.id), warnings

    def escalate(self, w, problem_id: int, level: str, on: dt.date, note: str | None = None) -> Problem:
        """Raise the problem's level (提级协调) and record when and why."""
        problem = self.get(problem_id)
        levels = list(self.settings.problem_levels)
        target = choose(level, levels, "问题层级")
        if not problem.is_open:
            raise DataError(f"问题 {problem.id} 已办结，不能提级")
        if problem.level == target:
            raise DataError(f"问题 {problem.id} 已是“{target}”层级")
        if problem.level in levels and levels.index(target) < levels.index(problem.level):
            raise DataError(f"问题 {problem.id} 当前为“{problem.level}”，只能向上提级（{'→'.join(levels)}）")
        self._check_after_reported(problem, on, "提级日期")
        w.insert("problem_escalations", {"problem_id": problem.id, "level": target,
                                         "escalated_on": on.isoformat(),
                                         "note": (note or "").strip() or None},
                 project_id=problem.project_id)
        w.update("problems", {"id": problem.id}, {"level": target}, project_id=problem.project_id)
        return self.get(problem.id)


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
