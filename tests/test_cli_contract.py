"""The command-line contract: every command has help, bad arguments never give a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer.main
from typer.testing import CliRunner

from projledger.cli.main import app


def leaf_commands(command: click.Command, path=()):
    if hasattr(command, "commands"):  # typer vendors its own click: duck-type the group
        for name, sub in command.commands.items():
            yield from leaf_commands(sub, (*path, name))
    else:
        yield path


ALL_COMMANDS = sorted(leaf_commands(typer.main.get_command(app)))


def test_expected_commands_exist():
    names = {" ".join(p) for p in ALL_COMMANDS}
    for required in ("init", "unit add", "unit list", "project add", "project list", "project show",
                     "project update", "plan set", "progress log", "history", "config show",
                     "config set", "backup", "doctor"):
        assert required in names


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=" ".join)
def test_every_command_has_chinese_help(path):
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.stdout), result.stdout


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("bad", [["--no-such-option"], ["不存在的项目", "2026-13-45", "--json"]])
def test_bad_arguments_never_give_a_traceback(cli, path, bad):
    result = cli(*path, *bad, expect=None)
    assert result.exit_code in (1, 2), (path, bad, result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    said = result.stderr.strip() or ('"errors"' in result.stdout and '"message"' in result.stdout)
    assert said, "an error must say something: on stderr, or in the --json errors"


def test_python_dash_m_and_fast_help_do_not_import_heavy_modules():
    code = ("import sys; from projledger.cli.main import app; "
            "heavy=[m for m in ('openpyxl','python_calamine','pydantic','sqlite_utils') if m in sys.modules]; "
            "print(','.join(heavy))")
    heavy = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert heavy == "", f"imported at start-up: {heavy}"
    result = subprocess.run([sys.executable, "-m", "projledger", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "项目" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["report", "monthly"], "缺少必填的选项 --period"),
    (["project", "add", "--name", "x", "--bogus"], "没有选项 --bogus"),
    (["nosuch"], "没有命令“nosuch”"),
    (["plan", "set", "1", "--year", "abc"], "--year 的值不对：必须是整数"),
    (["project", "list", "extra"], "多余的参数：extra"),
])
def test_usage_errors_are_chinese_and_exit_2(cli, args, message):
    result = cli(*args, expect=2)
    assert message in result.stderr
    assert "Error:" not in result.stderr and "Usage:" not in result.stderr
