"""The brief (通报正文, SPEC §5b): the paragraphs read aloud before the tables are looked at.

Pure: it takes plain records — the plan projects of year Y as seen at period P, the problem
and meeting-item counts, the two rankings, the townships that have not reported — and returns
a :class:`Brief` holding every figure (exact ``Decimal`` / ``Fraction``) and the text written
from those same figures.  It reads no database, clock or settings, so its figures are tested
against hand calculations on a small county, and the report that gathers the records once
(``projledger.report_data``) gives the same records to the tables, so the two cannot disagree.

How figures are said (the house style of published 排队通报):

- amounts ≥ 1 亿元 in 亿元 with two decimals (``196.44亿元``), smaller ones in 万元 without
  trailing zeros (``3250.5万元``); all money half-up;
- shares with one decimal (``82.6%``); the gap to 序时进度 (month ÷ 12) is the shown share
  minus the shown 序时进度, in 百分点, said as 高于 / 低于 / 持平 — so a reader who subtracts
  the two printed numbers gets the printed gap;
- where a project has no level, no planned start or no planned completion, the brief says how
  many are unset instead of leaving them out silently.

The seven parts: :data:`PART_HEADINGS`.  :meth:`Brief.to_json` is the ``"brief"`` object of
``report monthly --json`` (money in 万元, shares as fractions rounded to 4 places plus the
one-decimal percentage shown, gaps in 百分点).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Protocol

from projledger.labels import RANKING_KIND_WORDS
from projledger.cards import Card
from projledger.period import Period

__all__ = [
    "BriefProject", "ProblemCounts", "ItemCounts", "RankedUnit", "BriefInput", "Brief", "BriefPart",
    "compute_brief", "area_word", "say_amount", "say_share", "say_gap", "months_text", "PART_HEADINGS", "LEVELS",
    "YI", "STREAK_ALERT",
]

YI = Decimal(10000)  # 1 亿元 = 10000 万元
LEVELS = ("省重点", "市重点", "县重点")
STREAK_ALERT = 3
PART_HEADINGS = ("总体情况", "分类推进情况", "分级推进情况", "项目竣工情况", "问题和议定事项办理情况",
                 "红黄蓝牌预警情况", "排名情况")
KIND_WORDS = RANKING_KIND_WORDS  # projledger.labels


# ---------------------------------------------------------------- records in


@dataclass(frozen=True)
class BriefProject:
    """One plan project of year Y as seen at period P (money in 万元)."""

    name: str
    nature: str | None = None  # 新开工 / 续建 / 前期
    level: str | None = None  # 省重点 / 市重点 / 县重点
    total_investment: Decimal | None = None
    annual_plan: Decimal = Decimal(0)
    ytd_completed: Decimal = Decimal(0)
    planned_start: dt.date | None = None
    actual_start: dt.date | None = None
    planned_completion: dt.date | None = None
    completed_on: dt.date | None = None
    procedures_done: bool = False  # every 前期手续 of the project is done
    card: Card | None = None  # its worst card


@dataclass(frozen=True)
class ProblemCounts:
    """Problems reported in Y by the end of P and closed by then; open and overdue as of the report."""

    reported: int = 0
    closed: int = 0
    open_now: int = 0
    overdue_now: int = 0


@dataclass(frozen=True)
class ItemCounts:
    """Decided items of meetings (会议议定事项) open and overdue as of the report."""

    open_now: int = 0
    overdue_now: int = 0


class RankedUnit(Protocol):
    """What the brief reads of a ranking row (``projledger.scoring.RankingRow`` fits)."""

    rank: int
    unit: str
    score: Decimal
    bottom3: bool
    bottom3_streak: int


@dataclass(frozen=True)
class BriefInput:
    period: Period
    projects: Sequence[BriefProject]
    problems: ProblemCounts = ProblemCounts()
    items: ItemCounts | None = None  # None: the ledger keeps no meeting items
    rankings: Mapping[str, Sequence[RankedUnit]] = field(default_factory=dict)
    not_reported: Sequence[str] | None = None  # None: the ledger keeps no submissions
    county_name: str = "示范县"
    scope: str = ""  # a filtered report (``省重点项目``): the brief says it counts only those


# ---------------------------------------------------------------- how figures are said


def _round(value: Fraction | Decimal, places: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        if isinstance(value, Fraction):
            value = Decimal(value.numerator) / Decimal(value.denominator)
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def say_amount(amount: Decimal) -> str:
    """``196.44亿元`` from 1964400 万元; ``3250.5万元`` below 1 亿元."""
    if abs(amount) >= YI:
        return f"{_round(amount / YI, 2)}亿元"
    text = format(_round(amount, 2), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}万元"


def _pct(share: Fraction) -> Decimal:
    """A share as the one-decimal percentage shown (82.6 for 0.82631…)."""
    return _round(share * 100, 1)


def say_share(share: Fraction | None) -> str:
    return "—" if share is None else f"{_pct(share)}%"


def _schedule(period: Period) -> Fraction:
    month, months = period.schedule_share
    return Fraction(month, months)


def gap_points(share: Fraction, period: Period) -> Decimal:
    """Shown share minus shown 序时进度, in 百分点 (one decimal)."""
    return _pct(share) - _pct(_schedule(period))


def say_gap(share: Fraction, period: Period) -> str:
    gap = gap_points(share, period)
    if gap > 0:
        return f"高于序时进度{gap}个百分点"
    if gap < 0:
        return f"低于序时进度{-gap}个百分点"
    return "与序时进度持平"


def months_text(period: Period) -> str:
    """``1-10月`` (``1月`` in January): the span a year-to-date figure covers."""
    return f"{period.month}月" if period.month == 1 else f"1-{period.month}月"


def _ratio(part: int | Decimal, whole: int | Decimal) -> Fraction | None:
    if not whole:
        return None
    return Fraction(Decimal(part)) / Fraction(Decimal(whole))


def _share_json(share: Fraction | None) -> dict:
    if share is None:
        return {"share": None, "share_pct": None}
    return {"share": float(_round(share, 4)), "share_pct": float(_pct(share))}


def _money(amount: Decimal | None):
    from projledger.money import money_json

    return money_json(amount)


def area_word(county_name: str) -> str:
    """全县 / 全区 / 全市 from the county's name."""
    return "全" + (county_name[-1] if county_name and county_name[-1] in "县区市旗" else "县")


# ---------------------------------------------------------------- the parts


@dataclass(frozen=True)
class Totals:
    """Count and money of a group of plan projects."""

    count: int
    annual_plan: Decimal
    ytd_completed: Decimal

    @property
    def share(self) -> Fraction | None:
        return _ratio(self.ytd_completed, self.annual_plan)

    def to_json(self, period: Period) -> dict:
        share = self.share
        return {"count": self.count, "annual_plan": _money(self.annual_plan),
                "ytd_completed": _money(self.ytd_completed), **_share_json(share),
                "gap_points": None if share is None else float(gap_points(share, period))}


def _totals(projects: Sequence[BriefProject]) -> Totals:
    return Totals(len(projects), sum((p.annual_plan for p in projects), Decimal(0)),
                  sum((p.ytd_completed for p in projects), Decimal(0)))


def _money_sentence(totals: Totals, period: Period, *, gap: bool) -> str:
    text = f"年度计划投资{say_amount(totals.annual_plan)}，{months_text(period)}累计完成投资{say_amount(totals.ytd_completed)}"
    share = totals.share
    if share is None:
        return text + "（无年度计划投资，不计完成比例）"
    text += f"，占年度计划的{say_share(share)}"
    return text + (f"，{say_gap(share, period)}" if gap else "")


@dataclass(frozen=True)
class BriefPart:
    key: str
    heading: str
    text: str
    figures: dict


def _overall(data: BriefInput) -> BriefPart:
    projects, period = data.projects, data.period
    totals = _totals(projects)
    known = [p.total_investment for p in projects if p.total_investment is not None]
    total = sum(known, Decimal(0))
    unset = len(projects) - len(known)
    figures = {**totals.to_json(period), "total_investment": _money(total) if known or not projects else None,
               "total_investment_unset": unset,
               "schedule_pct": float(_pct(_schedule(period)))}
    if not projects:
        return BriefPart("overall", PART_HEADINGS[0], f"今年{area_word(data.county_name)}尚未安排重点项目。", figures)
    only = f"（本通报只统计{data.scope}）" if data.scope else ""
    if known:
        note = f"（其中{unset}个项目未填总投资）" if unset else ""
        total_text = f"项目总投资{say_amount(total)}{note}"
    else:
        total_text = "项目总投资均未填"
    text = (f"今年{area_word(data.county_name)}安排重点项目{totals.count}个{only}，{total_text}，"
            f"年度计划投资{say_amount(totals.annual_plan)}。")
    share = totals.share
    text += f"{months_text(period)}累计完成投资{say_amount(totals.ytd_completed)}"
    if share is None:
        text += "。"
    else:
        text += f"，占年度投资计划的{say_share(share)}，{say_gap(share, period)}（序时进度{say_share(_schedule(period))}）。"
    return BriefPart("overall", PART_HEADINGS[0], text, figures)


def _new_starts(projects: Sequence[BriefProject], period: Period) -> tuple[dict, str]:
    end = period.end
    group = [p for p in projects if p.nature == "新开工"]
    due = [p for p in group if p.planned_start is not None and p.planned_start <= end]
    started = [p for p in due if p.actual_start is not None and p.actual_start <= end]
    ahead = [p for p in group if p.actual_start is not None and p.actual_start <= end
             and p.planned_start is not None and p.planned_start > end]
    no_start = sum(1 for p in group if p.planned_start is None)
    rate = _ratio(len(started), len(due))
    figures = {**_totals(group).to_json(period), "start_due": len(due), "started": len(started),
               **{f"start_{k}": v for k, v in _share_json(rate).items()}, "started_ahead": len(ahead),
               "planned_start_unset": no_start}
    text = f"新开工项目{len(group)}个"
    if group:
        text += f"，{months_text(period)}应开工{len(due)}个，已开工{len(started)}个"
        text += f"，开工率{say_share(rate)}" if rate is not None else ""
        text += f"，另有{len(ahead)}个项目提前开工" if ahead else ""
        text += f"，{no_start}个未填计划开工时间" if no_start else ""
    return figures, text


def _by_nature(data: BriefInput) -> BriefPart:
    projects, period = data.projects, data.period
    start_figures, start_text = _new_starts(projects, period)
    going = [p for p in projects if p.nature == "续建"]
    going_totals = _totals(going)
    early = [p for p in projects if p.nature == "前期"]
    ready = sum(1 for p in early if p.procedures_done)
    unset = sum(1 for p in projects if p.nature not in ("新开工", "续建", "前期"))
    parts = [start_text, f"续建项目{len(going)}个"]
    if going:
        parts[-1] += "，" + _money_sentence(going_totals, period, gap=False)
    parts.append(f"前期项目{len(early)}个" + (f"，其中前期手续全部办结{ready}个" if early else ""))
    text = "；".join(parts) + "。"
    if unset:
        text += f"另有{unset}个项目未填建设性质。"
    figures = {"new_start": start_figures, "continuing": going_totals.to_json(period),
               "preliminary": {"count": len(early), "procedures_done": ready}, "nature_unset": unset}
    return BriefPart("by_nature", PART_HEADINGS[1], text, figures)


def _by_level(data: BriefInput) -> BriefPart:
    projects, period = data.projects, data.period
    figures: dict = {}
    sentences = []
    for level in LEVELS:
        totals = _totals([p for p in projects if p.level == level])
        figures[level] = totals.to_json(period)
        if totals.count:
            sentences.append(f"{level}项目{totals.count}个，" + _money_sentence(totals, period, gap=True))
        else:
            sentences.append(f"无{level}项目")
    unset = sum(1 for p in projects if p.level not in LEVELS)
    figures = {"levels": figures, "level_unset": unset}
    if projects and unset == len(projects):
        text = f"{unset}个项目均未设置项目级别（省重点、市重点、县重点），暂不能分级统计。"
    else:
        text = "；".join(sentences) + "。" + (f"另有{unset}个项目未设置项目级别。" if unset else "")
    return BriefPart("by_level", PART_HEADINGS[2], text, figures)


def _completion(data: BriefInput) -> BriefPart:
    projects, period = data.projects, data.period
    end = period.end
    planned = [p for p in projects if p.planned_completion is not None and p.planned_completion.year == period.year]
    done = [p for p in planned if p.completed_on is not None and p.completed_on <= end]
    late = [p for p in projects if p.planned_completion is not None and p.planned_completion <= end
            and (p.completed_on is None or p.completed_on > end)]
    unset = sum(1 for p in projects if p.planned_completion is None)
    rate = _ratio(len(done), len(planned))
    figures = {"planned": len(planned), "completed": len(done), **_share_json(rate), "overdue": len(late),
               "planned_completion_unset": unset}
    if planned:
        text = f"计划{period.year}年竣工项目{len(planned)}个，截至{period.month}月底已竣工{len(done)}个，竣工率{say_share(rate)}"
    else:
        text = f"没有计划{period.year}年竣工的项目"
    text += f"；已过计划竣工时间仍未竣工{len(late)}个" if late else ""
    text += "。"
    if unset:
        text += f"另有{unset}个项目未填计划竣工时间。"
    return BriefPart("completion", PART_HEADINGS[3], text, figures)


def _problems(data: BriefInput) -> BriefPart:
    counts, period = data.problems, data.period
    rate = _ratio(counts.closed, counts.reported)
    figures = {"reported": counts.reported, "closed": counts.closed,
               **{f"resolve_{k}": v for k, v in _share_json(rate).items()},
               "open_now": counts.open_now, "overdue_now": counts.overdue_now}
    text = f"{months_text(period)}共收集项目建设问题{counts.reported}个，已办结{counts.closed}个"
    text += f"，办结率{say_share(rate)}" if rate is not None else ""
    text += f"；目前未办结问题{counts.open_now}个，其中已逾期{counts.overdue_now}个。"
    if data.items is not None:
        figures["items_open_now"] = data.items.open_now
        figures["items_overdue_now"] = data.items.overdue_now
        if data.items.open_now:
            text += f"会议议定事项未办结{data.items.open_now}个，其中已逾期{data.items.overdue_now}个。"
        else:
            text += "目前没有未办结的会议议定事项。"
    return BriefPart("problems", PART_HEADINGS[4], text, figures)


def _cards(data: BriefInput) -> BriefPart:
    counts = {card: sum(1 for p in data.projects if p.card is card) for card in Card}
    figures = {card.key: counts[card] for card in Card}
    text = "、".join(f"{card.label}项目{counts[card]}个" for card in Card) + "。"
    return BriefPart("cards", PART_HEADINGS[5], text, figures)


def _names(rows) -> str:
    return "、".join(f"{r.unit}（{_round(Decimal(r.score), 2)}分）" for r in rows)


def _placed(row) -> dict:
    return {"rank": row.rank, "unit": row.unit, "score": float(_round(Decimal(row.score), 2))}


def _ranking_sentence(kind: str, rows: Sequence[RankedUnit]) -> tuple[dict, str]:
    word = KIND_WORDS.get(kind, kind)
    ordered = sorted(rows, key=lambda r: r.rank)
    top = ordered[:3]
    bottom = [r for r in ordered if r.bottom3]
    figures = {"units": len(ordered), "top3": [_placed(r) for r in top], "bottom3": [_placed(r) for r in bottom]}
    if not ordered:
        return figures, f"本期没有参与排名的{word}。"
    text = f"{word}排名（{len(ordered)}个）前三位：{_names(top)}"
    text += f"；后三位：{_names(bottom)}。" if bottom else "；参与排名的不足4个，不列后三位。"
    return figures, text


def _rankings(data: BriefInput) -> BriefPart:
    figures: dict = {}
    sentences = []
    streaks = []
    for kind, rows in data.rankings.items():
        figures[kind], text = _ranking_sentence(kind, rows)
        sentences.append(text)
        streaks += [r for r in sorted(rows, key=lambda r: r.rank) if r.bottom3_streak >= STREAK_ALERT]
    figures["streak_units"] = [{"unit": r.unit, "bottom3_streak": r.bottom3_streak} for r in streaks]
    text = "".join(sentences)
    if streaks:
        text += "、".join(f"{r.unit}连续{r.bottom3_streak}次" for r in streaks)
        text += "排名后三位，须由主要领导在季度调度会上说明情况。"
    figures["not_reported"] = None if data.not_reported is None else list(data.not_reported)
    if data.not_reported:
        text += (f"{'、'.join(data.not_reported)}未报送{data.period.label}项目进展，"
                 "其数据按最近一次报送计算，请抓紧补报。")
    elif data.not_reported is not None and data.rankings.get("township"):
        text += f"各乡镇均已报送{data.period.label}项目进展。"
    return BriefPart("rankings", PART_HEADINGS[6], text, figures)


# ---------------------------------------------------------------- the brief


@dataclass(frozen=True)
class Brief:
    period: Period
    parts: tuple[BriefPart, ...]

    @property
    def text(self) -> str:
        """The seven paragraphs, one a line."""
        return "\n".join(part.text for part in self.parts)

    def part(self, key: str) -> BriefPart:
        return next(p for p in self.parts if p.key == key)

    def to_json(self) -> dict:
        return {"period": str(self.period), **{p.key: p.figures for p in self.parts}, "text": self.text}


def compute_brief(data: BriefInput) -> Brief:
    """The seven parts of SPEC §5b for ``data.period``."""
    return Brief(data.period, (_overall(data), _by_nature(data), _by_level(data), _completion(data),
                               _problems(data), _cards(data), _rankings(data)))
