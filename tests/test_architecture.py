"""The floors of the house: nothing imports upward (read from the source with ast, nothing imported).

Floors, bottom to top:

0. **pure** — values and rules on plain records: no database, no files, no settings
   (period, money, text, errors, dates, holidays, workdays, scoring, cards, sheets/values,
   sheets/column_parsers);
1. **base** — the store (``store/``) and the plumbing beside it (fileio, resources);
2. **domain** — one concept per module, holding the SQL (units, projects, ranking, sheets …);
3. **reports** — writers: they lay out the records they are given; no store import, no SQL;
4. **cli** — parse, call the library, render.

A module may import from its own floor or a lower one.  Imports under ``if TYPE_CHECKING:``
are annotations only and do not count.  Known violations in files whose owners have not
moved them yet are listed in :data:`ALLOWED`, by file: a new violation fails, and so does an
entry that no longer occurs (strike it when the file is fixed) — the list only shrinks.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "projledger"

PURE, BASE, DOMAIN, REPORTS, CLI, TOP = range(6)
FLOOR_NAMES = {PURE: "pure", BASE: "base", DOMAIN: "domain", REPORTS: "reports", CLI: "cli", TOP: "package"}
PURE_MODULES = {"period", "money", "text", "errors", "dates", "holidays", "workdays", "scoring", "cards", "labels",
                "sheets.values", "sheets.column_parsers"}
BASE_MODULES = {"fileio", "resources"}

#: (importing module, imported module) pairs still to be fixed, each in its owner's file.
ALLOWED = {
    ("store", "settings"),                     # Ledger.settings() loads them (store/__init__.py)
    ("sheets.column_parsers", "projects"),     # unit/code resolution in a pure parser
    ("sheets.column_parsers", "sheets.columns"),
    ("report_data", "reports.problem_sheet"),  # problem_sheet_rows / item_sheet_rows gather data
}


def floor_of(module: str) -> int:
    if module in ("", "__init__", "__main__"):
        return TOP
    if module in PURE_MODULES:
        return PURE
    if module in BASE_MODULES or module == "store" or module.startswith("store."):
        return BASE
    if module.startswith("reports"):
        return REPORTS
    if module.startswith("cli"):
        return CLI
    return DOMAIN


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports_of(path: Path) -> set[str]:
    """Every projledger module ``path`` imports (relative to the package), type-only ones aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                names = [".".join(["projledger", *base, *(node.module.split(".") if node.module else [])])]
            else:
                names = [node.module or ""]
        else:
            continue
        for name in names:
            if name == "projledger" or not name.startswith("projledger."):
                continue
            found.add(name.removeprefix("projledger."))
    return found


def _known(imported: str, modules: set[str]) -> str:
    """``store.db`` stays ``store.db``; ``cli.common.console`` (an attribute) → ``cli.common``."""
    while imported and imported not in modules:
        imported = imported.rpartition(".")[0]
    return imported


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in SRC.rglob("*.py")}


def violations() -> set[tuple[str, str]]:
    modules = all_modules()
    found = set()
    for name, path in modules.items():
        mine = floor_of(name)
        for imported in imports_of(path):
            target = _known(imported, set(modules))
            if not target or target == name:
                continue
            if floor_of(target) > mine:
                found.add((name, target))
    return found


def test_nothing_imports_upward():
    found = violations()
    new = sorted(found - ALLOWED)
    assert not new, "imports upward:\n" + "\n".join(
        f"  {a} ({FLOOR_NAMES[floor_of(a)]}) imports {b} ({FLOOR_NAMES[floor_of(b)]})" for a, b in new)


def test_the_allow_list_only_shrinks():
    stale = sorted(ALLOWED - violations())
    assert not stale, f"fixed — strike from ALLOWED: {stale}"


_SQL = re.compile(r"""["'](?:SELECT|INSERT|UPDATE|DELETE)\s""")

#: report writers or commands that still run queries (to move into a domain module)
SQL_IN_REPORTS: set[str] = set()


def test_writers_and_commands_hold_no_sql():
    with_sql = {name for name, path in all_modules().items()
                if floor_of(name) in (REPORTS, CLI) and _SQL.search(path.read_text(encoding="utf-8"))}
    assert with_sql <= SQL_IN_REPORTS, f"SQL outside the domain: {sorted(with_sql - SQL_IN_REPORTS)}"
    assert SQL_IN_REPORTS <= with_sql, f"no SQL any more — strike: {sorted(SQL_IN_REPORTS - with_sql)}"


def test_pure_modules_import_no_store():
    for name, path in all_modules().items():
        if floor_of(name) == PURE:
            assert not {i for i in imports_of(path) if i == "store" or i.startswith("store.")}, name


def test_the_walk_sees_imports():
    """The checker itself: a known import is found, relative and inside functions too."""
    found = imports_of(SRC / "cli" / "report.py")
    assert "cli.common" in found and "report_data" in found  # top level and inside a function
    assert floor_of("cli.report") == CLI and floor_of("scoring") == PURE and floor_of("store.db") == BASE


def test_writers_do_not_open_the_store():
    """Report writers get records; they never import the store (nor run SQL, above)."""
    for name, path in all_modules().items():
        if floor_of(name) == REPORTS:
            assert not {i for i in imports_of(path) if i == "store" or i.startswith("store.")}, name
