"""Quarter, half-year and year summaries (季分析、半年通报、年度考核; SPEC §5b, seed 000 §22, 002 §15).

``report quarterly|half|annual`` summarise a span of months of one year:

- **the brief** of the span's last month reached so far (year-to-date figures are cumulative,
  so the brief of September *is* the brief of 1-9月), plus the investment completed within the
  span (year-to-date at its last month minus year-to-date at the month before it);
- **each unit's rank in every month** of the span (both rankings), month by month;
- **约谈 candidates** (half-year and annual): the units in the bottom three of the June /
  December ranking — 半年和全年完成任务差的乡镇街道和区直部门要约谈其主要领导;
- **the annual 考核 score** (annual): each unit's December score plus the 加减分 of settings
  ``assessment.adjustments[year][unit]``, ranked again (score descending, then December rank).

A month's ranking is the one its monthly report saved (what was announced at the 调度会);
where none was saved, the one the monthly report computes now (the ranking module; the last
month through :func:`projledger.report_data.gather_monthly`, with the brief); a month with
neither a saved ranking nor any progress record was never ranked.  Only months that are over count (a month's sheets
arrive after it ends): the summary of an unfinished span says up to which month it goes, and a
span with no finished month is a usage error.

The pure parts (:func:`rank_table`, :func:`interview_candidates`, :func:`assessment_rows`) take
plain rankings and are tested without a database; :func:`gather_periodic` reads the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from projledger.period import Period

if TYPE_CHECKING:
    from projledger.brief import Brief
    from projledger.report_data import MonthlyData
    from projledger.scoring import RankingRow

__all__ = ["Span", "span_of", "MonthRank", "UnitRanks", "AssessmentRow", "PeriodicData", "rank_table",
           "interview_candidates", "assessment_rows", "gather_periodic", "UNIT_KINDS"]

UNIT_KINDS = ("township", "department")
_CN_QUARTERS = "一二三四"


@dataclass(frozen=True)
class Span:
    """A quarter, a half or a whole year."""

    kind: str  # quarter | half | annual
    year: int
    number: int = 1  # quarter 1-4, half 1-2

    @property
    def months(self) -> list[Period]:
        first, count = {"quarter": (3 * (self.number - 1) + 1, 3), "half": (6 * (self.number - 1) + 1, 6),
                        "annual": (1, 12)}[self.kind]
        return [Period(self.year, m) for m in range(first, first + count)]

    @property
    def label(self) -> str:
        if self.kind == "quarter":
            return f"{self.year}年第{_CN_QUARTERS[self.number - 1]}季度"
        if self.kind == "half":
            return f"{self.year}年{'上' if self.number == 1 else '下'}半年"
        return f"{self.year}年度"

    @property
    def key(self) -> str:
        """``2026Q3`` / ``2026H1`` / ``2026`` — file names and JSON."""
        return {"quarter": f"{self.year}Q{self.number}", "half": f"{self.year}H{self.number}"}.get(
            self.kind, str(self.year))

    @property
    def interview_months(self) -> list[Period]:
        """The rankings whose bottom three are 约谈 candidates: June (first half), December."""
        if self.kind == "half":
            return [Period(self.year, 6 * self.number)]
        if self.kind == "annual":
            return [Period(self.year, 6), Period(self.year, 12)]
        return []


def span_of(kind: str, year: int, number: int | None = None) -> Span:
    from projledger.errors import UsageError

    if not 2000 <= year <= 2100:
        raise UsageError(f"年度“{year}”无效，应为四位年份，如 2026")
    limit = {"quarter": 4, "half": 2, "annual": 1}[kind]
    number = 1 if kind == "annual" else number
    if number is None or not 1 <= number <= limit:
        what = {"quarter": "季度 --quarter 应为 1 至 4", "half": "半年 --half 应为 1（上半年）或 2（下半年）"}[kind]
        raise UsageError(f"{what}，收到“{number}”")
    return Span(kind, year, number)


# ---------------------------------------------------------------- pure parts


@dataclass(frozen=True)
class UnitRanks:
    """One unit's rank (and score) in each month of the span; None where it was not ranked."""

    unit: str
    ranks: tuple[int | None, ...]
    scores: tuple[Decimal | None, ...]
    bottom3: tuple[bool, ...]

    def to_json(self, months: Sequence[Period]) -> dict:
        return {"unit": self.unit, "months": [
            {"period": str(m), "rank": r, "score": None if s is None else float(s), "bottom3": b}
            for m, r, s, b in zip(months, self.ranks, self.scores, self.bottom3)]}


def rank_table(months: Sequence[Period], rankings: Mapping[Period, Mapping[str, Sequence] | None],
               kind: str) -> list[UnitRanks]:
    """Every unit ranked in some month, ordered by its rank in the latest month it was ranked
    in (latest month first), then by name."""
    units: dict[str, list] = {}
    for index, month in enumerate(months):
        for row in (rankings.get(month) or {}).get(kind, []):
            units.setdefault(row.unit, [[None] * len(months), [None] * len(months), [False] * len(months)])
            ranks, scores, flags = units[row.unit]
            ranks[index], scores[index], flags[index] = row.rank, row.score, row.bottom3

    def order(name: str):
        ranks = units[name][0]
        for back, rank in enumerate(reversed(ranks)):
            if rank is not None:
                return (back, rank, name)
        return (len(ranks), 0, name)

    return [UnitRanks(name, tuple(units[name][0]), tuple(units[name][1]), tuple(units[name][2]))
            for name in sorted(units, key=order)]


def interview_candidates(span: Span, rankings: Mapping[Period, Mapping[str, Sequence] | None]
                         ) -> dict[Period, dict[str, list] | None]:
    """Per June/December of the span: the bottom three of each ranking (None: not ranked yet)."""
    result: dict[Period, dict[str, list] | None] = {}
    for month in span.interview_months:
        ranked = rankings.get(month)
        result[month] = None if ranked is None else {
            kind: [row for row in ranked.get(kind, []) if row.bottom3] for kind in UNIT_KINDS}
    return result


@dataclass(frozen=True)
class AssessmentRow:
    """年度考核: the December score with 加减分, ranked again."""

    rank: int
    unit: str
    december_rank: int
    december_score: Decimal
    adjustment: Decimal
    score: Decimal

    def to_json(self) -> dict:
        return {"rank": self.rank, "unit": self.unit, "december_rank": self.december_rank,
                "december_score": float(self.december_score), "adjustment": float(self.adjustment),
                "score": float(self.score)}


def assessment_rows(december: Sequence, adjustments: Mapping[str, Decimal]) -> list[AssessmentRow]:
    """Score = December score + 加减分 (0 when none); ranked by score descending, then December rank."""
    scored = [(row, adjustments.get(row.unit, Decimal(0))) for row in december]
    scored.sort(key=lambda pair: (-(pair[0].score + pair[1]), pair[0].rank))
    return [AssessmentRow(n, row.unit, row.rank, row.score, points, row.score + points)
            for n, (row, points) in enumerate(scored, start=1)]


def adjustments_for(settings, year: int) -> dict[str, Decimal]:
    """The year's 加减分 from settings, as exact decimals (entered as plain numbers)."""
    points = settings.assessment.adjustments.get(str(year), {})
    return {unit: Decimal(repr(value)).quantize(Decimal("0.01")) for unit, value in points.items()}


# ---------------------------------------------------------------- from the ledger


@dataclass
class PeriodicData:
    span: Span
    months: list[Period]  # the months reached so far (all of the span once it is over)
    monthly: "MonthlyData"  # the last reached month, as the monthly report gathers it
    brief: "Brief"
    span_completed: Decimal  # investment completed within the span (万元)
    rankings: dict[Period, dict[str, list] | None]
    ranks: dict[str, list[UnitRanks]]
    interviews: dict[Period, dict[str, list] | None]
    assessment: dict[str, list[AssessmentRow]] | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def data_month(self) -> Period:
        """The month the brief speaks of: the latest ranked month of the span."""
        return self.monthly.period

    @property
    def complete(self) -> bool:
        return self.months == self.span.months

    def to_json(self) -> dict:
        from projledger.money import money_json

        data = {
            "kind": self.span.kind, "year": self.span.year, "span": self.span.key, "label": self.span.label,
            "months": [str(m) for m in self.months], "complete": self.complete,
            "data_month": str(self.data_month),
            "as_of": self.monthly.as_of.isoformat(), "span_completed": money_json(self.span_completed),
            "brief": self.brief.to_json(),
            "ranks": {kind: [u.to_json(self.months) for u in self.ranks.get(kind, [])] for kind in UNIT_KINDS},
        }
        if self.span.interview_months:
            data["interviews"] = {str(m): None if found is None else {
                kind: [{"rank": r.rank, "unit": r.unit, "score": float(r.score)} for r in rows]
                for kind, rows in found.items()} for m, found in self.interviews.items()}
        if self.span.kind == "annual":
            data["assessment"] = None if self.assessment is None else {
                kind: [row.to_json() for row in rows] for kind, rows in self.assessment.items()}
        return data


def reached_months(span: Span, today: dt.date) -> list[Period]:
    """The span's months that are over by ``today`` (a month's sheets arrive after it ends)."""
    from projledger.errors import UsageError

    months = [m for m in span.months if m.end < today]
    if not months:
        raise UsageError(f"{span.label}还没有过完的月份（今天是 {today.isoformat()}），不能汇总")
    return months


def gather_periodic(ledger, span: Span, *, today: dt.date | None = None, filters=None) -> PeriodicData:
    """Read a span's summary: the last reached month in full, every month's rankings."""
    from projledger.report_data import gather_monthly
    from projledger.store.db import read_snapshot

    today = today or dt.date.today()
    months = reached_months(span, today)
    db = ledger.db
    with read_snapshot(db):
        saved = _saved_rankings(db, span.year)
        ranked = _ranked_months(db, span.year, saved)
        # the brief speaks of the latest month that was ranked (a month nobody reported is skipped)
        latest = max((m for m in months if str(m) in ranked), default=months[-1])
        monthly = gather_monthly(ledger, latest, as_of=latest.end, filters=filters)
        rankings = _month_rankings(ledger, months, monthly, ranked, saved)
        completed = _span_completed(db, months, monthly)
    data = PeriodicData(span, months, monthly, monthly.brief, completed, rankings,
                        {kind: rank_table(months, rankings, kind) for kind in UNIT_KINDS},
                        interview_candidates(span, rankings))
    if span.kind == "annual":
        _assess(data, ledger.settings())
    return data


@dataclass(frozen=True)
class MonthRank:
    """A unit's place in a month's ranking as that month's report saved it."""

    rank: int
    unit: str
    score: Decimal
    bottom3: bool
    bottom3_streak: int


def _saved_rankings(db, year: int) -> dict[str, dict[str, list[MonthRank]]]:
    """Every ranking saved for ``year``: period → kind → rows in rank order (the unit's
    current name; the score is stored in hundredths)."""
    saved: dict[str, dict[str, list[MonthRank]]] = {}
    for period, kind, unit, rank, score, bottom3, streak in db.execute(
            "SELECT s.period, s.kind, COALESCE(u.name, s.unit), s.rank, s.score, s.bottom3, s.bottom3_streak"
            " FROM ranking_snapshots s LEFT JOIN units u ON u.id = s.unit_id WHERE s.year = ?"
            " ORDER BY s.period, s.kind, s.rank", [year]):
        saved.setdefault(period, {kind: [] for kind in UNIT_KINDS}).setdefault(kind, []).append(
            MonthRank(rank, unit, Decimal(score).scaleb(-2), bool(bottom3), streak))
    return saved


def _ranked_months(db, year: int, saved: Mapping[str, object]) -> set[str]:
    """Months of ``year`` that were ranked: a saved ranking, or at least one progress record
    (SPEC §5: a month with neither was never ranked)."""
    progress = {p for (p,) in db.execute("SELECT DISTINCT period FROM progress WHERE year = ?", [year])}
    return set(saved) | progress


def _month_rankings(ledger, months: Sequence[Period], latest: "MonthlyData", ranked: set[str],
                    saved: Mapping[str, dict[str, list]]) -> dict[Period, dict[str, list] | None]:
    """Each month's rankings: as its report saved them (what was announced), else as the
    monthly report computes them now, else None (never ranked)."""
    from projledger.ranking import monthly_ranking

    rankings: dict[Period, dict[str, list] | None] = {}
    for month in months:
        if str(month) in saved:
            rankings[month] = saved[str(month)]
        elif month == latest.period:
            rankings[month] = latest.ranking.rankings
        elif str(month) in ranked:
            rankings[month] = monthly_ranking(ledger, month).rankings
        else:
            rankings[month] = None
    return rankings


def _span_completed(db, months: Sequence[Period], monthly: "MonthlyData") -> Decimal:
    """Σ year-to-date at the last month − Σ year-to-date at the month before the span."""
    total = sum((line.ytd_completed for line in monthly.projects), Decimal(0))
    if months[0].month == 1:
        return total
    from projledger.progress import ytd_by_project

    before = ytd_by_project(db, months[0].year, str(months[0].previous()))
    return total - sum((before.get(line.project_id, Decimal(0)) for line in monthly.projects), Decimal(0))


def _assess(data: PeriodicData, settings) -> None:
    december = data.rankings.get(Period(data.span.year, 12))
    points = adjustments_for(settings, data.span.year)
    if december is None:
        data.warnings.append(f"{data.span.year}年12月尚未排名，暂不能计算年度考核得分")
        return
    data.assessment = {kind: assessment_rows(december.get(kind, []), points) for kind in UNIT_KINDS}
    ranked = {row.unit for rows in december.values() for row in rows}
    for unit in sorted(set(points) - ranked):
        data.warnings.append(f"考核加减分中的“{unit}”不在{data.span.year}年12月的排名中，未计入")
