"""Quarter / half / year summaries: the pure parts (spans, month-by-month ranks, 约谈, 考核)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal as D

import pytest

from projledger.errors import UsageError
from projledger.period import Period
from projledger.periodic import assessment_rows, interview_candidates, rank_table, span_of


@dataclass
class Row:
    rank: int
    unit: str
    score: D
    bottom3: bool = False
    bottom3_streak: int = 0


def test_spans_months_labels_and_bad_numbers():
    q3 = span_of("quarter", 2026, 3)
    assert [str(m) for m in q3.months] == ["2026-07", "2026-08", "2026-09"]
    assert (q3.label, q3.key, q3.interview_months) == ("2026年第三季度", "2026Q3", [])
    h2 = span_of("half", 2026, 2)
    assert (h2.months[0], h2.months[-1], h2.label) == (Period(2026, 7), Period(2026, 12), "2026年下半年")
    assert h2.interview_months == [Period(2026, 12)]
    year = span_of("annual", 2026)
    assert len(year.months) == 12 and year.interview_months == [Period(2026, 6), Period(2026, 12)]
    assert year.label == "2026年度"
    with pytest.raises(UsageError, match="1 至 4"):
        span_of("quarter", 2026, 5)
    with pytest.raises(UsageError, match="上半年"):
        span_of("half", 2026, None)


JULY, AUGUST, SEPTEMBER = Period(2026, 7), Period(2026, 8), Period(2026, 9)
RANKINGS = {
    JULY: {"township": [Row(1, "甲镇", D("90")), Row(2, "乙镇", D("80")), Row(3, "丙镇", D("70")),
                        Row(4, "丁镇", D("60"), True)]},
    AUGUST: None,  # never ranked
    SEPTEMBER: {"township": [Row(1, "乙镇", D("95")), Row(2, "甲镇", D("85")), Row(3, "丁镇", D("75"))]},
}


def test_rank_table_orders_by_the_latest_rank_and_leaves_gaps():
    table = rank_table([JULY, AUGUST, SEPTEMBER], RANKINGS, "township")
    assert [(u.unit, u.ranks) for u in table] == [
        ("乙镇", (2, None, 1)), ("甲镇", (1, None, 2)), ("丁镇", (4, None, 3)), ("丙镇", (3, None, None))]
    assert table[2].bottom3 == (True, False, False)
    assert table[0].scores == (D("80"), None, D("95"))
    assert rank_table([JULY], RANKINGS, "department") == []


def test_interview_candidates_are_the_june_and_december_bottom_three():
    june, december = Period(2026, 6), Period(2026, 12)
    rankings = {june: {"township": [Row(1, "甲镇", D(1)), Row(5, "戊镇", D(1), True)],
                       "department": [Row(4, "县交通局", D(1), True)]}}
    found = interview_candidates(span_of("annual", 2026), rankings)
    assert [r.unit for r in found[june]["township"]] == ["戊镇"]
    assert [r.unit for r in found[june]["department"]] == ["县交通局"]
    assert found[december] is None  # not ranked yet
    assert interview_candidates(span_of("quarter", 2026, 2), rankings) == {}


def test_assessment_adds_points_and_ranks_again():
    december = [Row(1, "甲镇", D("90.00")), Row(2, "乙镇", D("88.50")), Row(3, "丙镇", D("88.00")),
                Row(4, "丁镇", D("70.25"))]
    # 甲 90 − 2 = 88.00; 乙 88.50 + 0 = 88.50; 丙 88 + 0 = 88.00 (ties 甲 at 88: December rank decides);
    # 丁 70.25 + 1.5 = 71.75
    rows = assessment_rows(december, {"甲镇": D("-2"), "丁镇": D("1.5")})
    assert [(r.rank, r.unit, r.score, r.december_rank, r.adjustment) for r in rows] == [
        (1, "乙镇", D("88.50"), 2, D(0)), (2, "甲镇", D("88.00"), 1, D("-2")),
        (3, "丙镇", D("88.00"), 3, D(0)), (4, "丁镇", D("71.75"), 4, D("1.5"))]
