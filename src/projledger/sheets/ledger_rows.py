"""A township sheet row as the ledger stores it: the project columns it sets, and the
:class:`~projledger.projects.Project` a loaded (or about-to-be-inserted) row stands for.

Driven by :data:`projledger.sheets.columns.COLUMNS`, so a new column that lands in
``projects`` needs no change here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import ROUND_HALF_UP, Decimal

from projledger.money import from_db
from projledger.sheets.columns import BY_FIELD, PROJECT_TARGETS

__all__ = ["BASE_COLUMNS", "row_columns", "as_project", "cents"]

BASE_COLUMNS = ("id", "code", "name", "name_key", "township_id", "department_id", "owner", "stage",
                "nature", "industry", "industrial", "total_investment", "planned_start",
                "planned_start_precision", "actual_start", "actual_start_estimated", "completed_on",
                "leader", "note", "updated_at")


def cents(amount: Decimal | None) -> int | None:
    """:func:`projledger.money.to_db` for amounts the parsers already rounded to 0.01 万元."""
    if amount is None:
        return None
    value = amount * 100
    return int(value) if value == value.to_integral_value() else int(value.to_integral_value(ROUND_HALF_UP))


_KINDS = {field: spec.kind for field, spec in BY_FIELD.items()}
_BASE_SET = frozenset(BASE_COLUMNS)


def row_columns(row, project: dict | None, available: Collection[str] = _BASE_SET) -> dict:
    """The project columns a sheet row gives (what it leaves blank is not touched).

    Driven by :data:`projledger.sheets.columns.PROJECT_TARGETS`: money in 0.01 万元, dates as
    ISO text with their precision; a column the ledger does not have yet is left out.
    """
    columns = {"name": row.name, "township_id": row.township_id}
    values = row.values
    for name, value in values.items():
        column = PROJECT_TARGETS.get(name)
        if column is None or value is None or column not in available:
            continue
        kind = _KINDS[name]
        if kind == "money":
            columns[column] = cents(value)
        elif kind in ("date", "started"):
            # 已开工 only estimates a start: it never replaces a start already known (estimated or
            # not), so September's estimate is not pushed to October's last day by the next sheet.
            estimated = bool(values.get(f"{name}_estimated"))
            if estimated and project and project.get(column):
                continue
            columns[column] = value.isoformat()
            if kind == "date":
                columns[f"{column}_precision"] = values.get(f"{name}_precision") or "day"
            else:
                columns[f"{column}_estimated"] = int(estimated)
        else:
            columns[column] = value
    return columns


def as_project(values: dict):
    """A :class:`projledger.projects.Project` from a loaded (or about-to-be-inserted) row."""
    from projledger.projects import Project

    def day(key):
        return dt.date.fromisoformat(values[key]) if values.get(key) else None

    industrial = values.get("industrial")
    return Project(
        id=values["id"], code=values.get("code"), name=values["name"], township=None, department=None,
        owner=values.get("owner"), stage=values.get("stage") or "谋划", nature=values.get("nature"),
        industry=values.get("industry"), industrial=None if industrial is None else bool(industrial),
        total_investment=from_db(values.get("total_investment")), planned_start=day("planned_start"),
        planned_start_precision=values.get("planned_start_precision") or "day",
        actual_start=day("actual_start"), actual_start_estimated=bool(values.get("actual_start_estimated")),
        completed_on=day("completed_on"), leader=values.get("leader"), note=values.get("note"),
        township_id=values.get("township_id"), department_id=values.get("department_id"))
