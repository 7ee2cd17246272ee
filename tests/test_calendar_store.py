"""The ledger's calendar: ``calendar show/import/refresh``, notice validation, refresh of
stored provisional deadlines.

The 2026 dates are written out by hand from the State Council notice (国办发明电〔2025〕7号):
元旦 01-01..03 off, 01-04 (Sun) on; 春节 02-15..23 off, 02-14 (Sat) and 02-28 (Sat) on;
清明 04-04..06; 劳动节 05-01..05 off, 05-09 (Sat) on; 端午 06-19..21; 中秋 09-25..27;
国庆 10-01..07 off, 09-20 (Sun) and 10-10 (Sat) on.

The 2027 notice below is invented for the tests (the real one is not out): it lists every
day the law makes a holiday in 2027 (元旦 01-01; 春节 除夕 02-05 .. 初三 02-08; 清明 04-05;
劳动节 05-01/02; 端午 06-09; 中秋 09-15; 国庆 10-01..03) inside longer holiday periods, with
make-up workdays 01-31 (Sun), 02-20 (Sat), 04-25 (Sun), 09-26 (Sun), 10-09 (Sat).
"""

from __future__ import annotations

import json
import sqlite3

import pytest

CODE = "2026-620821-47-01-000001"
WARNING_2027 = "2027年调休安排尚未发布，截止日期为暂定，请在国务院通知发布后用 calendar import 补录"

NOTICE_2027 = """date,kind,note
2027-01-01,holiday,元旦
2027-01-02,holiday,元旦
2027-01-03,holiday,元旦
2027-01-31,workday,春节调休
2027-02-05,holiday,春节
2027-02-06,holiday,春节
2027-02-07,holiday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-12,holiday,春节
2027-02-20,workday,春节调休
2027-04-03,holiday,清明节
2027-04-04,holiday,清明节
2027-04-05,holiday,清明节
2027-04-25,workday,劳动节调休
2027-05-01,holiday,劳动节
2027-05-02,holiday,劳动节
2027-05-03,holiday,劳动节
2027-05-04,holiday,劳动节
2027-05-05,holiday,劳动节
2027-06-09,holiday,端午节
2027-09-15,holiday,中秋节
2027-09-26,workday,国庆节调休
2027-10-01,holiday,国庆节
2027-10-02,holiday,国庆节
2027-10-03,holiday,国庆节
2027-10-04,holiday,国庆节
2027-10-05,holiday,国庆节
2027-10-06,holiday,国庆节
2027-10-07,holiday,国庆节
2027-10-09,workday,国庆节调休
"""

OFFICIAL_2026 = [  # (date, kind) of every holiday and make-up workday in the 2026 notice
    ("2026-01-01", "holiday"), ("2026-01-02", "holiday"), ("2026-01-03", "holiday"),
    ("2026-01-04", "workday"),
    ("2026-02-14", "workday"),
    *[(f"2026-02-{d:02d}", "holiday") for d in range(15, 24)],
    ("2026-02-28", "workday"),
    ("2026-04-04", "holiday"), ("2026-04-05", "holiday"), ("2026-04-06", "holiday"),
    *[(f"2026-05-{d:02d}", "holiday") for d in range(1, 6)],
    ("2026-05-09", "workday"),
    ("2026-06-19", "holiday"), ("2026-06-20", "holiday"), ("2026-06-21", "holiday"),
    ("2026-09-20", "workday"),
    ("2026-09-25", "holiday"), ("2026-09-26", "holiday"), ("2026-09-27", "holiday"),
    *[(f"2026-10-{d:02d}", "holiday") for d in range(1, 8)],
    ("2026-10-10", "workday"),
]


def rows(db_path, sql, params=()):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# -- show ---------------------------------------------------------------------------------

def test_show_official_year(cli):
    view = cli.json("calendar", "show", "2026")
    assert view["basis"] == "official"
    assert view["calendar_complete"] is True
    assert [(d["date"], d["kind"]) for d in view["days"]] == OFFICIAL_2026
    assert {d["source"] for d in view["days"]} == {"official"}
    first = view["days"][0]
    assert first == {"date": "2026-01-01", "weekday": "周四", "kind": "holiday", "name": "元旦",
                     "source": "official", "origin": None}
    by_date = {d["date"]: d for d in view["days"]}
    assert by_date["2026-02-14"]["name"] == "春节调休"
    assert by_date["2026-10-03"]["name"] == "国庆节"


def test_show_provisional_year(cli):
    result = cli("calendar", "show", "2027", "--json")
    view = json.loads(result.stdout)
    assert view["basis"] == "provisional" and view["calendar_complete"] is False
    assert [(d["date"], d["name"]) for d in view["days"]] == [
        ("2027-01-01", "元旦"), ("2027-02-05", "春节"), ("2027-02-06", "春节"), ("2027-02-07", "春节"),
        ("2027-02-08", "春节"), ("2027-04-05", "清明节"), ("2027-05-01", "劳动节"), ("2027-05-02", "劳动节"),
        ("2027-06-09", "端午节"), ("2027-09-15", "中秋节"), ("2027-10-01", "国庆节"), ("2027-10-02", "国庆节"),
        ("2027-10-03", "国庆节")]
    assert {d["source"] for d in view["days"]} == {"provisional"}
    assert view["warnings"] == [WARNING_2027]
    assert WARNING_2027 in result.stderr.replace("\n", "")


def test_show_marks_overrides(cli):
    cli("calendar", "set", "2026-11-06", "--holiday", "--note", "本地停工")
    cli("calendar", "set", "2026-02-14", "--holiday")  # an official make-up day, overridden
    by_date = {d["date"]: d for d in cli.json("calendar", "show", "2026")["days"]}
    assert by_date["2026-11-06"] == {"date": "2026-11-06", "weekday": "周五", "kind": "holiday",
                                     "name": "本地停工", "source": "override", "origin": "set"}
    assert by_date["2026-02-14"]["kind"] == "holiday"
    assert by_date["2026-02-14"]["source"] == "override"
    assert by_date["2026-02-15"]["source"] == "official"
    text = cli("calendar", "show", "2026").stdout
    assert "本地设置" in text and "官方" in text


def test_show_year_out_of_range(cli):
    assert "超出可计算范围" in cli("calendar", "show", "2206", expect=1).stderr


# -- import -------------------------------------------------------------------------------

def test_import_completes_the_year(cli, tmp_path, db_path):
    path = write(tmp_path, "2027.csv", NOTICE_2027)
    result = cli("calendar", "import", str(path))
    assert "2027年：通知共 33 天（新增 33、更新 0、删除 0）" in result.stdout
    view = cli.json("calendar", "show", "2027")
    assert view["basis"] == "notice" and view["calendar_complete"] is True
    assert view["notice"]["file"] == "2027.csv" and view["notice"]["days"] == 33
    assert len(view["days"]) == 33
    assert {(d["source"], d["origin"]) for d in view["days"]} == {("override", "import")}
    assert rows(db_path, "SELECT year, file_name, day_count FROM calendar_notices") == [(2027, "2027.csv", 33)]
    # 2026-12-20 + 30: Dec 21–25, 28–31 (9); 01-01..03 off; Jan 4–8 (14) … 25–29 (29); Sun 01-31 make-up (30)
    data = cli.json("deadline", "2026-12-20", "30")
    assert data == {"start": "2026-12-20", "workdays": 30, "due": "2027-01-31",
                    "calendar_complete": True, "warnings": []}
    assert "已导入通知的年份：2027" in cli("doctor").stdout
    audited = rows(db_path, "SELECT COUNT(*) FROM audit WHERE table_name = 'calendar_days' AND action = 'insert'")
    assert audited == [(33,)]


def test_reimport_same_file_changes_nothing(cli, tmp_path, db_path):
    path = write(tmp_path, "2027.csv", NOTICE_2027)
    cli("calendar", "import", str(path))
    before = rows(db_path, "SELECT COUNT(*) FROM audit")
    data = cli.json("calendar", "import", str(path))
    assert data["years"] == [{"year": 2027, "days": 33, "created": 0, "updated": 0, "deleted": 0,
                              "replaced_set": [], "kept_set": []}]
    assert rows(db_path, "SELECT COUNT(*) FROM audit") == before


def test_reimport_replaces_the_year(cli, tmp_path):
    cli("calendar", "import", str(write(tmp_path, "a.csv", NOTICE_2027)))
    changed = NOTICE_2027.replace("2027-01-31,workday,春节调休\n", "").replace(
        "2027-02-20,workday,春节调休", "2027-02-20,workday,春节补班")
    data = cli.json("calendar", "import", str(write(tmp_path, "b.csv", changed)))
    assert data["years"][0] | {} == {"year": 2027, "days": 32, "created": 0, "updated": 1, "deleted": 1,
                                    "replaced_set": [], "kept_set": []}
    dates = {d["date"]: d for d in cli.json("calendar", "show", "2027")["days"]}
    assert "2027-01-31" not in dates
    assert dates["2027-02-20"]["name"] == "春节补班"


def test_import_keeps_and_replaces_days_set_by_hand(cli, tmp_path):
    cli("calendar", "set", "2027-03-06", "--workday", "--note", "本地补班")   # not in the notice
    cli("calendar", "set", "2027-02-20", "--holiday")                          # in the notice
    result = cli("calendar", "import", str(write(tmp_path, "2027.csv", NOTICE_2027)), "--json")
    data = json.loads(result.stdout)
    assert data["years"][0]["kept_set"] == ["2027-03-06"]
    assert data["years"][0]["replaced_set"] == ["2027-02-20"]
    assert "手工设置的日期不在通知中，仍然生效：2027-03-06" in result.stderr.replace("\n", "")
    dates = {d["date"]: d for d in cli.json("calendar", "show", "2027")["days"]}
    assert (dates["2027-03-06"]["kind"], dates["2027-03-06"]["origin"]) == ("workday", "set")
    assert (dates["2027-02-20"]["kind"], dates["2027-02-20"]["origin"]) == ("workday", "import")


def test_unset_cannot_open_a_statutory_holiday_of_an_imported_year(cli, tmp_path):
    cli("calendar", "import", str(write(tmp_path, "2027.csv", NOTICE_2027)))
    assert "删除后会变成工作日" in cli("calendar", "unset", "2027-10-01", expect=1).stderr
    cli("calendar", "unset", "2027-10-04")   # part of the holiday period, not fixed by law
    dates = {d["date"] for d in cli.json("calendar", "show", "2027")["days"]}
    assert "2027-10-04" not in dates and "2027-10-01" in dates


def test_import_accepts_gbk_chinese_kinds_and_no_header(cli, tmp_path):
    text = NOTICE_2027.split("\n", 1)[1].replace(",holiday,", ",放假,").replace(",workday,", ",上班,")
    cli("calendar", "import", str(write(tmp_path, "gbk.csv", text, encoding="gbk")))
    assert cli.json("calendar", "show", "2027")["basis"] == "notice"


def test_redundant_weekday_workday_is_a_warning(cli, tmp_path, db_path):
    text = NOTICE_2027 + "2027-03-03,workday,多余\n"
    result = cli("calendar", "import", str(write(tmp_path, "w.csv", text)))
    assert "第35行：2027-03-03 是周三，本来就是工作日" in result.stderr.replace("\n", "")
    assert rows(db_path, "SELECT kind FROM calendar_days WHERE date = '2027-03-03'") == [("workday",)]


BAD_ROWS = [
    ("2027-02-30,holiday,\n", ["第35行：日期“2027-02-30”不存在"]),
    ("2027/03/01,holiday,\n", ["第35行：日期“2027/03/01”格式不对"]),
    ("2027-03-01,rest,\n", ["第35行：类型“rest”无效"]),
    ("2027-03-01\n", ["第35行：缺少类型"]),
    ("2027-03-01,holiday,a,b\n", ["第35行：列数过多"]),
    ("2027-02-06,holiday,重复\n", ["第35行：日期 2027-02-06 与第7行重复"]),
    ("2027-02-20,holiday,\n", ["第35行：日期 2027-02-20 在第14行为上班，此处又为放假，前后矛盾"]),
    ("2027-03-01,holiday,\n2027-03-01,workday,\n", ["第36行：日期 2027-03-01 在第35行为放假，此处又为上班，前后矛盾"]),
    ("2027-03-02,bad,\n2027-13-01,holiday,\n", ["第35行：类型“bad”无效", "第36行：日期“2027-13-01”不存在"]),
]


def test_bad_rows_reject_the_whole_file(cli, tmp_path, db_path):
    for extra, messages in BAD_ROWS:
        result = cli("calendar", "import", str(write(tmp_path, "bad.csv", NOTICE_2027 + extra)), expect=1)
        assert "日历文件“bad.csv”有" in result.stderr and "未导入任何内容" in result.stderr
        for message in messages:
            assert message in result.stderr
        assert rows(db_path, "SELECT COUNT(*) FROM calendar_days") == [(0,)]
        assert rows(db_path, "SELECT COUNT(*) FROM calendar_notices") == [(0,)]


def test_workday_on_a_statutory_holiday_is_rejected(cli, tmp_path, db_path):
    text = NOTICE_2027.replace("2027-10-02,holiday,国庆节", "2027-10-02,workday,国庆节")
    result = cli("calendar", "import", str(write(tmp_path, "bad.csv", text)), expect=1)
    assert "第28行：2027-10-02 是法定节假日（国庆节），不能为上班日" in result.stderr
    assert rows(db_path, "SELECT COUNT(*) FROM calendar_days") == [(0,)]


def test_notice_missing_a_statutory_holiday_is_rejected(cli, tmp_path, db_path):
    text = NOTICE_2027.replace("2027-09-15,holiday,中秋节\n", "").replace("2027-01-01,holiday,元旦\n", "")
    result = cli("calendar", "import", str(write(tmp_path, "bad.csv", text)), expect=1)
    assert "缺少法定节假日 2027-01-01（元旦）、2027-09-15（中秋节）" in result.stderr.replace("\n", "")
    # a stray day of another year makes that year "mentioned" and incomplete too
    result = cli("calendar", "import", str(write(tmp_path, "b2.csv", NOTICE_2027 + "2028-01-01,holiday,元旦\n")),
                 expect=1)
    assert "2028年" in result.stderr and "2028-01-26（春节）" in result.stderr
    assert rows(db_path, "SELECT COUNT(*) FROM calendar_days") == [(0,)]


EMPTY_FILES = [
    ("", "没有任何日期"),
    ("date,kind,note\n", "没有任何日期"),
]


def test_empty_files_rejected(cli, tmp_path):
    for text, message in EMPTY_FILES:
        assert message in cli("calendar", "import", str(write(tmp_path, "e.csv", text)), expect=1).stderr


def test_missing_file(cli, tmp_path):
    assert "找不到日历文件" in cli("calendar", "import", str(tmp_path / "nope.csv"), expect=1).stderr


# -- refresh of stored provisional deadlines ---------------------------------------------------

@pytest.fixture
def with_project(cli, db_path):
    """One project, written with the library (CLI calls are slow)."""
    from projledger.projects import Projects
    from projledger.store import Ledger
    from projledger.units import Units

    with Ledger.open(db_path) as ledger, ledger.transaction() as w:
        units = Units(ledger.db)
        units.add(w, "城关镇", "township")
        units.add(w, "县发改局", "department")
        projects = Projects(ledger.db, units)
        projects.add(w, projects.project_columns(name="城关物流园", code=CODE, township="城关镇",
                                                 department="县发改局"))
    return cli


def insert_problem(db_path, reported, reply_wd, reply_due, due_wd, due, provisional=1):
    conn = sqlite3.connect(db_path)
    try:
        conn.execute(
            "INSERT INTO problems (project_id, text, text_key, reported_on, reply_workdays, reply_due_on,"
            " reply_due_provisional, due_workdays, due_on, due_provisional, created_at)"
            " VALUES (1, '土地未报批', '土地未报批', ?, ?, ?, ?, ?, ?, ?, '2027-02-04T09:00:00+08:00')",
            [reported, reply_wd, reply_due, provisional, due_wd, due, provisional])
        conn.commit()
    finally:
        conn.close()


def test_provisional_deadlines_recomputed_after_import(with_project, tmp_path, db_path):
    cli = with_project
    # procedure accepted Wed 2027-02-03, 3 working days.  Provisional: 04 Thu (1), 05–08 除夕..初三,
    # 09 Tue (2), 10 Wed (3).  With the notice: 04 (1), 05–12 off, weekend, 15 Mon (2), 16 Tue (3).
    added = cli("procedure", "add", CODE, "--item", "环评", "--accepted", "2027-02-03", "--limit", "3", "--json")
    assert json.loads(added.stdout)["due_on"] == "2027-02-10"
    assert json.loads(added.stdout)["due_provisional"] is True
    assert WARNING_2027 in added.stderr.replace("\n", "")
    # problem reported Thu 2027-02-04: reply 3 → 09, 10, 11 (provisional) / 15, 16, 17 (notice);
    # solve 10 → 09–12 (4), 15–19 (9), 22 (10) / 15–19 (5), Sat 20 make-up (6), 22–25 (10).
    insert_problem(db_path, "2027-02-04", 3, "2027-02-11", 10, "2027-02-22")
    # a complete deadline is never touched
    cli("procedure", "add", CODE, "--item", "立项", "--accepted", "2026-11-02", "--limit", "3")

    data = cli.json("calendar", "import", str(write(tmp_path, "2027.csv", NOTICE_2027)))
    moved = {(m["kind"], m["field"]): (m["old"], m["new"], m["provisional"]) for m in data["refresh"]["moved"]}
    assert moved == {
        ("procedure", "due_on"): ("2027-02-10", "2027-02-16", False),
        ("problem", "reply_due_on"): ("2027-02-11", "2027-02-17", False),
        ("problem", "due_on"): ("2027-02-22", "2027-02-25", False),
    }
    assert data["refresh"]["checked"] == 3 and data["refresh"]["still_provisional"] == 0
    assert rows(db_path, "SELECT item, due_on, due_provisional, due_basis FROM procedures ORDER BY id") == [
        ("环评", "2027-02-16", 0, "2027:notice"), ("立项", "2026-11-05", 0, "2026:official")]
    assert rows(db_path, "SELECT reply_due_on, reply_due_provisional, due_on, due_provisional FROM problems") == [
        ("2027-02-17", 0, "2027-02-25", 0)]
    # refreshed rows are audited against the project
    assert rows(db_path, "SELECT COUNT(*) FROM audit WHERE action = 'update' AND project_id = 1"
                " AND table_name IN ('procedures', 'problems')") == [(2,)]
    # nothing provisional is left
    assert cli.json("calendar", "refresh") == {"checked": 0, "moved": [], "confirmed": 0,
                                                "still_provisional": 0}


def test_refresh_lists_moves_in_text(with_project, tmp_path):
    cli = with_project
    cli("procedure", "add", CODE, "--item", "环评", "--accepted", "2027-02-03", "--limit", "3")
    out = cli("calendar", "import", str(write(tmp_path, "2027.csv", NOTICE_2027))).stdout
    assert "重新计算暂定截止日期 1 个：变动 1 个" in out
    assert "2027-02-10" in out and "2027-02-16" in out and "办理时限" in out


def test_set_day_refreshes_but_stays_provisional(with_project, db_path):
    cli = with_project
    # accepted Fri 2027-02-19, 1 working day: Mon 02-22; with Sat 02-20 set as workday: 02-20.
    cli("procedure", "add", CODE, "--item", "环评", "--accepted", "2027-02-19", "--limit", "1")
    out = cli("calendar", "set", "2027-02-20", "--workday", "--note", "春节调休").stdout
    assert "2027-02-22" in out and "2027-02-20" in out
    assert rows(db_path, "SELECT due_on, due_provisional, due_basis FROM procedures") == [
        ("2027-02-20", 1, "2027:provisional")]
    cli("calendar", "unset", "2027-02-20")
    assert rows(db_path, "SELECT due_on, due_provisional FROM procedures") == [("2027-02-22", 1)]


def test_refresh_with_nothing_provisional(cli):
    assert "没有暂定的截止日期" in cli("calendar", "refresh").stdout
