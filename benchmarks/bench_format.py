"""Benchmark the formatter and the edit operations on a 10k-line map; prints figures.

    .venv/bin/python benchmarks/bench_format.py [LINES]

Budgets (issue 6): formatting a 10k-line map, the model check included, in at most 1.5 s;
one edit operation on a 10k-line map in at most 20 ms, not counting the parse it starts
from. Each figure is the median of several runs; the parse cache is cleared before every
formatting run, so that the figure is a cold one.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import crmdsl  # noqa: E402
from crmdsl import edit  # noqa: E402
from crmdsl.formatter.printer import format_source  # noqa: E402
from crmdsl.language.build.statements import build_file  # noqa: E402
from crmdsl.language.parse import clear_cache, parse_source  # noqa: E402
from crmdsl.language.source import SourceText  # noqa: E402

_IDS = (
    "revops|sales|marketing|service|it|smb|hubspot|salesforce|netsuite|zendesk|onboarding|lead_to_cash|"
    "lead_sync|order_sync|grow"
)


def big_map(lines: int) -> str:
    """The Acme example repeated with fresh ids until it has `lines` lines."""
    body = (ROOT / "examples" / "acme.crm").read_text(encoding="utf-8").split("\n", 6)[6]
    pattern = re.compile(rf'(?<!["\w.])({_IDS})\b')
    parts, count, i = [], 0, 0
    while count < lines:
        part = pattern.sub(lambda m, i=i: f"{m.group(1)}{i}", body)
        for kind in ("service", "marketing"):
            part = part.replace(f"kind {kind}{i}", f"kind {kind}")
        parts.append(part)
        count += part.count("\n") + 1
        i += 1
    return 'map "Benchmark"\n  owner revops0\n' + "\n".join(parts)


def timed(work, runs: int = 5, before=None) -> float:
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    text = big_map(lines)
    source = SourceText.from_text(text, "big.crm")
    n = text.count("\n")
    formatted = format_source(source)
    t_fmt = timed(lambda: format_source(source), before=clear_cache)
    t_same = timed(
        lambda: format_source(SourceText.from_text(formatted, "big.crm")), before=clear_cache
    )
    t_floor = timed(lambda: build_file(parse_source(source)), before=clear_cache)
    print(f"map: {n} lines")
    print(f"parse + build of the input alone (the floor):   {t_floor * 1000:8.1f} ms")
    print(f"fmt (unformatted input, model check included): {t_fmt * 1000:8.1f} ms  (budget 1500)")
    print(f"fmt (already formatted input):                  {t_same * 1000:8.1f} ms")

    analysis = crmdsl.analyze(text, "big.crm")
    assert not analysis.diagnostics, analysis.diagnostics[:1]
    ops = {
        "set_clause sla on a step": lambda: edit.set_clause(
            analysis, "lead_to_cash60.quote", "sla", "1d"
        ),
        "add_step": lambda: edit.add_step(
            analysis, "lead_to_cash60", "check", "Check", {"takes": "1d"}
        ),
        "add_item captures": lambda: edit.add_item(
            analysis, "onboarding60.webinar", "captures", "hubspot60.Contact.lifecycle"
        ),
        "move a touchpoint": lambda: edit.move(
            analysis, "onboarding60.ad", parent="onboarding60.help"
        ),
        "add_team": lambda: edit.add_team(analysis, "finance", "Finance"),
        "connect_systems": lambda: edit.connect_systems(analysis, "hubspot60", "zendesk60"),
        "rename a system": lambda: edit.rename(analysis, "salesforce60", "sfdc60"),
        "delete a goal": lambda: edit.delete(analysis, "grow60"),
        "delete a system, cascade": lambda: edit.delete(analysis, "netsuite60", cascade=True),
    }
    start = time.perf_counter()
    edit.set_clause(analysis, "lead_to_cash61.quote", "sla", "1d")
    first = time.perf_counter() - start
    print(f"first edit on a fresh analysis (builds the per-map caches): {first * 1000:.2f} ms")
    print("edit operations (analysis done beforehand, budget 20 ms each):")
    for name, work in ops.items():
        print(f"  {name:28} {timed(work) * 1000:8.2f} ms")


if __name__ == "__main__":
    main()
