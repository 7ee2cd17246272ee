"""Text normalisation shared by the sheet reader, matching, de-duplication and the terminal.

Three layers, each applied once where it belongs:

* :func:`clean_cell` — at the reader (SPEC §4b), for every text cell and sheet name of an
  untrusted file: invisible characters that make two names look equal but compare unequal
  (zero-width space/joiners, word joiner, BOM, soft hyphen, bidirectional controls such as
  RLO) are removed; vertical tab, form feed, CR and the Unicode line/paragraph separators
  become ``\\n``; every other C0/C1 control character is removed.  What remains can be
  written by openpyxl (no ``IllegalCharacterError``) and matched by name.
* :func:`nfkc` / :func:`squash` / :func:`normalize_name` — the keys names, problems and
  headers are *matched* on (the stored text keeps its original form).
* :func:`for_terminal` — the last step before sheet text is printed in a table: control
  and escape characters (ESC, CSI, BEL, backspace, bidi overrides) are shown as visible
  ``\\x1b``-style escapes, so a sheet cannot move the cursor, recolour or clear a terminal.

Each has a fast path (``str.isprintable``, C speed) because the reader calls
:func:`clean_cell` for every text cell of a 50,000-row sheet.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["nfkc", "squash", "normalize_name", "clean_cell", "for_terminal", "INVISIBLE"]

_SPACE = re.compile(r"\s+")

# Removed outright: they have no width and no meaning in a county's ledger.
INVISIBLE = (
    "\u00ad"  # soft hyphen
    "\u034f"  # combining grapheme joiner
    "\u061c"  # Arabic letter mark (bidi)
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers (blank look-alikes)
    "\u180e"  # Mongolian vowel separator
    "\u200b\u200c\u200d"  # zero-width space, ZWNJ, ZWJ
    "\u200e\u200f"  # LRM, RLM
    "\u202a\u202b\u202c\u202d\u202e"  # LRE RLE PDF LRO RLO
    "\u2060\u2061\u2062\u2063\u2064"  # word joiner, invisible operators
    "\u2066\u2067\u2068\u2069"  # LRI RLI FSI PDI
    "\u206a\u206b\u206c\u206d\u206e\u206f"  # deprecated format controls
    "\ufeff"  # BOM / zero-width no-break space
    "\ufff9\ufffa\ufffb"  # interlinear annotation controls
)
_LINE_BREAKS = "\x0b\x0c\r\x1c\x1d\x1e\x85\u2028\u2029"
_CONTROLS = "".join(chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))
                    if chr(c) not in "\t\n" and chr(c) not in _LINE_BREAKS)

_CLEAN_TABLE = {ord(ch): None for ch in INVISIBLE + _CONTROLS}
_CLEAN_TABLE.update({ord(ch): "\n" for ch in _LINE_BREAKS})


def clean_cell(text: str) -> str:
    """Text from an untrusted sheet, with invisible and control characters dealt with.

    ``"\\r\\n"`` becomes one line break; tab and ``\\n`` stay.  Idempotent.
    """
    if text.isprintable():  # every character removed or replaced here is non-printable
        return text
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    return text.translate(_CLEAN_TABLE)


_TERMINAL_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str) -> str:
    """Text safe to print: controls, ESC/CSI and bidi overrides shown as ``\\x1b``-style escapes.

    Line breaks and tabs stay (a table cell may span lines).
    """
    if text.isprintable():
        return text
    return _TERMINAL_UNSAFE.sub(_escape, text)


def nfkc(text: str) -> str:
    """NFKC-normalised text (full-width digits/brackets become ASCII)."""
    return unicodedata.normalize("NFKC", text)


def squash(text: str) -> str:
    """NFKC with every whitespace and invisible character removed — the matching key."""
    return _SPACE.sub("", clean_cell(nfkc(text)))


def normalize_name(name: str) -> str:
    """Key a project name is matched on within a township: NFKC, no whitespace, lower-case."""
    return squash(name).lower()
