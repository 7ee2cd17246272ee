"""Layout corpus (SPEC §4b): sheets beyond the listed layouts, understood or refused as a staffer would.

The pairs live in ``tests/data/corpus/`` (made by ``make_corpus.py`` there; its README has one
line per layout).  Each ``NAME.expected.json`` has the shape of the golden pairs of
``tests/data/`` — import steps with their summaries and warnings, then the projects, problems
and progress records the ledger must hold, all typed by hand from the sheet — plus, for a
layout the import must refuse, a step with ``"exit": 1`` and the errors it must report (sheet,
row, column where given; every ``message_all`` substring; at least one ``message_any``
substring, the part that says what to change).  A refused file must leave the ledger exactly
as it was.  ``import FILE --explain --json`` must read every corpus file, refused or not,
and write nothing.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "data" / "corpus"
CASES = sorted(CORPUS.glob("*.expected.json"))
IDS = [p.name.split(".")[0] for p in CASES]


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _table_counts(db_path: Path) -> dict:
    con = sqlite3.connect(db_path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                            " AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


@pytest.fixture
def ledger(cli):
    """A fresh ledger holding the townships and departments the corpus sheets name."""
    cli("unit", "import", CORPUS / "units.csv")
    return cli


def _import_json(cli, source: Path, args: list, expect: int) -> dict:
    result = cli("import", source, *args, "--json", expect=expect)
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"import --json 没有输出 JSON（退出码 {result.exit_code}）\n"
                             f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}") from None


# ---------------------------------------------------------------- the corpus itself


def test_corpus_has_at_least_15_layouts_each_decided_and_listed():
    assert len(CASES) >= 15
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    for path in CASES:
        expected = _load(path)
        assert expected["decision"] in ("understood", "refused"), path.name
        imports = [s for s in expected["steps"] if "import" in s]
        assert imports, path.name
        for one in imports:
            assert (CORPUS / one["import"]).exists(), one["import"]
            assert f"`{one['import']}`" in readme
        refused = [s for s in imports if s.get("exit") == 1]
        assert bool(refused) == (expected["decision"] == "refused"), path.name
        for one in refused:  # a refusal must say what to change, and where
            assert one["errors"] and all(e["message_any"] and e.get("sheet") for e in one["errors"])


def test_committed_corpus_is_what_make_corpus_writes(tmp_path):
    """Editing a case without rerunning the script (or the reverse) is caught here."""
    pytest.importorskip("xlwt")
    import subprocess
    import sys

    subprocess.run([sys.executable, str(CORPUS / "make_corpus.py"), str(tmp_path)], check=True,
                   capture_output=True, timeout=120)
    made = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in CORPUS.iterdir() if p.is_file() and p.name != "make_corpus.py")
    assert made == committed
    changed = [name for name in made if _content(tmp_path / name) != _content(CORPUS / name)]
    assert not changed, f"请运行 python tests/data/corpus/make_corpus.py 重新生成：{changed}"


def _content(path: Path):
    """Text files byte for byte; workbooks by the cells calamine reads from every sheet (so
    another openpyxl/xlwt release, writing other XML for the same cells, is not a difference)."""
    if path.suffix not in (".xlsx", ".xls"):
        return path.read_bytes()
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return [(m.name, str(m.visible), book.get_sheet_by_name(m.name).to_python()) for m in book.sheets_metadata]


# ---------------------------------------------------------------- replay


@pytest.mark.parametrize("expected_path", CASES, ids=IDS)
def test_layout(ledger, expected_path):
    expected = _load(expected_path)
    for number, step in enumerate(expected["steps"], start=1):
        if "run" in step:
            ledger(*step["run"])
        elif step.get("exit") == 1:
            _check_refusal(ledger, step)
        else:
            _check_import(ledger, step, number)
    _check_projects(ledger, expected)
    _check_problems(ledger, expected["problems"])
    for name, records in expected["progress"].items():
        shown = ledger.json("project", "show", name)["progress"]
        assert [{k: r[k] for k in records[0]} for r in shown] == records, name


def _check_import(cli, step: dict, number: int) -> None:
    summary = _import_json(cli, CORPUS / step["import"], step["args"], expect=0)
    (got,) = summary["files"]
    assert summary["committed"] is True, got["errors"]
    assert got["errors"] == []
    assert {k: got[k] for k in step["summary"]} == step["summary"], f"第{number}步"
    assert len(got["warnings"]) == len(step["warnings"]), got["warnings"]
    unmatched = [words for words in step["warnings"]
                 if not any(all(w in warning for w in words) for warning in got["warnings"])]
    assert not unmatched, (unmatched, got["warnings"])


def _check_refusal(cli, step: dict) -> None:
    before = _table_counts(cli.db_path)
    summary = _import_json(cli, CORPUS / step["import"], step["args"], expect=1)
    (got,) = summary["files"]
    assert summary["committed"] is False and got["committed"] is False
    assert got["created"] == got["updated"] == got["problems_added"] == 0
    for want in step["errors"]:
        where = {k: want[k] for k in ("sheet", "row", "column") if k in want}
        found = [e for e in got["errors"]
                 if {k: e.get(k) for k in where} == where
                 and all(w in e["message"] for w in want["message_all"])
                 and any(w in e["message"] for w in want["message_any"])]
        assert found, (want, got["errors"])
    assert _table_counts(cli.db_path) == before  # nothing written, not even half


def _check_projects(cli, expected: dict) -> None:
    listed = cli.json("project", "list", "--year", str(expected["year"]))
    by_key = {(p["township"], p["name"]): p for p in listed}
    assert len(listed) == len(by_key)
    assert sorted(by_key) == sorted((p["township"], p["name"]) for p in expected["projects"])
    for want in expected["projects"]:
        got = by_key[(want["township"], want["name"])]
        assert {k: got[k] for k in want} == want, want["name"]


def _check_problems(cli, expected: list) -> None:
    listed = cli.json("problem", "list")
    by_key = {(p["project_name"], p["text"]): p for p in listed}
    assert len(listed) == len(by_key) == len(expected), [(p["project_name"], p["text"]) for p in listed]
    assert sorted(by_key) == sorted((p["project_name"], p["text"]) for p in expected)
    for want in expected:
        assert {k: by_key[(want["project_name"], want["text"])][k] for k in want} == want


# ---------------------------------------------------------------- --explain


@pytest.mark.parametrize("expected_path", CASES, ids=IDS)
def test_explain_reads_every_corpus_file_and_writes_nothing(ledger, expected_path):
    """``--explain --json`` on every corpus file: JSON naming each sheet of the workbook and, for
    an understood layout, how many projects each sheet gives (``files[].sheets[]`` with ``name``,
    ``imported``, ``projects``); nothing written.  An understood layout exits 0; a refused one
    may exit 1 (its errors are data errors) but must still be explained."""
    expected = _load(expected_path)
    for step in expected["steps"]:
        if "import" not in step:
            continue
        before = _table_counts(ledger.db_path)
        result = ledger("import", CORPUS / step["import"], *step["args"], "--explain", "--json", expect=None)
        allowed = (0, 1) if step.get("exit") == 1 else (0,)
        assert result.exit_code in allowed, (result.exit_code, result.stdout, result.stderr)
        try:
            explained = json.loads(result.stdout)
        except json.JSONDecodeError:
            raise AssertionError(f"--explain --json 没有输出 JSON\nstdout:\n{result.stdout}\n"
                                 f"stderr:\n{result.stderr}") from None
        shown = json.dumps(explained, ensure_ascii=False)
        for name in step["sheets"]:
            assert name in shown, (name, shown[:2000])
        sheets = {s["name"]: s for f in explained["files"] for s in f["sheets"]}
        for name, projects in step.get("explain_projects", {}).items():  # what the staffer reads first
            assert sheets[name]["projects"] == projects, (name, sheets[name])
            assert sheets[name]["imported"] is bool(projects), (name, sheets[name])
        assert _table_counts(ledger.db_path) == before
