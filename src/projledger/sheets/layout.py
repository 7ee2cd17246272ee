"""Understanding a township sheet's layout: where the header is, what each column means.

Township sheets put a title, a fill-in row (``填报单位：… 填报日期：…``) and a unit row
(``单位：万元``) above a header of one to three rows, then data rows interleaved with section
rows (``一、新开工项目（2个）``), totals and footers.  This module finds the header and what
lies above it from the first rows of a :class:`~projledger.sheets.readers.Sheet`; it never
parses cell values (:mod:`.values`) and never classifies body rows (:mod:`.rows`).

Header detection scores every *block* of one to three consecutive rows starting in the
first :data:`HEADER_SCAN_ROWS` rows.  Within a block each column gets a label path (a
merged parent cell is spread over the columns it spans — from the reader's merged ranges,
else over empty cells whose lower row is labelled), and its lowest label is matched
against the synonyms (:mod:`.synonyms`); if that fails, parent+label and label+parent are
tried (``2026年`` over ``计划``, ``开工时间`` over ``实际``).  A bare month label (``1月`` …
``10月``, flat or under a parent such as ``2026年逐月完成投资``) is a monthly column
``month:N``.  The block matching the most fields wins — it must contain the name column and
one more field; ties go to the shorter block.

Every mapped column is kept, also a second one for the same field: which of two columns
wins (the one naming the period, a visible one over a hidden one) needs the period, so the
township reader decides (:func:`resolve_columns`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from projledger.errors import DataError
from projledger.sheets.readers import Sheet
from projledger.sheets.synonyms import BRACKETS, Matcher, matcher_for, normalize_header, unit_anywhere
from projledger.text import nfkc, squash

__all__ = [
    "Column", "Layout", "HEADER_SCAN_ROWS", "find_layout", "pick_data_sheets", "detect_period", "detect_township",
    "detect_fill_date", "column_letter", "display", "is_numbering_row", "FILL_KEY", "UNIT_ROW",
]  # fmt: skip

HEADER_SCAN_ROWS = 15
MAX_HEADER_HEIGHT = 3


def column_letter(index: int) -> str:
    """0 → A, 26 → AA: the column letter Excel shows."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Column:
    """One mapped column: its field, the header as shown, its index and its money unit."""

    field: str  # a field of columns.COLUMNS, or "month:N" for a monthly column
    header: str  # displayed text, parents joined: "投资情况（万元）/总投资"
    index: int
    unit: str | None = None  # "万元" | "亿元" | "元" from this header or a parent; else None
    month: int | None = None  # the month the header names (1-10月完成 → 10, 9月完成 → 9)
    hidden: bool = False
    units_named: tuple[str, ...] = ()  # every unit the header path names (two: undecidable)

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class Layout:
    """Everything find_layout learned about one sheet (indexes are into ``sheet.rows``)."""

    sheet: Sheet
    header_rows: list[int]
    columns: list[Column]  # every mapped column, duplicates of a field included
    unknown_headers: list[str]
    data_start: int
    money_unit: str = "万元"
    money_units_named: tuple[str, ...] = ()  # units named above the header (two: undecidable)
    township: str | None = None
    period: tuple[int, int] | None = None
    fill_date: date | None = None
    title: str | None = None
    seq_index: int | None = None  # the 序号 column (recognised, not imported)
    fill_text: str | None = None  # the joined fill-in row(s) above the header
    above: list[tuple[int, str, str]] = field(default_factory=list)  # (index, class, text) above the header
    title_period: tuple[int, int] | None = None  # the period the title/sub-titles name (headers aside)
    header_month: int | None = None  # the latest month a visible year-to-date header names
    unknown_columns: list[tuple[int, str]] = field(default_factory=list)  # (index, header) not mapped

    def column(self, field_name: str) -> Column | None:
        """The first mapped column for a field, if the sheet has one."""
        for column in self.columns:
            if column.field == field_name:
                return column
        return None


# ---------------------------------------------------------------- header detection


def _text(value: object) -> str:
    """Cell value as header text ("" for blanks; 2026.0 -> "2026")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_BREAK_CJK = re.compile(rf"(?<=[{_CJK}])\s*[\r\n]+\s*(?=[{_CJK}])")
_BREAK = re.compile(r"\s*[\r\n]+\s*")


def display(value: object) -> str:
    """Header text as shown, line breaks removed (between CJK) or made spaces."""
    return _BREAK.sub(" ", _BREAK_CJK.sub("", _text(value))).strip()


@dataclass
class _Candidate:
    start: int
    height: int
    columns: list[Column]
    unknown: list[tuple[int, str]]
    seq_index: int | None

    @property
    def fields(self) -> set[str]:
        found = {c.field for c in self.columns}
        return found | ({"seq"} if self.seq_index is not None else set())


def _label_grid(sheet: Sheet, top: int) -> tuple[list[list[str]], set[tuple[int, int]]]:
    """Labels of the first ``top`` rows with horizontal merges spread, and the merged cells.

    A merged label is spread only along the range's first row: a vertically merged label
    stays in its top cell (as calamine gives it) and a column's path takes its lowest label.
    """
    rows = sheet.rows[:top]
    width = max((len(r) for r in rows), default=0)
    grid = [[display(v) for v in row] + [""] * (width - len(row)) for row in rows]
    covered: set[tuple[int, int]] = set()
    for r0, c0, r1, c1 in sheet.merged:
        if r0 >= len(grid):
            continue
        covered.update((r, c) for r in range(r0, min(r1 + 1, len(grid))) for c in range(c0, min(c1 + 1, width)))
        if c1 > c0 and grid[r0][c0]:
            for c in range(c0 + 1, min(c1, width - 1) + 1):
                grid[r0][c] = grid[r0][c] or grid[r0][c0]
    return grid, covered


def _parent_row_above(sheet: Sheet, best: _Candidate, width: int) -> bool:
    """Whether the row above a header block holds a merged parent over part of its columns."""
    above = best.start - 1
    spans = [(c0, c1) for r0, c0, _r1, c1 in sheet.merged if r0 == above and c1 > c0]
    return bool(spans) and all(c1 - c0 + 1 < width for c0, c1 in spans)


def _block_paths(grid: list[list[str]], covered, start: int, height: int) -> list[list[str]]:
    """Per column, the labels from top to bottom of the block (consecutive repeats merged).

    Without merge information a parent label is spread right over empty, unmerged cells
    whose lower row is labelled (a CSV's ``投资情况（万元）,,`` over ``总投资,年度计划,…``).
    """
    block = [list(row) for row in grid[start : start + height]]
    for r, (upper, lower) in enumerate(zip(block, block[1:]), start):
        for c in range(1, len(upper)):
            if not upper[c] and upper[c - 1] and lower[c] and lower[c - 1] and (r, c) not in covered:
                upper[c] = upper[c - 1]
    paths = []
    for c in range(len(grid[0]) if grid else 0):
        path: list[str] = []
        for row in block:
            if row[c] and (not path or path[-1] != row[c]):
                path.append(row[c])
        paths.append(path)
    return paths


_MONTH_LEAF = re.compile(r"^(\d{1,2})月份?$")
_YTD_MONTH = re.compile(r"(?:1[-—–~至到]|截[至止](?:\d{4}年)?)(\d{1,2})月")
_ONE_MONTH = re.compile(r"(?<![\d\-—–~至到])(\d{1,2})月")


def _month_named(field_name: str, key: str) -> int | None:
    """The month a year-to-date or monthly header names (``1-10月完成`` → 10)."""
    if field_name == "ytd_completed":
        match = _YTD_MONTH.search(key)
    elif field_name == "month_completed":
        match = _ONE_MONTH.search(key)
    else:
        return None
    month = int(match.group(1)) if match else None
    return month if month is not None and 1 <= month <= 12 else None


def _match_path(path: list[str], matcher: Matcher) -> tuple[str | None, str | None, int | None, tuple[str, ...]]:
    """(field, unit, month, units named) of a column's label path: the label, then
    parent+label, label+parent; a bare ``N月`` leaf is the monthly column ``month:N``.

    Remembered per matcher: a batch of township files repeats the same few header paths."""
    known = matcher.paths.get(tuple(path))
    if known is None:
        known = matcher.paths[tuple(path)] = _match_path_once(path, matcher)
    return known


def _match_path_once(path: list[str], matcher: Matcher) -> tuple[str | None, str | None, int | None, tuple]:
    keys = [normalize_header(label) for label in path]
    leaf, unit = keys[-1]
    found = matcher.match(leaf)
    for parent, _ in reversed(keys[:-1]):
        if found is not None:
            break
        found = matcher.match(parent + leaf) or matcher.match(leaf + parent)
    month = None
    bare = _MONTH_LEAF.match(leaf)
    if found is None and bare and 1 <= int(bare.group(1)) <= 12:
        month = int(bare.group(1))
        found = f"month:{month}"
    elif found is not None:
        month = _month_named(found, "".join(k for k, _ in keys))
    named = tuple(dict.fromkeys(u for u in [unit, *(unit_anywhere(p) for p in path)] if u))
    if unit is None:
        unit = next((u for u in (unit_anywhere(p) for p in reversed(path[:-1])) if u), None)
    return found, unit, month, named


def _candidate(grid, covered, start: int, height: int, matcher: Matcher, hidden: set[int]) -> _Candidate:
    columns: list[Column] = []
    unknown: list[tuple[int, str]] = []
    seq_index = None
    for index, path in enumerate(_block_paths(grid, covered, start, height)):
        if not path:
            continue
        found, unit, month, named = _match_path(path, matcher)
        header = "/".join(path)
        if found is None:
            unknown.append((index, header))
        elif found == "seq":
            seq_index = index if seq_index is None else seq_index
        else:
            columns.append(Column(field=found, header=header, index=index, unit=unit, month=month,
                                  hidden=index in hidden, units_named=named))
    return _Candidate(start, height, columns, unknown, seq_index)


def _best_header(sheet: Sheet, matcher: Matcher) -> _Candidate | None:
    grid, covered = _label_grid(sheet, HEADER_SCAN_ROWS)
    hidden = sheet.hidden_cols
    best: _Candidate | None = None
    spanning = {r0 for r0, c0, _r1, c1 in sheet.merged if c1 > c0}
    for start in range(len(grid)):
        # a header block starts with a row holding a known header or a merged parent label;
        # data rows (project names, figures) never do, and trying them is most of the cost
        if start not in spanning and not any(label and matcher.match(normalize_header(label)[0])
                                             for label in grid[start]):
            continue
        for height in range(1, min(MAX_HEADER_HEIGHT, len(grid) - start) + 1):
            candidate = _candidate(grid, covered, start, height, matcher, hidden)
            fields = candidate.fields
            if "name" not in fields or len(fields) < 2:
                continue
            # most fields wins; on a tie the shorter block, then the earlier one
            if best is None or (len(fields), -height) > (len(best.fields), -best.height):
                best = candidate
    # 投资情况（万元） merged over 总投资|年度计划 while the other labels sit in the lower row:
    # the lower row alone scores as well, so take the parent row in when it does not cost.
    while best is not None and best.start > 0 and best.height < MAX_HEADER_HEIGHT:
        width = max((i for i, label in enumerate(grid[best.start]) if label), default=0) + 1
        if not _parent_row_above(sheet, best, width):
            break
        wider = _candidate(grid, covered, best.start - 1, best.height + 1, matcher, hidden)
        if len(wider.fields) < len(best.fields):
            break
        best = wider
    return best


def is_numbering_row(row: list[object]) -> bool:
    """A 栏次 row under the header: 1, 2, 3 … (or 甲, 乙 …) and nothing else."""
    values = [v for v in row if v is not None and _text(v).strip()]
    if len(values) < 3:
        return False
    numbers = []
    for value in values:
        text = squash(_text(value))
        if text in ("甲", "乙", "丙", "丁", "栏次", "A", "B", "C"):
            continue
        if not text.isdigit():
            return False
        numbers.append(int(text))
    return len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


# ---------------------------------------------------------------- above the header

FILL_KEY = re.compile(r"(?:填报|报送|填表|上报|申报|报表)(?:单位|日期|时间)|填报人")
UNIT_ROW = re.compile(r"单位[:]?(亿元|万元|元)(?![a-zA-Z\u4e00-\u9fff])|^\(?(亿元|万元)\)?$")
_FILL_UNIT = re.compile(
    r"(?:填报|报送|填表|上报|申报|报表)单位\s*[:：]\s*(.*?)"
    r"(?=\s{2,}|\s*(?:(?:填报|报送|填表|上报|申报|报表)?(?:日期|时间)|填报人|联系人|联系电话|单位\s*[:：])|$)"
)
_FILL_DATE = re.compile(
    r"(?:填报|报送|填表|上报|申报|报表)(?:日期|时间)\s*[:：]?\s*"
    r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})"
)
_DATE_SEGMENT = re.compile(r"(?:填报|报送|填表|上报|申报|报表|统计|制表)(?:日期|时间)\s*[:：]?\s*[\d年月日./\-:\s]*")
_SEAL = re.compile(r"[(（]?(?:盖章|公章|签章|章)[)）]?$")
_TITLE_PREFIX = re.compile(r"^(?:附(?:件|表)\s*\d*\s*[:：]?\s*)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")


def detect_fill_date(text: str | None) -> date | None:
    """The 填报日期 / 报送时间 in a fill-in row's text, or None."""
    if not text:
        return None
    match = _FILL_DATE.search(nfkc(text))
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def detect_township(title: str | None, fill_row_text: str | None) -> str | None:
    """Raw township text from ``填报单位：…`` (preferred) or the title; None if neither says.

    The caller resolves it through unit names and aliases (``新城镇人民政府`` is an alias).
    """
    if fill_row_text:
        match = _FILL_UNIT.search(fill_row_text.replace("\u3000", " "))
        if match:
            name = _SEAL.sub("", match.group(1).strip(" :：,，;；")).strip()
            if 0 < len(name) <= 30:
                return name
    if not title:
        return None
    text = _TITLE_PREFIX.sub("", squash(title))
    for attempt in (text, _YEAR.sub("", text, count=1) if _YEAR.match(text) else None):
        if not attempt:
            continue
        match = re.match(r"^(.*?)(?:(?:19|20)\d{2}年|重点项目|重大项目|项目)", attempt)
        if match and 2 <= len(match.group(1)) <= 20:
            return match.group(1)
    return None


_PERIOD_PATTERNS = (
    re.compile(r"(?:((?:19|20)\d{2})\s*年)?\s*1\s*[-—–~至到]\s*(\d{1,2})\s*月"),
    re.compile(r"截\s*[至止]\s*(?:((?:19|20)\d{2})\s*年)?\s*(\d{1,2})\s*月"),
    re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*日)"),
    re.compile(r"()(?<!\d)(\d{1,2})\s*月份"),
    re.compile(r"(?<![\d.])((?:19|20)\d{2})[.\-/](\d{1,2})(?![\d.\-/])"),
)


def detect_period(texts: list[str], fill_date: date | None, headers: list[str] = ()) -> tuple[int, int] | None:
    """(year, month) a sheet reports on; ``texts[0]`` is the title, then sub-titles.

    The month comes from the first text that names one (``2026年10月``, ``1-10月``,
    ``截至10月底``, ``10月份``), else from the visible ``headers`` — the latest month they name
    (``1-9月完成`` beside ``1-10月完成`` is last month's column); 填报日期/报送时间 segments are
    removed first, since the fill-in date is not the period.  The year: from that same
    match, else the title's ``YYYY年``, else the fill-in date (the year before when the month
    is later than the fill-in month), else any other text's year.
    """
    cleaned = [_DATE_SEGMENT.sub(" ", nfkc(t)) if t else "" for t in texts]
    found = next((m for text in cleaned for pattern in _PERIOD_PATTERNS for m in pattern.finditer(text)
                  if 1 <= int(m.group(2)) <= 12), None)  # fmt: skip
    if found is None:
        named = [m for text in headers for pattern in _PERIOD_PATTERNS for m in pattern.finditer(nfkc(text))
                 if 1 <= int(m.group(2)) <= 12]  # fmt: skip
        found = max(named, key=lambda m: int(m.group(2)), default=None)
        cleaned = cleaned + [nfkc(t) for t in headers]
    if found is None:
        return None
    month, year = int(found.group(2)), int(found.group(1)) if found.group(1) else None
    if year is None and cleaned and (titled := _YEAR.search(cleaned[0])):
        year = int(titled.group(1))
    if year is None and fill_date is not None:
        year = fill_date.year - 1 if month > fill_date.month else fill_date.year
    if year is None:
        year = next((int(m.group(1)) for t in cleaned[1:] if (m := _YEAR.search(t))), None)
    return (year, month) if year is not None else None


def _row_texts(row: list[object]) -> list[str]:
    texts = [display(v) if not isinstance(v, (date, datetime)) else v.isoformat()[:10] for v in row]
    return [t for t in texts if t]


def _above_header(rows: list[list[object]]) -> dict:
    """Title, fill-in text, money units and each row's class, from the rows above the header."""
    found: dict = {"title": None, "fill": None, "units": [], "others": [], "rows": []}
    for index, row in enumerate(rows):
        texts = _row_texts(row)
        if not texts:
            continue
        line = "  ".join(dict.fromkeys(texts))
        units = [m.group(1) or m.group(2) for t in texts if (m := UNIT_ROW.search(squash(t).translate(BRACKETS)))]
        found["units"].extend(units)
        if FILL_KEY.search(line):
            found["fill"] = line if found["fill"] is None else f"{found['fill']}  {line}"
            found["rows"].append((index, "fill_in", line))
            continue
        if units and len(squash(line)) <= 20:
            found["rows"].append((index, "unit", line))
            continue
        if found["title"] is None and re.search(rf"[{_CJK}]", texts[0]) and not UNIT_ROW.search(squash(texts[0])):
            found["title"] = texts[0]
        else:
            found["others"].append(line)
        found["rows"].append((index, "title", line))
    found["units"] = list(dict.fromkeys(found["units"]))
    return found


# ---------------------------------------------------------------- public entry points


def find_layout(sheet: Sheet, synonyms: dict[str, list[str]]) -> Layout | None:
    """The layout of a sheet, or None when no header row is recognisable (e.g. 填表说明)."""
    best = _best_header(sheet, matcher_for(synonyms))
    if best is None:
        return None
    header_rows = list(range(best.start, best.start + best.height))
    data_start = header_rows[-1] + 1
    above = _above_header(sheet.rows[: best.start])
    fill_date = detect_fill_date(above["fill"])
    headers = [c.header for c in best.columns if not c.hidden]
    headers += [h for i, h in best.unknown if i not in sheet.hidden_cols]
    return Layout(
        sheet=sheet,
        header_rows=header_rows,
        columns=best.columns,
        unknown_headers=list(dict.fromkeys(h for _, h in best.unknown)),
        unknown_columns=best.unknown,
        data_start=data_start,
        money_unit=above["units"][0] if above["units"] else "万元",
        money_units_named=tuple(above["units"]),
        township=detect_township(above["title"], above["fill"]),
        period=detect_period([above["title"] or ""] + above["others"], fill_date, headers),
        fill_date=fill_date,
        title=above["title"],
        seq_index=best.seq_index,
        fill_text=above["fill"],
        above=above["rows"],
        title_period=detect_period([above["title"] or ""] + above["others"], fill_date),
        header_month=max((c.month for c in best.columns if c.field == "ytd_completed" and c.month and not c.hidden),
                         default=None),
    )


def pick_data_sheets(sheets: list[Sheet], synonyms: dict[str, list[str]],
                     file_name: str | None = None) -> list[tuple[Sheet, Layout | None]]:
    """Every sheet with its layout (None: no project header); DataError if no sheet has one.

    Visible sheets come first, in workbook order, then hidden ones.
    """
    ordered = [s for s in sheets if not s.hidden] + [s for s in sheets if s.hidden]
    found = [(sheet, find_layout(sheet, synonyms)) for sheet in ordered]
    if any(layout is not None for _, layout in found):
        return found
    name = file_name or next((s.source for s in sheets if s.source), "")
    names = "".join(f"“{s.name}”" for s in sheets) or "（无工作表）"
    where = f"文件“{name}”" if name else "文件"
    raise DataError(
        f"{where}中没有找到项目表：工作表{names}都没有包含“项目名称”等表头的行。"
        "请报送每个项目一行的明细表（表头含“项目名称”，在前15行内；汇总表、交叉表不能导入；"
        "新的表头写法可用 header_synonyms 文件补充）"
    )
