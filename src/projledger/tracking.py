"""The life of a tracked item (跟踪督办事项): a problem (问题) or a decided item (议定事项).

Problems found on projects (:mod:`projledger.problems`) and items decided at meetings
(:mod:`projledger.meetings`) are followed the same way, from the day they are assigned to a
lead unit (牵头单位) until they are closed — the seeds' rule for problems (004: the lead unit
“在3个工作日内提出解决问题的具体做法和意见建议”) applies to what a 调度会 decides as well
(SPEC §11).  This module is that one life; the two domains only say where their rows live
(:class:`TrackedKind`) and keep their own reads.

* **Deadlines** (:func:`deadlines`): the 解决意见 is due ``reply_workdays`` working days after
  the start (default 3), the item itself ``due_workdays`` after it; both counted by the
  ledger's calendar, each remembering whether it is provisional.
* **reply** (解决意见), **close** (办结, with date and resolution), **reopen** (explicit, with an
  optional new 时限 counted from the reopening day), **escalate** (提级: upward only through the
  settings' levels, recorded with date and note) — each one audited row change through the
  caller's :class:`~projledger.store.AuditedWriter`, refused with a Chinese message when it
  makes no sense (closing twice, a date before the item started, replying to a closed item).
* **Cards** (SPEC §6, §11–12): :func:`due_card` from the 完成时限 by the deadline rule of
  :func:`projledger.cards.deadline_card`; :func:`reply_card` (kind ``reply``) while no 解决意见
  was given by ``as_of`` and the reply deadline has passed.  The reply card starts only after
  the deadline: the reply window is three working days, so a "due soon" blue card would flag
  every new item on the day it is assigned.

A tracked record is any object with the attributes of :class:`TrackedItem` (the problem and
item dataclasses inherit its two helpers).  "Open as of D" means started on or before D and not
closed by D, so a report for a past date shows what was open then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from projledger.errors import DataError
from projledger.text import squash
from projledger.dates import iso as _iso

__all__ = [
    "TrackedStore",
    "refresh_provisional",
    "TrackedKind",
    "TrackedItem",
    "Deadlines",
    "choose",
    "clean_text",
    "check_workdays",
    "deadlines",
    "reply",
    "close",
    "reopen",
    "escalate",
    "overdue_workdays",
    "due_card",
    "reply_card",
    "cards_of",
    "audit_of",
    "STATUSES",
]

STATUSES = ("open", "closed")


@dataclass(frozen=True)
class TrackedKind:
    """Where one kind of tracked item lives and how messages name it."""

    kind: str  # card kind of its 完成时限: "problem" | "meeting_item"
    noun: str  # 问题 | 议定事项
    table: str  # problems | meeting_items
    start_label: str  # 提出日期 | 交办日期 (what the start date is called in messages)
    escalation_table: str
    escalation_key: str  # the escalation table's column naming the item
    command: str  # "problem" | "meeting item" (for hints in messages)


class TrackedItem:
    """Helpers shared by the tracked-item dataclasses.

    They carry ``id``, ``project_id``, ``text``, ``started_on`` (reported / assigned),
    ``reply_due_on``, ``replied_on``, ``due_on``, ``status``, ``closed_on`` and ``level``.
    """

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def open_on(self, as_of: dt.date) -> bool:
        """Started by ``as_of`` and not closed by then."""
        return self.started_on <= as_of and (self.closed_on is None or self.closed_on > as_of)

    def replied_by(self, as_of: dt.date) -> bool:
        return self.replied_on is not None and self.replied_on <= as_of


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


def clean_text(text: str | None, what: str) -> str:
    cleaned = (text or "").strip()
    if not squash(cleaned):
        raise DataError(f"{what}不能为空")
    return cleaned


def check_workdays(workdays, what: str) -> int:
    if isinstance(workdays, bool) or not isinstance(workdays, int) or workdays < 0:
        raise DataError(f"{what}应为非负整数个工作日，而不是“{workdays}”")
    return workdays


@dataclass(frozen=True)
class Deadlines:
    """The two deadlines of a new item, as stored (see the module docstring)."""

    reply_workdays: int
    reply_due_on: dt.date
    reply_due_provisional: bool
    due_workdays: int | None
    due_on: dt.date
    due_provisional: bool
    warnings: tuple[str, ...] = ()
    #: A date given for the 时限 (stored as 0 working days from it, so a provisional one can be
    #: recomputed like any other: ``due_start`` + ``due_workdays``).
    due_start: dt.date | None = None

    def row(self) -> dict:
        start = {"due_start": self.due_start.isoformat()} if self.due_start else {}
        return {"reply_workdays": self.reply_workdays, "reply_due_on": self.reply_due_on.isoformat(),
                "reply_due_provisional": int(self.reply_due_provisional),
                "due_workdays": self.due_workdays, "due_on": self.due_on.isoformat(),
                "due_provisional": int(self.due_provisional), **start}


def deadlines(calendar, start: dt.date, reply_workdays: int, due_workdays: int | None = None, *,
              due_on: dt.date | None = None, due_what: str = "解决时限") -> Deadlines:
    """Reply and completion deadlines from ``start``.

    The completion deadline is ``due_workdays`` working days after ``start``, or the date
    ``due_on`` given (moved to the next working day when it is not one — a deadline never
    lands on a holiday); exactly one of the two is given.
    """
    reply_deadline = calendar.add_workdays(start, check_workdays(reply_workdays, "提出解决意见时限"))
    if due_on is not None:
        if due_on < start:
            raise DataError(f"{due_what}{due_on.isoformat()}早于{start.isoformat()}")
        due = calendar.add_workdays(due_on, 0)
        workdays = 0
    else:
        workdays = check_workdays(due_workdays, due_what)
        due = calendar.add_workdays(start, workdays)
    warnings = tuple(dict.fromkeys((*reply_deadline.warnings, *due.warnings)))
    return Deadlines(reply_workdays, reply_deadline.due, not reply_deadline.calendar_complete,
                     workdays, due.due, not due.calendar_complete, warnings, due_on)


# -- the life: reply, close, reopen, escalate -------------------------------------

def _check_not_before_start(kind: TrackedKind, item, on: dt.date, what: str) -> None:
    if on < item.started_on:
        raise DataError(f"{what}{on.isoformat()}早于{kind.noun}{kind.start_label}{item.started_on.isoformat()}")


def reply(w, kind: TrackedKind, item, on: dt.date, text: str) -> bool:
    """Record the lead unit's proposed solution (解决意见); returns whether it is the first."""
    if not item.is_open:
        raise DataError(f"{kind.noun} {item.id} 已于{_iso(item.closed_on)}办结，不能再登记解决意见")
    _check_not_before_start(kind, item, on, "解决意见日期")
    w.update(kind.table, {"id": item.id},
             {"replied_on": on.isoformat(), "reply_text": clean_text(text, "解决意见")},
             project_id=item.project_id)
    return item.replied_on is None


def close(w, kind: TrackedKind, item, on: dt.date, resolution: str | None = None) -> None:
    """办结: status closed on ``on``; closing a closed item is an error."""
    if not item.is_open:
        raise DataError(f"{kind.noun} {item.id} 已于{_iso(item.closed_on)}办结，不能重复办结"
                        f"（如需重新打开请用 projledger {kind.command} reopen）")
    _check_not_before_start(kind, item, on, "办结日期")
    w.update(kind.table, {"id": item.id},
             {"status": "closed", "closed_on": on.isoformat(),
              "resolution": (resolution or "").strip() or None},
             project_id=item.project_id)


def reopen(w, kind: TrackedKind, item, calendar, on: dt.date | None = None,
           limit_workdays: int | None = None) -> tuple[str, ...]:
    """Reopen a closed item; with ``limit_workdays`` a new 时限 counted from ``on``.

    Returns the provisional-calendar warnings of the new deadline.
    """
    if item.is_open:
        raise DataError(f"{kind.noun} {item.id} 尚未办结，无需重新打开")
    changes: dict = {"status": "open", "closed_on": None, "resolution": None}
    warnings: tuple[str, ...] = ()
    if limit_workdays is not None:
        start = on or dt.date.today()
        _check_not_before_start(kind, item, start, "重新打开日期")
        due = calendar.add_workdays(start, check_workdays(limit_workdays, "解决时限"))
        changes.update(due_start=start.isoformat(), due_workdays=limit_workdays,
                       due_on=due.due.isoformat(), due_provisional=int(not due.calendar_complete))
        warnings = due.warnings
    w.update(kind.table, {"id": item.id}, changes, project_id=item.project_id)
    return warnings


def escalate(w, kind: TrackedKind, item, level: str, levels, on: dt.date, note: str | None = None) -> str:
    """提级协调: raise the item's level (only upward through ``levels``); returns the new level."""
    levels = list(levels)
    target = choose(level, levels, f"{kind.noun}层级")
    if not item.is_open:
        raise DataError(f"{kind.noun} {item.id} 已办结，不能提级")
    if item.level == target:
        raise DataError(f"{kind.noun} {item.id} 已是“{target}”层级")
    if item.level in levels and levels.index(target) < levels.index(item.level):
        raise DataError(f"{kind.noun} {item.id} 当前为“{item.level}”，只能向上提级（{'→'.join(levels)}）")
    _check_not_before_start(kind, item, on, "提级日期")
    w.insert(kind.escalation_table, {kind.escalation_key: item.id, "level": target,
                                     "escalated_on": on.isoformat(), "note": (note or "").strip() or None},
             project_id=item.project_id)
    w.update(kind.table, {"id": item.id}, {"level": target}, project_id=item.project_id)
    return target


# -- cards ----------------------------------------------------------------------

def overdue_workdays(item, as_of: dt.date, calendar) -> int:
    """Working days after the 完成时限 up to ``as_of`` (0 when closed by then or not late)."""
    if item.due_on is None or not item.open_on(as_of):
        return 0
    return calendar.overdue_workdays(item.due_on, as_of)


def _deadline_item(card_kind: str, subject: str, due: dt.date, as_of: dt.date, calendar, thresholds,
                   project_id):
    """§6's deadline card under ``card_kind`` (the colour rule lives in ``cards.deadline_card``)."""
    from projledger.cards import deadline_card

    return deadline_card(card_kind, subject, due, as_of, calendar, thresholds, project_id=project_id)


def due_card(kind: TrackedKind, item, as_of: dt.date, calendar, thresholds):
    """The item's card from its 完成时限 on ``as_of`` (a CardItem, or None)."""
    if item.due_on is None or not item.open_on(as_of):
        return None
    return _deadline_item(kind.kind, item.text, item.due_on, as_of, calendar, thresholds, item.project_id)


def reply_card(kind: TrackedKind, item, as_of: dt.date, calendar, thresholds):
    """Kind ``reply``: open on ``as_of``, its 解决意见 deadline passed and none given by then."""
    if item.reply_due_on is None or not item.open_on(as_of) or item.replied_by(as_of):
        return None
    if as_of <= item.reply_due_on:
        return None
    found = _deadline_item("reply", item.text, item.reply_due_on, as_of, calendar, thresholds, item.project_id)
    if found is None:
        return None
    late = (f"超过期限{found.overdue_workdays}个工作日" if found.overdue_workdays
            else f"期限{item.reply_due_on.isoformat()}已过")
    return replace(found, reason=f"{kind.noun}“{item.text}”未提出解决意见（{late}）")


def cards_of(kind: TrackedKind, item, as_of: dt.date, calendar, thresholds) -> list:
    """Both cards of an item (due and reply), those that exist."""
    return [c for c in (due_card(kind, item, as_of, calendar, thresholds),
                        reply_card(kind, item, as_of, calendar, thresholds)) if c is not None]


# -- history ----------------------------------------------------------------------

def audit_of(db, kind: TrackedKind, item_id: int) -> list[dict]:
    """One item's audit trail, oldest first: its own row, its escalations, and each letter
    (提醒函/督办函/交办单) that named it — the rows ``history`` shows, in the same shape as
    :func:`projledger.store.audit_rows`."""
    import json

    keys = [(kind.table, f"id={item_id}")]
    keys += [(kind.escalation_table, f"id={eid}") for (eid,) in db.execute(
        f"SELECT id FROM [{kind.escalation_table}] WHERE [{kind.escalation_key}] = ?", [item_id])]
    if db["letter_items"].exists():
        for (letter_id,) in db.execute("SELECT letter_id FROM letter_items WHERE kind = ? AND item_id = ?",
                                       [kind.kind, item_id]):
            keys += [("letters", f"id={letter_id}"),
                     ("letter_items", f"letter_id={letter_id},kind={kind.kind},item_id={item_id}")]
    values = ", ".join("(?, ?)" for _ in keys)
    rows = db.execute(
        "SELECT id, at, actor, command, table_name, row_key, action, before, after FROM audit"
        f" WHERE (table_name, row_key) IN (VALUES {values}) ORDER BY id",
        [part for key in keys for part in key]).fetchall()
    return [{"id": r[0], "at": r[1], "actor": r[2], "command": r[3], "table": r[4], "key": r[5], "action": r[6],
             "before": json.loads(r[7]) if r[7] else None, "after": json.loads(r[8]) if r[8] else None}
            for r in rows]


def refresh_provisional(w, cal, result, rows, *, kind: str, table: str) -> None:
    """Recompute the provisional 解决意见 and 完成/解决时限 deadlines of tracked items with ``cal``
    (``calendar import`` / ``calendar refresh``); what moved is noted in ``result``.

    ``rows``: (id, project_id, project code, project name, text, reply start, reply_workdays,
    reply_due_on, reply_due_provisional, due start, due_workdays, due_on, due_provisional).
    """
    from projledger.calendar import recompute_deadline

    for (item_id, project_id, code, name, text, reply_start, reply_wd, reply_due, reply_prov,
         start, due_wd, due, due_prov) in rows:
        ident = (kind, item_id, code, name, text)
        changes: dict = {}
        if reply_prov:
            recompute_deadline(cal, result, changes, ident, reply_start, reply_wd, reply_due,
                               "reply_due_on", "reply_due_provisional")
        if due_prov:
            recompute_deadline(cal, result, changes, ident, start, due_wd, due, "due_on", "due_provisional")
        if changes:
            w.update(table, {"id": item_id}, changes, project_id=project_id)


class TrackedStore:
    """What the stores of tracked items share: the ledger handle, its units and projects, and the
    settings and working-day calendar, each loaded once when first needed (or given)."""

    def __init__(self, db, *, settings=None, calendar=None, units=None):
        from projledger.projects import Projects
        from projledger.units import Units

        self.db = db
        self.units = units or Units(db)
        self.projects = Projects(db, self.units)
        self._settings, self._calendar = settings, calendar

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
