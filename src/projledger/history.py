"""One project's change history as a person reads it (``projledger history``).

The audit trail stores raw rows: table and column names, unit ids, money as integer
0.01 万元, flags as 0/1.  :func:`describe` turns each audit row into a :class:`HistoryEntry`
with Chinese labels — the table as 项目 / 进度 2026-10 / 问题3, each column by its 表头 name,
a unit id as the unit's name, money in 万元, a flag as 是/否 — leaving out bookkeeping
columns (ids, matching keys, timestamps).  ``history --json`` keeps the raw rows (stable
keys for scripts); only the screen uses this module.

A column without a label here (one a later migration adds) is still shown, under its
column name, so nothing in the trail is hidden; add its label to :data:`FIELD_LABELS`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from projledger.money import format_money, from_db

if TYPE_CHECKING:
    import sqlite_utils

__all__ = ["Change", "HistoryEntry", "describe", "show_value", "short_command", "project_history", "TABLE_LABELS", "FIELD_LABELS"]

ACTIONS = {"insert": "新增", "update": "修改", "delete": "删除"}
TABLE_LABELS = {
    "projects": "项目", "annual_plans": "年度计划", "progress": "进度", "problems": "问题",
    "problem_units": "问题协办单位", "problem_escalations": "问题提级", "procedures": "手续",
    "reserve_entries": "储备库", "reserve_info": "储备信息", "reserve_reviews": "储备审核",
    "reserve_promotions": "储备升级", "stage_transitions": "阶段变化", "post_evaluations": "投产后评价",
    "plan_adjustments": "计划调整", "project_tags": "标签", "milestones": "节点", "submissions": "报送",
    # meetings
    "meetings": "会议", "meeting_attendees": "参会单位", "meeting_items": "议定事项",
    "meeting_item_escalations": "议定事项提级", "letters": "函件", "letter_items": "函件所列事项",
}  # fmt: skip
FIELD_LABELS = {
    "code": "项目代码", "name": "名称", "township_id": "所在乡镇", "department_id": "责任单位",
    "owner": "建设单位", "stage": "阶段", "nature": "建设性质", "industry": "行业", "industrial": "产业类",
    "total_investment": "总投资", "planned_start": "计划开工", "planned_start_precision": "计划开工精确到",
    "actual_start": "实际开工", "actual_start_estimated": "开工日期为估计", "completed_on": "竣工日期",
    "leader": "包抓领导", "liaison": "联络员", "level": "级别", "note": "备注",
    "year": "年度", "investment": "计划投资", "planned_completion": "计划竣工",
    "period": "期间", "ytd_completed": "累计完成投资", "month_completed": "当月完成投资",
    "status": "状态", "reported_on": "填报日期", "source": "来源",
    "text": "问题", "category": "类别", "lead_unit_id": "牵头单位", "unit_id": "单位",
    "reply_workdays": "答复时限（工作日）", "reply_due_on": "答复期限", "replied_on": "答复日期",
    "reply_text": "解决意见", "due_workdays": "时限（工作日）", "due_on": "期限", "closed_on": "办结日期",
    "resolution": "办结情况", "escalated_on": "提级日期",
    "item": "事项", "mode": "办理方式", "accepted_on": "受理日期", "limit_workdays": "时限（工作日）",
    "due_basis": "时限依据", "supplement_by": "容缺材料补齐期限", "supplemented_on": "容缺材料补齐日期",
    "expires_on": "有效期至", "simulated_on": "模拟审批日期", "simulated_doc": "模拟审批文号",
    "converted_on": "转正式批复日期", "convert_due": "转正式批复期限", "done_on": "办结日期",
    "doc_number": "批复文号",
    "tier": "层级", "entered_on": "入库日期", "entered_via": "入库方式", "left_on": "出库日期",
    "left_reason": "出库原因", "progress": "进展情况", "next3_investment": "未来三年预计投资",
    "target_tier": "申报层级", "result": "结果", "reviewer_unit_id": "审核单位", "reviewed_on": "审核日期",
    "opinion": "意见", "from_tier": "原层级", "to_tier": "新层级", "promoted_on": "升级日期",
    "happened_on": "日期", "from_stage": "原阶段", "to_stage": "新阶段", "event": "事件", "reason": "原因",
    "evaluated_on": "评价日期", "area_mu": "用地（亩）", "output": "产值", "tax": "税收",
    "energy": "能耗（吨标准煤）", "output_per_mu": "亩均产值", "tax_per_mu": "亩均税收",
    "energy_per_output": "单位能耗", "quarter": "季度", "action": "调整", "tag": "标签",
    "due_provisional": "期限为暂定", "reply_due_provisional": "答复期限为暂定",
    "convert_due_provisional": "转正期限为暂定",
    "file_name": "文件", "filled_on": "填报日期", "submitted_on": "报送日期", "imported_at": "导入时间",
    # meetings
    "meeting_id": "会议编号", "assigned_on": "交办日期", "due_start": "时限起算日", "held_on": "会议日期",
    "title": "名称", "chair": "主持人", "number": "文号", "seq": "当年序号", "issued_on": "发文日期",
    "file": "文件", "basis": "依据", "letter_id": "函件编号", "item_id": "事项编号", "kind": "类型",
}  # fmt: skip
MONEY_FIELDS = frozenset({"total_investment", "investment", "ytd_completed", "month_completed",
                          "next3_investment", "output", "tax"})
_HIDDEN = frozenset({"id", "project_id", "created_at", "updated_at", "review_id", "sha256",
                     "leader_person_id", "liaison_person_id"})  # the person links follow the names shown
_VALUES = {
    "status": {"open": "未办结", "closed": "已办结"},
    "planned_start_precision": {"day": "日", "month": "月", "year": "年"},
    "action": {"drop": "调出", "add": "调入"},
    "kind": {"problem": "问题", "meeting_item": "议定事项"},  # meetings: letter_items
    "event": {"reserve_add": "入库", "plan_adopt": "列入年度计划", "complete": "竣工/投产", "terminate": "终止/退库",
              "plan_drop": "调出年度计划", "plan_adjust_add": "调整增补进年度计划"},
}


@dataclass
class Change:
    """One column of one audit row: its label, and the value before / after, as shown."""

    label: str
    before: str | None
    after: str | None


@dataclass
class HistoryEntry:
    at: str  # local time, minutes: 2026-11-21 09:30
    actor: str
    action: str  # 新增 | 修改 | 删除
    subject: str  # 项目 | 进度 2026-10 | 问题3 | 2026年计划 …
    changes: list[Change] = field(default_factory=list)
    command: str | None = None

    def change_text(self) -> str:
        """``总投资：12,000.00万元 → 12,500.00万元；状态：未办结 → 已办结``."""
        parts = []
        for change in self.changes:
            if self.action == "修改":
                parts.append(f"{change.label}：{change.before or '（空）'} → {change.after or '（空）'}")
            else:
                parts.append(f"{change.label}：{change.after if self.action == '新增' else change.before}")
        return "；".join(parts)


def _hidden(name: str) -> bool:
    return name in _HIDDEN or name.endswith("_key")


def _is_unit(name: str) -> bool:
    return name in ("township_id", "department_id") or name.endswith("unit_id")


def _is_flag(name: str) -> bool:
    return name == "industrial" or name.endswith(("_provisional", "_estimated"))


def show_value(name: str, value: Any, unit_name: Callable[[int], str | None]) -> str | None:
    """One stored value as a person reads it; None for an empty one."""
    if value is None or value == "":
        return None
    if name in MONEY_FIELDS and isinstance(value, int):
        return f"{format_money(from_db(value))}万元"
    if _is_unit(name) and isinstance(value, int):
        return unit_name(value) or f"（已删除的单位{value}）"
    if _is_flag(name):
        return "是" if value else "否"
    return _VALUES.get(name, {}).get(value, str(value))


def _subject(table: str, values: dict) -> str:
    label = TABLE_LABELS.get(table, table)
    if table == "projects":
        return label
    if table == "progress" and values.get("period"):
        return f"进度 {values['period']}"
    if table == "annual_plans" and values.get("year"):
        return f"{values['year']}年计划"
    if table == "procedures" and values.get("item"):
        return f"手续 {values['item']}"
    return f"{label}{values['id']}" if values.get("id") is not None else label


def _key_values(key: str | None) -> dict[str, str]:
    """``project_id=1,period=2026-09`` → its parts (an update row holds only what changed)."""
    parts = (part.partition("=") for part in (key or "").split(","))
    return {name: value for name, sep, value in parts if sep}


def _local_minute(at: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(at)
    except (TypeError, ValueError):
        return str(at)
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


_NEEDS_QUOTES = re.compile(r"[\s'\"\\$`!*?;&|<>(){}#~]")  # Chinese words need no quotes on screen


def short_command(command: str | None, width: int = 60) -> str | None:
    """The command as typed, for a table cell: no program name or ``--db``, files by name."""
    import shlex

    if not command:
        return command
    try:
        words = shlex.split(command)
    except ValueError:
        return command[:width]
    kept, skip = [], False
    for word in words[1:]:
        if skip:
            skip = False
        elif word == "--db":
            skip = True
        elif not word.startswith("--db="):
            kept.append(word.rsplit("/", 1)[-1] if "/" in word and not word.startswith("-") else word)
    text = " ".join(w if w and not _NEEDS_QUOTES.search(w) else shlex.quote(w) for w in kept)
    return text if len(text) <= width else text[: width - 1] + "…"


def _changes(row: dict, unit_name: Callable[[int], str | None]) -> list[Change]:
    before, after = row.get("before") or {}, row.get("after") or {}
    names = after if row["action"] != "delete" else before
    changes = []
    for name in names:
        if _hidden(name):
            continue
        old, new = show_value(name, before.get(name), unit_name), show_value(name, after.get(name), unit_name)
        if row["action"] == "update" and old == new:
            continue
        shown = new if row["action"] == "insert" else old
        if row["action"] != "update" and (shown is None or (_is_flag(name) and shown == "否")):
            continue  # a new row: only what it has (a flag only when set)
        changes.append(Change(FIELD_LABELS.get(name, name), old, new))
    return changes


def describe(rows: list[dict], unit_name: Callable[[int], str | None]) -> list[HistoryEntry]:
    """Raw audit rows (as :func:`projledger.store.audit_rows` returns them) → entries for people."""
    entries = []
    for row in rows:
        values = _key_values(row.get("key")) | (row.get("before") or {}) | (row.get("after") or {})
        entries.append(HistoryEntry(
            at=_local_minute(row["at"]), actor=row["actor"], action=ACTIONS.get(row["action"], row["action"]),
            subject=_subject(row["table"], values), changes=_changes(row, unit_name),
            command=short_command(row.get("command"))))
    return entries


def project_history(db: sqlite_utils.Database, project_id: int) -> tuple[list[dict], list[HistoryEntry]]:
    """The raw audit rows of a project (for ``--json``) and the same as entries for the screen."""
    from projledger.store import audit_rows
    from projledger.units import Units

    rows = audit_rows(db, project_id)
    units = Units(db)

    def unit_name(unit_id: int) -> str | None:
        unit = units.by_id(unit_id)
        return unit.name if unit else None

    return rows, describe(rows, unit_name)
