"""The assistant's speed: answers and proposed diffs on a 10k-line map, and `crmdsl ask`.

Loads a generated map of about 10,000 lines once (`benchmarks/gen_map.py`; loading is
not counted), then asks each request of a mix of questions and edit requests many
times, each on a fresh session of the loaded map (one request of each kind is asked
first, not counted: it imports what that kind uses), and prints the p50 and p95 wall time
of an answer, of an impact question and of a proposed diff (target: p95 at most
100 ms; an impact question and a proposal load and lint the changed map again). Then runs
`crmdsl ask examples/acme.crm "who owns lead_sync"` end to end as a new process, as a
user would (target: at most 0.5 s), best and median of a few runs.

    python benchmarks/bench_assistant.py            # 10k lines, 20 rounds
    python benchmarks/bench_assistant.py --quick    # 5 rounds
"""

from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_map import generate  # noqa: E402

from crmdsl.assistant.engine import Engine  # noqa: E402
from crmdsl.assistant.session import Session  # noqa: E402
from crmdsl.language import parse  # noqa: E402 - benchmark only: the caches put back
from crmdsl.language.build import statements  # noqa: E402

TODAY = dt.date(2026, 11, 23)
ROOT = Path(__file__).resolve().parents[1]

QUESTIONS = [
    "who owns lead_sync7",
    "what does onboarding7.webinar capture",
    "which systems hold PII",
    "list the moments of truth",
    "where does crm7.Lead.email come from",
    "what are the pain points in onboarding7",
    "what is the longest path of sell7",
    "how many hand-offs in sell7",
    "what is the ROI of grow7",
    "explain J106",
    "who owns lead_synk7",
]
#: impact removes the thing from a copy and loads and lints the copy, as a proposal does
IMPACT = ["what breaks if we remove mkt7", "what breaks if we retire lead_sync7"]
EDITS = [
    "set the SLA of sell7.qualify to 4h",
    "rename lead_sync7 to contact_sync7",
    "add a pain 'slow refunds' to the onboarding7.ticket touchpoint",
    "connect desk7 to crm7 daily via api",
    "make step sell7.quote automated",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(
    base: Session, requests: list[str], rounds: int, kept: object
) -> tuple[list[float], list[str]]:
    """Wall times (ms) of each request on a fresh session sharing the loaded analysis.

    Before each request, the blocks kept for reuse are put back as they were after the
    map was loaded, and the block parses the last request added are forgotten: a request
    asked again must not find its own changed blocks from the round before.
    """
    parsed = set(parse._CACHE)
    times: list[float] = []
    kinds: list[str] = []
    for _ in range(rounds):
        for request in requests:
            statements._BUILT[base.path] = kept  # type: ignore[assignment]
            for block in [b for b in parse._CACHE if b not in parsed]:
                del parse._CACHE[block]
            session = Session(base.path, base.text, today=TODAY)
            # the map loaded, linted and its names indexed once, as in a chat
            session._cache, session._names = dict(base._cache), base._names
            engine = Engine(session)
            t0 = time.perf_counter()
            answer = engine.ask(request)
            times.append((time.perf_counter() - t0) * 1000)
            kinds.append(answer.kind)
    return times, kinds


def main() -> None:
    rounds = 5 if "--quick" in sys.argv else 20
    text = generate(10_000)
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "big.crm")
        Path(path).write_text(text, encoding="utf-8")
        t0 = time.perf_counter()
        base = Session(path, today=TODAY)
        base.findings  # noqa: B018 - load, lint and index the names once, not counted
        base.names()
        load = time.perf_counter() - t0
        kept = statements._BUILT[path]  # the blocks as the loaded map left them
        # one request of each kind first, not counted: it imports what it uses, once
        # per process (the edit engine, difflib, rapidfuzz's scorers)
        timed(base, [QUESTIONS[0], IMPACT[0], EDITS[0]], 1, kept)
        print(
            f"map: {len(text.splitlines())} lines, loaded and linted in {load:.2f} s (not counted)"
        )
        groups = (("answer", QUESTIONS), ("impact", IMPACT), ("proposed diff", EDITS))
        for label, requests in groups:
            times, kinds = timed(base, requests, rounds, kept)
            bad = sorted({k for k in kinds if k in ("unknown", "refused", "not-found")})
            print(
                f"{label:>14}: p50 {percentile(times, 0.5):6.1f} ms  p95 {percentile(times, 0.95):6.1f} ms"
                f"  ({len(times)} requests{'; not served: ' + ', '.join(bad) if bad else ''})"
            )
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "crmdsl", "ask", "examples/acme.crm", "who owns lead_sync"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        runs.append(time.perf_counter() - t0)
    print(f"crmdsl ask end to end: best {min(runs):.2f} s, median {statistics.median(runs):.2f} s")


if __name__ == "__main__":
    main()
