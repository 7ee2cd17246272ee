"""The CLI runner the tests share: the real Typer app against one ledger file.

Kept out of ``conftest.py`` so test modules can import it by a unique name (``from ledger_cli
import Cli``): with several ``conftest.py`` files in the tree, ``import conftest`` finds
whichever was loaded last.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer.main
from click.testing import CliRunner

from projledger.cli.main import app

__all__ = ["Cli", "COMMAND"]

# Typer builds the click command of an app on every invoke; build it once for the session
# (public API) and run that.  Its sub-commands are loaded when first named, as for users.
COMMAND = typer.main.get_command(app)


class Cli:
    def __init__(self, db_path: Path):
        self.db_path = db_path
        self.runner = CliRunner()

    def __call__(self, *args: str, expect: int | None = 0, env: dict | None = None, input: str | None = None):
        result = self.runner.invoke(COMMAND, ["--db", str(self.db_path), *map(str, args)],
                                    env={"COLUMNS": "200", **(env or {})}, input=input,
                                    catch_exceptions=False)
        if expect is not None and result.exit_code != expect:
            raise AssertionError(
                f"projledger {' '.join(map(str, args))} exited {result.exit_code}, expected {expect}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
        return result

    def json(self, *args: str, expect: int = 0):
        return json.loads(self(*args, "--json", expect=expect).stdout)
