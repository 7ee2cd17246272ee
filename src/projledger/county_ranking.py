"""各县区排队通报: the city ranks its counties by SPEC §5's formula (SPEC §14).

Each county of a roll-up is one unit over all its plan projects and all its problems: the
same plan projects and problems a county's own township ranking counts (read through
:mod:`projledger.ranking`'s loaders, so "in the plan", year-to-date and "reported by P" have
one home), with the township replaced by the county — a row's id says its county
(``id >> 32``, see :mod:`projledger.rollup`).  The pure :func:`projledger.scoring.rank_units`
then ranks them exactly as it ranks townships.

Streaks come from the roll-up's own saved county rankings (``county_rankings``), saved by each
``report counties`` unless ``--no-save``; a past period with no saved ranking is computed
afresh when the roll-up holds progress for it, and otherwise was never ranked.

The city-level figures (:class:`CityTotals`) are summed from the same records, so the brief
and the table can never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

from projledger.errors import DataError
from projledger.money import from_db, to_db
from projledger.period import Period
from projledger.scoring import PlanProject, ProblemRecord, RankingRow, Weights, fill_streaks, rank_kinds

__all__ = ["CityTotals", "CountyRanking", "county_ranking", "save_county_ranking", "saved_county_history", "city_brief"]

_SHIFT = 32


@dataclass(frozen=True)
class CityTotals:
    """全市 figures for the brief: sums over every county's plan projects and problems."""

    counties: int
    projects: int
    total_investment: Decimal
    annual_plan: Decimal
    ytd_completed: Decimal
    start_due: int
    started: int
    problems: int
    problems_closed: int

    def to_json(self) -> dict:
        from projledger.money import money_json

        return {"counties": self.counties, "projects": self.projects,
                "total_investment": money_json(self.total_investment),
                "annual_plan": money_json(self.annual_plan), "ytd_completed": money_json(self.ytd_completed),
                "start_due": self.start_due, "started": self.started,
                "problems": self.problems, "problems_closed": self.problems_closed}


@dataclass(frozen=True)
class CountyRanking:
    period: Period
    as_of: dt.date
    city: str
    rows: list[RankingRow]
    totals: CityTotals
    not_ranked: list[str]  # counties of the roll-up with no plan project in the year

    def to_json(self) -> dict:
        return {"period": str(self.period), "as_of": self.as_of.isoformat(), "city": self.city,
                "rankings": {"county": [row.to_json() for row in self.rows]},
                "totals": self.totals.to_json(), "not_ranked": self.not_ranked}


def _county_names(db) -> dict[int, str]:
    rows = db.execute("SELECT county_no, county FROM rollup_counties ORDER BY county_no").fetchall()
    if not rows:
        raise DataError("这个台账不是市级汇总库：请先用 projledger rollup --out 市汇总.db 各县台账.db 生成")
    return dict(rows)


def _county_bases(db, year: int, names: dict[int, str]) -> list[PlanProject]:
    """The year's plan projects, read once, each counted for its county (no department)."""
    from projledger.ranking import _plan_bases

    return [PlanProject(p.project_id, names[p.project_id >> _SHIFT], None, p.nature, p.annual_plan,
                        p.planned_start, p.actual_start, p.ytd_completed) for p in _plan_bases(db, year)]


def _county_problems(db, period: Period, names: dict[int, str]) -> list[ProblemRecord]:
    """Problems reported in the year by the end of P (a past month's ranking filters further)."""
    from projledger.ranking import load_problems

    return [replace(p, township=names[p.project_id >> _SHIFT], lead_unit=None)
            for p in load_problems(db, str(period))]


class _YearProgress:
    """Year-to-date as of a month of P's year: each plan project's latest progress record of
    the year with period ≤ that month (what :func:`projledger.progress.ytd_by_project`
    gives), found by one probe of the progress key (project_id, period) per plan project.

    ``+l.year`` keeps SQLite off the (year, period) index: through that index each probe
    scans a whole month of the city (seconds per month); through the key it is one seek.
    :meth:`at` gives one month by project (the report's own month); :meth:`county_sums`
    one month summed by county in SQL, all a past month's ranking needs (:class:`_PastMonths`).
    """

    _LATEST = ("(SELECT l.ytd_completed FROM progress l WHERE l.project_id = ap.project_id"
               " AND l.period <= ? AND +l.year = ? ORDER BY l.period DESC LIMIT 1)")

    def __init__(self, db, period: Period):
        self.db, self.year = db, period.year
        self.periods = {month for (month,) in db.execute(
            "SELECT DISTINCT period FROM progress WHERE year = ? AND period <= ?", [period.year, str(period)])}

    def at(self, month: str) -> dict[int, Decimal]:
        rows = self.db.execute(f"SELECT ap.project_id, {self._LATEST} FROM annual_plans ap WHERE ap.year = ?",
                               [month, self.year, self.year])
        return {pid: from_db(value) for pid, value in rows if value is not None}

    def county_sums(self, month: str) -> dict[int, Decimal]:
        """County number → Σ year-to-date of its plan projects with a positive plan."""
        rows = self.db.execute(
            f"SELECT ap.project_id >> {_SHIFT}, SUM({self._LATEST}) FROM annual_plans ap"
            " WHERE ap.year = ? AND ap.investment > 0 GROUP BY 1", [month, self.year, self.year])
        return {county: from_db(total) for county, total in rows if total is not None}


class _PastMonths:
    """Bottom three of any earlier month, by the same :func:`rank_kinds` as the report's month
    but over far fewer records: each county's planned investment and year-to-date are summed
    into ONE stand-in project, and only the projects that can be due to start keep their
    own record (with no plan money).  Every figure the order depends on (start_due, started,
    Σ plan, Σ year-to-date, problems) is then the same as over all projects; only the
    ``projects`` count differs, which decides neither rank nor bottom three.
    """

    def __init__(self, projects: list[PlanProject], problems: list[ProblemRecord], weights: Weights,
                 timeline: _YearProgress, names: dict[int, str]):
        self.problems, self.weights, self.timeline, self.names = problems, weights, timeline, names
        zero = Decimal(0)
        self.starters = [replace(p, annual_plan=zero, ytd_completed=zero) for p in projects
                         if p.planned_start is not None]
        self.plan: dict[int, Decimal] = {}
        for p in projects:
            county = p.project_id >> _SHIFT
            self.plan[county] = self.plan.get(county, zero) + (p.annual_plan if p.annual_plan > 0 else zero)

    def bottom3(self, month: Period) -> set[str]:
        end = month.end
        sums = self.timeline.county_sums(str(month))
        stand_ins = [PlanProject(-county, self.names[county], None, None, plan, None, None,
                                 sums.get(county, Decimal(0)))
                     for county, plan in self.plan.items()]
        starters = [p for p in self.starters if p.planned_start <= end]
        rows = rank_kinds(("township",), month.year, str(month), stand_ins + starters, self.problems,
                          self.weights)["township"]
        return {r.unit for r in rows if r.bottom3}


def _totals(db, year: int, projects: list[PlanProject], problems: list[ProblemRecord],
            rows: list[RankingRow], counties: int) -> CityTotals:
    ids = [p.project_id for p in projects]
    total = Decimal(0)
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        marks = ",".join("?" * len(chunk))
        raw = db.execute(f"SELECT COALESCE(SUM(total_investment), 0) FROM projects WHERE id IN ({marks})",
                         chunk).fetchone()[0]
        total += from_db(raw)
    return CityTotals(
        counties=counties, projects=len(projects), total_investment=total,
        annual_plan=sum((r.annual_plan for r in rows), Decimal(0)),
        ytd_completed=sum((r.ytd_completed for r in rows), Decimal(0)),
        start_due=sum(r.start_due for r in rows), started=sum(r.started for r in rows),
        problems=sum(r.problems for r in rows), problems_closed=sum(r.problems_closed for r in rows))


def _ranked(period: Period, projects, problems, weights: Weights, ytd: dict[int, Decimal]) -> list[RankingRow]:
    return rank_kinds(("township",), period.year, str(period), projects, problems, weights, ytd=ytd)["township"]


def saved_county_history(db, year: int) -> dict[str, set[str]]:
    """Saved bottom-three counties per period of ``year``."""
    history: dict[str, set[str]] = {}
    for period, county, bottom3 in db.execute(
            "SELECT period, county, bottom3 FROM county_rankings WHERE year = ?", [year]):
        members = history.setdefault(period, set())
        if bottom3:
            members.add(county)
    return history


def _streak_history(db, period: Period, rows: list[RankingRow], past: _PastMonths) -> dict[str, set[str] | None]:
    """Bottom-three counties of the earlier months, back only as far as a streak can reach:
    the walk stops once none of this month's bottom three is still on a streak (a month
    missing from the history ends every streak, so the counts are the same)."""
    saved = saved_county_history(db, period.year)
    alive = {r.unit for r in rows if r.bottom3}
    history: dict[str, set[str] | None] = {}
    for earlier in reversed(period.months_to_date()[:-1]):
        if not alive:
            break
        key = str(earlier)
        if key in saved:
            history[key] = saved[key]
        elif key in past.timeline.periods:
            history[key] = past.bottom3(earlier)
        else:
            history[key] = None
        alive &= history[key] or set()
    return history


def county_ranking(ledger, period: Period, *, today: dt.date | None = None) -> CountyRanking:
    """The county ranking of ``period`` with streaks, read in one snapshot of the roll-up."""
    from projledger.ranking import report_as_of, weights_from_settings

    db = ledger.db
    weights = weights_from_settings(ledger.settings())
    with ledger.snapshot():
        names = _county_names(db)
        projects = _county_bases(db, period.year, names)
        problems = _county_problems(db, period, names)
        timeline = _YearProgress(db, period)
        rows = _ranked(period, projects, problems, weights, timeline.at(str(period)))
        history = _streak_history(db, period, rows, _PastMonths(projects, problems, weights, timeline, names))
        rows = fill_streaks(rows, str(period), history)
        totals = _totals(db, period.year, projects, problems, rows, len(names))
        city = ledger.settings().county_name
    ranked = {r.unit for r in rows}
    return CountyRanking(period, report_as_of(str(period), today), city, rows, totals,
                         [n for n in names.values() if n not in ranked])


def save_county_ranking(ledger, ranking: CountyRanking) -> int:
    """Replace the period's saved county ranking (the one write a roll-up accepts)."""
    saved_at = dt.datetime.now().isoformat(timespec="seconds")
    count = len(ranking.rows)
    with ledger.transaction(allow_rollup=True) as w:
        for row in ranking.rows:
            w.upsert("county_rankings", {"period": str(ranking.period), "county": row.unit}, {
                "year": ranking.period.year, "rank": row.rank, "units_ranked": count,
                "score": int(row.score * 100), "projects": row.projects, "start_due": row.start_due,
                "started": row.started, "annual_plan": to_db(row.annual_plan),
                "ytd_completed": to_db(row.ytd_completed), "problems": row.problems,
                "problems_closed": row.problems_closed, "bottom3": int(row.bottom3),
                "bottom3_streak": row.bottom3_streak, "saved_at": saved_at})
        keep = {row.unit for row in ranking.rows}
        for (county,) in ledger.db.execute(
                "SELECT county FROM county_rankings WHERE period = ?", [str(ranking.period)]).fetchall():
            if county not in keep:
                w.delete("county_rankings", {"period": str(ranking.period), "county": county})
    return count


# ---------------------------------------------------------------- the city-level brief


def _ratio(part, whole) -> Fraction | None:
    return None if not whole else Fraction(Decimal(part)) / Fraction(Decimal(whole))


def city_brief(ranking: CountyRanking) -> dict:
    """全市 paragraph figures and text, computed from the ranking's own rows.

    Amounts, shares and the gap to 序时进度 are said by the monthly brief's own rules
    (:mod:`projledger.brief`), so a city notice and a county notice read alike.
    """
    from projledger.brief import gap_points, months_text, say_amount, say_gap, say_share

    t = ranking.totals
    period = ranking.period
    share = _ratio(t.ytd_completed, t.annual_plan)
    start_rate = _ratio(t.started, t.start_due)
    resolve_rate = _ratio(t.problems_closed, t.problems)
    first = [r.unit for r in ranking.rows[:3]]
    bottom = [r.unit for r in ranking.rows if r.bottom3]
    streak = [r.unit for r in ranking.rows if r.bottom3_streak >= 3]
    overall = (f"全市{t.counties}个县区纳入汇总，安排重点项目{t.projects}个，总投资{say_amount(t.total_investment)}，"
               f"年度计划投资{say_amount(t.annual_plan)}。{months_text(period)}累计完成投资{say_amount(t.ytd_completed)}")
    overall += f"，占年度计划的{say_share(share)}，{say_gap(share, period)}。" if share is not None else "。"
    parts = [overall]
    if t.start_due:
        parts.append(f"截至{period.month}月底应开工新开工项目{t.start_due}个，已开工{t.started}个，"
                     f"开工率{say_share(start_rate)}。")
    if t.problems:
        parts.append(f"今年以来各县区上报问题{t.problems}个，已办结{t.problems_closed}个，办结率{say_share(resolve_rate)}。")
    ranking_text = f"综合排名前三位的是{'、'.join(first)}" if first else "本期没有可排名的县区"
    if bottom:
        ranking_text += f"；后三位是{'、'.join(bottom)}"
    ranking_text += "。"
    if streak:
        ranking_text += f"{'、'.join(streak)}连续三次及以上排名后三位，须在季度调度会上说明情况。"
    if ranking.not_ranked:
        ranking_text += f"{'、'.join(ranking.not_ranked)}本年度没有计划项目，未参与排名。"

    def percent(value: Fraction | None) -> float | None:
        return None if value is None else float(say_share(value).rstrip("%"))

    return {"counties": t.counties, "projects": t.projects,
            "total_investment": float(t.total_investment), "annual_plan": float(t.annual_plan),
            "ytd_completed": float(t.ytd_completed),
            "invest_share_percent": percent(share),
            "schedule_percent": percent(Fraction(period.month, 12)),
            "gap_points": None if share is None else float(gap_points(share, period)),
            "start_due": t.start_due, "started": t.started, "start_rate_percent": percent(start_rate),
            "problems": t.problems, "problems_closed": t.problems_closed,
            "resolve_rate_percent": percent(resolve_rate),
            "first_three": first, "bottom_three": bottom, "streak_alert": streak,
            "text": "".join(parts) + "\n" + ranking_text}
