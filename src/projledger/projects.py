"""Projects (项目): the one record every ledger hangs on.

A project has an optional national code (全国投资项目统一代码, ``2026-620821-47-01-012345``,
unique when given), a name, its township and department (resolved through unit aliases),
owner, stage, nature, total investment (万元, exact), planned and actual start, leader.
Commands refer to a project by code, internal id, or exact name.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from projledger.dates import iso, stored_date as _date
from projledger.labels import NATURES as LABELLED_NATURES
from projledger.errors import DataError, NotFoundError
from projledger.money import from_db, money_json, to_db
from projledger.text import normalize_name
from projledger.units import Units

__all__ = [
    "Project", "Projects", "CODE_PATTERN", "check_code", "NATURES",
    "RESERVE_STAGES", "PLAN_STAGES", "END_STAGES", "STAGES", "LEVELS", "check_level", "check_tag",
]

CODE_PATTERN = re.compile(r"^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$")
NATURES = LABELLED_NATURES  # projledger.labels
RESERVE_STAGES = ("谋划", "规划", "拟开展前期", "正在开展前期")
PLAN_STAGES = NATURES
END_STAGES = ("竣工", "投产", "终止", "退库")
STAGES = RESERVE_STAGES + PLAN_STAGES + END_STAGES
#: 项目级别 (SPEC §12): the levels every 通报 breaks its figures down by.
LEVELS = ("省重点", "市重点", "县重点")

_COLUMNS = ("id, code, name, township_id, department_id, owner, stage, nature, industry, industrial,"
            " total_investment, planned_start, planned_start_precision, actual_start,"
            " actual_start_estimated, completed_on, leader, note, level, liaison, leader_person_id,"
            " liaison_person_id")


def check_code(code: str | None) -> str | None:
    """Shape check of the national project code (year-division-industry-type-serial)."""
    if code is None or not code.strip():
        return None
    code = code.strip()
    if not CODE_PATTERN.match(code):
        raise DataError(f"项目代码“{code}”格式不对，应形如 2026-620821-47-01-012345（年份-6位区划-2位行业-2位类型-6位序号）")
    year = int(code[:4])
    if not 1990 <= year <= 2100:
        raise DataError(f"项目代码“{code}”的年份 {year} 不合理")
    return code


def check_level(value: str | None) -> str | None:
    """项目级别: one of :data:`LEVELS` (after trimming); empty → None."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text not in LEVELS:
        raise DataError(f"项目级别“{text}”无效，应为：{'、'.join(LEVELS)}")
    return text


def check_tag(value: str) -> str:
    """A list tag (清单名称): non-empty, at most 40 characters, no line breaks."""
    text = " ".join((value or "").split())
    if not text:
        raise DataError("清单标签不能为空")
    if len(text) > 40:
        raise DataError(f"清单标签“{text[:40]}…”过长（不超过40个字）")
    return text


def check_choice(value: str | None, choices: tuple[str, ...], what: str) -> str | None:
    if value is None or value == "":
        return None
    if value not in choices:
        raise DataError(f"{what}“{value}”无效，应为：{'、'.join(choices)}")
    return value


@dataclass
class Project:
    id: int
    code: str | None
    name: str
    township: str | None
    department: str | None
    owner: str | None
    stage: str
    nature: str | None
    industry: str | None
    industrial: bool | None
    total_investment: Decimal | None
    planned_start: dt.date | None
    planned_start_precision: str
    actual_start: dt.date | None
    actual_start_estimated: bool
    completed_on: dt.date | None
    leader: str | None
    note: str | None
    township_id: int | None = None
    department_id: int | None = None
    level: str | None = None
    liaison: str | None = None
    leader_person_id: int | None = None
    liaison_person_id: int | None = None
    tags: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.name}（{self.code}）" if self.code else self.name

    def to_json(self) -> dict:
        """SPEC §9 keys for ``project list --json``."""
        return {
            "code": self.code, "name": self.name, "township": self.township,
            "department": self.department, "owner": self.owner, "stage": self.stage,
            "nature": self.nature, "industry": self.industry,
            "total_investment": money_json(self.total_investment),
            "planned_start": iso(self.planned_start), "actual_start": iso(self.actual_start),
            "leader": self.leader, "level": self.level, "tags": list(self.tags),
            "liaison": self.liaison, "completed_on": iso(self.completed_on),
        }


class Projects:
    """Project reads, and writes inside the caller's transaction."""

    def __init__(self, db, units: Units | None = None):
        self.db = db
        self.units = units or Units(db)
        self._tags: dict[int, list[str]] | None = None

    def _from_row(self, row) -> Project:
        (pid, code, name, tid, did, owner, stage, nature, industry, industrial, total,
         planned, planned_prec, actual, actual_est, completed, leader, note, level, liaison,
         leader_pid, liaison_pid) = row
        township = self.units.by_id(tid)
        department = self.units.by_id(did)
        return Project(
            id=pid, code=code, name=name,
            township=township.name if township else None,
            department=department.name if department else None,
            owner=owner, stage=stage, nature=nature, industry=industry,
            industrial=None if industrial is None else bool(industrial),
            total_investment=from_db(total), planned_start=_date(planned),
            planned_start_precision=planned_prec, actual_start=_date(actual),
            actual_start_estimated=bool(actual_est), completed_on=_date(completed),
            leader=leader, note=note, township_id=tid, department_id=did, level=level,
            liaison=liaison, leader_person_id=leader_pid, liaison_person_id=liaison_pid,
            tags=self.tags_of(pid),
        )

    def tags_of(self, project_id: int) -> tuple[str, ...]:
        if self._tags is None:
            self._tags = {}
            for pid, tag in self.db.execute("SELECT project_id, tag FROM project_tags ORDER BY project_id, tag"):
                self._tags.setdefault(pid, []).append(tag)
        return tuple(self._tags.get(project_id, ()))

    def by_id(self, project_id: int) -> Project | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM projects WHERE id = ?", [project_id]).fetchone()
        return self._from_row(row) if row else None

    def by_code(self, code: str) -> Project | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM projects WHERE code = ?", [code]).fetchone()
        return self._from_row(row) if row else None

    def by_name(self, name: str, township_id: int | None = None) -> list[Project]:
        sql = f"SELECT {_COLUMNS} FROM projects WHERE name_key = ?"
        params: list = [normalize_name(name)]
        if township_id is not None:
            sql += " AND township_id = ?"
            params.append(township_id)
        return [self._from_row(r) for r in self.db.execute(sql + " ORDER BY id", params)]

    def get(self, ref: str | int) -> Project:
        """A project by code, internal id, or exact (normalised) name."""
        text = str(ref).strip()
        project = None
        if CODE_PATTERN.match(text):
            project = self.by_code(text)
        elif text.isdigit():
            project = self.by_id(int(text))
        else:
            matches = self.by_name(text)
            if len(matches) > 1:
                listing = "、".join(f"{p.id}（{p.township or '无乡镇'}）" for p in matches)
                raise DataError(f"名为“{text}”的项目有 {len(matches)} 个，请用代码或编号指定：{listing}")
            project = matches[0] if matches else None
        if project is None:
            raise NotFoundError(f"找不到项目“{text}”（可用项目代码、编号或完整名称；projledger project list 查看）")
        return project

    def list(self, *, township: str | None = None, department: str | None = None,
             stage: str | None = None, level: str | None = None, tag: str | None = None) -> list[Project]:
        sql = f"SELECT {_COLUMNS} FROM projects"
        where, params = [], []
        if township:
            where.append("township_id = ?")
            params.append(self.units.resolve(township, "township", role="乡镇").id)
        if department:
            where.append("department_id = ?")
            params.append(self.units.resolve(department, "department", role="部门").id)
        if stage:
            where.append("stage = ?")
            params.append(stage)
        if level:
            where.append("level = ?")
            params.append(check_level(level))
        if tag:
            where.append("id IN (SELECT project_id FROM project_tags WHERE tag = ?)")
            params.append(self.known_tag(tag))
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [self._from_row(r) for r in self.db.execute(sql + " ORDER BY id", params)]

    # -- writes ---------------------------------------------------------------
    def check_code_free(self, code: str | None, project_id: int | None = None) -> None:
        if code is None:
            return
        other = self.by_code(code)
        if other is not None and other.id != project_id:
            raise DataError(f"项目代码“{code}”已被项目“{other.name}”（编号{other.id}）使用")

    def add(self, writer, fields: dict) -> Project:
        """Insert a project; ``fields`` are already validated column values (see :func:`project_columns`)."""
        if not fields.get("name"):
            raise DataError("项目名称不能为空")
        self.check_code_free(fields.get("code"))
        now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        row = {"stage": fields.get("nature") or "谋划", **fields,
               "name_key": normalize_name(fields["name"]), "created_at": now, "updated_at": now}
        project_id = writer.insert("projects", row)
        return self.by_id(project_id)

    def update(self, writer, project: Project, changes: dict) -> bool:
        if "code" in changes:
            self.check_code_free(changes["code"], project.id)
        if "name" in changes:
            changes = {**changes, "name_key": normalize_name(changes["name"])}
        now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        return writer.update("projects", {"id": project.id}, changes, touch={"updated_at": now})

    def project_columns(self, *, name=None, code=None, township=None, department=None,
                        owner=None, stage=None, nature=None, industry=None, industrial=None,
                        total_investment=None, planned_start=None, planned_start_precision=None,
                        actual_start=None, leader=None, note=None, level=None) -> dict:
        """Validate user-facing values into column values; only given (non-None) fields returned."""
        columns: dict = {}
        if name is not None:
            if not name.strip():
                raise DataError("项目名称不能为空")
            columns["name"] = name.strip()
        if code is not None:
            columns["code"] = check_code(code)
        if township is not None:
            columns["township_id"] = self.units.resolve(township, "township", role="乡镇").id
        if department is not None:
            columns["department_id"] = self.units.resolve(department, "department", role="部门").id
        if stage is not None:
            columns["stage"] = check_choice(stage, STAGES, "项目阶段")
        if nature is not None:
            columns["nature"] = check_choice(nature, NATURES, "建设性质")
        if total_investment is not None:
            if total_investment < 0:
                raise DataError("总投资不能为负数")
            columns["total_investment"] = to_db(total_investment)
        if planned_start is not None:
            columns["planned_start"] = planned_start.isoformat()
            columns["planned_start_precision"] = planned_start_precision or "day"
        if actual_start is not None:
            columns["actual_start"] = actual_start.isoformat()
            columns["actual_start_estimated"] = 0
        if industrial is not None:
            columns["industrial"] = int(bool(industrial))
        if level is not None:
            columns["level"] = check_level(level)
        for key, value in (("owner", owner), ("industry", industry), ("leader", leader), ("note", note)):
            if value is not None:
                columns[key] = value.strip() or None
        return columns

    def check_tags(self, tags: list[str] | None) -> list[str]:
        """Checked, de-duplicated tags in the order given."""
        return list(dict.fromkeys(check_tag(t) for t in (tags or [])))

    def set_tags(self, writer, project: Project, *, add: list[str] = (), remove: list[str] = ()) -> int:
        """Add and remove list tags (already checked); returns how many rows changed."""
        changed = 0
        current = set(self.tags_of(project.id))
        for tag in add:
            if tag not in current:
                writer.insert("project_tags", {"project_id": project.id, "tag": tag},
                              project_id=project.id, key_columns=("project_id", "tag"))
                current.add(tag)
                changed += 1
        for tag in remove:
            if writer.delete("project_tags", {"project_id": project.id, "tag": tag}, project_id=project.id):
                current.discard(tag)
                changed += 1
        self._tags = None
        return changed

    def known_tag(self, tag: str) -> str:
        """A tag to filter by: checked, and refused when no project carries it (a mistyped
        清单 would otherwise list nothing and look like an empty list)."""
        text = check_tag(tag)
        known = self.all_tags()
        if text not in known:
            listed = "、".join(known) if known else "（还没有项目标注清单，用 project update --tag 标注）"
            raise DataError(f"清单“{text}”中没有项目；现有清单：{listed}")
        return text

    def all_tags(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT DISTINCT tag FROM project_tags ORDER BY tag")]
