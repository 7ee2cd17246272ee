"""动态调整 (seed 002 三.14): which plan projects lag, who can replace them, and the swap itself.

Every quarter the county reviews the year's plan list.  Lagging, per SPEC §6's card rules
(``projledger.cards``, thresholds from ``settings.cards``):

* a 新开工 plan project not started past its planned start (a start card, 黄 or 红);
* investment far behind schedule: year-to-date / plan below ``invest_red_ratio`` (50%) of
  序时进度 (quarter-end month / 12) — the red investment card;
* a plan project that has been 终止.

Replacements (递补项目) are reserve projects at 正在开展前期 or 拟开展前期 not already in the
year's plan, ripest first (:func:`projledger.reserve.rank_candidates`), grouped by department:
a project's department, else the department whose 行业 library holds it.  The rule is
**只增不减**: a department's planned total for the year may not fall.  The report therefore
gives each department's plan total, what its lagging projects carry, and suggests candidates in
rank order until their capacity (未来三年预计投资, else total investment) covers that.
:meth:`PlanAdjuster.apply` performs a swap in one transaction and refuses it when any
department's total would fall.  Also listed: projects that started without being in the
year's plan (seed: "未纳入年度投资清单，但…提前开工建设的项目，及时纳入清单").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from projledger.cards import Card, CardItem, CardThresholds, invest_card, start_card
from projledger.errors import DataError, UsageError
from projledger.lifecycle import Lifecycle
from projledger.money import format_money, money_json, to_db
from projledger.plans import AnnualPlan, plans_for_year
from projledger.progress import ytd_by_project
from projledger.projects import Project
from projledger.reserve import ReserveItem, procedures_done_counts, rank_candidates

__all__ = [
    "parse_quarter", "quarter_end", "Lagging", "find_lagging", "DepartmentAdjustment",
    "candidate_capacity", "department_adjustments", "AdjustReport", "PlanAdjuster", "READY_STAGES",
]

_QUARTER = re.compile(r"^(\d{4})\s*-?\s*[Qq]([1-4])$")
READY_STAGES = ("正在开展前期", "拟开展前期")


def parse_quarter(text: str) -> tuple[int, int]:
    """``2026Q3`` / ``2026-q3`` → (2026, 3); anything else is a usage error."""
    match = _QUARTER.match((text or "").strip())
    if not match:
        raise UsageError(f"季度“{text}”格式不对，应为 YYYYQn，例如 2026Q3")
    return int(match[1]), int(match[2])


def quarter_end(year: int, quarter: int) -> dt.date:
    month = quarter * 3
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass
class Lagging:
    """A plan project behind schedule, with the warning items that say why."""

    project: Project
    investment: Decimal
    ytd: Decimal
    items: list[CardItem]

    def to_json(self) -> dict:
        p = self.project
        return {"id": p.id, "code": p.code, "name": p.name, "department": p.department,
                "stage": p.stage, "annual_plan": money_json(self.investment),
                "ytd_completed": money_json(self.ytd),
                "reasons": [{"kind": i.kind, "card": i.card.key, "reason": i.reason} for i in self.items]}


def find_lagging(rows: list[tuple[Project, AnnualPlan, Decimal | None]], as_of: dt.date, month: int,
                 thresholds: CardThresholds) -> list[Lagging]:
    """Plan projects lagging per SPEC §6: a 新开工 not started past its planned start (any start
    card), investment below the red line (< invest_red_ratio × 序时进度), or 终止 in the year."""
    lagging = []
    for project, plan, ytd in rows:
        if project.stage in ("竣工", "投产"):
            continue
        items: list[CardItem] = []
        start = start_card(project.name, plan.nature, plan.planned_start or project.planned_start,
                           project.actual_start, as_of, thresholds, project_id=project.id)
        if start is not None:
            items.append(start)
        invest = invest_card(project.name, plan.investment, ytd, month, thresholds, project_id=project.id)
        if invest is not None and invest.card is Card.RED:
            items.append(invest)
        if project.stage == "终止":
            items.append(CardItem(Card.RED, "terminated", project.id, project.name, "项目已终止"))
        if items:
            lagging.append(Lagging(project, plan.investment, ytd or Decimal("0.00"), items))
    return lagging


@dataclass
class DepartmentAdjustment:
    """One department's 动态调整 picture: its plan total must not fall (只增不减)."""

    department: str | None
    planned_total: Decimal
    lagging: list[Lagging]
    candidates: list[ReserveItem]
    suggested: list[int] = field(default_factory=list)

    @property
    def lagging_total(self) -> Decimal:
        return sum((lag.investment for lag in self.lagging), Decimal("0.00"))

    @property
    def capacity(self) -> Decimal:
        return sum((candidate_capacity(c) for c in self.candidates), Decimal("0.00"))

    @property
    def covered(self) -> bool:
        return self.capacity >= self.lagging_total

    def to_json(self) -> dict:
        return {
            "department": self.department, "planned_total": money_json(self.planned_total),
            "lagging_total": money_json(self.lagging_total),
            "replacement_needed": money_json(self.lagging_total), "capacity": money_json(self.capacity),
            "covered": self.covered, "lagging": [lag.to_json() for lag in self.lagging],
            "candidates": [{"id": c.project.id, "code": c.project.code, "name": c.project.name,
                            "stage": c.project.stage, "total_investment": money_json(c.project.total_investment),
                            "capacity": money_json(candidate_capacity(c)),
                            "suggested": c.project.id in self.suggested} for c in self.candidates],
        }


def candidate_capacity(item: ReserveItem) -> Decimal:
    """How much a replacement could carry: 未来三年预计投资 when known, else its total investment."""
    if item.info.next3_investment is not None:
        return item.info.next3_investment
    return item.project.total_investment or Decimal("0.00")


def department_adjustments(plan_rows: list[tuple[Project, AnnualPlan, Decimal | None]],
                           lagging: list[Lagging], candidates: list[ReserveItem],
                           department_of, department_name) -> list[DepartmentAdjustment]:
    """Per department with lagging projects: plan total, lagging total, ripest candidates, and
    the candidates suggested (in rank order until their capacity covers the lagging total)."""
    totals: dict[int | None, Decimal] = {}
    for project, plan, _ in plan_rows:
        key = department_of(project)
        totals[key] = totals.get(key, Decimal("0.00")) + plan.investment
    result = []
    for key in dict.fromkeys(department_of(lag.project) for lag in lagging):
        own = [c for c in candidates if department_of(c.project) == key]
        adjustment = DepartmentAdjustment(department_name(key), totals.get(key, Decimal("0.00")),
                                          [lag for lag in lagging if department_of(lag.project) == key], own)
        covered = Decimal("0.00")
        for item in own:
            if covered >= adjustment.lagging_total:
                break
            adjustment.suggested.append(item.project.id)
            covered += candidate_capacity(item)
        result.append(adjustment)
    return result


@dataclass
class AdjustReport:
    year: int
    quarter: int
    as_of: dt.date
    departments: list[DepartmentAdjustment]
    unplanned_started: list[Project]

    @property
    def lagging(self) -> list[Lagging]:
        return [lag for d in self.departments for lag in d.lagging]

    def to_json(self) -> dict:
        return {
            "year": self.year, "quarter": self.quarter, "as_of": self.as_of.isoformat(),
            "lagging_count": len(self.lagging),
            "departments": [d.to_json() for d in self.departments],
            "unplanned_started": [{"id": p.id, "code": p.code, "name": p.name, "department": p.department,
                                   "actual_start": p.actual_start.isoformat()} for p in self.unplanned_started],
        }


class PlanAdjuster:
    """Builds the quarter's report and performs swaps (checked against 只增不减)."""

    def __init__(self, db):
        self.db = db
        self.life = Lifecycle(db)
        self.units = self.life.units

    def department_of(self, project: Project) -> int | None:
        if project.department_id is not None:
            return project.department_id
        entry = self.life.reserve.entry(project.id, "行业")
        return entry.unit_id if entry else None

    def department_name(self, unit_id: int | None) -> str | None:
        unit = self.units.by_id(unit_id)
        return unit.name if unit else None

    def plan_rows(self, year: int, period: str | None = None) -> list[tuple[Project, AnnualPlan, Decimal | None]]:
        plans = plans_for_year(self.db, year)
        ytd = ytd_by_project(self.db, year, period)
        rows = []
        for project_id in sorted(plans):
            rows.append((self.life.projects.by_id(project_id), plans[project_id], ytd.get(project_id)))
        return rows

    def candidates(self, year: int) -> list[ReserveItem]:
        in_plan = set(plans_for_year(self.db, year))
        ready = [item for item in self.life.reserve.items()
                 if item.project.stage in READY_STAGES and item.project.id not in in_plan]
        return rank_candidates(ready, procedures_done_counts(self.db))

    def report(self, year: int, quarter: int, thresholds: CardThresholds,
               as_of: dt.date | None = None) -> AdjustReport:
        as_of = as_of or quarter_end(year, quarter)
        month = quarter * 3
        rows = self.plan_rows(year, f"{year:04d}-{month:02d}")
        lagging = find_lagging(rows, as_of, month, thresholds)
        departments = department_adjustments(rows, lagging, self.candidates(year), self.department_of,
                                             self.department_name)
        in_plan = {project.id for project, _, _ in rows}
        started = [p for p in self.life.projects.list()
                   if p.id not in in_plan and p.actual_start is not None and p.actual_start.year == year
                   and p.actual_start <= as_of and p.stage not in ("竣工", "投产", "终止", "退库")]
        return AdjustReport(year, quarter, as_of, departments, started)

    def check_swap(self, year: int, drops: list[Project],
                   adds: list[tuple[Project, Decimal]]) -> dict[int | None, tuple[Decimal, Decimal]]:
        """Raise unless the swap is allowed; returns department → (total before, total after)."""
        plans = plans_for_year(self.db, year)
        ids = [p.id for p in drops] + [p.id for p, _ in adds]
        if len(set(ids)) != len(ids):
            raise DataError("同一项目不能既调出又调入，也不能重复列出")
        for project in drops:
            if project.id not in plans:
                raise DataError(f"项目“{project.label}”不在{year}年度计划中，无需调出")
        for project, amount in adds:
            if project.id in plans:
                raise DataError(f"项目“{project.label}”已在{year}年度计划中")
            if amount < 0:
                raise DataError("年度计划投资不能为负数")
            self.life.check_adopt(project, year, None)
        before: dict[int | None, Decimal] = {}
        for project_id, plan in plans.items():
            key = self.department_of(self.life.projects.by_id(project_id))
            before[key] = before.get(key, Decimal("0.00")) + plan.investment
        after = dict(before)
        for project in drops:
            key = self.department_of(project)
            after[key] -= plans[project.id].investment
        for project, amount in adds:
            key = self.department_of(project)
            after[key] = after.get(key, Decimal("0.00")) + amount
        falls = [key for key in after if after[key] < before.get(key, Decimal("0.00"))]
        if falls:
            details = [f"{self.department_name(k) or '未指定部门'}：{format_money(before[k])} → "
                       f"{format_money(after[k])} 万元，替补项目还需至少 {format_money(before[k] - after[k])} 万元"
                       for k in falls]
            raise DataError(f"调整后部门{year}年度计划投资总量下降，违反“只增不减”原则，未作任何调整",
                            details=details)
        return {k: (before.get(k, Decimal("0.00")), after[k]) for k in after}

    def apply(self, writer, year: int, quarter: int, drops: list[Project],
              adds: list[tuple[Project, Decimal]], on: dt.date) -> dict[int | None, tuple[Decimal, Decimal]]:
        totals = self.check_swap(year, drops, adds)
        plans = plans_for_year(self.db, year)
        reason = f"{year}年第{quarter}季度动态调整"
        for project in drops:
            self._record(writer, year, quarter, project, "drop", plans[project.id].investment, on, reason)
            self.life.drop_from_plan(writer, project, year, on, reason)
        for project, amount in adds:
            self._record(writer, year, quarter, project, "add", amount, on, reason)
            self.life.adopt(writer, project, year, investment=amount, nature=None, on=on,
                            event="plan_adjust_add")
        return totals

    def _record(self, writer, year, quarter, project, action, amount, on, reason) -> None:
        writer.insert("plan_adjustments", {
            "year": year, "quarter": quarter, "project_id": project.id, "action": action,
            "investment": to_db(amount), "department_id": self.department_of(project),
            "adjusted_on": on.isoformat(), "reason": reason}, project_id=project.id)
