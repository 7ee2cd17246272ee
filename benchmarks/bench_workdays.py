"""Time 100,000 working-day deadlines (SPEC §3; target: well under one second).

Run: ``python benchmarks/bench_workdays.py [COUNT]``.  Starts are spread over 2024–2030
(official years and provisional ones), N is drawn from the built-in rules, and the
calendar carries a few local overrides, as a real database would.  The first timing
includes building the year tables (cold); the second reuses them (warm), which is what
a long report run sees after its first few deadlines.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date
from pathlib import Path

try:
    from projledger.workdays import RULES, WorkCalendar
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from projledger.workdays import RULES, WorkCalendar


def _inputs(count: int, seed: int = 20260212) -> list[tuple[date, int]]:
    rng = random.Random(seed)
    first, last = date(2024, 1, 1).toordinal(), date(2030, 12, 31).toordinal()
    rules = list(RULES.values()) + [0]
    return [(date.fromordinal(rng.randint(first, last)), rng.choice(rules)) for _ in range(count)]


def _run(calendar: WorkCalendar, inputs: list[tuple[date, int]]) -> float:
    began = time.perf_counter()
    for start, n in inputs:
        calendar.add_workdays(start, n)
    return time.perf_counter() - began


def main(argv: list[str]) -> int:
    count = int(argv[1]) if len(argv) > 1 else 100_000
    inputs = _inputs(count)
    overrides = {date(2027, 2, 6): True, date(2027, 2, 8): False, date(2028, 1, 3): False}
    cold = _run(WorkCalendar(overrides, notice_years=[2027]), inputs)
    warm = _run(WorkCalendar(overrides, notice_years=[2027]), inputs)
    calendar = WorkCalendar(overrides, notice_years=[2027])
    _run(calendar, inputs[:1000])
    reused = _run(calendar, inputs)
    print(f"{count:,} deadlines (starts 2024–2030, N from RULES, with overrides):")
    print(f"  new calendar, year tables not yet built: {cold:.3f} s")
    print(f"  new calendar, year tables cached:        {warm:.3f} s")
    print(f"  same calendar reused:                    {reused:.3f} s "
          f"({reused / count * 1e6:.2f} µs per deadline)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
