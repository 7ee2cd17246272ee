"""``projledger export``: fixed columns, CSV with BOM and formula guard, JSON, XLSX, atomic."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import zipfile

import pytest

PROJECT_KEYS = ["id", "code", "name", "township", "department", "owner", "stage", "nature",
                "industry", "industrial", "total_investment", "planned_start", "actual_start",
                "completed_on", "leader", "note"]
PLAN_KEYS = ["project_id", "project_code", "project_name", "township", "department", "year",
             "investment", "nature", "planned_start"]
PROGRESS_KEYS = ["project_id", "project_code", "project_name", "period", "ytd_completed",
                 "month_completed", "status", "reported_on", "source"]
PROBLEM_KEYS = ["id", "project_code", "project_name", "text", "status", "reported_on", "due_on",
                "closed_on", "lead_unit", "township", "category", "level", "reply_due_on",
                "replied_on", "reply", "resolution", "source"]
CODE = "2026-620821-47-01-000001"


def build(county):
    county("project", "add", "--name", "=cmd|' /C calc'!A0", "--code", CODE, "--township", "城关",
           "--department", "发改局", "--nature", "新开工", "--total-investment", "12000.5",
           "--planned-start", "2026-03-01", "--owner", "@某公司", "--industry", "-2+3")
    county("project", "add", "--name", "乙项目", "--township", "新城镇", "--department", "交通局",
           "--nature", "续建")
    county("plan", "set", CODE, "--year", "2026", "--investment", "3000")
    county("plan", "set", "乙项目", "--year", "2026", "--investment", "800.25")
    county("progress", "log", CODE, "--period", "2026-09", "--ytd", "1200", "--status", "+基础施工")
    county("progress", "log", "乙项目", "--period", "2026-08", "--month", "100.1")
    county("problem", "add", CODE, "--text", "=SUM(1,2) 用地未批", "--reported", "2026-09-01")
    county("problem", "add", "乙项目", "--text", "资金未到位", "--reported", "2026-09-02",
           "--lead", "县交通局")
    county("problem", "close", "2", "--on", "2026-09-10", "--resolution", "已拨付")


@pytest.fixture(scope="module")
def ledger_file(built_ledger):
    """Built once (the conftest county plus the rows above); each test gets a copy."""
    def county_and_rows(runner):
        for name, kind, aliases in (("城关镇", "township", ["城关"]), ("新城镇", "township", ["新城"]),
                                    ("县发改局", "department", ["发改局"]),
                                    ("县交通局", "department", ["交通局"])):
            runner("unit", "add", name, "--kind", kind, *[x for a in aliases for x in ("--alias", a)])
        build(runner)

    return built_ledger("exports", county_and_rows)


@pytest.fixture
def ledger(use_ledger, ledger_file):
    return use_ledger(ledger_file)


def read_csv(path):
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese correctly
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


def test_projects_csv(ledger, tmp_path):
    out = tmp_path / "projects.csv"
    result = ledger("export", "projects", "--out", str(out))
    assert "已导出 2 行" in result.stdout
    rows = read_csv(out)
    assert rows[0] == PROJECT_KEYS
    first = dict(zip(rows[0], rows[1]))
    assert first["name"] == "'=cmd|' /C calc'!A0"  # OWASP: leading apostrophe
    assert first["owner"] == "'@某公司" and first["industry"] == "'-2+3"
    assert first["code"] == CODE and first["township"] == "城关镇" and first["department"] == "县发改局"
    assert first["total_investment"] == "12000.50" and first["planned_start"] == "2026-03-01"
    assert first["actual_start"] == "" and first["industrial"] == ""
    assert rows[2][2] == "乙项目"
    assert out.read_bytes().count(b"\r\n") == 3


def test_every_table_has_fixed_columns_and_is_deterministic(ledger, tmp_path):
    expected = {"projects": PROJECT_KEYS, "plans": PLAN_KEYS, "progress": PROGRESS_KEYS,
                "problems": PROBLEM_KEYS}
    for table, keys in expected.items():
        first, second = tmp_path / f"{table}-1.csv", tmp_path / f"{table}-2.csv"
        ledger("export", table, "--out", str(first))
        ledger("export", table, "--out", str(second))
        assert read_csv(first)[0] == keys
        assert first.read_bytes() == second.read_bytes()
    plans = read_csv(tmp_path / "plans-1.csv")
    assert [row[6] for row in plans[1:]] == ["3000.00", "800.25"]
    progress = read_csv(tmp_path / "progress-1.csv")
    assert [(row[3], row[4], row[5], row[6]) for row in progress[1:]] == [
        ("2026-09", "1200.00", "", "'+基础施工"), ("2026-08", "100.10", "100.10", "")]
    problems = read_csv(tmp_path / "problems-1.csv")
    assert [(row[0], row[3], row[4], row[8]) for row in problems[1:]] == [
        ("1", "'=SUM(1,2) 用地未批", "open", "县发改局"), ("2", "资金未到位", "closed", "县交通局")]
    assert problems[2][PROBLEM_KEYS.index("closed_on")] == "2026-09-10"
    assert problems[2][PROBLEM_KEYS.index("resolution")] == "已拨付"


def test_json_keeps_values_as_they_are(ledger, tmp_path):
    out = tmp_path / "projects.json"
    ledger("export", "projects", "--out", str(out))
    records = json.loads(out.read_text("utf-8"))
    assert [list(r) for r in records] == [PROJECT_KEYS, PROJECT_KEYS]
    assert records[0]["name"] == "=cmd|' /C calc'!A0"  # JSON is data, not a spreadsheet
    assert records[0]["total_investment"] == 12000.5 and records[1]["total_investment"] is None
    problems = tmp_path / "problems.data"
    ledger("export", "problems", "--format", "json", "--out", str(problems))
    rows = json.loads(problems.read_text("utf-8"))
    assert [(r["id"], r["status"], r["lead_unit"]) for r in rows] == [(1, "open", "县发改局"),
                                                                     (2, "closed", "县交通局")]


def test_xlsx_has_chinese_headers_and_no_formulas(ledger, tmp_path):
    from python_calamine import CalamineWorkbook

    out = tmp_path / "plans.xlsx"
    ledger("export", "plans", "--out", str(out))
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("plans").to_python()
    assert rows[0] == ["项目编号", "项目代码", "项目名称", "乡镇", "责任部门", "年度", "年度计划投资(万元)",
                       "建设性质", "计划开工"]
    assert rows[1][2] == "=cmd|' /C calc'!A0" and rows[1][6] == 3000
    assert rows[2][6] == pytest.approx(800.25)
    assert str(rows[1][8]) == "2026-03-01"
    with zipfile.ZipFile(out) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert not re.search(r"<f[ >]", xml)
    from openpyxl import load_workbook

    ws = load_workbook(out)["plans"]
    assert ws.cell(2, 7).number_format == "#,##0.00" and ws.freeze_panes == "B2"
    assert ws.page_setup.orientation == "landscape"


def test_procedures_export_and_missing_table(ledger, tmp_path, db_path):
    ledger("procedure", "add", CODE, "--item", "环评", "--accepted", "2026-09-01", "--limit", "20")
    out = tmp_path / "procedures.csv"
    ledger("export", "procedures", "--out", str(out))
    rows = read_csv(out)
    assert rows[0][:9] == ["id", "project_code", "project_name", "item", "mode", "lead_unit",
                           "accepted_on", "limit_workdays", "due_on"]
    assert rows[1][1] == CODE and rows[1][3] == "环评" and rows[1][6] == "2026-09-01"
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TABLE procedures")
    result = ledger("export", "procedures", "--out", str(tmp_path / "p2.csv"), expect=1)
    assert "前期手续" in result.stderr and not (tmp_path / "p2.csv").exists()


@pytest.mark.parametrize(("args", "code", "message"), [
    (["export", "budgets", "--out", "x.csv"], 2, "不能导出"),
    (["export", "projects", "--out", "x.txt"], 2, "--format"),
    (["export", "projects", "--format", "pdf", "--out", "x.pdf"], 2, "格式"),
    (["export", "projects", "--out", "no/such/dir/x.csv"], 1, "不存在"),
])
def test_bad_exports(ledger, tmp_path, args, code, message):
    result = ledger(*args, expect=code)
    assert message in result.stderr
    assert not list(tmp_path.glob("x.*"))


def test_failed_export_keeps_the_old_file(ledger, tmp_path, monkeypatch):
    out = tmp_path / "projects.xlsx"
    out.write_bytes(b"old report")
    import projledger.reports.bulk as bulk

    def broken(self, data, ws, key):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bulk.BulkRows, "_splice", broken)
    result = ledger("export", "projects", "--out", str(out), expect=1)
    assert "原有文件未改动" in result.stderr
    assert out.read_bytes() == b"old report"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".projects")] == []


# ---------------------------------------------------------------- streamed writers


def test_progress_csv_and_json_byte_for_byte(ledger, tmp_path):
    csv_out, json_out = tmp_path / "progress.csv", tmp_path / "progress.json"
    ledger("export", "progress", "--out", str(csv_out))
    ledger("export", "progress", "--out", str(json_out))
    assert csv_out.read_bytes() == (
        "\ufeffproject_id,project_code,project_name,period,ytd_completed,month_completed,status,"
        "reported_on,source\r\n"
        f"1,{CODE},'=cmd|' /C calc'!A0,2026-09,1200.00,,'+基础施工,,cli\r\n"
        "2,,乙项目,2026-08,100.10,100.10,,,cli\r\n").encode("utf-8")
    assert json_out.read_text("utf-8") == (
        '[\n  {\n    "project_id": 1,\n    "project_code": "' + CODE + '",\n'
        '    "project_name": "=cmd|\' /C calc\'!A0",\n    "period": "2026-09",\n'
        '    "ytd_completed": 1200,\n    "month_completed": null,\n    "status": "+基础施工",\n'
        '    "reported_on": null,\n    "source": "cli"\n  },\n'
        '  {\n    "project_id": 2,\n    "project_code": null,\n    "project_name": "乙项目",\n'
        '    "period": "2026-08",\n    "ytd_completed": 100.1,\n    "month_completed": 100.1,\n'
        '    "status": null,\n    "reported_on": null,\n    "source": "cli"\n  }\n]\n')


def test_json_layout_is_the_standard_indented_one(ledger, tmp_path):
    for table in ("projects", "plans", "problems", "procedures"):
        out = tmp_path / f"{table}.json"
        ledger("export", table, "--out", str(out))
        text = out.read_text("utf-8")
        assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n", table
    assert (tmp_path / "procedures.json").read_text("utf-8") == "[]\n"  # no procedure yet


def _bulk_progress(db_path, projects: int, months: int) -> int:
    """Projects and progress straight into the tables (volume only; no audit needed)."""
    with sqlite3.connect(db_path) as conn:
        conn.executemany("INSERT INTO projects (name, name_key, stage, created_at, updated_at)"
                         " VALUES (?, ?, '在建', '2026-01-01', '2026-01-01')",
                         [(f"批量项目{i:05d}", f"批量项目{i:05d}") for i in range(projects)])
        ids = [pid for (pid,) in conn.execute("SELECT id FROM projects WHERE name LIKE '批量项目%'")]
        conn.executemany(
            "INSERT INTO progress (project_id, period, year, ytd_completed, month_completed, status)"
            " VALUES (?, ?, 2026, ?, ?, ?)",
            [(pid, f"2026-{m:02d}", pid * m, pid, "=主体施工") for pid in ids for m in range(1, months + 1)])
    return len(ids) * months


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_big_table_is_streamed_not_held(ledger, db_path, tmp_path, fmt):
    import tracemalloc

    from projledger.reports.exports import export_table
    from projledger.store import Ledger

    rows = _bulk_progress(db_path, 2000, 10) + 2
    out = tmp_path / f"progress.{fmt}"
    with Ledger.open(db_path) as opened:
        tracemalloc.start()
        try:
            assert export_table(opened, "progress", fmt, out) == rows
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    # Held whole, 20,002 rows of nine values take well over 10 MB; streamed, a few rows at a time.
    assert peak < 3_000_000, peak
    if fmt == "csv":
        lines = read_csv(out)
        assert len(lines) == rows + 1
        # the last project has id 2002 (two projects came before): 2002 × 10 = 200.20 万元
        assert lines[-1][:7] == ["2002", "", "批量项目01999", "2026-10", "200.20", "20.02", "'=主体施工"]
    else:
        records = json.loads(out.read_text("utf-8"))
        assert len(records) == rows
        assert records[-1]["status"] == "=主体施工" and records[-1]["ytd_completed"] == 200.2


def test_xlsx_streams_in_chunks(ledger, db_path, tmp_path, monkeypatch):
    from python_calamine import CalamineWorkbook

    import projledger.reports.exports as exports

    monkeypatch.setattr(exports, "_XLSX_CHUNK", 7)  # 2 + 30 rows: five chunks, the last short
    _bulk_progress(db_path, 3, 10)
    out = tmp_path / "progress.xlsx"
    assert "已导出 32 行" in ledger("export", "progress", "--out", str(out)).stdout
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("progress").to_python()
    assert len(rows) == 33 and rows[0][3] == "期间"
    assert [r[3] for r in rows[3:13]] == [f"2026-{m:02d}" for m in range(1, 11)]
    assert {r[6] for r in rows[3:]} == {"=主体施工"}  # text, never a formula
    with zipfile.ZipFile(out) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert not re.search(r"<f[ >]", xml)
    assert '<dimension ref="A1:I33"/>' in xml
    from openpyxl import load_workbook

    assert load_workbook(out)["progress"].print_area == "'progress'!$A$1:$I$33"


def test_xlsx_refuses_more_rows_than_a_sheet_holds(ledger, tmp_path, monkeypatch):
    import projledger.reports.exports as exports

    out = tmp_path / "progress.xlsx"
    out.write_bytes(b"old export")
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 2)  # header + 1 row; progress has 2 rows
    result = ledger("export", "progress", "--out", str(out), expect=1)
    assert "Excel" in result.stderr and "csv" in result.stderr
    assert out.read_bytes() == b"old export"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".progress")] == []
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)  # header + 2 rows: exactly fits
    assert "已导出 2 行" in ledger("export", "progress", "--out", str(out)).stdout
