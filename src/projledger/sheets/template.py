"""What the fill-in template of a township holds (``projledger template``, SPEC §4): read here.

:func:`template_data` reads, for one township and month, the township's current projects —
in the year's annual plan, or at stage 新开工/续建/前期 — with what the ledger knows of them
(code, name, 责任单位, nature, total investment, the year's plan, a known actual start) and
the county's departments for the 责任单位 drop-down of new rows.  The workbook itself is laid
out by :mod:`projledger.reports.template` from these records; it never reads the ledger.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from projledger.period import Period

__all__ = ["TemplateProject", "TemplateData", "template_projects", "departments", "template_data", "NATURE_ORDER"]

NATURE_ORDER = ("新开工", "续建", "前期")


@dataclass(frozen=True)
class TemplateProject:
    """One pre-filled row: what the ledger knows about a current project."""

    code: str | None
    name: str
    nature: str | None
    total_investment: Decimal | None
    annual_plan: Decimal | None
    department: str | None = None
    actual_start: dt.date | None = None  # only a known (not estimated) start is pre-filled


@dataclass(frozen=True)
class TemplateData:
    """Everything one township's template shows."""

    township: str
    period: Period
    projects: list[TemplateProject] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)


def template_projects(db, township_id: int, year: int) -> list[TemplateProject]:
    """The township's current projects: in the year's plan, or at stage 新开工/续建/前期.

    Sorted 新开工, 续建, 前期 (the plan's nature for the year, else the project's), then by
    code and name.
    """
    from projledger.plans import plans_for_year
    from projledger.projects import PLAN_STAGES, Projects

    plans = plans_for_year(db, year)
    rows = []
    for project in Projects(db).list():
        if project.township_id != township_id:
            continue
        plan = plans.get(project.id)
        if plan is None and project.stage not in PLAN_STAGES:
            continue
        nature = (plan.nature if plan else None) or project.nature
        start = None if project.actual_start_estimated else project.actual_start
        rows.append(TemplateProject(project.code, project.name, nature, project.total_investment,
                                    plan.investment if plan else None, project.department, start))
    order = {n: i for i, n in enumerate(NATURE_ORDER)}
    return sorted(rows, key=lambda p: (order.get(p.nature, len(order)), p.code or "~", p.name))


def departments(db) -> list[str]:
    """The county's departments (县直部门), as ``unit list`` orders them, for the 责任单位 drop-down."""
    from projledger.units import Units

    return [unit.name for unit in Units(db).all() if unit.kind == "department"]


def template_data(db, township: str, period: Period) -> TemplateData:
    """Resolve the township (name or alias) and read what its template for ``period`` holds."""
    from projledger.units import Units

    unit = Units(db).resolve(township, "township", role="乡镇")
    return TemplateData(unit.name, period, template_projects(db, unit.id, period.year), departments(db))
