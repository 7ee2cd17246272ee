"""Levels, lists, 包联领导 and 服务专员 as people, the leaders' workbook, 一项目一表 (SPEC §12)."""

from __future__ import annotations

from pathlib import Path

import pytest

A = "2026-620821-47-01-000001"
B = "2026-620821-47-01-000002"
C = "2026-620821-47-01-000003"


@pytest.fixture
def led(county):
    county("leader", "add", "王立新", "--title", "副县长", "--phone", "13900000001")
    county("leader", "add", "李华", "--title", "县委常委")
    for code, name, leader, level in ((A, "有机肥项目", "王立新", "省重点"), (B, "污水处理厂", "李华", "市重点"),
                                      (C, "物流园", "王立新", "县重点")):
        county("project", "add", "--name", name, "--code", code, "--township", "城关镇",
               "--department", "县发改局", "--leader", leader, "--level", level)
    county("plan", "set", A, "--year", "2026", "--investment", "1000", "--nature", "续建")
    county("plan", "set", B, "--year", "2026", "--investment", "800", "--nature", "续建")
    county("plan", "set", C, "--year", "2026", "--investment", "300.50", "--nature", "续建")
    county("progress", "log", A, "--period", "2026-10", "--ytd", "900")
    county("progress", "log", B, "--period", "2026-10", "--ytd", "200")
    county("progress", "log", C, "--period", "2026-09", "--ytd", "100.25")
    return county


def test_leader_list_and_late_linking(led):
    led("project", "add", "--name", "新项目", "--township", "城关镇", "--leader", "赵强")
    assert led.json("leader", "list") == [
        {"name": "王立新", "title": "副县长", "phone": "13900000001", "projects": 2},
        {"name": "李华", "title": "县委常委", "phone": None, "projects": 1},
    ]
    out = led("leader", "add", "赵强").stdout
    assert "已关联1个" in out
    assert led.json("leader", "list")[-1] == {"name": "赵强", "title": None, "phone": None, "projects": 1}
    result = led("leader", "add", "赵强", expect=1)
    assert "已在名单中" in result.stderr


def test_unknown_leader_text_is_kept_with_a_warning(led):
    result = led("project", "update", B, "--liaison", "孙丽")
    assert "服务专员“孙丽”不在人员名单中" in result.stderr
    row = next(r for r in led.json("project", "list") if r["code"] == B)
    assert row["liaison"] == "孙丽"


def test_levels_and_tags_filter_project_list_and_warn(led):
    led("project", "update", A, "--tag", "招商引资重点项目", "--tag", "省列重大项目")
    led("project", "update", C, "--tag", "招商引资重点项目")
    assert [r["code"] for r in led.json("project", "list", "--level", "省重点")] == [A]
    assert [r["code"] for r in led.json("project", "list", "--tag", "招商引资重点项目")] == [A, C]
    led("project", "update", A, "--untag", "招商引资重点项目")
    row = next(r for r in led.json("project", "list", "--year", "2026") if r["code"] == A)
    assert (row["level"], row["tags"], row["liaison"], row["planned_completion"], row["completed_on"]) == (
        "省重点", ["省列重大项目"], None, None, None)
    cards = led.json("warn", "--as-of", "2026-11-10", "--level", "市重点")["cards"]
    assert cards and {c["project_code"] for c in cards} == {B}
    assert [r["code"] for r in led.json("project", "list", "--leader", "王立新")] == [A, C]


def test_bad_input_is_refused_in_chinese(led):
    result = led("project", "update", A, "--level", "国家重点", expect=1)
    assert "项目级别“国家重点”无效，应为：省重点、市重点、县重点" in result.stderr
    result = led("project", "list", "--level", "乡重点", expect=1)
    assert "项目级别“乡重点”无效" in result.stderr
    result = led("project", "list", "--leader", "王力新", expect=1)
    assert "包联领导“王力新”不在人员名单中" in result.stderr and "王立新" in result.stderr
    result = led("report", "leaders", "--period", "2026-10", "--leader", "无名氏", "--out", "x.xlsx", expect=1)
    assert "不在人员名单中" in result.stderr and not Path("x.xlsx").exists()
    led("leader", "add", "赵闲", "--title", "副县长")  # on the list, leads no project
    result = led("report", "leaders", "--period", "2026-10", "--leader", "赵闲", "--out", "x.xlsx", expect=1)
    assert "“赵闲”没有包联的项目，未写出调度单" in result.stderr and not Path("x.xlsx").exists()
    result = led("report", "leaders", "--period", "2999-10", "--out", "x.xlsx", expect=2)
    assert "期间 2999-10 还没有开始" in result.stderr and not Path("x.xlsx").exists()
    result = led("project", "update", A, "--tag", " ", expect=1)
    assert "清单标签不能为空" in result.stderr
    result = led("project", "list", "--tag", "招商引资项目", expect=1)
    assert "清单“招商引资项目”中没有项目；现有清单：" in result.stderr
    result = led("warn", "--tag", "招商引资项目", expect=1)
    assert "清单“招商引资项目”中没有项目" in result.stderr
    result = led("plan", "set", A, "--year", "2026", "--planned-start", "2026-05-01",
                 "--planned-completion", "2026-04-01", expect=1)
    assert "计划竣工日期 2026-04-01 早于计划开工日期 2026-05-01" in result.stderr
    # the start already on the plan counts too: completion alone, then a later start alone
    led("plan", "set", A, "--year", "2026", "--planned-start", "2026-05-01")
    result = led("plan", "set", A, "--year", "2026", "--planned-completion", "2026-04-30", expect=1)
    assert "计划竣工日期 2026-04-30 早于计划开工日期 2026-05-01" in result.stderr
    led("plan", "set", A, "--year", "2026", "--planned-completion", "2026-12-31")
    result = led("plan", "set", A, "--year", "2026", "--planned-start", "2027-01-05", expect=1)
    assert "计划竣工日期 2026-12-31 早于计划开工日期 2027-01-05" in result.stderr
    assert led.json("project", "show", A)["plans"][0]["planned_completion"] == "2026-12-31"
    result = led("project", "complete", A, "--on", "2999-01-01", expect=1)
    assert "晚于今天" in result.stderr


def _read(path: Path) -> dict[str, list[list]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_leaders_workbook_lists_exactly_each_leaders_projects(led):
    led("report", "leaders", "--period", "2026-10", "--as-of", "2026-11-10", "--out", "调度单.xlsx")
    sheets = _read(Path("调度单.xlsx"))
    assert list(sheets) == ["王立新", "李华"]
    wang = sheets["王立新"]
    assert wang[0][0] == "包联领导调度单：王立新（副县长）"
    header = wang[2]
    assert header[:8] == ["序号", "项目名称", "所在乡镇", "责任部门", "级别", "年度计划(万元)", "累计完成(万元)", "完成率"]
    body = [r for r in wang[3:] if r[0] != ""]
    assert [r[1] for r in body] == ["有机肥项目", "物流园", "2个项目"]
    assert body[0][5:8] == [1000.0, 900.0, 0.9]
    assert body[1][5:7] == [300.5, 100.25]   # its latest 2026 figure up to 2026-10 (September's)
    assert body[2][0] == "合计" and body[2][5:7] == [1300.5, 1000.25]
    li = [r for r in sheets["李华"][3:] if r[0] != ""]
    assert [r[1] for r in li] == ["污水处理厂", "1个项目"]


def test_project_show_json_and_sheet(led):
    led("milestone", "add", A, "--name", "主体封顶", "--due", "2026-11-20")
    led("plan", "set", A, "--year", "2026", "--planned-completion", "2026-12-31")
    shown = led.json("project", "show", A, "--as-of", "2026-11-23")
    assert shown["level"] == "省重点" and shown["leader"] == "王立新"
    assert shown["leader_person"] == {"name": "王立新", "title": "副县长", "phone": "13900000001"}
    assert shown["plans"][0]["planned_completion"] == "2026-12-31"
    assert shown["milestones"][0]["card"] == "yellow"
    assert shown["card"] == "yellow"
    assert any(c["kind"] == "milestone" for c in shown["cards"])
    led("project", "sheet", A, "--as-of", "2026-11-23", "--out", "表.xlsx")
    from openpyxl import load_workbook

    ws = load_workbook("表.xlsx").active
    assert ws.page_setup.fitToHeight == 1 and ws.page_setup.fitToWidth == 1
    assert int(ws.page_setup.paperSize) == 9  # A4
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "一项目一表：有机肥项目" in values and "主体封顶" in values and "省重点" in values
    assert "王立新（副县长，13900000001）" in values


def test_any_writer_of_the_leader_text_links_the_person(led, db_path):
    """An import writes only the text; the link follows it (a sheet's text matched by name)."""
    from projledger.store import Ledger

    ledger = Ledger.open(db_path)
    with ledger.transaction() as w:
        w.update("projects", {"id": 2}, {"leader": "王立新"})   # was 李华
    ledger.db.close()
    assert [(p["name"], p["projects"]) for p in led.json("leader", "list")] == [("王立新", 3), ("李华", 0)]
    assert [r["code"] for r in led.json("project", "list", "--leader", "王立新")] == [A, B, C]


def test_open_problems_and_meeting_items_reach_the_leader_and_the_table(led):
    led("problem", "add", A, "--text", "用地指标未落实", "--reported", "2026-11-02")
    led("meeting", "add", "--kind", "月调度会", "--on", "2026-11-05")
    led("meeting", "item", "add", "1", "--text", "协调电力增容", "--lead", "县发改局", "--project", A)
    led("report", "leaders", "--period", "2026-10", "--as-of", "2026-11-10", "--out", "调度单.xlsx")
    wang = _read(Path("调度单.xlsx"))["王立新"]
    assert wang[2][10] == "未办结问题和议定事项"
    assert wang[3][10] == "1. 用地指标未落实\n2. 【议定事项】协调电力增容"
    assert wang[4][10] == ""   # 物流园 has none
    shown = led.json("project", "show", A, "--as-of", "2026-11-10")
    assert [i["text"] for i in shown["items"]] == ["协调电力增容"]
