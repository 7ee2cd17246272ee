"""The monthly ranking from the ledger (SPEC §5), checked against a hand calculation.

The county below is built through the CLI.  Year 2025, default weights start 0.3, invest
0.5, resolve 0.2.  Every expectation is worked out by hand in the comments.

Townships 甲镇 乙镇 丙镇 丁镇 戊镇; departments 县发改局 县交通局 县水务局.

=====  ======  ======  ======  =====================================  ====
proj   town    dept    nature  planned / actual start                 plan
=====  ======  ======  ======  =====================================  ====
P1     甲镇    发改局  新开工  planned 2025-02-10, started 2025-02-20  1000
P2     甲镇    交通局  续建                                            500
P3     乙镇    发改局  新开工  planned 2025-03-15, not started          800
P4     丙镇    交通局  续建                                            2000
P5     丁镇    水务局  前期                                            0
P6     戊镇    水务局  续建                                            300
P7     丁镇    交通局  新开工  planned 2025-05-01, started 2025-03-01   400
=====  ======  ======  ======  =====================================  ====

Year-to-date: 2025-01 P2 50, P4 100; 2025-02 P1 100, P4 300, P6 30;
2025-03 P1 250, P2 200, P3 80, P6 90, P7 40; nothing in 2025-04.

Problems (lead unit): Q1 P1 发改局 reported 01-15 closed 02-10; Q2 P3 发改局 02-20 open;
Q3 P4 交通局 03-05 closed 04-02; Q4 P6 水务局 03-31 closed 03-31; Q5 P2 交通局 2024-12-20
open (last year: never counts); Q6 P6 发改局 04-03 open.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

TOWNS = ("甲镇", "乙镇", "丙镇", "丁镇", "戊镇")
DEPTS = ("县发改局", "县交通局", "县水务局")


def build_county(cli):
    for town in TOWNS:
        cli("unit", "add", town, "--kind", "township")
    for dept in DEPTS:
        cli("unit", "add", dept, "--kind", "department")
    projects = [
        ("P1", "甲镇", "县发改局", "新开工", "2025-02-10", "2025-02-20", "1000"),
        ("P2", "甲镇", "县交通局", "续建", None, None, "500"),
        ("P3", "乙镇", "县发改局", "新开工", "2025-03-15", None, "800"),
        ("P4", "丙镇", "县交通局", "续建", None, None, "2000"),
        ("P5", "丁镇", "县水务局", "前期", None, None, "0"),
        ("P6", "戊镇", "县水务局", "续建", None, None, "300"),
        ("P7", "丁镇", "县交通局", "新开工", "2025-05-01", "2025-03-01", "400"),
    ]
    for name, town, dept, nature, planned, actual, plan in projects:
        args = ["project", "add", "--name", name, "--township", town, "--department", dept,
                "--nature", nature]
        if planned:
            args += ["--planned-start", planned]
        if actual:
            args += ["--actual-start", actual]
        cli(*args)
        cli("plan", "set", name, "--year", "2025", "--investment", plan)
    progress = {"2025-01": {"P2": 50, "P4": 100},
                "2025-02": {"P1": 100, "P4": 300, "P6": 30},
                "2025-03": {"P1": 250, "P2": 200, "P3": 80, "P6": 90, "P7": 40}}
    for period, values in progress.items():
        for name, ytd in values.items():
            cli("progress", "log", name, "--period", period, "--ytd", str(ytd))
    problems = [("P1", "县发改局", "2025-01-15", "2025-02-10"), ("P3", "县发改局", "2025-02-20", None),
                ("P4", "县交通局", "2025-03-05", "2025-04-02"), ("P6", "县水务局", "2025-03-31", "2025-03-31"),
                ("P2", "县交通局", "2024-12-20", None), ("P6", "县发改局", "2025-04-03", None)]
    for number, (name, lead, reported, closed) in enumerate(problems, start=1):
        cli("problem", "add", name, "--text", f"问题Q{number}", "--lead", lead, "--reported", reported)
        if closed:
            cli("problem", "close", str(number), "--on", closed)


@pytest.fixture(scope="module")
def county_file(built_ledger):
    """The county built once (about fifty CLI calls); each test gets its own copy."""
    return built_ledger("county", build_county)


@pytest.fixture
def ranked(use_ledger, county_file):
    return use_ledger(county_file)


def report(cli, period, *extra):
    return json.loads(cli("report", "monthly", "--period", period, "--json", *extra).stdout)


def rows_of(data, kind="township"):
    return {row["unit"]: row for row in data["rankings"][kind]}


def order(data, kind="township"):
    return [row["unit"] for row in data["rankings"][kind]]


def test_march_townships_by_hand(ranked):
    data = report(ranked, "2025-03", "--no-save")
    assert data["period"] == "2025-03"
    assert data["as_of"] == "2025-03-31"
    # the keys of SPEC §5 first, in this order (later features add theirs after them)
    assert list(data)[:5] == ["period", "as_of", "rankings", "file", "saved"]
    # 甲镇 start 1/1, invest (250+200)/1500 = 0.3, resolve 1/1 (Q5 is last year's):
    #   100 × (0.3 + 0.5×0.3 + 0.2) = 65.00
    # 戊镇 start null, invest 90/300 = 0.3, resolve Q4 1/1 (Q6 is April's): 100 × 0.35/0.7 = 50.00
    # 丙镇 start null, invest 300/2000 = 0.15 (February's figure carried), resolve Q3 0/1
    #   (closed 04-02, after the end of March): 100 × 0.075/0.7 = 10.714… → 10.71
    # 丁镇 P7 not due (planned May; its early start does not count), P5 plan 0 left out of
    #   invest: 40/400 = 0.1, no problems: 100 × 0.05/0.5 = 10.00
    # 乙镇 start 0/1, invest 80/800 = 0.1, resolve Q2 0/1: 100 × 0.05 = 5.00
    expected = {
        "甲镇": dict(rank=1, projects=2, start_due=1, started=1, start_rate=1.0, annual_plan=1500,
                   ytd_completed=450, invest_rate=0.3, problems=1, problems_closed=1,
                   resolve_rate=1.0, score=65.0, bottom3=False, bottom3_streak=0, rank_change=0),
        "戊镇": dict(rank=2, projects=1, start_due=0, started=0, start_rate=None, annual_plan=300,
                   ytd_completed=90, invest_rate=0.3, problems=1, problems_closed=1,
                   resolve_rate=1.0, score=50.0, bottom3=False, bottom3_streak=0, rank_change=1),
        "丙镇": dict(rank=3, projects=1, start_due=0, started=0, start_rate=None, annual_plan=2000,
                   ytd_completed=300, invest_rate=0.15, problems=1, problems_closed=0,
                   resolve_rate=0.0, score=10.71, bottom3=True, bottom3_streak=1, rank_change=-1),
        "丁镇": dict(rank=4, projects=2, start_due=0, started=0, start_rate=None, annual_plan=400,
                   ytd_completed=40, invest_rate=0.1, problems=0, problems_closed=0,
                   resolve_rate=None, score=10.0, bottom3=True, bottom3_streak=3, rank_change=0),
        "乙镇": dict(rank=5, projects=1, start_due=1, started=0, start_rate=0.0, annual_plan=800,
                   ytd_completed=80, invest_rate=0.1, problems=1, problems_closed=0,
                   resolve_rate=0.0, score=5.0, bottom3=True, bottom3_streak=3, rank_change=0),
    }
    assert order(data) == ["甲镇", "戊镇", "丙镇", "丁镇", "乙镇"]
    for unit, row in rows_of(data).items():
        # ("reported": whether the township sent its sheet — tested with submissions)
        assert {k: v for k, v in row.items() if k != "reported"} == {"unit": unit, **expected[unit]}, unit
    keys = ["rank", "unit", "projects", "start_due", "started", "start_rate", "annual_plan",
            "ytd_completed", "invest_rate", "problems", "problems_closed", "resolve_rate", "score",
            "bottom3", "bottom3_streak"]
    assert list(data["rankings"]["township"][0])[:len(keys)] == keys


def test_march_departments_by_hand(ranked):
    data = report(ranked, "2025-03", "--no-save")
    rows = rows_of(data, "department")
    # 水务局 P5 (plan 0) + P6: invest 90/300 = 0.3, Q4 1/1: 100 × 0.35/0.7 = 50.00
    # 发改局 P1 + P3: start 1/2, invest 330/1800 = 0.18333…, Q1 closed + Q2 open = 1/2:
    #   100 × (0.15 + 0.0916666… + 0.1) = 34.1666… → 34.17
    # 交通局 P2 + P4 + P7: no start due, invest 540/2900 = 0.186206…, Q3 0/1 (Q5 last year):
    #   100 × 0.0931034…/0.7 = 13.3004… → 13.30
    assert order(data, "department") == ["县水务局", "县发改局", "县交通局"]
    assert [rows[u]["score"] for u in order(data, "department")] == [50.0, 34.17, 13.3]
    assert rows["县发改局"]["invest_rate"] == 0.1833
    assert rows["县交通局"]["invest_rate"] == 0.1862
    assert rows["县发改局"]["start_rate"] == 0.5 and rows["县发改局"]["resolve_rate"] == 0.5
    assert (rows["县交通局"]["problems"], rows["县交通局"]["problems_closed"]) == (1, 0)
    assert (rows["县交通局"]["annual_plan"], rows["县交通局"]["ytd_completed"]) == (2900, 540)
    # n = 3: no bottom three.
    assert not any(row["bottom3"] for row in rows.values())
    # February (recomputed): 发改局 42.78, 交通局 12.07, 水务局 10.00 → changes +2, −1, −1.
    assert {u: rows[u]["rank_change"] for u in rows} == {"县水务局": 2, "县发改局": -1, "县交通局": -1}


def test_january_and_february_ties_broken_by_name(ranked):
    jan = report(ranked, "2025-01", "--no-save")
    # 丙镇 5.00, 甲镇 invest 50/1500 with Q1 open: 100 × (0.5/30)/0.7 = 2.38; 乙 丁 戊 all 0.00
    # with invest 0 and no start rate → by code point: 丁 (4E01) < 乙 (4E59) < 戊 (620A).
    assert order(jan) == ["丙镇", "甲镇", "丁镇", "乙镇", "戊镇"]
    assert [r["score"] for r in jan["rankings"]["township"]] == [5.0, 2.38, 0.0, 0.0, 0.0]
    assert all(r["rank_change"] is None for r in jan["rankings"]["township"])  # a new year
    feb = report(ranked, "2025-02", "--no-save")
    # 甲镇 100 × (0.3 + 0.5×150/1500 + 0.2) = 55.00; 丙镇 15.00; 戊镇 10.00; 丁 乙 0.00.
    assert order(feb) == ["甲镇", "丙镇", "戊镇", "丁镇", "乙镇"]
    # January's bottom three were 丁 乙 戊 too: each has a streak of 2.
    assert [r["bottom3_streak"] for r in feb["rankings"]["township"]] == [0, 0, 2, 2, 2]


def test_streak_uses_saved_snapshot_over_recomputation(ranked):
    report(ranked, "2025-02")  # saved: bottom three 戊镇, 丁镇, 乙镇
    # A late February figure for P3 arrives; recomputed, 乙镇 would top February
    # (invest 700/800, 100 × 0.4375/0.7 = 62.50) — but February was saved.
    ranked("progress", "log", "P3", "--period", "2025-02", "--ytd", "700")
    march = rows_of(report(ranked, "2025-03", "--no-save"))
    # 乙镇: March, saved February, recomputed January → 3.  丙镇: saved February says no → 1.
    assert (march["乙镇"]["bottom3_streak"], march["丁镇"]["bottom3_streak"],
            march["丙镇"]["bottom3_streak"]) == (3, 3, 1)
    # Rank change is against the saved February ranking too: 乙镇 5th then and now.
    assert march["乙镇"]["rank_change"] == 0


def test_streak_recomputed_where_nothing_was_saved(ranked):
    report(ranked, "2025-02", "--no-save")  # a draft saves nothing
    ranked("progress", "log", "P3", "--period", "2025-02", "--ytd", "700")
    march = rows_of(report(ranked, "2025-03", "--no-save"))
    # February recomputed: 乙 62.50, 甲 55, 丙 15, 戊 10, 丁 0 → bottom three 丙 戊 丁.
    # 乙镇 1 (not bottom in Feb); 丁镇 3; 丙镇 2 (rank 1 in January).
    assert (march["乙镇"]["bottom3_streak"], march["丁镇"]["bottom3_streak"],
            march["丙镇"]["bottom3_streak"]) == (1, 3, 2)
    assert march["乙镇"]["rank_change"] == -4  # 1st in the recomputed February, 5th now


def test_unranked_period_ends_the_streak(ranked):
    # May: P7 now due and started; Q3 closed 04-02; Q6 (戊镇) open.
    # 甲 65.00, 丁 100 × (0.3 + 0.05)/0.8 = 43.75, 丙 100 × (0.075 + 0.2)/0.7 = 39.29,
    # 戊 100 × (0.15 + 0.2×1/2)/0.7 = 35.71, 乙 5.00 → bottom three 丙 戊 乙.
    may = report(ranked, "2025-05", "--no-save")
    assert order(may) == ["甲镇", "丁镇", "丙镇", "戊镇", "乙镇"]
    assert [r["score"] for r in may["rankings"]["township"]] == [65.0, 43.75, 39.29, 35.71, 5.0]
    # April has no progress record and no saved ranking: never ranked → streaks restart,
    # and there is nothing to compare ranks with.
    assert [r["bottom3_streak"] for r in may["rankings"]["township"]] == [0, 0, 1, 1, 1]
    assert all(r["rank_change"] is None for r in may["rankings"]["township"])
    # Saving April ranks it (甲 65, 丙 39.29, 戊 35.71, 丁 10.00, 乙 5.00 → bottom 戊 丁 乙);
    # then 乙镇 runs May back to January: 5; 戊镇 April + May: 2; 丙镇 1.
    report(ranked, "2025-04")
    may = rows_of(report(ranked, "2025-05", "--no-save"))
    assert {u: may[u]["bottom3_streak"] for u in TOWNS} == {"甲镇": 0, "乙镇": 5, "丙镇": 1,
                                                           "丁镇": 0, "戊镇": 2}
    assert may["丁镇"]["rank_change"] == 2  # 4th in April, 2nd in May


def test_no_save_records_nothing_and_save_replaces(ranked, db_path):
    import sqlite3

    def snapshot_rows():
        with sqlite3.connect(db_path) as conn:
            return conn.execute("SELECT period, kind, unit, rank, score, bottom3, bottom3_streak"
                                " FROM ranking_snapshots ORDER BY kind DESC, rank").fetchall()

    def audit_count():
        with sqlite3.connect(db_path) as conn:
            return conn.execute("SELECT COUNT(*) FROM audit WHERE table_name = 'ranking_snapshots'"
                                ).fetchone()[0]

    data = report(ranked, "2025-03", "--no-save")
    assert data["saved"] is False
    assert snapshot_rows() == [] and audit_count() == 0
    assert ranked.json("report", "history", "--unit", "乙镇")["history"] == []
    report(ranked, "2025-03")
    saved = snapshot_rows()
    assert saved[:5] == [("2025-03", "township", "甲镇", 1, 6500, 0, 0),
                         ("2025-03", "township", "戊镇", 2, 5000, 0, 0),
                         ("2025-03", "township", "丙镇", 3, 1071, 1, 1),
                         ("2025-03", "township", "丁镇", 4, 1000, 1, 3),
                         ("2025-03", "township", "乙镇", 5, 500, 1, 3)]
    assert len(saved) == 8 and audit_count() == 8
    # Same data again: nothing changes but the save time — rows replaced, not duplicated.
    report(ranked, "2025-03")
    assert snapshot_rows() == saved
    # New data for March changes 乙镇's row (invest 800/800: 100 × 0.5 = 50.00, level with 戊镇,
    # ahead of it on investment rate → 2nd); the replacement is in the audit trail.
    ranked("progress", "log", "P3", "--period", "2025-03", "--ytd", "800")
    report(ranked, "2025-03")
    assert len(snapshot_rows()) == 8
    with sqlite3.connect(db_path) as conn:
        changes = conn.execute("SELECT before, after FROM audit WHERE table_name = 'ranking_snapshots'"
                               " AND action = 'update' AND row_key LIKE '%unit_id=2%'").fetchall()
    assert any('"rank": 5' in before and '"rank": 2' in after for before, after in changes)


def test_history_month_by_month(ranked):
    for period in ("2025-01", "2025-02", "2025-03"):
        report(ranked, period)
    history = ranked.json("report", "history", "--unit", "乙镇")
    assert history["unit"] == "乙镇" and history["kind"] == "township"
    assert [(h["period"], h["rank"], h["units_ranked"], h["score"], h["bottom3_streak"])
            for h in history["history"]] == [("2025-01", 4, 5, 0.0, 1), ("2025-02", 5, 5, 0.0, 2),
                                             ("2025-03", 5, 5, 5.0, 3)]
    dept = ranked.json("report", "history", "--unit", "县交通局", "--year", "2025")
    assert [h["rank"] for h in dept["history"]] == [1, 2, 3]
    text = ranked("report", "history", "--unit", "乙镇").stdout
    assert "乙镇 排名历史（3期）" in text and "5/5" in text
    missing = ranked("report", "history", "--unit", "乙", expect=1)
    assert "未知单位" in missing.stderr and "乙镇" in missing.stderr


def test_terminal_tables_and_default_file(ranked, tmp_path):
    result = ranked("report", "monthly", "--period", "2025-03")
    assert "乡镇排名（2025-03，5个）" in result.stdout and "部门排名（2025-03，3个）" in result.stdout
    assert "连续3次后三位，须在季度调度会上说明情况" in result.stdout
    assert "本期排名已保存" in result.stdout
    assert (tmp_path / "重点项目推进情况排队通报-2025-03.xlsx").exists()
    # --out a directory: the default name inside it.
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    data = report(ranked, "2025-03", "--no-save", "--out", str(out_dir))
    assert data["file"] == str(out_dir / "重点项目推进情况排队通报-2025-03.xlsx")


@pytest.mark.parametrize(("period", "code", "message"), [
    ("2025-13", 2, "格式不对"),
    ("2099-01", 2, "还没有开始"),
])
def test_bad_period(cli, period, code, message):
    result = cli("report", "monthly", "--period", period, expect=code)
    assert message in result.stderr and result.stdout == ""


def test_missing_output_directory_writes_nothing(ranked, tmp_path, db_path):
    import sqlite3

    result = ranked("report", "monthly", "--period", "2025-03", "--out", str(tmp_path / "nope" / "x.xlsx"),
                    expect=1)
    assert "不存在" in result.stderr
    with sqlite3.connect(db_path) as conn:  # the snapshot rolled back with the failed file
        assert conn.execute("SELECT COUNT(*) FROM ranking_snapshots").fetchone()[0] == 0


def test_empty_year(cli):
    data = json.loads(cli("report", "monthly", "--period", "2025-06", "--json").stdout)
    assert data["rankings"] == {"township": [], "department": []}
    # Nothing to rank is said as such, not "本期排名已保存" (issue 11, friction 11).
    out = cli("report", "monthly", "--period", "2025-06").stdout
    assert "本期没有可排名的乡镇和部门（2025年度计划中没有项目，也没有牵头问题），没有排名可保存" in out
    assert "本期排名已保存" not in out


def test_past_rankings_are_kept_and_dropped_when_their_month_changes(ranked, db_path):
    import sqlite3

    def cached():
        with sqlite3.connect(db_path) as conn:
            return sorted(conn.execute("SELECT period, kind FROM ranking_cache").fetchall())

    report(ranked, "2025-03", "--no-save")  # a draft keeps nothing
    assert cached() == []
    # Saved: February (both kinds, for the rank change) and January (townships only: with three
    # departments there is no department bottom three to follow back) were computed.
    report(ranked, "2025-03")
    assert cached() == [("2025-01", "township"), ("2025-02", "department"), ("2025-02", "township")]
    # The kept February is what the next report reads: emptied by hand, March's townships
    # lose their February (no rank change, streaks of 1) — nothing was recomputed.
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE ranking_cache SET rows = '[]' WHERE period = '2025-02' AND kind = 'township'")
        conn.execute("DELETE FROM ranking_snapshots")
    march = report(ranked, "2025-03", "--no-save")["rankings"]["township"]
    assert all(r["rank_change"] is None and r["bottom3_streak"] <= 1 for r in march)
    # A late February figure changes February's inputs: the kept ranking no longer counts and
    # February is recomputed (乙 62.50, 甲 55, 丙 15, 戊 10, 丁 0 → bottom three 丙 戊 丁), as in
    # test_streak_recomputed_where_nothing_was_saved.
    ranked("progress", "log", "P3", "--period", "2025-02", "--ytd", "700")
    march = rows_of(report(ranked, "2025-03", "--no-save"))
    assert (march["乙镇"]["bottom3_streak"], march["丁镇"]["bottom3_streak"],
            march["丙镇"]["bottom3_streak"]) == (1, 3, 2)
    assert march["乙镇"]["rank_change"] == -4


def test_a_later_change_keeps_earlier_months(ranked, db_path):
    """Closing a problem in April changes no ranking before April: the kept January and
    February stay in use; a problem reported in February changes February on."""
    import sqlite3

    report(ranked, "2025-03")  # keeps January (townships) and February
    with sqlite3.connect(db_path) as conn:  # mark the kept February, to see whether it is read
        conn.execute("UPDATE ranking_cache SET rows = '[]' WHERE period = '2025-02' AND kind = 'township'")
        conn.execute("DELETE FROM ranking_snapshots")
    ranked("problem", "close", "2", "--on", "2025-04-10")  # Q2, reported 02-20, closed in April
    march = report(ranked, "2025-03", "--no-save")["rankings"]["township"]
    assert all(r["rank_change"] is None for r in march)  # the marked February is still used
    ranked("problem", "add", "P1", "--text", "问题Q7", "--lead", "县发改局", "--reported", "2025-02-25")
    march = rows_of(report(ranked, "2025-03", "--no-save"))
    assert march["乙镇"]["rank_change"] == 0  # February recomputed: 乙镇 5th then and now


# ---------------------------------------------------------------- history without snapshots
#
# Six townships, five departments, eighteen projects, progress in January and March to June
# 2025 (none in February: never ranked) and problems spread over the months, nothing saved.
# The history a report recomputes for its streaks and rank changes must agree with the
# rankings the months give one at a time: each month's own report (``--no-save``) says who
# was in its bottom three and at which rank; the streaks and rank changes are then counted
# here from those reports alone and compared with what every month's report printed.

LONG_TOWNS = ("子镇", "丑镇", "寅镇", "卯镇", "辰镇", "巳镇")
LONG_DEPTS = ("县甲局", "县乙局", "县丙局", "县丁局", "县戊局")
LONG_MONTHS = ("2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06")
LONG_RANKED = {"2025-01", "2025-03", "2025-04", "2025-05", "2025-06"}  # February: no progress


def build_long_county(cli):
    import random

    rng = random.Random(20250)
    for town in LONG_TOWNS:
        cli("unit", "add", town, "--kind", "township")
    for dept in LONG_DEPTS:
        cli("unit", "add", dept, "--kind", "department")
    names = []
    for index in range(18):
        name = f"L{index + 1:02d}"
        town, dept = LONG_TOWNS[index % 6], LONG_DEPTS[index % 5]
        args = ["project", "add", "--name", name, "--township", town, "--department", dept]
        if index % 3 == 0:  # 新开工, due between February and May, some started on time
            planned = f"2025-{2 + index % 4:02d}-10"
            args += ["--nature", "新开工", "--planned-start", planned]
            if index % 2 == 0:
                args += ["--actual-start", f"2025-{2 + index % 4:02d}-20"]
        else:
            args += ["--nature", "续建"]
        cli(*args)
        cli("plan", "set", name, "--year", "2025", "--investment", str(rng.randrange(200, 2000, 50)))
        names.append(name)
    ytd = dict.fromkeys(names, 0)
    for period in sorted(LONG_RANKED):
        for name in names:
            if rng.random() < 0.25:  # not reported this month: last month's figure carries
                continue
            ytd[name] += rng.randrange(0, 300, 10)
            cli("progress", "log", name, "--period", period, "--ytd", str(ytd[name]))
    for number in range(1, 13):
        name, lead = names[rng.randrange(18)], LONG_DEPTS[rng.randrange(5)]
        reported = f"2025-{rng.randrange(1, 7):02d}-{rng.randrange(1, 28):02d}"
        cli("problem", "add", name, "--text", f"问题{number}", "--lead", lead, "--reported", reported)
        if rng.random() < 0.6:
            closed = dt.date.fromisoformat(reported) + dt.timedelta(days=rng.randrange(5, 60))
            cli("problem", "close", str(number), "--on", closed.isoformat())


@pytest.fixture(scope="module")
def long_county_file(built_ledger):
    return built_ledger("long", build_long_county)


@pytest.fixture
def long_ranked(use_ledger, long_county_file):
    return use_ledger(long_county_file)


def counted_by_hand(months: dict, period: str, kind: str) -> dict:
    """(streak, rank change) per unit of ``period``, counted from the months' own reports."""
    index = LONG_MONTHS.index(period)
    result = {}
    for unit, row in rows_of(months[period], kind).items():
        streak = 0
        for earlier in reversed(LONG_MONTHS[:index + 1]):  # the report's own month is ranked
            ranked = earlier == period or earlier in LONG_RANKED
            if not ranked or not rows_of(months[earlier], kind)[unit]["bottom3"]:
                break
            streak += 1
        change = None
        if index > 0 and LONG_MONTHS[index - 1] in LONG_RANKED:
            before = rows_of(months[LONG_MONTHS[index - 1]], kind).get(unit)
            change = before["rank"] - row["rank"] if before else None
        result[unit] = (streak, change)
    return result


def test_recomputed_history_matches_the_months_one_by_one(long_ranked, db_path):
    import sqlite3

    months = {period: report(long_ranked, period, "--no-save") for period in LONG_MONTHS}
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM ranking_snapshots").fetchone()[0] == 0
    longest = 0
    for period in LONG_MONTHS:
        for kind in ("township", "department"):
            printed = {unit: (row["bottom3_streak"], row["rank_change"])
                       for unit, row in rows_of(months[period], kind).items()}
            assert printed == counted_by_hand(months, period, kind), (period, kind)
            longest = max([longest] + [streak for streak, _ in printed.values()])
    assert longest >= 3  # the data do make streaks run back over several recomputed months
    assert any(r["rank_change"] not in (None, 0) for r in months["2025-06"]["rankings"]["township"])
    # March follows a month that was never ranked: no rank change, streaks start afresh.
    for kind in ("township", "department"):
        assert all(r["rank_change"] is None for r in months["2025-03"]["rankings"][kind])
        assert all(r["bottom3_streak"] <= 1 for r in months["2025-03"]["rankings"][kind])


def test_history_reads_progress_once(long_ranked, db_path):
    """Progress is never scanned row by row: one probe of the progress key per plan project
    for each month a ranking needs (June, then the past months the streak walk visits), and
    one look at which months have any record at all."""
    from projledger.ranking import monthly_ranking
    from projledger.store import Ledger

    statements = []
    ledger = Ledger.open(db_path)
    try:
        ledger.db.conn.set_trace_callback(statements.append)
        ranking = monthly_ranking(ledger, "2025-06")
    finally:
        ledger.close()
    progress = [s for s in statements if "FROM progress" in s]
    assert sum("EXISTS (SELECT 1 FROM progress" in s for s in progress) == 1
    probes = [s for s in progress if "SELECT MAX(period) FROM progress" in s]
    assert len(probes) == len(progress) - 1
    assert "AND l.period <= '2025-06'" in probes[0]
    assert len({s for s in probes}) == len(probes) <= 6  # each month read at most once
    assert sum("FROM annual_plans" in s or "JOIN annual_plans" in s for s in statements) <= 1 + len(probes)
    assert sum("FROM problems" in s for s in statements) == 1
    data = report(long_ranked, "2025-06", "--no-save")
    mine = ranking.to_json()["rankings"]
    # (the command's rows may carry more keys, e.g. a township's "reported")
    assert mine == {kind: [{key: row[key] for key in mine[kind][0]} for row in rows]
                    for kind, rows in data["rankings"].items()}
