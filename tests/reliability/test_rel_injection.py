"""Formula injection round trip (SPEC §10): text from a township sheet stays text everywhere.

A township sheet carries ``=HYPERLINK("http://x","点击")``, ``+1``, ``-1``, ``@SUM(A1)``, a
DDE payload and tab- and CR-led strings as project names, owners, progress, problems,
leaders and notes.  After ``projledger import`` every file made from the ledger — ``export``
as xlsx and csv (projects, progress, problems), the monthly report, the problem sheet and
the township template — is read back: no xlsx cell is a formula (openpyxl ``data_type``
``"f"``, and no ``<f>`` element in any worksheet's XML), each text is there verbatim as a
string, and every CSV cell that starts with ``= + - @``, tab or CR carries the OWASP ``'``.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import zipfile
from pathlib import Path

import pytest

HYPERLINK = '=HYPERLINK("http://x","点击")'
DDE = "=cmd|' /C calc'!A0"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# name, owner, progress, problem, leader, note — one project per row
ROWS = [
    (HYPERLINK, DDE, '=HYPERLINK("http://x","进度")', "@SUM(A1)", "+1", "-1"),
    ("+1", "@SUM(A1)", "-进度过半", "=1+2", "=A1", "@备注"),
    ("-1", "+某公司", "+主体完工", "-资金缺口", "-张三", "+2"),
    ("@SUM(A1)", "=1", "@进度", "+用地未批", "@李四", "=B2"),
    ("\t制表符开头项目", "\t制表符单位", "\t制表符进度", "\t制表符问题", "\t王五", "\t备注"),
    ("\r回车开头项目", "\r回车单位", "\r回车进度", "\r回车问题", "\r赵六", "\r备注二"),
]
HEADERS = ["序号", "项目名称", "建设单位", "建设性质", "年度计划投资（万元）", "1-10月完成投资（万元）", "形象进度",
           "存在问题", "责任单位", "包联领导", "备注", "计划开工时间"]


def _imported(text: str) -> str:
    """What the ledger keeps: surrounding whitespace (tab, CR) is trimmed on import."""
    return text.strip()


HOSTILE = {_imported(t) for row in ROWS for t in row}


@pytest.fixture(scope="module")
def injected(tmp_path_factory):
    """A ledger holding the hostile texts, imported from a real township CSV."""
    import typer
    from click.testing import CliRunner

    from projledger.cli.main import app
    from projledger.store import Ledger
    from projledger.units import Units

    base = tmp_path_factory.mktemp("inject")
    db = base / "inject.db"
    with Ledger.open(db, create=True, actor="t", command="t") as ledger:
        with ledger.transaction() as writer:
            Units(ledger.db).add(writer, "城关镇", "township")
            Units(ledger.db).add(writer, "县发改局", "department")
    lines = [["城关镇2026年10月重点项目推进情况表"], ["填报单位：城关镇", "", "", "填报日期：2026年11月3日"], HEADERS]
    for i, (name, owner, progress, problem, leader, note) in enumerate(ROWS, start=1):
        lines.append([i, name, owner, "新开工", 100 * i, 10 * i, progress, problem, "县发改局", leader, note,
                      "2026-03-01"])
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(lines)
    sheet = base / "城关镇-2026-10.csv"
    sheet.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    command, runner = typer.main.get_command(app), CliRunner()

    def run(*args, expect=0):
        result = runner.invoke(command, ["--db", str(db), *map(str, args)], catch_exceptions=False)
        assert result.exit_code == expect, (args, result.stdout, result.stderr)
        return result

    run("import", sheet, "--date", "2026-10-20")  # problems reported in October: in its report
    return base, run


def _xlsx_texts(path: Path) -> list[str]:
    """Every cell's text; fails on any formula cell or ``<f>`` element in a worksheet."""
    from openpyxl import load_workbook

    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                xml = archive.read(member)
                assert b"<f>" not in xml and b"<f " not in xml, f"{path.name}:{member} holds a formula"
    texts = []
    for sheet in load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{path.name}!{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def _csv_cells(path: Path) -> list[str]:
    cells = [cell for row in csv.reader(io.StringIO(path.read_text("utf-8-sig"), newline="")) for cell in row]
    for cell in cells:
        assert not cell.startswith(TRIGGERS), f"{path.name}: unguarded cell {cell!r}"
    return cells


def _contains(texts: list[str], wanted: set[str], where: str) -> None:
    """Each wanted text appears as a whole cell or inside one (reports combine fields)."""
    missing = [w for w in wanted if not any(w == t or w in t for t in texts)]
    assert not missing, f"{where} lacks {missing}"


NAMES = {_imported(row[0]) for row in ROWS}
PROBLEMS = {_imported(row[3]) for row in ROWS}


@pytest.mark.parametrize("table, wanted", [
    ("projects", HOSTILE - PROBLEMS - {_imported(r[2]) for r in ROWS}),  # projects keep no progress/problems
    ("progress", NAMES | {_imported(r[2]) for r in ROWS}),
    ("problems", NAMES | PROBLEMS),
])
def test_exports_keep_hostile_text_inert(injected, table, wanted):
    base, run = injected
    xlsx, text = base / f"{table}.xlsx", base / f"{table}.csv"
    run("export", table, "--out", xlsx)
    run("export", table, "--out", text)
    texts = _xlsx_texts(xlsx)
    _contains(texts, wanted, xlsx.name)
    for value in wanted:  # verbatim, as its own string cell
        assert value in texts, (xlsx.name, value)
    cells = _csv_cells(text)
    for value in wanted:
        expected = "'" + value if value.startswith(TRIGGERS) else value
        assert expected in cells, (text.name, expected)


def test_monthly_report_keeps_hostile_text_inert(injected):
    base, run = injected
    out = base / "通报.xlsx"
    run("report", "monthly", "--period", "2026-10", "--out", out, "--no-save")
    _contains(_xlsx_texts(out), NAMES | PROBLEMS, out.name)


def test_problem_sheet_keeps_hostile_text_inert(injected):
    base, run = injected
    out = base / "问题清单.xlsx"
    run("problem", "sheet", "--as-of", "2026-11-20", "--out", out)
    _contains(_xlsx_texts(out), NAMES | PROBLEMS, out.name)


@pytest.mark.skipif(importlib.util.find_spec("projledger.cli.template") is None,
                    reason="the template command (projledger.cli.template) is not in this tree yet")
def test_template_keeps_hostile_text_inert(injected):
    base, run = injected
    out = base / "模板.xlsx"
    run("template", "--township", "城关镇", "--period", "2026-11", "--out", out)
    _contains(_xlsx_texts(out), NAMES, out.name)
