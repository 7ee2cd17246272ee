"""``projledger export``: the ledger's tables as CSV, JSON or XLSX for scripts and Excel.

Tables: ``projects``, ``plans`` (annual plans), ``progress``, ``problems`` and
``procedures`` (前期手续 — exported only once that feature's table exists; otherwise a clear
error).  Rules:

* **Deterministic**: a fixed column order per table (:data:`COLUMNS`, read by
  :mod:`projledger.export_tables`, which holds the queries: this module runs no SQL) and rows in key order
  (id; plans, progress and procedures by project, then year / period / id).
* **Keys**: CSV's header row and JSON's object keys are the English column keys (stable for
  scripts); the XLSX header row carries the Chinese labels for people.
* **Values**: money in 万元 — JSON numbers, CSV text with two decimals (``12000.50``, no
  thousands separator), XLSX numbers formatted ``#,##0.00``; dates ISO text (XLSX real dates);
  ``industrial`` true/false (CSV ``1``/``0``, XLSX 是/否); empty is ``null`` / empty cell.
* **Safe**: CSV is UTF-8 with a BOM (Excel opens Chinese correctly) and every text cell goes
  through :func:`projledger.fileio.csv_safe` (OWASP: ``=``, ``+``, ``-``, ``@``, tab, CR get
  a leading ``'``); XLSX strings are always string cells, never formulas.
* **Atomic**: written to a temporary file beside the target and renamed into place.
* **Streamed**: a province's progress table has over a million rows.  Rows go from the
  cursor straight into the temporary file — CSV through :mod:`csv` on a ``utf-8-sig`` text
  file, JSON one object at a time (byte for byte what ``json.dumps(rows, indent=2)`` gives),
  XLSX in chunks into :class:`projledger.reports.bulk.BulkRows` — so memory does not grow
  with the table for CSV and JSON.  A sheet holds at most 1,048,576 rows: a longer table
  cannot go to XLSX (a clear error; CSV and JSON have no such limit).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from projledger.errors import DataError, UsageError
from projledger.export_tables import COLUMNS, TABLES, resolve_table, table_rows
from projledger.fileio import atomic_path, csv_safe
from projledger.money import from_db, money_json

if TYPE_CHECKING:
    from projledger.store import Database, Ledger

_encode_string = json.encoder.encode_basestring  # what ensure_ascii=False uses

__all__ = ["TABLES", "FORMATS", "COLUMNS", "XLSX_MAX_ROWS", "resolve_table", "resolve_format",
           "table_rows", "export_table"]

FORMATS = ("csv", "json", "xlsx")

def resolve_format(fmt: str | None, dest: Path) -> str:
    """``--format`` or, without it, the output file's extension."""
    if fmt:
        kind = fmt.strip().lower()
        if kind not in FORMATS:
            raise UsageError(f"格式“{fmt}”无效，应为 {' / '.join(FORMATS)}")
        return kind
    suffix = Path(dest).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise UsageError(f"无法从文件名“{dest}”判断格式，请用 --format csv|json|xlsx 指定")


def _json_value(value, kind: str):
    if value is None:
        return None
    if kind == "money":
        return money_json(from_db(value))
    if kind == "bool":
        return bool(value)
    return value


def _csv_value(value, kind: str):
    if value is None:
        return ""
    if kind == "money":
        return str(from_db(value))
    if kind == "bool":
        return "1" if value else "0"
    return csv_safe(value) if isinstance(value, str) else value


def _xlsx_value(value, kind: str):
    if value is None:
        return None
    if kind == "money":
        return from_db(value)
    if kind == "bool":
        return "是" if value else "否"
    if kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


# ---------------------------------------------------------------- writers


def _write_csv(dest: Path, columns, rows: Iterable[tuple]) -> int:
    count = 0
    kinds = [kind for _, _, kind in columns]
    with atomic_path(dest) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow([key for key, _, _ in columns])
            for count, row in enumerate(rows, start=1):
                writer.writerow([_csv_value(v, k) for v, k in zip(row, kinds)])
            _sync(handle)
    return count


def _write_json(dest: Path, columns, rows: Iterable[tuple]) -> int:
    """The array one object at a time, laid out exactly as ``json.dumps(..., indent=2)``."""
    count = 0
    heads = [f"    {_json_text(key)}: " for key, _, _ in columns]
    kinds = [kind for _, _, kind in columns]
    with atomic_path(dest) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            handle.write("[")
            for count, row in enumerate(rows, start=1):
                members = ",\n".join(head + _json_text(_json_value(v, kind))
                                      for head, v, kind in zip(heads, row, kinds))
                handle.write(("," if count > 1 else "") + "\n  {\n" + members + "\n  }")
            handle.write("\n]\n" if count else "]\n")
            _sync(handle)
    return count


_JSON_WORDS = {None: "null", True: "true", False: "false"}


def _json_text(value) -> str:
    """One scalar as ``json.dumps(value, ensure_ascii=False)`` writes it, without its overhead."""
    if value is None or value is True or value is False:
        return _JSON_WORDS[value]
    kind = type(value)
    if kind is str:
        return _encode_string(value)
    if kind is int or (kind is float and math.isfinite(value)):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def _sync(handle) -> None:
    handle.flush()
    os.fsync(handle.fileno())


XLSX_MAX_ROWS = 1_048_576  # Excel's rows per sheet, the header row included
_XLSX_CHUNK = 5_000


def _write_xlsx(dest: Path, table: str, columns, rows: Iterable[tuple]) -> int:
    from openpyxl.utils import get_column_letter

    from projledger.reports.bulk import BulkRows
    from projledger.reports.xlsx import DATE, HEADER_FILL, MONEY, new_workbook, put, setup_sheet

    workbook = new_workbook()
    ws = workbook.create_sheet(table)
    bulk = BulkRows(workbook)
    formats = {"money": MONEY, "date": DATE}
    styles = [bulk.style(formats.get(kind)) for _, _, kind in columns]
    for c, (_, label, _) in enumerate(columns, start=1):
        put(ws, 1, c, label, bold=True, fill=HEADER_FILL, wrap=True, align="center")
        wide = label in ("项目名称", "问题", "解决意见", "办结情况", "备注")
        ws.column_dimensions[get_column_letter(c)].width = 30 if wide else max(10, len(label) * 2 + 2)
    kinds = [kind for _, _, kind in columns]
    count = 0
    rows = iter(rows)
    while chunk := [[_xlsx_value(v, k) for v, k in zip(row, kinds)]
                    for row in islice(rows, _XLSX_CHUNK)]:
        if count + len(chunk) >= XLSX_MAX_ROWS:
            raise DataError(f"“{table}”超过 {XLSX_MAX_ROWS - 1:,} 行，Excel 一张表放不下；"
                            "请改用 --format csv 或 json 导出")
        bulk.add_rows(ws, count + 2, chunk, styles)
        count += len(chunk)
    setup_sheet(ws, header_row=1, first_column_frozen=1, last_column=len(columns))
    ws.print_area = f"A1:{get_column_letter(len(columns))}{bulk.last_row(ws)}"
    bulk.save(dest)
    return count


def export_table(ledger: "Ledger | Database", table: str, fmt: str, dest: Path, filters=None) -> int:
    """Write ``table`` to ``dest`` in ``fmt`` atomically; returns the number of rows."""
    table = resolve_table(table)
    if fmt not in FORMATS:
        raise UsageError(f"格式“{fmt}”无效，应为 {' / '.join(FORMATS)}")
    db = getattr(ledger, "db", ledger)
    columns, rows = table_rows(db, table, filters)
    dest = Path(dest)
    if fmt == "csv":
        return _write_csv(dest, columns, rows)
    if fmt == "json":
        return _write_json(dest, columns, rows)
    return _write_xlsx(dest, table, columns, rows)
