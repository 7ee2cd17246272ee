"""报送: which township sent its sheet for a period, and when (SPEC §12).

Every committed import of a township sheet records a **submission** through
:func:`record_submission`, inside the import's own transaction: township, period, the
file's name and SHA-256, its 填报日期, when it was imported, and the day it counts as
submitted (the import's ``--date`` when given, else the import day).  The same file for the
same township and period is recorded once; a corrected file sent later is a second row.

**Due day.**  A sheet for period P is due on day ``reporting.due_day`` (default 5, seed 000
§46 "每月5日前") of the month after P — the last day of that month when it is shorter —
moved to the next working day of the ledger's calendar when that day is not one
(:func:`due_on`).

**Status as of D** (:func:`submission_status`, :class:`SubmissionStatus`): only
submissions counted as submitted on or before D exist.  The *first* of them decides:
``on_time`` (on or before the due day, ``days_late`` 0) or ``late`` (calendar days after the
due day); none at all is ``missing``, late by the calendar days from the due day to D (0 while
not yet due).  ``file`` and ``filled_on`` are those of the *latest* submission, the one the
ledger's figures now come from.

Which townships are listed: every township with a plan project in P's year, plus any
township that submitted for P.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass

from projledger.period import Period

__all__ = [
    "SubmissionStatus",
    "record_submission",
    "due_on",
    "submission_status",
    "reported_township_ids",
    "STATUS_LABELS",
]

STATUS_LABELS = {"on_time": "按时报送", "late": "逾期报送", "missing": "未报"}


def record_submission(w, *, township_id: int, period: Period, file_name: str, sha256: str,
                      filled_on: dt.date | None, submitted_on: dt.date) -> None:
    """Record one committed township import (inside the importer's transaction).

    Recording the same file again (same township, period and SHA-256) changes nothing.
    """
    period = Period.parse(period)
    key = {"township_id": township_id, "period": str(period), "sha256": sha256}
    if w.fetch("submissions", key) is not None:
        return
    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    w.insert("submissions", {
        **key,
        "file_name": file_name,
        "filled_on": filled_on.isoformat() if filled_on else None,
        "imported_at": now,
        "submitted_on": submitted_on.isoformat(),
    }, key_columns=("township_id", "period", "sha256"))


def due_on(period: Period, due_day: int, calendar) -> dt.date:
    """Day ``due_day`` of the month after ``period`` (clamped to its length), moved to the
    next working day when it is not one."""
    following = Period.parse(period).next()
    last = _calendar.monthrange(following.year, following.month)[1]
    nominal = dt.date(following.year, following.month, min(due_day, last))
    return calendar.add_workdays(nominal, 0).due


@dataclass(frozen=True)
class SubmissionStatus:
    """One township's 报送 for a period, as of a date."""

    township_id: int
    township: str
    status: str  # on_time | late | missing
    due_on: dt.date
    submitted_on: dt.date | None
    days_late: int
    file: str | None
    filled_on: dt.date | None
    submissions: int = 0

    @property
    def label(self) -> str:
        """已报/未报 with the detail a 催报 list shows."""
        if self.status == "on_time":
            return "已报（按时）"
        if self.status == "late":
            return f"已报（逾期{self.days_late}天）"
        return f"未报（已逾期{self.days_late}天）" if self.days_late else "未报（未到期）"

    def to_json(self) -> dict:
        return {
            "township": self.township,
            "status": self.status,
            "due_on": self.due_on.isoformat(),
            "submitted_on": self.submitted_on.isoformat() if self.submitted_on else None,
            "days_late": self.days_late,
            "file": self.file,
            "filled_on": self.filled_on.isoformat() if self.filled_on else None,
        }


def _status(township_id: int, township: str, due: dt.date, as_of: dt.date,
            rows: list[tuple]) -> SubmissionStatus:
    """``rows``: (submitted_on, imported_at, file_name, filled_on) of this township and period."""
    counted = sorted((r for r in rows if dt.date.fromisoformat(r[0]) <= as_of),
                     key=lambda r: (r[0], r[1]))
    if not counted:
        return SubmissionStatus(township_id, township, "missing", due, None,
                                max(0, (as_of - due).days), None, None, 0)
    first = dt.date.fromisoformat(counted[0][0])
    latest = max(counted, key=lambda r: (r[1], r[0]))
    late = (first - due).days
    return SubmissionStatus(
        township_id, township, "late" if late > 0 else "on_time", due, first, max(0, late),
        latest[2], dt.date.fromisoformat(latest[3]) if latest[3] else None, len(counted))


def submission_status(db, period: Period, as_of: dt.date, *, due_day: int,
                      calendar=None) -> list[SubmissionStatus]:
    """Every township that owes period ``period`` a sheet (see the module docstring), in the
    order of the unit list."""
    if calendar is None:
        from projledger.calendar import load_calendar

        calendar = load_calendar(db)
    period = Period.parse(period)
    due = due_on(period, due_day, calendar)
    towns = db.execute(
        "SELECT u.id, u.name FROM units u WHERE u.kind = 'township' AND ("
        " EXISTS (SELECT 1 FROM projects p JOIN annual_plans a ON a.project_id = p.id"
        "         WHERE p.township_id = u.id AND a.year = ?)"
        " OR EXISTS (SELECT 1 FROM submissions s WHERE s.township_id = u.id AND s.period = ?))"
        " ORDER BY u.id", [period.year, str(period)]).fetchall()
    by_town: dict[int, list[tuple]] = {}
    for tid, *row in db.execute(
            "SELECT township_id, submitted_on, imported_at, file_name, filled_on FROM submissions"
            " WHERE period = ?", [str(period)]):
        by_town.setdefault(tid, []).append(tuple(row))
    return [_status(tid, name, due, as_of, by_town.get(tid, [])) for tid, name in towns]


def reported_township_ids(db, period: Period, as_of: dt.date | None = None) -> set[int]:
    """Townships whose figures for ``period`` are in the ledger — what the monthly report's
    "reported" means: a sheet of the period was recorded (counted on or before ``as_of`` when
    given), or figures of the period were entered by hand (``progress log``) for one of its
    projects.  Only a township with neither is named as 未报送: its figures are stale.
    (The 催报 list, :func:`submission_status`, is about the sheets themselves.)"""
    month = str(Period.parse(period))
    sql, params = "SELECT DISTINCT township_id FROM submissions WHERE period = ?", [month]
    if as_of is not None:
        sql += " AND submitted_on <= ?"
        params.append(as_of.isoformat())
    sheets = {row[0] for row in db.execute(sql, params)}
    typed = {row[0] for row in db.execute(
        "SELECT DISTINCT p.township_id FROM progress g JOIN projects p ON p.id = g.project_id"
        " WHERE g.period = ? AND p.township_id IS NOT NULL", [month])}
    return sheets | typed
