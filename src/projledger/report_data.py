"""What the monthly report shows, read once: :func:`gather_monthly` → :class:`MonthlyData`.

The 逐月排队通报 (and every document built on the same month: the brief, the roll-up) needs
the two rankings, the 一项目一表 lines, the open problems and the warning cards.  They are
read here, in ONE read snapshot, into plain records; the writers under ``reports/`` only lay
them out and never query, so a figure in the workbook and the same figure in a Word brief
come from the same record and cannot disagree.

Extending it.  A later section of the report (the brief's figures, the submissions table,
meeting items …) is one more field of :class:`MonthlyData` with a default, filled by one more
step of :func:`gather_monthly` — never a second pass over the ledger in a writer.

Filtering.  :class:`ProjectFilter` narrows the report to some projects (a level, a tag, a
county of a roll-up).  :func:`project_filter_sql` is the ONE place that turns it into SQL
over ``projects`` (alias ``p``); everything else here filters by the project ids it selects.

Saving.  ``gather_monthly(..., save=True)`` keeps the past rankings it had to compute for the
streaks, and :func:`save_monthly` records them (with the period's own snapshot) inside the
caller's write transaction — see :mod:`projledger.ranking` for how they stay valid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from projledger.period import Period
from projledger.dates import stored_date as _date

if TYPE_CHECKING:
    from projledger.brief import Brief
    from projledger.brief_data import BriefExtras
    from projledger.cards import Card
    from projledger.ranking import MonthlyRanking
    from projledger.scoring import Weights
    from projledger.store import AuditedWriter, Database, Ledger
    from projledger.warnings_engine import CardsResult

__all__ = [
    "ProjectFilter",
    "project_filter_sql",
    "ProjectLine",
    "MonthlyData",
    "gather_monthly",
    "save_monthly",
    "report_as_of",
]


# ---------------------------------------------------------------- filter


@dataclass(frozen=True)
class ProjectFilter:
    """Which projects a report covers; ``None`` fields do not filter."""

    level: str | None = None    # 省重点 / 市重点 / 县重点 (projects.level)
    tag: str | None = None      # a project tag (project_tags)
    county: str | None = None   # one county of a city roll-up

    @property
    def empty(self) -> bool:
        return self.level is None and self.tag is None and self.county is None


def project_filter_sql(filters: ProjectFilter | None, alias: str = "p") -> tuple[str, list[Any]]:
    """``(fragment, params)``: a WHERE condition over ``projects AS {alias}`` (``"1"`` = all).

    The one place a :class:`ProjectFilter` becomes SQL.  CYCLE (level, tag) and ROLLUP
    (county) add their conditions here; callers write ``WHERE {fragment}``.
    """
    if filters is None or filters.empty:
        return "1", []
    conditions: list[str] = []
    params: list[Any] = []
    # (level / tag / county conditions are added here by their owners)
    # cycle: 项目级别 and 清单 (SPEC §12); an unknown level is refused (DataError)
    if filters.level is not None:
        from projledger.projects import check_level

        conditions.append(f"{alias}.level = ?")
        params.append(check_level(filters.level))
    if filters.tag is not None:
        from projledger.projects import check_tag

        conditions.append(f"{alias}.id IN (SELECT project_id FROM project_tags WHERE tag = ?)")
        params.append(check_tag(filters.tag))
    # rollup: one county of a city roll-up (its rows' ids carry the county number, see rollup.py)
    if filters.county is not None:
        conditions.append(f"({alias}.id >> 32) IN (SELECT county_no FROM rollup_counties WHERE county = ?)")
        params.append(filters.county)
    if not conditions:
        return "1", []
    return " AND ".join(conditions), params


def filtered_project_ids(db: "Database", filters: ProjectFilter | None) -> set[int] | None:
    """The ids a filter keeps, or None when it keeps everything."""
    fragment, params = project_filter_sql(filters)
    if fragment == "1":
        return None
    return {pid for (pid,) in db.execute(f"SELECT p.id FROM projects p WHERE {fragment}", params)}


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class ProjectLine:
    """One plan project in the 一项目一表 summary, with every project field a report shows."""

    project_id: int
    code: str | None
    name: str
    township: str | None
    department: str | None
    nature: str | None
    planned_start: dt.date | None
    actual_start: dt.date | None
    annual_plan: Decimal
    ytd_completed: Decimal
    status: str | None
    card: "Card | None"
    reasons: str | None

    @property
    def invest_rate(self) -> Decimal | None:
        return self.ytd_completed / self.annual_plan if self.annual_plan > 0 else None


@dataclass
class MonthlyData:
    """Everything the monthly report shows, as plain records.

    New sections are new fields WITH A DEFAULT (``= None`` or ``field(default_factory=…)``)
    below the marked line, filled in :func:`gather_monthly`; existing fields keep their shape.
    """

    period: Period
    as_of: dt.date
    county_name: str
    weights: "Weights"
    ranking: "MonthlyRanking"          # both rankings, streaks, last month's ranks
    projects: list[ProjectLine]        # 一项目一表, sorted by township, department, name
    problems: list                     # projledger.reports.problem_sheet.SheetRow, worst first
    cards: "CardsResult"               # every warning card and each project's card
    project_names: dict[int, str]      # every project a card names
    filters: ProjectFilter | None = None
    save: bool = False
    # rankings of past periods computed for the streaks, kept for save_monthly
    fresh_rankings: dict = field(default_factory=dict, repr=False)
    # ---- sections added by later features go below (each with a default) ----
    # cycle: townships with a plan project that have not reported for the period (报送), by
    # name in unit order; their figures are their latest earlier report.
    unreported: list[str] = field(default_factory=list)
    reported: set[str] = field(default_factory=set)
    # brief: the few figures the brief (SPEC §5b) needs beyond the records above
    brief_extras: "BriefExtras | None" = None
    # meetings: decided items open on as_of, worst first (problem_sheet.ItemRow); they do not
    # enter the ranking — its resolve rate stays the problems' (SPEC §11)
    meeting_items: list = field(default_factory=list)

    @property
    def brief(self) -> "Brief":
        """The 通报正文 computed from these records (:mod:`projledger.brief_data`)."""
        from projledger.brief_data import BriefExtras, brief_of

        return brief_of(self, self.brief_extras or BriefExtras())

    @property
    def scope(self) -> str:
        """How a title says the report is filtered: ``省重点项目``, ``招商引资重点项目清单`` …"""
        if self.filters is None or self.filters.empty:
            return ""
        parts = [f"{self.filters.level}项目" if self.filters.level else None,
                 f"{self.filters.tag}清单" if self.filters.tag else None]
        return "、".join(p for p in parts if p)

    def ranking_json(self) -> dict:
        """``ranking.to_json()`` with township rows marked ``"reported"`` (SPEC §12)."""
        payload = self.ranking.to_json()
        for row in payload["rankings"].get("township", []):
            row["reported"] = row["unit"] in self.reported
        return payload

    @property
    def empty(self) -> bool:
        """Nothing to rank: no plan project and no ranked unit."""
        return not self.projects and not any(self.ranking.rankings.values())


# ---------------------------------------------------------------- gathering


def report_as_of(period: Period, today: dt.date | None = None) -> dt.date:
    """End of the period, or today when that is earlier (:func:`projledger.ranking.report_as_of`)."""
    from projledger.ranking import report_as_of as as_of_for

    return as_of_for(period, today)


def gather_monthly(ledger_or_db: "Ledger | Database", period: Period, *, as_of: dt.date | None = None,
                   filters: ProjectFilter | None = None, save: bool = False) -> MonthlyData:
    """Read everything the monthly report of ``period`` shows, in one read snapshot.

    ``as_of`` defaults to :func:`report_as_of`.  With ``save`` the past rankings computed for
    the streaks are kept on the result for :func:`save_monthly`.
    """
    from projledger.store.db import read_snapshot

    from projledger.problems import read_once

    db = getattr(ledger_or_db, "db", ledger_or_db)
    with read_snapshot(db), read_once():  # cards, reply cards and 问题清单 share one read
        return _gather(ledger_or_db, db, Period.parse(period), as_of, filters, save)


def _settings(ledger_or_db: "Ledger | Database", db: "Database"):
    if hasattr(ledger_or_db, "settings"):
        return ledger_or_db.settings()
    from projledger.settings import load_settings

    return load_settings(db)


def _gather(ledger_or_db: "Ledger | Database", db: "Database", period: Period, as_of, filters, save) -> MonthlyData:
    from projledger.calendar import load_calendar
    from projledger.ranking import compute_monthly_ranking, latest_progress, weights_from_settings
    from projledger.reports.problem_sheet import problem_sheet_rows
    from projledger.warnings_engine import collect_cards

    settings = _settings(ledger_or_db, db)
    as_of = as_of or report_as_of(period)
    keep = filtered_project_ids(db, filters)
    weights = weights_from_settings(settings)
    latest = latest_progress(db, period)  # read once: the ranking's and the lines' year-to-date
    ranking, fresh = compute_monthly_ranking(db, period, weights, as_of=as_of, project_ids=keep,
                                             latest=latest)
    calendar = load_calendar(db)
    cards = collect_cards(db, as_of, calendar, settings=settings)
    problems = problem_sheet_rows(db, as_of, calendar=calendar, settings=settings)
    from projledger.reports.problem_sheet import item_sheet_rows  # meetings

    items = item_sheet_rows(db, as_of, calendar=calendar, settings=settings)
    if keep is not None:
        cards = _only_projects(cards, keep)
        problems = [row for row in problems if row.problem.project_id in keep]
        items = [row for row in items if row.item.project_id in keep]
    lines = project_lines(db, period, cards, keep, latest)
    names = {line.project_id: line.name for line in lines}
    names.update(_project_names(db, {i.project_id for i in cards.items if i.project_id is not None} - set(names)))
    reported, unreported = _reporting(db, period)
    from projledger.brief_data import gather_brief_extras  # brief

    extras = gather_brief_extras(db, period, as_of, keep)
    return MonthlyData(period, as_of, settings.county_name, weights, ranking, lines, problems, cards, names,
                       filters=filters, save=save, fresh_rankings=fresh if save else {},
                       unreported=unreported, reported=reported, brief_extras=extras, meeting_items=items)


def _reporting(db: "Database", period: Period) -> tuple[set[str], list[str]]:
    """(names of townships that reported for ``period``, names of those owing it that did not).

    Every submission recorded so far counts — the report is usually run after the due day,
    while its as-of date is the end of the month."""
    from projledger.submissions import reported_township_ids

    done = reported_township_ids(db, period)
    towns = db.execute(
        "SELECT u.id, u.name FROM units u WHERE u.kind = 'township' AND EXISTS (SELECT 1 FROM projects p"
        " JOIN annual_plans a ON a.project_id = p.id WHERE p.township_id = u.id AND a.year = ?)"
        " ORDER BY u.id", [period.year]).fetchall()
    names = dict(db.execute("SELECT id, name FROM units WHERE kind = 'township'").fetchall())
    return {names[i] for i in done if i in names}, [name for tid, name in towns if tid not in done]


def _only_projects(cards, keep: set[int]):
    from dataclasses import replace

    items = [i for i in cards.items if i.project_id in keep]
    project_cards = {pid: card for pid, card in cards.project_cards.items() if pid in keep}
    return replace(cards, items=items, project_cards=project_cards)


def _project_names(db: "Database", ids: set[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    missing = sorted(ids)
    for start in range(0, len(missing), 500):
        chunk = missing[start:start + 500]
        names.update(db.execute(
            f"SELECT id, name FROM projects WHERE id IN ({','.join('?' * len(chunk))})", chunk).fetchall())
    return names


def project_lines(db: "Database", period: Period, cards, keep: set[int] | None = None,
                  latest: dict[int, tuple[int, str | None]] | None = None) -> list[ProjectLine]:
    """The 一项目一表 lines: every plan project of the year with its latest progress ≤ period
    (``latest``: :func:`projledger.ranking.latest_progress` of the period, if already read)."""
    year = period.year
    if latest is None:
        from projledger.ranking import latest_progress

        latest = latest_progress(db, period)
    reasons: dict[int, list[str]] = {}
    for item in cards.items:
        if item.project_id is not None:
            reasons.setdefault(item.project_id, []).append(f"{item.card.label}：{item.reason}")
    from projledger.money import from_db

    rows = db.execute(
        "SELECT p.id, p.code, p.name, t.name, d.name, COALESCE(ap.nature, p.nature),"
        " COALESCE(NULLIF(ap.planned_start, ''), p.planned_start), p.actual_start, ap.investment"
        " FROM projects p JOIN annual_plans ap ON ap.project_id = p.id AND ap.year = ?"
        " LEFT JOIN units t ON t.id = p.township_id LEFT JOIN units d ON d.id = p.department_id"
        # by township (none last), department, name, id — SQLite's binary order is code-point order
        " ORDER BY t.name IS NULL, COALESCE(t.name, ''), COALESCE(d.name, ''), p.name, p.id",
        [year]).fetchall()
    lines, zero = [], Decimal(0)
    for pid, code, name, township, department, nature, planned, actual, investment in rows:
        if keep is not None and pid not in keep:
            continue
        ytd, status = latest.get(pid, (None, None))
        lines.append(ProjectLine(
            pid, code, name, township, department, nature, _date(planned), _date(actual),
            from_db(investment) if investment is not None else zero,
            from_db(ytd) if ytd is not None else zero, status, cards.project_cards.get(pid),
            "；".join(reasons.get(pid, [])) or None))
    return lines


# ---------------------------------------------------------------- saving


def save_monthly(w: "AuditedWriter", data: MonthlyData) -> int:
    """Record the period's ranking snapshot (and the past rankings computed for its streaks)
    inside the caller's transaction; returns the number of unit rows saved."""
    from projledger.ranking import save_computed, save_snapshot

    if data.fresh_rankings:
        save_computed(w, data.fresh_rankings)
    return save_snapshot(w, data.ranking)
