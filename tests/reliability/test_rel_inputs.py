"""Issue 13, inputs: every file argument goes through one safe opening (``fileio.open_input``).

``calendar import /dev/zero`` once ended in a MemoryError traceback, a FIFO hung the
command, ``unit import <directory>`` raised IsADirectoryError and an unreadable file got an
English usage error with exit 2.  Now each is one Chinese message and exit 1, quickly.  The
commands run as child processes with a timeout, so a hang fails the test instead of the suite.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import gen_county

COMMANDS = {
    "calendar import": ("calendar", "import"),
    "unit import": ("unit", "import"),
    "import --headers": ("import", "{valid}", "--township", "城关镇", "--period", "2026-10", "--headers"),
    "import": ("import", "--township", "城关镇", "--period", "2026-10"),
    "import --kind reserve": ("import", "--kind", "reserve"),
}


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    d = tmp_path_factory.mktemp("inputs")
    db = gen_county.init_ledger(d / "ledger.db", ["城关镇"])
    valid = d / "城关镇.csv"
    valid.write_text("城关镇2026年10月重点项目推进情况表\n序号,项目名称,总投资（万元）\n1,城关镇道路项目,100\n",
                     encoding="utf-8")
    fifo = d / "管道.csv"
    os.mkfifo(fifo)
    (d / "目录.csv").mkdir()
    big = d / "巨大.csv"
    with big.open("wb") as handle:
        handle.truncate(300 * 1024 * 1024)  # sparse: 300 MB declared, no disk used
    return db, valid, {"/dev/zero": Path("/dev/zero"), "fifo": fifo, "directory": d / "目录.csv",
                       "oversized": big, "missing": d / "没有.csv"}


WORDS = {"/dev/zero": "不是普通文件", "fifo": "不是普通文件", "directory": "是一个目录", "oversized": "过大",
         "missing": "不存在"}


def _in_process(db: Path, *args):
    """``projledger`` in this process: fast, for the cases that cannot hang."""
    import typer
    from click.testing import CliRunner

    from projledger.cli.main import app

    result = CliRunner().invoke(typer.main.get_command(app), ["--db", str(db), *map(str, args)],
                                catch_exceptions=False)
    return result.exit_code, result.stderr


@pytest.mark.parametrize("kind", sorted(WORDS))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_special_files_are_one_chinese_error(setup, command, kind):
    db, valid, files = setup
    args = [a.format(valid=valid) for a in COMMANDS[command]]
    if kind == "fifo":  # a regression would hang: a child process with a timeout
        done = gen_county.projledger(db, *args, files[kind], timeout=60)
        code, stderr = done.returncode, done.stderr
    else:
        code, stderr = _in_process(db, *args, files[kind])
    assert code == 1, (code, stderr)
    assert stderr.startswith("错误：") and "Traceback" not in stderr, stderr
    assert WORDS[kind] in stderr, stderr


def test_a_headers_setting_naming_a_device_is_one_error(setup, tmp_path):
    db, valid, _files = setup
    copy = gen_county.copy_ledger(db, tmp_path / "ledger.db")
    assert _in_process(copy, "config", "set", "import_headers_file", "/dev/zero")[0] == 0
    code, stderr = _in_process(copy, "import", valid, "--township", "城关镇", "--period", "2026-10")
    assert code == 1 and "表头同义词文件" in stderr and "不是普通文件" in stderr, stderr


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_is_exit_1_in_chinese(setup, tmp_path):
    db, _valid, _files = setup
    locked = tmp_path / "locked.csv"
    locked.write_text("date,kind,note\n", encoding="utf-8")
    locked.chmod(0)
    for args in (("calendar", "import"), ("unit", "import")):
        done = gen_county.projledger(db, *args, locked, timeout=60)
        assert done.returncode == 1 and "没有读取权限" in done.stderr, done.stderr


def test_open_input_reads_a_normal_file_and_refuses_growth_past_the_limit(tmp_path):
    from projledger.errors import DataError
    from projledger.fileio import open_input

    small = tmp_path / "a.csv"
    small.write_bytes(b"x" * 100)
    assert open_input(small, max_bytes=100, what="文件") == b"x" * 100
    with pytest.raises(DataError, match="过大"):
        open_input(small, max_bytes=99, what="文件")
