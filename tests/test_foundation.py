"""Foundation: init/migrations, units and aliases, projects, plans, progress, audit, settings,
backup, doctor, transactions and the busy lock."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from projledger.errors import DataError
from projledger.store import Ledger

CODE = "2026-620821-47-01-012345"


def add_project(cli, **extra):
    args = ["project", "add", "--name", "年产5万吨有机肥加工项目", "--code", CODE, "--township", "城关",
            "--department", "发改局", "--owner", "某某农业科技有限公司", "--total-investment", "12000",
            "--nature", "新开工", "--planned-start", "2026-04-01", "--leader", "张三"]
    for key, value in extra.items():
        args += [f"--{key.replace('_', '-')}", value]
    return cli(*args)


def rows(db_path, sql, params=()):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


# -- init and migrations ------------------------------------------------------

def test_init_creates_file_with_wal_and_is_harmless_twice(cli, db_path):
    version_before = rows(db_path, "PRAGMA user_version")[0][0]
    assert version_before >= 2
    result = cli("init")
    assert "已存在" in result.stdout
    assert rows(db_path, "PRAGMA user_version")[0][0] == version_before
    assert rows(db_path, "PRAGMA journal_mode")[0][0] == "wal"
    names = [r[0] for r in rows(db_path, "SELECT name FROM _sqlite_migrations")]
    assert len(names) == len(set(names)) == version_before


def test_missing_database_is_a_data_error_not_a_new_file(tmp_path):
    from typer.testing import CliRunner
    from projledger.cli.main import app

    missing = tmp_path / "typo.db"
    result = CliRunner().invoke(app, ["--db", str(missing), "unit", "list"])
    assert result.exit_code == 1
    assert "不存在" in result.stderr and "projledger init" in result.stderr
    assert not missing.exists()


def test_db_location_from_environment(tmp_path, monkeypatch):
    from typer.testing import CliRunner
    from projledger.cli.main import app

    target = tmp_path / "env.db"
    monkeypatch.setenv("PROJLEDGER_DB", str(target))
    assert CliRunner().invoke(app, ["init"]).exit_code == 0
    assert target.exists()
    assert CliRunner().invoke(app, ["init"], env={"PROJLEDGER_DB": ""}).exit_code == 0
    assert (tmp_path / "projledger.db").exists()  # ./projledger.db (cwd is tmp_path)


# -- units --------------------------------------------------------------------

def test_unit_aliases_resolve_and_list_json(county):
    units = county.json("unit", "list")
    by_name = {u["name"]: u for u in units}
    assert by_name["县发改局"] == {"name": "县发改局", "kind": "department", "aliases": ["发改局", "县发展和改革局"]}
    add_project(county)
    project = county.json("project", "list")[0]
    assert project["township"] == "城关镇" and project["department"] == "县发改局"


def test_unknown_unit_suggests_closest(county):
    result = county("project", "add", "--name", "x", "--township", "城官镇", expect=1)
    assert "未知乡镇“城官镇”" in result.stderr
    assert "最接近的是：城关镇" in result.stderr


def test_unit_kind_mismatch_and_duplicate_alias(county):
    result = county("project", "add", "--name", "x", "--township", "发改局", expect=1)
    assert "不能作为乡镇/街道" in result.stderr
    result = county("unit", "add", "发改", "--kind", "department", "--alias", "发改局", expect=1)
    assert "已被单位“县发改局”使用" in result.stderr
    assert county("unit", "add", "x", "--kind", "village", expect=1)


def test_unit_import_csv_adds_and_completes_aliases(cli, tmp_path):
    csv_file = tmp_path / "units.csv"
    csv_file.write_text("name,kind,aliases\n城关镇,township,城关\n县发改局,department,发改局|县发展和改革局\n",
                        encoding="gb18030")
    assert "已添加 2 个单位" in cli("unit", "import", csv_file).stdout
    csv_file.write_text("name,kind,aliases\n城关镇,township,城关|城关镇人民政府\n", encoding="utf-8")
    assert "补充 1 个别名" in cli("unit", "import", csv_file).stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("name,kind,aliases\n甲镇,township,\n乙镇,village,\n", encoding="utf-8")
    result = cli("unit", "import", bad, expect=1)
    assert "第3行" in result.stderr and "甲镇" not in [u["name"] for u in cli.json("unit", "list")]


# -- projects, plans, progress --------------------------------------------------

def test_project_lifecycle_through_cli(county):
    add_project(county)
    county("project", "update", CODE, "--actual-start", "2026-04-15")
    county("plan", "set", CODE, "--year", "2026", "--investment", "5000", "--nature", "新开工")
    county("progress", "log", CODE, "--period", "2026-09", "--ytd", "2800.10")
    county("progress", "log", CODE, "--period", "2026-10", "--month", "400.20", "--status", "主体施工")
    listed = county.json("project", "list", "--year", "2026")
    assert listed == [{
        "code": CODE, "name": "年产5万吨有机肥加工项目", "township": "城关镇", "department": "县发改局",
        "owner": "某某农业科技有限公司", "stage": "新开工", "nature": "新开工", "industry": None,
        "total_investment": 12000, "planned_start": "2026-04-01", "actual_start": "2026-04-15",
        "leader": "张三", "level": None, "tags": [], "liaison": None, "completed_on": None,
        "planned_completion": None, "annual_plan": 5000, "ytd_completed": 3200.3,
    }]
    assert county.json("project", "list", "--year", "2025") == []
    shown = county.json("project", "show", "1")
    assert [p["period"] for p in shown["progress"]] == ["2026-09", "2026-10"]
    assert "主体施工" in county("project", "show", "年产5万吨有机肥加工项目").stdout


def test_money_is_exact_to_the_cent(county):
    add_project(county, total_investment="0.1")
    county("project", "add", "--name", "乙", "--township", "城关", "--total-investment", "0.2")
    county("plan", "set", "1", "--year", "2026", "--investment", "0.1")
    county("plan", "set", "2", "--year", "2026", "--investment", "0.2")
    stored = rows(county.db_path, "SELECT SUM(investment) FROM annual_plans")[0][0]
    assert stored == 30  # 0.30 万元 as integer hundredths, no binary drift
    totals = [p["total_investment"] for p in county.json("project", "list")]
    assert totals == [0.1, 0.2]


@pytest.mark.parametrize("code", ["2026-62082-47-01-012345", "26-620821-47-01-012345", "abc"])
def test_project_code_shape_is_checked(county, code):
    result = county("project", "add", "--name", "x", "--code", code, expect=1)
    assert "格式不对" in result.stderr


def test_project_code_is_unique(county):
    add_project(county)
    result = county("project", "add", "--name", "另一个", "--code", CODE, expect=1)
    assert "已被项目“年产5万吨有机肥加工项目”" in result.stderr


def test_bad_values_are_usage_or_data_errors(county):
    add_project(county)
    assert "格式不对" in county("project", "update", CODE, "--actual-start", "2026/4/15", expect=2).stderr
    assert "不存在" in county("project", "update", CODE, "--actual-start", "2026-02-30", expect=2).stderr
    assert "不是数字" in county("plan", "set", CODE, "--year", "2026", "--investment", "五千", expect=2).stderr
    assert "不能为负数" in county("progress", "log", CODE, "--period", "2026-10", "--ytd", "-1", expect=1).stderr
    assert "找不到项目" in county("project", "show", "999", expect=1).stderr
    assert "YYYY-MM" in county("progress", "log", CODE, "--period", "2026-13", "--ytd", "1", expect=2).stderr


# -- audit trail ------------------------------------------------------------------

def test_every_change_is_audited_with_before_and_after(county):
    add_project(county)
    county("project", "update", CODE, "--actual-start", "2026-04-15", "--leader", "李四")
    county("project", "update", CODE, "--leader", "李四")  # no change: no audit row
    county("plan", "set", CODE, "--year", "2026", "--investment", "5000")
    county("plan", "set", CODE, "--year", "2026", "--investment", "5500")
    history = county.json("history", CODE)["changes"]
    assert [(h["table"], h["action"]) for h in history] == [
        ("projects", "insert"), ("projects", "update"),
        ("annual_plans", "insert"), ("stage_transitions", "insert"), ("annual_plans", "update")]
    update = history[1]
    assert {k: v for k, v in update["before"].items() if k != "updated_at"} == {"actual_start": None, "leader": "张三"}
    assert update["after"]["actual_start"] == "2026-04-15" and update["after"]["leader"] == "李四"
    assert update["command"].startswith("projledger") and "--actual-start" in update["command"]
    assert history[3]["after"]["event"] == "plan_adopt"  # 列入年度计划 is a lifecycle transition
    assert history[4]["before"] == {"investment": 500000} and history[4]["after"] == {"investment": 550000}


def test_actor_from_by_option(county):
    county("--by", "王科长", "unit", "add", "北塬乡", "--kind", "township")
    actors = rows(county.db_path, "SELECT actor, action, table_name FROM audit WHERE table_name='units' ORDER BY id DESC LIMIT 1")
    assert actors == [("王科长", "insert", "units")]


def test_deletes_are_audited(county):
    county("unit", "alias", "城关镇", "城关镇人民政府")
    county("unit", "alias", "城关镇", "城关镇人民政府", "--remove")
    county("config", "set", "county_name", "泾川县")
    county("config", "unset", "county_name")
    actions = rows(county.db_path, "SELECT table_name, action FROM audit WHERE action='delete' ORDER BY id")
    assert actions == [("unit_aliases", "delete"), ("settings", "delete")]


# -- settings -------------------------------------------------------------------------

def test_config_set_validates_and_show_lists(cli):
    cli("config", "set", "scoring.weights.invest", "0.6")
    cli("config", "set", "county_name", "泾川县")
    shown = cli.json("config", "show")
    assert shown["scoring.weights.invest"] == 0.6 and shown["county_name"] == "泾川县"
    assert shown["problem_default_workdays"] == 10
    assert "必须是数字" in cli("config", "set", "scoring.weights.invest", "abc", expect=1).stderr
    assert "不能小于0" in cli("config", "set", "--", "scoring.weights.start", "-1", expect=1).stderr
    assert "scoring.weights.invest" in cli("config", "set", "scoring.weight.invest", "1", expect=1).stderr
    cli("config", "set", "cards.invest_red_ratio", "0.9", expect=1)
    assert cli.json("config", "show")["cards.invest_red_ratio"] == 0.5


def test_settings_schema_file_is_current():
    from projledger.settings import settings_schema

    checked_in = json.loads((Path(__file__).parents[1] / "schemas" / "settings.schema.json").read_text("utf-8"))
    assert checked_in == settings_schema(), "run: python -m projledger.settings > schemas/settings.schema.json"


# -- transactions, busy lock, backup, doctor ----------------------------------------------

def test_exception_inside_a_write_leaves_nothing(cli, db_path):
    ledger = Ledger.open(db_path)
    from projledger.units import Units

    with pytest.raises(DataError):
        with ledger.transaction() as writer:
            Units(ledger.db).add(writer, "甲镇", "township")
            Units(ledger.db).add(writer, "甲镇", "township")  # duplicate: raises mid-transaction
    ledger.close()
    assert rows(db_path, "SELECT COUNT(*) FROM units")[0][0] == 0
    assert rows(db_path, "SELECT COUNT(*) FROM audit")[0][0] == 0


def test_write_waits_then_exits_75_when_another_process_holds_the_lock(cli, db_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sqlite3, sys, time
            conn = sqlite3.connect({str(db_path)!r}, isolation_level=None)
            conn.execute("BEGIN IMMEDIATE")
            print("locked", flush=True)
            time.sleep(6)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = cli("unit", "add", "甲镇", "--kind", "township", expect=75,
                     env={"PROJLEDGER_BUSY_TIMEOUT": "0.5"})
        assert "另一个 projledger 进程" in result.stderr and "未写入" in result.stderr
        # reads still work while the writer holds its lock (WAL)
        assert cli.json("unit", "list") == []
    finally:
        holder.kill()
        holder.wait()
    assert rows(db_path, "SELECT COUNT(*) FROM units")[0][0] == 0


def test_backup_is_a_consistent_checked_copy(county, tmp_path):
    add_project(county)
    dest = tmp_path / "projledger-2026-11-21.db"
    assert "完整性检查通过" in county("backup", dest).stdout
    conn = sqlite3.connect(dest)
    assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT name FROM projects").fetchall() == [("年产5万吨有机肥加工项目",)]
    conn.close()
    assert "已存在" in county("backup", dest, expect=1).stderr
    county("backup", dest, "--force")
    assert "不存在" in county("backup", tmp_path / "nodir" / "x.db", expect=1).stderr


def test_doctor_reports_integrity_and_schema(cli):
    report = cli.json("doctor")
    assert report["quick_check"] == ["ok"]
    assert report["schema_version"] == report["user_version"] >= 2
    assert report["pending_migrations"] == [] and report["journal_mode"] == "wal" and report["foreign_keys"]
    assert report["calendar"]["official_years"][0] == 2004
    assert "完整性检查：正常" in cli("doctor").stdout


def test_evaluation_thresholds_come_from_settings(county):
    county("config", "set", "evaluation.key_output_per_mu", "100")
    assert county.json("config", "show")["evaluation.key_output_per_mu"] == 100
    result = county("config", "set", "evaluation.priority_output_per_mu", "50", expect=1)
    assert "优先扶持的标准不能比重点扶持宽" in result.stderr


def test_m002_moves_an_m001_audit_trail_into_change_sets(tmp_path):
    """A ledger made before change sets keeps its history through the migration."""
    from projledger.store.db import connect
    from projledger.store.migrations import core

    path = tmp_path / "old.db"
    db = connect(path, create=True)
    core.migrations.apply(db, stop_before="m002_audit_change_sets")
    db.execute("INSERT INTO units (id, name, name_key, kind, created_at) VALUES (1, '城关镇', '城关镇', 'township', 'x')")
    db.execute("INSERT INTO projects (id, name, name_key, township_id, stage, created_at, updated_at)"
               " VALUES (1, '甲', '甲', 1, '谋划', 'x', 'x')")
    for n, command in enumerate(["projledger project add --name 甲", "projledger project update 1 --leader 张三",
                                 "projledger project update 1 --leader 张三"], start=1):
        db.execute("INSERT INTO audit (at, actor, command, table_name, row_key, project_id, action, before, after)"
                   " VALUES (?, '王科长', ?, 'projects', 'id=1', 1, ?, NULL, '{}')",
                   [f"2026-11-0{n}T09:00:00+08:00", command, "insert" if n == 1 else "update"])
    db.close()
    ledger = Ledger.open(path)
    history = audit_rows_of(ledger, 1)
    ledger.close()
    assert [(h["at"][:10], h["actor"], h["command"]) for h in history] == [
        ("2026-11-01", "王科长", "projledger project add --name 甲"),
        ("2026-11-02", "王科长", "projledger project update 1 --leader 张三"),
        ("2026-11-03", "王科长", "projledger project update 1 --leader 张三")]
    assert rows(path, "SELECT COUNT(*) FROM audit_commands")[0][0] == 3


def audit_rows_of(ledger, project_id):
    from projledger.store import audit_rows

    return audit_rows(ledger.db, project_id)


def test_doctor_counts_provisional_deadlines_and_those_now_confirmable(county, db_path):
    county("project", "add", "--name", "甲", "--township", "城关", "--department", "发改局")
    county("problem", "add", "甲", "--text", "用地指标未落实", "--reported", "2026-12-28", "--limit", "10")
    report = county.json("doctor")["calendar"]
    assert report["provisional_deadlines"] >= 1 and report["confirmable_deadlines"] == 0
    conn = sqlite3.connect(db_path)  # as if a newer chinese-calendar now covered the year
    conn.execute("UPDATE problems SET due_on = '2026-12-31'")
    conn.commit()
    conn.close()
    assert county.json("doctor")["calendar"]["confirmable_deadlines"] >= 1
    assert "calendar refresh" in county("doctor").stdout


def test_doctor_counts_decided_items_provisional_deadlines(county):
    county("meeting", "add", "--kind", "月调度会", "--on", "2026-12-28")
    before = county.json("doctor")["calendar"]["provisional_deadlines"]
    county("meeting", "item", "add", "1", "--text", "协调管网穿越国道手续", "--lead", "交通局", "--workdays", "10")
    # 10 working days after 28 December fall in 2027, a year with no official calendar yet: its 完成时限
    # is provisional (its 解决意见 deadline, 3 working days later, is 31 December 2026: official).
    assert county.json("doctor")["calendar"]["provisional_deadlines"] == before + 1
