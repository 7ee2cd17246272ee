"""Money in 万元, exact to 0.01 万元.

Amounts are :class:`decimal.Decimal` in the library and integers of 0.01 万元 (百元) in the
database, so sums in an official report never drift the way binary floats do.  JSON output
carries numbers in 万元 (``money_json``), rounded to two places.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from projledger.errors import DataError

__all__ = ["CENT", "to_money", "to_db", "from_db", "money_json", "format_money"]

CENT = Decimal("0.01")


def to_money(value: object) -> Decimal:
    """Any int/str/Decimal (float only via its shortest repr) → Decimal rounded half-up to 0.01."""
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, bool):
        raise DataError(f"金额不能是布尔值：{value}")
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            amount = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            raise DataError(f"金额“{value}”不是数字") from None
    else:
        raise DataError(f"金额“{value}”不是数字")
    if not amount.is_finite():
        raise DataError(f"金额“{value}”不是有限数字")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def to_db(amount: Decimal | None) -> int | None:
    """Decimal 万元 → integer count of 0.01 万元 for storage."""
    if amount is None:
        return None
    return int((to_money(amount) * 100).to_integral_value(rounding=ROUND_HALF_UP))


def from_db(stored: int | None) -> Decimal | None:
    """Stored integer of 0.01 万元 → Decimal 万元."""
    if stored is None:
        return None
    return (Decimal(stored) / 100).quantize(CENT)


def money_json(amount: Decimal | None) -> float | int | None:
    """万元 for JSON: an int when whole, else a float with at most two decimals."""
    if amount is None:
        return None
    amount = to_money(amount)
    if amount == amount.to_integral_value():
        return int(amount)
    return float(amount)


def format_money(amount: Decimal | None) -> str:
    """Thousands separators and two decimals for screens (``12,000.50``); ``—`` when absent."""
    if amount is None:
        return "—"
    return f"{to_money(amount):,.2f}"
