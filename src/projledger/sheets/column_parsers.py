"""One parser per mapped column of a township sheet, built once per file.  Pure.

The parsers of :mod:`projledger.sheets.values` define what every cell means; this module
wires them to a column by its *kind* in :data:`projledger.sheets.columns.COLUMNS` (and the
column's money unit, the period's year, the workbook's date system) and makes the common
cases cheap, because the row loop of a 50,000-row sheet runs them half a million times:

* a **text** cell is parsed once per distinct text (:class:`ColumnParser` caches the
  outcome, error included): dates typed as ``2026.05``, natures, departments, owners and
  ``无`` repeat down a column;
* a **number** in a money column and a **date cell** in a date column take a short path
  that gives exactly what :func:`~projledger.sheets.values.parse_money` /
  :func:`~projledger.sheets.values.parse_date` give (``tests/test_import.py`` checks the two
  agree on random numbers and dates); anything unusual (negative, huge, NaN, a year
  outside 1900–2100) falls through to the pure parser and its message;
* a plain name or code skips the "not given" test when its first character rules it out.

Unit columns (责任单位, 所在乡镇) give the cleaned *name*; the township reader resolves names
to units (once per distinct name) — this module touches no database.

A parser returns ``(True, value)`` or ``(False, Chinese message)``; it never raises for
bad input.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from projledger.errors import ProjledgerError
from projledger.projects import CODE_PATTERN, LEVELS, check_code
from projledger.sheets.columns import BY_FIELD
from projledger.sheets.values import (
    ParsedDate, ParsedMoney, ValueProblem, is_not_given, parse_date, parse_money, parse_nature, parse_started,
    split_problems,
)
from projledger.text import squash

__all__ = ["ColumnParser", "compile_column", "cell_text", "fast_money", "fast_date", "parse_level", "parse_person",
           ]

_CENT = Decimal("0.01")
_FACTORS = {"万元": Decimal(1), "亿元": Decimal(10000), "元": Decimal("0.0001")}
_CAP = Decimal(10) ** 12
_MAYBE_BLANK = set("-—–―−/\\无暂 \t\u3000")


@dataclass
class ColumnParser:
    """A mapped column compiled for the row loop: where it is and how to read it.

    ``read(raw)`` is a plain closure (cheaper to call than a method in the row loop).  A
    money column in 万元 (``wan_money``) reads a float that is a whole number of cents inline
    (the short path of :func:`fast_money`), saving three calls per cell.
    """

    field: str
    index: int
    header: str
    run: Callable[[object], tuple[bool, object]]
    cache: dict = field(default_factory=dict)  # text cell -> (ok, value or message)
    wan_money: bool = False

    def __post_init__(self) -> None:
        run, cache = self.run, self.cache
        if self.wan_money:
            self.read = _wan_money_reader(run, cache)
            return

        def read(raw: object) -> tuple[bool, object]:
            if raw.__class__ is str:
                outcome = cache.get(raw)
                if outcome is None:
                    outcome = cache[raw] = run(raw)
                return outcome
            return run(raw)

        self.read = read

    def __call__(self, raw: object) -> tuple[bool, object]:
        return self.read(raw)


def _wan_money_reader(run: Callable, cache: dict) -> Callable[[object], tuple[bool, object]]:
    def read(raw: object) -> tuple[bool, object]:
        kind = raw.__class__
        if kind is float and 0 <= raw < 1e12:
            whole = round(raw * 100)
            if whole / 100 == raw:  # see fast_money
                return True, ParsedMoney(Decimal(whole).scaleb(-2), False, ())
        elif kind is str:
            outcome = cache.get(raw)
            if outcome is None:
                outcome = cache[raw] = run(raw)
            return outcome
        return run(raw)
    return read


def cell_text(value: object) -> str | None:
    """A cell as trimmed text (``2026.0`` → ``2026``, a date → ISO); None when blank."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, (dt.datetime, dt.date)):
        value = value.isoformat()[:10]
    text = str(value).strip()
    return text or None


def fast_money(raw: object, unit: str) -> ParsedMoney:
    """:func:`parse_money` with a short path for plain non-negative numbers.

    Shortest of all, a float in 万元 that is a whole number of cents as shown (``1234.5``):
    ``round(raw * 100) / 100 == raw`` holds exactly when the nearest float to that many cents
    is ``raw`` itself, i.e. when ``repr(raw)`` has at most two decimals — so the amount is
    that many cents, the same Decimal (``1234.50``) the general path gives, without building
    it from text and quantizing it."""
    kind = type(raw)
    if kind is float and unit == "万元" and 0 <= raw < 1e12:
        whole = round(raw * 100)
        if whole / 100 == raw:
            return ParsedMoney(Decimal(whole).scaleb(-2), False, ())
    if kind is float or kind is int:
        number = Decimal(repr(raw)) if kind is float else Decimal(raw)
        if number.is_finite() and number >= 0:
            amount = abs(number) * _FACTORS[unit]
            if amount <= _CAP:
                return ParsedMoney(amount.quantize(_CENT, ROUND_HALF_UP), False, ())
    return parse_money(raw, unit)


def fast_date(raw: object, year: int | None, epoch1904: bool) -> ParsedDate:
    """:func:`parse_date` with a short path for real date cells."""
    kind = type(raw)
    if (kind is dt.datetime or kind is dt.date) and 1900 <= raw.year <= 2100:
        return ParsedDate(raw.date() if kind is dt.datetime else raw, "day", ())
    return parse_date(raw, year, epoch1904=epoch1904)


def parse_level(raw: object) -> str | None:
    """项目级别: 省重点 / 市重点 / 县重点 (``省级重点项目`` too); anything else is an error."""
    text = cell_text(raw)
    if text is None or is_not_given(text):
        return None
    key = squash(text).removesuffix("项目").replace("级", "")
    if key in LEVELS:
        return key
    raise ValueProblem(f"项目级别“{text}”无法识别，应为：{'、'.join(LEVELS)}")


_TITLE_WORDS = ("县长", "书记", "主任", "常委", "部长", "局长", "主席", "镇长", "乡长", "秘书长", "调研员", "处长")
_BRACKETED = re.compile(r"^(.+?)\s*[(（][^()（）]*[)）]$")


def parse_person(raw: object) -> str | None:
    """包联领导 / 服务专员: the person's name, without the title written beside it
    (``王立新（副县长）``, ``王立新 副县长`` → ``王立新``)."""
    text = _plain_text(raw)
    if text is None:
        return None
    match = _BRACKETED.match(text)
    if match and any(w in text[match.end(1):] for w in _TITLE_WORDS):
        return match.group(1).strip()
    parts = text.split()
    if len(parts) == 2 and any(parts[1].endswith(w) for w in _TITLE_WORDS):
        return parts[0]
    return text


def _percent_text(raw: object) -> str | None:
    """A number in a column headed （%）: as the sheet shows it (0.65 formatted 0% → ``65%``)."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        number = Decimal(repr(raw)) * (100 if abs(raw) <= 1 else 1)
        return f"{number.normalize():f}%"
    return _plain_text(raw)


def _plain_text(raw: object) -> str | None:
    if type(raw) is str and len(raw) > 2 and raw[0] not in _MAYBE_BLANK:
        return raw.strip()
    return None if is_not_given(raw) else cell_text(raw)


def _code(raw: object) -> str | None:
    if type(raw) is str and CODE_PATTERN.match(raw):
        return check_code(raw)
    return None if is_not_given(raw) else check_code(cell_text(raw))


def _guarded(parse: Callable[[object], object]) -> Callable[[object], tuple[bool, object]]:
    def run(raw: object) -> tuple[bool, object]:
        try:
            return True, parse(raw)
        except ProjledgerError as exc:  # ValueProblem is a DataError
            return False, exc.message
    return run


def _parser_of(kind: str, *, unit: str, year: int, period_end: dt.date, epoch1904: bool):
    if kind == "money":
        return lambda raw: fast_money(raw, unit)
    if kind == "date":
        return lambda raw: fast_date(raw, year, epoch1904)
    if kind == "started":
        def started(raw):
            if isinstance(raw, str):
                return parse_started(raw, period_end, year)
            return fast_date(raw, year, epoch1904)  # numbers: the workbook's date system matters
        return started
    if kind == "nature":
        return parse_nature
    if kind == "level":
        return parse_level
    if kind == "problems":
        return lambda raw: tuple(split_problems(raw))
    if kind == "code":
        return _code
    if kind == "person":
        return parse_person
    return _plain_text  # name, text, unit (a unit's name; resolved by the reader)


def compile_column(column, *, money_unit: str, year: int, period_end: dt.date, epoch1904: bool) -> ColumnParser:
    """The parser for one :class:`~projledger.sheets.layout.Column` of a sheet.

    Monthly columns (field ``month:N``) are money columns.
    """
    kind = "money" if column.field.startswith("month:") else BY_FIELD[column.field].kind
    parse = _parser_of(kind, unit=column.unit or money_unit, year=year, period_end=period_end, epoch1904=epoch1904)
    if kind == "text" and "%" in column.header:
        parse = _percent_text
    wan = kind == "money" and (column.unit or money_unit) == "万元"
    return ColumnParser(column.field, column.index, column.header, _guarded(parse), wan_money=wan)
