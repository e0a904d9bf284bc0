"""Lint speed against load speed: generated maps of 10k and 100k lines.

For each size: the best of a few whole loads (`crmdsl.analyze`, parse cache cleared) on
one core (CRMDSL_JOBS=1) and on every core (as `crmdsl check` loads), and the best of a
few lints as `crmdsl check` runs them (`crmdsl.lint` with the default config: every rule,
the suppression pass and M005 after it, severities weighed), besides the rules alone
(`run_rules`, a fresh `RuleContext` each time, so the shared indexes are rebuilt). Times
are wall-clock (a load on every core forks a child whose CPU time this process would not
see). Prints lint time as a share of each load time (target: at most 30% of the load
`check` does, on every core), the slowest rules, and the 10k -> 100k ratio of lint time
(about 10x: no rule is quadratic). Also lints a map built to make the rules work hard:
every field written by two integrations, every step backstage of a touchpoint, long
processes full of hand-offs. The first line printed is the machine it ran on.

    python benchmarks/bench_lint.py            # 10k and 100k lines
    python benchmarks/bench_lint.py --quick    # 10k only
"""

from __future__ import annotations

import cProfile
import datetime as dt
import functools
import os
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_map import generate  # noqa: E402
from machine import describe  # noqa: E402

import crmdsl  # noqa: E402
from crmdsl.language.parse import clear_cache  # noqa: E402
from crmdsl.rules import RULES, Rule, RuleContext, run_rules  # noqa: E402

TODAY = dt.date(2026, 11, 23)
#: (map kind, lines) -> Python function calls of one lint: a measure of work free of noise
calls: dict[tuple[str, int], int] = {}


def best(func: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return min(times)


def _check_all(rule: Rule, ctx: RuleContext) -> list[crmdsl.Diagnostic]:
    return list(rule.check(ctx))


def load_time(text: str, jobs: str | None, runs: int) -> float:
    """Best whole load of the text, on one core (`"1"`) or as many as allowed (None)."""
    saved = os.environ.pop("CRMDSL_JOBS", None)
    if jobs is not None:
        os.environ["CRMDSL_JOBS"] = jobs
    try:

        def load() -> None:
            clear_cache()
            crmdsl.analyze(text, "bench.crm")

        return best(load, runs)
    finally:
        os.environ.pop("CRMDSL_JOBS", None)
        if saved is not None:
            os.environ["CRMDSL_JOBS"] = saved


def hard_map(lines: int) -> str:
    """A map where the cross-area rules have the most to do per line."""
    out = ['map "Hard"\n  owner t0\n  reviewed 2026-09-01\n']
    teams = 8
    out += [f'team t{i} "T{i}"\n' for i in range(teams)]
    out.append(
        'persona p "P"\nsystem a "A" kind marketing owner t0\nsystem b "B" kind crm owner t0\n'
    )
    k = 0
    while sum(s.count("\n") for s in out) < lines:
        out.append(f'entity a.E{k} "E{k}"\n  id: id key\n  email: email pii\n  v: enum(x, y, z)\n')
        out.append(
            f'entity b.E{k} "E{k}"\n  id: id key\n  email: email pii required\n  v: enum(x)\n'
        )
        for n in range(2):
            out.append(f'integration i{k}_{n} "I" a <-> b daily via api owner t0\n')
            out.append(f"  map E{k}.id -> E{k}.id key\n  map E{k}.v -> E{k}.v\n")
        out.append(f'process pr{k} "P" owner t0\n')
        steps = 20
        for s in range(steps):
            out.append(f'  step s{s} "S" owner t{s % teams} takes 2d sla 1d\n')
            if s % 5 == 4:
                out.append(f'  decision d{s} "D"\n    yes -> s{s - 3}\n    no -> s{s - 4}\n')
        out.append('  end done "Done"\n')
        out.append(f'journey j{k} "J" persona p owner t0\n  stage st "S"\n')
        refs = ", ".join(f"pr{k}.s{s}" for s in range(steps))
        out.append(
            f'    touchpoint tp "T" channel email score 2 system a\n      backstage {refs}\n'
        )
        out.append(f"      captures a.E{k}.email, a.E{k}.v\n")
        k += 1
    return "".join(out)


def measure(label: str, text: str, runs: int) -> float:
    lines = text.count("\n")
    load_one = load_time(text, "1", runs)
    load_all = load_time(text, None, runs)
    clear_cache()
    analysis = crmdsl.analyze(text, "bench.crm")
    assert not analysis.diagnostics, analysis.diagnostics[:1]
    crm_map = analysis.map
    count = 0

    def lint() -> None:
        nonlocal count
        count = len(crmdsl.lint(analysis, crmdsl.LintConfig(), today=TODAY).findings)

    lint_time = best(lint, runs + 2)
    rules_time = best(lambda: run_rules(RuleContext(crm_map, TODAY)), runs + 2)
    per_rule = []
    for code, rule in RULES.items():
        ctx = RuleContext(crm_map, TODAY)
        ctx.index  # noqa: B018 - built outside the per-rule timing
        per_rule.append((best(functools.partial(_check_all, rule, ctx), 3), code))
    top = ", ".join(f"{code} {t * 1000:.1f} ms" for t, code in sorted(per_rule, reverse=True)[:4])
    index_time = best(lambda: RuleContext(crm_map, TODAY).index, runs)
    profile = cProfile.Profile()
    profile.runcall(run_rules, RuleContext(crm_map, TODAY))
    calls[label.split()[0], lines] = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
    print(
        f"{label:>14}: {lines:>7} lines  load {load_all * 1000:8.1f} ms on every core, "
        f"{load_one * 1000:8.1f} ms on one  lint {lint_time * 1000:7.1f} ms "
        f"({lint_time / load_all:5.1%} of the load on every core, {lint_time / load_one:5.1%} "
        f"of one core's)  {count} findings"
    )
    print(
        f"{'':>16}rules alone {rules_time * 1000:.1f} ms (the rest is the suppression pass, "
        f"M005 and weighing); indexes {index_time * 1000:.1f} ms; slowest rules: {top}"
    )
    return lint_time


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    sizes = [10_000] if quick else [10_000, 100_000]
    print(describe())
    print("crmdsl lint benchmark (wall-clock, best of 3 loads and 5 lints)")
    times = {}
    for size in sizes:
        times[("generated", size)] = measure(f"generated {size // 1000}k", generate(size), 3)
    for size in sizes:
        times[("hard", size)] = measure(f"hard {size // 1000}k", hard_map(size), 3)
    if not quick:
        for kind in ("generated", "hard"):
            ratio = times[(kind, 100_000)] / times[(kind, 10_000)]
            work = [n for (k, _), n in sorted(calls.items()) if k == kind]
            print(
                f"{kind} map, 10k -> 100k lines: lint time {ratio:.1f}x, function calls "
                f"{work[-1] / work[0]:.2f}x (linear would be 10x)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
