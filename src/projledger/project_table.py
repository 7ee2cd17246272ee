"""一项目一表 (seed 000 §46; SPEC §12): everything the ledger knows about one project.

:func:`gather_project_table` reads once — identity, level and tags, 包联领导 and 服务专员
(with 职务 and phone when they are known people), annual plans, progress by month,
procedures, problems, decided meeting items, milestones and the project's cards with their reasons (from the
warnings engine, so the table and ``warn`` agree) — into a :class:`ProjectTable` of plain
records.  ``project show`` prints it, ``project show --json`` dumps :meth:`ProjectTable.to_json`
and :mod:`projledger.reports.project_sheet` lays it out on one A4 page; none of them query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

__all__ = ["ProjectTable", "gather_project_table"]


@dataclass
class ProjectTable:
    as_of: dt.date
    project: object  # projledger.projects.Project
    leader: object | None  # projledger.leaders.Person
    liaison: object | None
    plans: list = field(default_factory=list)
    progress: list = field(default_factory=list)
    procedures: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    milestones: list = field(default_factory=list)
    items: list = field(default_factory=list)  # 议定事项 (projledger.meetings.MeetingItem)
    cards: list = field(default_factory=list)  # CardItem, worst first
    card: object | None = None  # the project's overall Card
    calendar: object | None = None

    def milestone_card(self, milestone):
        subject = f"{milestone.project_name}：{milestone.name}"
        return next((c for c in self.cards if c.kind == "milestone" and c.subject == subject), None)

    def to_json(self) -> dict:
        p = self.project

        def person(who):
            return {"name": who.name, "title": who.title, "phone": who.phone} if who else None

        return {
            **p.to_json(), "id": p.id, "as_of": self.as_of.isoformat(),
            "leader_person": person(self.leader), "liaison_person": person(self.liaison),
            "plans": [x.to_json() for x in self.plans],
            "progress": [x.to_json() for x in self.progress],
            "procedures": [x.to_json(self.as_of, self.calendar) for x in self.procedures],
            "problems": [x.to_json() for x in self.problems],
            "milestones": [m.to_json(self.milestone_card(m)) for m in self.milestones],
            "items": [i.to_json() for i in self.items],
            "card": self.card.key if self.card else None,
            "cards": [c.to_json() for c in self.cards],
        }


def _person(db, person_id: int | None):
    if person_id is None:
        return None
    row = db.execute("SELECT id, name, title, phone FROM people WHERE id = ?", [person_id]).fetchone()
    if row is None:
        return None
    from projledger.leaders import Person

    return Person(*row)


def _items(db, project_id: int) -> list:
    """The project's decided meeting items (议定事项), when the ledger has meetings."""
    if not db["meeting_items"].exists():
        return []
    from projledger.meetings import MeetingStore

    return [i for i in MeetingStore(db).items() if i.project_id == project_id]


def gather_project_table(ledger, ref: str, as_of: dt.date) -> ProjectTable:
    """The whole table of project ``ref`` (code, id or name) as of ``as_of``."""
    from projledger.calendar import load_calendar
    from projledger.milestones import Milestones
    from projledger.plans import Plans
    from projledger.problems import ProblemStore
    from projledger.procedures import ProcedureStore
    from projledger.progress import ProgressLog
    from projledger.projects import Projects
    from projledger.warnings_engine import collect_cards

    db = ledger.db
    project = Projects(db).get(ref)
    calendar = load_calendar(db)
    cards = collect_cards(ledger, as_of, calendar)
    procedures = (ProcedureStore(db, calendar=calendar).list(project=str(project.id), as_of=as_of)
                  if db["procedures"].exists() else [])
    return ProjectTable(
        as_of=as_of, project=project,
        leader=_person(db, project.leader_person_id), liaison=_person(db, project.liaison_person_id),
        plans=Plans(db).for_project(project.id),
        progress=ProgressLog(db).for_project(project.id),
        procedures=procedures,
        problems=ProblemStore(db, calendar=calendar).list(project=str(project.id)),
        milestones=Milestones(db).list(project_id=project.id),
        items=_items(db, project.id),
        cards=[c for c in cards.items if c.project_id == project.id],
        card=cards.project_cards.get(project.id),
        calendar=calendar,
    )
