"""Approval procedures (前期手续): each project's procedures, their deadlines, and the catalog.

A procedure is one item (立项, 环评, 施工许可 …) of one project, with a mode:

* 常规 and 承诺制 — accepted on a date, due ``limit`` working days later (start day not
  counted, :mod:`projledger.workdays`); done on a date with its 批复文号.
* 容缺受理 — also carries ``supplement_by``, the date the missing material must come
  (required for this mode and only for it); ``supplement`` records when it came.
* 模拟审批 — ``expires_on`` is one calendar year after acceptance (the mock approval is
  valid one year: 民法典 rule, the corresponding day of next year, 29 Feb → 28 Feb);
  ``done --simulated`` records the 模拟审批意见, ``convert`` the day land was obtained, after
  which the formal approval is due within 3 working days (rule 模拟审批转正式).

**Which deadline counts** (``current_due``): none once done; for 模拟审批 the conversion
deadline once converted, none while waiting for land after the mock opinion, else ``due_on``.
**Open as of D**: accepted on or before D and not done by D.  **Overdue as of D**: open and
its current deadline before D; ``overdue_workdays`` counts the working days late.  **Due
within N working days of D**: open, deadline not before D, and at most N working days after
D (deadline D itself counts as 0).  ``alerts`` add the 容缺 material and 模拟审批 expiry
(within :data:`EXPIRY_NOTICE_DAYS` calendar days) to 催办 lists.

Deadlines remember whether they were provisional and which calendar data produced them;
:func:`projledger.calendar.refresh` recomputes the provisional ones.

The catalog of items is the built-in data file ``data/procedure_catalog.json`` merged
with the ``procedure_catalog`` rows the user added (``procedure catalog add``; a user row
for a built-in item overrides its limit).  Items are matched by name or alias after
:func:`projledger.text.squash`; an item outside the catalog can still be recorded when the
limit is given.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from dataclasses import dataclass, field
from functools import lru_cache

from projledger.errors import DataError, NotFoundError, UsageError
from projledger.projects import Project, Projects
from projledger.text import nfkc, squash
from projledger.units import Units
from projledger.dates import stored_date as _date, iso as _iso

__all__ = [
    "refresh_deadlines",
    "MODES", "EXPIRY_NOTICE_DAYS", "CatalogItem", "Catalog", "builtin_catalog",
    "Procedure", "Change", "ProcedureStore", "check_mode",
]

MODES = ("常规", "承诺制", "容缺受理", "模拟审批")
EXPIRY_NOTICE_DAYS = 30
_CATALOG_FORMAT = "projledger-procedure-catalog/1"


def check_mode(value: str | None) -> str:
    """常规 by default; a mode or an unambiguous beginning of one (容缺 → 容缺受理)."""
    if value is None or not value.strip():
        return "常规"
    key = squash(value)
    matches = [m for m in MODES if m == key] or [m for m in MODES if m.startswith(key)]
    if len(matches) != 1:
        raise DataError(f"办理模式“{value}”无效，应为：{'、'.join(MODES)}")
    return matches[0]


# -- catalog ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CatalogItem:
    item: str
    default_limit_workdays: int | None
    aliases: tuple[str, ...] = ()
    note: str | None = None
    source: str = "builtin"

    def to_json(self) -> dict:
        return {"item": self.item, "default_limit_workdays": self.default_limit_workdays,
                "aliases": list(self.aliases), "note": self.note, "source": self.source}


@lru_cache(maxsize=1)
def builtin_catalog() -> tuple[CatalogItem, ...]:
    """The built-in items from the packaged ``data/procedure_catalog.json``."""
    from projledger.resources import read_json

    data = read_json("procedure_catalog.json")
    if data.get("format") != _CATALOG_FORMAT:
        raise DataError(f"手续目录文件格式应为 {_CATALOG_FORMAT}")
    return tuple(
        CatalogItem(e["item"], e.get("default_limit_workdays"), tuple(e.get("aliases", ())),
                    e.get("basis"), "builtin")
        for e in data["items"])


class Catalog:
    """Built-in items overlaid with the user's (``procedure_catalog`` table)."""

    def __init__(self, db):
        self.db = db

    def items(self) -> list[CatalogItem]:
        merged = {squash(i.item): i for i in builtin_catalog()}
        for item, limit, aliases, note in self.db.execute(
                "SELECT item, default_limit_workdays, aliases, note FROM procedure_catalog ORDER BY rowid"):
            key = squash(item)
            base = merged.get(key)
            user_aliases = tuple(json.loads(aliases)) if aliases else ()
            all_aliases = tuple(dict.fromkeys((*(base.aliases if base else ()), *user_aliases)))
            merged[key] = CatalogItem(item, limit, all_aliases,
                                      note if note is not None else (base.note if base else None), "user")
        return list(merged.values())

    def _index(self) -> dict[str, CatalogItem]:
        index: dict[str, CatalogItem] = {}
        for entry in self.items():
            for label in (entry.item, *entry.aliases):
                index.setdefault(squash(label), entry)
        return index

    def find(self, name: str) -> CatalogItem | None:
        return self._index().get(squash(name))

    def suggestions(self, name: str, n: int = 3) -> list[str]:
        index = self._index()
        key = squash(name)
        ranked = [e.item for k, e in index.items() if key and (key in k or k in key)]
        ranked += [index[k].item for k in difflib.get_close_matches(key, list(index), n=n, cutoff=0.4)]
        return list(dict.fromkeys(ranked))[:n]

    def prepare_add(self, item: str, limit: int | None, aliases: list[str] | tuple[str, ...] = (),
                    note: str | None = None) -> tuple[str, dict]:
        """Validate a new item or a change to one (built-in or user): (item, column values)."""
        name = nfkc(item or "").strip()
        if not name:
            raise DataError("手续事项名称不能为空")
        if limit is not None and limit < 0:
            raise DataError(f"默认办理时限不能为负数：{limit}")
        existing = self.find(name)
        canonical = existing.item if existing else name
        index = self._index()
        clean_aliases = [nfkc(a).strip() for a in aliases if a and a.strip()]
        for alias in clean_aliases:
            owner = index.get(squash(alias))
            if owner is not None and squash(owner.item) != squash(canonical):
                raise DataError(f"别名“{alias}”已属于手续事项“{owner.item}”")
        if limit is None:
            limit = existing.default_limit_workdays if existing else None
        if limit is None:
            raise UsageError(f"新手续事项“{name}”需要用 --limit 给出默认办理时限（工作日）")
        row = self.db.execute("SELECT aliases FROM procedure_catalog WHERE item = ?", [canonical]).fetchone()
        old_aliases = json.loads(row[0]) if row and row[0] else []
        values = {"item_key": squash(canonical), "default_limit_workdays": limit,
                  "aliases": json.dumps(list(dict.fromkeys([*old_aliases, *clean_aliases])), ensure_ascii=False),
                  "note": (note or "").strip() or None, "source": "user"}
        if row is None:
            values["created_at"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        return canonical, values

    def save(self, w, item: str, values: dict) -> tuple[CatalogItem, str]:
        """Write a prepared item (inside the transaction); returns (item, outcome)."""
        outcome = w.upsert("procedure_catalog", {"item": item}, values)
        return self.find(item), outcome


# -- procedures ------------------------------------------------------------------------------


_COLUMNS = ("id", "project_id", "item", "mode", "lead_unit_id", "accepted_on", "limit_workdays",
            "due_on", "due_provisional", "due_basis", "supplement_by", "supplemented_on",
            "expires_on", "simulated_on", "simulated_doc", "converted_on", "convert_due",
            "convert_due_provisional", "done_on", "doc_number", "note")
_DATES = {"accepted_on", "due_on", "supplement_by", "supplemented_on", "expires_on", "simulated_on",
          "converted_on", "convert_due", "done_on"}


@dataclass(frozen=True)
class Procedure:
    id: int
    project_id: int
    item: str
    mode: str
    lead_unit_id: int | None
    accepted_on: dt.date
    limit_workdays: int
    due_on: dt.date
    due_provisional: bool
    due_basis: str | None
    supplement_by: dt.date | None
    supplemented_on: dt.date | None
    expires_on: dt.date | None
    simulated_on: dt.date | None
    simulated_doc: str | None
    converted_on: dt.date | None
    convert_due: dt.date | None
    convert_due_provisional: bool
    done_on: dt.date | None
    doc_number: str | None
    note: str | None
    project_code: str | None = None
    project_name: str = ""
    lead_unit: str | None = None

    @property
    def project_label(self) -> str:
        return f"{self.project_name}（{self.project_code}）" if self.project_code else self.project_name

    def done_by(self, as_of: dt.date) -> bool:
        return self.done_on is not None and self.done_on <= as_of

    def open_on(self, as_of: dt.date) -> bool:
        return self.accepted_on <= as_of and not self.done_by(as_of)

    def current_due(self, as_of: dt.date | None = None) -> dt.date | None:
        """The deadline that counts now (see the module docstring)."""
        if self.done_on is not None and (as_of is None or self.done_on <= as_of):
            return None
        if self.mode == "模拟审批":
            if self.converted_on is not None and (as_of is None or self.converted_on <= as_of):
                return self.convert_due
            if self.simulated_on is not None and (as_of is None or self.simulated_on <= as_of):
                return None
        return self.due_on

    def alerts(self, as_of: dt.date, cal, notice_days: int = EXPIRY_NOTICE_DAYS) -> list[str]:
        notes: list[str] = []
        due = self.current_due(as_of)
        if self.open_on(as_of) and due is not None and due < as_of:
            late = cal.overdue_workdays(due, as_of)
            notes.append(f"逾期{late}个工作日" if late else "已过办理期限")
        if self.mode == "容缺受理" and not self.done_by(as_of) and self.supplemented_on is None:
            state = "逾期未补" if self.supplement_by < as_of else "待补"
            notes.append(f"容缺材料{state}（{self.supplement_by.isoformat()}前补齐）")
        if self.mode == "模拟审批" and not self.done_by(as_of) and self.converted_on is None:
            if self.expires_on < as_of:
                notes.append(f"模拟审批已过有效期（{self.expires_on.isoformat()}）")
            elif (self.expires_on - as_of).days <= notice_days:
                notes.append(f"模拟审批将于{self.expires_on.isoformat()}到期")
        return notes

    def to_json(self, as_of: dt.date, cal, notice_days: int = EXPIRY_NOTICE_DAYS) -> dict:
        due = self.current_due(as_of)
        is_open = self.open_on(as_of)
        return {
            "id": self.id, "project_code": self.project_code, "project_name": self.project_name,
            "item": self.item, "mode": self.mode, "lead_unit": self.lead_unit,
            "accepted_on": _iso(self.accepted_on), "limit_workdays": self.limit_workdays,
            "due_on": _iso(self.due_on), "due_provisional": self.due_provisional,
            "supplement_by": _iso(self.supplement_by), "supplemented_on": _iso(self.supplemented_on),
            "expires_on": _iso(self.expires_on), "simulated_on": _iso(self.simulated_on),
            "simulated_doc": self.simulated_doc, "converted_on": _iso(self.converted_on),
            "convert_due": _iso(self.convert_due), "done_on": _iso(self.done_on),
            "doc_number": self.doc_number, "note": self.note,
            "status": "done" if self.done_by(as_of) else "open",
            "current_due": _iso(due) if is_open else None,
            "overdue_workdays": cal.overdue_workdays(due, as_of) if is_open and due else 0,
            "workdays_left": cal.workdays_until(due, as_of) if is_open and due and due >= as_of else None,
            "alerts": self.alerts(as_of, cal, notice_days),
        }


@dataclass
class Change:
    """A validated write, made outside the transaction and applied inside it.

    ``row`` is a new procedure (``proc`` None) or the changed columns of ``proc``.
    """

    row: dict
    proc: Procedure | None = None
    project: Project | None = None
    warnings: list[str] = field(default_factory=list)


class ProcedureStore:
    """Procedure reads, and writes inside the caller's transaction."""

    def __init__(self, db, *, calendar=None, units: Units | None = None):
        self.db = db
        self.units = units or Units(db)
        self.projects = Projects(db, self.units)
        self.catalog = Catalog(db)
        self._calendar = calendar

    @property
    def calendar(self):
        if self._calendar is None:
            from projledger.calendar import load_calendar

            self._calendar = load_calendar(self.db)
        return self._calendar

    # -- reads ------------------------------------------------------------------
    def _select(self, where: str = "", params: list | tuple = ()) -> list[Procedure]:
        cols = ", ".join(f"c.{c}" for c in _COLUMNS)
        rows = self.db.execute(
            f"SELECT {cols}, pr.code, pr.name FROM procedures c JOIN projects pr ON pr.id = c.project_id"
            f" {where} ORDER BY pr.id, c.accepted_on, c.id", list(params)).fetchall()
        result = []
        for row in rows:
            values = dict(zip(_COLUMNS, row[:len(_COLUMNS)]))
            for name in _DATES:
                values[name] = _date(values[name])
            values["due_provisional"] = bool(values["due_provisional"])
            values["convert_due_provisional"] = bool(values["convert_due_provisional"])
            lead = self.units.by_id(values["lead_unit_id"])
            result.append(Procedure(**values, project_code=row[-2], project_name=row[-1],
                                    lead_unit=lead.name if lead else None))
        return result

    def get(self, project: Project | str | int, item: str) -> Procedure:
        if not isinstance(project, Project):
            project = self.projects.get(project)
        entry = self.catalog.find(item)
        keys = {squash(item)} | ({squash(entry.item)} if entry else set())
        for proc in self._select("WHERE c.project_id = ?", [project.id]):
            if squash(proc.item) in keys:
                return proc
        raise NotFoundError(f"项目“{project.label}”没有“{item.strip()}”手续"
                            f"（用 projledger procedure list --project {project.code or project.id} 查看）")

    def list(self, *, project: str | None = None, department: str | None = None,
             mode: str | None = None, overdue: bool = False, due_within: int | None = None,
             open_only: bool = False, as_of: dt.date | None = None) -> list[Procedure]:
        """Procedures matching every filter given, by current deadline (done ones last)."""
        as_of = as_of or dt.date.today()
        where, params = [], []
        if project is not None:
            where.append("c.project_id = ?")
            params.append(self.projects.get(project).id)
        if department is not None:
            where.append("c.lead_unit_id = ?")
            params.append(self.units.resolve(department, role="牵头部门").id)
        if mode is not None:
            where.append("c.mode = ?")
            params.append(check_mode(mode))
        found = self._select(("WHERE " + " AND ".join(where)) if where else "", params)
        if due_within is not None and due_within < 0:
            raise UsageError(f"--due-within 应为非负整数个工作日，而不是 {due_within}")
        cal = self.calendar
        if open_only or overdue or due_within is not None:
            found = [p for p in found if p.open_on(as_of)]
        if overdue or due_within is not None:
            def keep(p: Procedure) -> bool:
                due = p.current_due(as_of)
                if due is None:
                    return False
                late = due < as_of
                soon = due_within is not None and not late and cal.workdays_until(due, as_of) <= due_within
                return (overdue and late) or soon
            found = [p for p in found if keep(p)]
        far = dt.date.max
        return sorted(found, key=lambda p: (p.done_by(as_of), p.current_due(as_of) or far,
                                            p.project_id, p.accepted_on, p.id))

    # -- writes -----------------------------------------------------------------
    def _resolve_item(self, item: str, limit: int | None) -> tuple[str, int, list[str]]:
        entry = self.catalog.find(item)
        name = nfkc(item or "").strip()
        if not name:
            raise DataError("手续事项不能为空")
        if entry is not None:
            chosen = entry.default_limit_workdays if limit is None else limit
            if chosen is None:
                raise UsageError(f"手续事项“{entry.item}”没有默认办理时限，请用 --limit 给出")
            return entry.item, chosen, []
        if limit is None:
            close = self.catalog.suggestions(name)
            hint = f"。最接近的是：{'、'.join(close)}" if close else ""
            raise NotFoundError(f"手续事项“{name}”不在目录中{hint}。如确为其他事项，请用 --limit 给出办理时限，"
                                "或先用 projledger procedure catalog add 加入目录")
        return name, limit, [f"“{name}”不在手续目录中，已按自定义事项登记（可用 procedure catalog add 加入目录）"]

    def _deadline(self, start: dt.date, workdays: int):
        if isinstance(workdays, bool) or not isinstance(workdays, int) or workdays < 0:
            raise DataError(f"办理时限应为非负整数个工作日，而不是“{workdays}”")
        return self.calendar.add_workdays(start, workdays)

    def prepare_add(self, project: Project | str | int, item: str, *, accepted_on: dt.date | None = None,
                    limit: int | None = None, mode: str | None = None, supplement_by: dt.date | None = None,
                    lead: str | None = None, note: str | None = None) -> Change:
        """Validate a new procedure and compute its deadline with the ledger's calendar."""
        from dateutil.relativedelta import relativedelta

        if not isinstance(project, Project):
            project = self.projects.get(project)
        mode = check_mode(mode)
        name, limit, warnings = self._resolve_item(item, limit)
        accepted = accepted_on or dt.date.today()
        if mode == "容缺受理" and supplement_by is None:
            raise UsageError("容缺受理需要用 --supplement-by 给出容缺材料补齐日期")
        if mode != "容缺受理" and supplement_by is not None:
            raise UsageError("只有容缺受理（--mode 容缺受理）才有 --supplement-by")
        if supplement_by is not None and supplement_by < accepted:
            raise DataError(f"容缺材料补齐日期 {supplement_by.isoformat()} 早于受理日期 {accepted.isoformat()}")
        lead_unit = self.units.resolve(lead, role="牵头部门") if lead else None
        for existing in self._select("WHERE c.project_id = ?", [project.id]):
            if squash(existing.item) == squash(name):
                raise DataError(f"项目“{project.label}”已有“{existing.item}”手续（编号 {existing.id}），未重复登记")
        deadline = self._deadline(accepted, limit)
        basis = getattr(self.calendar, "basis", None)
        row = {
            "project_id": project.id, "item": name, "mode": mode,
            "lead_unit_id": lead_unit.id if lead_unit else None, "accepted_on": accepted.isoformat(),
            "limit_workdays": limit, "due_on": deadline.due.isoformat(),
            "due_provisional": int(not deadline.calendar_complete),
            "due_basis": basis(accepted, deadline.due) if basis else None,
            "supplement_by": _iso(supplement_by),
            "expires_on": _iso(accepted + relativedelta(years=1)) if mode == "模拟审批" else None,
            "note": (note or "").strip() or None,
            "created_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        return Change(row, project=project, warnings=[*warnings, *deadline.warnings])

    def _check_on(self, proc: Procedure, on: dt.date, what: str) -> None:
        if on < proc.accepted_on:
            raise DataError(f"{what} {on.isoformat()} 早于受理日期 {proc.accepted_on.isoformat()}")

    def prepare_done(self, proc: Procedure, on: dt.date, doc: str | None = None, *,
                     simulated: bool = False) -> Change:
        """The formal approval (批复) and its 文号, or with ``simulated`` the 模拟审批意见."""
        self._check_on(proc, on, "办结日期")
        doc = (doc or "").strip() or None
        if proc.done_on is not None:
            raise DataError(f"“{proc.item}”已于 {proc.done_on.isoformat()} 办结（{proc.doc_number or '无文号'}）")
        if simulated:
            if proc.mode != "模拟审批":
                raise UsageError(f"“{proc.item}”的办理模式是{proc.mode}，--simulated 只用于模拟审批")
            return Change({"simulated_on": on.isoformat(), "simulated_doc": doc}, proc)
        return Change({"done_on": on.isoformat(), "doc_number": doc}, proc)

    def prepare_convert(self, proc: Procedure, on: dt.date) -> Change:
        """模拟审批: land obtained on ``on``; the formal approval is due 3 working days later."""
        from projledger.workdays import RULES

        if proc.mode != "模拟审批":
            raise DataError(f"“{proc.item}”的办理模式是{proc.mode}，不是模拟审批，无需转正式")
        if proc.done_on is not None:
            raise DataError(f"“{proc.item}”已于 {proc.done_on.isoformat()} 办结")
        self._check_on(proc, on, "取得土地日期")
        deadline = self._deadline(on, RULES["模拟审批转正式"])
        warnings = list(deadline.warnings)
        if on > proc.expires_on:
            warnings.append(f"模拟审批已于 {proc.expires_on.isoformat()} 过有效期，按规定应重新报批")
        return Change({"converted_on": on.isoformat(), "convert_due": deadline.due.isoformat(),
                       "convert_due_provisional": int(not deadline.calendar_complete)}, proc, warnings=warnings)

    def prepare_supplement(self, proc: Procedure, on: dt.date) -> Change:
        """容缺受理: the missing material arrived on ``on``."""
        if proc.mode != "容缺受理":
            raise DataError(f"“{proc.item}”的办理模式是{proc.mode}，不是容缺受理")
        self._check_on(proc, on, "补齐日期")
        return Change({"supplemented_on": on.isoformat()}, proc)

    def apply(self, w, change: Change) -> Procedure:
        """Write a prepared change (inside the transaction); returns the procedure as stored."""
        if change.proc is None:
            proc_id = w.insert("procedures", change.row, project_id=change.project.id)
        else:
            proc_id = change.proc.id
            w.update("procedures", {"id": proc_id}, change.row, project_id=change.proc.project_id)
        return self._select("WHERE c.id = ?", [proc_id])[0]


# -- calendar refresh (calendar import / calendar refresh) ---------------------------------


def refresh_deadlines(w, cal, result) -> None:
    """Recompute the provisional 办结时限 and 转正式时限 of procedures with ``cal``
    (:func:`projledger.calendar.refresh`); what moved is noted in ``result``."""
    from projledger.calendar import recompute_deadline
    from projledger.workdays import RULES

    rows = w.db.execute(
        "SELECT c.id, c.project_id, pr.code, pr.name, c.item, c.accepted_on, c.limit_workdays,"
        " c.due_on, c.due_provisional, c.converted_on, c.convert_due, c.convert_due_provisional"
        " FROM procedures c JOIN projects pr ON pr.id = c.project_id"
        " WHERE c.due_provisional = 1 OR c.convert_due_provisional = 1 ORDER BY c.id").fetchall()
    for (cid, project_id, code, name, item, accepted, limit, due, due_prov,
         converted, convert_due, convert_prov) in rows:
        ident = ("procedure", cid, code, name, item)
        changes: dict = {}
        if due_prov:
            recompute_deadline(cal, result, changes, ident, accepted, limit, due, "due_on", "due_provisional")
            if "due_on" in changes:
                changes["due_basis"] = cal.basis(dt.date.fromisoformat(accepted),
                                                 dt.date.fromisoformat(changes["due_on"]))
        if convert_prov:
            recompute_deadline(cal, result, changes, ident, converted, RULES["模拟审批转正式"], convert_due,
                               "convert_due", "convert_due_provisional")
        if changes:
            w.update("procedures", {"id": cid}, changes, project_id=project_id)
