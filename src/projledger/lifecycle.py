"""Project lifecycle: the explicit, checked stage transitions (seed 002 一.3, 三.14; seed 000 第四十三条).

Stages (``projledger.projects``): reserve 谋划 / 规划 / 拟开展前期 / 正在开展前期, plan 新开工 /
续建 / 前期, end 竣工 / 投产 / 终止 / 退库.  Every transition goes through one method here,
is checked first (a refused one raises :class:`DataError` with the reason in Chinese and
writes nothing), changes rows only through the caller's ``AuditedWriter`` and adds a
``stage_transitions`` row with its event and reason.

============  =====================================================================
event         rule
============  =====================================================================
reserve_add   only a project not started: no actual start, not 续建, not in this or a
              later year's plan, not 竣工/投产/终止 (储备库 "不储备已开工建设的项目").
              A 退库 project may come back.
plan_adopt    列入年度计划: leaves every reserve library; stage becomes the year's nature
              (新开工 / 续建 / 前期).  Not for 竣工/投产/终止/退库 projects.
complete      竣工 / 投产 (竣工 → 投产 allowed): needs a started project; deletes the plan
              records of later years (销号清零, seed 000 第四十三条).
terminate     终止 (stop a plan or started project) or 退库 (drop a reserve project), with
              a reason; leaves the reserve and later years' plans.
plan_drop     动态调整 takes a lagging project out of the year's plan; an unstarted one
              goes back to the reserve at 正在开展前期.
============  =====================================================================

The current year's plan record survives 竣工 and 终止: that year's ranking was measured
against it.  Which plan projects lag and who may replace them (``plan adjust``, 只增不减) is
:mod:`projledger.plan_adjust`; it uses :meth:`Lifecycle.drop_from_plan` and
:meth:`Lifecycle.adopt` for the moves themselves.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from projledger.errors import DataError, UsageError
from projledger.plans import Plans, check_year
from projledger.projects import NATURES, PLAN_STAGES, RESERVE_STAGES, Project, Projects
from projledger.reserve import TIER_UNIT_KIND, TIER_UNIT_ROLE, TIERS, Reserve

__all__ = [
    "Lifecycle", "reserve_entry_refusal", "check_stage_change", "default_nature",
    "TERMINAL_STAGES",
]

TERMINAL_STAGES = ("终止", "退库")
_RESERVE_RULE = "储备库只储备谋划、规划、拟开展前期和正在开展前期阶段的项目，不储备已开工建设的项目"


def reserve_entry_refusal(project: Project, plan_years: list[int], on: dt.date) -> str | None:
    """Why ``project`` may not enter the reserve on ``on`` (Chinese), or None when it may."""
    label = f"项目“{project.label}”"
    if project.stage in ("竣工", "投产"):
        when = f"于{project.completed_on}" if project.completed_on else ""
        return f"{label}已{when}{project.stage}并销号，不能再入储备库"
    if project.stage == "终止":
        return f"{label}已终止，不能再入储备库；如重新谋划，请作为新项目添加"
    if project.actual_start is not None:
        return f"{label}已于{project.actual_start}开工，不能入储备库：{_RESERVE_RULE}"
    if project.stage == "续建":
        return f"{label}处于续建阶段（已开工建设），不能入储备库：{_RESERVE_RULE}"
    current = [y for y in plan_years if y >= on.year]
    if current:
        return (f"{label}已列入{current[0]}年度重大项目计划（{project.stage}），计划内项目不在储备库；"
                "如需调出，请用 projledger plan adjust")
    return None


def check_stage_change(project: Project, new_stage: str) -> None:
    """For ``project update --stage``: moves *within* the reserve or plan stages are free;
    anything crossing reserve / plan / end must use its own command."""
    if new_stage == project.stage:
        return
    if project.stage in RESERVE_STAGES and new_stage in RESERVE_STAGES:
        return
    if project.stage in PLAN_STAGES and new_stage in PLAN_STAGES:
        if new_stage == "续建" and project.actual_start is None:
            raise DataError(f"项目“{project.label}”没有实际开工日期，不能改为续建")
        return
    commands = {"reserve": "projledger reserve add", "plan": "projledger plan adopt",
                "竣工": "projledger project complete", "投产": "projledger project complete",
                "终止": "projledger project terminate", "退库": "projledger project terminate"}
    target = "reserve" if new_stage in RESERVE_STAGES else "plan" if new_stage in PLAN_STAGES else new_stage
    raise DataError(f"项目“{project.label}”从“{project.stage}”改为“{new_stage}”须用 {commands[target]}"
                    "（阶段转换要检查并留痕）")


def default_nature(project: Project, year: int) -> str:
    """The year's nature when adopting: started before → 续建; started or due to start this
    year (or overdue) → 新开工; otherwise 前期."""
    if project.actual_start is not None:
        return "续建" if project.actual_start.year < year else "新开工"
    if project.stage == "续建":
        return "续建"
    if project.planned_start is not None and project.planned_start.year <= year:
        return "新开工"
    return "前期"


class Lifecycle:
    """Stage transitions; write methods run inside the caller's ``ledger.transaction()``."""

    def __init__(self, db):
        self.db = db
        self.projects = Projects(db)
        self.units = self.projects.units
        self.plans = Plans(db)
        self.reserve = Reserve(db, self.projects)

    # -- helpers -------------------------------------------------------------
    def plan_years(self, project_id: int) -> list[int]:
        return [p.year for p in self.plans.for_project(project_id)]

    def _log(self, writer, project: Project, to_stage: str, event: str, on: dt.date, *,
             year: int | None = None, reason: str | None = None) -> None:
        writer.insert("stage_transitions", {
            "project_id": project.id, "happened_on": on.isoformat(), "from_stage": project.stage,
            "to_stage": to_stage, "event": event, "year": year, "reason": reason,
        }, project_id=project.id)

    def _move(self, writer, project: Project, to_stage: str, event: str, on: dt.date, *,
              year: int | None = None, reason: str | None = None, extra: dict | None = None) -> Project:
        self._log(writer, project, to_stage, event, on, year=year, reason=reason)
        self.projects.update(writer, project, {"stage": to_stage, **(extra or {})})
        return self.projects.by_id(project.id)

    def _drop_plans_after(self, writer, project: Project, year: int) -> list[int]:
        removed = []
        for plan in self.plans.for_project(project.id):
            if plan.year > year:
                writer.delete("annual_plans", {"project_id": project.id, "year": plan.year},
                              project_id=project.id)
                removed.append(plan.year)
        return removed

    def tier_unit(self, tier: str, name: str | None, project: Project | None = None) -> int | None:
        """The library owner for ``tier``: named, else the project's township/department."""
        kind = TIER_UNIT_KIND[tier]
        if kind is None:
            return None
        if name:
            return self.units.resolve(name, kind, role=TIER_UNIT_ROLE[tier]).id
        fallback = {"department": project.department_id if project else None,
                    "township": project.township_id if project else None}.get(kind)
        if fallback is None:
            option = {"department": "--department", "chain": "--chain", "township": "--township"}[kind]
            raise DataError(f"{tier}储备库须指明{TIER_UNIT_ROLE[tier]}（{option}）")
        return fallback

    # -- reserve -------------------------------------------------------------
    def check_enter(self, project: Project, stage: str | None, on: dt.date) -> str:
        """Raise if the project may not enter the reserve; returns the stage it will have."""
        refusal = reserve_entry_refusal(project, self.plan_years(project.id), on)
        if refusal:
            raise DataError(refusal)
        if stage is not None and stage not in RESERVE_STAGES:
            raise DataError(f"储备库项目的阶段应为：{'、'.join(RESERVE_STAGES)}（给出的是“{stage}”）；{_RESERVE_RULE}")
        if stage:
            return stage
        if project.stage in RESERVE_STAGES:
            return project.stage
        return "正在开展前期" if project.stage in ("新开工", "前期") else "谋划"

    def prepare_entry(self, project: Project | None, fields: dict, tier: str, unit_name: str | None,
                      stage: str | None, on: dt.date) -> tuple[dict, int | None]:
        """Check ``reserve add`` before the transaction.

        ``project`` None means a new project made from ``fields`` (validated columns).  For an
        existing project only the reserve-relevant columns may be given; its department and
        township are filled only when empty.  Returns (columns to write, library unit id)."""
        if project is None:
            fields = {**fields, "stage": stage or "谋划"}
            probe = _probe(fields)
            self.check_enter(probe, fields["stage"], on)
            return fields, self.tier_unit(tier, unit_name, probe)
        if set(fields) - {"industrial", "total_investment", "industry", "department_id", "township_id"}:
            raise UsageError("给出已有项目时只能补充 --stage --total-investment --industrial --industry 和储备信息；"
                             "其他字段请用 projledger project update")
        self.check_enter(project, stage, on)
        keep = {k: v for k, v in fields.items()
                if k not in ("department_id", "township_id") or getattr(project, k) is None}
        return keep, self.tier_unit(tier, unit_name, project)

    def enter_reserve(self, writer, project: Project, tier: str, unit_id: int | None, *,
                      on: dt.date, stage: str | None = None, via: str = "add") -> Project:
        """Put the project in one library (checked); logs the stage transition when it changes."""
        if tier not in TIERS:
            raise DataError(f"储备库层级“{tier}”无效，应为：{'、'.join(TIERS)}")
        new_stage = self.check_enter(project, stage, on)
        was_in = self.reserve.in_reserve(project.id)
        self.reserve.enter(writer, project, tier, unit_id, on, via)
        if new_stage != project.stage or not was_in:
            project = self._move(writer, project, new_stage, "reserve_add", on,
                                 reason=f"入{tier}储备库" if not was_in else None)
        return project

    def change_reserve_stage(self, writer, project: Project, stage: str, on: dt.date) -> Project:
        """谋划 → 规划 → 拟开展前期 → 正在开展前期 (either way) for a project in the reserve."""
        if project.stage not in RESERVE_STAGES or stage not in RESERVE_STAGES:
            raise DataError(f"项目“{project.label}”从“{project.stage}”改为“{stage}”不是储备库内的阶段变化")
        if stage == project.stage:
            return project
        return self._move(writer, project, stage, "reserve_stage", on)

    def review(self, writer, project: Project, *, result: str, reviewer_id: int | None,
               target_tier: str, unit_id: int | None, on: dt.date, opinion: str | None) -> bool:
        """初核 (target 行业) or 链长审核 (target 产业链); 通过 enters the target library.

        Returns True when the project entered the library."""
        self.check_review(project, target_tier)
        review_id = self.reserve.record_review(writer, project, target_tier=target_tier, result=result,
                                               reviewer_id=reviewer_id, on=on, opinion=opinion)
        if result != "通过":
            return False
        self._promote(writer, project, target_tier, unit_id, on, review_id)
        return True

    def review_unit(self, project: Project, target_tier: str, reviewer, named: str | None) -> int | None:
        """Whose library a passed review puts the project in: the named department / chain
        office, else (行业) the project's own department, else the reviewer when it is of the
        right kind (a department for 行业, a chain office for 产业链)."""
        kind = TIER_UNIT_KIND[target_tier]
        if named is None and reviewer.kind == kind and (target_tier == "产业链" or project.department_id is None):
            named = reviewer.name
        return self.tier_unit(target_tier, named, project)

    def check_review(self, project: Project, target_tier: str) -> None:
        if target_tier not in ("行业", "产业链"):
            raise DataError(f"初核针对行业储备库或产业链储备库（给出的是“{target_tier}”）；"
                            "综合储备库用 projledger reserve promote --to 综合 择优生成")
        current = self.reserve.entries(project.id)
        if not current:
            raise DataError(f"项目“{project.label}”不在储备库中，请先用 projledger reserve add 入库")
        if any(e.tier == target_tier for e in current):
            raise DataError(f"项目“{project.label}”已在{target_tier}储备库，无需再次初核")

    def check_promote(self, project: Project, to_tier: str) -> None:
        """综合 is selected from 行业 (择优生成); 行业 / 产业链 need a passed review on record."""
        current = self.reserve.entries(project.id)
        if not current:
            raise DataError(f"项目“{project.label}”不在储备库中，请先用 projledger reserve add 入库")
        if to_tier == "乡镇":
            raise DataError("乡镇储备库是起点，请用 projledger reserve add --tier 乡镇")
        if any(e.tier == to_tier for e in current):
            raise DataError(f"项目“{project.label}”已在{to_tier}储备库")
        if to_tier == "综合":
            if not any(e.tier == "行业" for e in current):
                raise DataError(f"综合储备库在行业储备库中择优生成：项目“{project.label}”不在任何行业储备库，"
                                "请先通过初核（projledger reserve review）")
            return
        review = self.reserve.latest_review(project.id, to_tier)
        if review is None or review.result != "通过":
            state = "没有初核记录" if review is None else f"最近一次初核（{review.reviewed_on}）结果为“{review.result}”"
            raise DataError(f"项目“{project.label}”{state}，不能列入{to_tier}储备库；"
                            f"请先用 projledger reserve review {project.code or project.id} --result 通过")

    def promote(self, writer, project: Project, to_tier: str, unit_id: int | None, on: dt.date) -> None:
        self.check_promote(project, to_tier)
        review = self.reserve.latest_review(project.id, to_tier) if to_tier != "综合" else None
        self._promote(writer, project, to_tier, unit_id, on, review.id if review else None)

    def _promote(self, writer, project: Project, to_tier: str, unit_id: int | None, on: dt.date,
                 review_id: int | None) -> None:
        current = self.reserve.entries(project.id)
        below = [e.tier for e in current if TIERS.index(e.tier) > TIERS.index(to_tier)]
        from_tier = min(below, key=TIERS.index) if below else (current[0].tier if current else None)
        via = "review" if review_id is not None else "promote"
        self.reserve.enter(writer, project, to_tier, unit_id, on, via)
        self.reserve.record_promotion(writer, project, from_tier=from_tier, to_tier=to_tier,
                                      unit_id=unit_id, on=on, review_id=review_id)

    # -- annual plan ---------------------------------------------------------
    def check_adopt(self, project: Project, year: int, nature: str | None, *, strict: bool = True) -> str:
        """Raise if the project may not enter ``year``'s plan; returns the year's nature.

        ``strict=False`` (``plan set``, typed by hand in any order) lets 续建 through before the
        actual start date has been entered; ended projects are refused either way.
        """
        check_year(year)
        label = f"项目“{project.label}”"
        if project.stage in ("竣工", "投产"):
            return _refuse(f"{label}已{project.stage}并销号，不能列入{year}年度计划")
        if project.stage == "终止":
            return _refuse(f"{label}已终止，不能列入{year}年度计划")
        if project.stage == "退库":
            return _refuse(f"{label}已退库，不能直接列入年度计划；如重新启动，请先 projledger reserve add 入库")
        if nature is not None and nature not in NATURES:
            return _refuse(f"建设性质“{nature}”无效，应为：{'、'.join(NATURES)}")
        chosen = nature or default_nature(project, year)
        if strict and chosen == "续建" and (project.actual_start is None or project.actual_start.year >= year) \
                and project.stage != "续建":
            return _refuse(f"{label}没有{year}年以前的实际开工日期，不能按续建列入{year}年度计划")
        return chosen

    def adopt(self, writer, project: Project, year: int, *, investment: Decimal | None,
              nature: str | None, on: dt.date, event: str = "plan_adopt", strict: bool = True) -> str:
        """列入年度计划: plan record, out of the reserve, stage = the year's nature."""
        chosen = self.check_adopt(project, year, nature, strict=strict)
        outcome = self.plans.set(writer, project, year, investment=investment, nature=chosen)
        self.reserve.leave_all(writer, project, on, f"列入{year}年度计划")
        if chosen != project.stage:
            self._move(writer, project, chosen, event, on, year=year)
        elif outcome == "created":
            self._log(writer, project, chosen, event, on, year=year)
        return outcome

    # -- end of life ---------------------------------------------------------
    def check_complete(self, project: Project, on: dt.date, stage: str) -> None:
        label = f"项目“{project.label}”"
        if stage not in ("竣工", "投产"):
            _refuse(f"完工阶段应为 竣工 或 投产（给出的是“{stage}”）")
        if project.stage == "投产" or (project.stage == "竣工" and stage == "竣工"):
            _refuse(f"{label}已于{project.completed_on}{project.stage}，已销号")
        if project.stage in TERMINAL_STAGES:
            _refuse(f"{label}已{project.stage}，不能竣工")
        if project.stage in RESERVE_STAGES:
            _refuse(f"{label}是储备库项目（{project.stage}），尚未开工，不能竣工")
        if project.actual_start is None and project.stage not in ("续建", "竣工"):
            _refuse(f"{label}还没有实际开工日期，不能竣工；请先用 projledger project update "
                    f"{project.code or project.id} --actual-start YYYY-MM-DD 登记开工")
        if project.actual_start is not None and on < project.actual_start:
            _refuse(f"竣工日期 {on} 早于实际开工日期 {project.actual_start}")

    def complete(self, writer, project: Project, on: dt.date, stage: str = "竣工") -> list[int]:
        """竣工 / 投产 → 销号清零: later years' plan records go; returns the years removed."""
        self.check_complete(project, on, stage)
        removed = self._drop_plans_after(writer, project, on.year)
        self.reserve.leave_all(writer, project, on, stage)
        extra = {} if project.completed_on else {"completed_on": on.isoformat()}
        reason = f"销号：删除{'、'.join(map(str, removed))}年度计划" if removed else None
        self._move(writer, project, stage, "complete", on, year=on.year, reason=reason, extra=extra)
        return removed

    def check_terminate(self, project: Project, as_stage: str | None, reason: str | None) -> str:
        label = f"项目“{project.label}”"
        if not (reason or "").strip():
            _refuse("终止或退库必须写明原因（--reason）")
        if project.stage in ("竣工", "投产"):
            _refuse(f"{label}已{project.stage}，不能终止或退库")
        if project.stage in TERMINAL_STAGES:
            _refuse(f"{label}已{project.stage}")
        in_reserve = self.reserve.in_reserve(project.id)
        chosen = as_stage or ("退库" if in_reserve or project.stage in RESERVE_STAGES else "终止")
        if chosen not in TERMINAL_STAGES:
            _refuse(f"应为 终止 或 退库（给出的是“{chosen}”）")
        if chosen == "退库" and not in_reserve:
            _refuse(f"{label}不在储备库中，不能退库；停止建设请用 --as 终止")
        return chosen

    def terminate(self, writer, project: Project, on: dt.date, reason: str,
                  as_stage: str | None = None) -> tuple[str, list[int]]:
        """终止 / 退库 with a reason; returns (stage, later plan years removed)."""
        chosen = self.check_terminate(project, as_stage, reason)
        reason = reason.strip()
        self.reserve.leave_all(writer, project, on, f"{chosen}：{reason}")
        removed = self._drop_plans_after(writer, project, on.year)
        self._move(writer, project, chosen, "terminate", on, reason=reason)
        return chosen, removed

    def drop_from_plan(self, writer, project: Project, year: int, on: dt.date, reason: str) -> str:
        """动态调整: out of ``year``'s plan; unstarted → back to the reserve (正在开展前期)."""
        writer.delete("annual_plans", {"project_id": project.id, "year": year}, project_id=project.id)
        if project.actual_start is None and project.stage in ("新开工", "前期"):
            self.reserve.reactivate_all(writer, project, on)
            self._move(writer, project, "正在开展前期", "plan_drop", on, year=year, reason=reason)
            return "正在开展前期"
        self._log(writer, project, project.stage, "plan_drop", on, year=year, reason=reason)
        return project.stage

    def transitions(self, project_id: int) -> list[dict]:
        rows = self.db.execute(
            "SELECT happened_on, from_stage, to_stage, event, year, reason FROM stage_transitions"
            " WHERE project_id = ? ORDER BY id", [project_id]).fetchall()
        keys = ("on", "from_stage", "to_stage", "event", "year", "reason")
        return [dict(zip(keys, row)) for row in rows]


def _probe(fields: dict) -> Project:
    """A not-yet-stored project built from validated columns, for the entry checks."""
    return Project(id=0, code=fields.get("code"), name=fields.get("name", ""), township=None, department=None,
                   owner=None, stage=fields["stage"], nature=None, industry=None, industrial=None,
                   total_investment=None, planned_start=None, planned_start_precision="day", actual_start=None,
                   actual_start_estimated=False, completed_on=None, leader=None, note=None,
                   township_id=fields.get("township_id"), department_id=fields.get("department_id"))


def _refuse(message: str):
    raise DataError(message)
