"""Stage transitions through the CLI: every one allowed and refused, and the plan-adjust rule.

Dates are given with ``--on`` so the rules that depend on "this year" do not depend on the
day the tests run.
"""

from __future__ import annotations

import pytest

from projledger.errors import DataError
from projledger.lifecycle import check_stage_change, default_nature
from projledger.plan_adjust import parse_quarter, quarter_end
from projledger.projects import Project


def _reserve(cli, name, *extra, tier="行业", unit=("--department", "县交通局"), stage="正在开展前期",
             total="20000", on="2026-01-05"):
    cli("reserve", "add", "--name", name, "--tier", tier, *unit, "--stage", stage,
        "--total-investment", total, "--on", on, *extra)


def _project(cli, name):
    return next(p for p in cli.json("project", "list") if p["name"] == name)


def _reserve_names(cli, *args):
    return [r["name"] for r in cli.json("reserve", "list", *args)]


def _events(cli, name):
    history = cli.json("history", name)["changes"]
    return [c["after"]["event"] for c in history if c["table"] == "stage_transitions"]


# ------------------------------------------------------------------ entering the reserve

def test_started_project_cannot_enter_the_reserve(county):
    county("project", "add", "--name", "县城供热管网", "--department", "县交通局", "--nature", "续建",
           "--actual-start", "2026-04-15")
    result = county("reserve", "add", "县城供热管网", "--tier", "行业", "--on", "2026-05-01", expect=1)
    assert "已于2026-04-15开工" in result.stderr
    assert "不储备已开工建设的项目" in result.stderr
    assert _reserve_names(county) == []


@pytest.mark.parametrize("stage, actual_start, message", [
    ("续建", None, "处于续建阶段（已开工建设）"),
    ("新开工", "2026-03-01", "已于2026-03-01开工"),
    ("竣工", None, "竣工并销号"),
    ("投产", None, "投产并销号"),
    ("终止", None, "已终止，不能再入储备库"),
])
def test_refused_entries(county, stage, actual_start, message):
    args = ["project", "add", "--name", "甲项目", "--department", "县交通局", "--stage", stage]
    if actual_start:
        args += ["--actual-start", actual_start]
    county(*args)
    result = county("reserve", "add", "甲项目", "--tier", "行业", "--on", "2026-05-01", expect=1)
    assert message in result.stderr


def test_plan_project_of_this_year_cannot_enter_but_last_years_can(county):
    _reserve(county, "乙项目")
    county("plan", "adopt", "--year", "2026", "乙项目=3000", "--on", "2026-01-10")
    refused = county("reserve", "add", "乙项目", "--tier", "行业", "--on", "2026-06-01", expect=1)
    assert "已列入2026年度重大项目计划" in refused.stderr
    assert "plan adjust" in refused.stderr
    # a 前期 project of 2026 that the 2027 plan does not take returns to the reserve in 2027
    county("reserve", "add", "乙项目", "--tier", "行业", "--on", "2027-01-03")
    assert _project(county, "乙项目")["stage"] == "正在开展前期"
    assert _reserve_names(county) == ["乙项目"]


def test_non_reserve_stage_is_refused_with_the_rule(county):
    result = county("reserve", "add", "--name", "丙项目", "--tier", "行业", "--department", "县交通局",
                    "--stage", "新开工", expect=1)
    assert "储备库项目的阶段应为：谋划、规划、拟开展前期、正在开展前期" in result.stderr
    assert county.json("project", "list") == []


def test_withdrawn_project_may_come_back(county):
    _reserve(county, "丁项目")
    county("project", "terminate", "丁项目", "--reason", "选址调整", "--on", "2026-03-01")
    assert _project(county, "丁项目")["stage"] == "退库"
    county("reserve", "add", "丁项目", "--tier", "行业", "--stage", "规划", "--on", "2026-06-01")
    assert _project(county, "丁项目")["stage"] == "规划"
    assert _events(county, "丁项目") == ["reserve_add", "terminate", "reserve_add"]


# ------------------------------------------------------------------ the annual plan

def test_adopt_takes_the_project_out_of_the_reserve(county):
    _reserve(county, "戊项目", "--planned-start", "2027-04-01")
    county("plan", "adopt", "--year", "2027", "戊项目=5000.5", "--on", "2026-12-28")
    assert _reserve_names(county) == []
    left = county.json("reserve", "list", "--all")[0]["tiers"][0]
    assert left["left_on"] == "2026-12-28"
    assert left["left_reason"] == "列入2027年度计划"
    row = county.json("project", "list", "--year", "2027")[0]
    assert (row["stage"], row["annual_plan"]) == ("新开工", 5000.5)
    assert _events(county, "戊项目") == ["reserve_add", "plan_adopt"]


def test_adopt_needs_an_amount(county):
    _reserve(county, "己项目")
    _reserve(county, "庚项目")
    result = county("plan", "adopt", "--year", "2027", "己项目", "庚项目=100", expect=2)
    assert "以下项目没有给出2027年度计划投资：己项目" in result.stderr
    assert county.json("project", "list", "--year", "2027") == []  # nothing written
    county("plan", "adopt", "--year", "2027", "己项目", "庚项目=100", "--investment", "800")
    plans = {p["name"]: p["annual_plan"] for p in county.json("project", "list", "--year", "2027")}
    assert plans == {"己项目": 800, "庚项目": 100}


def test_adopt_accepts_an_explicit_zero_and_a_started_unplanned_project(county):
    _reserve(county, "辛项目")
    county("project", "add", "--name", "提前开工项目", "--department", "县交通局", "--actual-start", "2025-10-01",
           "--stage", "续建")
    county("plan", "adopt", "--year", "2026", "辛项目=0", "提前开工项目=1200")
    rows = {p["name"]: (p["stage"], p["annual_plan"]) for p in county.json("project", "list", "--year", "2026")}
    assert rows == {"辛项目": ("前期", 0), "提前开工项目": ("续建", 1200)}


@pytest.mark.parametrize("setup, message", [
    (["project", "terminate", "壬项目", "--reason", "资金不落实", "--as", "终止"], "已终止，不能列入2027年度计划"),
    (["project", "terminate", "壬项目", "--reason", "资金不落实"], "已退库，不能直接列入年度计划"),
])
def test_adopt_refused_after_the_end(county, setup, message):
    _reserve(county, "壬项目")
    county(*setup)
    result = county("plan", "adopt", "--year", "2027", "壬项目=100", expect=1)
    assert message in result.stderr


def test_adopt_as_xujian_needs_an_earlier_start(county):
    _reserve(county, "癸项目")
    result = county("plan", "adopt", "--year", "2027", "癸项目=100", "--nature", "续建", expect=1)
    assert "没有2027年以前的实际开工日期，不能按续建列入" in result.stderr


@pytest.mark.parametrize("actual, planned, stage, year, expected", [
    ("2025-06-01", None, "新开工", 2026, "续建"),
    ("2026-06-01", None, "新开工", 2026, "新开工"),
    (None, "2026-05-01", "正在开展前期", 2026, "新开工"),
    (None, "2025-05-01", "新开工", 2026, "新开工"),  # overdue start stays 新开工
    (None, "2027-05-01", "正在开展前期", 2026, "前期"),
    (None, None, "谋划", 2026, "前期"),
])
def test_default_nature(actual, planned, stage, year, expected):
    import datetime as dt

    p = Project(id=1, code=None, name="x", township=None, department=None, owner=None, stage=stage,
                nature=None, industry=None, industrial=None, total_investment=None,
                planned_start=dt.date.fromisoformat(planned) if planned else None, planned_start_precision="day",
                actual_start=dt.date.fromisoformat(actual) if actual else None, actual_start_estimated=False,
                completed_on=None, leader=None, note=None)
    assert default_nature(p, year) == expected


# ------------------------------------------------------------------ completion (销号清零)

def _plan_project(cli, name="甲路", start="2026-04-01"):
    cli("project", "add", "--name", name, "--department", "县交通局", "--nature", "新开工",
        "--planned-start", "2026-03-01")
    cli("plan", "set", name, "--year", "2026", "--investment", "5000")
    cli("plan", "set", name, "--year", "2027", "--investment", "3000")
    if start:
        cli("project", "update", name, "--actual-start", start)


def test_complete_removes_next_years_plan(county, monkeypatch):
    monkeypatch.setenv("PROJLEDGER_TODAY", "2027-12-31")  # completions dated ahead of the real today
    _plan_project(county)
    result = county("project", "complete", "甲路", "--on", "2026-12-20")
    assert "销号清零" in result.stdout and "已移出2027年度计划" in result.stdout
    shown = county.json("project", "show", "甲路")
    assert [p["year"] for p in shown["plans"]] == [2026]  # this year's record stays for the ranking
    assert shown["stage"] == "竣工"
    # 竣工 → 投产 is allowed once; nothing after 投产
    county("project", "complete", "甲路", "--stage", "投产", "--on", "2027-03-01")
    assert _project(county, "甲路")["stage"] == "投产"
    again = county("project", "complete", "甲路", "--on", "2027-04-01", expect=1)
    assert "已销号" in again.stderr
    assert _events(county, "甲路") == ["plan_adopt", "plan_adopt", "complete", "complete"]


@pytest.mark.parametrize("start, on, message", [
    (None, "2026-12-20", "还没有实际开工日期，不能竣工"),
    ("2026-04-01", "2026-03-01", "竣工日期 2026-03-01 早于实际开工日期 2026-04-01"),
])
def test_complete_refused(county, start, on, message, monkeypatch):
    monkeypatch.setenv("PROJLEDGER_TODAY", "2027-12-31")  # completions dated ahead of the real today
    _plan_project(county, start=start)
    result = county("project", "complete", "甲路", "--on", on, expect=1)
    assert message in result.stderr
    assert _project(county, "甲路")["stage"] == "新开工"


def test_reserve_project_cannot_complete(county, monkeypatch):
    monkeypatch.setenv("PROJLEDGER_TODAY", "2027-12-31")  # completions dated ahead of the real today
    _reserve(county, "乙路")
    result = county("project", "complete", "乙路", "--on", "2026-12-20", expect=1)
    assert "是储备库项目（正在开展前期），尚未开工，不能竣工" in result.stderr


def test_complete_twice_as_jungong_is_refused(county, monkeypatch):
    monkeypatch.setenv("PROJLEDGER_TODAY", "2027-12-31")  # completions dated ahead of the real today
    _plan_project(county)
    county("project", "complete", "甲路", "--on", "2026-12-20")
    result = county("project", "complete", "甲路", "--on", "2026-12-21", expect=1)
    assert "已于2026-12-20竣工，已销号" in result.stderr


# ------------------------------------------------------------------ 终止 / 退库

def test_terminate_needs_a_reason(county):
    _reserve(county, "丙路")
    result = county("project", "terminate", "丙路", "--reason", "  ", expect=1)
    assert "必须写明原因" in result.stderr


def test_withdraw_records_the_reason(county):
    _reserve(county, "丙路")
    county("project", "terminate", "丙路", "--reason", "与国土空间规划冲突", "--on", "2026-05-06")
    entry = county.json("reserve", "list", "--all")[0]["tiers"][0]
    assert entry["left_reason"] == "退库：与国土空间规划冲突"
    history = county.json("history", "丙路")["changes"]
    reasons = [c["after"]["reason"] for c in history if c["table"] == "stage_transitions"]
    assert reasons[-1] == "与国土空间规划冲突"


def test_terminate_a_plan_project_drops_later_plans(county):
    _plan_project(county)
    county("project", "terminate", "甲路", "--reason", "业主资金链断裂", "--on", "2026-08-01")
    shown = county.json("project", "show", "甲路")
    assert shown["stage"] == "终止"
    assert [p["year"] for p in shown["plans"]] == [2026]
    again = county("project", "terminate", "甲路", "--reason", "x", expect=1)
    assert "已终止" in again.stderr


def test_withdraw_only_from_the_reserve(county):
    _plan_project(county)
    result = county("project", "terminate", "甲路", "--reason", "x", "--as", "退库", expect=1)
    assert "不在储备库中，不能退库" in result.stderr


def test_completed_project_cannot_be_terminated(county, monkeypatch):
    monkeypatch.setenv("PROJLEDGER_TODAY", "2027-12-31")  # completions dated ahead of the real today
    _plan_project(county)
    county("project", "complete", "甲路", "--on", "2026-12-20")
    result = county("project", "terminate", "甲路", "--reason", "x", expect=1)
    assert "已竣工，不能终止或退库" in result.stderr


def test_every_transition_is_in_the_audit_trail(county):
    _reserve(county, "丁路", "--planned-start", "2026-06-01", on="2025-11-01")
    county("plan", "adopt", "--year", "2026", "丁路=900", "--on", "2026-01-08")
    county("project", "update", "丁路", "--actual-start", "2026-06-10")
    county("project", "complete", "丁路", "--on", "2026-11-30")
    history = county.json("history", "丁路")["changes"]
    stages = [(c["before"] or {}).get("stage") for c in history
              if c["table"] == "projects" and c["action"] == "update" and "stage" in (c["after"] or {})]
    assert stages == ["正在开展前期", "新开工"]
    moves = [(c["after"]["from_stage"], c["after"]["to_stage"], c["after"]["event"])
             for c in history if c["table"] == "stage_transitions"]
    assert moves == [("正在开展前期", "正在开展前期", "reserve_add"), ("正在开展前期", "新开工", "plan_adopt"),
                     ("新开工", "竣工", "complete")]


@pytest.mark.parametrize("old, new, ok", [
    ("谋划", "规划", True), ("正在开展前期", "谋划", True), ("新开工", "前期", True),
    ("谋划", "新开工", False), ("前期", "竣工", False), ("续建", "正在开展前期", False),
    ("新开工", "续建", False),  # no actual start
])
def test_check_stage_change(old, new, ok):
    p = Project(id=1, code=None, name="x", township=None, department=None, owner=None, stage=old,
                nature=None, industry=None, industrial=None, total_investment=None, planned_start=None,
                planned_start_precision="day", actual_start=None, actual_start_estimated=False,
                completed_on=None, leader=None, note=None)
    if ok:
        check_stage_change(p, new)
    else:
        with pytest.raises(DataError):
            check_stage_change(p, new)


# ------------------------------------------------------------------ 动态调整 (plan adjust)

@pytest.fixture
def plan2026(county):
    """县交通局: A 新开工 not started (planned 2026-03-01, 5000), B 续建 far behind (10000, ytd 2000),
    C 续建 on track (8000, ytd 6000); 县自然资源局: D on track.  Reserve: E, F ready (交通),
    G not ready (交通, 谋划), H ready (自然资源)."""
    c = county
    _reserve(c, "A路", "--planned-start", "2026-03-01", on="2025-12-01")
    c("plan", "adopt", "--year", "2026", "A路=5000", "--on", "2026-01-10")
    for name, plan, ytd, dept in (("B桥", "10000", "2000", "县交通局"), ("C站", "8000", "6000", "县交通局"),
                                  ("D地", "4000", "3000", "县自然资源局")):
        c("project", "add", "--name", name, "--department", dept, "--stage", "续建", "--actual-start", "2025-05-01")
        c("plan", "adopt", "--year", "2026", f"{name}={plan}", "--on", "2026-01-10")
        c("progress", "log", name, "--period", "2026-09", "--ytd", ytd)
    _reserve(c, "E隧道", total="20000")
    _reserve(c, "F线", stage="拟开展前期", total="3000")
    _reserve(c, "G港", stage="谋划", total="90000")
    _reserve(c, "H林", unit=("--department", "县自然资源局"), total="7000")
    c("project", "add", "--name", "I厂", "--department", "县交通局", "--stage", "续建", "--actual-start", "2026-05-01")
    return c


def test_adjust_lists_lagging_and_replacements(plan2026):
    report = plan2026.json("plan", "adjust", "--quarter", "2026Q3")
    assert (report["year"], report["quarter"], report["as_of"]) == (2026, 3, "2026-09-30")
    assert report["lagging_count"] == 2
    [dept] = report["departments"]
    assert dept["department"] == "县交通局"
    assert dept["planned_total"] == 23000  # 5000 + 10000 + 8000
    assert dept["lagging_total"] == 15000
    assert [lag["name"] for lag in dept["lagging"]] == ["A路", "B桥"]
    a_reasons = dept["lagging"][0]["reasons"]
    assert [(r["kind"], r["card"]) for r in a_reasons] == [("start", "red"), ("invest", "red")]
    assert "已逾期213天未开工" in a_reasons[0]["reason"]
    assert dept["lagging"][1]["reasons"][0]["reason"] == "投资完成率20.0%，低于序时进度75.0%的50%"
    # ripest first; 谋划 is not ready; E alone (20000) covers 15000
    assert [(c["name"], c["suggested"]) for c in dept["candidates"]] == [("E隧道", True), ("F线", False)]
    assert dept["covered"] is True
    assert [p["name"] for p in report["unplanned_started"]] == ["I厂"]


def test_adjust_half_of_schedule_is_not_lagging(plan2026):
    # B at exactly 50% of 序时进度: 10000 × 9/12 × 0.5 = 3750 → not below the line
    plan2026("progress", "log", "B桥", "--period", "2026-09", "--ytd", "3750")
    names = [lag["name"] for d in plan2026.json("plan", "adjust", "--quarter", "2026Q3")["departments"]
             for lag in d["lagging"]]
    assert names == ["A路"]
    plan2026("progress", "log", "B桥", "--period", "2026-09", "--ytd", "3749.99")
    names = [lag["name"] for d in plan2026.json("plan", "adjust", "--quarter", "2026Q3")["departments"]
             for lag in d["lagging"]]
    assert names == ["A路", "B桥"]


def test_adjust_refuses_a_swap_that_lowers_the_department_total(plan2026):
    result = plan2026("plan", "adjust", "--quarter", "2026Q3", "--drop", "A路", "--drop", "B桥",
                      "--add", "E隧道=14999.99", expect=1)
    assert "只增不减" in result.stderr
    assert "县交通局：23,000.00 → 22,999.99 万元，替补项目还需至少 0.01 万元" in result.stderr
    names = sorted(p["name"] for p in plan2026.json("project", "list", "--year", "2026"))
    assert names == ["A路", "B桥", "C站", "D地"]  # nothing changed


def test_adjust_swap_keeps_the_total(plan2026):
    plan2026("plan", "adjust", "--quarter", "2026Q3", "--drop", "A路", "--drop", "B桥",
             "--add", "E隧道=12000", "--add", "F线=3000")
    rows = {p["name"]: p["stage"] for p in plan2026.json("project", "list", "--year", "2026")}
    assert rows == {"C站": "续建", "D地": "续建", "E隧道": "前期", "F线": "前期"}
    assert _project(plan2026, "A路")["stage"] == "正在开展前期"  # not started → back to the reserve
    assert _project(plan2026, "B桥")["stage"] == "续建"  # started: out of the plan, not in the reserve
    assert sorted(_reserve_names(plan2026)) == ["A路", "G港", "H林"]
    total = sum(p["annual_plan"] for p in plan2026.json("project", "list", "--year", "2026", "--department", "县交通局"))
    assert total == 23000


def test_adjust_other_departments_may_not_fill_the_gap(plan2026):
    result = plan2026("plan", "adjust", "--quarter", "2026Q3", "--drop", "B桥", "--add", "H林=20000", expect=1)
    assert "县交通局：23,000.00 → 13,000.00 万元" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["--drop", "G港"], "不在2026年度计划中"),
    (["--add", "C站=10"], "已在2026年度计划中"),
    (["--drop", "A路", "--add", "A路=6000"], "不能既调出又调入"),
])
def test_adjust_swap_checks(plan2026, args, message):
    result = plan2026("plan", "adjust", "--quarter", "2026Q3", *args, expect=1)
    assert message in result.stderr


def test_adjust_add_needs_an_amount(plan2026):
    result = plan2026("plan", "adjust", "--quarter", "2026Q3", "--drop", "A路", "--add", "E隧道", expect=2)
    assert "须给出年度计划投资" in result.stderr


@pytest.mark.parametrize("text, expected", [("2026Q3", (2026, 3)), ("2026-q1", (2026, 1)), (" 2027Q4 ", (2027, 4))])
def test_parse_quarter(text, expected):
    assert parse_quarter(text) == expected


def test_bad_quarter_is_a_usage_error(county):
    result = county("plan", "adjust", "--quarter", "2026Q5", expect=2)
    assert "应为 YYYYQn" in result.stderr


def test_quarter_end():
    import datetime as dt

    assert [quarter_end(2024, q) for q in (1, 2, 3, 4)] == [
        dt.date(2024, 3, 31), dt.date(2024, 6, 30), dt.date(2024, 9, 30), dt.date(2024, 12, 31)]


def test_plan_set_takes_a_reserve_project_out_and_update_stage_is_checked(county):
    county("reserve", "add", "--name", "乙园", "--tier", "行业", "--department", "县交通局",
           "--stage", "拟开展前期", "--total-investment", "8000")
    county("plan", "set", "乙园", "--year", "2027", "--investment", "2000", "--nature", "新开工")
    assert _project(county, "乙园")["stage"] == "新开工"
    assert county.json("reserve", "list") == []
    result = county("project", "update", "乙园", "--stage", "谋划", expect=1)
    assert result.stderr.strip()
    county("project", "add", "--name", "丙库", "--stage", "谋划")
    county("project", "update", "丙库", "--stage", "规划")  # moves within the reserve stages are free
    assert _project(county, "丙库")["stage"] == "规划"
