"""Mutation fuzzing of real .xlsx/.xls/.ods/.csv bytes (issue 13; thousands in bench_fuzz.py).

Mutants of generated township sheets (byte flips, huge 32-bit fields, truncation, and for zip
containers mutations *inside* the XML: numbers made huge, quotes swapped, tags repeated,
column letters stretched) go through

* the reader (in its worker process): each is read, or is one Chinese ``DataError`` —
  nothing else may reach the caller; the reader process itself should almost never have
  to be rescued (an abort, a panic, a timeout: a hole in the pre-scan), and
* a real ``projledger import`` of a batch of them under an address-space limit: exit 0 or 1,
  no traceback, no abort, bounded memory.

The mutants are deterministic (seeded), so a failure replays with
``python benchmarks/bench_fuzz.py --mutants N --seed S --keep DIR``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from collections import Counter

import pytest

import bench_fuzz
import gen_county

PER_KIND = 200
IMPORT_BATCH = 40
SEED = 7
SEEDS = bench_fuzz.seeds()


@pytest.fixture(autouse=True)
def _small_reader_limits(monkeypatch):
    from projledger.sheets import sandbox

    monkeypatch.setenv("PROJLEDGER_READER_MEMORY_MB", "1024")
    sandbox.shutdown()  # the next read starts a worker with these limits
    yield
    sandbox.shutdown()


@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_every_mutant_is_read_or_one_chinese_error(kind, tmp_path):
    seed = tmp_path / f"seed.{kind}"
    seed.write_bytes(SEEDS[kind])
    assert bench_fuzz.classify(seed) == "read"  # the unmutated file is a readable workbook
    tally = Counter()
    for index, content in enumerate(bench_fuzz.mutants(kind, SEEDS[kind], PER_KIND, SEED)):
        path = tmp_path / f"m{index}.{kind}"
        path.write_bytes(content)
        tally[bench_fuzz.classify(path, timeout=20)] += 1
    escaped = {k: v for k, v in tally.items() if k.startswith("escaped")}
    assert not escaped, tally
    assert tally["crashed"] <= PER_KIND // 50, tally  # the reader process was rescued at most 2%
    assert tally["read"] + tally["refused"] + tally["crashed"] == PER_KIND


def _limited():
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024 * 1024,) * 2)


@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_an_import_of_mutants_exits_0_or_1_without_traceback(kind, tmp_path):
    db = gen_county.init_ledger(tmp_path / "ledger.db", ["城关镇"])
    paths = []
    for index, content in enumerate(bench_fuzz.mutants(kind, SEEDS[kind], IMPORT_BATCH, SEED + 1)):
        paths.append(tmp_path / f"城关镇{index}.{kind}")
        paths[-1].write_bytes(content)
    command = [sys.executable, "-m", "projledger", "--db", str(db), "import", *map(str, paths),
               "--township", "城关镇", "--period", "2026-10", "--dry-run"]
    out, err = tmp_path / "out", tmp_path / "err"
    began = time.monotonic()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        child = subprocess.Popen(command, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL,
                                 env=gen_county.child_env(PROJLEDGER_READER_MEMORY_MB="1024"), preexec_fn=_limited)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - began > 180:
                child.kill()
                pytest.fail("the import of the mutants hung")
            time.sleep(0.05)
    code = os.waitstatus_to_exitcode(status)
    text = err.read_text("utf-8")
    assert code in (0, 1), (code, text[-2000:])
    assert "Traceback" not in text and "panicked" not in text, text[-2000:]
    assert usage.ru_maxrss < 700 * 1024, f"import process peaked at {usage.ru_maxrss // 1024} MB"
