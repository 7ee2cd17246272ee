"""Fixtures for the reliability tests (issue 8): generated township batches and child processes.

The tests here run the real ``projledger`` in child processes (``python -m projledger``), the
way a person, a cron job and a killed process meet the ledger; the generator they share with
the benchmarks is ``benchmarks/gen_county.py``, put on ``sys.path`` here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))

import gen_county  # noqa: E402

SEPTEMBER_ROWS = 120


@pytest.fixture(scope="session")
def two_month_county(tmp_path_factory):
    """8 townships: September imported (SEPTEMBER_ROWS each), October's sheets (130 rows each) ready.

    Returns (ledger path after September, October's BatchFiles).  Tests copy the ledger.
    October's sheets update every September project and add 10 new ones per township.
    """
    base = tmp_path_factory.mktemp("county")
    townships = gen_county.township_names(8)
    db = gen_county.init_ledger(base / "september.db", townships)
    september = gen_county.make_batch(base / "m09", townships, 9, SEPTEMBER_ROWS)
    done = gen_county.projledger(db, "import", *[f.path for f in september], "--json")
    assert done.returncode == 0, done.stderr
    october = gen_county.make_batch(base / "m10", townships, 10, SEPTEMBER_ROWS + 10)
    return db, october

