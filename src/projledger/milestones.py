"""Milestones (节点): the 亮诺 of seed 004 and the 定目标定进度 of seed 000 §42 (SPEC §12).

A milestone is a named node of one project with a due date (``主体封顶`` by 2026-12-20) and,
once reached, the day it was done.  An open milestone is judged like a problem's 解决时限 by
§6's working-day deadline rule (:func:`projledger.cards.deadline_card`, kind ``milestone``);
the collector lives in :mod:`projledger.warnings_engine`, the rule stays in ``cards``.

A milestone is open on D when it is not done by D (done on or before D).  ``done_on`` is
never in the future (``milestone done`` refuses it), and never before the milestone's
project could have had it — it is just a date the user states.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from projledger.errors import DataError, NotFoundError

__all__ = ["Milestone", "Milestones", "check_name"]


@dataclass(frozen=True)
class Milestone:
    id: int
    project_id: int
    project_code: str | None
    project_name: str
    name: str
    due_on: dt.date
    done_on: dt.date | None
    note: str | None = None

    def open_on(self, as_of: dt.date) -> bool:
        return self.done_on is None or self.done_on > as_of

    @property
    def project_label(self) -> str:
        return f"{self.project_name}（{self.project_code}）" if self.project_code else self.project_name

    def to_json(self, card=None) -> dict:
        """SPEC §12 keys; ``card`` is the CardItem of this milestone (or None)."""
        return {"id": self.id, "project_code": self.project_code, "project_name": self.project_name,
                "name": self.name, "due_on": self.due_on.isoformat(),
                "done_on": self.done_on.isoformat() if self.done_on else None,
                "card": card.card.key if card is not None else None}


def check_name(name: str | None) -> str:
    text = " ".join((name or "").split())
    if not text:
        raise DataError("节点名称不能为空（--name，如 主体封顶）")
    if len(text) > 60:
        raise DataError(f"节点名称“{text[:60]}…”过长（不超过60个字）")
    return text


_SELECT = ("SELECT m.id, m.project_id, p.code, p.name, m.name, m.due_on, m.done_on, m.note"
           " FROM milestones m JOIN projects p ON p.id = m.project_id")


def _milestone(row) -> Milestone:
    return Milestone(row[0], row[1], row[2], row[3], row[4], dt.date.fromisoformat(row[5]),
                     dt.date.fromisoformat(row[6]) if row[6] else None, row[7])


class Milestones:
    """Milestone reads, and writes inside the caller's transaction."""

    def __init__(self, db):
        self.db = db

    def get(self, milestone_id: int) -> Milestone:
        row = self.db.execute(_SELECT + " WHERE m.id = ?", [milestone_id]).fetchone()
        if row is None:
            raise NotFoundError(f"找不到编号为 {milestone_id} 的节点（projledger milestone list 查看）")
        return _milestone(row)

    def list(self, *, project_id: int | None = None, open_on: dt.date | None = None) -> list[Milestone]:
        """Milestones (of one project, or open on a day), by due date."""
        where, params = [], []
        if project_id is not None:
            where.append("m.project_id = ?")
            params.append(project_id)
        if open_on is not None:
            where.append("(m.done_on IS NULL OR m.done_on > ?)")
            params.append(open_on.isoformat())
        sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY m.due_on, m.id"
        return [_milestone(r) for r in self.db.execute(sql, params)]

    def check_new(self, project, name: str, due_on: dt.date) -> dict:
        name = check_name(name)
        same = self.db.execute("SELECT id FROM milestones WHERE project_id = ? AND name = ?",
                               [project.id, name]).fetchone()
        if same:
            raise DataError(f"项目“{project.label}”已有名为“{name}”的节点（编号{same[0]}）")
        return {"project_id": project.id, "name": name, "due_on": due_on.isoformat()}

    def add(self, w, row: dict) -> int:
        now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        return w.insert("milestones", {**row, "created_at": now}, project_id=row["project_id"])

    def done(self, w, milestone: Milestone, on: dt.date) -> bool:
        """Mark done on ``on`` (already checked not to be in the future)."""
        return w.update("milestones", {"id": milestone.id}, {"done_on": on.isoformat()},
                        project_id=milestone.project_id)
