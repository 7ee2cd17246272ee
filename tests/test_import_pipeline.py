"""The import pipeline's shape (issue 12): records in one module, no cycle, no climb back up,
one column declaration per field, and the readers behind one interface.

Read from the source with ``ast``, so the check needs no import of the modules themselves.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "projledger"
SHEETS = SRC / "sheets"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("projledger"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("projledger"))
    return found


def _sheet_graph() -> dict[str, set[str]]:
    modules = {p.stem for p in SHEETS.glob("*.py") if p.stem != "__init__"}
    return {m: {i.split(".")[2] for i in _imports(SHEETS / f"{m}.py")
                if i.startswith("projledger.sheets.") and i.split(".")[2] in modules} - {m}
            for m in modules}


def test_no_import_cycle_between_the_sheet_modules():
    graph = _sheet_graph()
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            assert state.get(nxt) != 1, " → ".join([*trail, node, nxt])
            if nxt not in state:
                visit(nxt, [*trail, node])
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [])


def test_nothing_in_sheets_climbs_up_to_the_command_line():
    for path in SHEETS.glob("*.py"):
        assert not any(i.startswith("projledger.cli") for i in _imports(path)), path.name


def test_records_are_defined_once_and_imported_from_their_module():
    records = _imports(SHEETS / "records.py")
    assert not any(i.startswith("projledger.sheets.") for i in records)  # the bottom of the pipeline
    for path in SHEETS.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.stem != "records":
            assert "class RowError" not in text and "class ImportedRow" not in text and "class FileResult" not in text
            assert "__all__" not in text or not any(f'"{n}"' in text.split("__all__", 1)[1].split("]", 1)[0]
                                                    for n in ("RowError", "ImportedRow", "FileResult")), path.name


def test_column_parsers_resolve_no_units():
    imports = _imports(SHEETS / "column_parsers.py")
    assert not any(i.startswith(("projledger.units", "projledger.store")) for i in imports)
    assert "resolve(" not in (SHEETS / "column_parsers.py").read_text(encoding="utf-8")


def test_every_declared_column_has_synonyms_and_lands_in_the_ledger():
    from projledger.sheets.columns import COLUMNS
    from projledger.sheets.synonyms import load_synonyms

    synonyms = load_synonyms()
    for spec in COLUMNS:
        assert synonyms.get(spec.field), spec.field
        assert spec.targets and all("." in t for t in spec.targets), spec.field


def test_the_readers_share_one_interface_and_the_cli_has_no_fallback_import():
    from projledger.sheets.base import SheetReader
    from projledger.sheets.pipeline import READERS

    assert [r.name for r in READERS] == ["reserve", "township"]
    for reader in READERS:
        assert isinstance(reader, SheetReader)
        for method in ("detect", "read", "apply"):
            assert getattr(type(reader), method) is not getattr(SheetReader, method), (reader.name, method)
    assert "except ImportError" not in (SRC / "cli" / "importer.py").read_text(encoding="utf-8")


def test_the_year_to_date_rules_live_in_progress_only():
    writer = (SHEETS / "import_writer.py").read_text(encoding="utf-8")
    assert "from projledger.progress import year_to_date, ytd_problem" in writer
    assert "上月累计" not in writer and "少于台账中" not in writer
