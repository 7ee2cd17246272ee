"""Meetings and the items they decide (会议、议定事项), SPEC §11.

The task force's week runs on meetings — the 周例会, the 月调度会, the 季度分析会 where units
three times in the bottom three explain themselves (seed 000 §22), 专题会商 ending in a 纪要
with its 责任清单 and 完成时限 (seed 004 三.4), 联席会议 and 现场督导 (seed 002 §6, §15).  A
meeting has a kind from :data:`MEETING_KINDS`, a date, an optional title and chair, and the
units that attended.

What a meeting decides is a **decided item** (议定事项): a text, a lead unit (牵头单位), an
optional project, and a 完成时限 — ``--workdays N`` working days after the meeting (default
``meeting_item_default_workdays``, 10) or a date (``--due``, not before the meeting; a
non-working day moves to the next working day).  From then on it lives the life of a
problem, through the same code (:mod:`projledger.tracking`): its 解决意见 is due 3 working
days (``problem_reply_workdays``) after the meeting, it is replied to, closed, reopened and
escalated the same way, and gets the same cards (kind ``meeting_item`` from its 完成时限,
``reply`` while no 解决意见 was given past its deadline).  Items do not enter the ranking's
resolve rate (that stays the problems' of SPEC §5).

:func:`followed_as_of` lists every open problem and item of a date with its card — what the
agenda, the letters and the reports follow; :func:`collect_meeting_items` and
:func:`collect_problem_replies` are the warning collectors (``warn``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from projledger import tracking
from projledger.errors import DataError, NotFoundError
from projledger.projects import Project
from projledger.tracking import TrackedItem, TrackedKind
from projledger.units import Unit
from projledger.dates import stored_date as _date, iso as _iso

__all__ = [
    "MEETING_KINDS",
    "ITEM",
    "Meeting",
    "MeetingItem",
    "NewMeeting",
    "NewItem",
    "Followed",
    "MeetingStore",
    "check_kind",
    "followed_as_of",
    "collect_meeting_items",
    "collect_problem_replies",
    "provisional_items",
]

MEETING_KINDS = ("周例会", "月调度会", "季度分析会", "专题会商", "联席会议", "现场督导")

#: Where decided items live, for the shared lifecycle.
ITEM = TrackedKind(kind="meeting_item", noun="议定事项", table="meeting_items", start_label="交办日期",
                   escalation_table="meeting_item_escalations", escalation_key="item_id",
                   command="meeting item")

_ITEM_SELECT = (
    "SELECT i.id, i.meeting_id, m.kind, m.held_on, i.text, i.lead_unit_id, i.project_id, i.level,"
    " i.assigned_on, i.reply_workdays, i.reply_due_on, i.reply_due_provisional, i.replied_on,"
    " i.reply_text, i.due_workdays, i.due_on, i.due_provisional, i.status, i.closed_on, i.resolution"
    " FROM meeting_items i JOIN meetings m ON m.id = i.meeting_id"
)


def check_kind(kind: str | None) -> str:
    """A meeting kind from the fixed list (exact after trimming), else a Chinese data error."""
    text = (kind or "").strip()
    if text not in MEETING_KINDS:
        raise DataError(f"会议类型“{text}”无效，应为：{'、'.join(MEETING_KINDS)}")
    return text


@dataclass(frozen=True)
class Meeting:
    id: int
    kind: str
    held_on: dt.date
    title: str | None
    chair: str | None
    attendees: tuple[str, ...]
    items: int
    items_open: int

    @property
    def label(self) -> str:
        """``2026-11-10 月调度会`` (with the title when there is one)."""
        return f"{self.held_on.isoformat()} {self.title or self.kind}"

    def to_json(self) -> dict:
        return {"id": self.id, "kind": self.kind, "on": self.held_on.isoformat(), "title": self.title,
                "chair": self.chair, "attendees": list(self.attendees), "items": self.items,
                "items_open": self.items_open}


@dataclass(frozen=True)
class MeetingItem(TrackedItem):
    """One decided item (议定事项) with its meeting, unit and project resolved."""

    id: int
    meeting_id: int
    meeting_kind: str
    meeting_on: dt.date
    text: str
    lead_unit_id: int
    lead_unit: str | None
    project_id: int | None
    project_code: str | None
    project_name: str | None
    level: str | None
    assigned_on: dt.date
    reply_workdays: int | None
    reply_due_on: dt.date | None
    reply_due_provisional: bool
    replied_on: dt.date | None
    reply_text: str | None
    due_workdays: int | None
    due_on: dt.date
    due_provisional: bool
    status: str
    closed_on: dt.date | None
    resolution: str | None
    escalations: tuple = ()

    @property
    def started_on(self) -> dt.date:
        return self.assigned_on

    def to_json(self, card: str | None = None) -> dict:
        """SPEC §11 keys first (``card``: red/yellow/blue/None as of the command's date)."""
        return {
            "id": self.id, "text": self.text, "lead_unit": self.lead_unit, "project_code": self.project_code,
            "due_on": _iso(self.due_on), "reply_due_on": _iso(self.reply_due_on),
            "replied_on": _iso(self.replied_on), "status": self.status, "closed_on": _iso(self.closed_on),
            "card": card, "meeting_id": self.meeting_id, "project_name": self.project_name,
            "assigned_on": _iso(self.assigned_on), "level": self.level, "reply": self.reply_text,
            "resolution": self.resolution, "due_provisional": self.due_provisional,
            "escalations": [e.to_json() for e in self.escalations],
        }


@dataclass(frozen=True)
class NewMeeting:
    kind: str
    held_on: dt.date
    title: str | None
    chair: str | None
    attendees: tuple[Unit, ...]


@dataclass(frozen=True)
class NewItem:
    meeting: Meeting
    text: str
    lead: Unit
    project: Project | None
    deadlines: tracking.Deadlines

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.deadlines.warnings


@dataclass(frozen=True)
class Followed:
    """An open problem or item as of a date, with its worst card (due or reply)."""

    kind: str  # "problem" | "meeting_item"
    item: object  # Problem | MeetingItem
    card: object  # CardItem | None
    overdue_workdays: int

    @property
    def lead_unit(self) -> str | None:
        return self.item.lead_unit

    @property
    def overdue(self) -> bool:
        return self.overdue_workdays > 0


def _clean(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


class MeetingStore(tracking.TrackedStore):
    """Meeting and item reads, and writes inside the caller's transaction (``w``)."""

    def thresholds(self):
        from projledger.cards import CardThresholds

        return CardThresholds.from_settings(self.settings.cards)

    # -- meetings ----------------------------------------------------------------
    def _meetings(self, where: str = "", params: Iterable = ()) -> list[Meeting]:
        rows = self.db.execute(
            "SELECT m.id, m.kind, m.held_on, m.title, m.chair,"
            " (SELECT COUNT(*) FROM meeting_items i WHERE i.meeting_id = m.id),"
            " (SELECT COUNT(*) FROM meeting_items i WHERE i.meeting_id = m.id AND i.status = 'open')"
            f" FROM meetings m {where} ORDER BY m.held_on, m.id", list(params)).fetchall()
        attendees: dict[int, list[str]] = {}
        for meeting_id, unit_id in self.db.execute(
                "SELECT meeting_id, unit_id FROM meeting_attendees ORDER BY rowid"):
            unit = self.units.by_id(unit_id)
            attendees.setdefault(meeting_id, []).append(unit.name if unit else str(unit_id))
        return [Meeting(mid, kind, _date(on), title, chair, tuple(attendees.get(mid, ())), n, n_open)
                for mid, kind, on, title, chair, n, n_open in rows]

    def get(self, meeting_id: int | str) -> Meeting:
        text = str(meeting_id).strip()
        if not text.isdigit():
            raise DataError(f"会议编号“{text}”应为数字（projledger meeting list 查看编号）")
        found = self._meetings("WHERE m.id = ?", [int(text)])
        if not found:
            raise NotFoundError(f"找不到编号为 {text} 的会议（projledger meeting list 查看）")
        return found[0]

    def list(self, *, kind: str | None = None, since: dt.date | None = None,
             until: dt.date | None = None) -> list[Meeting]:
        """Meetings by date, filtered by kind and an inclusive date range."""
        where, params = [], []
        if kind is not None:
            where.append("m.kind = ?")
            params.append(check_kind(kind))
        if since is not None:
            where.append("m.held_on >= ?")
            params.append(since.isoformat())
        if until is not None:
            where.append("m.held_on <= ?")
            params.append(until.isoformat())
        return self._meetings(("WHERE " + " AND ".join(where)) if where else "", params)

    def next_of_kind(self, kind: str, after: dt.date) -> Meeting | None:
        later = [m for m in self.list(kind=kind, since=after + dt.timedelta(days=1))]
        return later[0] if later else None

    def prepare_meeting(self, kind: str, on: dt.date, title: str | None = None, chair: str | None = None,
                        attendees: Iterable[str] = ()) -> NewMeeting:
        units: list[Unit] = []
        for name in attendees:
            unit = self.units.resolve(name, role="参会单位")
            if unit not in units:
                units.append(unit)
        return NewMeeting(check_kind(kind), on, _clean(title), _clean(chair), tuple(units))

    def add_meeting(self, w, new: NewMeeting) -> Meeting:
        meeting_id = w.insert("meetings", {
            "kind": new.kind, "held_on": new.held_on.isoformat(), "title": new.title, "chair": new.chair,
            "created_at": dt.datetime.now().astimezone().isoformat(timespec="seconds")})
        for unit in new.attendees:
            w.insert("meeting_attendees", {"meeting_id": meeting_id, "unit_id": unit.id},
                     key_columns=("meeting_id", "unit_id"))
        return self.get(meeting_id)

    # -- items -------------------------------------------------------------------
    def _items(self, where: str = "", params: Iterable = ()) -> list[MeetingItem]:
        rows = self.db.execute(f"{_ITEM_SELECT} {where} ORDER BY i.id", list(params)).fetchall()
        escalations: dict[int, list] = {}
        if rows:
            from projledger.problems import Escalation

            for item_id, level, on, note in self.db.execute(
                    "SELECT item_id, level, escalated_on, note FROM meeting_item_escalations ORDER BY id"):
                escalations.setdefault(item_id, []).append(Escalation(level, _date(on), note))
        items = []
        for (iid, mid, mkind, mon, text, lead_id, project_id, level, assigned, reply_wd, reply_due,
             reply_prov, replied, reply_text, due_wd, due, due_prov, status, closed, resolution) in rows:
            lead = self.units.by_id(lead_id)
            project = self.projects.by_id(project_id) if project_id is not None else None
            items.append(MeetingItem(
                iid, mid, mkind, _date(mon), text, lead_id, lead.name if lead else None, project_id,
                project.code if project else None, project.name if project else None, level,
                _date(assigned), reply_wd, _date(reply_due), bool(reply_prov), _date(replied), reply_text,
                due_wd, _date(due), bool(due_prov), status, _date(closed), resolution,
                tuple(escalations.get(iid, ()))))
        return items

    def item(self, item_id: int | str) -> MeetingItem:
        text = str(item_id).strip()
        if not text.isdigit():
            raise DataError(f"议定事项编号“{text}”应为数字（projledger meeting show 会议编号 查看）")
        found = self._items("WHERE i.id = ?", [int(text)])
        if not found:
            raise NotFoundError(f"找不到编号为 {text} 的议定事项（projledger meeting show 会议编号 查看）")
        return found[0]

    def items(self, *, meeting_id: int | None = None, lead_unit_id: int | None = None,
              project_id: int | None = None) -> list[MeetingItem]:
        """Items by id, filtered by meeting, lead unit and project (each when given)."""
        where, params = [], []
        if project_id is not None:
            where.append("i.project_id = ?")
            params.append(project_id)
        if meeting_id is not None:
            where.append("i.meeting_id = ?")
            params.append(meeting_id)
        if lead_unit_id is not None:
            where.append("i.lead_unit_id = ?")
            params.append(lead_unit_id)
        return self._items(("WHERE " + " AND ".join(where)) if where else "", params)

    def open_items_as_of(self, as_of: dt.date) -> list[MeetingItem]:
        """Items assigned by ``as_of`` and not closed by then (current status aside)."""
        return self._items("WHERE i.assigned_on <= ? AND (i.closed_on IS NULL OR i.closed_on > ?)",
                           [as_of.isoformat(), as_of.isoformat()])

    def linked_problems(self, meeting_id: int) -> list:
        from projledger.problems import ProblemStore

        store = ProblemStore(self.db, settings=self._settings, calendar=self._calendar, units=self.units)
        ids = [pid for (pid,) in self.db.execute(
            "SELECT id FROM problems WHERE meeting_id = ? ORDER BY id", [meeting_id])]
        return [store.get(pid) for pid in ids]

    def card(self, item: MeetingItem, as_of: dt.date):
        """The item's worst card on ``as_of`` (from its 完成时限 or its missing 解决意见)."""
        from projledger.cards import worst

        cards = tracking.cards_of(ITEM, item, as_of, self.calendar, self.thresholds())
        found = worst(cards)
        return next((c for c in cards if c.card is found), None)

    def prepare_item(self, meeting: Meeting | int | str, text: str, lead: str, project: str | None = None,
                     workdays: int | None = None, due: dt.date | None = None) -> NewItem:
        """Validate a decided item and compute its deadlines from the meeting's date."""
        if not isinstance(meeting, Meeting):
            meeting = self.get(meeting)
        if workdays is not None and due is not None:
            raise DataError("--workdays 和 --due 只能给一个")
        text = tracking.clean_text(text, "议定事项内容")
        unit = self.units.resolve(lead, role="牵头单位")
        found = self.projects.get(project) if project else None
        if due is not None and due < meeting.held_on:
            raise DataError(f"完成时限{due.isoformat()}早于会议日期{meeting.held_on.isoformat()}")
        days = self.settings.meeting_item_default_workdays if workdays is None and due is None else workdays
        deadlines = tracking.deadlines(self.calendar, meeting.held_on, self.settings.problem_reply_workdays,
                                       days, due_on=due, due_what="完成时限")
        return NewItem(meeting, text, unit, found, deadlines)

    def add_item(self, w, new: NewItem) -> MeetingItem:
        row = {"meeting_id": new.meeting.id, "text": new.text, "lead_unit_id": new.lead.id,
               "project_id": new.project.id if new.project else None,
               "assigned_on": new.meeting.held_on.isoformat(), **new.deadlines.row(), "status": "open",
               "created_at": dt.datetime.now().astimezone().isoformat(timespec="seconds")}
        item_id = w.insert("meeting_items", row, project_id=row["project_id"])
        return self.item(item_id)

    def reply(self, w, item_id, on: dt.date, text: str) -> tuple[MeetingItem, bool]:
        first = tracking.reply(w, ITEM, self.item(item_id), on, text)
        return self.item(item_id), first

    def close(self, w, item_id, on: dt.date, resolution: str | None = None) -> MeetingItem:
        tracking.close(w, ITEM, self.item(item_id), on, resolution)
        return self.item(item_id)

    def reopen(self, w, item_id, on: dt.date | None = None,
               limit_workdays: int | None = None) -> tuple[MeetingItem, tuple[str, ...]]:
        warnings = tracking.reopen(w, ITEM, self.item(item_id), self.calendar, on, limit_workdays)
        return self.item(item_id), warnings

    def escalate(self, w, item_id, level: str, on: dt.date, note: str | None = None) -> MeetingItem:
        tracking.escalate(w, ITEM, self.item(item_id), level, self.settings.problem_levels, on, note)
        return self.item(item_id)


def followed_as_of(db, as_of: dt.date, *, settings=None, calendar=None) -> list[Followed]:
    """Every problem and item open on ``as_of`` with its worst card, by kind and id."""
    from projledger.cards import worst
    from projledger.problems import PROBLEM, ProblemStore

    items = MeetingStore(db, settings=settings, calendar=calendar)
    problems = ProblemStore(db, settings=items.settings, calendar=items.calendar, units=items.units)
    thresholds = items.thresholds()
    found: list[Followed] = []
    for kind, source in ((PROBLEM, problems.open_as_of(as_of)), (ITEM, items.open_items_as_of(as_of))):
        for item in source:
            cards = tracking.cards_of(kind, item, as_of, items.calendar, thresholds)
            card = next((c for c in cards if c.card is worst(cards)), None)
            found.append(Followed("problem" if kind is PROBLEM else "meeting_item", item, card,
                                  tracking.overdue_workdays(item, as_of, items.calendar)))
    return found


def collect_meeting_items(ctx) -> Iterable:
    """Warning collector: items open on D, by 完成时限 (kind meeting_item) and missing 解决意见 (reply)."""
    if not ctx.db["meeting_items"].exists():
        return
    store = MeetingStore(ctx.db, settings=ctx.settings, calendar=ctx.calendar)
    for item in store.open_items_as_of(ctx.as_of):
        ctx.saw_deadline(item.due_on, item.due_provisional)
        yield from tracking.cards_of(ITEM, item, ctx.as_of, ctx.calendar, ctx.thresholds)


def collect_problem_replies(ctx) -> Iterable:
    """Warning collector: problems open on D with no 解决意见 past its deadline (kind reply)."""
    from projledger.problems import PROBLEM, ProblemStore

    store = ProblemStore(ctx.db, settings=ctx.settings, calendar=ctx.calendar)
    for problem in store.open_as_of(ctx.as_of):
        if problem.reply_due_on is not None and not problem.replied_by(ctx.as_of):
            ctx.saw_deadline(problem.reply_due_on, problem.reply_due_provisional)
            yield tracking.reply_card(PROBLEM, problem, ctx.as_of, ctx.calendar, ctx.thresholds)


def refresh_deadlines(w, cal, result) -> None:
    """Recompute decided items' provisional deadlines (:func:`projledger.calendar.refresh`)."""
    tracking.refresh_provisional(w, cal, result, provisional_items(w.db), kind="meeting_item",
                                 table="meeting_items")


def provisional_items(db) -> list[tuple]:
    """Decided items with a provisional deadline, for ``calendar refresh``: rows of (id, project_id,
    project code, project name, text, assigned_on, reply_workdays, reply_due_on, reply_due_provisional,
    due start, due_workdays, due_on, due_provisional) — the shape of the problems' rows there, the
    due start being ``due_start`` or else ``assigned_on``.  Update them with
    ``w.update("meeting_items", {"id": id}, changes, project_id=project_id)``."""
    if not db["meeting_items"].exists():
        return []
    return db.execute(
        "SELECT i.id, i.project_id, pr.code, pr.name, i.text, i.assigned_on, i.reply_workdays, i.reply_due_on,"
        " i.reply_due_provisional, COALESCE(i.due_start, i.assigned_on), i.due_workdays, i.due_on,"
        " i.due_provisional FROM meeting_items i LEFT JOIN projects pr ON pr.id = i.project_id"
        " WHERE i.due_provisional = 1 OR i.reply_due_provisional = 1 ORDER BY i.id").fetchall()
