"""Progress records (进度台账): per project per month, the year-to-date investment completed.

Year-to-date (``ytd_completed``) is what the ranking uses; when a township reports only the
month's figure, year-to-date is derived from the latest earlier record of the same year
(:func:`year_to_date`), and a reported year-to-date is checked against that record
(:func:`ytd_problem`).  Both rules live here only: ``progress log`` and the sheet import
(:mod:`projledger.sheets.import_writer`, which works on records it loaded in bulk) call them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from projledger.errors import DataError
from projledger.money import from_db, money_json, to_db
from projledger.period import Period
from projledger.projects import Project

__all__ = ["ProgressRecord", "ProgressLog", "ytd_by_project", "year_to_date", "ytd_problem"]

_TOLERANCE = Decimal("0.01")


def year_to_date(previous: Decimal | None, month: Decimal) -> Decimal:
    """累计完成 from this month's figure: the latest earlier record of the year plus the month."""
    return (previous if previous is not None else Decimal("0")) + month


def ytd_problem(period: Period, ytd: Decimal, month: Decimal | None, earlier: Period | None,
                previous: Decimal | None) -> str | None:
    """Why a reported year-to-date does not fit the record before it (Chinese), or None.

    It may not fall below an earlier record of the year; when last month's record exists and
    this month's figure is given, last month's year-to-date plus this month must give it
    (to 0.01 万元).
    """
    if previous is None or earlier is None:
        return None
    if ytd < previous:
        return f"累计完成投资{ytd}万元少于台账中{earlier}的累计{previous}万元"
    if month is not None and period.month > 1 and earlier == period.previous() \
            and abs(previous + month - ytd) > _TOLERANCE:
        return f"累计完成投资{ytd}万元 ≠ 上月累计{previous}万元 + 当月{month}万元"
    return None


@dataclass(frozen=True)
class ProgressRecord:
    project_id: int
    period: str
    ytd_completed: Decimal
    month_completed: Decimal | None
    status: str | None
    reported_on: str | None
    source: str | None

    def to_json(self) -> dict:
        return {"period": self.period, "ytd_completed": money_json(self.ytd_completed),
                "month_completed": money_json(self.month_completed), "status": self.status,
                "reported_on": self.reported_on, "source": self.source}


_SELECT = ("SELECT project_id, period, ytd_completed, month_completed, status, reported_on, source"
           " FROM progress")


def _record(row) -> ProgressRecord:
    return ProgressRecord(row[0], row[1], from_db(row[2]), from_db(row[3]), row[4], row[5], row[6])


class ProgressLog:
    def __init__(self, db):
        self.db = db

    def for_project(self, project_id: int) -> list[ProgressRecord]:
        rows = self.db.execute(_SELECT + " WHERE project_id = ? ORDER BY period", [project_id])
        return [_record(r) for r in rows]

    def latest(self, project_id: int, period: str, *, before: bool = False) -> ProgressRecord | None:
        """Latest record of the period's year with period ≤ P (or < P with ``before``)."""
        op = "<" if before else "<="
        row = self.db.execute(
            # `+year`: the key (project_id, period) must drive this, not the (year, period) index
            _SELECT + f" WHERE project_id = ? AND +year = ? AND period {op} ? ORDER BY period DESC LIMIT 1",
            [project_id, Period.parse(period).year, period]).fetchone()
        return _record(row) if row else None

    def derive_ytd(self, project_id: int, period: str, month_completed: Decimal) -> Decimal:
        """Year-to-date from this month's figure: the previous record of the year plus the month."""
        previous = self.latest(project_id, period, before=True)
        return year_to_date(previous.ytd_completed if previous else None, month_completed)

    def log(self, writer, project: Project, period: str, *, ytd: Decimal | None = None,
            month: Decimal | None = None, status: str | None = None,
            reported_on: dt.date | None = None, source: str | None = None) -> str:
        """Create or update the period's record; returns "created" / "updated" / "unchanged"."""
        if ytd is None and month is None:
            raise DataError(f"项目“{project.label}”{period}：请给出本年累计完成投资（--ytd）或当月完成投资（--month）")
        for value, what in ((ytd, "累计完成投资"), (month, "当月完成投资")):
            if value is not None and value < 0:
                raise DataError(f"{what}不能为负数")
        if ytd is None:
            ytd = self.derive_ytd(project.id, period, month)
        values = {"year": Period.parse(period).year, "ytd_completed": to_db(ytd),
                  "month_completed": to_db(month), "status": status,
                  "reported_on": reported_on.isoformat() if reported_on else None}
        if source is not None:
            values["source"] = source
        return writer.upsert("progress", {"project_id": project.id, "period": period}, values,
                             project_id=project.id)


def ytd_by_project(db, year: int, period: str | None = None) -> dict[int, Decimal]:
    """Each project's year-to-date completed: its latest record of ``year`` with period ≤ P."""
    last = str(period) if period else str(Period(year, 12))
    # one probe of the key (project_id, period) per project, not a scan of the year's rows
    rows = db.execute(
        "SELECT p.id, (SELECT g.ytd_completed FROM progress g WHERE g.project_id = p.id"
        " AND +g.year = ? AND g.period <= ? ORDER BY g.period DESC LIMIT 1) FROM projects p",
        [year, last]).fetchall()
    return {pid: from_db(value) for pid, value in rows if value is not None}
