"""Issue 13, outputs: no ``--out`` (or backup) can destroy the ledger or a device (SPEC §10).

Every command that writes a file goes through :func:`projledger.fileio.safe_output` (via the
atomic writer): the ledger itself, its ``-wal``/``-shm``, a link to it, a directory and any
non-regular file are refused with exit 1, leaving the target exactly as it was; a replaced
output never inherits setuid/setgid/sticky bits.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest

from projledger.errors import DataError
from projledger.fileio import safe_output

WRITERS = {  # command -> arguments before --out
    "report monthly": ("report", "monthly", "--period", "2026-10", "--no-save"),
    "export": ("export", "projects", "--format", "xlsx"),
    "problem sheet": ("problem", "sheet", "--as-of", "2026-11-20"),
    "template": ("template", "--township", "城关镇", "--period", "2026-11"),
}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def ledger(county, db_path):
    county("project", "add", "--name", "城关镇道路项目", "--township", "城关镇", "--department", "县发改局")
    other = sqlite3.connect(db_path)  # another user of the ledger: its -wal and -shm stay
    other.execute("SELECT count(*) FROM projects").fetchone()
    yield county
    other.close()


@pytest.mark.parametrize("command", sorted(WRITERS))
@pytest.mark.parametrize("target", ["", "-wal", "-shm"])
def test_no_writer_can_overwrite_the_ledger_or_its_wal(ledger, db_path, command, target):
    dest = Path(f"{db_path}{target}")
    before = _digest(dest)
    out = dest
    if command == "template":  # it insists on .xlsx: reach the ledger through a link of that name
        out = dest.with_name(f"link{target}.xlsx")
        out.symlink_to(dest)
    result = ledger(*WRITERS[command], "--out", out, expect=1)
    assert "台账数据库本身或其附属文件" in result.stderr and "Traceback" not in result.stderr
    assert _digest(dest) == before
    assert ledger.json("project", "list")[0]["name"] == "城关镇道路项目"


def test_links_to_the_ledger_and_backup_onto_it_are_refused(ledger, db_path, tmp_path):
    before = _digest(db_path)
    (tmp_path / "link.xlsx").symlink_to(db_path)
    os.link(db_path, tmp_path / "hard.xlsx")
    for dest in (tmp_path / "link.xlsx", tmp_path / "hard.xlsx"):
        result = ledger("export", "projects", "--format", "xlsx", "--out", dest, expect=1)
        assert "台账数据库本身" in result.stderr
    assert "台账数据库本身" in ledger("backup", db_path, "--force", expect=1).stderr
    assert _digest(db_path) == before


def test_a_directory_or_special_file_is_never_replaced(ledger, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    result = ledger("export", "projects", "--format", "csv", "--out", fifo, expect=1)
    assert "不是普通文件" in result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    (tmp_path / "out.xlsx").mkdir()  # (report monthly and problem sheet save *into* a directory)
    result = ledger("export", "projects", "--format", "xlsx", "--out", tmp_path / "out.xlsx", expect=1)
    assert "是一个目录" in result.stderr
    assert (tmp_path / "out.xlsx").is_dir()


def test_dev_null_is_refused_without_writing(ledger):
    """As root, os.replace would have swapped /dev/null for a regular file; the check comes first."""
    with pytest.raises(DataError, match="不是普通文件"):
        safe_output("/dev/null")
    result = ledger("export", "projects", "--format", "csv", "--out", "/dev/null", expect=1)
    assert "不是普通文件" in result.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_device_node_made_for_the_test_is_left_alone(ledger, tmp_path):
    node = tmp_path / "null.xlsx"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError):
        pytest.skip("cannot create a device node here (needs CAP_MKNOD)")
    result = ledger("report", "monthly", "--period", "2026-10", "--no-save", "--out", node, expect=1)
    assert "不是普通文件" in result.stderr
    assert stat.S_ISCHR(os.stat(node).st_mode)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_special_permission_bits_are_never_copied(ledger, tmp_path):
    out = tmp_path / "项目.xlsx"
    out.write_bytes(b"old")
    os.chmod(out, 0o6755 | stat.S_ISVTX)
    ledger("export", "projects", "--format", "xlsx", "--out", out)
    mode = stat.S_IMODE(os.stat(out).st_mode)
    assert mode == 0o755, oct(mode)


def test_a_normal_output_is_still_written(ledger, tmp_path):
    out = tmp_path / "项目.csv"
    ledger("export", "projects", "--format", "csv", "--out", out)
    assert "城关镇道路项目" in out.read_text(encoding="utf-8-sig")
