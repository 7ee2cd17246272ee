"""逐月排队通报: the pure monthly ranking of townships and departments (SPEC §5).

The caller (report assembly) reads the database and hands over plain records:

- :class:`PlanProject` — one project in the annual plan of year Y, with its year-to-date
  completed investment already resolved for period P (latest progress of Y with period ≤ P,
  else 0);
- :class:`ProblemRecord` — one problem of the problem ledger (问题台账).

:func:`rank_units` turns them into :class:`RankingRow` lists; :func:`bottom3_streak` (or
:func:`fill_streaks` for a whole ranking) counts consecutive bottom-three periods from the
saved history.  Nothing here touches a database or a clock, and no float enters the
computation: floats appear only in :meth:`RankingRow.to_json`'s output.

Exactness.  Money and rates are :class:`~decimal.Decimal`; the row's rate fields are the
quotients to 28 significant digits.  Every *decision* — the score's half-up rounding, the
tie-break comparisons, the 4-decimal rounding of rates in JSON — is made on the exact
rational value (:class:`fractions.Fraction`, built from the integer counts and the exact
Decimal sums), so a repeating quotient such as 2/3 can never round or compare differently
from a hand calculation.  Rounding is half-up (away from zero at exactly .5): the score to
2 decimals (stored as a 2-place Decimal), rates in JSON to 4 decimals (0.12345 → 0.1235).

Decisions where SPEC §5 is silent (keep the docs and tests in step with these):

- ``annual_plan`` / ``ytd_completed`` of a row are sums over the unit's plan projects with a
  **positive** annual plan — the same projects the investment rate uses — so the row reads
  ``ytd_completed / annual_plan == invest_rate``.  Year-to-date money of a zero-plan project
  is not shown in the row (it cannot enter the rate either).
- ``invest_rate`` is the plain ratio and may exceed 1 (over-completion is shown as it is);
  only the score uses ``min(invest_rate, 1)``.
- *started* counts only projects that are due: a 新开工 project that started early but whose
  planned start is after P is neither due nor started, so the start rate never exceeds 1.
- A unit whose three metrics are all null — or whose non-null metrics all have weight 0 —
  scores 0.
- Township problems are those whose ``township`` is the township, whether or not the project
  is in this year's plan ("problems of its projects"); the caller decides which problems it
  passes in.
- A department enters the ranking through problems only if it leads at least one problem
  that counts for P (reported in Y, on or before the end of P): a department with nothing
  to measure would otherwise sit at the bottom with a score of 0.  When
  ``department_problem_units`` is given, only lead units in it can enter that way (a problem
  led by a township or a 专班 does not create a department row).
- Nature is compared after NFKC and whitespace removal, so ``" 新开工"`` counts as 新开工.
- A period missing from the streak history is treated like ``None``: never ranked.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, localcontext
from fractions import Fraction
from functools import lru_cache

from projledger.period import Period
from projledger.money import money_json
from projledger.text import squash

__all__ = [
    "PlanProject",
    "ProblemRecord",
    "Weights",
    "RankingRow",
    "UNIT_KINDS",
    "NATURE_NEW_START",
    "BOTTOM3_SIZE",
    "BOTTOM3_STREAK_ALERT",
    "rank_units",
    "rank_kinds",
    "bottom3_streak",
    "fill_streaks",
]

UNIT_KINDS = ("township", "department")
NATURE_NEW_START = "新开工"
BOTTOM3_SIZE = 3
#: 连续三次排名后三位, 须在季度调度会上说明情况 (第二十二条).
BOTTOM3_STREAK_ALERT = 3

_SCORE_PLACES = 2
_RATE_JSON_PLACES = 4
_SUM_PRECISION = 60
_ZERO = Decimal(0)


@dataclass(frozen=True)
class PlanProject:
    """One project in the annual plan of year Y, as seen at period P (money in 万元)."""

    project_id: int
    township: str | None
    department: str | None
    nature: str | None
    annual_plan: Decimal
    planned_start: date | None
    actual_start: date | None
    ytd_completed: Decimal


@dataclass(frozen=True)
class ProblemRecord:
    """One problem: its project's township, its lead unit (牵头单位), reported and closed dates."""

    project_id: int
    township: str | None
    lead_unit: str | None
    reported_on: date
    closed_on: date | None


@dataclass(frozen=True)
class Weights:
    """Score weights (settings); non-negative, not all zero."""

    start: Decimal = Decimal("0.3")
    invest: Decimal = Decimal("0.5")
    resolve: Decimal = Decimal("0.2")

    def __post_init__(self) -> None:
        values = (self.start, self.invest, self.resolve)
        for value in values:
            if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
                raise ValueError(f"评分权重必须是非负的 Decimal：{value!r}")
        if sum(values) == 0:
            raise ValueError("评分权重不能全部为 0")


@dataclass(frozen=True)
class RankingRow:
    """One unit's line in a ranking; rates are fractions (0.85, not 85)."""

    rank: int
    unit: str
    projects: int
    start_due: int
    started: int
    start_rate: Decimal | None
    annual_plan: Decimal
    ytd_completed: Decimal
    invest_rate: Decimal | None
    problems: int
    problems_closed: int
    resolve_rate: Decimal | None
    score: Decimal
    bottom3: bool
    bottom3_streak: int = field(default=0)

    def to_json(self) -> dict:
        """The SPEC §5 ROW: rates as floats rounded half-up to 4 decimals (from the exact
        ratio), money as numbers in 万元, score as a float with 2 decimals."""
        return {
            "rank": self.rank,
            "unit": self.unit,
            "projects": self.projects,
            "start_due": self.start_due,
            "started": self.started,
            "start_rate": _rate_json(_exact_start(self), self.start_rate),
            "annual_plan": money_json(self.annual_plan),
            "ytd_completed": money_json(self.ytd_completed),
            "invest_rate": _rate_json(_exact_invest(self), self.invest_rate),
            "problems": self.problems,
            "problems_closed": self.problems_closed,
            "resolve_rate": _rate_json(_exact_resolve(self), self.resolve_rate),
            "score": float(self.score),
            "bottom3": self.bottom3,
            "bottom3_streak": self.bottom3_streak,
        }


# ---------------------------------------------------------------- exact arithmetic


def _ratio(numerator: int | Decimal, denominator: int | Decimal) -> Fraction | None:
    if denominator == 0:
        return None
    return Fraction(numerator) / Fraction(denominator)


def _to_decimal(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value.numerator) / Decimal(value.denominator)


def _round_half_up(value: Fraction, places: int) -> Decimal:
    """Exact half-up (away from zero at .5) rounding of a rational to ``places`` decimals."""
    scaled = abs(value) * 10**places
    units = int(scaled + Fraction(1, 2))  # floor, since the operand is non-negative
    if value < 0:
        units = -units
    return Decimal(units).scaleb(-places)


def _exact_start(row: RankingRow) -> Fraction | None:
    return _ratio(row.started, row.start_due)


def _exact_invest(row: RankingRow) -> Fraction | None:
    return _ratio(row.ytd_completed, row.annual_plan)


def _exact_resolve(row: RankingRow) -> Fraction | None:
    return _ratio(row.problems_closed, row.problems)


def _rate_json(exact: Fraction | None, stored: Decimal | None) -> float | None:
    if stored is None:
        return None
    value = exact if exact is not None else Fraction(stored)
    return float(_round_half_up(value, _RATE_JSON_PLACES))


def _score(
    start: Fraction | None, invest: Fraction | None, resolve: Fraction | None, weights: Weights
) -> Decimal:
    """100 × Σ wᵢ·mᵢ / Σ wᵢ over non-null metrics, m_invest capped at 1; half-up to 0.01."""
    if invest is not None:
        invest = min(invest, Fraction(1))
    terms = [
        (Fraction(weight), metric)
        for weight, metric in (
            (weights.start, start),
            (weights.invest, invest),
            (weights.resolve, resolve),
        )
        if metric is not None
    ]
    total_weight = sum((weight for weight, _ in terms), Fraction(0))
    if total_weight == 0:
        return Decimal(0).scaleb(-_SCORE_PLACES)
    weighted = sum((weight * metric for weight, metric in terms), Fraction(0))
    return _round_half_up(100 * weighted / total_weight, _SCORE_PLACES)


# ---------------------------------------------------------------- per-unit tallies


@dataclass
class _Tally:
    projects: int = 0
    start_due: int = 0
    started: int = 0
    annual_plan: Decimal = Decimal(0)
    ytd_completed: Decimal = Decimal(0)
    problems: int = 0
    problems_closed: int = 0


@lru_cache(maxsize=64)
def _is_new_start(nature: str | None) -> bool:
    """新开工 after NFKC and whitespace removal (a plan has few distinct natures: cached)."""
    return nature is not None and squash(nature) == NATURE_NEW_START


def _problem_counts(problem: ProblemRecord, year: int, end: date) -> tuple[bool, bool]:
    """(reported, closed) for the ranking of period P in year Y."""
    reported = problem.reported_on.year == year and problem.reported_on <= end
    closed = reported and problem.closed_on is not None and problem.closed_on <= end
    return reported, closed


def _tally_units(
    kinds: Iterable[str],
    year: int,
    end: date,
    projects: Iterable[PlanProject],
    problems: Iterable[ProblemRecord],
    department_problem_units: Collection[str] | None,
    ytd: Mapping[int, Decimal] | None = None,
) -> dict[str, dict[str, _Tally]]:
    """Per kind, each unit's tally — every kind in ONE pass over the projects and problems
    (a province ranks 100,000 projects for several periods of a report).  ``ytd``, when
    given, replaces each project's ``ytd_completed`` (0 when absent)."""
    kinds = tuple(kinds)
    by_kind: dict[str, dict[str, _Tally]] = {kind: {} for kind in kinds}
    township_tallies = by_kind.get("township")
    department_tallies = by_kind.get("department")
    seen: set[int] = set()
    with localcontext() as ctx:
        ctx.prec = _SUM_PRECISION  # sums stay exact even for absurdly large amounts
        for project in projects:
            if project.project_id in seen:
                raise ValueError(f"计划项目重复：{project.project_id}")
            seen.add(project.project_id)
            due = (project.planned_start is not None and project.planned_start <= end
                   and _is_new_start(project.nature))
            started = due and project.actual_start is not None and project.actual_start <= end
            planned = project.annual_plan > 0
            completed = project.ytd_completed if ytd is None else ytd.get(project.project_id, _ZERO)
            for tallies, unit in ((township_tallies, project.township),
                                  (department_tallies, project.department)):
                if tallies is None or unit is None:
                    continue
                tally = tallies.get(unit)
                if tally is None:
                    tally = tallies[unit] = _Tally()
                tally.projects += 1
                if due:
                    tally.start_due += 1
                    tally.started += started
                if planned:
                    tally.annual_plan += project.annual_plan
                    tally.ytd_completed += completed
    for problem in problems:
        reported, closed = _problem_counts(problem, year, end)
        if not reported:
            continue
        if township_tallies is not None and problem.township is not None:
            tally = township_tallies.get(problem.township)
            if tally is not None:  # townships are ranked only through plan projects
                tally.problems += 1
                tally.problems_closed += closed
        unit = problem.lead_unit
        if department_tallies is not None and unit is not None:
            tally = department_tallies.get(unit)
            if tally is None:
                # A department also enters as lead unit (SPEC §5), when it is a department.
                if department_problem_units is not None and unit not in department_problem_units:
                    continue
                tally = department_tallies[unit] = _Tally()
            tally.problems += 1
            tally.problems_closed += closed
    return by_kind


# ---------------------------------------------------------------- ranking


def rank_units(
    kind: str,
    year: int,
    period: str,
    projects: Iterable[PlanProject],
    problems: Iterable[ProblemRecord],
    weights: Weights = Weights(),
    department_problem_units: Collection[str] | None = None,
) -> list[RankingRow]:
    """Rank townships or departments for period P of year Y (SPEC §5).

    ``kind`` is ``"township"`` or ``"department"``.  ``department_problem_units``: canonical
    names of department-kind units; when given, a lead unit that is not one of them cannot
    enter the department ranking through problems (None: every lead unit can).  Rows come
    back in rank order with ``bottom3_streak`` = 0; fill it with :func:`fill_streaks`.
    """
    return rank_kinds((kind,), year, period, projects, problems, weights,
                      department_problem_units)[kind]


def rank_kinds(
    kinds: Iterable[str],
    year: int,
    period: str,
    projects: Iterable[PlanProject],
    problems: Iterable[ProblemRecord],
    weights: Weights = Weights(),
    department_problem_units: Collection[str] | None = None,
    ytd: Mapping[int, Decimal] | None = None,
) -> dict[str, list[RankingRow]]:
    """:func:`rank_units` for several kinds at once, in one pass over the records.

    ``ytd`` (project id → year-to-date as of P, absent = 0), when given, is used instead of
    the projects' ``ytd_completed``: the same plan projects then serve every period of a year.
    """
    kinds = tuple(kinds)
    for kind in kinds:
        if kind not in UNIT_KINDS:
            raise ValueError(f"排名类别只能是 township 或 department：{kind!r}")
    p = Period.parse(period)
    if p.year != year:
        raise ValueError(f"期间 {period} 不在 {year} 年")
    end = p.end
    by_kind = _tally_units(kinds, year, end, projects, problems, department_problem_units, ytd)
    return {kind: _ranked(by_kind[kind], weights) for kind in kinds}


def _ranked(tallies: dict[str, _Tally], weights: Weights) -> list[RankingRow]:
    rows = sorted(
        (_unranked_row(unit, tally, weights) for unit, tally in tallies.items()), key=_order
    )
    count = len(rows)
    return [
        replace(row, rank=rank, bottom3=count > BOTTOM3_SIZE and rank > count - BOTTOM3_SIZE)
        for rank, row in enumerate(rows, start=1)
    ]


def _unranked_row(unit: str, tally: _Tally, weights: Weights) -> RankingRow:
    start = _ratio(tally.started, tally.start_due)
    invest = _ratio(tally.ytd_completed, tally.annual_plan)
    resolve = _ratio(tally.problems_closed, tally.problems)
    return RankingRow(
        rank=0,
        unit=unit,
        projects=tally.projects,
        start_due=tally.start_due,
        started=tally.started,
        start_rate=_to_decimal(start),
        annual_plan=tally.annual_plan,
        ytd_completed=tally.ytd_completed,
        invest_rate=_to_decimal(invest),
        problems=tally.problems,
        problems_closed=tally.problems_closed,
        resolve_rate=_to_decimal(resolve),
        score=_score(start, invest, resolve, weights),
        bottom3=False,
        bottom3_streak=0,
    )


def _desc_nulls_last(value: Fraction | None) -> tuple[int, Fraction]:
    return (1, Fraction(0)) if value is None else (0, -value)


def _order(row: RankingRow) -> tuple:
    """Score (rounded) desc, invest desc, start desc (nulls last, exact), name by code point."""
    return (
        -row.score,
        _desc_nulls_last(_exact_invest(row)),
        _desc_nulls_last(_exact_start(row)),
        row.unit,
    )


# ---------------------------------------------------------------- streaks


def bottom3_streak(unit: str, period: str, history: Mapping[str, set[str] | None]) -> int:
    """Consecutive periods of year Y, ending at P, in which ``unit`` was in the bottom three.

    ``history`` maps ``YYYY-MM`` → the set of bottom-three units of that period, or None when
    the period was never ranked; it must include P itself.  A missing period counts as never
    ranked.  The count stops at January: a streak does not cross into the previous year.
    """
    streak = 0
    for earlier in reversed(Period.parse(period).months_to_date()):
        members = history.get(str(earlier))
        if members is None or unit not in members:
            break
        streak += 1
    return streak


def fill_streaks(
    rows: Iterable[RankingRow], period: str, history: Mapping[str, set[str] | None]
) -> list[RankingRow]:
    """``rows`` with ``bottom3_streak`` filled; P's own membership is taken from ``rows``
    (overriding any entry for P in ``history``)."""
    rows = list(rows)
    merged = dict(history)
    merged[period.strip()] = {row.unit for row in rows if row.bottom3}
    return [replace(row, bottom3_streak=bottom3_streak(row.unit, period, merged)) for row in rows]
