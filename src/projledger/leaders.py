"""包联领导 and 服务专员 as people (SPEC §12; seed 000 §15, 004 "一个项目、一个领导、一套班子、一个专员").

A person is a name (unique, matched on its normalised form), an optional 职务 and phone.
A project keeps its leader and liaison as **text** (``projects.leader`` / ``projects.liaison``,
what every list and report shows) plus a link to the person (``leader_person_id`` /
``liaison_person_id``) when the text names a known person.  So:

* a sheet's or a command's text naming a known person is linked at once;
* an unknown name is kept as text (the importer warns once per file,
  :func:`unknown_people`), and ``leader add`` later links every project whose text names
  the new person (:meth:`People.add`);
* ``project update --leader`` / ``--liaison`` with an unknown name is refused, since a
  person at the keyboard can add the person first (``leader add``).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from projledger.errors import DataError, NotFoundError
from projledger.text import squash

__all__ = ["Person", "People", "unknown_people", "ROLES"]

#: role → (text column, link column, Chinese name)
ROLES = {
    "leader": ("leader", "leader_person_id", "包联领导"),
    "liaison": ("liaison", "liaison_person_id", "服务专员"),
}


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    title: str | None
    phone: str | None
    projects: int = 0

    def to_json(self) -> dict:
        return {"name": self.name, "title": self.title, "phone": self.phone, "projects": self.projects}


def _key(name: str) -> str:
    return squash(name or "")


def unknown_people(db, names: Iterable[str | None]) -> list[str]:
    """The given names (stripped, each once, in order) that are not known people."""
    known = {row[0] for row in db.execute("SELECT name_key FROM people")}
    unknown, seen = [], set()
    for name in names:
        key = _key(name)
        if not key or key in known or key in seen:
            continue
        seen.add(key)
        unknown.append(name.strip())
    return unknown


class People:
    """Reads of people, and writes inside the caller's transaction."""

    def __init__(self, db):
        self.db = db

    def _person(self, row) -> Person:
        return Person(row[0], row[1], row[2], row[3], row[4] if len(row) > 4 else 0)

    def list(self) -> list[Person]:
        rows = self.db.execute(
            "SELECT p.id, p.name, p.title, p.phone,"
            " (SELECT COUNT(*) FROM projects j WHERE j.leader_person_id = p.id"
            "  OR j.liaison_person_id = p.id)"
            " FROM people p ORDER BY p.id").fetchall()
        return [self._person(r) for r in rows]

    def find(self, name: str | None) -> Person | None:
        key = _key(name)
        if not key:
            return None
        row = self.db.execute("SELECT id, name, title, phone FROM people WHERE name_key = ?", [key]).fetchone()
        return self._person(row) if row else None

    def get(self, name: str, role: str = "包联领导") -> Person:
        """A known person by name; an unknown one is a data error naming the closest names."""
        person = self.find(name)
        if person is not None:
            return person
        names = [row[0] for row in self.db.execute("SELECT name FROM people ORDER BY id")]
        close = difflib.get_close_matches(name.strip(), names, n=3, cutoff=0.3)
        hint = f"；相近的有：{'、'.join(close)}" if close else ""
        raise NotFoundError(f"{role}“{name.strip()}”不在人员名单中（先用 projledger leader add {name.strip()} 添加）{hint}")

    def check_new(self, name: str, title: str | None, phone: str | None) -> dict:
        name = (name or "").strip()
        if not name:
            raise DataError("姓名不能为空")
        if len(name) > 40:
            raise DataError(f"姓名“{name[:40]}…”过长（不超过40个字）")
        if self.find(name) is not None:
            raise DataError(f"人员“{name}”已在名单中")
        return {"name": name, "name_key": _key(name), "title": (title or "").strip() or None,
                "phone": (phone or "").strip() or None}

    def add(self, w, row: dict) -> tuple[Person, int]:
        """Insert a checked row (:meth:`check_new`); link every project whose leader or
        liaison text names this person.  Returns the person and how many links were made."""
        now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        person_id = w.insert("people", {**row, "created_at": now})
        linked = 0
        for text_col, link_col, _ in ROLES.values():
            for project_id, text in self.db.execute(
                    f"SELECT id, {text_col} FROM projects WHERE {link_col} IS NULL AND {text_col} IS NOT NULL"
                    ).fetchall():
                if _key(text) == row["name_key"]:
                    w.update("projects", {"id": project_id}, {link_col: person_id}, project_id=project_id)
                    linked += 1
        return Person(person_id, row["name"], row["title"], row["phone"]), linked

    def project_columns(self, role: str, name: str | None, *, strict: bool = True) -> dict:
        """Column values for setting a project's leader or liaison to ``name``.

        ``""`` clears it.  A known person is linked (the text is the person's own spelling);
        an unknown one is refused when ``strict``, else kept as text with no link.
        """
        text_col, link_col, label = ROLES[role]
        if name is None:
            return {}
        if not name.strip():
            return {text_col: None, link_col: None}
        person = self.get(name, label) if strict else self.find(name)
        if person is None:
            return {text_col: name.strip(), link_col: None}
        return {text_col: person.name, link_col: person.id}

    def projects_of(self, person_id: int) -> list[int]:
        """Ids of the projects this person leads (包联), in id order."""
        return [row[0] for row in self.db.execute(
            "SELECT id FROM projects WHERE leader_person_id = ? ORDER BY id", [person_id])]
