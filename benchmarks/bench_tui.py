"""The live editor's speed, driving `EditorApp` headless; prints percentiles, asserts nothing.

For generated maps of 1k and 10k lines (benchmarks/gen_map.py), each in a fresh process:

- start-up: from creating the app to an editable screen (the source focused), and to the
  first problems shown;
- keystroke -> problems and preview updated: a character typed into a touchpoint's label
  (through `TextArea.insert`, the edit a keystroke makes), timed until the app reports
  the analysis and the preview of that text shown (debounce included); p50 and p95;
  then the same for Enter at the end of that line, in the middle of the map: a new line
  moves every block below it, which a load copies to their new lines;
- event-loop lag: a 5 ms timer in the app's loop, late by how much, while analyses run
  (p50, p95, max): during the keystrokes above, and during one cold analysis (the parse
  cache emptied first);
- peak memory of the process (VmHWM).

Targets: keystroke p95 <= 50 ms (1k), <= 300 ms (10k); lag p95 <= 20 ms during a 10k
analysis; start-up <= 1.5 s and memory <= 300 MB with the 10k map.

    python benchmarks/bench_tui.py             # 1k and 10k
    python benchmarks/bench_tui.py 10000       # one size
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

KEYSTROKES = 40
NEWLINES = 10


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


@contextmanager
def _lag_probe(period: float = 0.005) -> Iterator[list[float]]:
    """Late wake-ups of a `period` timer on the running loop, in seconds."""
    lags: list[float] = []
    loop = asyncio.get_running_loop()
    state = {"on": True, "due": loop.time() + period}

    def tick() -> None:
        now = loop.time()
        lags.append(max(0.0, now - state["due"]))
        if state["on"]:
            state["due"] = now + period
            loop.call_later(period, tick)

    loop.call_later(period, tick)
    try:
        yield lags
    finally:
        state["on"] = False


async def _measure(path: Path) -> dict[str, object]:
    from crmdsl.tui.app import EditorApp

    t0 = time.perf_counter()
    app = EditorApp(path, watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        editable = time.perf_counter() - t0
        await app.wait_until_settled()
        first_problems = time.perf_counter() - t0
        label_line = next(
            n for n, line in enumerate(app.source.text.split("\n")) if '"Sales demo"' in line
        )
        col = app.source.document.get_line(label_line).index('"Sales demo"') + 6
        app.source.move_cursor((label_line, col))
        await app.wait_until_settled()
        await pilot.pause()
        keystrokes: list[float] = []
        with _lag_probe() as typing_lags:
            for n in range(KEYSTROKES):
                start = time.perf_counter()
                app.source.insert("x" if n % 2 == 0 else "y")
                await app.wait_until_settled()
                keystrokes.append(time.perf_counter() - start)
        end = len(app.source.document.get_line(label_line))
        newlines: list[float] = []
        for n in range(NEWLINES):
            app.source.move_cursor((label_line + n, end if n == 0 else 0))
            start = time.perf_counter()
            app.source.insert("\n")
            await app.wait_until_settled()
            newlines.append(time.perf_counter() - start)
        cold = await _cold_analysis(app)
    return {
        "editable_s": editable,
        "first_problems_s": first_problems,
        "keystroke_ms": [v * 1000 for v in keystrokes],
        "newline_ms": [v * 1000 for v in newlines],
        "typing_lag_ms": [v * 1000 for v in typing_lags],
        **cold,
        "peak_mb": _peak_mb(),
    }


async def _cold_analysis(app: object) -> dict[str, object]:
    from crmdsl.language.parse import clear_cache  # benchmark only: empty the block cache

    clear_cache()
    start = time.perf_counter()
    with _lag_probe() as lags:
        app.source.insert(" ")  # type: ignore[attr-defined]
        await app.wait_until_settled()  # type: ignore[attr-defined]
    return {
        "cold_analysis_s": time.perf_counter() - start,
        "cold_lag_ms": [v * 1000 for v in lags],
    }


def _child(lines: int) -> None:
    from gen_map import generate  # type: ignore[import-not-found]

    os.environ["CRMDSL_JOBS"] = "1"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"map{lines}.crm"
        path.write_text(generate(lines), encoding="utf-8")
        result = asyncio.run(_measure(path))
        result["lines"] = len(path.read_text().splitlines())
    print(json.dumps(result))


def _report(lines: int) -> None:
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(lines)], capture_output=True, text=True
    )
    if done.returncode != 0:
        print(f"{lines} lines: failed\n{done.stderr}")
        return
    r = json.loads(done.stdout.strip().splitlines()[-1])
    keys, typing, cold = r["keystroke_ms"], r["typing_lag_ms"], r["cold_lag_ms"]
    print(f"map of {r['lines']} lines")
    print(
        f"  start-up: editable {r['editable_s']:.2f} s, first problems {r['first_problems_s']:.2f} s"
    )
    print(
        f"  keystroke -> problems+preview: p50 {statistics.median(keys):.1f} ms, "
        f"p95 {_pct(keys, 0.95):.1f} ms, max {max(keys):.1f} ms ({len(keys)} keystrokes)"
    )
    news = r["newline_ms"]
    print(
        f"  Enter (a new line mid-map) -> problems+preview: p50 {statistics.median(news):.1f} ms, "
        f"p95 {_pct(news, 0.95):.1f} ms, max {max(news):.1f} ms ({len(news)} new lines)"
    )
    print(
        f"  loop lag while typing: p50 {_pct(typing, 0.5):.1f} ms, p95 {_pct(typing, 0.95):.1f} ms, "
        f"max {max(typing or [0]):.1f} ms"
    )
    print(
        f"  loop lag during a cold analysis ({r['cold_analysis_s']:.2f} s): "
        f"p50 {_pct(cold, 0.5):.1f} ms, p95 {_pct(cold, 0.95):.1f} ms, max {max(cold or [0]):.1f} ms"
    )
    print(f"  peak memory {r['peak_mb']:.0f} MB")


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        _child(int(argv[1]))
        return
    for lines in [int(a) for a in argv] or [1_000, 10_000]:
        _report(lines)


if __name__ == "__main__":
    main(sys.argv[1:])
