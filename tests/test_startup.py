"""Start-up: commands load when named, from an index that must match COMMAND_MODULES."""

from __future__ import annotations

import subprocess
import sys


def test_command_index_is_up_to_date():
    from projledger.cli.command_index import COMMANDS
    from projledger.cli.lazy import generate_index
    from projledger.cli.main import COMMAND_MODULES

    fresh: dict = {}
    exec(generate_index(list(COMMAND_MODULES)), fresh)  # noqa: S102 - our own generated table
    assert fresh["COMMANDS"] == COMMANDS, "run: python -m projledger.cli.lazy"


def _imported_after(args: list[str]) -> set[str]:
    code = ("import sys, io, contextlib\n"
            "from projledger.cli.main import app\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n"
            f"        app({args!r}, prog_name='projledger')\n"
            "    except SystemExit:\n"
            "        pass\n"
            "print(' '.join(m for m in sys.modules if m.startswith('projledger.cli.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_help_lists_every_command_without_loading_one():
    loaded = _imported_after(["--help"])
    assert loaded <= {"projledger.cli.main", "projledger.cli.common", "projledger.cli.render",
                      "projledger.cli.lazy", "projledger.cli.command_index", "projledger.cli.help_zh"}
    result = subprocess.run([sys.executable, "-m", "projledger", "--help"], capture_output=True, text=True)
    for name in ("init", "deadline", "unit", "report", "reserve", "plan", "warn"):
        assert f"\n  {name} " in result.stdout


def test_a_command_loads_only_its_own_module():
    loaded = _imported_after(["deadline", "--help"])
    assert "projledger.cli.calendar" in loaded
    assert not {"projledger.cli.report", "projledger.cli.reserve", "projledger.cli.importer"} & loaded
