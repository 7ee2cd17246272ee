"""City roll-up (SPEC §14): ``rollup``, ``report counties``, and a roll-up refusing writes.

Two small counties are built through the real commands; their figures are worked out by hand
in the docstrings and compared with what the roll-up reports.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ledger_cli import Cli

PERIOD = "2026-10"


def _county(path: Path, name: str, build) -> Cli:
    runner = Cli(path)
    runner("init")
    runner("config", "set", "county_name", name)
    runner("unit", "add", "城关镇", "--kind", "township")
    runner("unit", "add", "县发改局", "--kind", "department")
    build(runner)
    return runner


def _project(cli: Cli, code: str, name: str, nature: str, plan: str, ytd: str | None, *,
             planned_start: str | None = None, actual_start: str | None = None, total: str = "10000"):
    args = ["project", "add", "--name", name, "--code", code, "--township", "城关镇",
            "--department", "县发改局", "--nature", nature, "--total-investment", total]
    if planned_start:
        args += ["--planned-start", planned_start]
    if actual_start:
        args += ["--actual-start", actual_start]
    cli(*args)
    cli("plan", "set", code, "--year", "2026", "--investment", plan)
    if ytd is not None:
        cli("progress", "log", code, "--period", PERIOD, "--ytd", ytd)


def build_jingchuan(cli: Cli) -> None:
    """泾川县: start 1/1 = 1; invest (800 + 1500) / 4000 = 0.575; problems 1 closed of 2 = 0.5.
    Score = 100 × (0.3 × 1 + 0.5 × 0.575 + 0.2 × 0.5) = 68.75."""
    _project(cli, "2026-620821-47-01-000001", "有机肥加工", "新开工", "1000", "800",
             planned_start="2026-03-01", actual_start="2026-04-01", total="12000")
    _project(cli, "2026-620821-47-01-000002", "城区供水管网", "续建", "3000", "1500", total="8000")
    first = cli.json("problem", "add", "2026-620821-47-01-000001", "--text", "用地指标未落实",
                     "--reported", "2026-05-10")
    cli("problem", "close", str(first["id"]), "--on", "2026-06-01")
    cli("problem", "add", "2026-620821-47-01-000002", "--text", "管网穿越国道手续", "--reported", "2026-09-01")


def build_lingtai(cli: Cli) -> None:
    """灵台县: start 0/1 = 0; invest 2200 / 2000 = 1.1 (capped at 1 for the score); no problems.
    Score = 100 × (0.3 × 0 + 0.5 × 1) / 0.8 = 62.50."""
    _project(cli, "2026-620822-47-01-000003", "物流园", "新开工", "2000", "2200",
             planned_start="2026-05-01", total="30000")


@pytest.fixture
def counties(tmp_path):
    a = _county(tmp_path / "泾川县.db", "泾川县", build_jingchuan)
    b = _county(tmp_path / "灵台县.db", "灵台县", build_lingtai)
    city = Cli(tmp_path / "市汇总.db")
    return a, b, city


def _rollup(city: Cli, *files: Path):
    return city("rollup", "--out", city.db_path, *files, expect=None)


def test_county_ranking_by_hand(counties):
    a, b, city = counties
    result = _rollup(city, a.db_path, b.db_path)
    assert result.exit_code == 0, result.stderr
    report = city.json("report", "counties", "--period", PERIOD)
    rows = report["rankings"]["county"]
    assert [(r["rank"], r["unit"], r["score"]) for r in rows] == [(1, "泾川县", 68.75), (2, "灵台县", 62.5)]
    jing = rows[0]
    assert (jing["start_due"], jing["started"], jing["annual_plan"], jing["ytd_completed"]) == (1, 1, 4000, 2300)
    assert (jing["problems"], jing["problems_closed"], jing["resolve_rate"]) == (2, 1, 0.5)
    assert rows[1]["invest_rate"] == 1.1 and rows[1]["resolve_rate"] is None
    brief = report["brief"]
    # 全市: 3 plan projects, total 12000 + 8000 + 30000 = 50000 万元 = 5.00 亿元; plan 6000; ytd 4500 = 75.0%;
    # 序时进度 10/12 = 83.3% → 低于 8.3 个百分点.
    assert (brief["projects"], brief["annual_plan"], brief["ytd_completed"]) == (3, 6000, 4500)
    assert brief["invest_share_percent"] == 75.0 and brief["gap_points"] == -8.3
    assert "总投资5.00亿元" in brief["text"] and "低于序时进度8.3个百分点" in brief["text"]
    assert "综合排名前三位的是泾川县、灵台县" in brief["text"]
    assert Path(report["file"]).is_file()


def test_per_county_figures_equal_each_countys_own_report(counties):
    """Each county's row in the city ranking sums exactly what its own township ranking shows."""
    a, b, city = counties
    assert _rollup(city, a.db_path, b.db_path).exit_code == 0
    county_rows = {r["unit"]: r for r in city.json("report", "counties", "--period", PERIOD, "--no-save")
                   ["rankings"]["county"]}
    for name, own in (("泾川县", a), ("灵台县", b)):
        townships = own.json("report", "monthly", "--period", PERIOD, "--no-save")["rankings"]["township"]
        for key in ("projects", "start_due", "started", "annual_plan", "ytd_completed", "problems", "problems_closed"):
            assert county_rows[name][key] == sum(t[key] for t in townships), (name, key)


def test_rollup_keeps_each_county_apart_and_refuses_writes(counties):
    a, b, city = counties
    assert _rollup(city, a.db_path, b.db_path).exit_code == 0
    projects = city.json("project", "list")
    assert sorted((p["code"], p["township"]) for p in projects) == [
        ("2026-620821-47-01-000001", "泾川县·城关镇"), ("2026-620821-47-01-000002", "泾川县·城关镇"),
        ("2026-620822-47-01-000003", "灵台县·城关镇")]
    refused = city("unit", "add", "新乡", "--kind", "township", expect=1)
    assert "市级汇总库" in refused.stderr and "只能查看" in refused.stderr
    refused = city("problem", "add", "2026-620822-47-01-000003", "--text", "x", expect=1)
    assert "市级汇总库" in refused.stderr
    # a report that saves its ranking is a write: the message says how to get the report anyway
    refused = city("report", "monthly", "--period", PERIOD, "--out", "m.xlsx", expect=1)
    assert "report counties" in refused.stderr and "--no-save" in refused.stderr
    city("report", "monthly", "--period", PERIOD, "--out", "m.xlsx", "--no-save")


def test_refreshing_one_county_changes_only_that_county(counties):
    a, b, city = counties
    assert _rollup(city, a.db_path, b.db_path).exit_code == 0
    before = {r["unit"]: r for r in city.json("report", "counties", "--period", PERIOD, "--no-save")
              ["rankings"]["county"]}
    b("progress", "log", "2026-620822-47-01-000003", "--period", "2026-11", "--ytd", "2400")
    b("project", "update", "2026-620822-47-01-000003", "--actual-start", "2026-06-01")
    refreshed = city.json("rollup", "--out", city.db_path, b.db_path)
    assert [c["status"] for c in refreshed["counties"]] == ["refreshed"]
    after = {r["unit"]: r for r in city.json("report", "counties", "--period", "2026-11", "--no-save")
             ["rankings"]["county"]}
    assert after["灵台县"]["ytd_completed"] == 2400 and after["灵台县"]["started"] == 1
    assert after["泾川县"]["ytd_completed"] == before["泾川县"]["ytd_completed"] == 2300
    assert len(city.json("project", "list")) == 3


def test_refusals(counties, tmp_path):
    a, b, city = counties
    copy = tmp_path / "copy.db"
    copy.write_bytes(a.db_path.read_bytes())
    result = _rollup(city, a.db_path, copy)
    assert result.exit_code == 1 and "县名都是“泾川县”" in result.stderr
    assert not city.db_path.exists() or city.db_path.stat().st_size == 0 or "泾川县" not in result.stdout

    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    before = foreign.read_bytes()
    result = _rollup(city, a.db_path, foreign)
    assert result.exit_code == 1 and "不是 projledger 台账" in result.stderr
    assert foreign.read_bytes() == before

    result = city("rollup", "--out", a.db_path, b.db_path, expect=1)
    assert "是一个县的台账" in result.stderr

    with sqlite3.connect(b.db_path) as conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                     "VALUES ('projledger.core', 'm999_future', '2030-01-01')")
    result = _rollup(city, a.db_path, b.db_path)
    assert result.exit_code == 1 and "比本程序新" in result.stderr and "灵台县.db" in result.stderr

    result = city("rollup", "--out", a.db_path, a.db_path, expect=1)
    assert "就是要汇总的县台账之一" in result.stderr

    result = _rollup(city, a.db_path, a.db_path)
    assert result.exit_code == 1 and "泾川县.db”给了两次" in result.stderr

    assert _rollup(city, a.db_path).exit_code == 0
    result = city("report", "counties", "--period", "2999-10", "--out", tmp_path / "future.xlsx", expect=2)
    assert "期间 2999-10 还没有开始" in result.stderr and not (tmp_path / "future.xlsx").exists()



def test_every_table_is_copied_or_excluded(cli):
    """A new table must be placed: copied with its ids renumbered, or excluded with a reason."""
    from projledger.rollup import EXCLUDED, copy_plan

    with sqlite3.connect(cli.db_path) as conn:
        plans = {p.table: p for p in copy_plan(conn)}
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in tables:
        assert table in plans or table in EXCLUDED or table.startswith("sqlite_"), table
    assert "projects" in plans and "problems" in plans and "meeting_items" in plans
    assert set(plans["projects"].renumbered) >= {"id", "township_id", "department_id"}


_KILL_SCRIPT = """
import sys, time
import projledger.rollup as r
original = r.TablePlan.select_sql
def slow(self, schema):
    time.sleep(0.4)
    return original(self, schema)
r.TablePlan.select_sql = slow
from projledger.cli.main import run
sys.argv = ["projledger", "rollup", "--out", sys.argv[1], *sys.argv[2:]]
run()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killed_rollup_leaves_the_previous_rollup_intact(counties, tmp_path):
    a, b, city = counties
    assert _rollup(city, a.db_path, b.db_path).exit_code == 0
    before = city.json("report", "counties", "--period", PERIOD, "--no-save")["rankings"]["county"]
    b("progress", "log", "2026-620822-47-01-000003", "--period", PERIOD, "--ytd", "100")
    script = tmp_path / "slow_rollup.py"
    script.write_text(_KILL_SCRIPT)
    child = subprocess.Popen([sys.executable, str(script), str(city.db_path), str(a.db_path), str(b.db_path)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(3.0)  # inside the refresh of one of the counties (each table waits 0.4 s)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with sqlite3.connect(city.db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    after = city.json("report", "counties", "--period", PERIOD, "--no-save")["rankings"]["county"]
    by_name = {r["unit"]: r for r in after}
    # 灵台县 is either wholly as before (2200) or wholly refreshed (100): never half, never missing.
    assert by_name["灵台县"]["ytd_completed"] in (2200, 100)
    assert by_name["泾川县"] == {r["unit"]: r for r in before}["泾川县"]
    assert len(city.json("project", "list")) == 3


def test_county_filter_on_list_warn_and_export(counties, tmp_path):
    a, b, city = counties
    assert _rollup(city, a.db_path, b.db_path).exit_code == 0
    assert [p["code"] for p in city.json("project", "list", "--county", "灵台县")] == ["2026-620822-47-01-000003"]
    cards = city.json("warn", "--county", "泾川县", "--as-of", "2026-12-31")
    assert cards["cards"] and {c["project_code"] for c in cards["cards"]} <= {
        "2026-620821-47-01-000001", "2026-620821-47-01-000002"}
    out = tmp_path / "灵台县项目.csv"
    city("export", "projects", "--out", out, "--county", "灵台县")
    text = out.read_text(encoding="utf-8-sig")
    assert "物流园" in text and "有机肥加工" not in text
    missing = city("project", "list", "--county", "泾川", expect=1)
    assert "汇总库中没有县区“泾川”" in missing.stderr and "泾川县" in missing.stderr
    own = a("project", "list", "--county", "泾川县", expect=1)
    assert "只能用于市级汇总库" in own.stderr


def _one_project_county(path: Path, name: str, code: str, ytd_by_month: dict[str, str]) -> Cli:
    def build(cli: Cli) -> None:
        _project(cli, code, "项目", "续建", "1000", None)
        for month, ytd in ytd_by_month.items():
            cli("progress", "log", code, "--period", month, "--ytd", ytd)
    return _county(path, name, build)


def test_county_streaks_by_hand(tmp_path):
    """Four counties, one 续建 project each (plan 1000), no problems: the score is 50 × the
    investment rate, so the order is the year-to-date's.  Bottom three (ranks 2-4 of 4):
      2026-08: 甲 900 > 乙 500 > 丙 400 > 丁 300  → 乙 丙 丁
      2026-09: 乙 960 > 甲 950 > 丙 400 > 丁 300  → 甲 丙 丁
      2026-10: 甲 990 > 乙 600 > 丙 400 > 丁 300  → 乙 丙 丁
    July has no progress anywhere (never ranked): streaks at 2026-10 are 乙 1, 丙 3, 丁 3, 甲 0.
    With 2026-09 saved by its own report the streaks are the same."""
    months = ("2026-08", "2026-09", "2026-10")
    figures = {"甲县": ("900", "950", "990"), "乙县": ("500", "960", "600"),
               "丙县": ("400", "400", "400"), "丁县": ("300", "300", "300")}
    files = [_one_project_county(tmp_path / f"{name}.db", name, f"2026-62082{n}-47-01-00000{n}",
                                 dict(zip(months, ytd))).db_path
             for n, (name, ytd) in enumerate(figures.items(), start=1)]
    city = Cli(tmp_path / "市汇总.db")
    assert _rollup(city, *files).exit_code == 0
    expected = [("甲县", 1, False, 0), ("乙县", 2, True, 1), ("丙县", 3, True, 3), ("丁县", 4, True, 3)]
    rows = city.json("report", "counties", "--period", PERIOD, "--no-save")["rankings"]["county"]
    assert [(r["unit"], r["rank"], r["bottom3"], r["bottom3_streak"]) for r in rows] == expected
    september = city.json("report", "counties", "--period", "2026-09")["rankings"]["county"]
    assert [(r["unit"], r["bottom3_streak"]) for r in september] == [("乙县", 0), ("甲县", 1), ("丙县", 2), ("丁县", 2)]
    rows = city.json("report", "counties", "--period", PERIOD, "--no-save")["rankings"]["county"]
    assert [(r["unit"], r["rank"], r["bottom3"], r["bottom3_streak"]) for r in rows] == expected


def test_one_project_code_in_two_counties_is_refused_before_any_write(counties, tmp_path):
    """Project codes are national: two counties reporting one code (e.g. two copies of the demo
    with different county names) are refused by name, and no county is rolled up."""
    a, b, city = counties
    twin = _county(tmp_path / "崇信县.db", "崇信县", build_jingchuan)
    result = _rollup(city, b.db_path, a.db_path, twin.db_path)
    assert result.exit_code == 1
    assert "项目代码 2026-620821-47-01-000001、2026-620821-47-01-000002 在泾川县的台账中也有" in result.stderr
    assert "崇信县.db" in result.stderr and "这次没有汇总任何县" in result.stderr
    assert "UNIQUE" not in result.stderr and "Traceback" not in result.stderr
    if city.db_path.exists():
        with sqlite3.connect(city.db_path) as conn:
            assert conn.execute("SELECT COUNT(*) FROM rollup_counties").fetchone()[0] == 0
    # against a roll-up that already holds 泾川县: refused, 泾川县 and 灵台县 kept as they were
    assert _rollup(city, a.db_path, b.db_path).exit_code == 0
    result = _rollup(city, twin.db_path)
    assert result.exit_code == 1 and "在泾川县的台账中也有" in result.stderr
    assert sorted(r["unit"] for r in city.json("report", "counties", "--period", PERIOD, "--no-save")
                  ["rankings"]["county"]) == ["泾川县", "灵台县"]
    # refreshing 泾川县 itself is not a clash with its own codes
    assert _rollup(city, a.db_path).exit_code == 0


def test_two_demo_counties_roll_up_to_their_own_figures(tmp_path):
    """The demo county twice, as 泾川县 and as 灵台县 (its project codes moved to 灵台县's division
    620822, as the real county's would be): each county's row equals its own township ranking."""
    demo = Cli(tmp_path / "unused.db")
    demo("demo", "--out", tmp_path / "demo")
    first, second = tmp_path / "泾川县.db", tmp_path / "灵台县.db"
    import shutil

    for target in (first, second):
        shutil.copyfile(tmp_path / "demo" / "projledger.db", target)
    jing, ling = Cli(first), Cli(second)
    jing("config", "set", "county_name", "泾川县")
    ling("config", "set", "county_name", "灵台县")
    refused = Cli(tmp_path / "市.db")("rollup", "--out", tmp_path / "市.db", first, second, expect=1)
    assert "灵台县" in refused.stderr and "泾川县" in refused.stderr  # the same codes in two counties
    for project in ling.json("project", "list"):
        if project["code"]:
            ling("project", "update", project["code"], "--code", project["code"].replace("-620821-", "-620822-"))
    city = Cli(tmp_path / "市.db")
    city("rollup", "--out", city.db_path, first, second)
    rows = {r["unit"]: r for r in city.json("report", "counties", "--period", "2026-10", "--no-save")
            ["rankings"]["county"]}
    assert set(rows) == {"泾川县", "灵台县"}
    for name, own in (("泾川县", jing), ("灵台县", ling)):
        townships = own.json("report", "monthly", "--period", "2026-10", "--no-save")["rankings"]["township"]
        for key in ("projects", "start_due", "started", "annual_plan", "ytd_completed", "problems", "problems_closed"):
            assert rows[name][key] == pytest.approx(sum(t[key] for t in townships)), (name, key)
    assert rows["泾川县"]["score"] == rows["灵台县"]["score"]  # the same county twice scores the same
