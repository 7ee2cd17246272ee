"""Environment faults (SPEC §9, §10): read-only ledger, full disk, missing directory, LANG=C.

Each command runs as a real child process with no TTY (stdin from /dev/null, output piped),
as cron runs it.  Expected: a clear Chinese message on stderr, the exit status of SPEC §9,
never a traceback, the ledger unchanged (``PRAGMA integrity_check`` ok), and an output file
of the same name left byte-for-byte as it was.

How the faults are made (this runs as root in CI, and root ignores file permissions):

* **read-only ledger**: ``chattr +i`` on the file (immutable: even root cannot write it),
  or ``chmod 444`` when not root; a read-only *filesystem* through a read-only bind mount in
  a private mount namespace (``unshare -m``) when that is allowed.  Skipped with the reason
  when neither works.
* **full disk**: a tmpfs (the ledger's size + 1 MB) mounted in a private mount namespace (``unshare -m``), filled
  until about 20 KB are free — a real ``ENOSPC``; and, everywhere, ``RLIMIT_FSIZE``
  (``ulimit -f``) on the child, which makes writes past the limit fail with ``EFBIG``.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import gen_county

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _counts(db: Path) -> tuple:
    conn = sqlite3.connect(str(db))
    try:
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("projects", "progress", "problems", "audit", "ranking_snapshots"))
    finally:
        conn.close()


def _failed_cleanly(done: subprocess.CompletedProcess, code: int = 1, *words: str) -> None:
    assert done.returncode == code, (done.returncode, done.stdout[-500:], done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("错误："), done.stderr
    for word in words:
        assert word in done.stderr, (word, done.stderr)


def _no_temp_files(directory: Path) -> None:
    leftovers = [p.name for p in directory.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]
    assert leftovers == [], leftovers


# -------------------------------------------------------------- read-only ledger


@pytest.fixture
def read_only_ledger(two_month_county, tmp_path):
    """A copy of the September ledger made unwritable; yields (path, how)."""
    db = gen_county.copy_ledger(two_month_county[0], tmp_path / "ro.db")
    if IS_ROOT:
        if shutil.which("chattr") is None:
            pytest.skip("running as root (permissions are ignored) and chattr is not available")
        made = subprocess.run(["chattr", "+i", str(db)], capture_output=True, text=True)
        if made.returncode != 0:
            pytest.skip(f"running as root and chattr +i is not supported here: {made.stderr.strip()}")
        how = "chattr +i"
    else:
        db.chmod(0o444)
        how = "chmod 444"
    try:
        yield db, how
    finally:
        if IS_ROOT:
            subprocess.run(["chattr", "-i", str(db)], check=False)
        db.chmod(0o644)


def test_read_only_ledger_refuses_writes_and_still_reads(read_only_ledger, two_month_county, tmp_path):
    db, _how = read_only_ledger
    before = _counts(db)
    october = two_month_county[1]
    out = tmp_path / "projects.csv"
    done, added, reader = gen_county.projledger_many(db, [
        ("import", october[0].path),
        ("problem", "add", gen_county.project_code(0, 1), "--text", "只读时登记", "--reported", "2026-10-20"),
        ("export", "projects", "--out", out),
    ])
    _failed_cleanly(done, 1, "只读", "未写入")
    _failed_cleanly(added, 1, "只读")
    assert reader.returncode == 0 and out.exists(), reader.stderr
    assert _counts(db) == before and gen_county.integrity(db) == ["ok"]


def test_read_only_message_names_the_ledger_file(read_only_ledger):
    db, _how = read_only_ledger
    done = gen_county.projledger(db, "problem", "add", gen_county.project_code(0, 1), "--text", "x",
                                 "--reported", "2026-10-20")
    _failed_cleanly(done, 1, "只读", db.name)


def _can_unshare_mount() -> str | None:
    """None when a private mount namespace with mounts works here, else the reason."""
    if not IS_ROOT or shutil.which("unshare") is None:
        return "needs root and unshare(1) to mount a private filesystem"
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True, text=True)
    return None if probe.returncode == 0 else f"mounting is not allowed here: {probe.stderr.strip()}"


NO_MOUNT = _can_unshare_mount()


@pytest.mark.skipif(NO_MOUNT is not None, reason=NO_MOUNT or "")
def test_ledger_on_a_read_only_filesystem(two_month_county, tmp_path):
    """Say a USB stick with its write-protect switch on: one clear error, no traceback."""
    folder = tmp_path / "stick"
    folder.mkdir()
    db = gen_county.copy_ledger(two_month_county[0], folder / "ro.db")
    script = ('mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && '
              'exec "$@"')
    done = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", str(folder), sys.executable, "-m",
                           "projledger", "--db", str(db), "problem", "add", gen_county.project_code(0, 1),
                           "--text", "x", "--reported", "2026-10-20"],
                          capture_output=True, text=True, env=gen_county.child_env(), stdin=subprocess.DEVNULL,
                          timeout=60)
    _failed_cleanly(done, 1, db.name)
    assert gen_county.integrity(db) == ["ok"]


# -------------------------------------------------------------- full disk

_TINY_DISK = r"""
set -u
mount -t tmpfs -o "size=${SIZE_KB}k" tmpfs "$MNT" || exit 97
cp "$DB" "$MNT/l.db"
cd "$MNT"
run() { name=$1; shift; python -m projledger --db l.db "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"; echo "$name=$?" >>"$OUT/rc"; }
run export_ok export projects --format csv --out old.csv
cp old.csv "$OUT/old.csv"
run report_ok report monthly --period 2026-09 --out old.xlsx --no-save
cp old.xlsx "$OUT/old.xlsx"
python -c "import os; s = os.statvfs('.'); open('fill', 'wb').write(bytes(max(s.f_bavail * s.f_frsize - 20000, 0)))"
run import import "$@"
run export_full export projects --format csv --out old.csv
run report_full report monthly --period 2026-09 --out old.xlsx
run backup_full backup copy.db
ls -a >"$OUT/listing"
cp old.csv "$OUT/after.csv"; cp old.xlsx "$OUT/after.xlsx"; cp l.db "$OUT/l.db"
"""


@pytest.mark.skipif(NO_MOUNT is not None, reason=NO_MOUNT or "")
def test_full_disk_tmpfs(two_month_county, tmp_path):
    """A real ENOSPC: import, export, report and backup fail cleanly; nothing half-written."""
    september_db, october = two_month_county
    out, mnt = tmp_path / "out", tmp_path / "mnt"
    out.mkdir()
    mnt.mkdir()
    before = _counts(september_db)
    size_kb = september_db.stat().st_size // 1024 + 1024  # the ledger plus 1 MB, most of it then filled
    env = gen_county.child_env(MNT=str(mnt), DB=str(september_db), OUT=str(out), SIZE_KB=str(size_kb))
    done = subprocess.run(["unshare", "-m", "sh", "-c", _TINY_DISK, "sh", *[str(f.path) for f in october[:2]]],
                          capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=120)
    assert done.returncode == 0, done.stderr
    codes = dict(line.split("=") for line in (out / "rc").read_text().split())
    assert codes == {"export_ok": "0", "report_ok": "0", "import": "1", "export_full": "1",
                     "report_full": "1", "backup_full": "1"}, (codes, done.stderr)
    for name in ("import", "export_full", "report_full", "backup_full"):
        err = (out / f"{name}.err").read_text("utf-8")
        assert err.startswith("错误：") and "Traceback" not in err, (name, err)
    assert "磁盘已满" in (out / "import.err").read_text("utf-8")
    assert (out / "after.csv").read_bytes() == (out / "old.csv").read_bytes()
    assert (out / "after.xlsx").read_bytes() == (out / "old.xlsx").read_bytes()
    listing = (out / "listing").read_text().split()
    assert "copy.db" not in listing and not [n for n in listing if n.endswith(".tmp")], listing
    assert gen_county.integrity(out / "l.db") == ["ok"]
    assert _counts(out / "l.db") == before


def _file_size_limit(limit: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_full_disk_file_size_limit(two_month_county, tmp_path):
    """ulimit -f: the import's WAL and the export's temporary file hit EFBIG."""
    september_db, october = two_month_county
    db = gen_county.copy_ledger(september_db, tmp_path / "fsize.db")
    before = _counts(db)
    old = tmp_path / "projects.csv"
    first = gen_county.projledger(db, "export", "projects", "--format", "csv", "--out", old)
    assert first.returncode == 0, first.stderr
    old_bytes = old.read_bytes()
    limit = 40 * 1024  # above the 32 KB -shm file, below the export and the import's WAL
    assert len(old_bytes) > limit
    imported = gen_county.projledger(db, "import", october[0].path, preexec_fn=_file_size_limit(limit))
    _failed_cleanly(imported, 1, "磁盘已满或读写失败")
    again = gen_county.projledger(db, "export", "projects", "--format", "csv", "--out", old,
                                  preexec_fn=_file_size_limit(limit))
    _failed_cleanly(again, 1, "原有文件未改动", old.name)
    assert old.read_bytes() == old_bytes
    _no_temp_files(tmp_path)
    assert _counts(db) == before and gen_county.integrity(db) == ["ok"]


# -------------------------------------------------------------- missing directory, LANG=C


def test_missing_output_directory_everywhere(two_month_county, tmp_path):
    db = gen_county.copy_ledger(two_month_county[0], tmp_path / "dirs.db")
    before = _counts(db)
    missing = tmp_path / "没有这个目录"
    commands = {
        "export": ("export", "projects", "--out", missing / "p.xlsx"),
        "report": ("report", "monthly", "--period", "2026-09", "--out", missing / "r.xlsx"),
        "backup": ("backup", missing / "b.db"),
        "problem sheet": ("problem", "sheet", "--out", missing / "q.xlsx", "--as-of", "2026-10-31"),
    }
    import importlib.util

    if importlib.util.find_spec("projledger.cli.template") is not None:
        commands["template"] = ("template", "--township", october_township(two_month_county), "--period",
                                "2026-11", "--out", missing / "t.xlsx")
    import typer
    from click.testing import CliRunner

    from projledger.cli.main import app

    command, runner = typer.main.get_command(app), CliRunner()
    for what, args in commands.items():
        result = runner.invoke(command, ["--db", str(db), *map(str, args)], catch_exceptions=False)
        assert result.exit_code == 1, (what, result.stdout, result.stderr)
        assert result.stderr.startswith("错误：") and "不存在" in result.stderr and missing.name in result.stderr, (
            what, result.stderr)
    assert not missing.exists()
    assert _counts(db) == before  # the report did not save its ranking either


def october_township(two_month_county) -> str:
    return two_month_county[1][0].township


C_LOCALE = {"LANG": "C", "LC_ALL": "C", "TERM": "dumb"}


def test_lang_c_without_tty_gives_chinese_messages_and_spec_exit_codes(two_month_county, tmp_path):
    db = gen_county.copy_ledger(two_month_county[0], tmp_path / "c.db")
    env = gen_county.child_env(**C_LOCALE)
    cases = [
        (("problem", "add", "没有这个项目", "--text", "x"), 1, "没有这个项目"),
        (("report", "monthly", "--period", "2026-13"), 2, "2026-13"),
        (("import", tmp_path / "没有这个文件.xlsx"), 1, "没有这个文件.xlsx"),
    ]
    *done, listed = gen_county.projledger_many(db, [args for args, _, _ in cases] + [("unit", "list", "--json")],
                                               env=env)
    for (args, code, word), result in zip(cases, done):
        _failed_cleanly(result, code, word)
    assert listed.returncode == 0 and json.loads(listed.stdout)[0]["name"], listed.stderr


def test_usage_errors_from_the_parser_are_chinese(two_month_county, tmp_path):
    db = gen_county.copy_ledger(two_month_county[0], tmp_path / "u.db")
    done = gen_county.projledger(db, "report", "monthly", env=gen_county.child_env(**C_LOCALE))
    assert done.returncode == 2
    assert "错误：" in done.stderr and "--period" in done.stderr, done.stderr


def test_json_output_survives_an_ascii_locale(two_month_county, tmp_path):
    db = gen_county.copy_ledger(two_month_county[0], tmp_path / "a.db")
    env = gen_county.child_env(**C_LOCALE, PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    done = gen_county.projledger(db, "unit", "list", "--json", env=env)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert json.loads(done.stdout)[0]["name"]


def test_exported_files_follow_the_umask(two_month_county, tmp_path):
    db = gen_county.copy_ledger(two_month_county[0], tmp_path / "m.db")
    out = tmp_path / "projects.csv"
    old = os.umask(0o022)
    try:
        done = gen_county.projledger(db, "export", "projects", "--out", out)
    finally:
        os.umask(old)
    assert done.returncode == 0, done.stderr
    assert out.stat().st_mode & 0o777 == 0o644
