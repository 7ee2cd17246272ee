"""Header synonyms: which header texts mean which field (data, not code).

The built-in file is ``projledger/data/header_synonyms.json`` (format
``projledger-header-synonyms/1``); a user's file (``import --headers`` or the
``import_headers_file`` setting) is merged over it by :func:`load_synonyms`.  Plain entries
are compared after :func:`normalize_header`; entries starting with ``re:`` are regular
expressions (``re:^\\d{4}年计划投资$``).  The fields are those declared in
:data:`projledger.sheets.columns.COLUMNS` (plus ``seq``, 序号, recognised and ignored).

:func:`normalize_header` and :class:`Matcher` cache what they compute: a 200-file batch
meets the same few dozen header texts hundreds of thousands of times.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from projledger.errors import DataError
from projledger.sheets.columns import FIELDS
from projledger.text import squash

__all__ = ["SYNONYMS_FORMAT", "IGNORED_FIELDS", "load_synonyms", "normalize_header", "unit_anywhere", "Matcher",
           "matcher_for"]

SYNONYMS_FORMAT = "projledger-header-synonyms/1"
IGNORED_FIELDS = ("seq",)
_REGEX_PREFIX = "re:"


def _builtin_synonyms_path() -> Path:
    from projledger.resources import data_path

    return Path(str(data_path("header_synonyms.json")))


def _read_synonym_file(path: Path) -> dict[str, list[str]]:
    from projledger.fileio import open_input

    raw = open_input(path, what="表头同义词文件")  # FIFO, device, directory, unreadable, oversized
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise DataError(f"表头同义词文件“{Path(path).name}”不是有效的JSON（{exc}）") from None
    fields = data.get("fields", data) if isinstance(data, dict) else None
    if not isinstance(fields, dict):
        raise DataError(f"表头同义词文件“{Path(path).name}”格式错误：应为 {{\"fields\": {{字段: [表头, …]}}}}")
    out: dict[str, list[str]] = {}
    for name, entries in fields.items():
        if name in ("format", "description", "rules"):
            continue
        if name not in FIELDS and name not in IGNORED_FIELDS:
            raise DataError(f"表头同义词文件“{Path(path).name}”中的字段“{name}”未知；可用字段：{'、'.join(FIELDS)}")
        if isinstance(entries, str):
            entries = [entries]
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise DataError(f"表头同义词文件“{Path(path).name}”中字段“{name}”的值应为文字列表")
        for entry in entries:
            if entry.startswith(_REGEX_PREFIX):
                try:
                    re.compile(entry[len(_REGEX_PREFIX) :])
                except re.error as exc:
                    raise DataError(f"表头同义词文件“{Path(path).name}”中的正则“{entry}”有误（{exc}）") from None
        out[name] = list(entries)
    return out


def load_synonyms(extra_path: Path | None = None) -> dict[str, list[str]]:
    """Field -> header synonyms: the built-in file, merged with a user's file if given.

    The user's entries come first in each list and in the field order; a plain entry the
    user gives is removed from every other field, so a user file can re-map a header.
    """
    builtin = _read_synonym_file(_builtin_synonyms_path())
    if extra_path is None:
        return builtin
    extra = _read_synonym_file(Path(extra_path))
    claimed = {normalize_header(e)[0]: f for f, entries in extra.items() for e in entries
               if not e.startswith(_REGEX_PREFIX)}
    merged: dict[str, list[str]] = {}
    for name in list(extra) + [f for f in builtin if f not in extra]:
        kept = [e for e in builtin.get(name, []) if claimed.get(normalize_header(e)[0], name) == name]
        merged[name] = list(dict.fromkeys(extra.get(name, []) + kept))
    return merged


BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")", "{": "(", "}": ")"})
_UNIT_SUFFIX = re.compile(r"(?:\((?:单位[:]?)?(亿元|万元|元)\)|/(亿元|万元|元))$")
_UNIT_ANY = re.compile(r"(?:\((?:金额)?(?:单位[:]?)?(亿元|万元|元)\)|单位[:]?(亿元|万元|元))")
_TRAILING_NOTE = re.compile(r"\([^()]*\)$")


@functools.lru_cache(maxsize=4096)
def normalize_header(text: object) -> tuple[str, str | None]:
    """(matching key, unit) of a header: NFKC, no whitespace, () brackets, unit suffix cut."""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    key = squash("" if text is None else str(text)).translate(BRACKETS).strip("*★☆※")
    if key.startswith("(") and key.endswith(")") and key.count("(") == 1:
        key = key[1:-1]  # 【备注】
    match = _UNIT_SUFFIX.search(key)
    if match is None:
        return key, None
    return key[: match.start()], match.group(1) or match.group(2)


@functools.lru_cache(maxsize=4096)
def unit_anywhere(text: str) -> str | None:
    """A money unit named anywhere in a (parent) header: ``投资情况（万元）`` → 万元."""
    match = _UNIT_ANY.search(squash(text).translate(BRACKETS))
    return (match.group(1) or match.group(2)) if match else None


class Matcher:
    """Header key -> field, exact entries first, then patterns, then without a trailing (note)."""

    def __init__(self, synonyms: dict[str, list[str]]):
        self.exact: dict[str, str] = {}
        self.patterns: list[tuple[re.Pattern, str]] = []
        for name, entries in synonyms.items():
            for entry in entries:
                if entry.startswith(_REGEX_PREFIX):
                    self.patterns.append((re.compile(entry[len(_REGEX_PREFIX) :]), name))
                else:
                    self.exact.setdefault(normalize_header(entry)[0], name)
        self.cache: dict[str, str | None] = {}
        self.paths: dict[tuple[str, ...], tuple] = {}  # header label path -> what layout made of it

    def match(self, key: str) -> str | None:
        found = self.cache.get(key, self)
        if found is self:
            found = self._lookup(key)
            if found is None and _TRAILING_NOTE.search(key):
                found = self._lookup(_TRAILING_NOTE.sub("", key))
            self.cache[key] = found
        return found

    def _lookup(self, key: str) -> str | None:
        if not key:
            return None
        if key in self.exact:
            return self.exact[key]
        for pattern, name in self.patterns:
            if pattern.fullmatch(key):
                return name
        return None


_MATCHERS: dict[int, tuple[dict, Matcher]] = {}


def matcher_for(synonyms: dict[str, list[str]]) -> Matcher:
    """One :class:`Matcher` per synonyms mapping, shared by every file of a command."""
    kept = _MATCHERS.get(id(synonyms))
    if kept is None or kept[0] is not synonyms:
        kept = _MATCHERS[id(synonyms)] = (synonyms, Matcher(synonyms))
    return kept[1]
