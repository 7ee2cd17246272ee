"""The project reserve library (项目储备库): tiers, memberships, reviews and the threshold check.

Seed 002 (一.2–3) sets up four kinds of library: 综合 (the county's, kept by 县发改局), 行业
(one per department), 产业链 (one per chain office) and 乡镇 (one per township).  Projects
climb 乡镇 → 行业 after 初核 by the department, and 行业 → 综合 by selection (择优生成); a
chain office's projects enter its 产业链 library after the chain head's review.

Design:

* **Membership, not a single slot.**  ``reserve_entries`` holds one row per project per tier.
  Promotion *adds* the higher library and keeps the lower ones: a township still counts a
  project its department accepted, and a department still counts one the county selected.
  Each tier's total is therefore checked on its own (a project may appear in several totals).
* **Leaving keeps the row.**  Entering the annual plan, 退库 or 终止 sets ``left_on`` and a
  reason; listing shows only active rows unless asked.  A project returning to the reserve
  (e.g. moved out of the plan by 动态调整) reactivates its rows.
* **Exact thresholds.**  Totals are Decimal 万元; thresholds are 亿元 from settings
  (``settings.reserve``); comparisons are ``total_万元 >= threshold_亿 × 10000`` and gaps are
  exact 亿元 (0.01 万元 = 0.000001 亿元, so a gap never rounds to zero).  The 综合 library's
  industrial share (产业类占比) is by investment: industrial total / total, compared by
  cross-multiplication.
* Which units are checked: every township (each must hold ≥ 10亿) and every chain office; for
  行业, the departments that have (or had) a 行业 library — the county has many departments
  (审计、财政 …) that keep none — or every department with ``all_units``.

Stage rules (who may enter, when one leaves) live in :mod:`projledger.lifecycle`; this module
reads and writes the reserve tables inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from projledger.dates import iso, stored_date as _date
from projledger.errors import DataError
from projledger.money import from_db, money_json, to_db
from projledger.projects import Project, Projects

__all__ = [
    "TIERS", "TIER_UNIT_KIND", "TIER_UNIT_ROLE", "REVIEW_RESULTS", "READINESS", "YI",
    "ReserveEntry", "ReserveInfo", "Review", "ReserveItem", "TierTotal", "TierCheck",
    "Reserve", "check_tier", "check_tiers", "wan_to_yi", "format_yi", "yi_json",
    "share_json", "library_label", "readiness", "rank_candidates", "procedures_done_counts", "check_tier_name",
]

TIERS = ("综合", "行业", "产业链", "乡镇")
#: Which kind of unit owns each tier's libraries (综合 is the county's one library).
TIER_UNIT_KIND = {"综合": None, "行业": "department", "产业链": "chain", "乡镇": "township"}
TIER_UNIT_ROLE = {"行业": "行业主管部门", "产业链": "产业链办公室", "乡镇": "乡镇"}
REVIEW_RESULTS = ("通过", "不通过")
#: 前期成熟度: the further a reserve project's preparation, the readier for the annual plan.
READINESS = {"正在开展前期": 4, "拟开展前期": 3, "规划": 2, "谋划": 1}
YI = Decimal(10000)  # 1 亿元 = 10000 万元

_TIER_WORDS = {
    "综合": "综合", "综合库": "综合", "综合储备库": "综合", "县级综合储备库": "综合",
    "行业": "行业", "行业库": "行业", "行业储备库": "行业",
    "产业链": "产业链", "产业链库": "产业链", "产业链储备库": "产业链", "链条": "产业链",
    "乡镇": "乡镇", "乡镇库": "乡镇", "乡镇储备库": "乡镇", "属地": "乡镇", "乡镇储备": "乡镇",
}


def check_tier_name(text: str | None) -> str:
    """``行业储备库`` / ``行业`` → ``行业``; anything else is a data error naming the four tiers."""
    from projledger.text import squash

    key = squash(text or "")
    if key not in _TIER_WORDS:
        raise DataError(f"储备库层级“{text}”无效，应为：{'、'.join(TIERS)}")
    return _TIER_WORDS[key]


def library_label(tier: str, unit: str | None) -> str:
    """``县交通局行业储备库``, ``有机农业产业链储备库`` (no doubled 产业链), ``综合储备库``."""
    if not unit:
        return f"{tier}储备库"
    return f"{unit}储备库" if unit.endswith(tier) else f"{unit}{tier}储备库"


# ------------------------------------------------------------------ records

@dataclass(frozen=True)
class ReserveEntry:
    tier: str
    unit: str | None
    unit_id: int | None
    entered_on: dt.date
    entered_via: str
    left_on: dt.date | None = None
    left_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.left_on is None

    @property
    def label(self) -> str:
        return library_label(self.tier, self.unit)

    def to_json(self) -> dict:
        return {"tier": self.tier, "unit": self.unit, "entered_on": iso(self.entered_on),
                "entered_via": self.entered_via, "left_on": iso(self.left_on),
                "left_reason": self.left_reason}


@dataclass(frozen=True)
class ReserveInfo:
    source: str | None = None
    progress: str | None = None
    next3_investment: Decimal | None = None


@dataclass(frozen=True)
class Review:
    id: int
    target_tier: str
    result: str
    reviewer: str | None
    reviewed_on: dt.date
    opinion: str | None

    def to_json(self) -> dict:
        return {"target_tier": self.target_tier, "result": self.result, "reviewer": self.reviewer,
                "reviewed_on": iso(self.reviewed_on), "opinion": self.opinion}


@dataclass
class ReserveItem:
    """A project in the reserve with its libraries, sheet info and latest review."""

    project: Project
    entries: list[ReserveEntry]
    info: ReserveInfo = field(default_factory=ReserveInfo)
    last_review: Review | None = None

    def to_json(self) -> dict:
        p = self.project
        return {
            "id": p.id, "code": p.code, "name": p.name, "stage": p.stage,
            "township": p.township, "department": p.department,
            "industrial": p.industrial, "industry": p.industry,
            "total_investment": money_json(p.total_investment),
            "tiers": [e.to_json() for e in self.entries],
            "source": self.info.source, "progress": self.info.progress,
            "next3_investment": money_json(self.info.next3_investment),
            "last_review": self.last_review.to_json() if self.last_review else None,
        }


# ------------------------------------------------------------------ the store

class Reserve:
    """Reserve reads, and writes inside the caller's transaction."""

    def __init__(self, db, projects: Projects | None = None):
        self.db = db
        self.projects = projects or Projects(db)
        self.units = self.projects.units

    # -- reads ---------------------------------------------------------------
    def _entry(self, row) -> ReserveEntry:
        tier, unit_id, entered_on, via, left_on, reason = row
        unit = self.units.by_id(unit_id)
        return ReserveEntry(tier, unit.name if unit else None, unit_id, _date(entered_on), via,
                            _date(left_on), reason)

    def entries(self, project_id: int, *, active_only: bool = True) -> list[ReserveEntry]:
        sql = ("SELECT tier, unit_id, entered_on, entered_via, left_on, left_reason"
               " FROM reserve_entries WHERE project_id = ?")
        if active_only:
            sql += " AND left_on IS NULL"
        rows = self.db.execute(sql, [project_id]).fetchall()
        return sorted((self._entry(r) for r in rows), key=lambda e: TIERS.index(e.tier))

    def entry(self, project_id: int, tier: str) -> ReserveEntry | None:
        row = self.db.execute(
            "SELECT tier, unit_id, entered_on, entered_via, left_on, left_reason FROM reserve_entries"
            " WHERE project_id = ? AND tier = ?", [project_id, tier]).fetchone()
        return self._entry(row) if row else None

    def in_reserve(self, project_id: int) -> bool:
        return bool(self.entries(project_id))

    def info(self, project_id: int) -> ReserveInfo:
        row = self.db.execute("SELECT source, progress, next3_investment FROM reserve_info"
                              " WHERE project_id = ?", [project_id]).fetchone()
        return ReserveInfo(row[0], row[1], from_db(row[2])) if row else ReserveInfo()

    def reviews(self, project_id: int, target_tier: str | None = None) -> list[Review]:
        sql = ("SELECT id, target_tier, result, reviewer_unit_id, reviewed_on, opinion"
               " FROM reserve_reviews WHERE project_id = ?")
        params: list = [project_id]
        if target_tier:
            sql += " AND target_tier = ?"
            params.append(target_tier)
        result = []
        for rid, tier, outcome, reviewer_id, on, opinion in self.db.execute(sql + " ORDER BY reviewed_on, id", params):
            reviewer = self.units.by_id(reviewer_id)
            result.append(Review(rid, tier, outcome, reviewer.name if reviewer else None, _date(on), opinion))
        return result

    def latest_review(self, project_id: int, target_tier: str | None = None) -> Review | None:
        found = self.reviews(project_id, target_tier)
        return found[-1] if found else None

    def items(self, *, tier: str | None = None, unit: str | None = None, stage: str | None = None,
              include_left: bool = False) -> list[ReserveItem]:
        """Reserve projects, optionally only those in ``tier`` (of ``unit``), at ``stage``."""
        unit_id = None
        if unit is not None:
            if tier is None or TIER_UNIT_KIND[tier] is None:
                raise DataError("按单位筛选时请同时指定 --tier 行业 / 产业链 / 乡镇")
            unit_id = self.units.resolve(unit, TIER_UNIT_KIND[tier], role=TIER_UNIT_ROLE[tier]).id
        sql = "SELECT DISTINCT project_id FROM reserve_entries WHERE 1=1"
        params: list = []
        if not include_left:
            sql += " AND left_on IS NULL"
        if tier:
            sql += " AND tier = ?"
            params.append(tier)
        if unit_id is not None:
            sql += " AND unit_id = ?"
            params.append(unit_id)
        items = []
        for (project_id,) in self.db.execute(sql + " ORDER BY project_id", params).fetchall():
            project = self.projects.by_id(project_id)
            if stage and project.stage != stage:
                continue
            items.append(ReserveItem(project, self.entries(project_id, active_only=not include_left),
                                     self.info(project_id), self.latest_review(project_id)))
        return items

    def tier_totals(self, *, all_units: bool = False) -> list["TierTotal"]:
        """Each library's active total (Decimal 万元), industrial total and counts."""
        sums: dict[tuple[str, int | None], TierTotal] = {}
        for tier, unit_id in self._libraries(all_units):
            unit = self.units.by_id(unit_id)
            sums[(tier, unit_id)] = TierTotal(tier, unit.name if unit else None)
        rows = self.db.execute(
            "SELECT e.tier, e.unit_id, p.total_investment, p.industrial FROM reserve_entries e"
            " JOIN projects p ON p.id = e.project_id WHERE e.left_on IS NULL").fetchall()
        for tier, unit_id, total, industrial in rows:
            bucket = sums.get((tier, unit_id))
            if bucket is None:  # pragma: no cover - every active library is listed above
                continue
            bucket.add(from_db(total), industrial)
        return sorted(sums.values(), key=lambda t: (TIERS.index(t.tier), t.unit or ""))

    def started_in_reserve(self) -> list[Project]:
        """Projects still listed in the reserve although an actual start has been recorded since
        (a township sheet reported 已开工): they must leave it (plan adopt or terminate)."""
        rows = self.db.execute(
            "SELECT DISTINCT e.project_id FROM reserve_entries e JOIN projects p ON p.id = e.project_id"
            " WHERE e.left_on IS NULL AND p.actual_start IS NOT NULL ORDER BY e.project_id").fetchall()
        return [self.projects.by_id(pid) for (pid,) in rows]

    def _libraries(self, all_units: bool) -> list[tuple[str, int | None]]:
        libraries: list[tuple[str, int | None]] = [("综合", None)]
        for unit in self.units.all():
            if unit.kind == "township":
                libraries.append(("乡镇", unit.id))
            elif unit.kind == "chain":
                libraries.append(("产业链", unit.id))
            elif unit.kind == "department" and all_units:
                libraries.append(("行业", unit.id))
        for tier, unit_id in self.db.execute("SELECT DISTINCT tier, unit_id FROM reserve_entries"):
            if (tier, unit_id) not in libraries:
                libraries.append((tier, unit_id))
        return libraries

    # -- writes --------------------------------------------------------------
    def enter(self, writer, project: Project, tier: str, unit_id: int | None, on: dt.date,
              via: str) -> str:
        """Put the project in one library: "created", "reactivated" or refused if already there."""
        existing = self.entry(project.id, tier)
        if existing is not None and existing.active:
            raise DataError(f"项目“{project.label}”已在{existing.label}（{existing.entered_on}入库）")
        values = {"unit_id": unit_id, "entered_on": on.isoformat(), "entered_via": via,
                  "left_on": None, "left_reason": None}
        key = {"project_id": project.id, "tier": tier}
        outcome = writer.upsert("reserve_entries", key, values, project_id=project.id)
        return "created" if outcome == "created" else "reactivated"

    def leave_all(self, writer, project: Project, on: dt.date, reason: str) -> int:
        """Take the project out of every library it is in; returns how many it left."""
        count = 0
        for entry in self.entries(project.id):
            writer.update("reserve_entries", {"project_id": project.id, "tier": entry.tier},
                          {"left_on": on.isoformat(), "left_reason": reason}, project_id=project.id)
            count += 1
        return count

    def reactivate_all(self, writer, project: Project, on: dt.date) -> int:
        """Back into the libraries it left (动态调整 moving an unstarted project out of the plan)."""
        count = 0
        for entry in self.entries(project.id, active_only=False):
            if not entry.active:
                writer.update("reserve_entries", {"project_id": project.id, "tier": entry.tier},
                              {"left_on": None, "left_reason": None, "entered_on": on.isoformat(),
                               "entered_via": "plan_adjust"}, project_id=project.id)
                count += 1
        return count

    def set_info(self, writer, project: Project, *, source: str | None = None,
                 progress: str | None = None, next3_investment: Decimal | None = None) -> str:
        """Store the given sheet fields (None leaves a field as it is)."""
        values = {k: v for k, v in (("source", source), ("progress", progress),
                                    ("next3_investment", to_db(next3_investment))) if v is not None}
        if not values:
            return "unchanged"
        return writer.upsert("reserve_info", {"project_id": project.id}, values, project_id=project.id)

    def record_review(self, writer, project: Project, *, target_tier: str, result: str,
                      reviewer_id: int | None, on: dt.date, opinion: str | None) -> int:
        if result not in REVIEW_RESULTS:
            raise DataError(f"初核结果“{result}”无效，应为：{'、'.join(REVIEW_RESULTS)}")
        return writer.insert("reserve_reviews", {
            "project_id": project.id, "target_tier": target_tier, "result": result,
            "reviewer_unit_id": reviewer_id, "reviewed_on": on.isoformat(), "opinion": opinion,
        }, project_id=project.id)

    def record_promotion(self, writer, project: Project, *, from_tier: str | None, to_tier: str,
                         unit_id: int | None, on: dt.date, review_id: int | None = None) -> int:
        return writer.insert("reserve_promotions", {
            "project_id": project.id, "from_tier": from_tier, "to_tier": to_tier, "unit_id": unit_id,
            "promoted_on": on.isoformat(), "review_id": review_id,
        }, project_id=project.id)

    def promotions(self, project_id: int) -> list[dict]:
        rows = self.db.execute("SELECT from_tier, to_tier, unit_id, promoted_on, review_id"
                               " FROM reserve_promotions WHERE project_id = ? ORDER BY id", [project_id])
        result = []
        for from_tier, to_tier, unit_id, on, review_id in rows:
            unit = self.units.by_id(unit_id)
            result.append({"from_tier": from_tier, "to_tier": to_tier, "unit": unit.name if unit else None,
                           "promoted_on": on, "review_id": review_id})
        return result


# ------------------------------------------------------------------ the check (pure)

@dataclass
class TierTotal:
    """One library's active contents: count, total and industrial total in 万元."""

    tier: str
    unit: str | None
    projects: int = 0
    total: Decimal = Decimal("0.00")
    industrial_total: Decimal = Decimal("0.00")
    unmarked: int = 0  # projects not marked 产业类 or not

    def add(self, total: Decimal | None, industrial: int | bool | None) -> None:
        self.projects += 1
        amount = total or Decimal("0.00")
        self.total += amount
        if industrial:
            self.industrial_total += amount
        elif industrial is None:
            self.unmarked += 1


@dataclass(frozen=True)
class TierCheck:
    tier: str
    unit: str | None
    projects: int
    total: Decimal
    threshold_yi: Decimal
    gap_yi: Decimal
    industrial_total: Decimal | None = None
    industrial_share: Decimal | None = None
    share_threshold: Decimal | None = None
    share_meets: bool | None = None
    unmarked: int = 0

    @property
    def meets(self) -> bool:
        return self.gap_yi == 0 and self.share_meets is not False

    @property
    def label(self) -> str:
        return library_label(self.tier, self.unit)

    def to_json(self) -> dict:
        row = {"tier": self.tier, "unit": self.unit, "projects": self.projects,
               "total": money_json(self.total), "total_yi": yi_json(wan_to_yi(self.total)),
               "threshold_yi": yi_json(self.threshold_yi), "gap_yi": yi_json(self.gap_yi),
               "meets_total": self.gap_yi == 0, "meets": self.meets}
        if self.tier == "综合":
            row.update({"industrial_total": money_json(self.industrial_total),
                        "industrial_share": share_json(self.industrial_share),
                        "industrial_share_threshold": share_json(self.share_threshold),
                        "meets_industrial_share": self.share_meets,
                        "unmarked_industrial": self.unmarked})
        return row


def wan_to_yi(amount: Decimal) -> Decimal:
    """万元 → 亿元, exact (a 0.01 万元 amount has at most six decimals in 亿元)."""
    return amount / YI


def check_tier(total: TierTotal, threshold_yi: Decimal, share_threshold: Decimal | None = None) -> TierCheck:
    """Compare one library with its threshold; the gap is exact 亿元 and never negative."""
    threshold_wan = threshold_yi * YI
    gap = max(threshold_wan - total.total, Decimal(0))
    extra: dict = {}
    if share_threshold is not None:
        share = total.industrial_total / total.total if total.total > 0 else None
        # industrial / total >= share  ⇔  industrial >= share × total (no rounded percentage)
        meets = total.total > 0 and total.industrial_total >= share_threshold * total.total
        extra = {"industrial_total": total.industrial_total, "industrial_share": share,
                 "share_threshold": share_threshold, "share_meets": meets, "unmarked": total.unmarked}
    return TierCheck(total.tier, total.unit, total.projects, total.total, threshold_yi,
                     wan_to_yi(gap), **extra)


def check_tiers(totals: list[TierTotal], thresholds) -> list[TierCheck]:
    """Every library against ``thresholds`` (``settings.reserve``: values in 亿元)."""
    by_tier = {"综合": thresholds.comprehensive_yi, "行业": thresholds.industry_yi,
               "产业链": thresholds.chain_yi, "乡镇": thresholds.township_yi}
    checks = []
    for total in totals:
        share = thresholds.comprehensive_industrial_share if total.tier == "综合" else None
        checks.append(check_tier(total, Decimal(by_tier[total.tier]), share))
    return checks


def format_yi(amount: Decimal) -> str:
    """亿元 for screens: two decimals, more only when needed to stay exact (``0.000050``)."""
    if amount == amount.quantize(Decimal("0.01")):
        return f"{amount:,.2f}"
    return f"{amount.quantize(Decimal('0.000001')):,.6f}"


def yi_json(amount: Decimal | None) -> int | float | None:
    if amount is None:
        return None
    if amount == amount.to_integral_value():
        return int(amount)
    return float(amount.quantize(Decimal("0.000001")).normalize())


def share_json(share: Decimal | None) -> float | None:
    """A share as a fraction to four places (0.5234 = 52.34%)."""
    if share is None:
        return None
    return float(share.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


# ------------------------------------------------------------------ plan candidates

def readiness(stage: str) -> int:
    return READINESS.get(stage, 0)


def rank_candidates(items: list[ReserveItem], procedures_done: dict[int, int] | None = None) -> list[ReserveItem]:
    """Ripest first: stage (正在开展前期 > 拟开展前期 > 规划 > 谋划), then procedures done (when the
    ledger has a procedures table), then total investment (larger first), then name."""
    done = procedures_done or {}

    def key(item: ReserveItem):
        p = item.project
        return (-readiness(p.stage), -done.get(p.id, 0), -(p.total_investment or Decimal(0)), p.name, p.id)

    return sorted(items, key=key)


def procedures_done_counts(db) -> dict[int, int] | None:
    """Procedures done per project, or None when the ledger has no ``procedures`` table yet."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(procedures)").fetchall()}
    if not {"project_id", "done_on"} <= columns:
        return None
    rows = db.execute("SELECT project_id, COUNT(*) FROM procedures WHERE done_on IS NOT NULL"
                      " GROUP BY project_id").fetchall()
    return {pid: count for pid, count in rows}
