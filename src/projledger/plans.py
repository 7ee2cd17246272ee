"""Annual plans (年度重大项目投资计划): one record per project per year.

A project is *in the plan* for year Y when it has a record for Y — that is what the monthly
ranking counts.  The record holds the year's planned investment (万元), the nature for that
year (新开工 / 续建 / 前期) and the planned start.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from projledger.dates import iso
from projledger.errors import DataError
from projledger.money import from_db, money_json, to_db
from projledger.projects import NATURES, Project, check_choice

__all__ = ["AnnualPlan", "Plans", "plans_for_year", "planned_completions"]


@dataclass(frozen=True)
class AnnualPlan:
    project_id: int
    year: int
    investment: Decimal
    nature: str | None
    planned_start: dt.date | None
    planned_start_precision: str = "day"
    planned_completion: dt.date | None = None

    def to_json(self) -> dict:
        return {"year": self.year, "investment": money_json(self.investment), "nature": self.nature,
                "planned_start": iso(self.planned_start), "planned_completion": iso(self.planned_completion)}


def check_year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise DataError(f"年度 {year} 不合理")
    return year


class Plans:
    def __init__(self, db):
        self.db = db

    def for_project(self, project_id: int) -> list[AnnualPlan]:
        rows = self.db.execute(
            "SELECT project_id, year, investment, nature, planned_start, planned_start_precision, planned_completion"
            " FROM annual_plans WHERE project_id = ? ORDER BY year", [project_id]).fetchall()
        return [self._plan(r) for r in rows]

    def get(self, project_id: int, year: int) -> AnnualPlan | None:
        row = self.db.execute(
            "SELECT project_id, year, investment, nature, planned_start, planned_start_precision, planned_completion"
            " FROM annual_plans WHERE project_id = ? AND year = ?", [project_id, year]).fetchone()
        return self._plan(row) if row else None

    @staticmethod
    def _plan(row) -> AnnualPlan:
        return AnnualPlan(row[0], row[1], from_db(row[2]), row[3],
                          dt.date.fromisoformat(row[4]) if row[4] else None, row[5],
                          dt.date.fromisoformat(row[6]) if len(row) > 6 and row[6] else None)

    def set(self, writer, project: Project, year: int, *, investment: Decimal | None = None,
            nature: str | None = None, planned_start: dt.date | None = None,
            planned_start_precision: str = "day", planned_completion: dt.date | None = None) -> str:
        """Create or update the plan record; returns "created" / "updated" / "unchanged"."""
        check_year(year)
        check_choice(nature, NATURES, "建设性质")
        existing = self.get(project.id, year)
        if existing is None and investment is None:
            raise DataError(f"项目“{project.label}”还没有{year}年度计划，请用 --investment 给出年度计划投资")
        if investment is not None and investment < 0:
            raise DataError("年度计划投资不能为负数")
        values: dict = {}
        if investment is not None:
            values["investment"] = to_db(investment)
        if nature is not None:
            values["nature"] = nature
        elif existing is None:
            values["nature"] = project.nature
        if planned_start is not None:
            values["planned_start"] = planned_start.isoformat()
            values["planned_start_precision"] = planned_start_precision
        elif existing is None and project.planned_start is not None:
            values["planned_start"] = project.planned_start.isoformat()
            values["planned_start_precision"] = project.planned_start_precision
        if planned_completion is not None:
            values["planned_completion"] = planned_completion.isoformat()
        _check_order(project, year, values, existing)
        return writer.upsert("annual_plans", {"project_id": project.id, "year": year}, values,
                             project_id=project.id)


def _check_order(project: Project, year: int, values: dict, existing: AnnualPlan | None) -> None:
    """The plan's completion may not come before its start (either set now or kept)."""
    start = values.get("planned_start") or (existing and iso(existing.planned_start))
    completion = values.get("planned_completion") or (existing and iso(existing.planned_completion))
    if start and completion and completion < start:
        raise DataError(f"项目“{project.label}”{year}年度计划的计划竣工日期 {completion} 早于计划开工日期 {start}"
                        "（plan set --planned-start / --planned-completion 改正）")


def plans_for_year(db, year: int) -> dict[int, AnnualPlan]:
    """Every annual-plan record of ``year``, by project id."""
    rows = db.execute(
        "SELECT project_id, year, investment, nature, planned_start, planned_start_precision, planned_completion"
        " FROM annual_plans WHERE year = ?", [year]).fetchall()
    return {row[0]: Plans._plan(row) for row in rows}


def planned_completions(db, year: int | None = None) -> dict[int, dt.date]:
    """计划竣工时间 by project id: the plan record of ``year``, else each project's latest
    plan record that has one."""
    if year is not None:
        rows = db.execute("SELECT project_id, planned_completion FROM annual_plans"
                          " WHERE year = ? AND planned_completion IS NOT NULL", [year])
    else:
        rows = db.execute("SELECT project_id, planned_completion FROM annual_plans a"
                          " WHERE planned_completion IS NOT NULL AND year = (SELECT MAX(year) FROM annual_plans b"
                          "  WHERE b.project_id = a.project_id AND b.planned_completion IS NOT NULL)")
    return {pid: dt.date.fromisoformat(text) for pid, text in rows}
