"""Start-up time of short commands against Python itself (issue 14).

Run: ``python benchmarks/bench_startup.py [RUNS]`` (default 15 runs each).  A fresh ledger
is made in a temporary directory; each command runs as ``python -m projledger`` in a child
process, and the median wall and CPU times are printed next to ``python -c pass`` and minus
it (what projledger itself costs; CPU time is the steadier figure on a shared machine).  Targets: ``unit list``, ``deadline``, ``config show`` < 150 ms,
``--help`` < 100 ms (measured as the command's median; the overhead is printed too).
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = (
    ("--help", ["--help"], 0.100),
    ("unit list", ["unit", "list"], 0.150),
    ("deadline", ["deadline", "2026-09-28", "5"], 0.150),
    ("config show", ["config", "show"], 0.150),
)


def median_seconds(argv: list[str], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of the child."""
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times), statistics.median(cpu)


def main(argv: list[str]) -> int:
    runs = int(argv[1]) if len(argv) > 1 else 15
    with tempfile.TemporaryDirectory(prefix="projledger-startup-") as tmp:
        db = str(Path(tmp) / "bench.db")
        subprocess.run([sys.executable, "-m", "projledger", "--db", db, "init"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base, base_cpu = median_seconds([sys.executable, "-c", "pass"], runs)
        print(f"python -c pass: {base * 1000:.0f} ms wall, {base_cpu * 1000:.0f} ms CPU (median of {runs})")
        print(f"  {'command':<14}{'wall':>8}{'− python':>10}{'CPU':>8}{'− python':>10}{'target':>9}")
        for label, args, target in COMMANDS:
            seconds, cpu = median_seconds([sys.executable, "-m", "projledger", "--db", db, *args], runs)
            verdict = "ok" if seconds < target else "over"
            print(f"  {label:<14}{seconds * 1000:5.0f} ms{(seconds - base) * 1000:7.0f} ms"
                  f"{cpu * 1000:5.0f} ms{(cpu - base_cpu) * 1000:7.0f} ms{target * 1000:6.0f} ms  {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
