"""后评价: the three indicators, the tiers (exact at the lines), storage and listing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from projledger.errors import DataError
from projledger.evaluation import DEFAULT_THRESHOLDS, EvaluationThresholds, Measures, classify, derive

D = Decimal

# (area 亩, output 万元, tax 万元, energy 吨标准煤) → (亩均产出, 亩均税收, 单位能耗, tier), worked by hand
CASES = [
    # the issue's example: exactly on the 优先 lines (300 / 15 / ≤0.5)
    (("120", "36000", "1800", "900"), ("300.00", "15.00", "0.0250", "优先扶持")),
    # 35999.99 / 120 = 299.9999166… shows as 300.00 but is below the line → 重点扶持
    (("120", "35999.99", "1800", "900"), ("300.00", "15.00", "0.0250", "重点扶持")),
    # tax 14.99 per mu misses 优先
    (("100", "40000", "1499", "100"), ("400.00", "14.99", "0.0025", "重点扶持")),
    # energy 20000 / 40000 = 0.5 exactly meets 优先
    (("100", "40000", "1500", "20000"), ("400.00", "15.00", "0.5000", "优先扶持")),
    # energy 20000.01 / 40000 = 0.50000025 > 0.5 → 重点
    (("100", "40000", "1500", "20000.01"), ("400.00", "15.00", "0.5000", "重点扶持")),
    # exactly on the 重点 lines (150 / 8 / ≤1)
    (("100", "15000", "800", "15000"), ("150.00", "8.00", "1.0000", "重点扶持")),
    # 15000.01 / 15000 = 1.0000007 > 1 → 一般 although it shows as 1.0000
    (("100", "15000", "800", "15000.01"), ("150.00", "8.00", "1.0000", "一般")),
    (("100", "14999.99", "800", "0"), ("150.00", "8.00", "0.0000", "一般")),
    (("33.3", "10000", "500", "1000"), ("300.30", "15.02", "0.1000", "优先扶持")),
    (("50", "0", "0", "0"), ("0.00", "0.00", None, "一般")),
]


@pytest.mark.parametrize("inputs, expected", CASES)
def test_indicators_and_tier(inputs, expected):
    m = Measures(*(D(v) for v in inputs))
    d = derive(m)
    energy = None if d.energy_per_output is None else str(d.energy_per_output)
    assert (str(d.output_per_mu), str(d.tax_per_mu), energy, classify(m)) == expected


@pytest.mark.parametrize("inputs, message", [
    (("0", "100", "1", "1"), "用地面积（亩）必须大于0"),
    (("10", "-1", "1", "1"), "产值不能为负数"),
    (("10", "100", "-1", "1"), "税收不能为负数"),
    (("10", "0", "0", "5"), "产值为0时无法计算单位能耗"),
])
def test_bad_measures(inputs, message):
    with pytest.raises(DataError, match=message):
        Measures(*(D(v) for v in inputs))


def test_thresholds_are_a_parameter():
    m = Measures(D("120"), D("36000"), D("1800"), D("900"))
    strict = EvaluationThresholds(priority_output_per_mu=D("400"))
    assert classify(m, DEFAULT_THRESHOLDS) == "优先扶持"
    assert classify(m, strict) == "重点扶持"


# ------------------------------------------------------------------ CLI

@pytest.fixture
def finished(county):
    county("project", "add", "--name", "果品加工厂", "--department", "县发改局", "--stage", "新开工",
           "--actual-start", "2025-04-01")
    county("project", "complete", "果品加工厂", "--on", "2026-06-30", "--stage", "投产")
    return county


def test_evaluate_as_in_the_issue(finished):
    result = finished("evaluate", "果品加工厂", "--area-mu", "120", "--output", "36000", "--tax", "1800",
                      "--energy", "900", "--on", "2026-12-01")
    assert "优先扶持" in result.stdout
    [row] = finished.json("evaluate")
    assert row == {"project_id": 1, "code": None, "name": "果品加工厂", "department": "县发改局",
                   "evaluated_on": "2026-12-01", "area_mu": 120, "output": 36000, "tax": 1800, "energy": 900,
                   "output_per_mu": 300, "tax_per_mu": 15, "energy_per_output": 0.025, "tier": "优先扶持",
                   "tier_key": "priority", "note": None}


def test_evaluate_again_the_same_day_updates(finished):
    args = ["evaluate", "果品加工厂", "--area-mu", "120", "--tax", "1800", "--energy", "900", "--on", "2026-12-01"]
    finished(*args, "--output", "36000")
    finished(*args, "--output", "20000")
    finished(*args[:-1], "2027-12-01", "--output", "36000")
    rows = finished.json("evaluate", "果品加工厂")
    assert [(r["evaluated_on"], r["tier"]) for r in rows] == [("2026-12-01", "重点扶持"), ("2027-12-01", "优先扶持")]
    assert [r["evaluated_on"] for r in finished.json("evaluate", "--tier", "优先扶持")] == ["2027-12-01"]


def test_evaluation_only_after_completion(county):
    county("reserve", "add", "--name", "储备项目", "--tier", "综合")
    result = county("evaluate", "储备项目", "--area-mu", "1", "--output", "1", "--tax", "1", "--energy", "1",
                    expect=1)
    assert "后评价在项目竣工投产后进行" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["--area-mu", "120", "--output", "36000"], "全部四项指标"),
    (["--area-mu", "一百", "--output", "1", "--tax", "1", "--energy", "1"], "用地面积“一百”不是数字"),
    (["--area-mu", "1", "--output", "x", "--tax", "1", "--energy", "1"], "产值“x”不是数字"),
])
def test_evaluate_usage_errors(finished, args, message):
    result = finished("evaluate", "果品加工厂", *args, expect=2)
    assert message in result.stderr
    assert finished.json("evaluate") == []


def test_evaluate_stored_in_the_history(finished):
    finished("evaluate", "果品加工厂", "--area-mu", "10", "--output", "100", "--tax", "1", "--energy", "1")
    tables = [c["table"] for c in finished.json("history", "果品加工厂")["changes"]]
    assert "post_evaluations" in tables
