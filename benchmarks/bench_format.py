"""Benchmark `crmdsl fmt` and the edit operations on a 10k-line map; prints figures.

    .venv/bin/python benchmarks/bench_format.py [LINES]

Budgets: `crmdsl fmt` of a 10k-line map, the model check included, in at most 1.5 s (the
command as a user runs it, `crmdsl fmt - --stdin-filename big.crm`: a fresh process, its
start-up included); one edit operation on a 10k-line map in at most 20 ms, not counting
the parse it starts from. The formatter function alone (`format_source`, parse cache
cleared before each run) is printed too, to show what the start-up costs. Each figure is
the median of several runs, with the fastest and slowest. Every run of the command must
exit 0 and print exactly what the formatter makes of the map, or the benchmark stops
with the command's error. The first line printed is the machine it ran on.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import describe  # noqa: E402

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
    parts: list[str] = []
    count, i = 0, 0
    while count < lines:
        part = pattern.sub(lambda m, i=i: f"{m.group(1)}{i}", body)  # type: ignore[misc]
        for kind in ("service", "marketing"):
            part = part.replace(f"kind {kind}{i}", f"kind {kind}")
        parts.append(part)
        count += part.count("\n") + 1
        i += 1
    return 'map "Benchmark"\n  owner revops0\n' + "\n".join(parts)


def timed_runs(
    work: Callable[[], Any], runs: int = 5, before: Callable[[], Any] | None = None
) -> list[float]:
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return times


def timed(work: Callable[[], Any], runs: int = 5, before: Callable[[], Any] | None = None) -> float:
    return statistics.median(timed_runs(work, runs, before))


def spread(times: list[float]) -> str:
    """`median ms (fastest-slowest)`."""
    return (
        f"{statistics.median(times) * 1000:8.1f} ms "
        f"({min(times) * 1000:.0f}-{max(times) * 1000:.0f})"
    )


class BenchmarkFailed(SystemExit):
    """The timed command did not do its work: the benchmark stops rather than time it."""


def fmt_command(text: str, expected: str) -> None:
    """`crmdsl fmt -` on the text, as a user runs it; fails loudly on a wrong result."""
    exe = Path(sys.executable).parent / "crmdsl"
    cmd = [str(exe), "fmt", "-", "--stdin-filename", "big.crm"]
    done = subprocess.run(cmd, input=text.encode(), capture_output=True, check=False)
    if done.returncode != 0 or done.stdout.decode() != expected:
        raise BenchmarkFailed(
            f"{' '.join(cmd)} exited {done.returncode} or printed another text:\n"
            + done.stderr.decode(errors="replace")[-2000:]
        )


def main() -> None:
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    text = big_map(lines)
    source = SourceText.from_text(text, "big.crm")
    n = text.count("\n")
    formatted = format_source(source)
    print(describe())
    print(f"map: {n} lines")
    t_cmd = timed_runs(lambda: fmt_command(text, formatted))
    t_cmd_same = timed_runs(lambda: fmt_command(formatted, formatted))
    t_fmt = timed_runs(lambda: format_source(source), before=clear_cache)
    t_same = timed_runs(
        lambda: format_source(SourceText.from_text(formatted, "big.crm")), before=clear_cache
    )
    t_floor = timed_runs(lambda: build_file(parse_source(source)), before=clear_cache)
    print(f"crmdsl fmt (unformatted input, model check included): {spread(t_cmd)}  (budget 1500)")
    print(f"crmdsl fmt (already formatted input):                  {spread(t_cmd_same)}")
    print(f"  format_source alone, unformatted input:              {spread(t_fmt)}")
    print(f"  format_source alone, already formatted input:        {spread(t_same)}")
    print(f"  parse + build of the input alone (the floor):        {spread(t_floor)}")

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
