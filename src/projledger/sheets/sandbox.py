"""The reader of an untrusted file runs in a child process with memory and time limits.

SPEC §10: a hostile or broken file costs one error for that file and nothing else.  The
pre-scan (:mod:`projledger.sheets.safety`) refuses every hostile shape we know of, but
calamine is native code: an unknown bug can still abort the process (a Rust panic or a
failed allocation is ``SIGABRT``, exit 134), eat all memory or loop forever.  So the whole
read — pre-scan, calamine, the per-row pass — happens in a *worker* process:

* **one worker, reused** for every file of a command (started on the first file, kept
  until the command ends, replaced after a crash or a timeout).  Measured on 200 small
  files (``benchmarks/bench_reliability.py --sandbox``, a loaded 2-core machine): a new
  process per file cost ~400 ms each (79 s), the reused worker ~7 ms each over reading
  in-process (3.5 s against 2.2 s), so the reused worker stays;
* **memory**: the worker sets ``RLIMIT_AS`` (and ``RLIMIT_CORE`` = 0) on itself where the
  ``resource`` module exists (Linux, macOS).  A read that needs more fails inside the
  worker (``MemoryError`` in Python, an aborted allocation in Rust) — never in the command;
* **time**: the parent waits at most :func:`time_limit` seconds per file, then kills the
  worker.  This works everywhere, Windows included (no ``resource`` there: the worker
  still isolates a crash and has the time limit, but no memory limit);
* **results** come back as one pickle frame (protocol 5) on the worker's stdout — the
  ``Sheet`` lists as plain lists of Python values; the parent unpickles with an allow-list
  of the few classes a Sheet holds.  A 50,000-row sheet is a 9.8 MB reply; its read took
  the same time through the worker as in-process (10.1 s against 10.5 s, within the noise
  of the loaded machine);
* **errors**: every exception in the worker — our ``DataError``, ``MemoryError``,
  calamine's ``PanicException`` (a ``BaseException``), anything else — becomes a
  ``DataError`` naming the file; so do a crash (exit code or signal) and a timeout.  The
  worker's stderr goes to a temporary file, so a Rust panic message never reaches the
  user's terminal, but is read back to tell "out of memory" from other crashes.

Limits: ``PROJLEDGER_READER_MEMORY_MB`` (default 3072) and ``PROJLEDGER_READER_TIMEOUT``
(seconds, default 120) override the defaults, for a county with a slower machine or a
test that needs a short limit.
"""

from __future__ import annotations

import atexit
import io
import os
import pickle
import queue
import struct
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from projledger.errors import DataError

__all__ = ["Worker", "call_isolated", "read_workbook", "time_limit", "memory_limit_mb", "shutdown"]

DEFAULT_MEMORY_MB = 3072
DEFAULT_TIMEOUT = 120.0
_FRAME = struct.Struct("<Q")
_MAX_FRAME = 4 * 1024 * 1024 * 1024


def memory_limit_mb() -> int:
    return _env_number("PROJLEDGER_READER_MEMORY_MB", DEFAULT_MEMORY_MB, int)


def time_limit() -> float:
    return _env_number("PROJLEDGER_READER_TIMEOUT", DEFAULT_TIMEOUT, float)


def _env_number(name: str, default, kind):
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise DataError(f"环境变量 {name}=“{raw}”不是数字") from None
    return value if value > 0 else default


def _fail(path: str, reason: str) -> DataError:
    return DataError(f"无法读取文件“{Path(path).name}”：{reason}")


# ---------------------------------------------------------------- parent side


class _Crashed(Exception):
    """The worker ended without answering (killed, aborted, out of memory)."""


class Worker:
    """One reader process; :meth:`call` runs ``module:function(*args)`` in it."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._replies: queue.Queue | None = None
        self._stderr = None

    def _start(self) -> None:
        import projledger

        env = dict(os.environ)
        root = str(Path(projledger.__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self._stderr = tempfile.TemporaryFile()
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "projledger.sheets.sandbox", str(memory_limit_mb())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, env=env,
        )
        self._replies = queue.Queue()
        threading.Thread(target=_pump, args=(self._proc.stdout, self._replies), daemon=True).start()

    def call(self, target: str, *args, timeout: float | None = None, what: str = "") -> object:
        """The function's return value; DataError (naming ``what``) for any failure in the worker."""
        if self._proc is None or self._proc.poll() is not None:
            self._start()
        request = pickle.dumps((target, args), protocol=5)
        try:
            self._proc.stdin.write(_FRAME.pack(len(request)) + request)
            self._proc.stdin.flush()
            reply = self._replies.get(timeout=timeout or time_limit())
        except queue.Empty:
            self.close()
            raise _fail(what, f"读取超过{timeout or time_limit():g}秒仍未完成，已中止"
                              "（文件可能已损坏或为恶意构造）；其他文件不受影响") from None
        except (BrokenPipeError, OSError):
            reply = None
        if reply is None:
            raise _fail(what, self._crash_reason()) from None
        status, value = reply
        if status == "ok":
            return value
        raise _fail(what, value)

    def _crash_reason(self) -> str:
        code = self._proc.wait() if self._proc is not None else None
        tail = b""
        if self._stderr is not None:
            self._stderr.seek(0, io.SEEK_END)
            self._stderr.seek(max(self._stderr.tell() - 4096, 0))
            tail = self._stderr.read()
        self.close()
        if b"memory allocation" in tail or b"MemoryError" in tail or b"capacity overflow" in tail:
            return (f"读取此文件所需内存超过上限（{memory_limit_mb()} MB），已中止"
                    "（文件可能已损坏或为恶意构造）；其他文件不受影响")
        return f"读取程序异常退出（{_describe_exit(code)}），文件可能已损坏或为恶意构造；其他文件不受影响"

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "未知原因"
    if code < 0:
        import signal

        try:
            return f"信号 {signal.Signals(-code).name}"
        except ValueError:
            return f"信号 {-code}"
    return f"退出码 {code}"


def _pump(stream, replies: queue.Queue) -> None:
    """Reader thread: each reply frame from the worker, unpickled; None at end of stream."""
    while True:
        try:
            frame = _read_frame(stream)
        except (OSError, ValueError):  # a garbled frame header: treat the worker as crashed
            break
        if frame is None:
            break
        try:
            replies.put(_SafeUnpickler(io.BytesIO(frame)).load())
        except Exception as exc:  # noqa: BLE001 - an unexpected reply is that file's error, not ours to raise
            replies.put(("error", f"读取程序返回的数据无法识别（{type(exc).__name__}）"))
    replies.put(None)


_ALLOWED = {
    ("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"), ("datetime", "timedelta"),
    ("datetime", "timezone"), ("builtins", "set"), ("builtins", "frozenset"),
    ("projledger.sheets.readers", "Sheet"),
}


class _SafeUnpickler(pickle.Unpickler):
    """Only the classes a Sheet is made of: the worker's reply cannot name anything else."""

    def find_class(self, module: str, name: str):
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"unexpected class {module}.{name}")
        return super().find_class(module, name)


def _read_frame(stream) -> bytes | None:
    head = stream.read(_FRAME.size)
    if len(head) < _FRAME.size:
        return None
    (size,) = _FRAME.unpack(head)
    if size > _MAX_FRAME:
        raise ValueError("frame too large")
    data = stream.read(size)
    return data if len(data) == size else None


_worker: Worker | None = None
_lock = threading.Lock()


def call_isolated(target: str, *args, what: str = "", timeout: float | None = None) -> object:
    """Run ``module:function(*args)`` in the shared worker (started on first use)."""
    global _worker
    with _lock:
        if _worker is None:
            _worker = Worker()
            atexit.register(shutdown)
        return _worker.call(target, *args, timeout=timeout, what=what)


def shutdown() -> None:
    """Stop the shared worker (at exit, or by a test)."""
    global _worker
    if _worker is not None:
        _worker.close()
        _worker = None


def read_workbook(path: Path) -> list:
    """:func:`projledger.sheets.readers.read_workbook_here` of ``path``, in the worker."""
    # absolute: a reused worker keeps the directory it started in, the caller may have moved since
    return call_isolated("projledger.sheets.readers:read_workbook_here", str(Path(path).absolute()), what=str(path))


# ---------------------------------------------------------------- worker side


def _limit_self(memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: isolation and the parent's time limit only
        return
    limit = memory_mb * 1024 * 1024
    for name, value in (("RLIMIT_AS", limit), ("RLIMIT_CORE", 0)):
        kind = getattr(resource, name, None)
        if kind is None:
            continue
        soft, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        try:
            resource.setrlimit(kind, (value, hard))
        except (ValueError, OSError):
            pass  # a stricter limit already applies


def _resolve(target: str):
    import importlib

    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def _answer(target: str, args: tuple) -> tuple[str, object]:
    from projledger.errors import ProjledgerError

    try:
        return "ok", _resolve(target)(*args)
    except ProjledgerError as exc:
        message = exc.message
        prefix = f"无法读取文件“{Path(str(args[0])).name}”：" if args else ""
        return "error", message[len(prefix):] if prefix and message.startswith(prefix) else message
    except MemoryError:
        return "error", (f"读取此文件所需内存超过上限（{memory_limit_mb()} MB），已中止"
                         "（文件可能已损坏或为恶意构造）；其他文件不受影响")
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - calamine's PanicException is a BaseException
        text = (str(exc).strip() or type(exc).__name__)[:120]
        return "error", (f"读取时发生意外错误（{type(exc).__name__}：{text}），文件可能已损坏或为恶意构造；"
                         "文件未导入，请把此文件反馈给系统维护人员")


def _serve(memory_mb: int) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _limit_self(memory_mb)
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print must not corrupt a frame
    source = sys.stdin.buffer
    while (frame := _read_frame(source)) is not None:
        target, args = pickle.loads(frame)
        reply = _answer(target, args)
        try:
            data = pickle.dumps(reply, protocol=5)
        except MemoryError:
            data = pickle.dumps(("error", f"读取结果过大，超过内存上限（{memory_limit_mb()} MB）"), protocol=5)
        except Exception as exc:  # noqa: BLE001 - a value that cannot travel is that call's error
            data = pickle.dumps(("error", f"读取结果无法传回（{type(exc).__name__}）"), protocol=5)
        out.write(_FRAME.pack(len(data)))
        out.write(data)
        out.flush()


if __name__ == "__main__":
    _serve(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_MEMORY_MB)
