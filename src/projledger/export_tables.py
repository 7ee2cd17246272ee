"""The ledger's tables as ``export`` writes them: columns, labels, and the one query per table.

:mod:`projledger.reports.exports` writes the rows (CSV, JSON, XLSX) and runs no SQL; this
module reads them.  ``table_rows`` returns the open cursor, so a province's 1.2 million
progress rows stream from SQLite into the file without being held in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from projledger.errors import DataError, UsageError

if TYPE_CHECKING:
    from projledger.report_data import ProjectFilter
    from projledger.store import Database

__all__ = ["TABLES", "COLUMNS", "resolve_table", "table_rows"]

TABLES = ("projects", "plans", "progress", "problems", "procedures")
FORMATS = ("csv", "json", "xlsx")
_TABLE_ALIASES = {"项目": "projects", "计划": "plans", "年度计划": "plans", "进度": "progress",
                  "问题": "problems", "前期手续": "procedures", "手续": "procedures"}

# (key, Chinese label, kind) — kind: text | int | money | date | bool
COLUMNS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "projects": (
        ("id", "编号", "int"), ("code", "项目代码", "text"), ("name", "项目名称", "text"),
        ("township", "乡镇", "text"), ("department", "责任部门", "text"), ("owner", "建设单位", "text"),
        ("stage", "阶段", "text"), ("nature", "建设性质", "text"), ("industry", "所属行业", "text"),
        ("industrial", "产业类", "bool"), ("total_investment", "总投资(万元)", "money"),
        ("planned_start", "计划开工", "date"), ("actual_start", "实际开工", "date"),
        ("completed_on", "竣工日期", "date"), ("leader", "包联领导", "text"), ("note", "备注", "text"),
    ),
    "plans": (
        ("project_id", "项目编号", "int"), ("project_code", "项目代码", "text"),
        ("project_name", "项目名称", "text"), ("township", "乡镇", "text"),
        ("department", "责任部门", "text"), ("year", "年度", "int"),
        ("investment", "年度计划投资(万元)", "money"), ("nature", "建设性质", "text"),
        ("planned_start", "计划开工", "date"),
    ),
    "progress": (
        ("project_id", "项目编号", "int"), ("project_code", "项目代码", "text"),
        ("project_name", "项目名称", "text"), ("period", "期间", "text"),
        ("ytd_completed", "本年累计完成(万元)", "money"),
        ("month_completed", "当月完成(万元)", "money"), ("status", "形象进度", "text"),
        ("reported_on", "填报日期", "date"), ("source", "来源", "text"),
    ),
    "problems": (
        ("id", "问题编号", "int"), ("project_code", "项目代码", "text"),
        ("project_name", "项目名称", "text"), ("text", "问题", "text"), ("status", "状态", "text"),
        ("reported_on", "提出日期", "date"), ("due_on", "解决时限", "date"),
        ("closed_on", "办结日期", "date"), ("lead_unit", "牵头单位", "text"),
        ("township", "所在乡镇", "text"), ("category", "类别", "text"), ("level", "层级", "text"),
        ("reply_due_on", "意见时限", "date"), ("replied_on", "提出意见日期", "date"),
        ("reply", "解决意见", "text"), ("resolution", "办结情况", "text"), ("source", "来源", "text"),
    ),
    "procedures": (
        ("id", "编号", "int"), ("project_code", "项目代码", "text"), ("project_name", "项目名称", "text"),
        ("item", "手续事项", "text"), ("mode", "办理方式", "text"), ("lead_unit", "办理单位", "text"),
        ("accepted_on", "受理日期", "date"), ("limit_workdays", "时限(工作日)", "int"),
        ("due_on", "办结时限", "date"), ("due_provisional", "时限暂定", "bool"),
        ("supplement_by", "容缺补齐期限", "date"), ("supplemented_on", "补齐日期", "date"),
        ("expires_on", "模拟审批有效期至", "date"), ("simulated_on", "模拟审批日期", "date"),
        ("simulated_doc", "模拟审批意见", "text"), ("converted_on", "申请转正式日期", "date"),
        ("convert_due", "转正式时限", "date"), ("done_on", "批复日期", "date"),
        ("doc_number", "批复文号", "text"), ("note", "备注", "text"),
    ),
}

_PROJECT_JOIN = (" JOIN projects p ON p.id = x.project_id"
                 " LEFT JOIN units t ON t.id = p.township_id LEFT JOIN units d ON d.id = p.department_id")
_SQL = {
    "projects": ("SELECT x.id, x.code, x.name, t.name, d.name, x.owner, x.stage, x.nature, x.industry,"
                 " x.industrial, x.total_investment, x.planned_start, x.actual_start, x.completed_on,"
                 " x.leader, x.note FROM projects x LEFT JOIN units t ON t.id = x.township_id"
                 " LEFT JOIN units d ON d.id = x.department_id ORDER BY x.id"),
    "plans": ("SELECT x.project_id, p.code, p.name, t.name, d.name, x.year, x.investment, x.nature,"
              " x.planned_start FROM annual_plans x" + _PROJECT_JOIN + " ORDER BY x.project_id, x.year"),
    "progress": ("SELECT x.project_id, p.code, p.name, x.period, x.ytd_completed, x.month_completed,"
                 " x.status, x.reported_on, x.source FROM progress x" + _PROJECT_JOIN +
                 " ORDER BY x.project_id, x.period"),
    "problems": ("SELECT x.id, p.code, p.name, x.text, x.status, x.reported_on, x.due_on, x.closed_on,"
                 " l.name, t.name, x.category, x.level, x.reply_due_on, x.replied_on, x.reply_text,"
                 " x.resolution, x.source FROM problems x" + _PROJECT_JOIN +
                 " LEFT JOIN units l ON l.id = x.lead_unit_id ORDER BY x.id"),
    "procedures": ("SELECT x.id, p.code, p.name, x.item, x.mode, l.name, x.accepted_on,"
                   " x.limit_workdays, x.due_on, x.due_provisional, x.supplement_by, x.supplemented_on,"
                   " x.expires_on, x.simulated_on, x.simulated_doc, x.converted_on, x.convert_due,"
                   " x.done_on, x.doc_number, x.note FROM procedures x" + _PROJECT_JOIN +
                   " LEFT JOIN units l ON l.id = x.lead_unit_id ORDER BY x.project_id, x.id"),
}


def resolve_table(name: str) -> str:
    key = (name or "").strip()
    key = _TABLE_ALIASES.get(key, key.lower())
    if key not in TABLES:
        raise UsageError(f"不能导出“{name}”，可导出：{' / '.join(TABLES)}")
    return key


def table_rows(db: "Database", table: str, filters: "ProjectFilter | None" = None) -> tuple[tuple[tuple[str, str, str], ...], Iterator[tuple]]:
    """(columns, raw rows) of an exportable table, in the export's order.

    The rows are the open cursor: read them once, in order, while the ledger is open.
    ``filters`` (:class:`projledger.report_data.ProjectFilter`) keeps the rows of the projects
    it selects (cycle: ``export --level/--tag``).
    """
    if table == "procedures" and not db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'procedures'").fetchone():
        raise DataError("没有前期手续表可导出：本数据库尚未启用前期手续（procedure）功能")
    from projledger.report_data import project_filter_sql

    fragment, params = project_filter_sql(filters, "x" if table == "projects" else "p")
    sql = _SQL[table].replace(" ORDER BY ", f" WHERE {fragment} ORDER BY ", 1)
    return COLUMNS[table], iter(db.execute(sql, params))
