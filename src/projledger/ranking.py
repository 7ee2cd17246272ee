"""逐月排队通报 from the ledger: inputs from the database, streaks, rank change, snapshots.

:mod:`projledger.scoring` does the arithmetic on plain records; this module reads those
records out of the ledger, adds what needs history, and saves what a report recorded.

Inputs for period P of year Y (SPEC §5):

- **plan projects**: projects with an annual-plan record for Y.  Nature and planned start
  are the plan record's (the nature *for that year*), falling back to the project's own
  when the plan record leaves them empty; the actual start is the project's.
  Year-to-date completed = the latest progress record of Y with period ≤ P
  (:func:`projledger.progress.ytd_by_project`), 0 when there is none.
- **problems** reported in Y on or before the end of P, each with its project's township
  and its lead unit's canonical name; a problem counts as closed only while its status is
  closed (a reopened problem is open again).  Only units of kind department can enter the
  department ranking through problems they lead.
- **weights** from settings (``scoring.weights``).

History (SPEC §5):

- a past period p of Y uses the ranking **saved** for p when there is one; else, when at
  least one progress record exists for p, the ranking is computed afresh for p from today's
  data; else p was never ranked.  This is used both for the bottom-three streak and for the
  rank change.
- **bottom3_streak** counts back from P through January at most; the walk stops as soon as
  no unit of P's bottom three can still be on a streak, so usually one or two past periods
  are looked at.
- **rank_change** = last month's rank − this month's rank (positive: moved up), null in
  January (a new year has a new plan) and for a unit that was not ranked last month, or when
  last month was never ranked.

``as_of`` is the end of P, or today when that is earlier (a report run before the month is
over cannot judge deadlines in the future).  The ranking itself always looks at the end of
P, as SPEC §5 says; ``as_of`` is for the warnings and the overdue marks of the report.

Reads, once per report (a province has 100,000 projects × 12 months of progress): the plan
projects of Y, the problems of Y up to the end of P (filtered in Python for each earlier
period) and every progress record of Y up to P in ONE query ordered by project and period
(:class:`_YtdTimeline`); the year-to-date of any period ≤ P, and whether that period has a
progress record at all, are then looked up in memory instead of re-aggregating the progress
table for each past period the streak walk visits.

Snapshots are keyed by (period, kind, unit id): a renamed unit keeps its history.  Saving a
period again replaces its rows through the audited writer (see
``store/migrations/ranking.py``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from decimal import Decimal

from typing import TYPE_CHECKING

from projledger.dates import stored_date as _date
from projledger.money import from_db, to_db
from projledger.period import Period
from projledger.progress import ytd_by_project
from projledger.scoring import (
    UNIT_KINDS,
    PlanProject,
    ProblemRecord,
    RankingRow,
    Weights,
    fill_streaks,
    rank_kinds,
)

if TYPE_CHECKING:
    from projledger.store import AuditedWriter, Database, Ledger

__all__ = [
    "MonthlyRanking",
    "monthly_ranking",
    "compute_monthly_ranking",
    "latest_progress",
    "save_computed",
    "Placed",
    "report_as_of",
    "load_plan_projects",
    "load_problems",
    "weights_from_settings",
    "save_snapshot",
    "saved_periods",
    "unit_history",
]


@dataclass(frozen=True)
class MonthlyRanking:
    """Both rankings of one period, with streaks filled and last month's ranks."""

    period: str
    as_of: dt.date
    rankings: dict[str, list[RankingRow]]
    previous: dict[str, dict[str, int] | None] = field(default_factory=dict)
    unit_ids: dict[str, int] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return Period.parse(self.period).year

    def rank_change(self, kind: str, row: RankingRow) -> int | None:
        """Last month's rank − this month's (positive = up); None when not comparable."""
        before = self.previous.get(kind)
        if not before or row.unit not in before:
            return None
        return before[row.unit] - row.rank

    def to_json(self) -> dict:
        return {
            "period": self.period,
            "as_of": self.as_of.isoformat(),
            "rankings": {
                kind: [
                    {**row.to_json(), "rank_change": self.rank_change(kind, row)}
                    for row in self.rankings.get(kind, [])
                ]
                for kind in UNIT_KINDS
            },
        }


# ---------------------------------------------------------------- inputs


def weights_from_settings(settings) -> Weights:
    w = settings.scoring.weights
    return Weights(start=Decimal(w.start), invest=Decimal(w.invest), resolve=Decimal(w.resolve))


def report_as_of(period: str | Period, today: dt.date | None = None) -> dt.date:
    """End of the period, or today when that is earlier (a report run before the month is
    over cannot judge deadlines in the future)."""
    return min(Period.parse(period).end, today or dt.date.today())


def _plan_bases(db: "Database", year: int) -> list[PlanProject]:
    """The plan projects of ``year`` (year-to-date 0: each period supplies its own)."""
    zero = Decimal(0)
    rows = db.execute(
        "SELECT p.id, t.name, d.name, COALESCE(ap.nature, p.nature),"
        " COALESCE(NULLIF(ap.planned_start, ''), NULLIF(p.planned_start, '')), p.actual_start, ap.investment"
        " FROM annual_plans ap JOIN projects p ON p.id = ap.project_id"
        " LEFT JOIN units t ON t.id = p.township_id"
        " LEFT JOIN units d ON d.id = p.department_id WHERE ap.year = ? ORDER BY p.id",
        [year],
    ).fetchall()
    return [PlanProject(pid, township, department, nature, from_db(investment), _date(planned),
                        _date(actual), zero)
            for pid, township, department, nature, planned, actual, investment in rows]


def load_plan_projects(db: "Database", period: str) -> list[PlanProject]:
    """The plan projects of P's year with their year-to-date as of P."""
    year = Period.parse(period).year
    zero = Decimal(0)
    ytd = ytd_by_project(db, year, str(period))
    return [replace(b, ytd_completed=ytd.get(b.project_id, zero)) for b in _plan_bases(db, year)]


def load_problems(db: "Database", period: str) -> list[ProblemRecord]:
    """Problems reported in P's year on or before the end of P (what any ranking ≤ P counts)."""
    p = Period.parse(period)
    rows = db.execute(
        "SELECT pr.project_id, t.name, l.name, pr.reported_on, pr.closed_on, pr.status"
        " FROM problems pr JOIN projects p ON p.id = pr.project_id"
        " LEFT JOIN units t ON t.id = p.township_id"
        " LEFT JOIN units l ON l.id = pr.lead_unit_id"
        " WHERE pr.reported_on >= ? AND pr.reported_on <= ? ORDER BY pr.id",
        [p.start.replace(month=1).isoformat(), p.end.isoformat()],
    ).fetchall()
    return [
        ProblemRecord(pid, township, lead, dt.date.fromisoformat(reported),
                      _date(closed) if status == "closed" else None)
        for pid, township, lead, reported, closed, status in rows
    ]


# ---------------------------------------------------------------- one period


def latest_progress(db: "Database", period: str | Period) -> dict[int, tuple[int, str | None]]:
    """Each plan project of P's year → (stored year-to-date, 形象进度) of its latest progress
    record of the year with period ≤ P (what :func:`projledger.progress.ytd_by_project`
    gives), by one probe of the progress key per plan project — never a scan of the year's
    rows (a province has 1.2 million of them)."""
    p = Period.parse(period)
    rows = db.execute(
        "SELECT ap.project_id, g.ytd_completed, g.status FROM annual_plans ap"
        " JOIN progress g ON g.project_id = ap.project_id AND g.period = ("
        # the key (project_id, period) must drive this, not the (year, period) index: `+`
        "  SELECT MAX(period) FROM progress l WHERE l.project_id = ap.project_id"
        "  AND +l.year = ? AND l.period <= ?)"
        " WHERE ap.year = ?", [p.year, str(p), p.year])
    return {pid: (ytd, status) for pid, ytd, status in rows}


def _progress_periods(db: "Database", last: Period) -> frozenset[str]:
    """The months of ``last``'s year up to it that have at least one progress record."""
    months = [str(m) for m in last.months_to_date()]
    sql = " UNION ALL ".join(
        "SELECT ? WHERE EXISTS (SELECT 1 FROM progress WHERE year = ? AND period = ?)" for _ in months)
    params = [value for m in months for value in (m, last.year, m)]
    return frozenset(period for (period,) in db.execute(sql, params))


class _YtdByPeriod:
    """Year-to-date of the plan projects as of any period of one year, read when first asked.

    ``periods`` are the months up to the report's that have progress (a month without any
    was never ranked).  The report's own month may be handed in already read.
    """

    def __init__(self, db: "Database", last: Period,
                 known: dict[int, tuple[int, str | None]] | None = None):
        self.db = db
        self.periods = _progress_periods(db, last)
        self._known = {str(last): known} if known is not None else {}
        self._memo: dict[str, dict[int, Decimal]] = {}

    def at(self, period: str) -> dict[int, Decimal]:
        """Each plan project's year-to-date as of ``period`` (absent: no record yet, i.e. 0)."""
        if period not in self._memo:
            latest = self._known.get(period)
            if latest is None:
                latest = latest_progress(self.db, period)
            self._memo[period] = {pid: from_db(ytd) for pid, (ytd, _) in latest.items()}
        return self._memo[period]


@dataclass(frozen=True)
class Placed:
    """What history needs of a past ranking row: the unit, its rank, whether bottom three."""

    unit: str
    rank: int
    bottom3: bool


class _Rankings:
    """Rankings of the periods of one year, computed or read from snapshots, cached.

    Everything a computation needs is read once here, for the report's period: plan
    projects, problems and the progress timeline; a past period only slices them.  A past
    period is taken, in this order, from the snapshot a report saved, from the ranking cache
    when its stamp is current (see ``store/migrations/ranking.py``), or computed — and then
    kept in :attr:`fresh` for :func:`save_computed`.  A filtered ranking (``project_ids``)
    neither reads nor fills the cache, which is for the whole ledger.
    """

    def __init__(self, db: "Database", period: str, weights: Weights,
                 project_ids: set[int] | None = None,
                 latest: dict[int, tuple[int, str | None]] | None = None):
        self.db = db
        self.year = Period.parse(period).year
        self.weights = weights
        self.bases = _plan_bases(db, self.year)
        self.problems = load_problems(db, period)
        if project_ids is not None:
            self.bases = [b for b in self.bases if b.project_id in project_ids]
            self.problems = [p for p in self.problems if p.project_id in project_ids]
        self.timeline = _YtdByPeriod(db, Period.parse(period), latest)
        self.departments = {name for (name,) in db.execute(
            "SELECT name FROM units WHERE kind = 'department'")}
        self.saved = saved_periods(db, self.year)
        self.names = dict(db.execute("SELECT id, name FROM units").fetchall())
        self.use_cache = project_ids is None
        self.stamps = _input_versions(db) if self.use_cache else {}
        self._cache: dict[str, dict[str, list[Placed]]] = {}
        self.fresh: dict[str, dict[str, object]] = {}  # period → {"stamp", kind: [Placed]}

    def compute(self, period: str, kinds=UNIT_KINDS) -> dict[str, list[RankingRow]]:
        """The rankings of ``kinds`` for ``period`` from the data as it is now."""
        end = Period.parse(period).end
        problems = [p for p in self.problems if p.reported_on <= end]
        return rank_kinds(kinds, self.year, period, self.bases, problems, self.weights,
                          department_problem_units=self.departments, ytd=self.timeline.at(period))

    def past(self, period: str, kinds=UNIT_KINDS) -> dict[str, list[Placed]] | None:
        """A past period's rankings of ``kinds``: saved, else recomputed if the period has
        progress, else None (never ranked).  A kind no walk needs is never computed."""
        if period not in self.saved and period not in self.timeline.periods:
            return None
        cached = self._cache.setdefault(period, {})
        missing = [kind for kind in kinds if kind not in cached]
        if missing and period in self.saved:
            cached.update({kind: _saved_places(self.db, period, kind, self.names) for kind in missing})
            missing = []
        if missing and self.use_cache:
            stamp = _stamp_for(self.stamps, period)
            cached.update(_cached_places(self.db, period, missing, stamp))
            missing = [kind for kind in missing if kind not in cached]
        if missing:
            computed = {kind: [Placed(r.unit, r.rank, r.bottom3) for r in rows]
                        for kind, rows in self.compute(period, missing).items()}
            cached.update(computed)
            if self.use_cache:
                self.fresh.setdefault(period, {"stamp": _stamp_for(self.stamps, period)}).update(computed)
        return {kind: cached[kind] for kind in kinds}


def _earlier_periods(period: str):
    """The months of the same year before ``period``, latest first."""
    for earlier in reversed(Period.parse(period).months_to_date()[:-1]):
        yield str(earlier)


def _streak_histories(source: _Rankings, period: str, current: dict[str, list[RankingRow]]
                      ) -> dict[str, dict[str, set[str] | None]]:
    """Per kind, the bottom-three sets of past periods, walking back only while a streak of
    that kind can continue; both kinds walk together, so a period is computed once and only
    for the kinds still walking."""
    alive = {kind: {row.unit for row in current[kind] if row.bottom3} for kind in UNIT_KINDS}
    histories: dict[str, dict[str, set[str] | None]] = {kind: {} for kind in UNIT_KINDS}
    for earlier in _earlier_periods(period):
        walking = [kind for kind in UNIT_KINDS if alive[kind]]
        if not walking:
            break
        ranked = source.past(earlier, walking)
        for kind in walking:
            if ranked is None:  # never ranked: every streak stops here
                histories[kind][earlier] = None
                alive[kind] = set()
                continue
            members = {row.unit for row in ranked[kind] if row.bottom3}
            histories[kind][earlier] = members
            alive[kind] &= members
    return histories


def monthly_ranking(ledger: "Ledger", period: str | Period, *, today: dt.date | None = None) -> MonthlyRanking:
    """Both rankings of ``period`` (``YYYY-MM``) with streaks and last month's ranks.

    All reads happen in one read transaction, so an import committing meanwhile can never
    give a ranking that mixes two states of the ledger.  (The monthly report reads this and
    everything else it shows through :func:`projledger.report_data.gather_monthly`.)
    """
    period = Period.parse(period)
    with ledger.snapshot():
        ranking, _ = compute_monthly_ranking(ledger.db, period, weights_from_settings(ledger.settings()),
                                             as_of=report_as_of(str(period), today))
        return ranking


def compute_monthly_ranking(db: "Database", period: Period, weights: Weights, *, as_of: dt.date,
                            project_ids: set[int] | None = None,
                            latest: dict[int, tuple[int, str | None]] | None = None,
                            ) -> tuple[MonthlyRanking, dict]:
    """Both rankings of ``period``, read in the caller's snapshot; also the past rankings that
    had to be computed for the streaks (for :func:`save_computed`).  ``project_ids`` limits
    the ranking to those projects (a filtered report); ``latest`` is
    :func:`latest_progress` of ``period`` when the caller has read it already."""
    period = str(period)
    source = _Rankings(db, period, weights, project_ids, latest)
    current = source.compute(period)
    previous: dict[str, dict[str, int] | None] = {kind: None for kind in UNIT_KINDS}
    last = next(_earlier_periods(period), None)
    if last is not None:  # both kinds of last month (the streak walks then start from cache)
        ranked = source.past(last)
        if ranked is not None:
            previous = {kind: {row.unit: row.rank for row in ranked[kind]} for kind in UNIT_KINDS}
    histories = _streak_histories(source, period, current)
    rankings = {kind: fill_streaks(current[kind], period, histories[kind]) for kind in UNIT_KINDS}
    ids = {name: uid for uid, name in source.names.items()}
    return MonthlyRanking(period, as_of, rankings, previous, ids), source.fresh


# ---------------------------------------------------------------- snapshots


_SNAPSHOT_COLUMNS = ("unit_id, rank, score, projects, start_due, started, annual_plan,"
                     " ytd_completed, problems, problems_closed, bottom3, bottom3_streak")


def _saved_places(db: "Database", period: str, kind: str, names: dict[int, str]) -> list[Placed]:
    rows = db.execute("SELECT unit_id, rank, bottom3 FROM ranking_snapshots WHERE period = ? AND kind = ?"
                      " ORDER BY rank", [period, kind]).fetchall()
    return [Placed(names.get(uid, str(uid)), rank, bool(bottom3)) for uid, rank, bottom3 in rows]


# ---------------------------------------------------------------- the ranking cache


def _input_versions(db: "Database") -> dict[str, int]:
    """Every scope's input version (``ranking_inputs``), read once per report."""
    return dict(db.execute("SELECT scope, version FROM ranking_inputs").fetchall())


def _stamp_for(versions: dict[str, int], period: str) -> int:
    """The input stamp a ranking of ``period`` depends on: the highest version of ``*``, the
    period's year and each month of that year up to the period."""
    p = Period.parse(period)
    scopes = ["*", str(p.year), *(str(m) for m in p.months_to_date())]
    return max((versions.get(scope, 0) for scope in scopes), default=0)


def _cached_places(db: "Database", period: str, kinds, stamp: int) -> dict[str, list[Placed]]:
    found = {}
    for kind, rows in db.execute(
            "SELECT kind, rows FROM ranking_cache WHERE period = ? AND stamp = ?"
            f" AND kind IN ({','.join('?' * len(kinds))})", [period, stamp, *kinds]):
        found[kind] = [Placed(unit, rank, bool(bottom3)) for unit, rank, bottom3 in json.loads(rows)]
    return found


def save_computed(w: "AuditedWriter", fresh: dict) -> int:
    """Keep the past rankings a report computed (``{period: {"stamp", kind: [Placed]}}``).

    Derived data, like an index: written in the caller's transaction but not audited, and
    replaced whenever recomputed.  Returns the number of (period, kind) rankings kept.
    """
    count = 0
    for period, entry in fresh.items():
        for kind in UNIT_KINDS:
            if kind not in entry:
                continue
            rows = json.dumps([[p.unit, p.rank, int(p.bottom3)] for p in entry[kind]], ensure_ascii=False)
            w.db.execute("INSERT INTO ranking_cache (period, kind, stamp, rows) VALUES (?, ?, ?, ?)"
                         " ON CONFLICT(period, kind) DO UPDATE SET stamp = excluded.stamp, rows = excluded.rows",
                         [period, kind, entry["stamp"], rows])
            count += 1
    return count


def saved_periods(db: "Database", year: int) -> set[str]:
    return {p for (p,) in db.execute(
        "SELECT DISTINCT period FROM ranking_snapshots WHERE year = ?", [year])}


def _snapshot_values(row: RankingRow, year: int, count: int, saved_at: str) -> dict:
    data = row.to_json()
    return {
        "year": year, "unit": row.unit, "rank": row.rank, "units_ranked": count,
        "score": int(row.score.scaleb(2)), "projects": row.projects,
        "start_due": row.start_due, "started": row.started, "start_rate": data["start_rate"],
        "annual_plan": to_db(row.annual_plan), "ytd_completed": to_db(row.ytd_completed),
        "invest_rate": data["invest_rate"], "problems": row.problems,
        "problems_closed": row.problems_closed, "resolve_rate": data["resolve_rate"],
        "bottom3": int(row.bottom3), "bottom3_streak": row.bottom3_streak, "saved_at": saved_at,
    }


def save_snapshot(writer: "AuditedWriter", ranking: MonthlyRanking) -> int:
    """Record (or replace) the period's rankings inside the caller's transaction.

    Returns the number of unit rows saved.  Units no longer ranked in that period lose their
    old rows; every change is audited.
    """
    db = writer.db
    saved_at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    count = 0
    for kind in UNIT_KINDS:
        rows = ranking.rankings.get(kind, [])
        keep = set()
        for row in rows:
            uid = ranking.unit_ids[row.unit]
            keep.add(uid)
            values = _snapshot_values(row, ranking.year, len(rows), saved_at)
            writer.upsert("ranking_snapshots",
                          {"period": ranking.period, "kind": kind, "unit_id": uid}, values)
            count += 1
        stale = db.execute("SELECT unit_id FROM ranking_snapshots WHERE period = ? AND kind = ?",
                           [ranking.period, kind]).fetchall()
        for (uid,) in stale:
            if uid not in keep:
                writer.delete("ranking_snapshots",
                              {"period": ranking.period, "kind": kind, "unit_id": uid})
    return count


def unit_history(db: "Database", unit_id: int, year: int | None = None) -> list[dict]:
    """A unit's saved ranks month by month (oldest first), both kinds it was ranked in."""
    sql = ("SELECT period, kind, rank, units_ranked, score, start_rate, invest_rate,"
           " resolve_rate, bottom3, bottom3_streak, saved_at, unit"
           " FROM ranking_snapshots WHERE unit_id = ?")
    params: list = [unit_id]
    if year is not None:
        sql += " AND year = ?"
        params.append(year)
    rows = db.execute(sql + " ORDER BY period, kind DESC", params).fetchall()
    return [
        {"period": period, "kind": kind, "rank": rank, "units_ranked": count,
         "score": float(Decimal(score).scaleb(-2)), "start_rate": start, "invest_rate": invest,
         "resolve_rate": resolve, "bottom3": bool(bottom3), "bottom3_streak": streak,
         "saved_at": saved_at, "unit_at_save": name}
        for (period, kind, rank, count, score, start, invest, resolve, bottom3, streak,
             saved_at, name) in rows
    ]
