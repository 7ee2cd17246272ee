"""``projledger import``, end to end: open once → detect → read → validate → one transaction → apply.

1. **Open.**  Each file is opened once (:func:`open_book`): its bytes hashed (SHA-256, kept
   for the submission record) and its sheets read by :func:`projledger.sheets.readers
   .read_workbook` — the defensive reader; nothing later reads the file again.  Excel's and
   LibreOffice's lock files (``~$南川街道-2026-10.xlsx``, ``.~lock.…#``) are skipped with a note.
2. **Detect.**  The readers (:data:`READERS`, each a :class:`~.base.SheetReader`) are asked in
   turn whether they recognise the workbook — the 项目储备库 reader first (its header is the
   more specific), then the township reader; ``--kind`` names one.
3. **Read and validate** the whole file (:meth:`SheetReader.read`), collecting every row
   error; nothing is written.  With ``--explain`` the pipeline stops here.
4. **One transaction** (``BEGIN IMMEDIATE``) for the command, opened after every file is
   read: reserve files first (a plan row may then adopt a reserve project), then township
   files in period order; each file under its own savepoint (:meth:`SheetReader.apply`), so
   a file that conflicts with the ledger is rejected alone.  ``--dry-run`` rolls it all back
   at the end, so its counts are a real run's.

:class:`ImportRun` records how far the command got, so that an interrupted import (Ctrl-C)
can say exactly what was written: nothing before the commit, every accepted file after it.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from projledger.errors import ProjledgerError
from projledger.sheets.base import Book, ImportContext, SheetReader
from projledger.sheets.records import FileRead, FileResult, ImportOptions, RowError
from projledger.sheets.reserve_reader import ReserveReader
from projledger.sheets.township import TownshipReader

__all__ = ["READERS", "ImportRun", "import_files", "open_book", "lock_file_note"]

READERS: tuple[SheetReader, ...] = (ReserveReader(), TownshipReader())


@dataclass
class ImportRun:
    """What one ``import`` command did so far (read by the CLI, also after Ctrl-C)."""

    results: list[FileResult] = field(default_factory=list)
    reads: list[FileRead] = field(default_factory=list)  # in the order of the results
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # (path, why) — lock files
    phase: str = "reading"  # reading → writing → committed | rolled_back (dry run) | explained
    files_read: int = 0


def lock_file_note(path: Path) -> str | None:
    """Why ``path`` is an office program's lock file and not a sheet, or None."""
    name = path.name
    if name.startswith("~$"):
        return f"{name} 是 Excel/WPS 打开“{name[2:]}”时生成的锁定文件，不是报表，已跳过"
    if name.startswith(".~lock.") and name.endswith("#"):
        return f"{name} 是 LibreOffice 打开文件时生成的锁定文件，不是报表，已跳过"
    return None


def open_book(path: Path) -> Book:
    """The file's sheets, read once, and its SHA-256; DataError if it cannot be read."""
    from projledger.sheets.readers import read_workbook

    sheets = read_workbook(path)  # first: it refuses a FIFO, a device or a directory (issue 13)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        digest = None  # the reader names the problem in Chinese
    return Book(path=path, sheets=sheets, sha256=digest)


def _readers(kind: str) -> tuple[SheetReader, ...]:
    return READERS if kind == "auto" else tuple(r for r in READERS if r.name == kind)


def read_file(path: Path, ctx: ImportContext) -> FileRead:
    """Open, detect and read one file; never raises for bad input.

    A file that breaks the reader in a way nobody foresaw is reported as that file's one
    error (naming the exception for the maintainers), so the other files still import.
    """
    parsed = FileRead(path=path)
    try:
        book = open_book(path)
        _after_open(book, ctx)
        parsed.sha256 = book.sha256
        readers = _readers(ctx.options.kind)
        chosen = next((r for r in readers if r.detect(book, ctx)), None)
        if chosen is None:
            parsed.errors.append(readers[-1].refusal(book, ctx))
            return parsed
        return chosen.read(book, ctx)
    except ProjledgerError as exc:
        parsed.errors.append(RowError(None, None, None, None, exc.message))
    except Exception as exc:  # noqa: BLE001 - untrusted input must never end in a traceback
        parsed.rows.clear()
        parsed.errors.append(RowError(parsed.sheet, None, None, None,
                                      f"读取时发生意外错误（{type(exc).__name__}：{exc}），文件未导入；"
                                      "请把此文件反馈给系统维护人员"))
    return parsed


def _result_of(parsed: FileRead) -> FileResult:
    return FileResult(path=parsed.path, township=parsed.township,
                      period=str(parsed.period) if parsed.period else None,
                      rows=parsed.data_rows, warnings=list(parsed.warnings), errors=list(parsed.errors))


def import_files(ledger, paths: Iterable[Path], options: ImportOptions,
                 progress: Callable[[str], None] | None = None, run: ImportRun | None = None) -> ImportRun:
    """Read every file, then write the clean ones in one transaction (savepoint per file).

    Results come back in the order the files were given.  The cyclic garbage collector is
    paused meanwhile: a big sheet's grid is millions of live objects that every collection
    would walk again, and the import creates no reference cycles worth collecting.
    """
    run = run if run is not None else ImportRun()
    enabled = gc.isenabled()
    gc.disable()
    try:
        _import_files(ledger, [Path(p) for p in paths], options, progress, run)
    finally:
        if enabled:
            gc.enable()
    return run


def _import_files(ledger, paths: list[Path], options: ImportOptions, progress, run: ImportRun) -> None:
    from projledger.sheets.synonyms import load_synonyms
    from projledger.units import Units

    ctx = ImportContext(ledger=ledger, units=Units(ledger.db), options=options,
                        synonyms=load_synonyms(options.synonyms_path))
    last = next((p for p in reversed(paths) if lock_file_note(p) is None), None)
    for path in paths:
        note = lock_file_note(path)
        if note is not None:
            run.skipped.append((path, note))
            continue
        ctx.cache["last_file"] = path is last
        parsed = read_file(path, ctx)
        run.reads.append(parsed)
        run.results.append(_result_of(parsed))
        run.files_read += 1
        if progress:
            progress(f"读取 {path.name}")
    if options.explain:
        run.phase = "explained"
        return
    todo = [(p, r) for p, r in zip(run.reads, run.results) if not r.errors]
    todo.sort(key=lambda pair: (pair[0].reader != "reserve", str(pair[0].period or "9999-99")))
    if not todo:
        run.phase = "committed"
        return
    if sum(len(p.rows) for p, _ in todo) > 5000:
        ledger.db.execute("PRAGMA cache_size = -32768")  # 32 MB: a big sheet's inserts stay in memory
    readers = {r.name: r for r in READERS}
    run.phase = "writing"
    try:
        with ledger.transaction() as writer:
            for parsed, result in todo:
                readers[parsed.reader].apply(writer, parsed, result, ctx)
                if progress:
                    progress(f"写入 {parsed.path.name}")
            if options.dry_run:
                raise _DryRun
    except _DryRun:  # rolled back: the counts are a real run's, nothing was committed
        for result in run.results:
            result.committed = False
        run.phase = "rolled_back"
        return
    run.phase = "committed"


#: rows of one workbook above which the reader worker is stopped after the last file (_after_open)
_BIG_READ = 5000


def _after_open(book: Book, ctx: ImportContext) -> None:
    """Once the last file is open, stop the reader worker if it read a big workbook: its heap
    (139 MB after a 50,000-row sheet) would otherwise stay resident while this process parses
    and writes — its own peak (278 MB for that sheet) comes during the writes.  Measured as the
    sum of both processes' RSS, sampled every 50 ms: 417 MB → 278 MB.  The next command starts
    a new worker, as it would anyway; a command of small files (the tests') keeps its worker."""
    rows = sum(len(sheet.rows) for sheet in book.sheets)
    largest = ctx.cache["largest_read"] = max(ctx.cache.get("largest_read", 0), rows)
    if ctx.cache.get("last_file") and largest > _BIG_READ:
        from projledger.sheets import sandbox

        sandbox.shutdown()


class _DryRun(Exception):
    """Raised at the end of a dry run to roll the whole transaction back."""
