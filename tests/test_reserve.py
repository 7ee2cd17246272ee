"""The reserve library: tiers, listing, the threshold check (exact 亿/万元), 初核 and promotion,
the plan draft workbook, and the reserve-sheet row import."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from projledger.reserve import (
    TierTotal, check_tier, check_tier_name, format_yi, library_label, procedures_done_counts,
    rank_candidates, wan_to_yi,
)
from projledger.reserve_import import (
    import_reserve_rows, looks_like_reserve, parse_reserve_stage, parse_yes_no, reserve_header_synonyms,
)
from projledger.store import Ledger

D = Decimal


@pytest.fixture
def county2(county):
    county("unit", "add", "有机农业产业链", "--kind", "chain", "--alias", "有机农业链")
    county("unit", "add", "文旅康养产业链", "--kind", "chain")
    return county


def _add(cli, name, tier, *unit, stage="谋划", total="1000", extra=()):
    cli("reserve", "add", "--name", name, "--tier", tier, *unit, "--stage", stage,
        "--total-investment", total, *extra)


def _tiers(cli, **filters):
    args = [a for k, v in filters.items() for a in (f"--{k}", v)]
    return {r["name"]: [(t["tier"], t["unit"]) for t in r["tiers"]] for r in cli.json("reserve", "list", *args)}


def _checks(cli, *args):
    return {(t["tier"], t["unit"]): t for t in cli.json("reserve", "check", *args)["tiers"]}


# ------------------------------------------------------------------ add / list

def test_add_as_in_the_issue(county):
    result = county("reserve", "add", "--name", "G312线改建工程", "--tier", "行业", "--department", "县交通局",
                    "--stage", "拟开展前期", "--total-investment", "250000", "--industrial")
    assert "已入库：G312线改建工程 → 县交通局行业储备库（阶段：拟开展前期" in result.stdout
    [row] = county.json("reserve", "list")
    assert (row["stage"], row["department"], row["total_investment"], row["industrial"]) == (
        "拟开展前期", "县交通局", 250000, True)
    assert [(t["tier"], t["unit"], t["entered_via"]) for t in row["tiers"]] == [("行业", "县交通局", "add")]
    assert set(row) == {"id", "code", "name", "stage", "township", "department", "industrial", "industry",
                        "total_investment", "tiers", "source", "progress", "next3_investment", "last_review"}


@pytest.mark.parametrize("args, code, message", [
    (["--tier", "行业"], 1, "行业储备库须指明行业主管部门（--department）"),
    (["--tier", "乡镇"], 1, "乡镇储备库须指明乡镇（--township）"),
    (["--tier", "产业链"], 1, "产业链储备库须指明产业链办公室（--chain）"),
    (["--tier", "省级"], 1, "储备库层级“省级”无效"),
    (["--tier", "行业", "--department", "城关镇"], 1, "不能作为县直部门"),
    (["--tier", "产业链", "--chain", "有机农业产业"], 1, "最接近的是：有机农业产业链"),
])
def test_add_needs_the_right_library_owner(county2, args, code, message):
    result = county2("reserve", "add", "--name", "某项目", *args, expect=code)
    assert message in result.stderr
    assert county2.json("project", "list") == []


def test_add_needs_exactly_one_of_ref_and_name(county):
    county("project", "add", "--name", "已有项目")
    assert "二者选一" in county("reserve", "add", "已有项目", "--name", "x", expect=2).stderr
    assert "二者选一" in county("reserve", "add", "--tier", "综合", expect=2).stderr


def test_existing_project_enters_with_its_own_department(county):
    county("project", "add", "--name", "物流园", "--department", "县交通局", "--township", "城关镇")
    county("reserve", "add", "物流园", "--tier", "行业", "--industrial", "--total-investment", "5000")
    county("reserve", "add", "物流园", "--tier", "乡镇")
    assert _tiers(county) == {"物流园": [("行业", "县交通局"), ("乡镇", "城关镇")]}
    again = county("reserve", "add", "物流园", "--tier", "乡镇", expect=1)
    assert "已在城关镇乡镇储备库" in again.stderr
    other = county("reserve", "add", "物流园", "--tier", "综合", "--owner", "某公司", expect=2)
    assert "project update" in other.stderr


def test_list_filters(county2):
    _add(county2, "甲", "行业", "--department", "县交通局")
    _add(county2, "乙", "产业链", "--chain", "有机农业产业链")
    _add(county2, "丙", "乡镇", "--township", "新城", stage="规划")
    _add(county2, "丁", "产业链", "--chain", "文旅康养产业链")
    assert list(_tiers(county2, tier="产业链", chain="有机农业链")) == ["乙"]
    assert list(_tiers(county2, department="交通局")) == ["甲"]
    assert list(_tiers(county2, township="新城镇")) == ["丙"]
    assert list(_tiers(county2, stage="规划")) == ["丙"]
    assert list(_tiers(county2, tier="产业链")) == ["乙", "丁"]
    bad = county2("reserve", "list", "--tier", "行业", "--chain", "有机农业产业链", expect=2)
    assert "不相符" in bad.stderr


# ------------------------------------------------------------------ the check (exact)

def test_check_gaps_in_yi_are_exact(county2):
    _add(county2, "城关1", "乡镇", "--township", "城关镇", total="99999.99")  # 9.999999 亿
    _add(county2, "新城1", "乡镇", "--township", "新城镇", total="100000")  # exactly 10 亿
    _add(county2, "交通1", "行业", "--department", "县交通局", total="745000.5")  # 74.50005 亿
    checks = _checks(county2)
    assert checks[("乡镇", "城关镇")]["gap_yi"] == 0.000001
    assert checks[("乡镇", "城关镇")]["total_yi"] == 9.999999
    assert checks[("乡镇", "城关镇")]["meets"] is False
    assert (checks[("乡镇", "新城镇")]["gap_yi"], checks[("乡镇", "新城镇")]["meets"]) == (0, True)
    assert checks[("行业", "县交通局")]["gap_yi"] == 25.49995
    assert checks[("产业链", "有机农业产业链")]["gap_yi"] == 300
    assert checks[("综合", None)]["gap_yi"] == 1000
    # departments without a 行业 library are left out unless asked
    assert ("行业", "县发改局") not in checks
    assert _checks(county2, "--all-units")[("行业", "县发改局")]["gap_yi"] == 100


def test_check_text_shows_the_gap(county2):
    _add(county2, "城关1", "乡镇", "--township", "城关镇", total="99999.99")
    out = county2("reserve", "check").stdout
    assert "城关镇乡镇储备库" in out and "差 0.000001" in out
    assert "有机农业产业链储备库" in out  # the chain name is not doubled
    assert "个储备库未达标" in out


@pytest.mark.parametrize("industrial, other, share, meets", [
    ("6000000", "4000000", 0.6, True),
    ("5000000", "5000000", 0.5, True),  # exactly 50% meets
    ("4999999.99", "5000000.01", 0.5, False),  # 0.499999998 rounds to 0.5 for display, still short
])
def test_comprehensive_industrial_share(county, industrial, other, share, meets):
    for name, total, flag in (("产业", industrial, "--industrial"), ("公益", other, "--not-industrial")):
        county("reserve", "add", "--name", name, "--tier", "综合", "--total-investment", total, flag)
    row = _checks(county)[("综合", None)]
    assert (row["total_yi"], row["gap_yi"], row["meets_total"]) == (1000, 0, True)
    assert (row["industrial_share"], row["meets_industrial_share"], row["meets"]) == (share, meets, meets)


def test_check_follows_settings(county):
    _add(county, "城关1", "乡镇", "--township", "城关镇", total="100000")
    county("config", "set", "reserve.township_yi", "12.5")
    row = _checks(county)[("乡镇", "城关镇")]
    assert (row["threshold_yi"], row["gap_yi"]) == (12.5, 2.5)


def test_unmarked_industrial_is_counted_as_not_industrial(county):
    county("reserve", "add", "--name", "甲", "--tier", "综合", "--total-investment", "100")
    result = county("reserve", "check")
    assert "1 个项目未标明是否产业类" in result.stderr
    assert _checks(county)[("综合", None)]["unmarked_industrial"] == 1


def test_check_flags_a_reserve_project_that_has_started(county):
    _add(county, "甲", "行业", "--department", "县交通局")
    assert county.json("reserve", "check")["started_in_reserve"] == []
    county("project", "update", "甲", "--actual-start", "2026-05-01")  # e.g. a township sheet said 已开工
    assert [p["name"] for p in county.json("reserve", "check")["started_in_reserve"]] == ["甲"]
    assert "已于2026-05-01开工，仍在储备库" in county("reserve", "check").stderr


@pytest.mark.parametrize("total, threshold, gap", [
    ("0", "10", "10"), ("99999.99", "10", "0.000001"), ("100000", "10", "0"), ("250000.5", "10", "0"),
    ("12345.67", "100", "98.765433"),
])
def test_check_tier_arithmetic(total, threshold, gap):
    bucket = TierTotal("乡镇", "城关镇")
    bucket.add(D(total), 1)
    assert check_tier(bucket, D(threshold)).gap_yi == D(gap)


@pytest.mark.parametrize("amount, text", [
    (D("74.5"), "74.50"), (D("1000"), "1,000.00"), (D("0.000001"), "0.000001"), (D("9.99995"), "9.999950"),
])
def test_format_yi(amount, text):
    assert format_yi(amount) == text


def test_wan_to_yi_is_exact():
    assert wan_to_yi(D("0.01")) == D("0.000001")
    assert wan_to_yi(D("12345678.91")) == D("1234.567891")


@pytest.mark.parametrize("text, tier", [("行业储备库", "行业"), ("综合库", "综合"), (" 产业链 ", "产业链"), ("属地", "乡镇")])
def test_tier_names(text, tier):
    assert check_tier_name(text) == tier


def test_library_label():
    assert library_label("产业链", "有机农业产业链") == "有机农业产业链储备库"
    assert library_label("行业", "县交通局") == "县交通局行业储备库"
    assert library_label("综合", None) == "综合储备库"


def test_thresholds_shape_from_settings():
    from projledger.reserve import check_tiers

    thresholds = SimpleNamespace(comprehensive_yi=D("1000"), comprehensive_industrial_share=D("0.5"),
                                 industry_yi=D("100"), chain_yi=D("300"), township_yi=D("10"))
    rows = [TierTotal("综合", None), TierTotal("产业链", "链")]
    rows[1].add(D("2999999.99"), 0)
    checks = check_tiers(rows, thresholds)
    assert [c.gap_yi for c in checks] == [D("1000"), D("0.000001")]
    assert checks[0].share_meets is False  # an empty 综合 library has no industrial share


# ------------------------------------------------------------------ 初核 and promotion

def test_township_project_reviewed_into_its_departments_library(county):
    _add(county, "冷链物流园", "乡镇", "--township", "城关镇", "--department", "县交通局")
    result = county("reserve", "review", "冷链物流园", "--result", "通过", "--by", "县发改局", "--on", "2026-03-02")
    assert "已纳入县交通局行业储备库" in result.stdout
    assert _tiers(county)["冷链物流园"] == [("行业", "县交通局"), ("乡镇", "城关镇")]
    review = county.json("reserve", "list")[0]["last_review"]
    assert review == {"target_tier": "行业", "result": "通过", "reviewer": "县发改局",
                      "reviewed_on": "2026-03-02", "opinion": None}


def test_review_without_department_uses_the_reviewing_department(county):
    _add(county, "农贸市场", "乡镇", "--township", "新城镇")
    county("reserve", "review", "农贸市场", "--result", "通过", "--by", "自然资源局")
    assert _tiers(county)["农贸市场"] == [("行业", "县自然资源局"), ("乡镇", "新城镇")]


def test_failed_review_keeps_the_project_where_it_was(county):
    _add(county, "农贸市场", "乡镇", "--township", "新城镇", "--department", "县交通局")
    result = county("reserve", "review", "农贸市场", "--result", "不通过", "--by", "县交通局",
                    "--opinion", "与产业政策契合度不高")
    assert "留在原储备库" in result.stdout
    assert _tiers(county)["农贸市场"] == [("乡镇", "新城镇")]
    refused = county("reserve", "promote", "农贸市场", "--to", "行业", expect=1)
    assert "结果为“不通过”" in refused.stderr


@pytest.mark.parametrize("args, code, message", [
    (["--result", "同意", "--by", "县交通局"], 2, "--result 应为：通过、不通过"),
    (["--result", "通过", "--by", "县交通局", "--tier", "综合"], 1, "reserve promote --to 综合"),
    (["--result", "通过", "--by", "县交通局", "--tier", "行业"], 1, "已在行业储备库，无需再次初核"),
    (["--result", "通过", "--by", "县交通厅"], 1, "未知初核单位“县交通厅”"),
])
def test_review_refusals(county, args, code, message):
    _add(county, "甲", "行业", "--department", "县交通局")
    assert message in county("reserve", "review", "甲", *args, expect=code).stderr


def test_review_needs_a_reserve_project(county):
    county("project", "add", "--name", "非储备")
    result = county("reserve", "review", "非储备", "--result", "通过", "--by", "县交通局", expect=1)
    assert "不在储备库中" in result.stderr


def test_chain_review(county2):
    _add(county2, "苹果深加工", "乡镇", "--township", "城关镇")
    county2("reserve", "review", "苹果深加工", "--tier", "产业链", "--result", "通过", "--by", "有机农业产业链")
    assert _tiers(county2)["苹果深加工"] == [("产业链", "有机农业产业链"), ("乡镇", "城关镇")]


def test_promote_to_comprehensive_is_selected_from_industry(county):
    _add(county, "甲", "乡镇", "--township", "城关镇", "--department", "县交通局")
    refused = county("reserve", "promote", "甲", "--to", "综合", expect=1)
    assert "综合储备库在行业储备库中择优生成" in refused.stderr
    county("reserve", "review", "甲", "--result", "通过", "--by", "县交通局")
    county("reserve", "promote", "甲", "--to", "综合")
    assert _tiers(county)["甲"] == [("综合", None), ("行业", "县交通局"), ("乡镇", "城关镇")]
    assert "已在综合储备库" in county("reserve", "promote", "甲", "--to", "综合", expect=1).stderr
    assert "乡镇储备库是起点" in county("reserve", "promote", "甲", "--to", "乡镇", expect=1).stderr
    history = county.json("history", "甲")["changes"]
    promotions = [(c["after"]["from_tier"], c["after"]["to_tier"]) for c in history
                  if c["table"] == "reserve_promotions"]
    assert promotions == [("乡镇", "行业"), ("行业", "综合")]
    # every tier counts the project (the county's check, the department's and the township's)
    checks = _checks(county)
    assert [checks[k]["projects"] for k in (("综合", None), ("行业", "县交通局"), ("乡镇", "城关镇"))] == [1, 1, 1]


# ------------------------------------------------------------------ plan draft

def test_draft_ranks_ripest_first_and_leaves_a_column_to_mark_up(county, tmp_path):
    import openpyxl

    _add(county, "谋划大项目", "行业", "--department", "县交通局", stage="谋划", total="900000")
    _add(county, "前期小项目", "行业", "--department", "县交通局", stage="正在开展前期", total="100")
    _add(county, "前期大项目", "行业", "--department", "县交通局", stage="正在开展前期", total="50000")
    _add(county, "=拟开展项目", "乡镇", "--township", "城关镇", stage="拟开展前期", total="80000")
    _add(county, "已列计划", "行业", "--department", "县交通局", stage="正在开展前期", total="1")
    county("plan", "adopt", "--year", "2027", "已列计划=1")
    ranked = county.json("plan", "draft", "--year", "2027")
    assert [r["name"] for r in ranked] == ["前期大项目", "前期小项目", "=拟开展项目", "谋划大项目"]
    out = tmp_path / "2027年度重大项目计划.xlsx"
    county("plan", "draft", "--year", "2027", "--out", str(out))
    ws = openpyxl.load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    header = next(r for r in rows if r[0] == "序号")
    body = rows[rows.index(header) + 1:]
    assert "专题会议意见" in header and "拟安排年度计划投资（万元）" in header
    assert [r[header.index("项目名称")] for r in body] == ["前期大项目", "前期小项目", "=拟开展项目", "谋划大项目"]
    assert all(r[header.index("专题会议意见")] is None for r in body)
    cell = ws.cell(row=rows.index(header) + 4, column=header.index("项目名称") + 1)
    assert cell.data_type == "s"  # a name starting with = stays text
    assert body[0][header.index("总投资（万元）")] == 50000


def test_draft_needs_an_output(county):
    assert "--out" in county("plan", "draft", "--year", "2027", expect=2).stderr


def test_rank_candidates_uses_procedures_then_size():
    from projledger.reserve import ReserveItem

    def item(pid, stage, total):
        return ReserveItem(SimpleNamespace(id=pid, stage=stage, total_investment=D(total), name=f"p{pid}"), [])

    items = [item(1, "拟开展前期", "10"), item(2, "拟开展前期", "99"), item(3, "拟开展前期", "5"), item(4, "规划", "1000")]
    assert [i.project.id for i in rank_candidates(items)] == [2, 1, 3, 4]
    assert [i.project.id for i in rank_candidates(items, {3: 4, 1: 1})] == [3, 1, 2, 4]


def test_procedures_counts_absent_table():
    import sqlite_utils

    assert procedures_done_counts(sqlite_utils.Database(memory=True)) is None


# ------------------------------------------------------------------ reserve sheet rows

@pytest.fixture
def ledger(county2, db_path):
    with Ledger.open(db_path) as opened:
        yield opened


ROWS = [
    {"_row": 5, "name": "城关镇农贸市场", "stage": "正在开展前期工作", "total_investment_yi": "1.2",
     "source": "县级谋划", "progress": "可研编制中", "next3_investment_yi": 0.99, "industrial": "否"},
    {"_row": 6, "name": "有机苹果冷链", "chain": "有机农业链", "stage": "策划", "total_investment_yi": "4.6亿元",
     "industrial": "是", "industry": "农产品加工"},
    {"_row": 7, "name": "G312连接线", "tier": "行业储备库", "department": "交通局", "township": "新城",
     "stage": "规划阶段", "total_investment_yi": 12.345678, "industrial": None},
]


def test_import_rows(ledger, county2):
    summary = import_reserve_rows(ledger, ROWS, township="城关镇")
    assert {k: summary[k] for k in ("committed", "rows", "created", "updated", "unchanged", "entered")} == {
        "committed": True, "rows": 3, "created": 3, "updated": 0, "unchanged": 0, "entered": 3}
    assert summary["errors"] == []
    listed = {r["name"]: r for r in county2.json("reserve", "list")}
    market = listed["城关镇农贸市场"]
    assert (market["stage"], market["total_investment"], market["next3_investment"]) == ("正在开展前期", 12000, 9900)
    assert (market["source"], market["progress"], market["industrial"]) == ("县级谋划", "可研编制中", False)
    assert [(t["tier"], t["unit"], t["entered_via"]) for t in market["tiers"]] == [("乡镇", "城关镇", "import")]
    # a township's sheet: every row goes to that township's library, unless the row names a tier
    assert [(t["tier"], t["unit"]) for t in listed["有机苹果冷链"]["tiers"]] == [("乡镇", "城关镇")]
    assert [(t["tier"], t["unit"]) for t in listed["G312连接线"]["tiers"]] == [("行业", "县交通局")]
    assert listed["G312连接线"]["total_investment"] == 123456.78
    assert listed["G312连接线"]["township"] == "新城镇"


def test_import_twice_changes_nothing(ledger):
    import_reserve_rows(ledger, ROWS, township="城关镇")
    again = import_reserve_rows(ledger, ROWS, township="城关镇")
    assert (again["created"], again["updated"], again["unchanged"], again["entered"]) == (0, 0, 3, 0)
    changed = [dict(ROWS[0], progress="可研已批复", stage="拟开展前期")]
    third = import_reserve_rows(ledger, changed, township="城关镇")
    assert (third["updated"], third["unchanged"]) == (1, 0)


def test_import_without_township_takes_the_tier_from_the_row(ledger, county2):
    summary = import_reserve_rows(ledger, ROWS[1:])
    assert summary["committed"]
    tiers = _tiers(county2)
    assert tiers == {"有机苹果冷链": [("产业链", "有机农业产业链")], "G312连接线": [("行业", "县交通局")]}


@pytest.mark.parametrize("row, column, message", [
    ({"name": "甲", "stage": "已开工", "total_investment_yi": "1"}, "项目阶段", "不储备已开工建设的项目"),
    ({"name": "甲", "stage": "续建项目", "total_investment_yi": "1"}, "项目阶段", "不储备已开工建设的项目"),
    ({"name": "甲", "stage": "可研", "total_investment_yi": "1"}, "项目阶段", "无法识别"),
    ({"name": "甲", "total_investment_yi": "约一亿"}, "投资匡算（亿元）", "不是有效金额"),
    ({"name": "甲", "total_investment_yi": "-1"}, "投资匡算（亿元）", "不能为负数"),
    ({"name": "甲", "township": "城官镇"}, "所在乡镇", "最接近的是：城关镇"),
    ({"name": "甲", "department": "县交通局", "tier": "产业链"}, "储备库层级", "产业链储备库须填产业链办公室"),
    ({"name": "甲", "industrial": "也许"}, "是否产业类", "应为 是 或 否"),
    ({"name": "甲", "code": "2026-6208-47"}, "项目代码", "格式不对"),
    ({"name": None, "source": "县级谋划"}, "项目名称", "项目名称为空"),
])
def test_import_row_errors_write_nothing(ledger, county2, row, column, message):
    rows = [ROWS[0], {"_row": 9, **row}]
    summary = import_reserve_rows(ledger, rows, township="城关镇")
    assert summary["committed"] is False
    [error] = summary["errors"]
    assert (error["row"], error["column"]) == (9, column)
    assert message in error["message"]
    assert county2.json("project", "list") == []


def test_import_duplicates_and_headers(ledger):
    rows = [{"name": "甲 项目"}, {"name": "甲项目", "_sheet": "储备库"}]
    summary = import_reserve_rows(ledger, rows, township="城关镇", headers={"name": "项目名称（全称）"})
    assert summary["errors"] == [{"sheet": "储备库", "row": 2, "column": "项目名称（全称）", "value": "甲项目",
                                  "message": "项目名称与第1行重复"}]


def test_import_refuses_a_started_project(ledger, county2):
    county2("project", "add", "--name", "城关镇农贸市场", "--township", "城关镇", "--actual-start", "2026-04-01",
            "--stage", "新开工")
    summary = import_reserve_rows(ledger, ROWS[:1], township="城关镇")
    assert not summary["committed"]
    assert "已于2026-04-01开工" in summary["errors"][0]["message"]


def test_import_dry_run_and_units(ledger, county2):
    rows = [{"name": "甲", "total_investment_yi": "12000", "next3_investment_yi": "3亿元"}]
    dry = import_reserve_rows(ledger, rows, township="城关镇", dry_run=True,
                              money_units={"total_investment_yi": "万元"})
    assert (dry["committed"], dry["created"]) == (False, 1)
    assert county2.json("project", "list") == []
    import_reserve_rows(ledger, rows, township="城关镇", money_units={"total_investment_yi": "万元"})
    [row] = county2.json("reserve", "list")
    assert (row["total_investment"], row["next3_investment"], row["stage"]) == (12000, 30000, "谋划")


def test_import_unknown_township_option(ledger):
    summary = import_reserve_rows(ledger, ROWS, township="不存在乡")
    assert not summary["committed"] and "未知乡镇" in summary["errors"][0]["message"]


def test_import_unknown_field_is_a_programming_error(ledger):
    with pytest.raises(ValueError):
        import_reserve_rows(ledger, [{"name": "甲", "总投资": "1"}])


@pytest.mark.parametrize("text, stage", [
    ("策划阶段", "谋划"), ("规划", "规划"), ("拟开展前期工作", "拟开展前期"), ("正在开展前期工作", "正在开展前期"),
    ("前期工作", "正在开展前期"), ("—", None), (None, None),
])
def test_parse_reserve_stage(text, stage):
    assert parse_reserve_stage(text) == stage


@pytest.mark.parametrize("text, value", [("是", True), ("否", False), ("产业类", True), ("非产业类", False),
                                         ("√", True), (1, True), ("", None)])
def test_parse_yes_no(text, value):
    assert parse_yes_no(text) is value


def test_reserve_header_synonyms():
    synonyms = reserve_header_synonyms()
    assert "投资匡算" in synonyms["total_investment_yi"]
    assert "项目来源" in synonyms["source"]
    assert "目前进展情况" in synonyms["progress"]
    assert "未来三年预计投资" in synonyms["next3_investment_yi"]
    assert looks_like_reserve({"name", "total_investment_yi", "source"})
    assert not looks_like_reserve({"name", "total_investment_yi", "progress"})


# ------------------------------------------------------------------ reserve sheets through `import`

def _reserve_sheet(path, rows, title="城关镇重大项目储备库（2026年）"):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([title])
    sheet.append(["单位：亿元"])
    sheet.append(["序号", "项目名称", "项目单位", "投资匡算（亿元）", "项目来源", "目前进展情况", "未来三年预计投资",
                  "项目阶段", "是否产业类", "行业主管部门"])
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_reserve_sheet_is_recognised_by_its_headers_and_imported(county, tmp_path):
    sheet = _reserve_sheet(tmp_path / "储备.xlsx", [
        [1, "城关冷链物流中心", "某物流公司", 3.5, "招商引资", "编制可研", "2.8", "拟开展前期工作", "是", "县发改局"],
        [2, "城关智慧农业园", "城关农投", "1.2亿元", "乡镇谋划", "选址", "1.0", "谋划", "否", "发改局"]])
    summary = county.json("import", sheet)
    assert summary["committed"] is True and summary["files"][0]["created"] == 2
    listed = {p["name"]: p for p in county.json("reserve", "list")}
    assert set(listed) == {"城关冷链物流中心", "城关智慧农业园"}
    projects = {p["name"]: p for p in county.json("project", "list")}
    assert projects["城关冷链物流中心"]["total_investment"] == 35000  # 3.5 亿元
    assert projects["城关智慧农业园"]["stage"] == "谋划"
    again = county.json("import", sheet)["files"][0]
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)


def test_reserve_sheet_with_a_started_project_is_rejected_whole(county, tmp_path):
    sheet = _reserve_sheet(tmp_path / "储备.xlsx", [
        [1, "城关冷链物流中心", "某物流公司", 3.5, "招商引资", "编制可研", "2.8", "拟开展前期工作", "是", "县发改局"],
        [2, "城关老街改造", "城关镇政府", "abc", "自主谋划", None, None, "已开工", "否", "发改局"]])
    result = county("import", sheet, "--kind", "reserve", expect=1)
    assert "第5行“项目阶段”列" in result.stderr and "不储备已开工建设的项目" in result.stderr
    assert "第5行“投资匡算（亿元）”列" in result.stderr
    assert county.json("reserve", "list") == [] and county.json("project", "list") == []


def test_kind_reserve_on_a_progress_sheet_is_a_clear_error(county, tmp_path):
    path = tmp_path / "进度.csv"
    path.write_text("城关镇2026年10月重点项目推进情况表\n项目名称,总投资,年度计划投资\n甲,100,50\n", encoding="utf-8")
    result = county("import", path, "--kind", "reserve", expect=1)
    assert "不像项目储备库表" in result.stderr and "进度.csv" in result.stderr
    assert county.json("project", "list") == []
    assert "--kind 应为" in county("import", path, "--kind", "x", expect=2).stderr
