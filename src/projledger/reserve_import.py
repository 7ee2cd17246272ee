"""Import of a 项目储备库 spreadsheet's rows (``import --kind reserve``).

The township import pipeline (``projledger.sheets``) opens the file, finds the header with the
synonyms of ``data/reserve_headers.json`` (:func:`reserve_header_synonyms`) and hands this
module the data rows already mapped to fields (field → raw cell value).  Here every row is
validated first; only a batch without a single error is written, in one transaction
(:func:`import_reserve_rows`), or inside the pipeline's own transaction
(:func:`read_reserve_rows` then :func:`apply_reserve_rows`).

Fields: ``name`` (required), ``code``, ``tier`` (综合/行业/产业链/乡镇, also 行业储备库 …),
``department``, ``chain``, ``township``, ``stage``, ``total_investment_yi`` (投资匡算, 亿元),
``source`` (项目来源), ``progress`` (目前进展情况), ``next3_investment_yi`` (未来三年预计投资,
亿元), ``industrial`` (是/否), ``industry``, ``owner``, ``note``.  Keys starting with ``_`` are
metadata: ``_row`` (the row number Excel shows) and ``_sheet``.  An unknown field is a
programming error (``ValueError``).

Rules:

* Money columns are 亿元 unless ``money_units`` says otherwise (a header ``总投资（万元）``); a
  unit written in the cell (``4.6亿元``) wins, as in the township import.
* The tier defaults to 乡镇 for a township's sheet (``township=``), else from the row: a chain
  → 产业链, a department → 行业, a township → 乡镇.
* The stage must be a reserve stage (策划/规划/拟开展前期工作/正在开展前期工作 and the
  like); a started project (已开工, 在建, 续建 …) is a row error citing the 储备库 rule, and so is
  an existing project that the lifecycle refuses (started, in this year's plan, 竣工 …).
* Matching: by code, else by normalised name in the row's township; two rows of one batch
  with the same code or name (in one township) are errors.  Re-importing the same rows
  changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from projledger.errors import ProjledgerError
from projledger.lifecycle import Lifecycle, reserve_entry_refusal
from projledger.money import to_db
from projledger.projects import RESERVE_STAGES, Project, check_code
from projledger.reserve import TIER_UNIT_KIND, TIER_UNIT_ROLE, check_tier_name
from projledger.text import normalize_name, squash

__all__ = ["FIELDS", "FIELD_LABELS", "ReserveRow", "ReserveBatch", "reserve_header_synonyms",
           "parse_reserve_stage", "parse_yes_no", "looks_like_reserve", "DETECT_FIELDS", "read_reserve_rows", "apply_reserve_rows",
           "import_reserve_rows"]

FIELD_LABELS = {
    "name": "项目名称", "code": "项目代码", "tier": "储备库层级", "department": "行业主管部门",
    "chain": "产业链", "township": "所在乡镇", "stage": "项目阶段",
    "total_investment_yi": "投资匡算（亿元）", "source": "项目来源", "progress": "目前进展情况",
    "next3_investment_yi": "未来三年预计投资（亿元）", "industrial": "是否产业类", "industry": "所属行业",
    "owner": "项目单位", "note": "备注",
}
FIELDS = tuple(FIELD_LABELS)

_STAGE_WORDS = {
    "谋划": "谋划", "策划": "谋划", "谋划阶段": "谋划", "策划阶段": "谋划", "谋划储备": "谋划", "初步谋划": "谋划",
    "规划": "规划", "规划阶段": "规划",
    "拟开展前期": "拟开展前期", "拟开展前期工作": "拟开展前期", "拟开展前期工作阶段": "拟开展前期",
    "拟开展前期阶段": "拟开展前期", "拟开展": "拟开展前期",
    "正在开展前期": "正在开展前期", "正在开展前期工作": "正在开展前期", "正在开展前期工作阶段": "正在开展前期",
    "正在开展前期阶段": "正在开展前期", "前期工作": "正在开展前期", "前期": "正在开展前期",
    "前期阶段": "正在开展前期", "开展前期": "正在开展前期",
}
_STARTED_WORDS = ("已开工", "开工", "在建", "续建", "新开工", "建设中", "施工", "竣工", "投产", "完工")
_YES = {"是", "y", "yes", "true", "1", "√", "✓", "产业类", "产业", "产业项目"}
_NO = {"否", "n", "no", "false", "0", "×", "✗", "非产业类", "非产业", "非产业项目"}
_BLANK = {"", "无", "暂无", "-", "—", "——", "/", "－"}


def reserve_header_synonyms(path: Path | None = None) -> dict[str, list[str]]:
    """Field → header texts for a reserve sheet (same shape as the township synonyms)."""
    if path is None:
        from projledger.resources import read_json

        data = read_json("reserve_headers.json")
    else:
        from projledger.fileio import open_input

        data = json.loads(open_input(path, what="储备库表头文件").decode("utf-8-sig"))
    fields = data["fields"]
    unknown = set(fields) - set(FIELDS) - {"seq"}
    if unknown:
        raise ValueError(f"unknown reserve header fields: {sorted(unknown)}")
    return {name: list(entries) for name, entries in fields.items()}


DETECT_FIELDS = ("total_investment_yi", "source", "next3_investment_yi", "tier", "stage")


def looks_like_reserve(fields: set[str] | list[str]) -> bool:
    """A header mapped with the reserve synonyms is a reserve sheet when it has the project
    name and at least two reserve-only columns (投资匡算, 项目来源, 未来三年预计投资, 层级, 阶段)."""
    found = set(fields)
    return "name" in found and len(found & set(DETECT_FIELDS)) >= 2


def _text(raw: object) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    return None if squash(text) in _BLANK else text


def parse_reserve_stage(raw: object) -> str | None:
    """Reserve sheet wording → one of the four reserve stages; None when blank."""
    text = _text(raw)
    if text is None:
        return None
    key = squash(text)
    if key in _STAGE_WORDS:
        return _STAGE_WORDS[key]
    if any(word in key for word in _STARTED_WORDS):
        raise ValueError(f"“{text}”表示项目已开工或建成：储备库只储备谋划、规划、拟开展前期和正在开展前期阶段的项目，"
                         "不储备已开工建设的项目")
    raise ValueError(f"项目阶段“{text}”无法识别，应为：{'、'.join(RESERVE_STAGES)}")


def parse_yes_no(raw: object) -> bool | None:
    text = _text(raw)
    if text is None:
        return None
    key = squash(text).lower()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError(f"“{text}”应为 是 或 否")


@dataclass
class ReserveRow:
    """One validated row."""

    row: int
    name: str
    code: str | None
    tier: str
    unit_id: int | None
    township_id: int | None
    department_id: int | None
    stage: str | None
    total_investment: Decimal | None
    next3_investment: Decimal | None
    industrial: bool | None
    texts: dict[str, str | None]
    project: Project | None = None


@dataclass
class ReserveBatch:
    rows: list[ReserveRow] = field(default_factory=list)
    read: int = 0  # data rows seen (rows with any content)
    warnings: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0,
                                                             "entered": 0})

    def summary(self, committed: bool) -> dict:
        return {"committed": committed, "rows": self.read, **self.counts,
                "warnings": list(self.warnings), "errors": list(self.errors)}


class _Reader:
    def __init__(self, life: Lifecycle, batch: ReserveBatch, township: str | None, on: dt.date,
                 headers: dict[str, str], money_units: dict[str, str]):
        self.life, self.batch, self.on = life, batch, on
        self.headers, self.money_units = headers, money_units
        self.township_id = life.units.resolve(township, "township", role="乡镇").id if township else None
        self.seen_codes: dict[str, int] = {}
        self.seen_names: dict[tuple, int] = {}
        self.no_stage = 0

    def error(self, ctx: dict, field_name: str | None, value: object, message: str) -> None:
        column = self.headers.get(field_name) or FIELD_LABELS.get(field_name) if field_name else None
        shown = value if value is None or isinstance(value, (int, float, str, bool)) else str(value)
        self.batch.errors.append({"sheet": ctx.get("_sheet"), "row": ctx["_row"], "column": column,
                                  "value": shown, "message": message})

    def call(self, ctx, field_name, parse, default=None):
        raw = ctx.get(field_name)
        try:
            return parse(raw)
        except (ValueError, ProjledgerError) as exc:
            self.error(ctx, field_name, raw, getattr(exc, "message", None) or str(exc))
            return default

    def money(self, ctx, field_name) -> Decimal | None:
        from projledger.sheets.values import parse_money

        parsed = self.call(ctx, field_name, lambda raw: parse_money(raw, self.money_units.get(field_name, "亿元")))
        if parsed is None:
            return None
        for warning in parsed.warnings:
            self.batch.warnings.append(f"第{ctx['_row']}行“{FIELD_LABELS[field_name]}”：{warning}")
        return parsed.amount

    def unit(self, ctx, field_name, kind, role) -> int | None:
        text = _text(ctx.get(field_name))
        if text is None:
            return None
        return self.call(ctx, field_name, lambda _: self.life.units.resolve(text, kind, role=role).id)

    def read(self, ctx: dict) -> None:
        before = len(self.batch.errors)
        name = _text(ctx.get("name"))
        if name is None:
            if any(_text(v) for k, v in ctx.items() if not k.startswith("_")):
                self.batch.read += 1
                self.error(ctx, "name", None, "项目名称为空")
            return
        self.batch.read += 1
        code = self.call(ctx, "code", lambda raw: check_code(_text(raw)))
        department_id = self.unit(ctx, "department", "department", "行业主管部门")
        chain_id = self.unit(ctx, "chain", "chain", "产业链办公室")
        township_id = self.unit(ctx, "township", "township", "乡镇") or self.township_id
        tier = self.tier(ctx, department_id, chain_id, township_id)
        stage = self.call(ctx, "stage", parse_reserve_stage)
        if _text(ctx.get("stage")) is None:
            self.no_stage += 1
        total = self.money(ctx, "total_investment_yi")
        next3 = self.money(ctx, "next3_investment_yi")
        industrial = self.call(ctx, "industrial", parse_yes_no)
        self.duplicate(ctx, code, name, township_id)
        if len(self.batch.errors) > before or tier is None:
            return
        unit_id = {"综合": None, "行业": department_id, "产业链": chain_id, "乡镇": township_id}[tier]
        if TIER_UNIT_KIND[tier] and unit_id is None:
            self.error(ctx, "tier", tier, f"{tier}储备库须填{TIER_UNIT_ROLE[tier]}")
            return
        if total is None:
            self.batch.warnings.append(f"第{ctx['_row']}行“{name}”未填投资匡算，储备库规模检查按0计")
        texts = {k: _text(ctx.get(k)) for k in ("source", "progress", "industry", "owner", "note")}
        row = ReserveRow(ctx["_row"], name, code, tier, unit_id, township_id, department_id, stage, total,
                         next3, industrial, texts)
        row.project = self.match(ctx, row)
        if len(self.batch.errors) == before:
            self.batch.rows.append(row)

    def tier(self, ctx, department_id, chain_id, township_id) -> str | None:
        if _text(ctx.get("tier")) is not None:
            return self.call(ctx, "tier", lambda raw: check_tier_name(_text(raw)))
        if self.township_id is not None:
            return "乡镇"
        for tier, unit_id in (("产业链", chain_id), ("行业", department_id), ("乡镇", township_id)):
            if unit_id is not None:
                return tier
        self.error(ctx, "tier", None, "无法确定储备库层级：请填写层级，或行业主管部门 / 产业链 / 所在乡镇")
        return None

    def duplicate(self, ctx, code, name, township_id) -> None:
        if code:
            if code in self.seen_codes:
                self.error(ctx, "code", code, f"项目代码与第{self.seen_codes[code]}行重复")
            self.seen_codes.setdefault(code, ctx["_row"])
        key = (normalize_name(name), township_id)
        if key in self.seen_names:
            self.error(ctx, "name", name, f"项目名称与第{self.seen_names[key]}行重复")
        self.seen_names.setdefault(key, ctx["_row"])

    def match(self, ctx, row: ReserveRow) -> Project | None:
        projects = self.life.projects
        project = projects.by_code(row.code) if row.code else None
        if project is None:
            found = projects.by_name(row.name, row.township_id) if row.township_id else \
                [p for p in projects.by_name(row.name) if p.township_id is None]
            if len(found) > 1:
                self.error(ctx, "name", row.name, f"名为“{row.name}”的项目有{len(found)}个，请填写项目代码")
                return None
            project = found[0] if found else None
        if project is not None:
            refusal = reserve_entry_refusal(project, self.life.plan_years(project.id), self.on)
            if refusal:
                self.error(ctx, "name", row.name, refusal)
        return project


def read_reserve_rows(ledger, rows: list[dict], *, township: str | None = None, on: dt.date | None = None,
                      headers: dict[str, str] | None = None,
                      money_units: dict[str, str] | None = None) -> ReserveBatch:
    """Validate every row (no writes); the batch carries errors with sheet/row/column/value/message."""
    batch = ReserveBatch()
    life = Lifecycle(ledger.db)
    try:
        reader = _Reader(life, batch, township, on or dt.date.today(), headers or {}, money_units or {})
    except ProjledgerError as exc:
        batch.errors.append({"sheet": None, "row": None, "column": None, "value": township, "message": exc.message})
        return batch
    for index, raw in enumerate(rows, start=1):
        unknown = [k for k in raw if not k.startswith("_") and k not in FIELD_LABELS]
        if unknown:
            raise ValueError(f"unknown reserve fields: {unknown}")
        reader.read({"_row": index, **raw})
    if reader.no_stage:
        batch.warnings.append(f"{reader.no_stage}行未填项目阶段：新项目按“谋划”入库，已有项目保持原阶段")
    return batch


def apply_reserve_rows(writer, ledger, batch: ReserveBatch, *, on: dt.date | None = None) -> dict:
    """Write a clean batch inside the caller's transaction; returns the counts."""
    if batch.errors:
        raise ValueError("a batch with errors must not be applied")
    on = on or dt.date.today()
    life = Lifecycle(ledger.db)
    for row in batch.rows:
        outcome, entered = _apply_row(writer, life, row, on)
        batch.counts[outcome] += 1
        batch.counts["entered"] += entered
    return batch.counts


def _columns(row: ReserveRow) -> dict:
    columns: dict = {"name": row.name}
    optional = {"code": row.code, "township_id": row.township_id, "department_id": row.department_id,
                "industry": row.texts["industry"], "owner": row.texts["owner"], "note": row.texts["note"]}
    columns.update({k: v for k, v in optional.items() if v is not None})
    if row.total_investment is not None:
        columns["total_investment"] = to_db(row.total_investment)
    if row.industrial is not None:
        columns["industrial"] = int(row.industrial)
    return columns


def _apply_row(writer, life: Lifecycle, row: ReserveRow, on: dt.date) -> tuple[str, int]:
    project = row.project and life.projects.by_id(row.project.id)
    columns = _columns(row)
    if project is None:
        project = life.projects.add(writer, {**columns, "stage": row.stage or "谋划"})
        outcome = "created"
    else:
        if project.code and row.code and project.code != row.code:
            columns.pop("code")
        outcome = "updated" if life.projects.update(writer, project, columns) else "unchanged"
        project = life.projects.by_id(project.id)
    entered = 0
    entry = life.reserve.entry(project.id, row.tier)
    if entry is None or not entry.active:
        project = life.enter_reserve(writer, project, row.tier, row.unit_id, on=on, stage=row.stage, via="import")
        entered = 1
    else:
        if entry.unit_id != row.unit_id:
            writer.update("reserve_entries", {"project_id": project.id, "tier": row.tier},
                          {"unit_id": row.unit_id}, project_id=project.id)
            outcome = "updated" if outcome == "unchanged" else outcome
        if row.stage and row.stage != project.stage:
            project = life.change_reserve_stage(writer, project, row.stage, on)
            outcome = "updated" if outcome == "unchanged" else outcome
    info = life.reserve.set_info(writer, project, source=row.texts["source"], progress=row.texts["progress"],
                                 next3_investment=row.next3_investment)
    if outcome == "unchanged" and (entered or info not in ("unchanged",)):
        outcome = "updated"
    return outcome, entered


class _DryRun(Exception):
    pass


def import_reserve_rows(ledger, rows: list[dict], *, township: str | None = None, dry_run: bool = False,
                        on: dt.date | None = None, headers: dict[str, str] | None = None,
                        money_units: dict[str, str] | None = None) -> dict:
    """Validate all rows, then write them in one transaction (nothing at all if any row is wrong).

    Returns ``{"committed", "rows", "created", "updated", "unchanged", "entered", "warnings",
    "errors": [{"sheet", "row", "column", "value", "message"}]}``; ``dry_run`` reports the same
    counts and rolls back.
    """
    batch = read_reserve_rows(ledger, rows, township=township, on=on, headers=headers, money_units=money_units)
    if batch.errors:
        return batch.summary(False)
    try:
        with ledger.transaction() as writer:
            apply_reserve_rows(writer, ledger, batch, on=on)
            if dry_run:
                raise _DryRun
    except _DryRun:
        return batch.summary(False)
    return batch.summary(True)
