"""Township import (SPEC §4): golden sheets, whole-file rejection, idempotence, dry run, bad files.

The golden pairs live in ``tests/data/`` (made by ``tests/data/make_golden.py``): each
``NAME.expected.json`` lists import steps with their expected summaries and warnings, and
the projects / problems / progress records the ledger must then hold — written by hand from
the sheet.  Everything else builds its sheets here with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

DATA = Path(__file__).resolve().parent / "data"
GOLDEN = sorted(DATA.glob("*.expected.json"))


# ---------------------------------------------------------------- helpers


def write_sheet(path: Path, rows: list[list], *, merge=(), name="项目表", before: list[tuple[str, list]] = ()):
    """An .xlsx with optional earlier sheets (``before``: [(name, rows)])."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for sheet_name, sheet_rows in [*before, (name, rows)]:
        ws = wb.create_sheet(sheet_name)
        for r, row in enumerate(sheet_rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
    ws = wb[name]
    for span in merge:
        ws.merge_cells(span)
    wb.save(path)
    return path


def township_sheet(path: Path, rows: list[list], *, township="城关镇", month=10, fill="2026年11月3日", header=None):
    header = header or ["项目代码", "项目名称", "建设性质", "总投资", "年度计划", f"1-{month}月完成投资", "存在问题",
                        "责任单位"]
    return write_sheet(path, [[f"{township}2026年{month}月重点项目推进情况表"],
                              [f"填报单位：{township}  填报日期：{fill}"], header, *rows])


def import_json(cli, *args, expect=0) -> dict:
    result = cli("import", *map(str, args), "--json", expect=expect)
    return json.loads(result.stdout)


def counts(db_path: Path) -> dict:
    con = sqlite3.connect(db_path)
    try:
        return {table: con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("projects", "annual_plans", "progress", "problems", "audit")}
    finally:
        con.close()


@pytest.fixture
def golden_cli(cli):
    cli("unit", "import", DATA / "units.csv")
    return cli


# ---------------------------------------------------------------- golden pairs


@pytest.mark.parametrize("expected_path", GOLDEN, ids=[p.name.split(".")[0] for p in GOLDEN])
def test_golden(golden_cli, expected_path):
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    for number, step in enumerate(expected["steps"], start=1):
        if "run" in step:
            golden_cli(*step["run"])
            continue
        source = DATA / step["import"]
        if not source.exists():
            pytest.skip(f"{source.name} 未生成（make_golden.py 需要 xlwt / LibreOffice）")
        summary = import_json(golden_cli, source, *step["args"])
        (got,) = summary["files"]
        assert summary["committed"] is True, got["errors"]
        assert {k: got[k] for k in step["summary"]} == step["summary"], f"第{number}步"
        assert got["errors"] == []
        assert len(got["warnings"]) == len(step["warnings"]), got["warnings"]
        for words, warning in zip(step["warnings"], got["warnings"]):
            assert all(w in warning for w in words), (words, warning)
    _check_projects(golden_cli, expected)
    _check_problems(golden_cli, expected["problems"])
    for name, records in expected["progress"].items():
        shown = golden_cli.json("project", "show", name)["progress"]
        assert [{k: r[k] for k in records[0]} for r in shown] == records


def _check_projects(cli, expected):
    listed = cli.json("project", "list", "--year", str(expected["year"]))
    by_key = {(p["township"], p["name"]): p for p in listed}
    assert sorted(by_key) == sorted((p["township"], p["name"]) for p in expected["projects"])
    for want in expected["projects"]:
        got = by_key[(want["township"], want["name"])]
        assert {k: got[k] for k in want} == want


def _check_problems(cli, expected):
    listed = cli.json("problem", "list")
    assert len(listed) == len(expected)
    by_key = {(p["project_name"], p["text"]): p for p in listed}
    for want in expected:
        got = by_key[(want["project_name"], want["text"])]
        assert {k: got[k] for k in want} == want
