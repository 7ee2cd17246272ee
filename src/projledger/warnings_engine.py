"""Warning cards over the whole ledger (红黄蓝牌预警, SPEC §6) as of a date.

The rules themselves are pure (:mod:`projledger.cards`); this module only *collects* the
open items of the ledger and hands each to its rule.  Collection is a list of
**collectors** — functions ``collector(ctx: CollectContext) -> Iterable[CardItem | None]`` —
so a new kind of item plugs in with one function (:data:`COLLECTORS`):

* :func:`collect_problems` — problems open as of D (reported by D, not closed by D), by
  their 解决时限 (``deadline_card`` kind ``problem``);
* :func:`collect_procedures` — procedures open on D, by the deadline that counts now
  (:meth:`projledger.procedures.Procedure.current_due`: a 模拟审批 waiting for land has none,
  a converted one counts its 3-working-day conversion); skipped while the table is absent;
* :func:`collect_starts` — plan projects of D's year whose plan nature is 新开工, not started
  by D, planned start before D (``start_card``; plan record's planned start, else the
  project's);
* :func:`collect_investment` — plan projects of D's year with a positive plan: year-to-date
  completed against 序时进度 (``invest_card``).

**Which month is the 序时进度 month?**  Year-to-date figures arrive after a month ends (the
October sheet comes in early November), so comparing them with D's own month would be unfair.
The schedule month is the latest period of D's year, up to D's month, for which *any* plan
project has a progress record; every project's year-to-date is its latest record up to that
period (a project that did not report keeps its older figure and is judged against the same
month as everyone else).  With no progress recorded yet in the year it is the last finished
month (D's month − 1); in January with nothing reported there are no investment cards.
Projects whose stage is 终止 or 退库 get no start or investment card.

The reporting cycle (SPEC §12) adds:

* :func:`collect_milestones` — milestones open on D (not done by D), by their due date
  (``deadline_card`` kind ``milestone``);
* :func:`collect_completions` — active plan projects of D's year not completed by D whose
  plan's planned completion is before D (``completion_card``);
* :func:`collect_supplements` — 容缺受理 procedures accepted by D, not approved by D, whose
  missing material has not arrived by D, by their 补正 date (``deadline_card`` kind
  ``supplement``);
* :func:`collect_simulated_expiry` — 模拟审批 procedures open on D, not yet converted, by their
  one-year expiry (``expiry_card``).

``calendar_complete`` is False when any year between the earliest deadline counted and D has
no official calendar data, or any counted deadline was stored as provisional.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from projledger.cards import (
    Card,
    CardItem,
    CardThresholds,
    completion_card,
    deadline_card,
    expiry_card,
    invest_card,
    sort_worst_first,
    start_card,
    worst_by_project,
)

__all__ = [
    "CardsResult",
    "CollectContext",
    "Collector",
    "COLLECTORS",
    "collect_cards",
    "collect_problems",
    "collect_procedures",
    "collect_starts",
    "collect_investment",
    "collect_milestones",
    "collect_completions",
    "collect_supplements",
    "collect_simulated_expiry",
    "schedule_month",
]

INACTIVE_STAGES = ("终止", "退库")


@dataclass
class CollectContext:
    """What every collector gets: the database, the date, the calendar and the thresholds."""

    db: object
    as_of: dt.date
    calendar: object
    thresholds: CardThresholds
    settings: object
    #: Earliest and latest deadline a collector counted working days to or from.
    first_due: dt.date | None = None
    last_due: dt.date | None = None
    #: A collector counted a deadline stored as provisional.
    provisional: bool = False
    #: The 序时进度 month the investment collector used (None: no investment cards).
    schedule_month: int | None = None
    #: Active plan projects of D's year with their plan records, shared by collectors.
    plan_projects: list | None = None

    def saw_deadline(self, due: dt.date, provisional: bool = False) -> None:
        """Note a deadline counted (it decides ``calendar_complete``)."""
        self.first_due = due if self.first_due is None else min(self.first_due, due)
        self.last_due = due if self.last_due is None else max(self.last_due, due)
        self.provisional = self.provisional or provisional


Collector = Callable[[CollectContext], Iterable[CardItem | None]]


@dataclass(frozen=True)
class CardsResult:
    """Every card worst first, each project's overall (worst) card, and how sure we are."""

    items: list[CardItem]
    project_cards: dict[int, Card]
    calendar_complete: bool = True
    warnings: tuple[str, ...] = ()
    schedule_month: int | None = None


def collect_problems(ctx: CollectContext) -> Iterable[CardItem | None]:
    from projledger.problems import ProblemStore

    store = ProblemStore(ctx.db, settings=ctx.settings, calendar=ctx.calendar)
    for problem in store.open_as_of(ctx.as_of):
        if problem.due_on is None:
            continue
        ctx.saw_deadline(problem.due_on, problem.due_provisional)
        yield deadline_card("problem", problem.text, problem.due_on, ctx.as_of, ctx.calendar,
                            ctx.thresholds, project_id=problem.project_id)


def collect_procedures(ctx: CollectContext) -> Iterable[CardItem | None]:
    """前期手续 open on D, by the deadline that counts now (a 模拟审批 waiting for land has none)."""
    if not ctx.db["procedures"].exists():
        return
    from projledger.procedures import ProcedureStore

    for procedure in ProcedureStore(ctx.db, calendar=ctx.calendar).list(open_only=True, as_of=ctx.as_of):
        due = procedure.current_due(ctx.as_of)
        if due is None:
            continue
        converted = procedure.convert_due is not None and due == procedure.convert_due
        ctx.saw_deadline(due, procedure.convert_due_provisional if converted else procedure.due_provisional)
        yield deadline_card("procedure", procedure.item, due, ctx.as_of, ctx.calendar, ctx.thresholds,
                            project_id=procedure.project_id)


def _plan_projects(ctx: CollectContext):
    """(project, plan) for every active plan project of D's year, by project id (loaded once)."""
    if ctx.plan_projects is None:
        from projledger.plans import plans_for_year
        from projledger.projects import Projects

        plans = plans_for_year(ctx.db, ctx.as_of.year)
        projects = {p.id: p for p in Projects(ctx.db).list() if p.id in plans}
        ctx.plan_projects = [(projects[pid], plans[pid]) for pid in sorted(plans)
                             if pid in projects and projects[pid].stage not in INACTIVE_STAGES]
    return ctx.plan_projects


def collect_starts(ctx: CollectContext) -> Iterable[CardItem | None]:
    for project, plan in _plan_projects(ctx):
        yield start_card(project.name, plan.nature, plan.planned_start or project.planned_start,
                         project.actual_start, ctx.as_of, ctx.thresholds, project_id=project.id)


def schedule_month(db, as_of: dt.date) -> int | None:
    """序时进度 month for ``as_of`` (see the module docstring); None when there is none."""
    from projledger.period import Period

    row = db.execute(
        "SELECT MAX(g.period) FROM progress g JOIN annual_plans a"
        " ON a.project_id = g.project_id AND a.year = g.year"
        " WHERE g.year = ? AND g.period <= ?",
        [as_of.year, str(Period.of(as_of))]).fetchone()
    if row and row[0]:
        return Period.from_db(row[0]).month
    return as_of.month - 1 or None


def collect_investment(ctx: CollectContext) -> Iterable[CardItem | None]:
    from projledger.progress import ytd_by_project

    month = ctx.schedule_month = schedule_month(ctx.db, ctx.as_of)
    if month is None:
        return
    ytd = ytd_by_project(ctx.db, ctx.as_of.year, f"{ctx.as_of.year:04d}-{month:02d}")
    for project, plan in _plan_projects(ctx):
        yield invest_card(project.name, plan.investment, ytd.get(project.id), month, ctx.thresholds,
                          project_id=project.id)


def collect_milestones(ctx: CollectContext) -> Iterable[CardItem | None]:
    """节点 open on D, by their due date (§6's deadline rule)."""
    from projledger.milestones import Milestones

    for milestone in Milestones(ctx.db).list(open_on=ctx.as_of):
        ctx.saw_deadline(milestone.due_on)
        yield deadline_card("milestone", f"{milestone.project_name}：{milestone.name}", milestone.due_on,
                            ctx.as_of, ctx.calendar, ctx.thresholds, project_id=milestone.project_id)


def collect_completions(ctx: CollectContext) -> Iterable[CardItem | None]:
    """Plan projects of D's year past their planned completion and not completed by D."""
    for project, plan in _plan_projects(ctx):
        yield completion_card(project.name, plan.planned_completion, project.completed_on, ctx.as_of,
                              ctx.thresholds, project_id=project.id)


def _procedures_of_mode(ctx: CollectContext, mode: str) -> list:
    if not ctx.db["procedures"].exists():
        return []
    from projledger.procedures import ProcedureStore

    return ProcedureStore(ctx.db, calendar=ctx.calendar).list(mode=mode, as_of=ctx.as_of)


def collect_supplements(ctx: CollectContext) -> Iterable[CardItem | None]:
    """容缺受理 whose missing material has not come by D, by its 补正 date."""
    for procedure in _procedures_of_mode(ctx, "容缺受理"):
        if procedure.supplement_by is None or procedure.accepted_on > ctx.as_of or procedure.done_by(ctx.as_of):
            continue
        if procedure.supplemented_on is not None and procedure.supplemented_on <= ctx.as_of:
            continue
        ctx.saw_deadline(procedure.supplement_by)
        yield deadline_card("supplement", procedure.item, procedure.supplement_by, ctx.as_of, ctx.calendar,
                            ctx.thresholds, project_id=procedure.project_id)


def collect_simulated_expiry(ctx: CollectContext) -> Iterable[CardItem | None]:
    """模拟审批 open on D and not yet converted (land obtained), by its one-year expiry."""
    for procedure in _procedures_of_mode(ctx, "模拟审批"):
        if not procedure.open_on(ctx.as_of):
            continue
        if procedure.converted_on is not None and procedure.converted_on <= ctx.as_of:
            continue
        yield expiry_card(procedure.item, procedure.expires_on, ctx.as_of, ctx.thresholds,
                          project_id=procedure.project_id)


def collect_meeting_items(ctx: CollectContext) -> Iterable[CardItem | None]:  # meetings
    """Decided items (kind meeting_item) and their missing 解决意见 (reply): :mod:`projledger.meetings`."""
    from projledger.meetings import collect_meeting_items as collect

    return collect(ctx)


def collect_problem_replies(ctx: CollectContext) -> Iterable[CardItem | None]:  # meetings
    """Problems with no 解决意见 past its deadline (kind reply): :mod:`projledger.meetings`."""
    from projledger.meetings import collect_problem_replies as collect

    return collect(ctx)


#: Every collector, in the order their items are gathered (sorting comes after).
COLLECTORS: list[Collector] = [collect_problems, collect_procedures, collect_starts, collect_investment,
                               collect_milestones, collect_completions, collect_supplements,
                               collect_simulated_expiry, collect_meeting_items, collect_problem_replies]


def collect_cards(ledger_or_db, as_of: dt.date, calendar=None, *,
                  collectors: Iterable[Collector] | None = None, settings=None) -> CardsResult:
    """Every card of the ledger as of ``as_of``, worst first, and each project's card.

    ``ledger_or_db`` is a :class:`~projledger.store.Ledger` or its sqlite-utils database;
    ``calendar`` defaults to the ledger's (:func:`projledger.calendar.load_calendar`).
    """
    from projledger.calendar import load_calendar
    from projledger.settings import load_settings

    db = getattr(ledger_or_db, "db", ledger_or_db)
    if settings is None:
        settings = ledger_or_db.settings() if hasattr(ledger_or_db, "settings") else load_settings(db)
    if calendar is None:
        calendar = load_calendar(db)
    ctx = CollectContext(db=db, as_of=as_of, calendar=calendar,
                         thresholds=CardThresholds.from_settings(settings.cards), settings=settings)
    found: list[CardItem | None] = []
    for collector in (COLLECTORS if collectors is None else collectors):
        found.extend(collector(ctx))
    items = sort_worst_first(found)
    project_cards = {pid: card for pid, card in worst_by_project(items).items() if pid is not None}
    complete, warnings = _completeness(ctx)
    return CardsResult(items, project_cards, complete, warnings, ctx.schedule_month)


def _completeness(ctx: CollectContext) -> tuple[bool, tuple[str, ...]]:
    from projledger.workdays import provisional_warning

    first = min(ctx.first_due or ctx.as_of, ctx.as_of)
    last = max(ctx.last_due or ctx.as_of, ctx.as_of)
    missing = [y for y in range(first.year, last.year + 1)
               if hasattr(ctx.calendar, "year_complete") and not ctx.calendar.year_complete(y)]
    warnings = [provisional_warning(y) for y in missing]
    if ctx.provisional and not missing:
        warnings.append("部分截止日期按暂定日历计算，请在国务院通知发布后用 calendar import 补录并刷新")
    return not (missing or ctx.provisional), tuple(warnings)
