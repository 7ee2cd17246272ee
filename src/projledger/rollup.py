"""市级汇总: many county ledgers rolled up into one read-only city ledger (SPEC §14).

A roll-up is an ordinary projledger ledger (the same migrations, so every read command —
``project list``, ``warn``, ``export``, ``history`` — works on it unchanged) whose rows come
from the county files.  The design, and why:

* **Generic over the schema.**  The tables to copy are read from the schema itself
  (``sqlite_master``), minus an explicit list of what a city must not take over
  (:data:`EXCLUDED`: the counties' settings, audit trails, calendars, user catalogues, and
  the roll-up's own tables).  A table added by a later migration rolls up with no change
  here; :func:`copy_plan` refuses a table it cannot place (an id column it does not know how
  to renumber, a unique text key that two counties could both use), so a new table is
  either copied correctly or named in a test — never silently half-copied.
* **Ids stay meaningful.**  County *k*'s row ids are renumbered by the offset ``k << 32``:
  a row's own integer primary key and every foreign-key column move together, so joins by
  id inside the roll-up are exactly the county's joins.  ``id >> 32`` is the county number
  (:data:`COUNTY_OF_ID`).  Unit and person names, which two counties both use (城关镇), are
  prefixed with the county name (``泾川县·城关镇``); project codes are national and stay.
* **SQLite does the copying.**  County files are ``ATTACH``-ed read-only (``mode=ro``), in
  batches under SQLite's attach limit, and each table is one ``INSERT … SELECT``.
* **A county is replaced whole or not at all.**  Each county's refresh — delete its rows,
  insert them again, record it in ``rollup_counties`` — is one ``BEGIN IMMEDIATE``
  transaction; a killed ``rollup`` leaves every county either as it was or as it is now.
* **Refusals before any write**: a file that is not a projledger ledger, a county whose
  schema version differs from this projledger's (saying which to upgrade), two files with
  the same county name or the placeholder name, an output that is an ordinary county ledger.

Writes to a roll-up other than ``rollup`` itself and the county ranking's snapshot are refused
by the store (:func:`is_rollup` is what it asks).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from projledger.errors import DataError
from projledger.store.roles import is_rollup

__all__ = [
    "EXCLUDED",
    "QUALIFIED",
    "NATIONAL_KEYS",
    "NOT_IDS",
    "SOFT_REFERENCES",
    "COUNTY_OF_ID",
    "CountyFile",
    "TablePlan",
    "RollupResult",
    "inspect_county",
    "copy_plan",
    "is_rollup",
    "check_county",
    "rollup_counties",
    "build_rollup",
]

#: Tables a roll-up never copies from a county, each with the reason.
EXCLUDED: dict[str, str] = {
    "settings": "各县自己的设置（权重、阈值）；汇总库有自己的设置",
    "audit_commands": "留痕留在各县台账里（history 在县台账中查）",
    "audit_changes": "同上",
    "calendar_days": "日历按全国安排；汇总库用自己的日历",
    "calendar_notices": "同上",
    "procedure_catalog": "各县自定义的手续目录，只影响录入",
    "ranking_cache": "排名缓存，汇总库按需重新计算",
    "ranking_inputs": "同上（缓存失效标记）",
    "letters": "各县发出的提醒函、督办函、交办单留在县台账（编号按县各自编排）",
    "letter_items": "同上",
    "_sqlite_migrations": "结构版本记录，汇总库有自己的",
    "sqlite_sequence": "SQLite 内部表",
    "rollup_counties": "汇总库自己的表",
    "county_rankings": "汇总库自己的表",
}

#: Text columns that two counties can both use: prefixed with ``县名·`` in the roll-up.
QUALIFIED: dict[str, tuple[str, ...]] = {
    "units": ("name", "name_key"),
    "unit_aliases": ("alias", "alias_key"),
    "people": ("name", "name_key"),
}

#: Unique keys that are national, not per county: the same value in two counties is an error.
NATIONAL_KEYS: set[tuple[str, str]] = {("projects", "code")}

#: Columns named like ids that are not row ids of the ledger (nothing to renumber).
NOT_IDS: set[tuple[str, str]] = set()

#: Id columns that point at another table without a declared foreign key (a column added by
#: ``ALTER TABLE``): renumbered like a foreign key.
SOFT_REFERENCES: dict[tuple[str, str], str] = {("problems", "meeting_id"): "meetings"}

#: SQL expression giving the county number of a renumbered id.
COUNTY_OF_ID = "({col} >> 32)"

#: What a roll-up calls itself in report titles until ``rollup --name`` says otherwise.
DEFAULT_NAME = "全市"

_SHIFT = 32
_ATTACH_BATCH = 8  # SQLite's default limit is 10 attached databases; keep room
_SEPARATOR = "·"


# ---------------------------------------------------------------- what a county file is


@dataclass(frozen=True)
class CountyFile:
    """A county ledger checked for rolling up (nothing in it was changed)."""

    path: Path
    county: str
    schema_version: int
    migrations: frozenset[str]
    sha256: str


def _applied(conn: sqlite3.Connection, schema: str = "main") -> frozenset[str]:
    rows = conn.execute(f"SELECT migration_set, name FROM {schema}._sqlite_migrations").fetchall()
    return frozenset(f"{s}:{n}" for s, n in rows)


def known_migrations() -> frozenset[str]:
    """Every migration this projledger knows, as ``set:name``."""
    from projledger.store.migrations import migration_sets

    return frozenset(f"{s.name}:{m.name}" for s in migration_sets() for m in s._migrations)


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _read_only(path: Path) -> sqlite3.Connection:
    uri = path.resolve().as_uri().replace("file://", "file:", 1) + "?mode=ro"
    return sqlite3.connect(uri, uri=True, isolation_level=None)


def inspect_county(path: Path, expected: frozenset[str] | None = None) -> CountyFile:
    """Check one county file without changing a byte; DataError naming the file otherwise."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"“{path}”不存在或不是文件")
    expected = known_migrations() if expected is None else expected
    try:
        conn = _read_only(path)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "_sqlite_migrations" not in tables or "projects" not in tables:
                raise DataError(f"“{path}”不是 projledger 台账（没有台账的表结构），不能汇总")
            applied = _applied(conn)
            if not any(name.startswith("projledger.core:") for name in applied):
                raise DataError(f"“{path}”不是 projledger 台账，不能汇总")
            raw = conn.execute("SELECT value FROM settings WHERE key = 'county_name'").fetchone()
            rolled = "rollup_counties" in tables and conn.execute(
                "SELECT 1 FROM rollup_counties LIMIT 1").fetchone()
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DataError(f"“{path}”不是 projledger 台账（{exc}），不能汇总") from None
    if rolled:
        raise DataError(f"“{path}”本身是汇总库，不能再汇总；请用各县的台账文件")
    _check_versions(path, applied, expected)
    county = json.loads(raw[0]) if raw else None
    from projledger.settings import PLACEHOLDER_COUNTY

    if not county or county == PLACEHOLDER_COUNTY:
        raise DataError(f"“{path}”没有设置县名（仍是“{PLACEHOLDER_COUNTY}”）；请在该县台账中运行 "
                        "projledger config set county_name 某某县 后再汇总")
    return CountyFile(path, str(county), version, applied, _file_hash(path))


def _check_versions(path: Path, applied: frozenset[str], expected: frozenset[str]) -> None:
    newer = sorted(applied - expected)
    older = sorted(expected - applied)
    if newer:
        raise DataError(f"“{path}”的结构版本比本程序新（有本程序不认识的变更 {newer[0]} 等 {len(newer)} 项）；"
                        "请先升级汇总所用的 projledger")
    if older:
        raise DataError(f"“{path}”的结构版本比本程序旧（缺 {len(older)} 项变更，如 {older[0]}）；"
                        "请在该县用新版 projledger 打开一次（如 projledger doctor）升级后再汇总")


# ---------------------------------------------------------------- how each table is copied


@dataclass
class TablePlan:
    """How one table's rows move from a county into the roll-up."""

    table: str
    columns: list[str]
    renumbered: list[str] = field(default_factory=list)  # own integer key and foreign keys
    qualified: list[str] = field(default_factory=list)
    owner: str = ""  # a NOT NULL renumbered column: deleting a county's rows uses it

    def select_sql(self, schema: str) -> str:
        exprs = []
        for col in self.columns:
            q = f'"{col}"'
            if col in self.renumbered:
                exprs.append(f"({q} + :offset)")
            elif col in self.qualified:
                exprs.append(f"CASE WHEN {q} IS NULL THEN NULL ELSE :prefix || {q} END")
            else:
                exprs.append(q)
        cols = ", ".join(f'"{c}"' for c in self.columns)
        return f'INSERT INTO main."{self.table}" ({cols}) SELECT {", ".join(exprs)} FROM {schema}."{self.table}"'

    def delete_sql(self) -> str:
        return f'DELETE FROM main."{self.table}" WHERE "{self.owner}" BETWEEN :low AND :high'


def _copied_tables(conn: sqlite3.Connection) -> list[str]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return [n for n in names if n not in EXCLUDED and not n.startswith("sqlite_")]


def copy_plan(conn: sqlite3.Connection) -> list[TablePlan]:
    """The plan for every copied table of the schema on ``conn``; DataError on a table it
    cannot place (see the module docstring)."""
    tables = _copied_tables(conn)
    plans = []
    for table in tables:
        info = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
        columns = [r[1] for r in info]
        notnull = {r[1] for r in info if r[3] or r[5]}
        pks = [r for r in info if r[5]]
        plan = TablePlan(table, columns)
        if len(pks) == 1 and pks[0][2].upper() == "INTEGER":
            plan.renumbered.append(pks[0][1])
        for fk in conn.execute(f'PRAGMA foreign_key_list("{table}")').fetchall():
            target, column = fk[2], fk[3]
            if target in EXCLUDED:
                raise DataError(f"表 {table}.{column} 引用了不汇总的表 {target}，汇总规则需要补充")
            if column not in plan.renumbered:
                plan.renumbered.append(column)
        for column in columns:
            if (table, column) in SOFT_REFERENCES and column not in plan.renumbered:
                plan.renumbered.append(column)
            looks_like_id = column == "id" or column.endswith("_id")
            if looks_like_id and column not in plan.renumbered and (table, column) not in NOT_IDS:
                raise DataError(f"表 {table} 的列 {column} 像是编号却不是外键，汇总规则需要补充（rollup.NOT_IDS 或外键）")
        plan.qualified = [c for c in QUALIFIED.get(table, ()) if c in columns]
        _check_unique_keys(conn, plan)
        owners = [c for c in plan.renumbered if c in notnull]
        if not owners:
            raise DataError(f"表 {table} 没有可区分县的编号列，汇总规则需要补充")
        plan.owner = owners[0]
        plans.append(plan)
    return plans


def _check_unique_keys(conn: sqlite3.Connection, plan: TablePlan) -> None:
    """A unique key that two counties could both use must be prefixed or be national."""
    for index in conn.execute(f'PRAGMA index_list("{plan.table}")').fetchall():
        if not index[2]:  # not unique
            continue
        cols = [r[2] for r in conn.execute(f'PRAGMA index_info("{index[1]}")').fetchall()]
        if any(c in plan.renumbered or c in plan.qualified for c in cols):
            continue
        if all((plan.table, c) in NATIONAL_KEYS for c in cols):
            continue
        raise DataError(f"表 {plan.table} 的唯一键 {cols} 在两个县之间可能重复，汇总规则需要补充")


# ---------------------------------------------------------------- the roll-up file


def check_county(db, name: str) -> str:
    """``--county NAME`` on a roll-up: the county as the roll-up names it; DataError otherwise."""
    counties = [c["county"] for c in rollup_counties(db)]
    if not counties:
        raise DataError("--county 只能用于市级汇总库（projledger rollup 生成）；县台账本身就是一个县")
    if name in counties:
        return name
    import difflib

    close = difflib.get_close_matches(name, counties, n=3, cutoff=0.3)
    hint = f"；您是不是要找：{'、'.join(close)}" if close else f"；汇总库中有：{'、'.join(counties[:10])}"
    raise DataError(f"汇总库中没有县区“{name}”{hint}")


def rollup_counties(db) -> list[dict]:
    """The counties of a roll-up, in county-number order."""
    rows = db.execute(
        "SELECT county_no, county, source, sha256, schema_version, refreshed_at, projects"
        " FROM rollup_counties ORDER BY county_no").fetchall()
    keys = ("county_no", "county", "source", "sha256", "schema_version", "refreshed_at", "projects")
    return [dict(zip(keys, row)) for row in rows]


@dataclass
class RollupResult:
    county: str
    path: str
    county_no: int
    status: str  # "added" | "refreshed" | "unchanged"
    rows: int
    projects: int
    seconds: float

    def to_json(self) -> dict:
        return {"county": self.county, "path": self.path, "county_no": self.county_no,
                "status": self.status, "rows": self.rows, "projects": self.projects,
                "seconds": round(self.seconds, 3)}


def _check_output(out: Path, counties: Sequence[CountyFile]) -> None:
    resolved = out.resolve()
    for county in counties:
        if county.path.resolve() == resolved:
            raise DataError(f"输出文件“{out}”就是要汇总的县台账之一，会覆盖它；请换一个文件名")
    seen: dict[str, Path] = {}
    for county in counties:
        if county.county in seen and seen[county.county].resolve() == county.path.resolve():
            raise DataError(f"“{county.path}”给了两次；每个县的台账只写一次")
        if county.county in seen:
            raise DataError(f"“{seen[county.county]}”和“{county.path}”的县名都是“{county.county}”；"
                            "同一个县只能汇总一个文件（或在其中一个台账里改正 county_name）")
        seen[county.county] = county.path


def _codes_held(out: Path, refreshed: set[str]) -> dict[str, str]:
    """Project code → county, in an existing roll-up, for the counties not being refreshed."""
    if not out.is_file() or out.stat().st_size == 0:
        return {}
    try:
        conn = _read_only(out)
        try:
            names = dict(conn.execute("SELECT county_no, county FROM rollup_counties"))
            rows = conn.execute(f"SELECT code, {COUNTY_OF_ID.format(col='id')} FROM projects"
                                " WHERE code IS NOT NULL AND code != ''").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return {}  # not a roll-up: _open_output says so
    return {code: names[no] for code, no in rows if no in names and names[no] not in refreshed}


def _check_codes(out: Path, counties: Sequence[CountyFile]) -> None:
    """A project code is national (NATIONAL_KEYS): one code in two counties is refused before
    any county is written, naming the codes and both counties."""
    holders = _codes_held(out, {c.county for c in counties})
    for county in counties:
        conn = _read_only(county.path)
        try:
            codes = [code for (code,) in conn.execute(
                "SELECT code FROM projects WHERE code IS NOT NULL AND code != '' ORDER BY code")]
        finally:
            conn.close()
        clashes = [code for code in codes if code in holders]
        if clashes:
            others = "、".join(sorted({holders[code] for code in clashes}))
            shown = "、".join(clashes[:3]) + (f" 等{len(clashes)}个" if len(clashes) > 3 else "")
            raise DataError(f"“{county.path}”（{county.county}）的项目代码 {shown} 在{others}的台账中也有；"
                            "项目代码全国唯一，同一个项目只能由一个县报送：请在其中一个县的台账里改正"
                            "（projledger project update 项目 --code 正确代码）后再汇总。这次没有汇总任何县")
        holders.update(dict.fromkeys(codes, county.county))


def _open_output(out: Path):
    """The roll-up as a Ledger: created when absent or empty, refused when it is a county's."""
    from projledger.store import Ledger

    fresh = not out.exists() or out.stat().st_size == 0
    ledger = Ledger.open(out, create=fresh)
    if not fresh and not is_rollup(ledger.db):
        has_data = ledger.db.execute("SELECT 1 FROM projects LIMIT 1").fetchone()
        if has_data:
            ledger.close()
            raise DataError(f"“{out}”是一个县的台账，不是汇总库；汇总结果请写到新文件")
    return ledger


def build_rollup(out: Path, paths: Iterable[Path], *, name: str | None = None,
                 progress: Callable[[str], None] | None = None) -> list[RollupResult]:
    """Add or refresh every county file in ``out``; each county in its own transaction."""
    expected = known_migrations()
    counties = [inspect_county(Path(p), expected) for p in paths]
    if not counties:
        raise DataError("没有给出要汇总的县台账文件")
    out = Path(out)
    _check_output(out, counties)
    _check_codes(out, counties)
    fresh = not out.exists() or out.stat().st_size == 0
    ledger = _open_output(out)
    try:
        if name or fresh:
            _set_name(ledger, name or DEFAULT_NAME)
        conn = _rollup_connection(out)
        try:
            plans = copy_plan(conn)
            results = []
            for start in range(0, len(counties), _ATTACH_BATCH):
                batch = counties[start:start + _ATTACH_BATCH]
                results.extend(_refresh_batch(conn, plans, batch, progress))
        finally:
            conn.close()
    finally:
        ledger.close()
    return results


def _set_name(ledger, name: str) -> None:
    from projledger.settings import set_setting

    with ledger.transaction(allow_rollup=True) as w:
        set_setting(w, ledger.db, "county_name", name)


def _rollup_connection(out: Path) -> sqlite3.Connection:
    from projledger.store.db import busy_timeout_seconds

    uri = out.resolve().as_uri().replace("file://", "file:", 1)
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=busy_timeout_seconds())
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_seconds() * 1000)}")
    # Renumbered ids keep every reference inside one county consistent; checking each
    # foreign key row by row would only repeat what the county's own ledger enforced.
    conn.execute("PRAGMA foreign_keys = OFF")
    return conn


def _refresh_batch(conn, plans, batch, progress) -> list[RollupResult]:
    aliases = []
    try:
        for i, county in enumerate(batch):
            alias = f"county{i}"
            conn.execute(f"ATTACH DATABASE ? AS {alias}",
                         [county.path.resolve().as_uri().replace("file://", "file:", 1) + "?mode=ro"])
            aliases.append(alias)
        results = []
        for alias, county in zip(aliases, batch):
            if progress:
                progress(county.county)
            results.append(_refresh_county(conn, plans, alias, county))
        return results
    finally:
        for alias in aliases:
            conn.execute(f"DETACH DATABASE {alias}")


def _county_number(conn, county: str) -> tuple[int, bool]:
    row = conn.execute("SELECT county_no FROM rollup_counties WHERE county = ?", [county]).fetchone()
    if row:
        return row[0], False
    top = conn.execute("SELECT COALESCE(MAX(county_no), 0) FROM rollup_counties").fetchone()[0]
    return top + 1, True


def _refresh_county(conn, plans: list[TablePlan], alias: str, county: CountyFile) -> RollupResult:
    started = dt.datetime.now()
    conn.execute("BEGIN IMMEDIATE")
    try:
        number, new = _county_number(conn, county.county)
        previous = conn.execute("SELECT sha256 FROM rollup_counties WHERE county_no = ?", [number]).fetchone()
        _check_id_range(conn, plans, alias, county)
        offset = number << _SHIFT
        bounds = {"low": offset, "high": offset + (1 << _SHIFT) - 1}
        params = {"offset": offset, "prefix": county.county + _SEPARATOR}
        rows = 0
        for plan in reversed(plans):
            conn.execute(plan.delete_sql(), bounds)
        for plan in plans:
            rows += conn.execute(plan.select_sql(alias), params).rowcount
        projects = conn.execute(f"SELECT COUNT(*) FROM {alias}.projects").fetchone()[0]
        conn.execute(
            "INSERT INTO rollup_counties (county_no, county, source, sha256, schema_version, refreshed_at,"
            " projects, rows_copied) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(county_no) DO UPDATE SET source = excluded.source, sha256 = excluded.sha256,"
            " schema_version = excluded.schema_version, refreshed_at = excluded.refreshed_at,"
            " projects = excluded.projects, rows_copied = excluded.rows_copied",
            [number, county.county, str(county.path), county.sha256, county.schema_version,
             dt.datetime.now().isoformat(timespec="seconds"), projects, rows])
        conn.execute("COMMIT")
    except sqlite3.IntegrityError as exc:
        conn.execute("ROLLBACK")
        raise DataError(f"汇总“{county.path}”（{county.county}）时数据冲突：{exc}；"
                        "多半是同一个项目代码出现在两个县的台账中") from None
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    status = "added" if new else ("unchanged" if previous and previous[0] == county.sha256 else "refreshed")
    return RollupResult(county.county, str(county.path), number, status, rows, projects,
                        (dt.datetime.now() - started).total_seconds())


def _check_id_range(conn, plans: list[TablePlan], alias: str, county: CountyFile) -> None:
    for plan in plans:
        for column in plan.renumbered:
            top = conn.execute(f'SELECT MAX("{column}") FROM {alias}."{plan.table}"').fetchone()[0]
            if top is not None and not 0 <= top < (1 << _SHIFT):
                raise DataError(f"“{county.path}”的 {plan.table}.{column} 编号超出汇总范围（{top}）")
