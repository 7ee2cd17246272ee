"""Monthly ranking (SPEC §5): every expectation below is worked out by hand in a comment.

Period 2026-10 unless said otherwise, so the end of P is 2026-10-31.  Default weights
start 0.3, invest 0.5, resolve 0.2.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from projledger.scoring import (
    BOTTOM3_STREAK_ALERT,
    PlanProject,
    ProblemRecord,
    RankingRow,
    Weights,
    bottom3_streak,
    fill_streaks,
    rank_units,
)

D = Decimal
TOWN = "甲镇"
DEPT = "县发改局"


def proj(pid, *, town=TOWN, dept=DEPT, nature="续建", plan="0", planned=None, actual=None, ytd="0"):
    return PlanProject(
        project_id=pid,
        township=town,
        department=dept,
        nature=nature,
        annual_plan=D(plan),
        planned_start=planned,
        actual_start=actual,
        ytd_completed=D(ytd),
    )


def prob(pid, reported, closed=None, *, town=TOWN, lead=DEPT):
    return ProblemRecord(
        project_id=pid, township=town, lead_unit=lead, reported_on=reported, closed_on=closed
    )


def due(pid, started, **kw):
    """A 新开工 project due in March; started in April when ``started``."""
    return proj(
        pid,
        nature="新开工",
        planned=date(2026, 3, 1),
        actual=date(2026, 4, 1) if started else None,
        **kw,
    )


def problems(n_reported, n_closed, *, town=TOWN, lead=DEPT, first_id=900):
    """n_reported problems reported 2026-10-01, the first n_closed closed 2026-10-15."""
    return [
        prob(
            first_id + i,
            date(2026, 10, 1),
            date(2026, 10, 15) if i < n_closed else None,
            town=town,
            lead=lead,
        )
        for i in range(n_reported)
    ]


# ---------------------------------------------------------------- one unit's metrics

# Each case: projects, problems, then the expected JSON fields of the single township row
# (start_due, started, start_rate, annual_plan, ytd_completed, invest_rate, problems,
# problems_closed, resolve_rate) and the exact Decimal score.
METRIC_CASES = [
    pytest.param(
        # invest 50/100 = 0.5 only → 100·0.5·0.5/0.5 = 50
        [proj(1, plan="100", ytd="50")],
        [],
        (0, 0, None, 100, 50, 0.5, 0, 0, None),
        D("50.00"),
        id="only-invest",
    ),
    pytest.param(
        # 新开工 planned 2026-11-05 is not due at 10-31 (and its early start is not counted);
        # invest 0/200 = 0 → score 0
        [proj(1, nature="新开工", planned=date(2026, 11, 5), actual=date(2026, 10, 2), plan="200")],
        [],
        (0, 0, None, 200, 0, 0.0, 0, 0, None),
        D("0.00"),
        id="new-start-not-yet-due",
    ),
    pytest.param(
        # planned start exactly on the end of P is due; actual start 11-01 is after P → 0/1
        [proj(1, nature="新开工", planned=date(2026, 10, 31), actual=date(2026, 11, 1))],
        [],
        (1, 0, 0.0, 0, 0, None, 0, 0, None),
        D("0.00"),
        id="due-on-last-day-started-after",
    ),
    pytest.param(
        # zero plan: invest null and its ytd 30 not shown; start 1/1 → 100·0.3·1/0.3 = 100
        [due(1, True, plan="0", ytd="30")],
        [],
        (1, 1, 1.0, 0, 0, None, 0, 0, None),
        D("100.00"),
        id="zero-plan-invest-null",
    ),
    pytest.param(
        # zero-plan project's ytd kept out of the rate: (40)/(100) = 0.4, not (40+30)/100
        [proj(1, plan="100", ytd="40"), proj(2, plan="0", ytd="30")],
        [],
        (0, 0, None, 100, 40, 0.4, 0, 0, None),
        D("40.00"),
        id="zero-plan-ytd-excluded",
    ),
    pytest.param(
        # 前期 with zero plan, no problems: all three null → score 0
        [proj(1, nature="前期")],
        [],
        (0, 0, None, 0, 0, None, 0, 0, None),
        D("0.00"),
        id="all-null",
    ),
    pytest.param(
        # renormalised: start 1/2, invest 80/100 → 100·(0.3·0.5 + 0.5·0.8)/(0.3+0.5)
        # = 100·0.55/0.8 = 68.75
        [due(1, True, plan="60", ytd="50"), due(2, False, plan="40", ytd="30")],
        [],
        (2, 1, 0.5, 100, 80, 0.8, 0, 0, None),
        D("68.75"),
        id="renormalised-start-invest",
    ),
    pytest.param(
        # capping: start 0/1, invest 150/100 = 1.5 → m = 1, resolve 1/2
        # → 100·(0 + 0.5·1 + 0.2·0.5)/1.0 = 60 (uncapped would be 85)
        [due(1, False, plan="100", ytd="150")],
        problems(2, 1),
        (1, 0, 0.0, 100, 150, 1.5, 2, 1, 0.5),
        D("60.00"),
        id="invest-capped-at-1",
    ),
    pytest.param(
        # half-up at .005: invest 24.69/200 = 0.12345 → score 12.345 → 12.35 (not 12.34);
        # JSON rate 0.12345 → 0.1235 (not 0.1234)
        [proj(1, plan="200", ytd="24.69")],
        [],
        (0, 0, None, 200, 24.69, 0.1235, 0, 0, None),
        D("12.35"),
        id="half-up-at-005",
    ),
    pytest.param(
        # just below half: 24.68/200 = 0.1234 → 12.34
        [proj(1, plan="200", ytd="24.68")],
        [],
        (0, 0, None, 200, 24.68, 0.1234, 0, 0, None),
        D("12.34"),
        id="below-half",
    ),
    pytest.param(
        # repeating: start 2/3 only → 66.666… → 66.67; JSON rate 0.6667
        [due(1, True), due(2, True), due(3, False)],
        [],
        (3, 2, 0.6667, 0, 0, None, 0, 0, None),
        D("66.67"),
        id="repeating-start",
    ),
    pytest.param(
        # resolve 1/3 only → 33.333… → 33.33; JSON 0.3333
        [proj(1, nature="前期")],
        problems(3, 1),
        (0, 0, None, 0, 0, None, 3, 1, 0.3333),
        D("33.33"),
        id="repeating-resolve",
    ),
    pytest.param(
        # start 2/3, invest 100/300 = 1/3: 100·(0.3·2/3 + 0.5·1/3)/0.8 = 100·(0.2+0.1666…)/0.8
        # = 36.666…/0.8 = 45.8333… → 45.83
        [due(1, True, plan="300", ytd="100"), due(2, True), due(3, False)],
        [],
        (3, 2, 0.6667, 300, 100, 0.3333, 0, 0, None),
        D("45.83"),
        id="repeating-mix",
    ),
    pytest.param(
        # all three: start 1/2, invest 80/100, resolve 3/4
        # → 100·(0.15 + 0.4 + 0.15)/1.0 = 70
        [due(1, True, plan="100", ytd="80"), due(2, False)],
        problems(4, 3),
        (2, 1, 0.5, 100, 80, 0.8, 4, 3, 0.75),
        D("70.00"),
        id="all-three",
    ),
]


@pytest.mark.parametrize(("projects", "probs", "expected", "score"), METRIC_CASES)
def test_metrics_of_one_unit(projects, probs, expected, score):
    [row] = rank_units("township", 2026, "2026-10", projects, probs)
    got = row.to_json()
    keys = (
        "start_due", "started", "start_rate", "annual_plan", "ytd_completed", "invest_rate",
        "problems", "problems_closed", "resolve_rate",
    )  # fmt: skip
    assert tuple(got[k] for k in keys) == expected
    assert row.score == score
    assert str(row.score) == str(score)  # exactly two places
    assert got["score"] == float(score)


def test_rates_are_exact_decimal_fractions():
    # start 1/2, invest 80/100 = 0.8, resolve 3/4 — fractions, not percentages
    [row] = rank_units(
        "township", 2026, "2026-10", [due(1, True, plan="100", ytd="80"), due(2, False)],
        problems(4, 3),
    )  # fmt: skip
    assert (row.start_rate, row.invest_rate, row.resolve_rate) == (D("0.5"), D("0.8"), D("0.75"))
    assert all(isinstance(x, Decimal) for x in (row.start_rate, row.invest_rate, row.score))
    assert (row.annual_plan, row.ytd_completed) == (D("100"), D("80"))


def test_problem_dates_against_period_and_year():
    # counted: 10-03 closed 10-20 (closed); 09-01 closed 11-02 (open at P);
    #          01-01 closed 10-31 (closed on the last day; first day of Y)
    # not counted: reported 11-03 (November's), reported 2025-12-20 (previous year)
    # → reported 3, closed 2, resolve 2/3
    probs = [
        prob(1, date(2026, 10, 3), date(2026, 10, 20)),
        prob(2, date(2026, 9, 1), date(2026, 11, 2)),
        prob(3, date(2026, 1, 1), date(2026, 10, 31)),
        prob(4, date(2026, 11, 3)),
        prob(5, date(2025, 12, 20), date(2026, 1, 5)),
    ]
    [october] = rank_units("township", 2026, "2026-10", [proj(1, nature="前期")], probs)
    assert (october.problems, october.problems_closed) == (3, 2)
    # 100·0.2·(2/3)/0.2 = 66.666… → 66.67
    assert october.score == D("66.67")
    # November: the 11-03 one counts (open), problem 2 is now closed → 5-1 = 4 reported, 3 closed
    [november] = rank_units("township", 2026, "2026-11", [proj(1, nature="前期")], probs)
    assert (november.problems, november.problems_closed) == (4, 3)
    assert november.score == D("75.00")


def test_custom_weights():
    # weights 1/1/2; start 1/2, invest 0.8, resolve 1/2 → 100·(0.5 + 0.8 + 1.0)/4 = 57.5
    [row] = rank_units(
        "township", 2026, "2026-10", [due(1, True, plan="100", ytd="80"), due(2, False)],
        problems(2, 1), Weights(start=D(1), invest=D(1), resolve=D(2)),
    )  # fmt: skip
    assert row.score == D("57.50")


def test_zero_weight_on_the_only_metric_scores_zero():
    # only start is defined (1/1) but its weight is 0 → Σw over non-null = 0 → 0
    [row] = rank_units(
        "township", 2026, "2026-10", [due(1, True)], [],
        Weights(start=D(0), invest=D(1), resolve=D(1)),
    )  # fmt: skip
    assert row.score == D("0.00")


@pytest.mark.parametrize(
    "kwargs",
    [{"start": D("-0.1")}, {"start": D(0), "invest": D(0), "resolve": D(0)}, {"invest": 0.5}],
)
def test_bad_weights_rejected(kwargs):
    with pytest.raises(ValueError):
        Weights(**kwargs)


# ---------------------------------------------------------------- ordering


def unit_projects(town, first_id, *, start=None, plan="0", ytd="0"):
    """Projects of one township: ``start`` = (due, started) 新开工 projects, plus one 续建
    project carrying plan/ytd."""
    out = [proj(first_id, town=town, plan=plan, ytd=ytd)]
    if start:
        n_due, n_started = start
        out += [due(first_id + 1 + i, i < n_started, town=town) for i in range(n_due)]
    return out


def test_tie_breaks_at_each_level():
    # 高新区: invest 0.9 only → 90.00
    # 东关镇: start 1/2, invest 0.5, resolve 1/2 → 0.15+0.25+0.10 = 0.50 → 50.00
    # 西峰镇: start 1/4, invest 0.5, resolve 7/8 → 0.075+0.25+0.175 = 0.50 → 50.00
    # 北塬乡, 南川街道, 新城镇: invest 0.5 only → 50.00, start null
    # 城关镇: start 1/1, invest 0.2 → (0.3+0.1)/0.8 = 0.5 → 50.00
    # score tie → invest desc: the 0.5s before 城关镇 (0.2)
    # invest tie → start desc, null last: 东关镇 (0.5) > 西峰镇 (0.25) > the null three
    # start tie (all null) → name by code point: 北 U+5317 < 南 U+5357 < 新 U+65B0
    projects = (
        unit_projects("新城镇", 100, plan="100", ytd="50")
        + unit_projects("高新区", 200, plan="100", ytd="90")
        + unit_projects("南川街道", 300, plan="100", ytd="50")
        + unit_projects("城关镇", 400, start=(1, 1), plan="100", ytd="20")
        + unit_projects("北塬乡", 500, plan="100", ytd="50")
        + unit_projects("西峰镇", 600, start=(4, 1), plan="100", ytd="50")
        + unit_projects("东关镇", 700, start=(2, 1), plan="100", ytd="50")
    )
    probs = problems(2, 1, town="东关镇", first_id=800) + problems(8, 7, town="西峰镇")
    rows = rank_units("township", 2026, "2026-10", projects, probs)
    assert [(r.rank, r.unit, str(r.score), r.bottom3) for r in rows] == [
        (1, "高新区", "90.00", False),
        (2, "东关镇", "50.00", False),
        (3, "西峰镇", "50.00", False),
        (4, "北塬乡", "50.00", False),
        (5, "南川街道", "50.00", True),
        (6, "新城镇", "50.00", True),
        (7, "城关镇", "50.00", True),
    ]
    assert all(r.bottom3_streak == 0 for r in rows)


def test_nulls_sort_last_against_zero():
    # all score 0.00:
    # 七乡 (U+4E03): invest 0/100, start 0/1      → invest 0, start 0
    # 丁乡 (U+4E01): invest 0/100, start null     → invest 0, start null
    # 一乡 (U+4E00): invest null, start 0/1       → invest null
    # 万乡 (U+4E07): all null
    # invest: 0 beats null, so 七乡, 丁乡 before 一乡, 万乡; start 0 beats null: 七乡 before 丁乡
    # (although 丁 < 七) and 一乡 before 万乡.  n = 4 → ranks 2-4 are bottom three.
    projects = [
        proj(1, town="万乡", nature="前期"),
        proj(2, town="一乡"), due(3, False, town="一乡"),
        proj(4, town="丁乡", plan="100"),
        proj(5, town="七乡", plan="100"), due(6, False, town="七乡"),
    ]  # fmt: skip
    rows = rank_units("township", 2026, "2026-10", projects, [])
    assert [(r.rank, r.unit, r.bottom3) for r in rows] == [
        (1, "七乡", False),
        (2, "丁乡", True),
        (3, "一乡", True),
        (4, "万乡", True),
    ]


def test_rounded_score_ties_then_invest():
    # 甲 (U+7532): start 2/3 only → 66.666… → 66.67, invest null
    # 乙 (U+4E59): invest 66.67/100 = 0.6667 → 66.67
    # 丙 (U+4E19): invest 66.665/100 = 0.66665 → 66.665 → 66.67
    # the rounded scores tie → invest: 乙 0.6667 > 丙 0.66665 > 甲 null (name order would be 丙 乙 甲)
    # n = 3 → no bottom three
    projects = [
        due(1, True, town="甲"), due(2, True, town="甲"), due(3, False, town="甲"),
        proj(4, town="丙", plan="100", ytd="66.665"),
        proj(5, town="乙", plan="100", ytd="66.67"),
    ]  # fmt: skip
    rows = rank_units("township", 2026, "2026-10", projects, [])
    assert [(r.rank, r.unit, str(r.score), r.bottom3) for r in rows] == [
        (1, "乙", "66.67", False),
        (2, "丙", "66.67", False),
        (3, "甲", "66.67", False),
    ]


def test_invest_tie_break_is_exact_beyond_28_digits():
    # 甲: 1/3 exactly; 乙: 33333333333333333333333333.33 / 10^26 = 0.333… (28 threes), which
    # is less than 1/3 but equal to 1/3 as a 28-digit Decimal.  Both score 33.33, both have
    # start null; a 28-digit comparison would fall through to the name (乙 U+4E59 < 甲 U+7532),
    # the exact one puts 甲 first.
    projects = [
        proj(1, town="乙", plan="100000000000000000000000000", ytd="33333333333333333333333333.33"),
        proj(2, town="甲", plan="3", ytd="1"),
    ]
    rows = rank_units("township", 2026, "2026-10", projects, [])
    assert [(r.unit, str(r.score)) for r in rows] == [("甲", "33.33"), ("乙", "33.33")]
    assert rows[0].invest_rate == rows[1].invest_rate  # the 28-digit quotients do tie


# ---------------------------------------------------------------- townships vs departments


def test_project_counts_for_township_and_department_and_problem_only_department():
    # project 1: 甲镇 / 县交通局, plan 100 ytd 60 → invest 0.6 in both rankings
    # project 2: 乙镇 / 县交通局, plan 100 ytd 20
    # problem A (project 1, lead 县水务局) reported 10-05 closed 10-06
    # problem B (project 2, lead 县交通局) reported 10-08 open
    # problem C (project 1, lead 县交通局) reported 11-03 → not in October
    # problem D (project 9, 乙镇, lead 县林草局) reported 2025-11-01 → previous year
    # problem E (project 1, lead 南川街道 — a township as lead unit) reported 10-09 open
    projects = [
        proj(1, town="甲镇", dept="县交通局", plan="100", ytd="60"),
        proj(2, town="乙镇", dept="县交通局", plan="100", ytd="20"),
    ]
    probs = [
        prob(1, date(2026, 10, 5), date(2026, 10, 6), town="甲镇", lead="县水务局"),
        prob(2, date(2026, 10, 8), town="乙镇", lead="县交通局"),
        prob(1, date(2026, 11, 3), town="甲镇", lead="县交通局"),
        prob(9, date(2025, 11, 1), town="乙镇", lead="县林草局"),
        prob(1, date(2026, 10, 9), town="甲镇", lead="南川街道"),
    ]
    towns = rank_units("township", 2026, "2026-10", projects, probs)
    # 甲镇: invest 0.6, problems A, E → 1/2: 100·(0.5·0.6 + 0.2·0.5)/0.7 = 40/0.7 = 57.142… → 57.14
    # 乙镇: invest 0.2, problem B → 0/1: 100·(0.1)/0.7 = 14.285… → 14.29 (D is 2025)
    assert [(r.unit, r.projects, r.problems, r.problems_closed, str(r.score)) for r in towns] == [
        ("甲镇", 1, 2, 1, "57.14"),
        ("乙镇", 1, 1, 0, "14.29"),
    ]
    depts = rank_units(
        "department", 2026, "2026-10", projects, probs,
        department_problem_units={"县交通局", "县水务局", "县林草局"},
    )  # fmt: skip
    # 县水务局: no projects, A → 1/1 → 100.00
    # 县交通局: invest 80/200 = 0.4, B → 0/1: 100·0.2/0.7 = 28.571… → 28.57
    # 县林草局: only a 2025 problem → not ranked; 南川街道 is not a department → not ranked
    assert [
        (r.rank, r.unit, r.projects, r.annual_plan, r.ytd_completed, r.invest_rate,
         r.problems, r.problems_closed, r.resolve_rate, str(r.score))
        for r in depts
    ] == [
        (1, "县水务局", 0, D(0), D(0), None, 1, 1, D(1), "100.00"),
        (2, "县交通局", 2, D(200), D(80), D("0.4"), 1, 0, D(0), "28.57"),
    ]  # fmt: skip
    # without the department list, every lead unit can enter: 南川街道 with 0/1 → 0.00
    loose = rank_units("department", 2026, "2026-10", projects, probs)
    assert [r.unit for r in loose] == ["县水务局", "县交通局", "南川街道"]
    # November: C counts for 县交通局 → 0/2, still 28.57
    november = rank_units(
        "department", 2026, "2026-11", projects, probs,
        department_problem_units={"县交通局", "县水务局"},
    )  # fmt: skip
    assert [(r.unit, r.problems, r.problems_closed) for r in november] == [
        ("县水务局", 1, 1),
        ("县交通局", 2, 0),
    ]


def test_township_without_plan_projects_is_not_ranked():
    # 乙镇 has a problem but no plan project; a unit-less project counts nowhere
    projects = [proj(1, town="甲镇", plan="100", ytd="10"), proj(2, town=None, dept=None)]
    probs = [prob(5, date(2026, 10, 1), town="乙镇")]
    rows = rank_units("township", 2026, "2026-10", projects, probs)
    assert [r.unit for r in rows] == ["甲镇"]


def test_township_problems_of_non_plan_projects_count():
    # problem of project 99 (not in the plan) in 甲镇 still counts for 甲镇: 0/1
    rows = rank_units(
        "township", 2026, "2026-10", [proj(1, plan="100", ytd="100")],
        [prob(99, date(2026, 10, 1))],
    )  # fmt: skip
    # 100·(0.5·1 + 0.2·0)/0.7 = 71.428… → 71.43
    assert (rows[0].problems, str(rows[0].score)) == (1, "71.43")


def test_empty_ranking():
    assert rank_units("department", 2026, "2026-10", [], []) == []


@pytest.mark.parametrize(
    ("kind", "year", "period"),
    [("chain", 2026, "2026-10"), ("township", 2025, "2026-10")],
)
def test_bad_arguments(kind, year, period):
    with pytest.raises(ValueError):
        rank_units(kind, year, period, [], [])


def test_duplicate_project_rejected():
    with pytest.raises(ValueError):
        rank_units("township", 2026, "2026-10", [proj(1), proj(1)], [])


# ---------------------------------------------------------------- JSON


def test_to_json_shape():
    # start 1/3, invest 1234.5/1000 = 1.2345 (shown uncapped), resolve 2/2;
    # score 100·(0.3/3 + 0.5·1 + 0.2·1)/1.0 = 80.00
    projects = [
        due(1, True, plan="600.25", ytd="1000"),
        due(2, False, plan="399.75", ytd="234.5"),
        due(3, False),
    ]
    [row] = rank_units("township", 2026, "2026-10", projects, problems(2, 2))
    assert row.to_json() == {
        "rank": 1,
        "unit": "甲镇",
        "projects": 3,
        "start_due": 3,
        "started": 1,
        "start_rate": 0.3333,
        "annual_plan": 1000,
        "ytd_completed": 1234.5,
        "invest_rate": 1.2345,
        "problems": 2,
        "problems_closed": 2,
        "resolve_rate": 1.0,
        "score": 80.0,
        "bottom3": False,
        "bottom3_streak": 0,
    }


def test_to_json_of_hand_made_row_uses_fields():
    row = RankingRow(
        rank=4, unit="县水务局", projects=0, start_due=0, started=0, start_rate=None,
        annual_plan=D(0), ytd_completed=D(0), invest_rate=None, problems=8, problems_closed=7,
        resolve_rate=D("0.875"), score=D("87.50"), bottom3=True, bottom3_streak=3,
    )  # fmt: skip
    got = row.to_json()
    assert (got["resolve_rate"], got["start_rate"], got["score"], got["bottom3_streak"]) == (
        0.875, None, 87.5, 3,
    )  # fmt: skip


# ---------------------------------------------------------------- streaks

STREAK_CASES = [
    # three consecutive bottom-three periods ending at P
    ("A", "2026-10", {"2026-08": {"A"}, "2026-09": {"A", "B"}, "2026-10": {"A"}}, 3),
    # one good month (August) breaks it: only Sep + Oct
    ("A", "2026-10", {"2026-07": {"A"}, "2026-08": {"B"}, "2026-09": {"A"}, "2026-10": {"A"}}, 2),
    # a never-ranked September ends it
    ("A", "2026-10", {"2026-08": {"A"}, "2026-09": None, "2026-10": {"A"}}, 1),
    # a period missing from the history is never ranked too
    ("A", "2026-10", {"2026-08": {"A"}, "2026-10": {"A"}}, 1),
    # not bottom three in P itself → 0 whatever came before
    ("A", "2026-10", {"2026-08": {"A"}, "2026-09": {"A"}, "2026-10": {"B"}}, 0),
    ("A", "2026-10", {"2026-09": {"A"}, "2026-10": None}, 0),
    # the count stops at January: December of the previous year does not extend it
    ("A", "2026-02", {"2025-11": {"A"}, "2025-12": {"A"}, "2026-01": {"A"}, "2026-02": {"A"}}, 2),
    # all of a year
    ("A", "2026-12", {f"2026-{m:02d}": {"A"} for m in range(1, 13)}, 12),
]


@pytest.mark.parametrize(("unit", "period", "history", "expected"), STREAK_CASES)
def test_bottom3_streak(unit, period, history, expected):
    assert bottom3_streak(unit, period, history) == expected


def test_fill_streaks_takes_current_membership_from_rows():
    # n = 4: ranks 2-4 (丁乡, 一乡, 万乡) are bottom three in 2026-10
    projects = [
        proj(1, town="万乡", nature="前期"),
        proj(2, town="一乡"), due(3, False, town="一乡"),
        proj(4, town="丁乡", plan="100"),
        proj(5, town="七乡", plan="100"), due(6, False, town="七乡"),
    ]  # fmt: skip
    rows = rank_units("township", 2026, "2026-10", projects, [])
    history = {
        "2026-08": {"万乡", "七乡"},
        "2026-09": {"万乡", "一乡", "七乡"},
        "2026-10": set(),  # ignored: P's membership comes from the rows
    }
    filled = fill_streaks(rows, "2026-10", history)
    # 七乡: not bottom in Oct → 0; 丁乡: Oct only → 1; 一乡: Sep+Oct → 2; 万乡: Aug-Oct → 3
    assert [(r.unit, r.bottom3_streak) for r in filled] == [
        ("七乡", 0), ("丁乡", 1), ("一乡", 2), ("万乡", 3),
    ]  # fmt: skip
    assert [r.unit for r in filled if r.bottom3_streak >= BOTTOM3_STREAK_ALERT] == ["万乡"]
    assert all(r.bottom3_streak == 0 for r in rows)  # the originals are untouched
