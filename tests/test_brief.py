"""The brief (SPEC §5b) against hand calculations on a small county, without a database.

The county, as of 2026-10 (序时进度 10/12 = 83.3%):

    project nature level  total     plan   ytd    planned start actual start planned completion completed card
    A       新开工  省重点 50000    12000   9000   2026-03-01    2026-04-10   2026-12-31         —         —
    B       新开工  县重点  8000     3000   6000   2026-09-15    —            —                  —         红
    C       新开工  县重点  —        2000    500   2026-12-01    2026-10-20   2027-06-30         —         —
    D       续建    省重点 120000  20000  17000   —             —            2026-08-31     2026-08-20    —
    E       续建    —       3000     1000    200   —             —            2026-09-30         —         黄
    F       前期    县重点  6000        0      0   procedures all done                                    蓝
    G       前期    —       2500.5    500      0   procedures not done                                    红

    Σ total (known) 189500.5 = 18.95亿元, 1 unset; Σ plan 38500 = 3.85亿元; Σ ytd 32700 = 3.27亿元;
    share 32700/38500 = 84.935% → 84.9%, gap 84.9 − 83.3 = +1.6.
    新开工: due by 10-31 A, B (2); started A (1) → 50.0%; C started ahead of its plan.
    续建: plan 21000 = 2.10亿元, ytd 17200 = 1.72亿元, 81.904% → 81.9%.
    省重点 A+D: 32000 / 26000 → 81.25% → 81.3%, gap −2.0; 市重点 none;
    县重点 B+C+F: 5000万元 / 6500万元 → 130.0% (above 100%), gap +46.7; 2 levels unset (E, G).
    Completion: planned in 2026 A, D, E (3); completed by 10-31 D (1) → 33.3%; E past its date; 3 unset.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from projledger.brief import (
    BriefInput, BriefProject, ItemCounts, ProblemCounts, compute_brief, say_amount, say_gap,
)
from projledger.cards import Card
from projledger.period import Period

D = Decimal
P = Period(2026, 10)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


PROJECTS = [
    BriefProject("A", "新开工", "省重点", D(50000), D(12000), D(9000), day("2026-03-01"), day("2026-04-10"),
                 day("2026-12-31")),
    BriefProject("B", "新开工", "县重点", D(8000), D(3000), D(6000), day("2026-09-15"), None, None, card=Card.RED),
    BriefProject("C", "新开工", "县重点", None, D(2000), D(500), day("2026-12-01"), day("2026-10-20"),
                 day("2027-06-30")),
    BriefProject("D", "续建", "省重点", D(120000), D(20000), D(17000), None, None, day("2026-08-31"),
                 day("2026-08-20")),
    BriefProject("E", "续建", None, D(3000), D(1000), D(200), None, None, day("2026-09-30"), card=Card.YELLOW),
    BriefProject("F", "前期", "县重点", D(6000), D(0), D(0), procedures_done=True, card=Card.BLUE),
    BriefProject("G", "前期", None, D("2500.5"), D(500), D(0), procedures_done=False, card=Card.RED),
]


@dataclass
class Row:
    rank: int
    unit: str
    score: Decimal
    bottom3: bool = False
    bottom3_streak: int = 0


RANKINGS = {
    "township": [Row(1, "城关镇", D("90")), Row(2, "新城镇", D("80.5")), Row(3, "东塬镇", D("60"))],
    "department": [Row(1, "县发改局", D("95")), Row(2, "县交通局", D("88")),
                   Row(3, "县水利局", D("70"), True, 2), Row(4, "县住建局", D("65"), True, 1),
                   Row(5, "县自然资源局", D("50"), True, 3)],
}


def brief(**changes):
    data = dict(period=P, projects=PROJECTS, problems=ProblemCounts(5, 3, 4, 1), items=ItemCounts(2, 0),
                rankings=RANKINGS, not_reported=["东塬镇"], county_name="示范县")
    data.update(changes)
    return compute_brief(BriefInput(**data))


def test_overall_part_figures_and_text():
    part = brief().part("overall")
    assert part.text == ("今年全县安排重点项目7个，项目总投资18.95亿元（其中1个项目未填总投资），年度计划投资3.85亿元。"
                         "1-10月累计完成投资3.27亿元，占年度投资计划的84.9%，高于序时进度1.6个百分点（序时进度83.3%）。")
    f = part.figures
    assert (f["count"], f["total_investment"], f["total_investment_unset"]) == (7, 189500.5, 1)
    assert (f["annual_plan"], f["ytd_completed"], f["share_pct"], f["gap_points"]) == (38500, 32700, 84.9, 1.6)
    assert f["share"] == 0.8494


def test_by_nature():
    part = brief().part("by_nature")
    assert part.text == ("新开工项目3个，1-10月应开工2个，已开工1个，开工率50.0%，另有1个项目提前开工；"
                         "续建项目2个，年度计划投资2.10亿元，1-10月累计完成投资1.72亿元，占年度计划的81.9%；"
                         "前期项目2个，其中前期手续全部办结1个。")
    f = part.figures
    assert (f["new_start"]["start_due"], f["new_start"]["started"], f["new_start"]["started_ahead"]) == (2, 1, 1)
    assert f["new_start"]["start_share"] == 0.5
    assert f["continuing"]["ytd_completed"] == 17200 and f["continuing"]["share_pct"] == 81.9
    assert f["preliminary"] == {"count": 2, "procedures_done": 1}
    assert f["nature_unset"] == 0


def test_by_level_with_an_empty_level_a_share_above_100_and_unset_levels():
    part = brief().part("by_level")
    assert part.text == ("省重点项目2个，年度计划投资3.20亿元，1-10月累计完成投资2.60亿元，占年度计划的81.3%，"
                         "低于序时进度2.0个百分点；无市重点项目；县重点项目3个，年度计划投资5000万元，"
                         "1-10月累计完成投资6500万元，占年度计划的130.0%，高于序时进度46.7个百分点。"
                         "另有2个项目未设置项目级别。")
    levels = part.figures["levels"]
    assert levels["市重点"] == {"count": 0, "annual_plan": 0, "ytd_completed": 0, "share": None,
                               "share_pct": None, "gap_points": None}
    assert levels["县重点"]["share"] == 1.3 and levels["县重点"]["gap_points"] == 46.7
    assert part.figures["level_unset"] == 2


def test_no_levels_at_all_says_so():
    projects = [BriefProject("X", "续建", None, D(100), D(100), D(50))]
    assert brief(projects=projects).part("by_level").text == \
        "1个项目均未设置项目级别（省重点、市重点、县重点），暂不能分级统计。"
    no_totals = [BriefProject("X", "续建", None, None, D(100), D(50))]
    assert brief(projects=no_totals).part("overall").text.startswith(
        "今年全县安排重点项目1个，项目总投资均未填，年度计划投资100万元。")
    figures = brief(projects=no_totals).part("overall").figures
    assert (figures["total_investment"], figures["total_investment_unset"]) == (None, 1)


def test_completion_counts_and_unset():
    part = brief().part("completion")
    assert part.text == ("计划2026年竣工项目3个，截至10月底已竣工1个，竣工率33.3%；已过计划竣工时间仍未竣工1个。"
                         "另有3个项目未填计划竣工时间。")
    assert part.figures == {"planned": 3, "completed": 1, "share": 0.3333, "share_pct": 33.3, "overdue": 1,
                            "planned_completion_unset": 3}


def test_problems_items_and_cards():
    b = brief()
    assert b.part("problems").text == ("1-10月共收集项目建设问题5个，已办结3个，办结率60.0%；目前未办结问题4个，"
                                       "其中已逾期1个。会议议定事项未办结2个，其中已逾期0个。")
    assert b.part("cards").text == "红牌项目2个、黄牌项目1个、蓝牌项目1个。"
    assert b.part("cards").figures == {"red": 2, "yellow": 1, "blue": 1}
    # no meeting items kept in the ledger: no sentence about them
    assert "议定事项" not in brief(items=None).part("problems").text


def test_rankings_top_bottom_streak_and_the_township_that_did_not_report():
    part = brief().part("rankings")
    assert part.text == ("乡镇排名（3个）前三位：城关镇（90.00分）、新城镇（80.50分）、东塬镇（60.00分）；"
                         "参与排名的不足4个，不列后三位。"
                         "部门排名（5个）前三位：县发改局（95.00分）、县交通局（88.00分）、县水利局（70.00分）；"
                         "后三位：县水利局（70.00分）、县住建局（65.00分）、县自然资源局（50.00分）。"
                         "县自然资源局连续3次排名后三位，须由主要领导在季度调度会上说明情况。"
                         "东塬镇未报送2026年10月项目进展，其数据按最近一次报送计算，请抓紧补报。")
    assert part.figures["department"]["bottom3"] == [{"rank": 3, "unit": "县水利局", "score": 70.0},
                                                     {"rank": 4, "unit": "县住建局", "score": 65.0},
                                                     {"rank": 5, "unit": "县自然资源局", "score": 50.0}]
    assert part.figures["township"]["top3"][1] == {"rank": 2, "unit": "新城镇", "score": 80.5}
    assert part.figures["streak_units"] == [{"unit": "县自然资源局", "bottom3_streak": 3}]
    assert part.figures["not_reported"] == ["东塬镇"]
    assert "均已报送" in brief(not_reported=[]).part("rankings").text
    assert "报送" not in brief(not_reported=None).part("rankings").text


def test_json_has_every_part_and_the_text_as_seven_lines():
    b = brief()
    data = b.to_json()
    assert list(data) == ["period", "overall", "by_nature", "by_level", "completion", "problems", "cards",
                          "rankings", "text"]
    assert data["period"] == "2026-10" and len(data["text"].split("\n")) == 7


def test_how_amounts_and_gaps_are_said():
    assert say_amount(D("1964400")) == "196.44亿元"
    assert say_amount(D("10000")) == "1.00亿元"
    assert say_amount(D("14999.5")) == "1.50亿元"
    assert say_amount(D("9999.99")) == "9999.99万元"
    assert say_amount(D("2500.50")) == "2500.5万元"
    assert say_amount(D("0")) == "0万元"
    from fractions import Fraction
    assert say_gap(Fraction(10, 12), P) == "与序时进度持平"
    assert say_gap(Fraction(1, 2), Period(2026, 1)) == "高于序时进度41.7个百分点"  # 50.0 − 8.3


def test_january_says_1月_and_an_empty_plan_says_so():
    b = brief(period=Period(2026, 1), projects=[])
    assert b.part("overall").text == "今年全县尚未安排重点项目。"
    assert b.part("problems").text.startswith("1月共收集")
    assert "报送" not in brief(projects=[], rankings={}, not_reported=[]).part("rankings").text
    assert brief(county_name="城区区").part("overall").text.startswith("今年全区")
    assert brief(scope="省重点项目").part("overall").text.startswith("今年全县安排重点项目7个（本通报只统计省重点项目），")
