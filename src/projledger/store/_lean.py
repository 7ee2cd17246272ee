"""sqlite-utils without its optional numpy/pandas probe (a quarter second of every start-up).

``sqlite_utils.db`` tries ``import numpy`` and ``import pandas`` when it is first imported, to
convert their value types on insert.  The ledger never hands it numpy or pandas values, and
numpy alone costs more than the rest of a short command, so while sqlite-utils is first
imported those two names are marked absent; afterwards they import normally for anyone
who needs them.
"""

from __future__ import annotations

import sys

__all__ = ["sqlite_utils"]

_OPTIONAL = ("numpy", "pandas")


def _import_lean():
    marked = [name for name in _OPTIONAL if name not in sys.modules]
    for name in marked:
        sys.modules[name] = None  # "import numpy" now raises ImportError
    try:
        import sqlite_utils
        import sqlite_utils.db  # noqa: F401  (the module that probes)
    finally:
        for name in marked:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]
    return sqlite_utils


sqlite_utils = _import_lean()
