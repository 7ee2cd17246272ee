"""Cross-checking a township sheet's totals rows against the project rows they sum (SPEC §4).

Totals rows (``合计`` ``总计`` ``共计`` ``小计``) are never imported; where one carries amounts
that differ from the sum of its project rows by more than 0.01 万元, a warning names the
row, the column and both figures.  A section row carrying amounts
(``一、新开工项目（2个） | 3000 | 1300``) is checked against its section the same way.

Which rows a total sums is decided when the whole sheet has been read, because county sheets
put totals both above and below the projects:

* a section row: the project rows of its section; a category row (``（一）工业项目``): the
  project rows of that category;
* ``小计``: the section's project rows since the previous 小计 of the section; if there are
  none (a 小计 placed right under the section row), the section's rows below it;
* ``合计``/``总计``/``共计``: every project row above it; if there are none (the common
  总计 row right under the header), every project row of the sheet;
* ``其中：…`` lists a part of the projects and is not checked.

A totals cell holding a formula without a cached value cannot be checked; that is said once
for the row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from projledger.text import squash

__all__ = ["TotalsCheck"]

_TOLERANCE = Decimal("0.01")


@dataclass
class _Total:
    kind: str  # "section" | "category" | "total"
    row: int
    label: str
    section: int
    category: int
    position: int  # how many project rows were read before it
    stated: dict[str, Decimal]

    @property
    def subtotal(self) -> bool:
        return self.kind == "total" and "小计" in squash(self.label)


@dataclass
class TotalsCheck:
    """Collects project amounts and totals rows while a sheet is walked; :meth:`warnings` at the end."""

    sheet_name: str
    headers: dict[str, str]  # money field -> column header
    amounts: list[tuple[int, dict]] = field(default_factory=list)  # (section, {field: amount}) per project row
    categories: list[int] = field(default_factory=list)  # the category of each project row
    totals: list[_Total] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add_project(self, section: int, money: dict, category: int = 0) -> None:
        self.amounts.append((section, money))
        self.categories.append(category)

    def add_total(self, kind: str, row: int, label: str, section: int, stated: dict, uncalculated: bool,
                  category: int = 0) -> None:
        if kind == "total" and squash(label).startswith("其中"):
            return
        if uncalculated:
            self.notes.append(f"第{row}行“{label}”含未计算的公式，未核对合计数")
        if stated:
            self.totals.append(_Total(kind, row, label, section, category, len(self.amounts), stated))

    def _rows_of(self, total: _Total) -> list[dict]:
        amounts = self.amounts
        if total.kind == "section":
            return [m for s, m in amounts if s == total.section]
        if total.kind == "category":
            return [m for (s, m), c in zip(amounts, self.categories) if (s, c) == (total.section, total.category)]
        if total.subtotal:
            previous = max((t.position for t in self.totals
                            if t.subtotal and t.section == total.section and t.position < total.position), default=0)
            rows = [m for s, m in amounts[previous:total.position] if s == total.section]
            return rows or [m for s, m in amounts[total.position:] if s == total.section]
        return [m for _, m in (amounts[:total.position] or amounts)]

    def warnings(self) -> list[str]:
        found = list(self.notes)
        for total in self.totals:
            rows = self._rows_of(total)
            for key, amount in total.stated.items():
                expected = sum((m[key] for m in rows if m.get(key) is not None), Decimal(0))
                if abs(amount - expected) > _TOLERANCE:
                    found.append(f"工作表“{self.sheet_name}”第{total.row}行“{total.label}”的“{self.headers[key]}”"
                                 f"为{amount}万元，与所列项目之和{expected}万元相差{amount - expected}万元")
        return found
