"""The columns a township sheet can hold, declared once, as data.

One line per field, the way beangulp's CSV importer declares ``Date("Posting Date", …)``:
its parser (a kind of :mod:`.column_parsers`), the Python type of its parsed value, where it
lands in the ledger (``table.column``; several for a value stored twice, such as the nature
of the project and of its annual plan) and its Chinese label.  The header texts that mean a
field are data too, in ``data/header_synonyms.json`` under the same field name.

Adding a column: one :class:`ColumnSpec` line here plus its synonyms; the header finder,
the row reader, ``--explain`` and the writer all read this table.

Pure: no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["ColumnSpec", "COLUMNS", "BY_FIELD", "FIELDS", "MONEY_FIELDS", "TEXT_FIELDS", "PROJECT_TARGETS",
           "ALTERNATIVES", "ROW_LABELS", "label"]


@dataclass(frozen=True)
class ColumnSpec:
    field: str
    kind: str  # parser kind in column_parsers: name code text person money date started nature unit problems level
    type: type
    targets: tuple[str, ...]  # "table.column" in the ledger
    label: str

    def column_in(self, table: str) -> str | None:
        """The column of ``table`` this field lands in, if any."""
        return next((t.split(".", 1)[1] for t in self.targets if t.split(".", 1)[0] == table), None)


COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("code", "code", str, ("projects.code",), "项目代码"),
    ColumnSpec("name", "name", str, ("projects.name",), "项目名称"),
    ColumnSpec("owner", "text", str, ("projects.owner",), "建设单位"),
    ColumnSpec("nature", "nature", str, ("projects.nature", "annual_plans.nature"), "建设性质"),
    ColumnSpec("total_investment", "money", Decimal, ("projects.total_investment",), "总投资"),
    ColumnSpec("annual_plan", "money", Decimal, ("annual_plans.investment",), "年度计划投资"),
    ColumnSpec("ytd_completed", "money", Decimal, ("progress.ytd_completed",), "累计完成投资"),
    ColumnSpec("month_completed", "money", Decimal, ("progress.month_completed",), "当月完成投资"),
    ColumnSpec("progress", "text", str, ("progress.status",), "形象进度"),
    ColumnSpec("planned_start", "date", dt.date, ("projects.planned_start", "annual_plans.planned_start"),
               "计划开工时间"),
    ColumnSpec("actual_start", "started", dt.date, ("projects.actual_start",), "实际开工时间"),
    ColumnSpec("planned_completion", "date", dt.date, ("annual_plans.planned_completion",), "计划竣工时间"),
    ColumnSpec("problems", "problems", tuple, ("problems.text",), "存在问题"),
    ColumnSpec("leader", "person", str, ("projects.leader",), "包联领导"),
    ColumnSpec("liaison", "person", str, ("projects.liaison",), "服务专员"),
    ColumnSpec("level", "level", str, ("projects.level",), "项目级别"),
    ColumnSpec("department", "unit", int, ("projects.department_id",), "责任单位"),
    ColumnSpec("township", "unit", int, ("projects.township_id",), "所在乡镇"),
    ColumnSpec("industry", "text", str, ("projects.industry",), "所属行业"),
    ColumnSpec("note", "text", str, ("projects.note",), "备注"),
)

#: Headers that mean one of two fields: when the first field already has a column headed
#: more plainly (建设性质 beside 项目类别), the header is read as the second field.
ALTERNATIVES = {"项目类别": "industry", "类别": "industry", "项目类型": "industry", "建设类别": "industry"}

#: Row labels of a 指标 column (a project on two rows: 计划 / 完成) beside one amount column; a
#: label not here is matched against the header synonyms (年度计划, 1-10月完成 …).
ROW_LABELS = {"计划": "annual_plan", "年计划": "annual_plan", "年度": "annual_plan", "计划数": "annual_plan",
              "完成": "ytd_completed", "累计": "ytd_completed", "实际": "ytd_completed", "实际完成": "ytd_completed",
              "完成数": "ytd_completed", "当月": "month_completed", "本月": "month_completed"}

BY_FIELD = {spec.field: spec for spec in COLUMNS}
FIELDS = tuple(BY_FIELD)
MONEY_FIELDS = tuple(s.field for s in COLUMNS if s.kind == "money")
TEXT_FIELDS = tuple(s.field for s in COLUMNS if s.kind in ("text", "person"))
#: field -> projects column, for the fields a sheet row may set on its project (name/township aside)
PROJECT_TARGETS = {s.field: s.column_in("projects") for s in COLUMNS
                   if s.column_in("projects") and s.field not in ("name", "township")}


def label(field_name: str) -> str:
    """The Chinese label of a field (``--explain``); monthly columns are ``N月完成投资``."""
    if field_name.startswith("month:"):
        return f"{field_name[6:]}月完成投资（按月列）"
    spec = BY_FIELD.get(field_name)
    return spec.label if spec else field_name
