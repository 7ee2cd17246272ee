"""Understanding a township sheet's layout: where the header is, what each column means.

Township sheets put a title, a fill-in row (``填报单位：… 填报日期：…``) and a unit row
(``单位：万元``) above a header of one to three rows, then data rows interleaved with section
rows (``一、新开工项目（2个）``), totals and footers.  This module finds all of that from the
first rows of a :class:`~projledger.sheets.readers.Sheet`; it never parses cell values
(that is :mod:`projledger.sheets.values`).

Header detection scores every *block* of one to three consecutive rows starting in the
first :data:`HEADER_SCAN_ROWS` rows.  Within a block each column gets a label path (a
merged parent cell is spread over the columns it spans — from the reader's merged ranges,
else over empty cells whose lower row is labelled), and its lowest label is matched
against the synonyms; if that fails, parent+label and label+parent are tried
(``2026年`` over ``计划``, ``开工时间`` over ``实际``).  The block matching the most fields
wins — it must contain the name column and one more field; ties go to the shorter block.

Synonyms are data (``data/header_synonyms.json``, format ``projledger-header-synonyms/1``):
plain entries are compared after :func:`normalize_header`; entries starting with ``re:`` are
regular expressions (``re:^\\d{4}年计划投资$``).  :func:`load_synonyms` merges a user's file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from projledger.errors import DataError
from projledger.sheets.readers import Sheet
from projledger.text import nfkc, squash

__all__ = [
    "Column", "Layout", "FIELDS", "HEADER_SCAN_ROWS", "SYNONYMS_FORMAT", "load_synonyms", "normalize_header",
    "find_layout", "pick_data_sheet", "classify_row", "detect_period", "detect_township", "detect_fill_date",
]  # fmt: skip

FIELDS = (
    "code", "name", "owner", "nature", "total_investment", "annual_plan", "ytd_completed",
    "month_completed", "progress", "planned_start", "actual_start", "problems", "leader",
    "department", "township", "industry", "note",
)  # fmt: skip
IGNORED_FIELDS = ("seq",)
HEADER_SCAN_ROWS = 15
MAX_HEADER_HEIGHT = 3
SYNONYMS_FORMAT = "projledger-header-synonyms/1"
_REGEX_PREFIX = "re:"


@dataclass
class Column:
    """One mapped column: its field, the header as shown, its index and its money unit."""

    field: str
    header: str  # displayed text, parents joined: "投资情况（万元）/总投资"
    index: int
    unit: str | None = None  # "万元" | "亿元" | "元" from this header or a parent; else None


@dataclass
class Layout:
    """Everything find_layout learned about one sheet (indexes are into ``sheet.rows``)."""

    sheet: Sheet
    header_rows: list[int]
    columns: list[Column]
    unknown_headers: list[str]
    data_start: int
    money_unit: str = "万元"
    township: str | None = None
    period: tuple[int, int] | None = None
    fill_date: date | None = None
    title: str | None = None
    seq_index: int | None = None  # the 序号 column (recognised, not imported)
    duplicate_headers: list[str] = field(default_factory=list)  # second column of a field: ignored
    fill_text: str | None = None  # the joined fill-in row(s) above the header

    def column(self, field_name: str) -> Column | None:
        """The mapped column for a field, if the sheet has one."""
        for column in self.columns:
            if column.field == field_name:
                return column
        return None


# ---------------------------------------------------------------- synonyms


def _builtin_synonyms_path() -> Path:
    from projledger.resources import data_path

    return Path(str(data_path("header_synonyms.json")))


def _read_synonym_file(path: Path) -> dict[str, list[str]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise DataError(f"找不到表头同义词文件“{path}”") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"表头同义词文件“{Path(path).name}”不是有效的JSON（{exc}）") from None
    fields = data.get("fields", data) if isinstance(data, dict) else None
    if not isinstance(fields, dict):
        raise DataError(f"表头同义词文件“{Path(path).name}”格式错误：应为 {{\"fields\": {{字段: [表头, …]}}}}")
    out: dict[str, list[str]] = {}
    for name, entries in fields.items():
        if name in ("format", "description", "rules"):
            continue
        if name not in FIELDS and name not in IGNORED_FIELDS:
            raise DataError(f"表头同义词文件“{Path(path).name}”中的字段“{name}”未知；可用字段：{'、'.join(FIELDS)}")
        if isinstance(entries, str):
            entries = [entries]
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise DataError(f"表头同义词文件“{Path(path).name}”中字段“{name}”的值应为文字列表")
        for entry in entries:
            if entry.startswith(_REGEX_PREFIX):
                try:
                    re.compile(entry[len(_REGEX_PREFIX) :])
                except re.error as exc:
                    raise DataError(f"表头同义词文件“{Path(path).name}”中的正则“{entry}”有误（{exc}）") from None
        out[name] = list(entries)
    return out


def load_synonyms(extra_path: Path | None = None) -> dict[str, list[str]]:
    """Field -> header synonyms: the built-in file, merged with a user's file if given.

    The user's entries come first in each list and in the field order; a plain entry the
    user gives is removed from every other field, so a user file can re-map a header.
    """
    builtin = _read_synonym_file(_builtin_synonyms_path())
    if extra_path is None:
        return builtin
    extra = _read_synonym_file(Path(extra_path))
    claimed = {normalize_header(e)[0]: f for f, entries in extra.items() for e in entries if not e.startswith(_REGEX_PREFIX)}
    merged: dict[str, list[str]] = {}
    for name in list(extra) + [f for f in builtin if f not in extra]:
        kept = [e for e in builtin.get(name, []) if claimed.get(normalize_header(e)[0], name) == name]
        merged[name] = list(dict.fromkeys(extra.get(name, []) + kept))
    return merged


_BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")", "{": "(", "}": ")"})
_UNIT_SUFFIX = re.compile(r"(?:\((?:单位[:]?)?(亿元|万元|元)\)|/(亿元|万元|元))$")
_UNIT_ANY = re.compile(r"(?:\((?:金额)?(?:单位[:]?)?(亿元|万元|元)\)|单位[:]?(亿元|万元|元))")
_TRAILING_NOTE = re.compile(r"\([^()]*\)$")


def normalize_header(text: object) -> tuple[str, str | None]:
    """(matching key, unit) of a header: NFKC, no whitespace, () brackets, unit suffix cut."""
    key = squash(_text(text)).translate(_BRACKETS).strip("*★☆※")
    if key.startswith("(") and key.endswith(")") and key.count("(") == 1:
        key = key[1:-1]  # 【备注】
    match = _UNIT_SUFFIX.search(key)
    if match is None:
        return key, None
    return key[: match.start()], match.group(1) or match.group(2)


def _unit_anywhere(text: str) -> str | None:
    match = _UNIT_ANY.search(squash(text).translate(_BRACKETS))
    return (match.group(1) or match.group(2)) if match else None


class _Matcher:
    """Header key -> field, exact entries first, then patterns, then without a trailing (note)."""

    def __init__(self, synonyms: dict[str, list[str]]):
        self.exact: dict[str, str] = {}
        self.patterns: list[tuple[re.Pattern, str]] = []
        for name, entries in synonyms.items():
            for entry in entries:
                if entry.startswith(_REGEX_PREFIX):
                    self.patterns.append((re.compile(entry[len(_REGEX_PREFIX) :]), name))
                else:
                    self.exact.setdefault(normalize_header(entry)[0], name)
        self.cache: dict[str, str | None] = {}

    def match(self, key: str) -> str | None:
        if key not in self.cache:
            found = self._lookup(key)
            if found is None and _TRAILING_NOTE.search(key):
                found = self._lookup(_TRAILING_NOTE.sub("", key))
            self.cache[key] = found
        return self.cache[key]

    def _lookup(self, key: str) -> str | None:
        if not key:
            return None
        if key in self.exact:
            return self.exact[key]
        for pattern, name in self.patterns:
            if pattern.fullmatch(key):
                return name
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


def _display(value: object) -> str:
    """Header text as shown, line breaks removed (between CJK) or made spaces."""
    return _BREAK.sub(" ", _BREAK_CJK.sub("", _text(value))).strip()


@dataclass
class _Candidate:
    start: int
    height: int
    columns: list[Column]
    unknown: list[str]
    duplicates: list[str]
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
    grid = [[_display(v) for v in row] + [""] * (width - len(row)) for row in rows]
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


def _match_path(path: list[str], matcher: _Matcher) -> tuple[str | None, str | None]:
    """(field, unit) of a column's label path: the label, then parent+label, label+parent."""
    keys = [normalize_header(label) for label in path]
    leaf, unit = keys[-1]
    found = matcher.match(leaf)
    for parent, _ in reversed(keys[:-1]):
        if found is not None:
            break
        found = matcher.match(parent + leaf) or matcher.match(leaf + parent)
    if unit is None:
        unit = next((u for u in (_unit_anywhere(p) for p in reversed(path[:-1])) if u), None)
    return found, unit


def _candidate(grid, covered, start: int, height: int, matcher: _Matcher) -> _Candidate:
    columns: list[Column] = []
    unknown: list[str] = []
    duplicates: list[str] = []
    seen: set[str] = set()
    seq_index = None
    for index, path in enumerate(_block_paths(grid, covered, start, height)):
        if not path:
            continue
        found, unit = _match_path(path, matcher)
        header = "/".join(path)
        if found is None:
            unknown.append(header)
        elif found == "seq":
            seq_index = index if seq_index is None else seq_index
        elif found in seen:
            duplicates.append(header)
        else:
            seen.add(found)
            columns.append(Column(field=found, header=header, index=index, unit=unit))
    return _Candidate(start, height, columns, list(dict.fromkeys(unknown)), duplicates, seq_index)


def _best_header(sheet: Sheet, matcher: _Matcher) -> _Candidate | None:
    grid, covered = _label_grid(sheet, HEADER_SCAN_ROWS)
    best: _Candidate | None = None
    for start in range(len(grid)):
        if not any(grid[start]):
            continue
        for height in range(1, min(MAX_HEADER_HEIGHT, len(grid) - start) + 1):
            candidate = _candidate(grid, covered, start, height, matcher)
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
        wider = _candidate(grid, covered, best.start - 1, best.height + 1, matcher)
        if len(wider.fields) < len(best.fields):
            break
        best = wider
    return best


def _is_numbering_row(row: list[object]) -> bool:
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

_FILL_KEY = re.compile(r"(?:填报|报送|填表|上报|申报|报表)(?:单位|日期|时间)|填报人")
_UNIT_ROW = re.compile(r"单位[:]?(亿元|万元|元)(?![a-zA-Z\u4e00-\u9fff])|^\(?(亿元|万元)\)?$")
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


def detect_period(texts: list[str], fill_date: date | None) -> tuple[int, int] | None:
    """(year, month) a sheet reports on; ``texts[0]`` is the title, then sub-titles/headers.

    The month comes from the first text that names one (``2026年10月``, ``1-10月``,
    ``截至10月底``, ``10月份``); 填报日期/报送时间 segments are removed first, since the fill-in
    date is not the period.  The year: from that same match, else the title's ``YYYY年``, else
    the fill-in date (the year before when the month is later than the fill-in month), else
    any other text's year.
    """
    cleaned = [_DATE_SEGMENT.sub(" ", nfkc(t)) if t else "" for t in texts]
    found = next((m for text in cleaned for pattern in _PERIOD_PATTERNS for m in pattern.finditer(text)
                  if 1 <= int(m.group(2)) <= 12), None)  # fmt: skip
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


def _above_header(rows: list[list[object]]) -> tuple[str | None, str | None, str | None, list[str]]:
    """(title, fill-in text, money unit, other texts) from the rows above the header."""
    title = fill = unit = None
    others: list[str] = []
    for row in rows:
        texts = [_display(v) if not isinstance(v, (date, datetime)) else v.isoformat()[:10] for v in row]
        texts = [t for t in texts if t]
        if not texts:
            continue
        line = "  ".join(dict.fromkeys(texts))
        for text in texts:
            match = _UNIT_ROW.search(squash(text).translate(_BRACKETS))
            if match and unit is None:
                unit = match.group(1) or match.group(2)
        if _FILL_KEY.search(line):
            fill = line if fill is None else f"{fill}  {line}"
            continue
        if title is None and re.search(rf"[{_CJK}]", texts[0]) and not _UNIT_ROW.search(squash(texts[0])):
            title = texts[0]
        else:
            others.append(line)
    return title, fill, unit, others


# ---------------------------------------------------------------- public entry points


def find_layout(sheet: Sheet, synonyms: dict[str, list[str]]) -> Layout | None:
    """The layout of a sheet, or None when no header row is recognisable (e.g. 填表说明)."""
    matcher = _Matcher(synonyms)
    best = _best_header(sheet, matcher)
    if best is None:
        return None
    header_rows = list(range(best.start, best.start + best.height))
    data_start = header_rows[-1] + 1
    while data_start < len(sheet.rows) and (
        not any(v is not None and _text(v).strip() for v in sheet.rows[data_start])
        or _is_numbering_row(sheet.rows[data_start])
    ):
        data_start += 1
    title, fill, unit, others = _above_header(sheet.rows[: best.start])
    fill_date = detect_fill_date(fill)
    headers = [c.header for c in best.columns] + best.unknown
    return Layout(
        sheet=sheet,
        header_rows=header_rows,
        columns=best.columns,
        unknown_headers=best.unknown,
        data_start=data_start,
        money_unit=unit or "万元",
        township=detect_township(title, fill),
        period=detect_period([title or ""] + others + headers, fill_date),
        fill_date=fill_date,
        title=title,
        seq_index=best.seq_index,
        duplicate_headers=best.duplicates,
        fill_text=fill,
    )


def pick_data_sheet(sheets: list[Sheet], synonyms: dict[str, list[str]], file_name: str | None = None) -> Layout:
    """The layout of the first sheet that has one (visible sheets first); DataError if none."""
    ordered = [s for s in sheets if not s.hidden] + [s for s in sheets if s.hidden]
    for sheet in ordered:
        layout = find_layout(sheet, synonyms)
        if layout is not None:
            return layout
    name = file_name or next((s.source for s in sheets if s.source), "")
    names = "".join(f"“{s.name}”" for s in sheets) or "（无工作表）"
    where = f"文件“{name}”" if name else "文件"
    raise DataError(
        f"{where}中没有找到项目表：工作表{names}都没有包含“项目名称”等表头的行"
        "（表头须在前15行内，可用 header_synonyms 文件补充表头写法）"
    )


# ---------------------------------------------------------------- row classification

_SECTION = re.compile(r"^(?:[一二三四五六七八九十]+[、.,:．，：]|[(（][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+(?:部分|类|批))")
_BARE_SECTION = re.compile(r"^(?:新开工|续建|在建|前期|预备|谋划|储备|竣工)\S{0,4}项目")
_NATURE_WORDS = (("新开工", "新开工"), ("续建", "续建"), ("在建", "续建"), ("前期", "前期"), ("预备", "前期"), ("谋划", "前期"), ("储备", "前期"))
_TOTAL = re.compile(r"^(?:其中[:：]|.{0,15}?(?:合计|总计|小计|共计)(?:\(.*\))?$)")
_FOOTER = re.compile(
    r"^(?:填报人|填表人|联系人|联系电话|电话|审核人|审核|审批人|制表人|制表|负责人|单位负责人|分管领导|主要领导"
    r"|备注[:：]|注[:：]|说明[:：]|填表说明)"
)
_NUMERAL_ONLY = re.compile(r"[一二三四五六七八九十]+|[(（][一二三四五六七八九十]+[)）]")
_SPECIAL_START = set("一二三四五六七八九十(（第合总小共其填联电审制负单分主备注说新续在前预谋储竣")


def _nature_of(text: str) -> str | None:
    for word, nature in _NATURE_WORDS:
        if word in text:
            return nature
    return None


def classify_row(cells: list[object], layout: Layout) -> tuple[str, object]:
    """("blank"|"section"|"total"|"footer"|"data", value) for one row of the data area.

    A section's value is the nature it sets ("新开工"/"续建"/"前期"), or None when it names
    none (``二、工业项目``): the rows below then get no nature from a section.  A row holding
    nothing but a 序号 is blank.  Other kinds have value None.  Cheap on data rows: only
    the first two text cells are looked at, and only if they start like a special row.
    """
    seq = layout.seq_index
    texts: list[tuple[int, str]] = []
    first = None
    other = False
    for index, value in enumerate(cells):
        if value is None:
            continue
        if isinstance(value, str):
            value = value.strip()
            if not value:
                continue
            if len(texts) < 2:
                texts.append((index, value))
        if first is None:
            first = index
        # a 序号 alone makes a blank row, but text in that column (一、新开工项目) is content
        other = other or index != seq or (isinstance(value, str) and not value.isdigit())
        if other and len(texts) == 2:
            break
    if not other:
        return "blank", None
    for position, (index, text) in enumerate(texts):
        if text[0] not in _SPECIAL_START:
            continue
        key = squash(text)
        if _TOTAL.match(key):
            return "total", None
        if position or index != first:
            continue
        if _SECTION.match(key) or (_BARE_SECTION.match(key) and len(texts) == 1):
            return "section", _nature_of(key)
        if _NUMERAL_ONLY.fullmatch(key):  # 一 | 新开工项目（5个）
            return "section", _nature_of(squash(texts[1][1])) if len(texts) == 2 else None
        if _FOOTER.match(key):
            return "footer", None
    return "data", None
