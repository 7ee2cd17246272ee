"""两函一单: the 提醒函, 督办函 and 交办单 that chase lead units (SPEC §11).

``letter draft --kind K --as-of D`` plans one letter per lead unit from what is open on D
(:func:`projledger.meetings.followed_as_of`: problems and decided items with their worst card,
from the 时限 or the missing 解决意见):

* **提醒函** — the unit's items and problems with a blue or yellow card;
* **督办函** — those with a red card, and a unit whose ``bottom3_streak`` is 3 or more in the
  latest saved ranking (seed 000 §22) even with no red item (``basis`` says why);
* **交办单** — what the unit leads, open on D and not yet handed over in an earlier 交办单
  ("since its last 交办单": an item named in one is never handed over again).

A unit with nothing to send gets no letter.  Each letter issued is recorded (:func:`record`) in
the command's transaction: kind, number ``{prefix}〔{year}〕{n}号`` (n counts per kind per
year of the issue date, taken under the write lock so two runs cannot share a number; prefix
from ``letters.*_prefix`` settings), date, unit, file name and the problems and items it
names (``letter_items``, audited with each item's project so ``history PROJECT`` shows the
letter).  :func:`letters_naming` lists the letters an item or problem was in.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from projledger.errors import DataError
from projledger.meetings import Followed, followed_as_of
from projledger.units import Unit, Units

__all__ = ["LETTER_KINDS", "Letter", "LetterDraft", "check_letter_kind", "plan_letters", "record",
           "list_letters", "letters_naming", "number_text"]

LETTER_KINDS = ("提醒函", "督办函", "交办单")
_PREFIX_FIELDS = {"提醒函": "reminder_prefix", "督办函": "supervision_prefix", "交办单": "assignment_prefix"}
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def check_letter_kind(kind: str | None) -> str:
    text = (kind or "").strip()
    if text not in LETTER_KINDS:
        raise DataError(f"函件类型“{text}”无效，应为：{'、'.join(LETTER_KINDS)}")
    return text


def number_text(prefix: str, year: int, seq: int) -> str:
    """``项目督办〔2026〕3号``."""
    return f"{prefix}〔{year}〕{seq}号"


@dataclass(frozen=True)
class Letter:
    """A letter as recorded."""

    id: int
    kind: str
    number: str
    issued_on: dt.date
    unit: str
    file: str | None
    basis: str | None
    items: tuple[tuple[str, int], ...]

    def to_json(self) -> dict:
        return {"id": self.id, "kind": self.kind, "number": self.number, "issued_on": self.issued_on.isoformat(),
                "unit": self.unit, "items": [{"kind": k, "id": i} for k, i in self.items],
                "file": self.file, "basis": self.basis}


@dataclass(frozen=True)
class LetterDraft:
    """One letter to write: its unit, what it names, and (once recorded) number and id."""

    kind: str
    unit: Unit
    issued_on: dt.date
    entries: tuple[Followed, ...]
    basis: str | None  # why a letter without items is sent (督办函 to a unit on a streak)
    reply_by: dt.date | None  # the written reply asked for (提醒函/督办函)
    office: str
    number: str | None = None
    seq: int | None = None
    id: int | None = None

    @property
    def file_name(self) -> str:
        tail = f"{self.issued_on.year}-{self.seq}" if self.seq else "草稿"
        return f"{self.kind}-{_UNSAFE.sub('_', self.unit.name)}-{tail}.docx"


def _handed_over(db) -> set[tuple[str, int]]:
    return {(k, i) for k, i in db.execute(
        "SELECT li.kind, li.item_id FROM letter_items li JOIN letters l ON l.id = li.letter_id"
        " WHERE l.kind = '交办单'")}


def _selects(kind: str, f: Followed, handed: set) -> bool:
    card = f.card.card.key if f.card else None
    if kind == "提醒函":
        return card in ("blue", "yellow")
    if kind == "督办函":
        return card == "red"
    return (f.kind, f.item.id) not in handed


def office_of(settings) -> str:
    notice = getattr(settings, "notice", None)
    return getattr(notice, "issuing_office", None) or f"{settings.county_name}重大项目建设工作专班"


def plan_letters(ledger, kind: str, as_of: dt.date, unit: str | None = None) -> list[LetterDraft]:
    """The letters of ``kind`` to send on ``as_of`` (one per lead unit with something to send)."""
    from projledger.agenda import streak_units
    from projledger.calendar import load_calendar

    kind = check_letter_kind(kind)
    db, settings = ledger.db, ledger.settings()
    units = Units(db)
    only = units.resolve(unit, role="单位") if unit else None
    calendar = load_calendar(db)
    handed = _handed_over(db) if kind == "交办单" else set()
    chosen: dict[int, list[Followed]] = {}
    for f in followed_as_of(db, as_of, settings=settings, calendar=calendar):
        lead = f.item.lead_unit_id
        if lead is None or (only is not None and lead != only.id) or not _selects(kind, f, handed):
            continue
        chosen.setdefault(lead, []).append(f)
    basis: dict[int, str] = {}
    if kind == "督办函":
        period, streaks = streak_units(db, as_of)
        for u in streaks:
            found = units.find(u.unit)
            if found is not None and (only is None or found.id == only.id):
                basis[found.id] = f"{period}逐月排队中连续{u.streak}次排名后三位"
    reply_by = None if kind == "交办单" else calendar.add_workdays(as_of, settings.letters.reply_workdays).due
    drafts = []
    for u in units.all():
        entries = chosen.get(u.id, [])
        if entries or u.id in basis:
            ordered = sorted(entries, key=lambda f: (-f.overdue_workdays, f.item.due_on or dt.date.max,
                                                     f.kind, f.item.id))
            drafts.append(LetterDraft(kind, u, as_of, tuple(ordered), basis.get(u.id), reply_by,
                                      office_of(settings)))
    return drafts


def record(w, drafts: list[LetterDraft], settings) -> list[LetterDraft]:
    """Number and record the letters (inside the caller's transaction); returns them numbered."""
    recorded = []
    for draft in drafts:
        year = draft.issued_on.year
        (last,) = w.db.execute("SELECT COALESCE(MAX(seq), 0) FROM letters WHERE kind = ? AND year = ?",
                               [draft.kind, year]).fetchone()
        prefix = getattr(settings.letters, _PREFIX_FIELDS[draft.kind])
        numbered = replace(draft, seq=last + 1, number=number_text(prefix, year, last + 1))
        letter_id = w.insert("letters", {
            "kind": draft.kind, "number": numbered.number, "year": year, "seq": numbered.seq,
            "issued_on": draft.issued_on.isoformat(), "unit_id": draft.unit.id, "file": numbered.file_name,
            "basis": draft.basis, "created_at": dt.datetime.now().astimezone().isoformat(timespec="seconds")})
        for f in draft.entries:
            w.insert("letter_items", {"letter_id": letter_id, "kind": f.kind, "item_id": f.item.id},
                     project_id=f.item.project_id, key_columns=("letter_id", "kind", "item_id"))
        recorded.append(replace(numbered, id=letter_id))
    return recorded


def _letters(db, where: str = "", params=()) -> list[Letter]:
    units = Units(db)
    items: dict[int, list[tuple[str, int]]] = {}
    for letter_id, kind, item_id in db.execute(
            "SELECT letter_id, kind, item_id FROM letter_items ORDER BY letter_id, kind DESC, item_id"):
        items.setdefault(letter_id, []).append((kind, item_id))
    letters = []
    for lid, kind, number, issued, unit_id, file, basis in db.execute(
            f"SELECT id, kind, number, issued_on, unit_id, file, basis FROM letters {where}"
            " ORDER BY issued_on, id", list(params)):
        unit = units.by_id(unit_id)
        letters.append(Letter(lid, kind, number, dt.date.fromisoformat(issued), unit.name if unit else str(unit_id),
                              file, basis, tuple(items.get(lid, ()))))
    return letters


def list_letters(db, *, kind: str | None = None, unit: str | None = None) -> list[Letter]:
    where, params = [], []
    if kind:
        where.append("kind = ?")
        params.append(check_letter_kind(kind))
    if unit:
        where.append("unit_id = ?")
        params.append(Units(db).resolve(unit, role="单位").id)
    return _letters(db, ("WHERE " + " AND ".join(where)) if where else "", params)


def letters_naming(db, kind: str, item_id: int) -> list[Letter]:
    """The letters that named a problem (``kind`` problem) or a decided item (meeting_item)."""
    if not db["letters"].exists():
        return []
    return _letters(db, "WHERE id IN (SELECT letter_id FROM letter_items WHERE kind = ? AND item_id = ?)",
                    [kind, item_id])
