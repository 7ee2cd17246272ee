"""The records the import pipeline passes between its stages.

Every stage (:mod:`.layout`, :mod:`.township`, :mod:`.reserve_reader`, :mod:`.import_writer`,
:mod:`.pipeline`, :mod:`.explain`) imports these from here and none re-exports them, so a
record has one home and no stage needs another stage to know what a row error is.

* :class:`ImportOptions` — what the command line asked for;
* :class:`RowError` — one problem of one cell or row (sheet, row as Excel shows it, column
  header, raw value, Chinese message); a file with any of them writes nothing;
* :class:`ImportedRow` — one project row, every value parsed and checked, held as a mapping
  from field name (the names of :data:`projledger.sheets.columns.COLUMNS`) to its value;
* :class:`RowNote` / :class:`ColumnNote` / :class:`SheetReading` — how a sheet was read
  (``--explain``): each non-project row with its class, each column with its field;
* :class:`FileRead` — one file after reading and validation, before anything is written;
* :class:`FileResult` — what happened to one file (SPEC §4's per-file ``--json`` object).

Pure: no database, no openpyxl, no pydantic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from projledger.period import Period

__all__ = ["ImportOptions", "RowError", "ImportedRow", "RowNote", "ColumnNote", "SheetReading",
           "FileRead", "FileResult", "shown"]


@dataclass
class ImportOptions:
    township: str | None = None
    period: Period | None = None
    report_date: dt.date | None = None
    dry_run: bool = False
    synonyms_path: Path | None = None
    kind: str = "auto"  # "township" | "reserve" | "auto" (the first reader that recognises the file)
    explain: bool = False  # read and describe; write nothing


def shown(value: object) -> str:
    """A raw cell value as a message quotes it (``2026.0`` → ``2026``, a date → ISO)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    return str(value).strip()


@dataclass
class RowError:
    sheet: str | None
    row: int | None
    column: str | None
    value: object
    message: str

    def to_json(self) -> dict:
        value = self.value
        if isinstance(value, (dt.date, dt.datetime, dt.time)):
            value = value.isoformat()
        elif value is not None and not isinstance(value, (int, float, str, bool)):
            value = str(value)
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "value": value,
                "message": self.message}

    def text(self) -> str:
        where = []
        if self.sheet:
            where.append(f"工作表“{self.sheet}”")
        if self.row:
            where.append(f"第{self.row}行")
        if self.column:
            where.append(f"“{self.column}”列")
        quoted = "" if self.value in (None, "") else f"（值：{shown(self.value)}）"
        return f"{''.join(where)}{quoted}：{self.message}" if where else self.message


@dataclass(slots=True)
class ImportedRow:
    """One project row of a township sheet, every value parsed and checked.

    ``values`` maps a field of :data:`projledger.sheets.columns.COLUMNS` to its parsed value
    (``Decimal`` in 万元, ``date``, text, resolved unit ids for ``department``); a field the
    row leaves blank is absent.  ``township_id`` is the row's township (its column, else the
    file's); ``name_key`` is :func:`projledger.text.normalize_name` of the name.
    """

    sheet: str
    row: int
    name: str
    name_key: str
    township_id: int
    values: dict = field(default_factory=dict)

    def get(self, name: str, default=None):
        return self.values.get(name, default)


@dataclass(slots=True)
class RowNote:
    """A row that is not a project, and what it was taken for (``--explain``)."""

    row: int
    kind: str  # title fill_in unit header column_numbers section category totals footer repeated_header continuation blank_note
    text: str
    value: str | None = None  # the nature a section sets, the industry a category gives

    def to_json(self) -> dict:
        return {"row": self.row, "class": self.kind, "text": self.text, "value": self.value}


@dataclass(slots=True)
class ColumnNote:
    """One column of the header: its field (None: ignored), money unit, and why."""

    column: str  # the column letter Excel shows
    header: str
    field: str | None
    unit: str | None = None
    note: str | None = None  # 隐藏列 / 期间不符，未采用 / 按月列求和 …

    def to_json(self) -> dict:
        return {"column": self.column, "header": self.header, "field": self.field, "unit": self.unit,
                "note": self.note}


@dataclass
class SheetReading:
    """How one worksheet was read."""

    name: str
    imported: bool
    header_rows: list[int] = field(default_factory=list)  # Excel row numbers
    columns: list[ColumnNote] = field(default_factory=list)
    notes: list[RowNote] = field(default_factory=list)
    projects: int = 0
    nature: str | None = None  # given by the sheet's name
    reason: str | None = None  # why a sheet was not imported

    def to_json(self) -> dict:
        return {"name": self.name, "imported": self.imported, "header_rows": self.header_rows,
                "columns": [c.to_json() for c in self.columns], "rows": [n.to_json() for n in self.notes],
                "projects": self.projects, "nature": self.nature, "reason": self.reason}


@dataclass
class FileRead:
    """One file read and validated completely; nothing written yet."""

    path: Path
    reader: str = "township"  # the reader that recognised it ("township" | "reserve")
    township: str | None = None
    township_id: int | None = None
    period: Period | None = None
    report_date: dt.date | None = None
    fill_date: dt.date | None = None  # 填报日期 found in the sheet
    sha256: str | None = None
    rows: list = field(default_factory=list)  # ImportedRow, or the reader's own records
    data_rows: int = 0  # project rows seen, valid or not
    headers: dict[str, str] = field(default_factory=dict)  # field -> column header as shown
    sheets: list[SheetReading] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    payload: object = None  # reader-specific (the reserve batch)

    @property
    def sheet(self) -> str | None:
        """The first imported sheet's name, for errors found while writing."""
        return next((s.name for s in self.sheets if s.imported), None)


@dataclass
class FileResult:
    path: Path
    committed: bool = False
    township: str | None = None
    period: str | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems_added: int = 0
    warnings: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    accepted: bool = False  # validated and applied (committed, or rolled back by --dry-run)

    def to_json(self) -> dict:
        """The per-file object of SPEC §4's ``--json`` summary (keys fixed)."""
        return {"path": str(self.path), "committed": self.committed, "township": self.township,
                "period": self.period, "rows": self.rows, "created": self.created,
                "updated": self.updated, "unchanged": self.unchanged,
                "problems_added": self.problems_added, "warnings": list(self.warnings),
                "errors": [e.to_json() for e in self.errors]}
