"""The contract every kind of sheet implements, and what the pipeline hands it.

Like beangulp's importers: a reader says whether it recognises a workbook
(:meth:`SheetReader.detect`), reads and validates it completely without writing
(:meth:`SheetReader.read` → :class:`~projledger.sheets.records.FileRead`), and writes a clean
file inside the transaction the pipeline owns (:meth:`SheetReader.apply`).  The township
reader (:mod:`.township`) and the 项目储备库 reader (:mod:`.reserve_reader`) are the two
today; :mod:`.pipeline` asks them in turn.

:class:`Book` is one opened file: its bytes' SHA-256 and its sheets, read **once** by
:func:`projledger.sheets.readers.read_workbook`; a reader may keep what it found in
``Book.found`` (the layouts ``detect`` computed) so that ``read`` does not look again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from projledger.sheets.records import FileRead, FileResult, ImportOptions, RowError

__all__ = ["Book", "ImportContext", "SheetReader", "first_sheet"]


@dataclass
class Book:
    path: Path
    sheets: list  # readers.Sheet
    sha256: str
    found: dict = field(default_factory=dict)  # reader name -> what its detect() found


@dataclass
class ImportContext:
    """What every reader may use: the ledger (read-only until ``apply``), units, options."""

    ledger: object  # projledger.store.Ledger
    units: object  # projledger.units.Units
    options: ImportOptions
    synonyms: dict
    cache: dict = field(default_factory=dict)  # shared across the files of one command


class SheetReader:
    """detect → read → apply (see the module docstring)."""

    name = "base"
    label = "表格"

    def detect(self, book: Book, ctx: ImportContext) -> bool:
        raise NotImplementedError

    def read(self, book: Book, ctx: ImportContext) -> FileRead:
        raise NotImplementedError

    def apply(self, writer, parsed: FileRead, result: FileResult, ctx: ImportContext) -> None:
        """Write one clean file inside ``writer``'s transaction, under a savepoint; on a
        conflict add errors to ``result`` and write nothing."""
        raise NotImplementedError

    def refusal(self, book: Book, ctx: ImportContext) -> RowError:
        """Why the file is not this kind of sheet (when no reader recognised it)."""
        return RowError(first_sheet(book), None, None, None, f"文件“{book.path.name}”不是{self.label}")


def first_sheet(book: Book) -> str | None:
    """The sheet a refusal points at: the first visible one that holds anything."""
    return next((s.name for s in book.sheets if not s.hidden and any(s.rows)),
                book.sheets[0].name if book.sheets else None)
