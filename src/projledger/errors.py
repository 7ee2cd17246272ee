"""projledger's error types.

Every error a user can cause is a :class:`ProjledgerError`; it carries the process exit
status the CLI uses (SPEC §9: 1 data error, 2 usage error, 75 database busy).  The CLI
catches this one type once, prints the Chinese message on stderr and exits — no traceback
ever reaches a user for bad input.
"""

from __future__ import annotations

__all__ = [
    "ProjledgerError",
    "DataError",
    "UsageError",
    "NotFoundError",
    "BusyError",
]


class ProjledgerError(Exception):
    """Base class: a message for the user (Chinese) and an exit status."""

    exit_code = 1

    def __init__(self, message: str, *, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = list(details or [])

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class DataError(ProjledgerError):
    """The data given is wrong (exit 1): unknown unit, bad date, bad sheet row …"""

    exit_code = 1


class NotFoundError(DataError):
    """A project, unit or record the user named does not exist (exit 1)."""


class UsageError(ProjledgerError):
    """The command was called wrongly (exit 2): conflicting or missing options."""

    exit_code = 2


class BusyError(ProjledgerError):
    """Another projledger held the write lock past the busy timeout (exit 75)."""

    exit_code = 75
