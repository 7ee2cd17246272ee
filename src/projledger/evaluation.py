"""后评价 (seed 002 三.17): output per mu, tax per mu, energy per output → three support tiers.

After a county major project is 竣工/投产, the county measures 亩均产出, 亩均税收 and 单位能耗
and puts the project in one of three tiers — 优先扶持, 重点扶持, 一般 — that decide which
policy support it gets.

* Inputs: land area (亩, > 0), annual output value (产值, 万元), tax paid (税收, 万元) and
  energy use (综合能耗, 吨标准煤).  Derived: 亩均产出 = output / area (万元/亩),
  亩均税收 = tax / area (万元/亩), 单位能耗 = energy / output (吨标准煤/万元; undefined when
  output is 0).
* Tier: 优先扶持 when all three meet the 优先 lines, else 重点扶持 when all three meet the 重点
  lines, else 一般.  "Meet" is ≥ for the two per-mu figures and ≤ for energy; a value exactly
  on a line meets it.  Comparisons are exact, by cross-multiplication
  (``output >= line × area``), never through rounded ratios; stored ratios are rounded for
  display only (0.01 万元/亩, 0.0001 吨标准煤/万元).

The thresholds live in settings (``evaluation.*``, changed with ``projledger config set``);
:data:`DEFAULT_THRESHOLDS` mirrors their defaults.  The seed gives no numbers, so these
defaults are a starting point a county will set for itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from projledger.errors import DataError, UsageError
from projledger.money import from_db, money_json, to_db
from projledger.projects import Project, Projects

__all__ = [
    "TIERS", "TIER_KEYS", "EvaluationThresholds", "DEFAULT_THRESHOLDS", "thresholds_from_settings", "Measures", "Evaluation",
    "Derived", "derive", "classify", "Evaluations", "parse_measure",
]

TIERS = ("优先扶持", "重点扶持", "一般")
TIER_KEYS = {"优先扶持": "priority", "重点扶持": "key", "一般": "general"}


@dataclass(frozen=True)
class EvaluationThresholds:
    """后评价 lines (to move into settings).  Per-mu values in 万元/亩, energy in 吨标准煤/万元."""

    priority_output_per_mu: Decimal = Decimal("300")
    priority_tax_per_mu: Decimal = Decimal("15")
    priority_energy_per_output: Decimal = Decimal("0.5")
    key_output_per_mu: Decimal = Decimal("150")
    key_tax_per_mu: Decimal = Decimal("8")
    key_energy_per_output: Decimal = Decimal("1")

    def to_json(self) -> dict:
        return {k: float(v) if v != v.to_integral_value() else int(v) for k, v in asdict(self).items()}


DEFAULT_THRESHOLDS = EvaluationThresholds()


def thresholds_from_settings(settings) -> EvaluationThresholds:
    """The lines the user keeps in ``config`` (``evaluation.*``)."""
    return EvaluationThresholds(**settings.evaluation.model_dump())


@dataclass(frozen=True)
class Measures:
    """Inputs: area in 亩, output and tax in 万元 (0.01), energy in 吨标准煤."""

    area_mu: Decimal
    output: Decimal
    tax: Decimal
    energy: Decimal

    def __post_init__(self) -> None:
        if self.area_mu <= 0:
            raise DataError("用地面积（亩）必须大于0")
        for value, what in ((self.output, "产值"), (self.tax, "税收"), (self.energy, "能耗")):
            if value < 0:
                raise DataError(f"{what}不能为负数")
        if self.energy > 0 and self.output == 0:
            raise DataError("产值为0时无法计算单位能耗（能耗/产值）")


@dataclass(frozen=True)
class Derived:
    output_per_mu: Decimal
    tax_per_mu: Decimal
    energy_per_output: Decimal | None


def _q(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def derive(m: Measures) -> Derived:
    """The three indicators, rounded for display (tiers use :func:`classify`, which is exact)."""
    energy = _q(m.energy / m.output, "0.0001") if m.output > 0 else None
    return Derived(_q(m.output / m.area_mu, "0.01"), _q(m.tax / m.area_mu, "0.01"), energy)


def _meets(m: Measures, output_line: Decimal, tax_line: Decimal, energy_line: Decimal) -> bool:
    return (m.output >= output_line * m.area_mu
            and m.tax >= tax_line * m.area_mu
            and m.output > 0 and m.energy <= energy_line * m.output)


def classify(m: Measures, t: EvaluationThresholds = DEFAULT_THRESHOLDS) -> str:
    """优先扶持 / 重点扶持 / 一般, exactly (cross-multiplied)."""
    if _meets(m, t.priority_output_per_mu, t.priority_tax_per_mu, t.priority_energy_per_output):
        return "优先扶持"
    if _meets(m, t.key_output_per_mu, t.key_tax_per_mu, t.key_energy_per_output):
        return "重点扶持"
    return "一般"


@dataclass(frozen=True)
class Evaluation:
    project: Project
    evaluated_on: dt.date
    measures: Measures
    derived: Derived
    tier: str
    note: str | None = None

    def to_json(self) -> dict:
        m, d, p = self.measures, self.derived, self.project
        return {
            "project_id": p.id, "code": p.code, "name": p.name, "department": p.department,
            "evaluated_on": self.evaluated_on.isoformat(),
            "area_mu": _num(m.area_mu), "output": money_json(m.output), "tax": money_json(m.tax),
            "energy": _num(m.energy), "output_per_mu": _num(d.output_per_mu),
            "tax_per_mu": _num(d.tax_per_mu),
            "energy_per_output": _num(d.energy_per_output) if d.energy_per_output is not None else None,
            "tier": self.tier, "tier_key": TIER_KEYS[self.tier], "note": self.note,
        }


def _num(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value.normalize())


class Evaluations:
    """Stored 后评价 records (one per project per evaluation date)."""

    def __init__(self, db, projects: Projects | None = None):
        self.db = db
        self.projects = projects or Projects(db)

    @staticmethod
    def check_project(project: Project) -> None:
        if project.stage not in ("竣工", "投产"):
            raise DataError(f"项目“{project.label}”处于“{project.stage}”阶段；后评价在项目竣工投产后进行"
                            "（先用 projledger project complete 登记竣工）")

    def record(self, writer, project: Project, measures: Measures, on: dt.date, *,
               thresholds: EvaluationThresholds = DEFAULT_THRESHOLDS, note: str | None = None) -> Evaluation:
        self.check_project(project)
        derived = derive(measures)
        tier = classify(measures, thresholds)
        values = {
            "area_mu": str(measures.area_mu), "output": to_db(measures.output), "tax": to_db(measures.tax),
            "energy": str(measures.energy), "output_per_mu": str(derived.output_per_mu),
            "tax_per_mu": str(derived.tax_per_mu),
            "energy_per_output": str(derived.energy_per_output) if derived.energy_per_output is not None else None,
            "tier": tier, "note": note,
        }
        writer.upsert("post_evaluations", {"project_id": project.id, "evaluated_on": on.isoformat()},
                      values, project_id=project.id)
        return Evaluation(project, on, measures, derived, tier, note)

    def list(self, *, project_id: int | None = None, tier: str | None = None) -> list[Evaluation]:
        sql = ("SELECT project_id, evaluated_on, area_mu, output, tax, energy, output_per_mu, tax_per_mu,"
               " energy_per_output, tier, note FROM post_evaluations WHERE 1=1")
        params: list = []
        if project_id is not None:
            sql += " AND project_id = ?"
            params.append(project_id)
        if tier is not None:
            if tier not in TIERS:
                raise DataError(f"后评价档次“{tier}”无效，应为：{'、'.join(TIERS)}")
            sql += " AND tier = ?"
            params.append(tier)
        result = []
        for row in self.db.execute(sql + " ORDER BY evaluated_on, project_id", params).fetchall():
            (pid, on, area, output, tax, energy, opm, tpm, epo, tier_value, note) = row
            measures = Measures(Decimal(area), from_db(output), from_db(tax), Decimal(energy))
            derived = Derived(Decimal(opm), Decimal(tpm), Decimal(epo) if epo is not None else None)
            result.append(Evaluation(self.projects.by_id(pid), dt.date.fromisoformat(on), measures,
                                     derived, tier_value, note))
        return result


def parse_measure(text: str, what: str, *, places: str = "0.01") -> Decimal:
    """A CLI number (亩, 吨标准煤) → Decimal rounded half-up to ``places``."""
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise UsageError(f"{what}“{text}”不是数字") from None
    if not value.is_finite():
        raise UsageError(f"{what}“{text}”不是数字")
    return _q(value, places)
