"""What each row below a township sheet's header is (SPEC §4b: every non-empty row has a class).

:func:`classify_row` looks at one row and says ``project`` (it has a name), or one of the
rows that are not projects: ``section`` (``一、新开工项目（5个）``: sets the nature below it),
``category`` (``（一）工业项目``: neither a project nor a change of nature; it may give the
industry), ``totals`` (合计/总计/小计/其中), ``footer`` (填报人、联系电话、注：…, 以下空白),
``column_numbers`` (``1 2 3 …`` under the header), ``repeated_header`` (the header again, as
a printed or pasted block brings it), ``fill_in``, ``unit`` and ``title`` (a pasted block's
own title rows), or ``blank``.  A row with no name that is none of these is
``unclassified``: the township reader takes it as the continuation of the project above
(sub-rows, a merged name) when it can, and otherwise reports it as a row error.

Cheap on project rows: only the first two text cells are looked at, and only if they start
like a special row.  Pure.
"""

from __future__ import annotations

import re

from projledger.sheets.layout import FILL_KEY, UNIT_ROW, display, is_numbering_row
from projledger.sheets.synonyms import BRACKETS
from projledger.text import squash

__all__ = ["classify_row", "nature_of", "category_label", "BLANK_NOTE", "RowShape"]

_SECTION = re.compile(r"^(?:[一二三四五六七八九十]+[、.,:．，：]|第[一二三四五六七八九十]+(?:部分|类|批))")
_CATEGORY = re.compile(r"^[(（][一二三四五六七八九十]+[)）]")
_BARE_SECTION = re.compile(r"^(?:新开工|续建|在建|前期|预备|谋划|储备|竣工|投产)\S{0,6}项目")
_NATURE_WORDS = (("新开工", "新开工"), ("续建", "续建"), ("在建", "续建"), ("前期", "前期"), ("预备", "前期"),
                 ("谋划", "前期"), ("储备", "前期"), ("竣工", "竣工"), ("投产", "竣工"))
_TOTAL = re.compile(r"^(?:其中[:：]|.{0,15}?(?:合计|总计|小计|共计)(?:\(.*\))?$)")
_FOOTER = re.compile(
    r"^(?:填报人|填表人|联系人|联系电话|电话|审核人|审核|审批人|制表人|制表|负责人|单位负责人|分管领导|主要领导"
    r"|备注[:：]|注[:：]|说明[:：]|填表说明|注\d?[、.．])"
)
_NUMERAL_ONLY = re.compile(r"[一二三四五六七八九十]+|[(（][一二三四五六七八九十]+[)）]")
_SPECIAL_START = set("一二三四五六七八九十(（第合总小共其填联电审制负单分主备注说新续在前预谋储竣投以此空")
BLANK_NOTE = re.compile(r"^[(（]?(?:以下空白|以下无内容|以下无|此栏空白|空白)[)）]?$")
_COUNT = re.compile(r"[(（]\s*(?:共)?\s*\d+\s*(?:个|项)?\s*[)）]")
_TITLE_END = re.compile(r"(?:表|情况|清单|台账|一览)$")


class RowShape:
    """What the classifier needs to know about a sheet's columns."""

    def __init__(self, name_index: int, seq_index: int | None, header_labels: dict[int, set[str]]):
        self.name_index = name_index
        self.seq_index = seq_index
        self.header_labels = header_labels  # column -> squashed header labels of that column
        # the name column's header texts as the cells hold them: a cheap first test on project rows
        self.name_labels = header_labels.get(name_index, set())
        self.longest_label = max((len(label) for labels in header_labels.values() for label in labels), default=0) + 4

    @classmethod
    def of(cls, layout, name_index: int | None = None) -> "RowShape":
        """The shape of a :class:`~projledger.sheets.layout.Layout`'s body."""
        labels: dict[int, set[str]] = {}
        for r in layout.header_rows:
            for i, value in enumerate(layout.sheet.rows[r]):
                if value is not None:
                    labels.setdefault(i, set()).add(squash(display(value)))
        if name_index is None:
            name = layout.column("name")
            name_index = name.index if name is not None else 0
        return cls(name_index, layout.seq_index, labels)


def nature_of(text: str) -> str | None:
    """The nature a section label names (竣工/投产 → "竣工"), or None."""
    for word, nature in _NATURE_WORDS:
        if word in text:
            return nature
    return None


def category_label(text: str) -> str | None:
    """``（一）工业项目（3个）`` → ``工业``: the industry a category row gives, or None."""
    key = _CATEGORY.sub("", _SECTION.sub("", squash(text)))
    key = _COUNT.sub("", key)
    for suffix in ("类项目", "项目", "类"):
        key = key.removesuffix(suffix)
    return key or None


def _texts(cells: list[object], seq: int | None) -> tuple[list[tuple[int, str]], int | None, bool]:
    """(first two text cells, first content index, whether anything but a 序号 is there)."""
    texts: list[tuple[int, str]] = []
    first = None
    other = False
    for index, value in enumerate(cells):
        if value is None:
            continue
        if isinstance(value, str):
            value = value.strip()
            if not value:
                continue
            if len(texts) < 2:
                texts.append((index, value))
        if first is None:
            first = index
        # a 序号 alone makes a blank row, but text in that column (一、新开工项目) is content
        other = other or index != seq or (isinstance(value, str) and not value.isdigit())
        if other and len(texts) == 2:
            break
    return texts, first, other


def _section_or_category(key: str, texts: list[tuple[int, str]]) -> tuple[str, object] | None:
    if _SECTION.match(key) or _CATEGORY.match(key) or (_BARE_SECTION.match(key) and len(texts) == 1):
        nature = nature_of(key)
        return ("section", nature) if nature else ("category", category_label(key))
    if _NUMERAL_ONLY.fullmatch(key):  # 一 | 新开工项目（5个）
        label = squash(texts[1][1]) if len(texts) == 2 else ""
        nature = nature_of(label)
        if nature:
            return "section", nature
        return ("category" if key[0] in "(（" or label else "section"), category_label(label) if label else None
    return None


def _special(texts, first) -> tuple[str, object] | None:
    for position, (index, text) in enumerate(texts):
        if text[0] not in _SPECIAL_START:
            continue
        key = squash(text)
        if _TOTAL.match(key):
            return "totals", None
        if position or index != first:
            continue
        found = _section_or_category(key, texts)
        if found:
            return found
        if _FOOTER.match(key) or BLANK_NOTE.match(key):
            return "footer", None
    return None


def _header_like(name: str, shape: RowShape) -> bool:
    """Whether a name cell could be the name column's header again (most are project names)."""
    if len(name) > 40:
        return False
    return squash(name) in shape.name_labels


def _repeated_header(cells: list[object], shape: RowShape) -> bool:
    labels = shape.header_labels
    same = sum(1 for i, v in enumerate(cells) if v is not None and i in labels and squash(display(v)) in labels[i])
    filled = sum(1 for v in cells if v is not None)
    return same >= 2 and same * 2 >= filled


def _unnamed(cells: list[object], texts, shape: RowShape) -> tuple[str, object]:
    """A row without a name: a pasted block's title/fill-in/unit row, a blank note, or unclassified."""
    line = "  ".join(squash(display(v)) for v in cells if v is not None)
    if FILL_KEY.search(line):
        return "fill_in", None
    if UNIT_ROW.search(line.translate(BRACKETS)) and len(line) <= 20:
        return "unit", None
    words = [squash(display(v)) for v in cells if v is not None]
    if words and all(BLANK_NOTE.match(w) for w in words):
        return "footer", None
    if len(words) == 1 and len(words[0]) >= 6 and _TITLE_END.search(words[0]):
        return "title", None
    return "unclassified", None


def classify_row(cells: list[object], shape: RowShape) -> tuple[str, object]:
    """(class, value) of one body row; see the module docstring.  ``value``: a section's
    nature, a category's industry, else None."""
    texts, first, other = _texts(cells, shape.seq_index)
    if not other:
        return "blank", None
    special = _special(texts, first) if texts else None
    if special:
        return special
    name = cells[shape.name_index] if shape.name_index < len(cells) else None
    if name.__class__ is str and len(name) > shape.longest_label and not BLANK_NOTE.match(name.strip()):
        return "project", None  # the common case: a project's name, longer than any header label
    if is_numbering_row(cells):
        return "column_numbers", None
    if (name is None or isinstance(name, str) and _header_like(name, shape)) and _repeated_header(cells, shape):
        return "repeated_header", None
    if name is not None and (not isinstance(name, str) or name.strip()):
        key = squash(display(name))
        if BLANK_NOTE.match(key):
            return "footer", None
        return "project", None
    return _unnamed(cells, texts, shape)
