"""Pure parsers for the values in a township sheet's cells (SPEC §4, §10).

A cell arrives from python-calamine or the csv module as ``str``, ``int``, ``float``,
``bool``, ``date``, ``datetime``, ``time`` or ``None``.  Each parser turns one cell into a
plain value or raises :class:`ValueProblem` with a Chinese message; the import pipeline adds
file, sheet, row and column.  Nothing here touches a database or a workbook.

Design decisions (each one pinned by ``tests/test_sheet_values.py``):

- **Explicit patterns only.**  Text is folded with NFKC (full-width digits and punctuation
  become ASCII) and matched against a short list of regular expressions; anything else is a
  row error.  No fuzzy parser ever guesses: dateutil reads ``2026.10`` as January and
  ``2026年3月`` as today's day of March, which is exactly the silent damage SPEC §10 forbids.
  Characters that NFKC would turn into digits but are not digits (``①``, ``²``) are refused
  rather than read as numbers.
- **Money** is ``Decimal``; float cells go through ``repr`` (shortest round-trip text), so
  ``0.99`` 亿元 is 9900.00 万元, never 9899.999….  A unit written in the cell (``4.6亿元``)
  overrides the column's unit.  ``元`` is understood as well (÷ 10000) so a column headed
  ``（元）`` is not silently read as 万元.  Thousands separators must be real groups of three
  (``1,20`` is an error, not 120).  Amounts above 10¹² 万元 are refused as a unit mistake.
- **Dates**: full dates ``2026-03-05`` ``2026/3/5`` ``2026.3.5`` ``2026年3月5日/号``, compact
  ``20260305`` (eight digits, year 1900–2100 — unambiguous in Chinese usage; six-digit
  ``202603``/``260305`` are refused because they cannot be told apart), month-only
  ``2026年3月(份)`` ``2026.3`` ``2026-03`` ``2026/3`` (day 1, precision ``month``), and
  ``3月5日`` in the period's year.  A trailing time of day (``2026/3/5 0:00``, from CSV
  exports) is dropped.  Day-month-year orders (``3/5/2026``) are refused, never guessed.
- A **number** in a date column is, in this order: ``YYYY.M``/``YYYY.MM`` when it lies in
  1900–2100 with a fraction (Excel drops the zero of ``2026.10``, so ``2026.1`` is read as
  January *with a warning*), a bare year (error), a compact ``YYYYMMDD``, or an Excel serial
  number whose date falls in 1950–2100 (small numbers such as ``5`` are junk, not 1900 dates).
  The same warning is given for the *text* ``2026.1``: a CSV saved by Excel writes the number
  2026.10 as ``2026.1``, and the parser cannot tell which program wrote the text.
- **Problems** are split only on a numbered sequence that starts at 1 and counts up
  (``1.`` ``2、`` ``（3）`` ``④`` ``五、``), each at the start of the cell or after a separator
  or line break.  ``3户拆迁``, ``1.2亿元`` and ``2026年3月`` never split; text without numbering
  is one problem (inner ``；`` is not a split point: county cells without numbers are usually
  one problem told in several clauses).  A generic heading before the list (``存在问题：``) is
  dropped; repeated items inside one cell are kept once.  Texts keep their original
  characters (no NFKC) so the ledger shows what the township wrote.
- **已开工** in an actual-start column is the period's last day, ``estimated=True``, precision
  ``day`` (the estimate is a date, not a month), with a warning.  ``是`` counts as 已开工 and
  ``否`` as not started, as in a 是否开工 column.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from projledger.errors import DataError
from projledger.money import to_money
from projledger.text import nfkc, squash

__all__ = [
    "ValueProblem",
    "ParsedMoney",
    "ParsedDate",
    "parse_money",
    "parse_date",
    "parse_started",
    "split_problems",
    "is_not_given",
    "parse_nature",
    "detect_money_unit",
    "excel_serial_to_date",
]


class ValueProblem(DataError):
    """A cell that cannot be read: a row error.  ``.message`` is Chinese; the caller adds
    file, sheet, row and column.  (A DataError, so one that escapes still exits 1 cleanly.)"""

    def __init__(self, message: str):
        super().__init__(message)


class ParsedMoney(NamedTuple):
    """An amount in 万元 (None: not given), whether it was a 约/近 figure, and warnings.

    A named tuple, not a frozen dataclass: one is built per money cell of every row, and
    a tuple is built in a quarter of the time (measured: 0.3 µs against 1.3 µs)."""

    amount: Decimal | None
    approximate: bool
    warnings: tuple[str, ...]


class ParsedDate(NamedTuple):
    """A date (None: not given); precision ``day`` or ``month`` (then day is 1).  A named
    tuple for the same reason as :class:`ParsedMoney`."""

    value: date | None
    precision: str
    warnings: tuple[str, ...]
    estimated: bool = False


# ---------------------------------------------------------------- shared helpers

_BLANK_MARK = re.compile(r"[-—–―−/\\]+")
_NOT_GIVEN_WORDS = frozenset({"", "无", "暂无"})


def is_not_given(raw: object) -> bool:
    """None, empty text, dashes/slashes (``—`` ``——`` ``-`` ``－`` ``/``), ``无`` and ``暂无``."""
    if raw is None:
        return True
    if not isinstance(raw, str):
        return False
    text = squash(raw)
    return text in _NOT_GIVEN_WORDS or _BLANK_MARK.fullmatch(text) is not None


def _is_plain_digit(ch: str) -> bool:
    return "0" <= ch <= "9" or "０" <= ch <= "９"


def _fold(text: str) -> str | None:
    """NFKC, or None when a non-digit character would turn into digits (①→1, ²→2)."""
    for ch in text:
        if not _is_plain_digit(ch) and not ch.isascii() and any(c.isdigit() for c in nfkc(ch)):
            return None
    return nfkc(text)


def _show(raw: object) -> str:
    """The cell as a user would recognise it in a message."""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, float):
        return repr(raw)
    return str(raw)


# ---------------------------------------------------------------- money

_UNIT_FACTOR = {
    "万元": Decimal(1), "万": Decimal(1),
    "亿元": Decimal(10000), "亿": Decimal(10000),
    "元": Decimal("0.0001"),
}
_MONEY = re.compile(
    r"(?P<approx>约|近)?\s*(?P<sign>[-+−])?\s*"
    r"(?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
    r"\s*(?P<unit>万元|亿元|万|亿|元)?",
    re.ASCII,
)
_MONEY_CAP = Decimal(10) ** 12  # 万元; larger is a unit mistake (and would overflow storage)


def parse_money(raw: object, unit: str = "万元") -> ParsedMoney:
    """One money cell → 万元 at 0.01 (``unit`` is the column's: 万元, 亿元 or 元)."""
    if unit not in _UNIT_FACTOR:
        raise ValueError(f"unknown money unit {unit!r}")
    if is_not_given(raw):
        return ParsedMoney(None, False, ())
    warnings: tuple[str, ...] = ()
    approximate = False
    if isinstance(raw, str):
        number, negative, unit, approximate, written = _read_money_text(raw, unit)
        if approximate:
            warnings = (f"金额为约数：{written}",)
    elif isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
        number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        if not number.is_finite():
            raise ValueProblem(f"“{_show(raw)}”不是有效金额")
        negative = number < 0
    else:
        raise ValueProblem(f"“{_show(raw)}”不是有效金额")
    if negative and number != 0:
        raise ValueProblem("金额不能为负数")
    amount = abs(number) * _UNIT_FACTOR[unit]
    if amount > _MONEY_CAP:
        raise ValueProblem(f"金额“{_show(raw)}”过大，请检查金额单位")
    return ParsedMoney(to_money(amount), approximate, warnings)


def _read_money_text(raw: str, unit: str) -> tuple[Decimal, bool, str, bool, str]:
    """Text → (number, negative, effective unit, approximate, text for the warning)."""
    text = _fold(raw.strip())
    match = _MONEY.fullmatch(text) if text is not None else None
    if match is None:
        raise ValueProblem(f"“{raw.strip()}”不是有效金额")
    digits = match["num"]
    try:
        number = Decimal(digits.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numerals
        raise ValueProblem(f"“{raw.strip()}”不是有效金额") from None
    unit = match["unit"] or unit
    shown_unit = {"万": "万元", "亿": "亿元"}.get(unit, unit)
    written = f"{match['approx'] or ''}{match['sign'] or ''}{digits}{shown_unit}"
    return number, match["sign"] in ("-", "−"), unit, match["approx"] is not None, written


_UNIT_IN_TEXT = re.compile(r"(?:单位[:：]?|[(（\[【])\s*(万元|亿元|元|万|亿)")


def detect_money_unit(text: str) -> str | None:
    """The money unit a header, parent header or unit row declares: 万元, 亿元, 元 or None.

    ``单位：亿元``, ``投资情况（亿元）``, ``（万元）``.  A unit after ``单位`` or in brackets wins;
    otherwise a lone ``万元``/``亿元`` anywhere; two different units and no marker → None.
    """
    if not isinstance(text, str):
        return None
    folded = squash(text)
    marked = {_full_unit(u) for u in _UNIT_IN_TEXT.findall(folded)}
    if len(marked) == 1:
        return marked.pop()
    if marked:
        return None
    loose = set(re.findall(r"万元|亿元", folded))
    return loose.pop() if len(loose) == 1 else None


def _full_unit(unit: str) -> str:
    return {"万": "万元", "亿": "亿元"}.get(unit, unit)


# ---------------------------------------------------------------- dates

_YEARS = (1900, 2100)        # any date we accept
_SERIAL_YEARS = (1950, 2100)  # a bare number read as an Excel serial

_FULL_DATE = re.compile(r"(?P<y>[0-9]{4})(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})",
                        re.ASCII)
_CN_DATE = re.compile(r"(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})[日号]?", re.ASCII)
_COMPACT = re.compile(r"(?P<y>(?:19|20|21)[0-9]{2})(?P<m>[0-9]{2})(?P<d>[0-9]{2})", re.ASCII)
_MONTH = re.compile(r"(?P<y>[0-9]{4})(?P<sep>[-/.])(?P<m>[0-9]{1,2})", re.ASCII)
_CN_MONTH = re.compile(r"(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月份?", re.ASCII)
_NO_YEAR = re.compile(r"([0-9]{1,2})月([0-9]{1,2})[日号]", re.ASCII)
_YEAR_ONLY = re.compile(r"([0-9]{4})年?", re.ASCII)
_TIME_OF_DAY = re.compile(
    r"(.*?[0-9日号])(?:\s+|T)([0-9]{1,2}):([0-9]{2})(?::[0-9]{2}(?:\.[0-9]+)?)?", re.ASCII
)


def _dropped_zero_warning(shown: str, year: int) -> str:
    return f"“{shown}”按{year}年1月读取；若为10月，请将单元格设为文本后填写“{year}.10”"


def parse_date(
    raw: object, period_year: int | None = None, *, epoch1904: bool = False
) -> ParsedDate:
    """One date cell → ParsedDate; ``period_year`` supplies the year of ``3月5日``."""
    if is_not_given(raw):
        return ParsedDate(None, "day", ())
    if isinstance(raw, datetime):
        return ParsedDate(_checked(raw.year, raw.month, raw.day, _show(raw)), "day", ())
    if isinstance(raw, date):
        return ParsedDate(_checked(raw.year, raw.month, raw.day, _show(raw)), "day", ())
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return _date_from_number(raw, epoch1904)
    if isinstance(raw, str):
        if squash(raw).rstrip("。.") in _UNDECIDED or squash(raw).rstrip("。.") in _NOT_STARTED:
            return ParsedDate(None, "day", ())  # 待定 / 未开工: no date yet
        return _date_from_text(raw, period_year)
    raise ValueProblem(f"“{_show(raw)}”不是有效日期")


def _checked(year: int, month: int, day: int, shown: str) -> date:
    """A real date in the accepted years, else a ValueProblem naming the cell."""
    try:
        value = date(year, month, day)
    except ValueError:
        raise ValueProblem(f"日期“{shown}”不存在") from None
    if not _YEARS[0] <= year <= _YEARS[1]:
        raise ValueProblem(f"日期“{shown}”的年份不在{_YEARS[0]}—{_YEARS[1]}年之间")
    return value


def _date_from_number(number: int | float, epoch1904: bool) -> ParsedDate:
    shown = _show(number)
    if isinstance(number, float) and not math.isfinite(number):
        raise ValueProblem(f"“{shown}”不是有效日期")
    integral = isinstance(number, int) or number.is_integer()
    if _YEARS[0] <= number < _YEARS[1] + 1:
        if integral:
            raise ValueProblem(f"日期“{shown}”只有年份，缺少月份")
        return _year_dot_month(repr(float(number)), shown)
    if integral and 19000101 <= number <= 21001231:
        match = _COMPACT.fullmatch(str(int(number)))
        if match:
            year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
            return ParsedDate(_checked(year, month, day, shown), "day", ())
    value = excel_serial_to_date(number, epoch1904)
    if not _SERIAL_YEARS[0] <= value.year <= _SERIAL_YEARS[1]:
        raise ValueProblem(f"“{shown}”不是有效日期")
    return ParsedDate(value, "day", ())


def _year_dot_month(text: str, shown: str) -> ParsedDate:
    """``2026.1`` / ``2026.05`` / ``2026.12`` (a number's repr or typed text) → month."""
    year_text, _, month_text = text.partition(".")
    if len(year_text) != 4 or not 1 <= len(month_text) <= 2:
        raise ValueProblem(f"“{shown}”不是有效日期")
    year = int(year_text)
    value = _checked(year, int(month_text), 1, shown)
    warnings = (_dropped_zero_warning(shown, year),) if month_text == "1" else ()
    return ParsedDate(value, "month", warnings)


def _date_from_text(raw: str, period_year: int | None) -> ParsedDate:
    shown = raw.strip()
    folded = _fold(shown)
    if folded is None:
        raise ValueProblem(f"“{shown}”不是有效日期")
    timed = _TIME_OF_DAY.fullmatch(folded)
    if timed and int(timed[2]) < 24 and int(timed[3]) < 60:
        folded = timed[1]
    text = re.sub(r"\s+", "", folded)
    for pattern in (_FULL_DATE, _CN_DATE, _COMPACT):
        match = pattern.fullmatch(text)
        if match:
            year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
            return ParsedDate(_checked(year, month, day, shown), "day", ())
    match = _MONTH.fullmatch(text)
    if match and match["sep"] == ".":
        return _year_dot_month(text, shown)
    match = match or _CN_MONTH.fullmatch(text)
    if match:
        year, month = int(match["y"]), int(match["m"])
        return ParsedDate(_checked(year, month, 1, shown), "month", ())
    return _date_without_year(text, shown, period_year)


def _date_without_year(text: str, shown: str, period_year: int | None) -> ParsedDate:
    match = _NO_YEAR.fullmatch(text)
    if match:
        if period_year is None:
            raise ValueProblem(f"日期“{shown}”没有年份，且报告期年份未知")
        return ParsedDate(_checked(period_year, int(match[1]), int(match[2]), shown), "day", ())
    if _YEAR_ONLY.fullmatch(text):
        raise ValueProblem(f"日期“{shown}”只有年份，缺少月份")
    raise ValueProblem(f"“{shown}”不是有效日期")


def excel_serial_to_date(n: float, epoch1904: bool = False) -> date:
    """Excel serial day number → date (time of day dropped).

    1900 system: serial 1 is 1900-01-01, and Excel counts a 1900-02-29 that never existed
    (serial 60, refused), so serials from 61 on are days after 1899-12-30.  1904 system
    (old Mac workbooks): serial 0 is 1904-01-01.
    """
    if isinstance(n, bool) or not isinstance(n, (int, float)) or not math.isfinite(n):
        raise ValueProblem(f"“{_show(n)}”不是有效的Excel日期序号")
    day = math.floor(n)
    try:
        if epoch1904 and day >= 0:
            return date(1904, 1, 1) + timedelta(days=day)
        if not epoch1904 and 1 <= day < 60:
            return date(1899, 12, 31) + timedelta(days=day)
        if not epoch1904 and day > 60:
            return date(1899, 12, 30) + timedelta(days=day)
    except OverflowError:
        pass
    raise ValueProblem(f"“{_show(n)}”不是有效的Excel日期序号")


_STARTED = frozenset({"已开工", "已开工建设", "已开", "是"})
_NOT_STARTED = frozenset({"未开工", "未开", "否", "尚未开工", "暂未开工"})


_UNDECIDED = frozenset({"待定", "未定", "暂定", "待确定", "暂未确定", "未确定", "不详"})


def parse_started(raw: object, period_end: date, period_year: int | None, *,
                  epoch1904: bool = False) -> ParsedDate:
    """An actual-start cell: a date, ``已开工`` (→ period end, estimated) or ``未开工`` (None)."""
    if isinstance(raw, str):
        text = squash(raw).rstrip("。.")
        if text in _STARTED:
            return ParsedDate(period_end, "day", ("“已开工”按期末日期估计开工时间",), estimated=True)
        if text in _NOT_STARTED:
            return ParsedDate(None, "day", ())
    return parse_date(raw, period_year, epoch1904=epoch1904)


# ---------------------------------------------------------------- nature

_NATURES = {
    "新开工": "新开工", "新建": "新开工", "新开工项目": "新开工", "新建项目": "新开工",
    "续建": "续建", "续建项目": "续建",
    "前期": "前期", "预备": "前期", "前期项目": "前期", "预备项目": "前期",
}


def parse_nature(raw: object) -> str | None:
    """建设性质 → ``新开工`` / ``续建`` / ``前期``; None when not given."""
    if is_not_given(raw):
        return None
    nature = _NATURES.get(squash(raw)) if isinstance(raw, str) else None
    if nature is None:
        raise ValueProblem(f"建设性质“{_show(raw)}”无法识别，应为新开工、续建或前期")
    return nature


# ---------------------------------------------------------------- problems

_NO_PROBLEM = frozenset({"无", "暂无", "无问题", "暂无问题", "没有", "无困难", "暂无困难",
                         "无困难和问题", "无问题和困难", "-", "—", "——", "/", "\\"})
_HEADINGS = frozenset({"问题", "存在问题", "存在的问题", "主要问题", "困难和问题", "问题和困难",
                       "存在困难和问题", "存在的问题及困难", "需协调解决的问题", "需解决的问题"})
_TRIM = " \t\r\n\u3000；;。，,、：:.．"
_HANZI_NUM = "一二三四五六七八九十"
_DIGIT = "[0-9０-９]"
_SEPARATORS = "；;。，,：:.．"
_ENUMERATOR = re.compile(
    # （2） and ② are numbering wherever they stand; 1. 2、 and 一、 only at the start or
    # after a separator, and never as the 1. of a decimal (1.2亿元) or the 1、 of 1、2号楼.
    rf"[（(]\s*(?P<paren>{_DIGIT}{{1,2}}|[{_HANZI_NUM}]{{1,3}})\s*[）)]"
    r"|(?P<circled>[①-⑳])"
    rf"|(?:^|(?<=[{_SEPARATORS}\s]))(?:"
    rf"(?P<arabic>{_DIGIT}{{1,2}})\s*(?:[.．](?!{_DIGIT})|、(?!{_DIGIT})|[）)])"
    rf"|(?P<hanzi>[{_HANZI_NUM}]{{1,3}})、)"
)


# Once a list has begun (1. …), the next number may follow without a separator, as people
# type it: "1.资料不全2.资金缺口0.5亿元3、道路未贯通" — the digit before it must not be a digit.
_LOOSE_ENUMERATOR = re.compile(
    rf"(?<![0-9０-９.．])(?P<arabic>{_DIGIT}{{1,2}})\s*(?:[.．](?!{_DIGIT})|、(?!{_DIGIT}))"
    rf"|(?P<hanzi>[{_HANZI_NUM}]{{1,3}})、"
)


def _separated(text: str, start: int) -> bool:
    return start == 0 or text[start - 1] in _SEPARATORS or text[start - 1].isspace()


def _enumerator_number(match: re.Match[str]) -> int:
    groups = match.groupdict()
    if groups.get("circled"):
        return ord(groups["circled"]) - ord("①") + 1
    token = groups.get("paren") or groups.get("arabic") or groups.get("hanzi")
    if token[0] in _HANZI_NUM:
        return _hanzi_number(token)
    return int(nfkc(token))


def _hanzi_number(token: str) -> int:
    """一 … 九十九 (enough for a list of problems); 0 for anything odd."""
    digits = {ch: i + 1 for i, ch in enumerate(_HANZI_NUM[:9])}
    tens, _, units = token.partition("十")
    if "十" not in token:
        return digits.get(token, 0) if len(token) == 1 else 0
    if len(tens) > 1 or len(units) > 1:
        return 0
    return digits.get(tens, 1 if not tens else 0) * 10 + digits.get(units, 0)


def split_problems(raw: object) -> list[str]:
    """A 存在问题 cell → its problems (empty list when the cell says there are none)."""
    if raw is None:
        return []
    text = raw if isinstance(raw, str) else _show(raw)
    if squash(text).strip(_TRIM) in _NO_PROBLEM or not squash(text).strip(_TRIM):
        return []
    marks, expected = [], 1
    for match in _ENUMERATOR.finditer(text):
        # a lone （1） inside a sentence (附件（1）) is a reference, not the start of a list
        reference = expected == 1 and match["paren"] and not _separated(text, match.start())
        if _enumerator_number(match) == expected and not reference:
            marks.append(match)
            expected += 1
    if len(marks) == 1 and (marks[0]["arabic"] or marks[0]["hanzi"]):
        marks = _loose_marks(text, marks)
    if not marks:
        return _unique([text.strip(_TRIM)])
    pieces = [text[: marks[0].start()].strip(_TRIM)]
    if squash(pieces[0]) in _HEADINGS:
        pieces = []
    ends = [m.start() for m in marks[1:]] + [len(text)]
    pieces += [text[m.end():end].strip(_TRIM) for m, end in zip(marks, ends)]
    return _unique(pieces)


def _loose_marks(text: str, marks: list) -> list:
    """The list started with 1. at the front: the next numbers, even without a separator."""
    found, expected = list(marks), 2
    for match in _LOOSE_ENUMERATOR.finditer(text, marks[0].end()):
        if _enumerator_number(match) == expected:
            found.append(match)
            expected += 1
    return found


def _unique(pieces: list[str]) -> list[str]:
    """Drop empty and "none" parts and repeats (compared after NFKC without whitespace)."""
    seen: set[str] = set()
    result = []
    for piece in pieces:
        key = squash(piece)
        if key and key not in _NO_PROBLEM and key not in seen:
            seen.add(key)
            result.append(piece)
    return result
