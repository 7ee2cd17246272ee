"""Writing output files so a failure never leaves half a file under the real name.

Everything is written to a temporary file in the target directory and renamed into place
with :func:`os.replace` (atomic on one filesystem).  Errors a user can cause — a missing
directory, a read-only location, a full disk — become Chinese data errors and leave any
earlier file of the same name untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from projledger.errors import DataError

__all__ = ["atomic_path", "write_bytes_atomic", "csv_safe"]


@contextlib.contextmanager
def atomic_path(dest: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``dest``; on success it replaces ``dest``."""
    dest = Path(dest)
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
    """mkstemp makes 0600 files; an export should get the old file's mode, else the umask's."""
    try:
        if dest.exists():
            mode = dest.stat().st_mode & 0o7777
        else:
            mask = os.umask(0o022)
            os.umask(mask)
            mode = 0o666 & ~mask
        os.chmod(tmp, mode)
    except OSError:  # a filesystem without modes (FAT USB stick): keep what mkstemp gave
        pass


def write_bytes_atomic(dest: Path, data: bytes) -> Path:
    with atomic_path(dest) as tmp:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    return Path(dest)


_CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """OWASP CSV-injection guard: text starting with = + - @ tab or CR gets a leading apostrophe.

    Numbers stay numbers (a negative amount is data, not a formula).
    """
    if isinstance(value, str) and value.startswith(_CSV_TRIGGERS):
        return "'" + value
    return value


def save_with(dest: Path, writer: Callable[[Path], None]) -> Path:
    """Run ``writer(tmp_path)`` and move the result into place atomically."""
    with atomic_path(dest) as tmp:
        writer(tmp)
    return Path(dest)


__all__.append("save_with")
