"""How fast `crmdsl diff` is: `python benchmarks/bench_diff.py [LINES] [-n RUNS]`.

Generates a map of LINES lines (default 10,000; `benchmarks/gen_map.py`) and a copy
that differs in 20 places (scores, SLAs, durations, labels and a removed pain), loads
both, and times the diff with everything the command compares (elements, findings with
both maps linted, goals and the views) against loading both maps (target: the diff at
most 2x the load). Then the peak memory of the diff for maps of a quarter, half and all
of LINES (target: linear, the same bytes per line). Medians of RUNS runs (default 5).

Prints figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from gen_map import generate  # noqa: E402

import crmdsl  # noqa: E402
from crmdsl.language.parse import clear_cache  # noqa: E402

TODAY = dt.date(2026, 10, 1)
EDITS = (
    ("score 4", "score 2"),
    ("score 3", "score 5"),
    ("sla 1d", "sla 4h"),
    ("takes 2d", "takes 3d"),
    ('"Qualify lead"', '"Qualify the lead"'),
    ('  pain "Long sign-up forms"\n', ""),
)


def changed(text: str, places: int, seed: int = 1) -> str:
    """The text with `places` single-line changes, spread over the map."""
    lines = text.split("\n")
    rnd = random.Random(seed)
    candidates = [
        (n, old, new) for n, line in enumerate(lines) for old, new in EDITS if old.strip() in line
    ]
    for n, old, new in rnd.sample(candidates, places):
        lines[n] = (lines[n] + "\n").replace(old, new).removesuffix("\n")
    return "\n".join(lines)


def median(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def load_both(old: str, new: str) -> tuple[crmdsl.Analysis, crmdsl.Analysis]:
    clear_cache()
    a = crmdsl.analyze(old, "old.crm")
    clear_cache()
    b = crmdsl.analyze(new, "new.crm")
    return a, b


def peak_memory(lines: int) -> tuple[int, int]:
    """Lines of the map, and the peak bytes allocated while diffing it."""
    text = generate(lines)
    a, b = load_both(text, changed(text, 20))
    tracemalloc.start()
    crmdsl.diff_maps(a, b, today=TODAY)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return text.count("\n"), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lines", nargs="?", type=int, default=10_000)
    parser.add_argument("-n", "--runs", type=int, default=5)
    args = parser.parse_args()
    old = generate(args.lines)
    new = changed(old, 20)
    a, b = load_both(old, new)
    assert a.diagnostics == [] and b.diagnostics == [], (a.diagnostics[:3], b.diagnostics[:3])
    diff = crmdsl.diff_maps(a, b, today=TODAY)
    load = median(args.runs, lambda: load_both(old, new))
    full = median(args.runs, lambda: crmdsl.diff_maps(a, b, today=TODAY))
    quick = median(args.runs, lambda: crmdsl.diff_maps(a, b, today=TODAY, views=False))
    print(f"maps: {old.count(chr(10)):,} lines each, differing in 20 places")
    print(f"diff found: {len(diff.changes)} element changes, {len(diff.findings)} findings, "
          f"{len(diff.views)} views changed")  # fmt: skip
    print(f"load both maps:        {load:.3f} s")
    print(f"diff (with views):     {full:.3f} s  = {full / load:.2f}x the load (target: <= 2x)")
    print(f"diff --no-views:       {quick:.3f} s  = {quick / load:.2f}x the load")
    print("peak memory of the diff (target: linear in the lines):")
    for part in (4, 2, 1):
        lines, peak = peak_memory(args.lines // part)
        print(f"  {lines:>7,} lines: {peak / 2**20:7.1f} MB  ({peak / lines:,.0f} bytes a line)")


if __name__ == "__main__":
    main()
