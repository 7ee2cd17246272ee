"""Text normalisation shared by matching, de-duplication and header mapping."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["nfkc", "squash", "normalize_name"]

_SPACE = re.compile(r"\s+")


def nfkc(text: str) -> str:
    """NFKC-normalised text (full-width digits/brackets become ASCII)."""
    return unicodedata.normalize("NFKC", text)


def squash(text: str) -> str:
    """NFKC with every whitespace character removed — the key problems are de-duplicated on."""
    return _SPACE.sub("", nfkc(text))


def normalize_name(name: str) -> str:
    """Key a project name is matched on within a township: NFKC, no whitespace, lower-case."""
    return squash(name).lower()
