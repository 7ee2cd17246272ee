"""Units (单位): townships, county departments, task forces and chain offices.

Each unit has one canonical name and any number of aliases (``县发改局``, ``发改局``,
``县发展和改革局``).  Every name a user or a spreadsheet gives goes through
:meth:`Units.resolve`, which matches canonical names and aliases on a normalised key
(NFKC, no whitespace) and — for an unknown name — raises a data error that suggests the
closest known names.  Nothing creates a unit silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

from projledger.errors import DataError, NotFoundError
from projledger.text import squash

__all__ = ["Unit", "Units", "UNIT_KINDS", "KIND_LABELS", "read_units_csv"]

UNIT_KINDS = ("township", "department", "taskforce", "chain")
KIND_LABELS = {"township": "乡镇/街道", "department": "县直部门", "taskforce": "专班", "chain": "产业链办公室"}


@dataclass(frozen=True)
class Unit:
    id: int
    name: str
    kind: str
    aliases: tuple[str, ...] = field(default=())

    def to_json(self) -> dict:
        return {"name": self.name, "kind": self.kind, "aliases": list(self.aliases)}


def _key(name: str) -> str:
    return squash(name)


def check_kind(kind: str) -> str:
    if kind not in UNIT_KINDS:
        raise DataError(f"单位类型“{kind}”无效，应为 {' / '.join(UNIT_KINDS)}")
    return kind


class Units:
    """Unit lookups (reads) and changes (inside the caller's transaction)."""

    def __init__(self, db):
        self.db = db
        self._index: dict[str, int] | None = None
        self._by_id: dict[int, Unit] | None = None

    # -- reads -------------------------------------------------------------
    def _load(self) -> None:
        units: dict[int, Unit] = {}
        aliases: dict[int, list[str]] = {}
        index: dict[str, int] = {}
        for uid, alias, key in self.db.execute("SELECT unit_id, alias, alias_key FROM unit_aliases ORDER BY id"):
            aliases.setdefault(uid, []).append(alias)
            index[key] = uid
        for uid, name, key, kind in self.db.execute("SELECT id, name, name_key, kind FROM units ORDER BY id"):
            units[uid] = Unit(uid, name, kind, tuple(aliases.get(uid, ())))
            index[key] = uid
        self._index, self._by_id = index, units

    def invalidate(self) -> None:
        self._index = self._by_id = None

    def all(self) -> list[Unit]:
        if self._by_id is None:
            self._load()
        return sorted(self._by_id.values(), key=lambda u: (UNIT_KINDS.index(u.kind), u.name))

    def by_id(self, unit_id: int | None) -> Unit | None:
        if unit_id is None:
            return None
        if self._by_id is None:
            self._load()
        return self._by_id.get(unit_id)

    def find(self, name: str) -> Unit | None:
        if self._index is None:
            self._load()
        uid = self._index.get(_key(name))
        return self._by_id[uid] if uid is not None else None

    def resolve(self, name: str, kind: str | None = None, *, role: str = "单位") -> Unit:
        """Canonical unit for a name or alias; a Chinese error suggesting close names otherwise."""
        text = (name or "").strip()
        if not text:
            raise DataError(f"{role}名称不能为空")
        unit = self.find(text)
        if unit is None:
            raise NotFoundError(self._unknown_message(text, kind, role))
        if kind and unit.kind != kind:
            raise DataError(
                f"“{text}”是{KIND_LABELS[unit.kind]}“{unit.name}”，不能作为{KIND_LABELS[kind]}（{role}）"
            )
        return unit

    def suggestions(self, text: str, kind: str | None = None, n: int = 3) -> list[str]:
        """Closest canonical names: shared substrings first, then difflib similarity."""
        candidates: dict[str, str] = {}
        for unit in self.all():
            if kind and unit.kind != kind:
                continue
            for label in (unit.name, *unit.aliases):
                candidates[_key(label)] = unit.name
        key = _key(text)
        ranked: list[str] = []
        for label, canonical in candidates.items():
            if key and (key in label or label in key) and canonical not in ranked:
                ranked.append(canonical)
        def closeness(label: str) -> float:
            # difflib similarity, nudged by a shared beginning: "城官" is nearer "城关" than "新城"
            prefix = len(os.path.commonprefix([key, label]))
            return difflib.SequenceMatcher(None, key, label).ratio() + 0.2 * prefix / max(len(key), 1)

        scored = sorted(((closeness(label), label) for label in candidates), key=lambda item: -item[0])
        for score, label in scored:
            if score >= 0.4 and candidates[label] not in ranked:
                ranked.append(candidates[label])
        return ranked[:n]

    def _unknown_message(self, text: str, kind: str | None, role: str) -> str:
        close = self.suggestions(text, kind)
        hint = f"。最接近的是：{'、'.join(close)}" if close else ""
        add = f"projledger unit add {text} --kind {kind or 'township|department'}"
        return f"未知{role}“{text}”{hint}。如确为新单位，请先用 {add} 添加，或为已有单位加别名"

    # -- writes (inside Ledger.transaction) ----------------------------------
    def _check_free(self, label: str) -> None:
        existing = self.find(label)
        if existing is not None:
            raise DataError(f"名称“{label}”已被单位“{existing.name}”使用（名称或别名不能重复）")

    def add(self, writer, name: str, kind: str, aliases: list[str] | tuple[str, ...] = ()) -> Unit:
        name = name.strip()
        if not name:
            raise DataError("单位名称不能为空")
        check_kind(kind)
        self._check_free(name)
        seen = {_key(name)}
        for alias in aliases:
            if _key(alias) in seen:
                raise DataError(f"别名“{alias}”重复")
            seen.add(_key(alias))
            self._check_free(alias)
        now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        uid = writer.insert("units", {"name": name, "name_key": _key(name), "kind": kind, "created_at": now})
        for alias in aliases:
            writer.insert("unit_aliases", {"unit_id": uid, "alias": alias.strip(), "alias_key": _key(alias)})
        self.invalidate()
        return self.by_id(uid)

    def add_alias(self, writer, name: str, alias: str) -> Unit:
        unit = self.resolve(name)
        if not alias.strip():
            raise DataError("别名不能为空")
        self._check_free(alias)
        writer.insert("unit_aliases", {"unit_id": unit.id, "alias": alias.strip(), "alias_key": _key(alias)})
        self.invalidate()
        return self.by_id(unit.id)

    def remove_alias(self, writer, alias: str) -> Unit:
        unit = self.resolve(alias)
        if _key(unit.name) == _key(alias):
            raise DataError(f"“{alias}”是单位的正式名称，不是别名")
        row = self.db.execute("SELECT id FROM unit_aliases WHERE alias_key = ?", [_key(alias)]).fetchone()
        writer.delete("unit_aliases", {"id": row[0]})
        self.invalidate()
        return self.by_id(unit.id)


def read_units_csv(path: Path) -> list[tuple[str, str, list[str]]]:
    """``name,kind,aliases`` (aliases separated by ``|``), UTF-8 (BOM ok) or GBK."""
    from projledger.fileio import open_input

    raw = open_input(path, what="单位文件")  # FIFO, device, directory, unreadable, oversized: one error
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DataError(f"文件“{path}”既不是 UTF-8 也不是 GBK 编码")
    rows = list(csv.reader(text.splitlines()))
    if not rows or [c.strip().lower() for c in rows[0][:2]] != ["name", "kind"]:
        raise DataError(f"文件“{path}”第1行应为表头 name,kind,aliases")
    result = []
    errors = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 2 or not row[0].strip():
            errors.append(f"“{path.name}”第{number}行：缺少单位名称或类型")
            continue
        if row[1].strip() not in UNIT_KINDS:
            errors.append(f"“{path.name}”第{number}行 kind 列：“{row[1]}”不是 {'/'.join(UNIT_KINDS)}")
            continue
        aliases = [a.strip() for a in (row[2] if len(row) > 2 else "").split("|") if a.strip()]
        result.append((row[0].strip(), row[1].strip(), aliases))
    if errors:
        raise DataError(f"单位文件“{path}”有 {len(errors)} 处错误，未导入任何单位", details=errors)
    return result
