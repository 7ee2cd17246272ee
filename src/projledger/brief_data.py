"""The few figures the brief needs beyond the monthly report's records, read with them.

:func:`projledger.report_data.gather_monthly` reads the rankings, the 一项目一表 lines, the open
problems and the cards once; the brief (SPEC §5b, :mod:`projledger.brief`) also needs, per
plan project, its level, total investment, planned completion, completion date and whether
every 前期手续 is done, plus the year's problem counts, the open meeting items and the
townships that have not reported.  :func:`gather_brief_extras` reads exactly those, inside the
same read snapshot (it is called from ``gather_monthly``), and :func:`brief_of` joins them
with the report's own records into a :class:`~projledger.brief.BriefInput` — so every figure
the brief says is computed from the same rows the tables show.

- problems *reported* / *closed*: reported in Y on or before the end of P, closed (and still
  closed) by then — the counts the rankings use; *open now* / *overdue now*: the 问题清单 rows
  of the report (open as of the report date, due before it).
- meeting items (§11): the report's own 议定事项 rows (open on the report date); overdue when
  their due date has passed.
- not reported (§12): the report's own ``unreported`` list (townships with a plan project of
  the year and no submission recorded for P), the same names the report warns about.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from projledger.brief import Brief, BriefInput, BriefProject, ItemCounts, ProblemCounts, compute_brief
from projledger.money import from_db
from projledger.period import Period
from projledger.dates import stored_date as _date

if TYPE_CHECKING:
    from projledger.report_data import MonthlyData
    from projledger.store import Database

__all__ = ["ProjectExtra", "BriefExtras", "gather_brief_extras", "brief_of"]


@dataclass(frozen=True)
class ProjectExtra:
    level: str | None
    total_investment: Decimal | None
    planned_completion: dt.date | None
    completed_on: dt.date | None
    procedures_done: bool


@dataclass(frozen=True)
class BriefExtras:
    projects: dict[int, ProjectExtra] = field(default_factory=dict)
    problems_reported: int = 0
    problems_closed: int = 0


def _project_extras(db: "Database", period: Period, keep: set[int] | None) -> dict[int, ProjectExtra]:
    end = period.end.isoformat()
    procedures = {pid: (count, done) for pid, count, done in db.execute(
        "SELECT project_id, COUNT(*), SUM(done_on IS NOT NULL AND done_on <= ?) FROM procedures"
        " GROUP BY project_id", [end])}
    extras = {}
    for pid, level, total, planned_completion, completed_on in db.execute(
            "SELECT p.id, p.level, p.total_investment, ap.planned_completion, p.completed_on"
            " FROM projects p JOIN annual_plans ap ON ap.project_id = p.id AND ap.year = ?", [period.year]):
        if keep is not None and pid not in keep:
            continue
        count, done = procedures.get(pid, (0, 0))
        extras[pid] = ProjectExtra(level or None, from_db(total), _date(planned_completion), _date(completed_on),
                                   count > 0 and done == count)
    return extras


def _problem_counts(db: "Database", period: Period, keep: set[int] | None) -> tuple[int, int]:
    reported = closed = 0
    for pid, closed_on, status in db.execute(
            "SELECT project_id, closed_on, status FROM problems WHERE reported_on >= ? AND reported_on <= ?",
            [dt.date(period.year, 1, 1).isoformat(), period.end.isoformat()]):
        if keep is not None and pid not in keep:
            continue
        reported += 1
        if status == "closed" and closed_on and closed_on <= period.end.isoformat():
            closed += 1
    return reported, closed


def gather_brief_extras(db: "Database", period: Period, as_of: dt.date, keep: set[int] | None) -> BriefExtras:
    """Read what the brief needs beyond the report's records (called inside the report's snapshot)."""
    reported, closed = _problem_counts(db, period, keep)
    return BriefExtras(_project_extras(db, period, keep), reported, closed)


def brief_of(data: "MonthlyData", extras: BriefExtras) -> Brief:
    """The brief of a gathered monthly report."""
    none = ProjectExtra(None, None, None, None, False)
    projects = []
    for line in data.projects:
        extra = extras.projects.get(line.project_id, none)
        projects.append(BriefProject(
            line.name, line.nature, extra.level, extra.total_investment, line.annual_plan, line.ytd_completed,
            line.planned_start, line.actual_start, extra.planned_completion, extra.completed_on,
            extra.procedures_done, line.card))
    overdue = sum(1 for row in data.problems if row.problem.due_on is not None and row.problem.due_on < data.as_of)
    problems = ProblemCounts(extras.problems_reported, extras.problems_closed, len(data.problems), overdue)
    open_items = getattr(data, "meeting_items", [])  # the report's 议定事项 sheet rows
    items = ItemCounts(len(open_items), sum(1 for row in open_items
                                            if row.item.due_on is not None and row.item.due_on < data.as_of))
    return compute_brief(BriefInput(data.period, projects, problems, items, data.ranking.rankings,
                                    list(data.unreported), data.county_name, getattr(data, "scope", "")))
