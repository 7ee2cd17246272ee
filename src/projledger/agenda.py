"""What a meeting must take up (会议议程), gathered once as plain records (SPEC §11).

For a meeting of kind K on date D:

* **到会说明情况** (季度分析会 only, seed 000 §22 “对连续三次排名后三位的单位，由其主要领导在每季度
  调度会上到会说明情况”): the units whose ``bottom3_streak`` is 3 or more in the latest ranking
  *saved* for a period up to D's month (``report monthly`` saves them) — township and
  department rankings alike.
* **红牌项目**: projects whose overall card on D is red (:func:`projledger.warnings_engine.
  collect_cards`), with the reasons of their red items.
* **逾期**: problems and decided items open on D whose 时限 is before D, grouped by lead unit
  (units by name; items without a lead unit last), most overdue first within a unit.
* **会前到期**: decided items open on D and due from D up to the day before the next meeting of
  the same kind — the next one recorded after D, else D plus the kind's rhythm
  (:data:`CADENCE`: 周例会 a week, 月调度会 a month, 季度分析会 three months, 现场督导 half a
  year as in seed 002 §15, the others a month).

The records are what both ``--json`` and the Word agenda (:mod:`projledger.reports.meeting_docs`)
show, so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from projledger.meetings import MeetingStore, check_kind, followed_as_of

__all__ = ["CADENCE", "ExplainUnit", "RedProject", "AgendaEntry", "UnitGroup", "Agenda", "build_agenda",
           "streak_units"]

#: Months until the next meeting of a kind when none is recorded (周例会: 7 days, see below).
CADENCE = {"周例会": 0, "月调度会": 1, "季度分析会": 3, "专题会商": 1, "联席会议": 1, "现场督导": 6}

KIND_NOUNS = {"problem": "问题", "meeting_item": "议定事项"}


@dataclass(frozen=True)
class ExplainUnit:
    unit: str
    unit_kind: str  # township | department
    streak: int
    rank: int

    def to_json(self) -> dict:
        return {"unit": self.unit, "kind": self.unit_kind, "bottom3_streak": self.streak, "rank": self.rank}


@dataclass(frozen=True)
class RedProject:
    code: str | None
    name: str
    reasons: tuple[str, ...]

    def to_json(self) -> dict:
        return {"code": self.code, "name": self.name, "reasons": list(self.reasons)}


@dataclass(frozen=True)
class AgendaEntry:
    kind: str  # problem | meeting_item
    id: int
    text: str
    unit: str | None
    project_name: str | None
    due_on: dt.date
    overdue_workdays: int
    card: str | None  # red | yellow | blue

    @property
    def kind_label(self) -> str:
        return KIND_NOUNS[self.kind]

    def to_json(self) -> dict:
        return {"kind": self.kind, "id": self.id, "text": self.text, "lead_unit": self.unit,
                "project_name": self.project_name, "due_on": self.due_on.isoformat(),
                "overdue_workdays": self.overdue_workdays, "card": self.card}


@dataclass(frozen=True)
class UnitGroup:
    unit: str
    entries: tuple[AgendaEntry, ...]

    def to_json(self) -> dict:
        return {"lead_unit": self.unit, "items": [e.to_json() for e in self.entries]}


@dataclass(frozen=True)
class Agenda:
    kind: str
    on: dt.date
    next_on: dt.date
    ranking_period: str | None
    explain: tuple[ExplainUnit, ...]
    red_projects: tuple[RedProject, ...]
    overdue: tuple[UnitGroup, ...]
    due_soon: tuple[AgendaEntry, ...]

    def to_json(self) -> dict:
        return {"kind": self.kind, "on": self.on.isoformat(), "next_on": self.next_on.isoformat(),
                "ranking_period": self.ranking_period, "explain": [u.to_json() for u in self.explain],
                "red_projects": [p.to_json() for p in self.red_projects],
                "overdue": [g.to_json() for g in self.overdue], "due_soon": [e.to_json() for e in self.due_soon]}


def streak_units(db, as_of: dt.date, min_streak: int = 3) -> tuple[str | None, list[ExplainUnit]]:
    """The latest saved ranking period up to ``as_of``'s month and its units on a streak."""
    if not db["ranking_snapshots"].exists():
        return None, []
    month = f"{as_of.year:04d}-{as_of.month:02d}"
    row = db.execute("SELECT MAX(period) FROM ranking_snapshots WHERE period <= ?", [month]).fetchone()
    if not row or row[0] is None:
        return None, []
    rows = db.execute(
        "SELECT COALESCE(u.name, s.unit), s.kind, s.bottom3_streak, s.rank FROM ranking_snapshots s"
        " LEFT JOIN units u ON u.id = s.unit_id WHERE s.period = ? AND s.bottom3_streak >= ?"
        " ORDER BY s.kind DESC, s.rank DESC", [row[0], min_streak]).fetchall()
    return row[0], [ExplainUnit(name, kind, streak, rank) for name, kind, streak, rank in rows]


def next_meeting_day(store: MeetingStore, kind: str, on: dt.date) -> dt.date:
    later = store.next_of_kind(kind, on)
    if later is not None:
        return later.held_on
    if kind == "周例会":
        return on + dt.timedelta(days=7)
    from dateutil.relativedelta import relativedelta

    return on + relativedelta(months=CADENCE[kind])


def _red_projects(ledger, on: dt.date) -> list[RedProject]:
    from projledger.cards import Card
    from projledger.warnings_engine import collect_cards

    result = collect_cards(ledger, on)
    red = [pid for pid, card in result.project_cards.items() if card is Card.RED]
    store = MeetingStore(ledger.db)
    projects = []
    for pid in sorted(red):
        project = store.projects.by_id(pid)
        reasons = tuple(i.reason for i in result.items if i.project_id == pid and i.card is Card.RED)
        projects.append(RedProject(project.code, project.name, reasons))
    return projects


def _entry(f) -> AgendaEntry:
    item = f.item
    return AgendaEntry(f.kind, item.id, item.text, item.lead_unit, item.project_name, item.due_on,
                       f.overdue_workdays, f.card.card.key if f.card else None)


def build_agenda(ledger, kind: str, on: dt.date) -> Agenda:
    """The agenda of a meeting of ``kind`` on ``on`` (see the module docstring)."""
    kind = check_kind(kind)
    db = ledger.db
    store = MeetingStore(db, settings=ledger.settings())
    period, explain = streak_units(db, on) if kind == "季度分析会" else (None, [])
    next_on = next_meeting_day(store, kind, on)
    followed = followed_as_of(db, on, settings=store.settings, calendar=store.calendar)
    overdue: dict[str | None, list[AgendaEntry]] = {}
    due_soon = []
    for f in followed:
        if f.item.due_on is None:
            continue
        if f.item.due_on < on:
            overdue.setdefault(f.lead_unit, []).append(_entry(f))
        elif f.kind == "meeting_item" and f.item.due_on < next_on:
            due_soon.append(_entry(f))
    groups = tuple(
        UnitGroup(unit or "未定牵头单位", tuple(sorted(entries, key=lambda e: (-e.overdue_workdays, e.due_on,
                                                                         e.kind, e.id))))
        for unit, entries in sorted(overdue.items(), key=lambda kv: (kv[0] is None, kv[0] or "")))
    return Agenda(kind, on, next_on, period, tuple(explain), tuple(_red_projects(ledger, on)), groups,
                  tuple(sorted(due_soon, key=lambda e: (e.due_on, e.id))))
