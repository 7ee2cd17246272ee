"""包联领导调度单 (``report leaders``): what each leader reads before the 调度会 (SPEC §12).

:func:`gather_leaders` reads once, for period P and an as-of date D: every known person who
leads (包联) at least one project, and for each of their projects the year's plan
(annual plan of P's year, when there is one), the year-to-date completed up to P (latest
record of P's year with period ≤ P), its share of the plan, the project's card as of D with
its reasons, and its open problems and decided meeting items (议定事项; both open on D).  :mod:`projledger.reports.leaders` lays the records out;
nothing there queries.

A project is a leader's when its ``leader_person_id`` is that person — the text of a
leader who is not in the people list matches nobody (``leader add`` links it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from projledger.period import Period

__all__ = ["LeaderProject", "LeaderSheet", "gather_leaders"]


@dataclass
class LeaderProject:
    code: str | None
    name: str
    township: str | None
    department: str | None
    level: str | None
    stage: str
    annual_plan: Decimal | None
    ytd_completed: Decimal | None
    card: object | None  # Card
    reasons: list[str] = field(default_factory=list)
    open_problems: list[str] = field(default_factory=list)
    liaison: str | None = None
    open_items: list[str] = field(default_factory=list)  # 议定事项 open on D

    @property
    def share(self) -> Decimal | None:
        """年度计划完成率 (ytd / plan); None without a positive plan."""
        if not self.annual_plan or self.annual_plan <= 0:
            return None
        return (self.ytd_completed or Decimal(0)) / self.annual_plan


@dataclass
class LeaderSheet:
    name: str
    title: str | None
    phone: str | None
    projects: list[LeaderProject]

    @property
    def totals(self) -> tuple[Decimal, Decimal]:
        plan = sum((p.annual_plan or Decimal(0) for p in self.projects), Decimal(0))
        done = sum((p.ytd_completed or Decimal(0) for p in self.projects), Decimal(0))
        return plan, done


def gather_leaders(ledger, period: Period, *, as_of: dt.date, only: str | None = None) -> list[LeaderSheet]:
    """One :class:`LeaderSheet` per person leading a project (``only``: that person's name)."""
    from projledger.leaders import People
    from projledger.plans import plans_for_year
    from projledger.problems import ProblemStore
    from projledger.progress import ytd_by_project
    from projledger.projects import Projects
    from projledger.warnings_engine import collect_cards

    db = ledger.db
    period = Period.parse(period)
    people = People(db)
    persons = [people.get(only)] if only else people.list()
    projects = Projects(db)
    plans = plans_for_year(db, period.year)
    ytd = ytd_by_project(db, period.year, str(period))
    cards = collect_cards(ledger, as_of)
    problems: dict[int, list[str]] = {}
    for problem in ProblemStore(db).open_as_of(as_of):
        problems.setdefault(problem.project_id, []).append(problem.text)
    items = _open_items(db, as_of)
    sheets = []
    for person in persons:
        lines = []
        for project_id in people.projects_of(person.id):
            p = projects.by_id(project_id)
            plan = plans.get(p.id)
            lines.append(LeaderProject(
                p.code, p.name, p.township, p.department, p.level, p.stage,
                plan.investment if plan else None, ytd.get(p.id) if plan else None,
                cards.project_cards.get(p.id),
                [c.reason for c in cards.items if c.project_id == p.id],
                problems.get(p.id, []), p.liaison, items.get(p.id, [])))
        if lines:
            sheets.append(LeaderSheet(person.name, person.title, person.phone, lines))
    return sheets


def _open_items(db, as_of: dt.date) -> dict[int, list[str]]:
    """Open 议定事项 by project (MEETINGS' store; none while meetings are not in this ledger)."""
    if not db["meeting_items"].exists():
        return {}
    from projledger.meetings import MeetingStore

    found: dict[int, list[str]] = {}
    for item in MeetingStore(db).open_items_as_of(as_of):
        if item.project_id is not None:
            found.setdefault(item.project_id, []).append(item.text)
    return found
