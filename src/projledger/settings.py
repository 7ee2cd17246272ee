"""Settings kept in the ledger file (county name, scoring weights, card thresholds, …).

Only what the user changed is stored: table ``settings`` maps a dotted key
(``scoring.weights.invest``) to a JSON value; :func:`load_settings` lays those over the
defaults and validates the whole with pydantic, so a bad value is refused at ``config set``
time with a Chinese message and can never reach a report.  The JSON Schema of
:class:`Settings` is checked in as ``schemas/settings.schema.json``
(``python -m projledger.settings > schemas/settings.schema.json`` regenerates it).
"""

from __future__ import annotations

import difflib
import json
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from projledger.errors import DataError

__all__ = ["Settings", "load_settings", "set_setting", "unset_setting", "flatten", "settings_schema",
           "PLACEHOLDER_COUNTY", "placeholder_county_warning"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ScoringWeights(_Model):
    """逐月排队 weights; renormalised over the metrics a unit has (SPEC §5)."""

    start: Decimal = Field(Decimal("0.3"), ge=0, description="开工率权重")
    invest: Decimal = Field(Decimal("0.5"), ge=0, description="投资完成率权重")
    resolve: Decimal = Field(Decimal("0.2"), ge=0, description="问题办结率权重")

    @model_validator(mode="after")
    def _not_all_zero(self):
        if self.start + self.invest + self.resolve <= 0:
            raise ValueError("三项权重不能全为0")
        return self


class Scoring(_Model):
    weights: ScoringWeights = ScoringWeights()


class CardSettings(_Model):
    """红黄蓝牌 thresholds (SPEC §6)."""

    blue_within_workdays: int = Field(2, ge=0, description="到期前N个工作日内亮蓝牌")
    yellow_overdue_max_workdays: int = Field(5, ge=1, description="逾期1至N个工作日亮黄牌，超过亮红牌")
    start_yellow_max_days: int = Field(30, ge=1, description="新开工项目逾期未开工N个自然日内黄牌，超过红牌")
    invest_yellow_ratio: Decimal = Field(Decimal("0.8"), gt=0, le=1, description="投资完成率低于序时进度该比例亮黄牌")
    invest_red_ratio: Decimal = Field(Decimal("0.5"), gt=0, le=1, description="投资完成率低于序时进度该比例亮红牌")
    # cycle: 模拟审批 expiring within N calendar days → 蓝 (SPEC §12)
    expiry_notice_days: int = Field(30, ge=0, le=366, description="模拟审批到期前N个自然日内亮蓝牌")

    @model_validator(mode="after")
    def _red_below_yellow(self):
        if self.invest_red_ratio > self.invest_yellow_ratio:
            raise ValueError("红牌比例不能高于黄牌比例")
        return self


# cycle: 报送 due day (SPEC §12, seed 000 §46 每月5日前)
class ReportingSettings(_Model):
    """township sheets for period P are due on day ``due_day`` of the next month (next working day)."""

    due_day: int = Field(5, ge=1, le=28, description="乡镇报表于次月第N日前报送（遇节假日顺延至下一个工作日）")


class ReserveThresholds(_Model):
    """储备库 thresholds in 亿元 (seed 002: 综合≥1000亿且产业类≥50%，行业≥100亿，产业链≥300亿，乡镇≥10亿)."""

    comprehensive_yi: Decimal = Field(Decimal("1000"), ge=0)
    comprehensive_industrial_share: Decimal = Field(Decimal("0.5"), ge=0, le=1)
    industry_yi: Decimal = Field(Decimal("100"), ge=0)
    chain_yi: Decimal = Field(Decimal("300"), ge=0)
    township_yi: Decimal = Field(Decimal("10"), ge=0)


class EvaluationSettings(_Model):
    """后评价 tiers (seed 002 三.17): 亩均产出、亩均税收 (万元/亩) at least, 单位能耗 (吨标准煤/万元) at most."""

    priority_output_per_mu: Decimal = Field(Decimal("300"), ge=0, description="优先扶持：亩均产出不低于（万元/亩）")
    priority_tax_per_mu: Decimal = Field(Decimal("15"), ge=0, description="优先扶持：亩均税收不低于（万元/亩）")
    priority_energy_per_output: Decimal = Field(Decimal("0.5"), ge=0, description="优先扶持：单位能耗不高于（吨标准煤/万元）")
    key_output_per_mu: Decimal = Field(Decimal("150"), ge=0, description="重点扶持：亩均产出不低于（万元/亩）")
    key_tax_per_mu: Decimal = Field(Decimal("8"), ge=0, description="重点扶持：亩均税收不低于（万元/亩）")
    key_energy_per_output: Decimal = Field(Decimal("1"), ge=0, description="重点扶持：单位能耗不高于（吨标准煤/万元）")

    @model_validator(mode="after")
    def _priority_stricter(self):
        if (self.priority_output_per_mu < self.key_output_per_mu or self.priority_tax_per_mu < self.key_tax_per_mu
                or self.priority_energy_per_output > self.key_energy_per_output):
            raise ValueError("优先扶持的标准不能比重点扶持宽")
        return self


class LetterSettings(_Model):  # meetings
    """两函一单 numbering: ``{prefix}〔{year}〕{n}号``, n counting per kind per year (SPEC §11)."""

    reminder_prefix: str = Field("项目提醒", min_length=1, description="提醒函文号前缀")
    supervision_prefix: str = Field("项目督办", min_length=1, description="督办函文号前缀")
    assignment_prefix: str = Field("项目交办", min_length=1, description="交办单文号前缀")
    reply_workdays: int = Field(5, ge=1, le=60, description="督办函、提醒函要求书面回复的期限（工作日）")


class NoticeSettings(_Model):  # brief
    """The 通报 as a 公文 (SPEC §13): who issues it and its 文号 ``{prefix}〔{year}〕{month}号``."""

    issuing_office: str | None = Field(None, min_length=1,
                                       description="发文机关（通报落款），未设置时用“县名+发展和改革局”")
    doc_number_prefix: str | None = Field(None, min_length=1,
                                          description="通报文号前缀，如“泾发改投资”→ 泾发改投资〔2026〕10号；未设置时不写文号")


class AssessmentSettings(_Model):  # brief
    """年度考核加减分 (seed 000 第六十条): per year, per unit, points added to the December score."""

    adjustments: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description="年度考核加减分，按年度和单位：{\"2026\": {\"城关镇\": 2, \"县交通局\": -1.5}}")

    @model_validator(mode="after")
    def _years_and_points(self):
        for year, units in self.adjustments.items():
            if not (year.isdigit() and len(year) == 4):
                raise ValueError(f"加减分的年度“{year}”应为四位数字，如 2026")
            for unit, points in units.items():
                if not -100 <= points <= 100:
                    raise ValueError(f"{year}年“{unit}”的加减分{points}超出 -100 至 100")
        return self


DEFAULT_CATEGORIES = ["用地", "规划", "环评", "资金", "手续", "施工", "要素保障", "政策", "其他"]
DEFAULT_LEVELS = ["乡镇", "县直部门", "县级", "市级及以上"]


class Settings(_Model):
    county_name: str = Field("示范县", min_length=1, description="县（区）名称，用于报表标题")
    problem_default_workdays: int = Field(10, ge=0, le=365, description="问题解决时限（工作日）")
    problem_reply_workdays: int = Field(3, ge=0, le=60, description="提出解决意见时限（工作日）")
    problem_categories: list[str] = Field(default_factory=lambda: list(DEFAULT_CATEGORIES), min_length=1)
    problem_levels: list[str] = Field(default_factory=lambda: list(DEFAULT_LEVELS), min_length=1)
    scoring: Scoring = Scoring()
    cards: CardSettings = CardSettings()
    reporting: ReportingSettings = ReportingSettings()  # cycle
    reserve: ReserveThresholds = ReserveThresholds()
    evaluation: EvaluationSettings = EvaluationSettings()
    # meetings: decided items' default 完成时限 and the letters' numbering
    meeting_item_default_workdays: int = Field(10, ge=0, le=365, description="议定事项默认完成时限（工作日）")
    letters: LetterSettings = LetterSettings()
    # brief: the 通报's issuing office and 文号, and the annual 考核 加减分
    notice: NoticeSettings = NoticeSettings()
    assessment: AssessmentSettings = AssessmentSettings()
    # install: the user's own files live outside the installed package, so an upgrade keeps them
    import_headers_file: str | None = Field(
        None, min_length=1,
        description="补充的表头同义词 JSON 文件（相对路径从台账文件所在目录算起），每次导入时与自带的同义词合并")


def flatten(model: BaseModel, prefix: str = "") -> dict[str, Any]:
    """Dotted key → value for every leaf setting (what ``config show`` lists)."""
    flat: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        key = f"{prefix}{name}"
        if isinstance(value, BaseModel):
            flat.update(flatten(value, key + "."))
        else:
            flat[key] = value
    return flat


def _leaf_keys() -> list[str]:
    return list(flatten(Settings()))


def _nest(overrides: dict[str, Any]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for dotted, value in overrides.items():
        node = nested
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return nested


def _validate(overrides: dict[str, Any]) -> Settings:
    try:
        return Settings.model_validate(_nest(overrides))
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            problems.append(f"{where}：{_chinese_error(err)}")
        raise DataError("设置值无效：" + "；".join(problems)) from None


def _chinese_error(err: dict) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    messages = {
        "greater_than_equal": f"不能小于{ctx.get('ge')}",
        "greater_than": f"必须大于{ctx.get('gt')}",
        "less_than_equal": f"不能大于{ctx.get('le')}",
        "int_parsing": "必须是整数",
        "int_from_float": "必须是整数",
        "decimal_parsing": "必须是数字",
        "string_too_short": "不能为空",
        "too_short": "不能为空列表",
        "list_type": "必须是列表（JSON 数组，如 [\"用地\",\"规划\"]）",
        "string_type": "必须是文本",
    }
    if kind in messages:
        return messages[kind]
    if kind == "value_error":
        return str(ctx.get("error", err.get("msg")))
    return err.get("msg", kind)


def _stored_overrides(db) -> dict[str, Any]:
    return {key: json.loads(value) for key, value in db.execute("SELECT key, value FROM settings").fetchall()}


def load_settings(db) -> Settings:
    return _validate(_stored_overrides(db))


PLACEHOLDER_COUNTY = "示范县"


def placeholder_county_warning(db) -> str | None:
    """A one-line Chinese warning while the county name was never set (reports say 示范县)."""
    if "county_name" in _stored_overrides(db):
        return None
    return (f"提示：还没有设置本县名称，报表标题暂用“{PLACEHOLDER_COUNTY}”；"
            "请运行 projledger config set county_name 泾川县（换成本县名称）")


def parse_value(raw: str) -> Any:
    """CLI text → JSON value: numbers, lists and booleans as JSON, anything else as text."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


def check_key(key: str) -> None:
    keys = _leaf_keys()
    if key not in keys:
        close = difflib.get_close_matches(key, keys, n=3, cutoff=0.5)
        hint = f"。您是不是要设置：{'、'.join(close)}" if close else ""
        raise DataError(f"没有名为“{key}”的设置{hint}（projledger config show 列出全部设置）")


def set_setting(writer, db, key: str, raw_value: str) -> tuple[Any, Any]:
    """Validate and store one setting inside the caller's transaction; returns (old, new)."""
    check_key(key)
    overrides = _stored_overrides(db)
    old = flatten(_validate(overrides))[key]
    value = parse_value(raw_value)
    overrides[key] = value
    new = flatten(_validate(overrides))[key]
    stored = json.dumps(_jsonable(new), ensure_ascii=False)
    writer.upsert("settings", {"key": key}, {"value": stored})
    return old, new


def unset_setting(writer, key: str) -> bool:
    check_key(key)
    return writer.delete("settings", {"key": key})


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def settings_json(settings: Settings) -> dict[str, Any]:
    return {k: _jsonable(v) for k, v in flatten(settings).items()}


def settings_schema() -> dict:
    """JSON Schema of the settings, stable across pydantic versions.

    pydantic describes a Decimal as "number, or a string matching a regex" and that regex has
    changed between releases; settings are numbers in ``config set``, so only the number
    alternative is kept.
    """
    return _numbers_only(Settings.model_json_schema())


def _numbers_only(node):
    if isinstance(node, dict):
        options = node.get("anyOf")
        if isinstance(options, list) and any(o.get("type") == "number" for o in options) \
                and all(o.get("type") in ("number", "string") for o in options):
            number = next(o for o in options if o.get("type") == "number")
            node = {**{k: v for k, v in node.items() if k != "anyOf"}, **number}
            if isinstance(node.get("default"), str):
                node["default"] = float(node["default"])
        return {k: _numbers_only(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_numbers_only(v) for v in node]
    return node


if __name__ == "__main__":  # regenerate schemas/settings.schema.json
    print(json.dumps(settings_schema(), ensure_ascii=False, indent=2))
