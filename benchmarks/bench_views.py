"""How fast the views are: `python benchmarks/bench_views.py [LINES] [--no-svg] [-n N]`.

1. Generates a map of LINES lines (default 10,000; `benchmarks/gen_map.py`), loads it,
   then times drawing, as Mermaid text, every journey view, every process view, and the
   map-wide integrations and entities views (target: all of it in 1 s or less). A
   map-wide view over Mermaid's limits must refuse, and quickly: its time is printed.
   The same views narrowed to each system (`--id SYSTEM`) are timed apart.
2. Renders N (default 20) of those diagrams to SVG in one browser session (start-up
   included) and with N separate `mmdc` runs, and prints both and the ratio (target:
   3x or more). Skipped with a message when the local renderer is missing.

Prints figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from gen_map import generate  # noqa: E402

import crmdsl  # noqa: E402
from crmdsl.views import ViewError, render  # noqa: E402


def _timed(label: str, work) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    try:
        result = work()
    except ViewError as error:
        result = error
    return time.perf_counter() - start, result


def text_views(crm_map: crmdsl.CrmMap) -> tuple[list[object], float]:
    """Time the text views; return the diagrams drawn (for the SVG part) and the time."""
    drawn: list[object] = []
    total = 0.0
    rows = []
    cpu_start = time.process_time()
    for view, ids in (
        ("journey", [j.id for j in crm_map.journeys]),
        ("process", [p.id for p in crm_map.processes]),
    ):
        start = time.perf_counter()
        diagrams = [render(crm_map, view, i) for i in ids]
        seconds = time.perf_counter() - start
        total += seconds
        drawn.extend(diagrams)
        chars = sum(len(d.text) for d in diagrams)
        rows.append((f"{len(ids)} {view} views", seconds, f"{chars:,} characters"))
    for view in ("integrations", "entities"):
        seconds, result = _timed(view, lambda view=view: render(crm_map, view))
        total += seconds
        outcome = (
            f"refused: {str(result).splitlines()[0][:90]}"
            if isinstance(result, ViewError)
            else f"{result.edges} edges, {len(result.text):,} characters"  # type: ignore[attr-defined]
        )
        rows.append((f"map-wide {view}", seconds, outcome))
    for label, seconds, outcome in rows:
        print(f"  {label:<26} {seconds * 1000:8.1f} ms   {outcome}")
    cpu = time.process_time() - cpu_start
    verdict = "ok" if total <= 1.0 else "OVER the 1 s target"
    print(f"  {'total':<26} {total * 1000:8.1f} ms   ({verdict}; {cpu * 1000:.0f} ms of CPU time)")
    return drawn, total


def narrowed_views(crm_map: crmdsl.CrmMap) -> None:
    """Time the integrations and entities views narrowed to each system."""
    narrowed = []
    start = time.perf_counter()
    for system in crm_map.systems:
        for view in ("integrations", "entities"):
            narrowed.append(render(crm_map, view, system.id))
    seconds = time.perf_counter() - start
    print(
        f"  {len(narrowed)} views narrowed to one system (--id): {seconds * 1000:.1f} ms "
        f"({seconds / max(len(narrowed), 1) * 1000:.2f} ms each)"
    )


def svg_part(diagrams: list[object], n: int) -> None:
    from crmdsl.views.svg import RendererNotFoundError, find_renderer, time_renderers

    try:
        find_renderer()
    except RendererNotFoundError as error:
        print(f"  skipped: {str(error).splitlines()[0]}")
        return
    texts = [d.text for d in diagrams[:n]]  # type: ignore[attr-defined]
    timings = time_renderers(texts)
    one, many = timings.one_browser_seconds, timings.mmdc_per_diagram_seconds
    print(f"  one browser, {len(texts)} diagrams:  {one:7.2f} s ({one / len(texts):.2f} s each)")
    print(f"  {len(texts)} separate mmdc runs:      {many:7.2f} s ({many / len(texts):.2f} s each)")
    ratio = many / one if one else float("inf")
    verdict = "ok" if ratio >= 3 else "UNDER the 3x target"
    print(f"  ratio: {ratio:.1f}x ({verdict})")
    for failure in timings.failures:
        print(f"  failure: {failure}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lines", nargs="?", type=int, default=10_000)
    parser.add_argument("-n", type=int, default=20, help="diagrams to render to SVG")
    parser.add_argument("--no-svg", action="store_true", help="skip the SVG part")
    parser.add_argument("--repeat", type=int, default=3, help="text runs; the median is shown")
    args = parser.parse_args()
    text = generate(args.lines)
    start = time.perf_counter()
    crm_map = crmdsl.loads(text, "bench.crm")
    load = time.perf_counter() - start
    print(
        f"map: {len(text.splitlines()):,} lines, {len(crm_map.journeys)} journeys, "
        f"{len(crm_map.processes)} processes, {len(crm_map.systems)} systems, "
        f"{len(crm_map.integrations)} integrations, {len(crm_map.entities)} entities "
        f"(loaded in {load:.2f} s, not counted)"
    )
    render(crm_map, "journey", crm_map.journeys[0].id)  # import mermaid-py once, not counted
    timings = []
    drawn: list[object] = []
    for run in range(args.repeat):
        print(f"text views, run {run + 1}:")
        drawn, seconds = text_views(crm_map)
        timings.append(seconds)
    print(f"median of {args.repeat} runs: {statistics.median(timings):.3f} s (target: 1 s)")
    narrowed_views(crm_map)
    if not args.no_svg:
        print(f"SVG, N = {args.n}:")
        svg_part(drawn, args.n)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
