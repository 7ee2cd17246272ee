"""One parser per mapped column of a township sheet, built once per file.

The pure parsers of :mod:`projledger.sheets.values` define what every cell means; this
module only wires them to a column (its money unit, the period's year, the workbook's date
system, the unit registry) and makes the common cases cheap, because the row loop of a
50,000-row sheet runs them half a million times:

* a **text** cell is parsed once per distinct text (:class:`ColumnParser` caches the
  outcome, error included): dates typed as ``2026.05``, natures, departments, owners and
  ``无`` repeat down a column;
* a **number** in a money column and a **date cell** in a date column take a short path
  that gives exactly what :func:`~projledger.sheets.values.parse_money` /
  :func:`~projledger.sheets.values.parse_date` give (``tests/test_import.py`` checks the two
  agree on random numbers and dates); anything unusual (negative, huge, NaN, a year
  outside 1900–2100) falls through to the pure parser and its message;
* a plain name or code skips the "not given" test when its first character rules it out.

A parser returns ``(True, value)`` or ``(False, Chinese message)``; it never raises for
bad input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from projledger.errors import ProjledgerError
from projledger.projects import CODE_PATTERN, check_code
from projledger.sheets.values import (
    ParsedDate, ParsedMoney, is_not_given, parse_date, parse_money, parse_nature, parse_started,
    split_problems,
)

__all__ = ["ColumnParser", "compile_column", "cell_text", "fast_money", "fast_date", "MONEY_FIELDS"]

MONEY_FIELDS = ("total_investment", "annual_plan", "ytd_completed", "month_completed")
_CENT = Decimal("0.01")
_FACTORS = {"万元": Decimal(1), "亿元": Decimal(10000), "元": Decimal("0.0001")}
_CAP = Decimal(10) ** 12
_MAYBE_BLANK = set("-—–―−/\\无暂 \t\u3000")


@dataclass
class ColumnParser:
    """A mapped column compiled for the row loop: where it is and how to read it.

    ``read(raw)`` is a plain closure (cheaper to call than a method in the row loop).
    """

    field: str
    index: int
    header: str
    run: Callable[[object], tuple[bool, object]]
    cache: dict = field(default_factory=dict)  # text cell -> (ok, value or message)

    def __post_init__(self) -> None:
        run, cache = self.run, self.cache

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
    """:func:`parse_money` with a short path for plain non-negative numbers."""
    kind = type(raw)
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


def compile_column(column, *, money_unit: str, year: int, period_end: dt.date, epoch1904: bool,
                   units) -> ColumnParser:
    """The parser for one :class:`~projledger.sheets.layout.Column` of a sheet."""
    name = column.field

    def unit_id(kind: str, role: str):
        def parse(raw):
            text = cell_text(raw)
            if text is None or is_not_given(text):
                return None
            return units.resolve(text, kind, role=role).id
        return parse

    def started(raw):
        if isinstance(raw, str):
            return parse_started(raw, period_end, year)
        return fast_date(raw, year, epoch1904)  # numbers: the workbook's date system matters

    if name in MONEY_FIELDS:
        unit = column.unit or money_unit
        parse = lambda raw: fast_money(raw, unit)  # noqa: E731
    elif name == "planned_start":
        parse = lambda raw: fast_date(raw, year, epoch1904)  # noqa: E731
    elif name == "actual_start":
        parse = started
    elif name == "nature":
        parse = parse_nature
    elif name == "department":
        parse = unit_id("department", "责任单位")
    elif name == "township":
        parse = unit_id("township", "所在乡镇")
    elif name == "problems":
        parse = lambda raw: tuple(split_problems(raw))  # noqa: E731
    elif name == "code":
        parse = _code
    else:  # name and free text
        parse = _plain_text
    return ColumnParser(name, column.index, column.header, _guarded(parse))
