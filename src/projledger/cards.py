"""Warning cards (红黄蓝牌): the pure rules of SPEC §6.

Every open item a staffer is chasing gets at most one card for an as-of date D:

* **problem / procedure** (问题、前期手续) with a due date — by *working* days:
  蓝 when not overdue and due within ``blue_within_workdays`` (default 2) working days,
  黄 when overdue by 1..``yellow_overdue_max_workdays`` (default 5) working days,
  红 when overdue by more than that.
* **start** (开工) — a 新开工 plan project not started by D whose planned start is before D,
  by *calendar* days late: 黄 up to ``start_yellow_max_days`` (30), 红 beyond.
* **invest** (投资) — year-to-date completed / annual plan against the time schedule
  序时进度 = month/12: 红 below ``invest_red_ratio`` (50%) of it, else 黄 below
  ``invest_yellow_ratio`` (80%) of it.  Being exactly at a threshold is not "below".

SPEC §12 adds (the reporting cycle):

* **milestone** (节点) and **supplement** (容缺受理 material due by its 补正 date) — the same
  working-day deadline rule as problems and procedures (:func:`deadline_card`);
* **completion** (竣工) — a plan project not completed by its planned completion, by calendar
  days late with the start thresholds: 黄 up to ``start_yellow_max_days``, 红 beyond
  (:func:`completion_card`);
* **simulated_expiry** (模拟审批有效期) — by *calendar* days to ``expires_on``: 蓝 from
  ``expiry_notice_days`` (30) days before it up to the day itself, 红 from the day after
  (:func:`expiry_card`).

A project's card is its worst item's card (:func:`worst`).

Design choices worth knowing:

* The module is pure: it never reads the database or the clock.  Working days come from any
  object with ``workdays_until(due, as_of)`` and ``overdue_workdays(due, as_of)``
  (:class:`WorkdayCounter`, satisfied by ``projledger.workdays.WorkCalendar``), so local
  calendar overrides and provisional years are the caller's business.
* "Due today" counts as due within the blue window: it is 0 working days away and not yet
  overdue.  A due date that has passed with no working day since (due Friday, D Saturday, or
  due on the eve of 国庆 and D inside the holiday) is not overdue by any working day either,
  so it stays 蓝 (已到期) until the first working day after it, when it turns 黄.  This keeps
  the card sequence 蓝 → 黄 → 红 without a gap over weekends and holidays.
* Investment thresholds are compared exactly by cross-multiplying
  (``ytd × 12 < ratio × month × plan``), never through a rounded percentage.
* Callers filter: only OPEN problems/procedures are passed to :func:`deadline_card`; the
  thresholds come from settings (validated there), the defaults here mirror SPEC §6.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Protocol, runtime_checkable

from projledger.labels import CARD_KIND_LABELS
from projledger.text import squash

__all__ = [
    "Card",
    "CARD_ORDER",
    "CardThresholds",
    "CardItem",
    "WorkdayCounter",
    "KIND_LABELS",
    "deadline_card",
    "DEADLINE_KINDS",
    "start_card",
    "completion_card",
    "expiry_card",
    "schedule_ratio",
    "invest_card",
    "worst",
    "worst_by_project",
    "sort_worst_first",
]


class Card(str, Enum):
    """红牌 / 黄牌 / 蓝牌; ``None`` stands for "no card" everywhere in this module."""

    RED = "红"
    YELLOW = "黄"
    BLUE = "蓝"

    @property
    def key(self) -> str:
        """Stable English key for JSON: ``red`` / ``yellow`` / ``blue``."""
        return _KEYS[self]

    @property
    def label(self) -> str:
        """What a report shows: ``红牌`` / ``黄牌`` / ``蓝牌``."""
        return f"{self.value}牌"

    @property
    def severity(self) -> int:
        """3 for red, 2 yellow, 1 blue (higher is worse)."""
        return len(CARD_ORDER) - CARD_ORDER.index(self)


_KEYS = {Card.RED: "red", Card.YELLOW: "yellow", Card.BLUE: "blue"}

#: Worst first.
CARD_ORDER: tuple[Card, ...] = (Card.RED, Card.YELLOW, Card.BLUE)

#: Item kinds and how a reason names them.
KIND_LABELS = CARD_KIND_LABELS  # projledger.labels: the words in one place

#: Kinds judged by the working-day deadline rule (:func:`deadline_card`).
DEADLINE_KINDS = ("problem", "procedure", "milestone", "supplement", "meeting_item", "reply")

NEW_START = "新开工"


@runtime_checkable
class WorkdayCounter(Protocol):
    """What :func:`deadline_card` needs from a working-day calendar."""

    def workdays_until(self, due: date, as_of: date) -> int:
        """Working days d with as_of < d <= due; 0 when due <= as_of."""
        ...

    def overdue_workdays(self, due: date, as_of: date) -> int:
        """Working days d with due < d <= as_of; 0 when as_of <= due."""
        ...


def _as_decimal(value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


@dataclass(frozen=True)
class CardThresholds:
    """Card thresholds (settings); defaults from SPEC §6."""

    blue_within_workdays: int = 2
    yellow_overdue_max_workdays: int = 5  # overdue 1..5 → 黄, > 5 → 红
    start_yellow_max_days: int = 30  # calendar days late: 1..30 → 黄, > 30 → 红
    invest_yellow_ratio: Decimal = Decimal("0.8")  # rate < 80% of 序时进度 → 黄
    invest_red_ratio: Decimal = Decimal("0.5")  # rate < 50% of 序时进度 → 红
    expiry_notice_days: int = 30  # 模拟审批 expiring within N calendar days → 蓝

    @classmethod
    def from_settings(cls, source: object) -> CardThresholds:
        """Build from any object carrying the same field names (e.g. ``settings.cards``);
        a field the source lacks keeps its default."""
        return cls(**{name: getattr(source, name) for name in cls.__dataclass_fields__
                      if hasattr(source, name)})

    def __post_init__(self) -> None:
        for name in ("blue_within_workdays", "yellow_overdue_max_workdays", "start_yellow_max_days",
                     "expiry_notice_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
        for name in ("invest_yellow_ratio", "invest_red_ratio"):
            object.__setattr__(self, name, _as_decimal(getattr(self, name)))
        if not Decimal(0) <= self.invest_red_ratio <= self.invest_yellow_ratio:
            raise ValueError(
                "need 0 <= invest_red_ratio <= invest_yellow_ratio, got "
                f"{self.invest_red_ratio} and {self.invest_yellow_ratio}"
            )


DEFAULT_THRESHOLDS = CardThresholds()


@dataclass(frozen=True)
class CardItem:
    """One warning: which card, for what, and why (``reason`` is Chinese, for the report)."""

    card: Card
    kind: str  # "problem" | "procedure" | "start" | "invest"
    project_id: int | None
    subject: str
    reason: str
    due: date | None = None
    overdue_workdays: int = 0
    days_late: int = 0

    def to_json(self) -> dict:
        """Stable English keys; dates ISO; ``card`` is ``red``/``yellow``/``blue``."""
        return {
            "card": self.card.key,
            "card_label": self.card.label,
            "kind": self.kind,
            "project_id": self.project_id,
            "subject": self.subject,
            "reason": self.reason,
            "due": self.due.isoformat() if self.due is not None else None,
            "overdue_workdays": self.overdue_workdays,
            "days_late": self.days_late,
        }


def deadline_card(
    kind: str,
    subject: str,
    due: date,
    as_of: date,
    cal: WorkdayCounter,
    t: CardThresholds = DEFAULT_THRESHOLDS,
    project_id: int | None = None,
) -> CardItem | None:
    """Card of an OPEN problem or procedure due on ``due``, seen on ``as_of``.

    蓝 when not overdue by any working day and at most ``t.blue_within_workdays`` working
    days remain (due today → 0 remain → 蓝); 黄 when overdue by 1..``yellow_overdue_max``
    working days; 红 beyond; otherwise ``None``.
    """
    if kind not in DEADLINE_KINDS:
        raise ValueError(f"deadline cards are for {DEADLINE_KINDS}, got {kind!r}")
    named = f"{KIND_LABELS[kind]}“{subject}”"

    def item(card: Card, reason: str, overdue: int = 0) -> CardItem:
        return CardItem(card, kind, project_id, subject, reason, due=due, overdue_workdays=overdue)

    if as_of > due:
        overdue = cal.overdue_workdays(due, as_of)
        if overdue > t.yellow_overdue_max_workdays:
            return item(Card.RED, f"{named}逾期{overdue}个工作日", overdue)
        if overdue >= 1:
            return item(Card.YELLOW, f"{named}逾期{overdue}个工作日", overdue)
        # Past due, but no working day has gone by since (weekend / holiday).
        return item(Card.BLUE, f"{named}已于{due.isoformat()}到期")
    if as_of == due:
        return item(Card.BLUE, f"{named}今日到期")
    remaining = cal.workdays_until(due, as_of)
    if remaining > t.blue_within_workdays:
        return None
    if remaining == 0:  # due on a non-working day with no working day in between
        return item(Card.BLUE, f"{named}将于{due.isoformat()}到期")
    return item(Card.BLUE, f"{named}{remaining}个工作日内到期")


def start_card(
    subject: str,
    nature: str | None,
    planned_start: date | None,
    actual_start: date | None,
    as_of: date,
    t: CardThresholds = DEFAULT_THRESHOLDS,
    project_id: int | None = None,
) -> CardItem | None:
    """开工预警 for a plan project: only 新开工 projects not started by ``as_of``.

    A start after ``as_of`` has not happened yet as seen on ``as_of``.  Days late are
    calendar days ``as_of - planned_start``; planned start on ``as_of`` is not late.
    """
    if nature is None or squash(nature) != NEW_START or planned_start is None:
        return None
    if actual_start is not None and actual_start <= as_of:
        return None
    days_late = (as_of - planned_start).days
    if days_late <= 0:
        return None
    card = Card.YELLOW if days_late <= t.start_yellow_max_days else Card.RED
    reason = f"计划{planned_start.isoformat()}开工，已逾期{days_late}天未开工"
    return CardItem(card, "start", project_id, subject, reason, due=planned_start, days_late=days_late)


def completion_card(
    subject: str,
    planned_completion: date | None,
    completed_on: date | None,
    as_of: date,
    t: CardThresholds = DEFAULT_THRESHOLDS,
    project_id: int | None = None,
) -> CardItem | None:
    """竣工预警: a plan project not completed by ``as_of`` whose planned completion is before it.

    Start-style: calendar days late ``as_of - planned_completion``; 黄 up to
    ``t.start_yellow_max_days``, 红 beyond; completing after ``as_of`` has not happened yet.
    """
    if planned_completion is None:
        return None
    if completed_on is not None and completed_on <= as_of:
        return None
    days_late = (as_of - planned_completion).days
    if days_late <= 0:
        return None
    card = Card.YELLOW if days_late <= t.start_yellow_max_days else Card.RED
    reason = f"计划{planned_completion.isoformat()}竣工，已逾期{days_late}天未竣工"
    return CardItem(card, "completion", project_id, subject, reason, due=planned_completion,
                    days_late=days_late)


def expiry_card(
    subject: str,
    expires_on: date | None,
    as_of: date,
    t: CardThresholds = DEFAULT_THRESHOLDS,
    project_id: int | None = None,
) -> CardItem | None:
    """模拟审批有效期预警 for a mock approval still waiting to become formal.

    红 once ``as_of`` is after ``expires_on`` (已过期); 蓝 from ``t.expiry_notice_days``
    calendar days before it up to the day itself; otherwise no card.
    """
    if expires_on is None:
        return None
    named = f"{KIND_LABELS['simulated_expiry']}“{subject}”"
    days_left = (expires_on - as_of).days
    if days_left < 0:
        return CardItem(Card.RED, "simulated_expiry", project_id, subject,
                        f"{named}已于{expires_on.isoformat()}过期{-days_left}天", due=expires_on,
                        days_late=-days_left)
    if days_left > t.expiry_notice_days:
        return None
    when = "今日到期" if days_left == 0 else f"将于{expires_on.isoformat()}到期（还有{days_left}天）"
    return CardItem(Card.BLUE, "simulated_expiry", project_id, subject, f"{named}{when}", due=expires_on)


def schedule_ratio(as_of_period_month: int) -> Decimal:
    """序时进度 = month / 12 (display value; comparisons cross-multiply instead)."""
    _check_month(as_of_period_month)
    return Decimal(as_of_period_month) / Decimal(12)


def _check_month(month: int) -> None:
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month!r}")


def _percent(value: Decimal) -> str:
    """A rate as a percentage with one decimal, half-up: 0.42 → '42.0', 10/12 → '83.3'."""
    return str((value * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _ratio_percent(ratio: Decimal) -> str:
    """Threshold ratio as a short percentage: 0.8 → '80', 0.75 → '75', 0.125 → '12.5'."""
    return format((ratio * 100).normalize(), "f")


def invest_card(
    subject: str,
    annual_plan: Decimal | None,
    ytd_completed: Decimal | None,
    month: int,
    t: CardThresholds = DEFAULT_THRESHOLDS,
    project_id: int | None = None,
) -> CardItem | None:
    """投资预警: rate = ytd / plan against 序时进度 month/12; no card when plan is not positive.

    红 when rate < invest_red_ratio × month/12, else 黄 when rate < invest_yellow_ratio ×
    month/12.  Compared exactly: ``ytd × 12 < ratio × month × plan``.
    """
    _check_month(month)
    if annual_plan is None:
        return None
    plan = _as_decimal(annual_plan)
    if plan <= 0:
        return None
    ytd = _as_decimal(ytd_completed) if ytd_completed is not None else Decimal(0)
    if ytd * 12 < t.invest_red_ratio * month * plan:
        card, ratio = Card.RED, t.invest_red_ratio
    elif ytd * 12 < t.invest_yellow_ratio * month * plan:
        card, ratio = Card.YELLOW, t.invest_yellow_ratio
    else:
        return None
    reason = (
        f"投资完成率{_percent(ytd / plan)}%，低于序时进度"
        f"{_percent(schedule_ratio(month))}%的{_ratio_percent(ratio)}%"
    )
    return CardItem(card, "invest", project_id, subject, reason)


def _card_of(entry: CardItem | Card | None) -> Card | None:
    if entry is None or isinstance(entry, Card):
        return entry
    if isinstance(entry, CardItem):
        return entry.card
    raise TypeError(f"expected CardItem, Card or None, got {type(entry).__name__}")


def worst(items: Iterable[CardItem | Card | None]) -> Card | None:
    """The most severe card among ``items`` (红 > 黄 > 蓝); ``None`` when there is none."""
    found: Card | None = None
    for entry in items:
        card = _card_of(entry)
        if card is not None and (found is None or card.severity > found.severity):
            found = card
    return found


def worst_by_project(items: Iterable[CardItem | None]) -> dict[int | None, Card]:
    """Each project's card: the worst card among its items (projects without items absent)."""
    cards: dict[int | None, Card] = {}
    for entry in items:
        if entry is None:
            continue
        current = cards.get(entry.project_id)
        if current is None or entry.card.severity > current.severity:
            cards[entry.project_id] = entry.card
    return cards


def _sort_key(entry: CardItem) -> tuple:
    return (
        CARD_ORDER.index(entry.card),
        -entry.overdue_workdays,
        -entry.days_late,
        entry.due or date.max,  # blue: the soonest due first
        entry.subject,
        entry.kind,
        entry.project_id is None,
        entry.project_id or 0,
        entry.reason,
    )


def sort_worst_first(items: Iterable[CardItem | None]) -> list[CardItem]:
    """红, then 黄, then 蓝; within a colour the most overdue (working days), then the most
    days late, then the soonest due, then subject (code point order).  ``None`` entries are
    dropped so callers can pass rule results straight in."""
    return sorted((entry for entry in items if entry is not None), key=_sort_key)
