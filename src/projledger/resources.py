"""The data files that ship inside the package, read through :mod:`importlib.resources`.

Everything the program reads at run time lives in ``projledger/data/`` and is listed in
:data:`DATA_FILES`; ``pyproject.toml`` ships it as package data, so an editable checkout, a
``pip install .``, a wheel and a pipx install all find the same files, from any directory.
Nothing here builds a path from ``__file__`` or the current directory.

- ``header_synonyms.json`` — township sheet headers (``projledger-header-synonyms/1``);
- ``reserve_headers.json`` — 项目储备库 sheet headers, same shape;
- ``procedure_catalog.json`` — the built-in 前期手续 items and their statutory limits;
- ``serve_metadata.json`` — titles and canned queries of ``projledger serve``;
- ``examples/`` — the example county that ``projledger demo`` runs on.

What a user adds lives outside the package so that an upgrade keeps it: extra header
synonyms in a file named by the ``import_headers_file`` setting (or ``import --headers``),
merged over the built-in file by :func:`projledger.sheets.synonyms.load_synonyms` (the merge
needs the header normalisation, which lives with the import); procedure catalog items in the
ledger (table ``procedure_catalog``, ``procedure catalog add``).  This module sits under the
domain modules and imports none of them.
"""

from __future__ import annotations

import json
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

__all__ = ["DATA_FILES", "EXAMPLE_DIR", "data_path", "read_json", "user_file"]

#: Every file the program reads from the package (relative to ``projledger/data/``).
DATA_FILES = (
    "header_synonyms.json",
    "reserve_headers.json",
    "procedure_catalog.json",
    "serve_metadata.json",
    "examples/units.csv",
)
#: The example county: ``units.csv`` and the township sheets in ``乡镇报表/``.
EXAMPLE_DIR = "examples"


def data_path(name: str) -> Traversable:
    """The packaged data file or folder ``name`` (``"examples/units.csv"``), as a Traversable."""
    node = resources.files("projledger").joinpath("data")
    for part in name.split("/"):
        node = node.joinpath(part)
    return node


def read_json(name: str) -> Any:
    """Parse the packaged JSON file ``name``; a missing file means a broken install."""
    node = data_path(name)
    try:
        text = node.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        from projledger.errors import DataError

        raise DataError(f"安装不完整：程序自带的数据文件“{name}”缺失，请重新安装 projledger") from None
    return json.loads(text)


def user_file(setting: str | None, ledger_path: Path) -> Path | None:
    """A file named in a setting: ``~`` expanded, a relative name taken next to the ledger
    (so a cron job in another directory finds the same file); ``None`` when unset."""
    if not setting:
        return None
    path = Path(setting).expanduser()
    return path if path.is_absolute() else Path(ledger_path).resolve().parent / path
