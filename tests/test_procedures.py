"""Approval procedures (前期手续) through the CLI: add, done, convert, supplement, list filters,
and the catalog.

Working days written out by hand from the 2026 notice: 国庆 10-01..07 off, 10-10 (Sat)
make-up; 2026-11-02 is a Monday, 11-06 a Friday.  Built-in catalog limits are the values in
schemas/procedure_catalog.json as documented there (环评 30, 施工许可 7, 消防 15, 防雷 10 …).
"""

from __future__ import annotations

import json
import sqlite3

import pytest

A = "2026-620821-47-01-000001"
B = "2026-620821-47-01-000002"


def seed(db_path):
    """Units and two projects, written with the library in one transaction (CLI calls are slow)."""
    from projledger.projects import Projects
    from projledger.store import Ledger
    from projledger.units import Units

    with Ledger.open(db_path) as ledger, ledger.transaction() as w:
        units = Units(ledger.db)
        for name, kind, aliases in (("城关镇", "township", ()), ("新城镇", "township", ()),
                                    ("县发改局", "department", ("发改局",)), ("县交通局", "department", ("交通局",)),
                                    ("县生态环境局", "department", ("环保局",))):
            units.add(w, name, kind, aliases)
        projects = Projects(ledger.db, units)
        projects.add(w, projects.project_columns(name="城关物流园", code=A, township="城关镇", department="县发改局"))
        projects.add(w, projects.project_columns(name="新城大道", code=B, township="新城镇", department="县交通局"))


@pytest.fixture
def led(cli, db_path):
    seed(db_path)
    return cli


def add(cli, *args, expect=0):
    result = cli("procedure", "add", *args, "--json", expect=expect)
    return json.loads(result.stdout) if expect == 0 else result


def listing(cli, *args):
    return cli.json("procedure", "list", *args)


def rows(db_path, sql, params=()):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


# -- add ------------------------------------------------------------------------------------

DUE_CASES = [
    # 环评 default 30: Nov 3–6 (4), 9–13 (9), 16–20 (14), 23–27 (19), 30 (20), Dec 1–4 (24), 7–11 (29), 14 (30)
    (A, "环评", "2026-11-02", None, "环评", "2026-12-14"),
    (B, "环境影响评价", "2026-11-02", "20", "环评", "2026-11-30"),      # alias; Nov 3 .. Nov 30 = 20
    (A, "施工许可证", "2026-11-02", None, "施工许可", "2026-11-11"),    # 7: 3,4,5,6,9,10,11
    (A, "防雷", "2026-09-29", None, "防雷", "2026-10-19"),              # 10: 9-30, 10-08, 09, 10 (Sat), 12–16, 19
    (A, "消防", "2026-02-12", "3", "消防", "2026-02-24"),
]


def test_add_computes_due(led):
    for project, item, accepted, limit, stored, due in DUE_CASES:
        args = [project, "--item", item, "--accepted", accepted] + (["--limit", limit] if limit else [])
        data = add(led, *args)
        assert (data["item"], data["due_on"], data["due_provisional"], data["mode"]) == (stored, due, False, "常规")
        assert data["current_due"] == due and data["status"] == "open"


def test_add_spec_example_with_lead_and_json_shape(led, db_path):
    data = add(led, A, "--item", "环评", "--accepted", "2026-11-02", "--limit", "20", "--mode", "容缺受理",
               "--supplement-by", "2026-11-30", "--lead", "环保局")
    assert data == {
        "id": 1, "project_code": A, "project_name": "城关物流园", "item": "环评", "mode": "容缺受理",
        "lead_unit": "县生态环境局", "accepted_on": "2026-11-02", "limit_workdays": 20,
        "due_on": "2026-11-30", "due_provisional": False, "supplement_by": "2026-11-30",
        "supplemented_on": None, "expires_on": None, "simulated_on": None, "simulated_doc": None,
        "converted_on": None, "convert_due": None, "done_on": None, "doc_number": None, "note": None,
        "status": "open", "current_due": "2026-11-30", "overdue_workdays": 0, "workdays_left": 20,
        "alerts": ["容缺材料待补（2026-11-30前补齐）"],
    }
    assert rows(db_path, "SELECT table_name, action, project_id FROM audit WHERE table_name = 'procedures'") == [
        ("procedures", "insert", 1)]


ADD_ERRORS = [
    (["--item", "环评", "--mode", "容缺受理"], 2, "--supplement-by"),
    (["--item", "环评", "--supplement-by", "2026-11-30"], 2, "只有容缺受理"),
    (["--item", "环评", "--mode", "容缺受理", "--supplement-by", "2026-10-30"], 1, "早于受理日期"),
    (["--item", "环评", "--mode", "快办"], 1, "办理模式“快办”无效"),
    (["--item", "用地"], 1, "最接近的是：用地预审与选址"),
    (["--item", "环评", "--lead", "县环保所"], 1, "未知牵头部门“县环保所”"),
    (["--item", "环评", "--accepted", "2026-13-01"], 2, "不存在"),
    (["--item", "环评", "--limit", "-1"], 1, "非负整数"),
]


def test_add_errors(led, db_path):
    for args, code, message in ADD_ERRORS:
        result = led("procedure", "add", A, "--accepted", "2026-11-02", *args, expect=code)
        assert message in result.stderr, (args, result.stderr)
        assert rows(db_path, "SELECT COUNT(*) FROM procedures") == [(0,)]


def test_add_unknown_project(led):
    assert "2026-620821-47-01-999999" in led("procedure", "add", "2026-620821-47-01-999999", "--item", "环评",
                                             expect=1).stderr


def test_duplicate_item_rejected(led):
    add(led, A, "--item", "环评", "--accepted", "2026-11-02")
    result = led("procedure", "add", A, "--item", "环境影响评价", "--accepted", "2026-11-03", expect=1)
    assert "已有“环评”手续（编号 1）" in result.stderr
    add(led, B, "--item", "环评", "--accepted", "2026-11-02")  # another project is fine


def test_free_item_with_limit(led):
    result = led("procedure", "add", A, "--item", "社会稳定风险评估", "--accepted", "2026-11-02", "--limit", "2",
                 "--json")
    assert json.loads(result.stdout)["due_on"] == "2026-11-04"
    assert "不在手续目录中" in result.stderr


def test_mode_prefix(led):
    assert add(led, A, "--item", "立项", "--accepted", "2026-11-02", "--mode", "承诺")["mode"] == "承诺制"


def test_provisional_procedure_deadline(led):
    # 2026-12-28 + 7: 29, 30, 31, (01-01 元旦), 04, 05, 06, 07
    result = led("procedure", "add", A, "--item", "施工许可", "--accepted", "2026-12-28", "--json")
    data = json.loads(result.stdout)
    assert (data["due_on"], data["due_provisional"]) == ("2027-01-07", True)
    assert "2027年调休安排尚未发布" in result.stderr


# -- done / 模拟审批 / 容缺受理 --------------------------------------------------------------

def test_done_records_document(led):
    add(led, A, "--item", "环评", "--accepted", "2026-11-02", "--limit", "20")
    out = led("procedure", "done", A, "环评", "--on", "2026-11-20", "--doc", "泾环审〔2026〕12号").stdout
    assert "泾环审〔2026〕12号" in out
    [row] = listing(led, "--as-of", "2026-12-01")
    assert (row["status"], row["done_on"], row["doc_number"], row["current_due"]) == (
        "done", "2026-11-20", "泾环审〔2026〕12号", None)
    assert "已于 2026-11-20 办结" in led("procedure", "done", A, "环评", "--on", "2026-11-21", expect=1).stderr


DONE_ERRORS = [
    (["--on", "2026-11-01"], "早于受理日期"),
    (["--on", "2026-11-20", "--simulated"], "--simulated 只用于模拟审批"),
]


def test_done_errors(led):
    add(led, A, "--item", "环评", "--accepted", "2026-11-02")
    for args, message in DONE_ERRORS:
        result = led("procedure", "done", A, "环评", *args, expect=None)
        assert result.exit_code in (1, 2) and message in result.stderr


def test_done_unknown_procedure(led):
    assert "没有“环评”手续" in led("procedure", "done", A, "环评", "--on", "2026-11-20", expect=1).stderr


@pytest.mark.parametrize("accepted, expires", [
    ("2026-03-02", "2027-03-02"),
    ("2024-02-29", "2025-02-28"),   # no 29 Feb next year: the month's last day
])
def test_simulated_approval_expires_after_one_year(led, accepted, expires):
    data = add(led, A, "--item", "立项", "--accepted", accepted, "--mode", "模拟审批")
    assert data["expires_on"] == expires


def test_simulated_approval_lifecycle(led):
    # 立项 20 days from Mon 2026-08-03: Aug 4–7 (4), 10–14 (9), 17–21 (14), 24–28 (19), 31 (20)
    data = add(led, A, "--item", "立项", "--accepted", "2026-08-03", "--mode", "模拟审批")
    assert (data["due_on"], data["expires_on"]) == ("2026-08-31", "2027-08-03")
    assert [r["item"] for r in listing(led, "--overdue", "--as-of", "2026-09-01")] == ["立项"]
    led("procedure", "done", A, "立项", "--on", "2026-08-20", "--doc", "模拟〔2026〕1号", "--simulated")
    # mock opinion given: waiting for land, nothing overdue
    assert listing(led, "--overdue", "--as-of", "2026-09-29") == []
    # land obtained 09-30: formal approval within 3 working days → 10-08, 10-09, 10-10 (Sat make-up)
    out = led("procedure", "convert", A, "立项", "--on", "2026-09-30").stdout
    assert "2026-10-10" in out
    [row] = listing(led, "--as-of", "2026-10-12")
    assert (row["simulated_on"], row["simulated_doc"], row["converted_on"], row["convert_due"]) == (
        "2026-08-20", "模拟〔2026〕1号", "2026-09-30", "2026-10-10")
    assert (row["current_due"], row["overdue_workdays"]) == ("2026-10-10", 1)
    assert [r["item"] for r in listing(led, "--overdue", "--as-of", "2026-10-12")] == ["立项"]
    led("procedure", "done", A, "立项", "--on", "2026-10-12", "--doc", "发改〔2026〕8号")
    assert listing(led, "--overdue", "--as-of", "2026-10-13") == []


def test_simulated_approval_expiry_alerts(led):
    add(led, A, "--item", "立项", "--accepted", "2026-03-02", "--mode", "模拟审批")
    led("procedure", "done", A, "立项", "--on", "2026-03-20", "--simulated")
    assert listing(led, "--as-of", "2027-01-15")[0]["alerts"] == []
    assert listing(led, "--as-of", "2027-02-15")[0]["alerts"] == ["模拟审批将于2027-03-02到期"]
    assert listing(led, "--as-of", "2027-03-03")[0]["alerts"] == ["模拟审批已过有效期（2027-03-02）"]
    result = led("procedure", "convert", A, "立项", "--on", "2027-03-05")
    assert "按规定应重新报批" in result.stderr


def test_convert_only_for_simulated(led):
    add(led, A, "--item", "环评", "--accepted", "2026-11-02")
    assert "不是模拟审批" in led("procedure", "convert", A, "环评", "--on", "2026-11-03", expect=1).stderr


def test_supplement_clears_alert(led):
    add(led, A, "--item", "环评", "--accepted", "2026-11-02", "--mode", "容缺受理", "--supplement-by", "2026-11-10")
    assert listing(led, "--as-of", "2026-11-11")[0]["alerts"] == ["容缺材料逾期未补（2026-11-10前补齐）"]
    led("procedure", "supplement", A, "环评", "--on", "2026-11-12")
    row = listing(led, "--as-of", "2026-11-13")[0]
    assert (row["supplemented_on"], row["alerts"]) == ("2026-11-12", [])


# -- list filters --------------------------------------------------------------------------------

@pytest.fixture
def five(led):
    """P1 A 环评 due 11-05; P2 A 节能审查 due 11-09; P3 B 施工许可 due 11-11 (lead 交通局);
    P4 B 立项 due 11-02, done 11-02; P5 A 防雷 09-29 + 2 → 09-30, 10-08."""
    add(led, A, "--item", "环评", "--accepted", "2026-11-02", "--limit", "3")
    add(led, A, "--item", "节能审查", "--accepted", "2026-11-02", "--limit", "5")
    add(led, B, "--item", "施工许可", "--accepted", "2026-11-02", "--lead", "交通局")
    add(led, B, "--item", "立项", "--accepted", "2026-10-30", "--limit", "1", "--mode", "承诺制")
    led("procedure", "done", B, "立项", "--on", "2026-11-02", "--doc", "县发改备〔2026〕3号")
    add(led, A, "--item", "防雷", "--accepted", "2026-09-29", "--limit", "2")
    return led


def items(rows_):
    return [(r["project_code"][-1], r["item"]) for r in rows_]


LIST_CASES = [
    (["--overdue", "--as-of", "2026-11-06"], [("1", "防雷"), ("1", "环评")]),
    (["--due-within", "1", "--as-of", "2026-11-06"], [("1", "节能审查")]),        # 11-09: (Fri, Mon] = 1
    (["--due-within", "3", "--as-of", "2026-11-06"], [("1", "节能审查"), ("2", "施工许可")]),
    (["--due-within", "0", "--as-of", "2026-11-05"], [("1", "环评")]),            # due today
    (["--due-within", "0", "--as-of", "2026-11-06"], []),
    (["--overdue", "--due-within", "1", "--as-of", "2026-11-06"], [("1", "防雷"), ("1", "环评"), ("1", "节能审查")]),
    (["--due-within", "1", "--as-of", "2026-09-30"], [("1", "防雷")]),            # 10-08: 1 working day after 国庆
    (["--due-within", "1", "--as-of", "2026-11-01"], [("2", "立项")]),            # Sun → Mon 11-02; P1–P3 not accepted yet
    (["--overdue", "--as-of", "2026-11-01"], [("1", "防雷")]),
    (["--department", "交通局"], [("2", "施工许可")]),
    (["--project", B, "--as-of", "2026-11-06"], [("2", "施工许可"), ("2", "立项")]),
    (["--mode", "承诺制"], [("2", "立项")]),
    (["--open", "--as-of", "2026-11-06"], [("1", "防雷"), ("1", "环评"), ("1", "节能审查"), ("2", "施工许可")]),
]


def test_list_filters(five):
    for args, expected in LIST_CASES:
        assert items(listing(five, *args)) == expected, args


def test_overdue_counts_working_days(five):
    # as of Tue 11-10: 环评 due 11-05 → 06, 09, 10 = 3; 节能审查 due 11-09 → 10 = 1;
    # 防雷 due 10-08 → 10-09, 10-10 (Sat make-up), 10-12 .. 10-16, 19–23, 26–30, 11-02 .. 11-06, 09, 10 = 24
    found = {r["item"]: r["overdue_workdays"] for r in listing(five, "--overdue", "--as-of", "2026-11-10")}
    assert found == {"环评": 3, "节能审查": 1, "防雷": 24}
    assert listing(five, "--overdue", "--as-of", "2026-11-10")[1]["alerts"] == ["逾期3个工作日"]


def test_list_text_and_bad_filters(five):
    out = five("procedure", "list", "--as-of", "2026-11-06").stdout
    assert "前期手续（5项，截至 2026-11-06）" in out and "逾期1个工作日" in out
    assert "--due-within" in five("procedure", "list", "--due-within", "-1", expect=2).stderr
    assert "未知牵头部门" in five("procedure", "list", "--department", "县水务局", expect=1).stderr


# -- catalog -----------------------------------------------------------------------------------

def test_builtin_catalog(led):
    catalog = {e["item"]: e for e in led.json("procedure", "catalog", "list")}
    for item in ("立项", "用地预审与选址", "用地规划许可", "环评", "节能审查", "水土保持", "工程规划许可",
                 "施工图审查", "施工许可", "文物", "消防", "人防", "防雷"):
        assert catalog[item]["source"] == "builtin"
        assert catalog[item]["note"]
    limits = {k: catalog[k]["default_limit_workdays"] for k in ("立项", "环评", "施工图审查", "施工许可", "消防", "防雷")}
    assert limits == {"立项": 20, "环评": 30, "施工图审查": 15, "施工许可": 7, "消防": 15, "防雷": 10}
    assert "环境影响评价" in catalog["环评"]["aliases"]


def test_catalog_add_and_override(led, db_path):
    led("procedure", "catalog", "add", "社会稳定风险评估", "--limit", "10", "--alias", "社稳评估")
    led("procedure", "catalog", "add", "环评", "--limit", "15", "--alias", "环境评价")
    catalog = {e["item"]: e for e in led.json("procedure", "catalog", "list")}
    assert catalog["社会稳定风险评估"] == {"item": "社会稳定风险评估", "default_limit_workdays": 10,
                                       "aliases": ["社稳评估"], "note": None, "source": "user"}
    assert catalog["环评"]["default_limit_workdays"] == 15 and catalog["环评"]["source"] == "user"
    assert "环境影响评价" in catalog["环评"]["aliases"] and "环境评价" in catalog["环评"]["aliases"]
    # 10 working days from 11-02: 3–6, 9–13, 16 → 11-16; 环评 15: … 20, 23 → 11-23
    assert add(led, A, "--item", "社稳评估", "--accepted", "2026-11-02")["due_on"] == "2026-11-16"
    assert add(led, A, "--item", "环境评价", "--accepted", "2026-11-02")["due_on"] == "2026-11-23"
    assert rows(db_path, "SELECT COUNT(*) FROM audit WHERE table_name = 'procedure_catalog'") == [(2,)]


CATALOG_ERRORS = [
    (["新事项"], 2, "需要用 --limit"),
    (["新事项", "--limit", "5", "--alias", "环境影响评价"], 1, "别名“环境影响评价”已属于手续事项“环评”"),
    (["新事项", "--limit", "-2"], 1, "不能为负数"),
]


def test_catalog_add_errors(led):
    for args, code, message in CATALOG_ERRORS:
        assert message in led("procedure", "catalog", "add", *args, expect=code).stderr
