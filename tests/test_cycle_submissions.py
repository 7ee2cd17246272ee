"""报送 (SPEC §12): who has reported for a period, against a working-day-aware due day."""

from __future__ import annotations

import datetime as dt

import pytest

from projledger.period import Period
from projledger.store import Ledger
from projledger.submissions import due_on, record_submission
from projledger.workdays import WorkCalendar


def _plan_project(cli, name, township, code):
    cli("project", "add", "--name", name, "--township", township, "--code", code)
    cli("plan", "set", code, "--year", "2026", "--investment", "1000", "--nature", "续建")


def _submit(db_path, township, period, submitted_on, *, file_name, sha, filled_on=None):
    ledger = Ledger.open(db_path)
    try:
        tid = ledger.db.execute("SELECT id FROM units WHERE name = ?", [township]).fetchone()[0]
        with ledger.transaction() as w:
            record_submission(w, township_id=tid, period=Period.parse(period), file_name=file_name,
                              sha256=sha, filled_on=filled_on, submitted_on=submitted_on)
    finally:
        ledger.db.close()


@pytest.fixture
def three_towns(county, db_path):
    county("unit", "add", "东塬镇", "--kind", "township")
    _plan_project(county, "城关污水厂", "城关镇", "2026-620821-47-01-000001")
    _plan_project(county, "新城道路", "新城镇", "2026-620821-47-01-000002")
    _plan_project(county, "东塬果库", "东塬镇", "2026-620821-47-01-000003")
    return county


def test_due_day_moves_past_national_day():
    # 2026-09's sheet is due on 10-05, inside 国庆 (10-01..10-07): the next working day is 10-08.
    assert due_on(Period(2026, 9), 5, WorkCalendar()) == dt.date(2026, 10, 8)
    # 2026-06's is due on 07-05, a Sunday: Monday 07-06.
    assert due_on(Period(2026, 6), 5, WorkCalendar()) == dt.date(2026, 7, 6)
    # A working day stays put: 2026-10's is due on Thursday 11-05.
    assert due_on(Period(2026, 10), 5, WorkCalendar()) == dt.date(2026, 11, 5)


def test_on_time_late_and_missing(three_towns, db_path):
    cli = three_towns
    _submit(db_path, "城关镇", "2026-09", dt.date(2026, 10, 8), file_name="城关镇-2026-09.xlsx", sha="a1",
            filled_on=dt.date(2026, 10, 7))
    _submit(db_path, "新城镇", "2026-09", dt.date(2026, 10, 9), file_name="新城镇-2026-09.xlsx", sha="b1")
    rows = cli.json("submissions", "--period", "2026-09", "--as-of", "2026-10-20")
    assert rows == [
        {"township": "城关镇", "status": "on_time", "due_on": "2026-10-08", "submitted_on": "2026-10-08",
         "days_late": 0, "file": "城关镇-2026-09.xlsx", "filled_on": "2026-10-07"},
        {"township": "新城镇", "status": "late", "due_on": "2026-10-08", "submitted_on": "2026-10-09",
         "days_late": 1, "file": "新城镇-2026-09.xlsx", "filled_on": None},
        {"township": "东塬镇", "status": "missing", "due_on": "2026-10-08", "submitted_on": None,
         "days_late": 12, "file": None, "filled_on": None},
    ]
    missing = cli.json("submissions", "--period", "2026-09", "--as-of", "2026-10-20", "--missing")
    assert [r["township"] for r in missing] == ["东塬镇"]
    text = cli("submissions", "--period", "2026-09", "--as-of", "2026-10-20").stdout
    assert "未报（已逾期12天）" in text and "已报（逾期1天）" in text
    assert "按时1个，逾期报送1个，未报1个" in text


def test_missing_before_due_is_not_late_and_later_sheet_does_not_count_earlier(three_towns, db_path):
    cli = three_towns
    _submit(db_path, "城关镇", "2026-09", dt.date(2026, 10, 9), file_name="城关镇.xlsx", sha="a1")
    rows = cli.json("submissions", "--period", "2026-09", "--as-of", "2026-10-08")
    assert {r["township"]: (r["status"], r["days_late"]) for r in rows} == {
        "城关镇": ("missing", 0), "新城镇": ("missing", 0), "东塬镇": ("missing", 0)}


def test_first_submission_decides_and_same_file_is_recorded_once(three_towns, db_path):
    cli = three_towns
    _submit(db_path, "城关镇", "2026-09", dt.date(2026, 10, 8), file_name="第一版.xlsx", sha="a1")
    _submit(db_path, "城关镇", "2026-09", dt.date(2026, 10, 8), file_name="第一版.xlsx", sha="a1")
    _submit(db_path, "城关镇", "2026-09", dt.date(2026, 10, 12), file_name="更正版.xlsx", sha="a2")
    row = cli.json("submissions", "--period", "2026-09", "--as-of", "2026-10-20")[0]
    assert (row["status"], row["submitted_on"], row["file"]) == ("on_time", "2026-10-08", "更正版.xlsx")
    ledger = Ledger.open(db_path)
    assert ledger.db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 2
    ledger.db.close()


def test_due_day_setting(three_towns, db_path):
    cli = three_towns
    cli("config", "set", "reporting.due_day", "10")
    rows = cli.json("submissions", "--period", "2026-10", "--as-of", "2026-11-20")
    assert {r["due_on"] for r in rows} == {"2026-11-10"}
    result = cli("config", "set", "reporting.due_day", "40", expect=1)
    assert "reporting.due_day" in result.stderr


def test_bad_period_is_usage_error(three_towns):
    result = three_towns("submissions", "--period", "2026-9", expect=2)
    assert "YYYY-MM" in result.stderr


def test_a_committed_import_records_its_submission(cli, tmp_path):
    """End to end: the example county's sheets through ``import`` (``--date`` is the day submitted)."""
    from projledger.resources import EXAMPLE_DIR, data_path

    examples = data_path(EXAMPLE_DIR)
    units = tmp_path / "units.csv"
    units.write_bytes(examples.joinpath("units.csv").read_bytes())
    sheets = {}
    for entry in examples.joinpath("乡镇报表").iterdir():
        sheets[entry.name] = tmp_path / entry.name
        sheets[entry.name].write_bytes(entry.read_bytes())
    cli("init", "--county", "泾川县")
    cli("unit", "import", str(units))
    cli("import", *[str(p) for n, p in sorted(sheets.items()) if "2026-09" in n], "--date", "2026-10-03")
    cli("import", str(sheets["城关镇-2026-10.xlsx"]), "--date", "2026-11-06")
    rows = {r["township"]: r for r in cli.json("submissions", "--period", "2026-10", "--as-of", "2026-11-10")}
    assert (rows["城关镇"]["status"], rows["城关镇"]["days_late"], rows["城关镇"]["file"]) == (
        "late", 1, "城关镇-2026-10.xlsx")
    assert {name: (r["status"], r["days_late"]) for name, r in rows.items() if name != "城关镇"} == {
        "东塬镇": ("missing", 5), "河西乡": ("missing", 5), "南山街道": ("missing", 5), "工业园区": ("missing", 5)}
    september = cli.json("submissions", "--period", "2026-09", "--as-of", "2026-11-10")
    assert {r["status"] for r in september} == {"on_time"} and len(september) == 5
