"""End-to-end time of the search commands: process start to last line, as a user waits.

Runs `motioner --help`, `motioner search QUERY`, `motioner search QUERY --units` and
`motioner case NUMBER` as separate processes, each 10 times over varied queries, and prints
the median and 90th percentile of wall time and of CPU time (user + system of the child,
from getrusage). On a shared machine the CPU figure is the steadier one: wall time also
counts waiting for a core.

    .venv/bin/motioner index ../shared/corpus --db /tmp/dev.db
    .venv/bin/python benchmarks/search_cli.py --db /tmp/dev.db
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MOTIONER = str(Path(sys.executable).parent / "motioner")

# Short queries a clerk types, and a long one (LSA joins at 12 words).
QUERIES = [
    "nattvandring",
    "laddstationer cyklister",
    "felparkeringsavgifter",
    "detaljplan förskola",
    "skolskjuts",
    "HBTQI-arbete",
    "budget 2027-2029",
    "delegationsordning",
    "motion om stöd till föreningar",
    "Svar på motion gällande att införa laddstationer för cyklister i hela kommunen och "
    "vid stationen",
]
CASES = ["2025.319 KS", "KS 2025.446", "2026.067 TEN", "Dnr KS 2025/0503", "2026.057 BUN"]


# As a user runs it: bytecode compiled once and cached (an environment that sets
# PYTHONDONTWRITEBYTECODE would otherwise recompile every module on every start).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=ENV)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall * 1000, cpu * 1000


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def report(label: str, cmds: list[list[str]]) -> None:
    timed(cmds[0])  # warm the page cache
    walls, cpus = zip(*(timed(c) for c in cmds))
    print(
        f"  {label:<28} wall p50 {statistics.median(walls):6.0f} ms  p90 {pct(walls, 90):6.0f} ms"
        f"   CPU p50 {statistics.median(cpus):6.0f} ms  p90 {pct(cpus, 90):6.0f} ms",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--db", required=True)
    args = ap.parse_args()
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "nlp_motioner")], check=True, env=ENV
    )
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} cores, load average {load:.1f} at start; 10 runs each")
    db = ["--db", args.db]
    report("motioner --help", [[MOTIONER, "--help"]] * 10)
    report("motioner search", [[MOTIONER, "search", q, *db] for q in QUERIES])
    report("motioner search --units", [[MOTIONER, "search", q, "--units", *db] for q in QUERIES])
    report("motioner case", [[MOTIONER, "case", c, *db] for c in CASES * 2])
    report("python -c pass (floor)", [[sys.executable, "-c", "pass"]] * 10)


if __name__ == "__main__":
    main()
