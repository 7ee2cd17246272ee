"""Files in and out: safe output paths, atomic writes, and the one safe way to read an input.

Output (SPEC §10 "no output path can destroy data"):

* :func:`safe_output` is the one check every written file passes: it refuses the ledger
  itself (also through a symlink or a hard link), its ``-wal``/``-shm``/``-journal``, a
  directory, and anything that is not a regular file (``/dev/null`` and other devices,
  FIFOs, sockets) — ``os.replace`` would otherwise swap a device node for a regular file
  when run as root.
* :func:`atomic_path` (and :func:`save_with` on top of it) calls :func:`safe_output` first,
  so every writer built on it is covered without remembering to.  Which ledger to protect:
  the ``ledger_path`` argument when given, else the ledger this process opened last —
  :meth:`projledger.store.Ledger.open` records it with :func:`set_ledger_path`.  The depth
  was chosen so that a new command that writes a file cannot forget the check.
* Everything is written to a temporary file in the target directory and renamed into
  place with :func:`os.replace` (atomic on one filesystem).  A replaced file keeps its old
  permission bits *except* setuid/setgid/sticky, which are never copied; a new file gets
  the umask's mode.  Errors a user can cause — a missing directory, a read-only location,
  a full disk — become Chinese data errors and leave any earlier file untouched.

Input: :func:`open_input` reads a whole small input file (calendar, units, header synonyms,
reserve headers, settings) after checking it is a regular, readable file within a size
limit — so ``/dev/zero``, a FIFO, a directory or an unreadable file is one Chinese message
(exit 1), never a hang, a ``MemoryError`` or a traceback.  :func:`check_input` is the same
check without reading, for files a parser opens itself (spreadsheets).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from projledger.errors import DataError

__all__ = [
    "atomic_path",
    "save_with",
    "safe_output",
    "set_ledger_path",
    "open_input",
    "check_input",
    "input_problem",
    "csv_safe",
    "MAX_INPUT_BYTES",
]

MAX_INPUT_BYTES = 20 * 1024 * 1024  # a calendar, unit list or synonyms file is a few KB
_LEDGER_SIDE_FILES = ("-wal", "-shm", "-journal")
_MISSING = "不存在"
_SPECIAL_BITS = stat.S_ISUID | stat.S_ISGID | stat.S_ISVTX

_ledger_path: contextvars.ContextVar[Path | None] = contextvars.ContextVar("projledger_ledger_path",
                                                                           default=None)


def set_ledger_path(path: Path | None) -> None:
    """Remember the ledger this process works on, so no output can overwrite it."""
    _ledger_path.set(Path(path) if path is not None else None)


# ---------------------------------------------------------------- output


def safe_output(path: str | os.PathLike, *, ledger_path: str | os.PathLike | None = None) -> Path:
    """``path`` as a Path if a file may be written there; DataError naming why not."""
    dest = Path(path)
    ledger = Path(ledger_path) if ledger_path is not None else _ledger_path.get()
    if str(path).endswith((os.sep, "/")) or dest.is_dir():
        raise DataError(f"输出路径“{dest}”是一个目录，请给出文件名（如 {dest / '报表.xlsx'}）")
    if ledger is not None and _is_ledger_file(dest, ledger):
        raise DataError(f"输出路径“{dest}”是台账数据库本身或其附属文件，写入会毁掉台账；请换一个文件名")
    try:
        info = os.stat(dest)  # follows a symlink: a link to /dev/null is a device too
    except FileNotFoundError:
        return dest
    except OSError as exc:
        raise DataError(f"无法检查输出路径“{dest}”：{exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise DataError(f"输出路径“{dest}”不是普通文件（是设备、管道或其他特殊文件），未写入")
    return dest


def _is_ledger_file(dest: Path, ledger: Path) -> bool:
    try:
        real_dest = os.path.realpath(dest)
        real_ledger = os.path.realpath(ledger)
    except OSError:
        return False
    names = {os.path.normcase(real_ledger + suffix) for suffix in ("", *_LEDGER_SIDE_FILES)}
    names |= {os.path.normcase(os.path.abspath(str(ledger)) + s) for s in ("", *_LEDGER_SIDE_FILES)}
    if os.path.normcase(real_dest) in names:
        return True
    with contextlib.suppress(OSError):  # a hard link to the ledger is the ledger too
        return os.path.samefile(dest, ledger)
    return False


@contextlib.contextmanager
def atomic_path(dest: Path, *, ledger_path: Path | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``dest``; on success it replaces ``dest``.

    ``dest`` passes :func:`safe_output` first (see the module docstring).
    """
    dest = safe_output(dest, ledger_path=ledger_path)
    directory = dest.parent if str(dest.parent) else Path(".")
    if not directory.is_dir():
        raise DataError(f"输出目录“{directory}”不存在，未写入“{dest.name}”")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.stem}.", suffix=dest.suffix + ".tmp", dir=directory)
    except OSError as exc:
        raise DataError(f"无法在“{directory}”写入文件：{exc.strerror or exc}") from None
    os.close(fd)
    tmp = Path(tmp_name)
    _give_permissions(tmp, dest)
    try:
        yield tmp
        os.replace(tmp, dest)
    except OSError as exc:
        raise DataError(f"写入“{dest}”失败（{exc.strerror or exc}），原有文件未改动") from None
    finally:
        if tmp.exists():
            tmp.unlink()


def _give_permissions(tmp: Path, dest: Path) -> None:
    """mkstemp makes 0600 files; an output gets the old file's mode (never setuid/setgid/sticky),
    else the umask's."""
    try:
        if dest.exists():
            mode = dest.stat().st_mode & 0o7777 & ~_SPECIAL_BITS
        else:
            mask = os.umask(0o022)
            os.umask(mask)
            mode = 0o666 & ~mask
        os.chmod(tmp, mode)
    except OSError:  # a filesystem without modes (FAT USB stick): keep what mkstemp gave
        pass


def save_with(dest: Path, writer: Callable[[Path], None], *, ledger_path: Path | None = None) -> Path:
    """Run ``writer(tmp_path)`` and move the result into place atomically (after :func:`safe_output`)."""
    with atomic_path(dest, ledger_path=ledger_path) as tmp:
        writer(tmp)
    return Path(dest)


# ---------------------------------------------------------------- input


def check_input(path: str | os.PathLike, *, max_bytes: int = MAX_INPUT_BYTES, what: str = "文件") -> None:
    """Nothing if ``path`` is a regular, readable file no larger than ``max_bytes``; DataError otherwise."""
    problem = input_problem(path, max_bytes=max_bytes)
    if problem == _MISSING:
        raise DataError(f"找不到{what}“{path}”（文件不存在）")
    if problem is not None:
        raise DataError(f"{what}“{path}”{problem}")


def input_problem(path: str | os.PathLike, *, max_bytes: int = MAX_INPUT_BYTES) -> str | None:
    """Why ``path`` cannot be read as an input file (Chinese, to follow its name), or None."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return _MISSING
    except OSError as exc:
        return f"无法打开：{exc.strerror or exc}"
    if stat.S_ISDIR(info.st_mode):
        return "是一个目录，请给出文件"
    if not stat.S_ISREG(info.st_mode):
        return "不是普通文件（是设备、管道或其他特殊文件），未读取"
    if info.st_size > max_bytes:
        return f"过大（{_size(info.st_size)}，上限 {_size(max_bytes)}），未读取"
    if not os.access(path, os.R_OK):
        return "没有读取权限（检查文件权限）"
    return None


def open_input(path: str | os.PathLike, *, max_bytes: int = MAX_INPUT_BYTES, what: str = "文件") -> bytes:
    """The bytes of a small input file, after :func:`check_input`; DataError otherwise.

    The file is opened without blocking (a FIFO swapped in after the check cannot hang the
    command), checked again on the open handle, and read at most ``max_bytes`` + 1 bytes.
    """
    path = Path(path)
    check_input(path, max_bytes=max_bytes, what=what)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise DataError(f"无法打开{what}“{path}”：{exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise DataError(f"{what}“{path}”不是普通文件（是设备、管道或其他特殊文件），未读取")
        try:
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise DataError(f"读取{what}“{path}”失败：{exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise DataError(f"{what}“{path}”过大（超过 {_size(max_bytes)}），未读取")
    return data


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.0f} MB" if count >= 1024 * 1024 else f"{count / 1024:.0f} KB"


# ---------------------------------------------------------------- CSV cells

_CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """OWASP CSV-injection guard: text starting with = + - @ tab or CR gets a leading apostrophe.

    Numbers stay numbers (a negative amount is data, not a formula).
    """
    if isinstance(value, str) and value.startswith(_CSV_TRIGGERS):
        return "'" + value
    return value
