"""Loading speed: generated maps of 1k, 10k and 100k lines; prints lines per second.

For each size: parse, build, resolve and the whole load, on one core (CRMDSL_JOBS=1) and
on every core; the 10k -> 100k time ratio (target: at most 11x for 10x the lines); peak
memory of a whole load of the 10k-line map in a fresh process (target: 150 MB); and the
cold start of `crmdsl check examples/acme.crm` (median, fastest and slowest of 7 runs;
target: 0.3 s), the command exactly as written there. Every run must exit 0 or 1 (the map
has warnings), print its findings and print the same as the first run: a crash stops the
benchmark with the command's error instead of timing it. The first line printed is the machine it ran on.

    python benchmarks/bench_check.py            # all of it
    python benchmarks/bench_check.py --quick    # 1k and 10k only
"""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_map import generate  # noqa: E402
from machine import describe  # noqa: E402

from crmdsl.language.build.statements import build_file  # noqa: E402
from crmdsl.language.parse import clear_cache, parse_source  # noqa: E402
from crmdsl.language.resolve import resolve  # noqa: E402
from crmdsl.language.source import SourceText  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def load_once(text: str, jobs: int) -> tuple[float, float, float, int]:
    clear_cache()
    gc.disable()  # as crmdsl.language.loader does during a load
    t0 = time.perf_counter()
    source = SourceText.from_text(text, "bench.crm")
    parsed = parse_source(source, jobs=jobs)
    t1 = time.perf_counter()
    built = build_file(parsed)
    t2 = time.perf_counter()
    _, diags = resolve([built], "bench.crm")
    t3 = time.perf_counter()
    gc.enable()
    assert not diags and not parsed.diagnostics, diags[:3]
    return t1 - t0, t2 - t1, t3 - t2, len(source.lines)


def best_of(text: str, jobs: int, runs: int) -> tuple[float, float, float, int]:
    results = [load_once(text, jobs) for _ in range(runs)]
    return min(results, key=lambda r: r[0] + r[1] + r[2])


def peak_memory_mb(path: str) -> float:
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the (large) parent.
    status = "int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1])"
    code = f"import re, crmdsl; crmdsl.load({path!r}); print({status} / 1024)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


class BenchmarkFailed(SystemExit):
    """A timed command did not do its work: the benchmark stops rather than time it."""


#: The exit codes of a `crmdsl check` that did its work (2 is a load error).
CHECK_EXITS = (0, 1)


def run_checked(cmd: list[str], env: dict[str, str]) -> tuple[float, bytes]:
    """Run the command once; its time and output, or `BenchmarkFailed` if it failed."""
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, check=False, env=env)
    elapsed = time.perf_counter() - t0
    if done.returncode not in CHECK_EXITS or b"Traceback" in done.stderr or not done.stdout:
        raise BenchmarkFailed(
            f"{' '.join(cmd)} failed (exit {done.returncode}):\n"
            + done.stderr.decode(errors="replace")[-2000:]
        )
    return elapsed, done.stdout + done.stderr


def cold_start() -> list[float]:
    exe = Path(sys.executable).parent / "crmdsl"
    cmd = [str(exe), "check", "examples/acme.crm"]
    # As an installed package runs: with its bytecode cached (pip compiles it; a checkout
    # writes it on the first run unless PYTHONDONTWRITEBYTECODE is set, as on CI machines).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    _, first = run_checked(cmd, env)
    times = []
    for _ in range(7):
        elapsed, output = run_checked(cmd, env)
        if output != first:
            raise BenchmarkFailed(f"{' '.join(cmd)} printed something else on a later run")
        times.append(elapsed)
    return times


def main() -> None:
    sizes = [1_000, 10_000] if "--quick" in sys.argv else [1_000, 10_000, 100_000]
    cores = len(os.sched_getaffinity(0))
    print(describe())
    print(f"crmdsl load benchmark ({cores} cores)")
    print(
        f"{'lines':>8} {'jobs':>4} {'parse/s':>10} {'build/s':>10} {'resolve/s':>10} {'whole/s':>10} {'time':>8}"
    )
    totals: dict[tuple[int, int], float] = {}
    for size in sizes:
        text = generate(size)
        for jobs in (1, cores):
            runs = 3 if size <= 10_000 else 1
            p, b, r, n = best_of(text, jobs, runs)
            whole = p + b + r
            totals[(size, jobs)] = whole
            print(
                f"{n:>8} {jobs:>4} {n / p:>10.0f} {n / b:>10.0f} {n / r:>10.0f} {n / whole:>10.0f} {whole:>7.3f}s"
            )
            if cores == 1:
                break
    if 100_000 in sizes:
        for jobs in sorted({1, cores}):
            if (100_000, jobs) in totals:
                ratio = totals[(100_000, jobs)] / totals[(10_000, jobs)]
                print(f"10k -> 100k lines, {jobs} job(s): {ratio:.1f}x the time (target <= 11x)")
    with tempfile.NamedTemporaryFile("w", suffix=".crm", delete=False) as handle:
        handle.write(generate(10_000))
    try:
        print(
            f"peak memory, whole load of the 10k-line map: {peak_memory_mb(handle.name):.0f} MB (target <= 150)"
        )
    finally:
        os.unlink(handle.name)
    times = cold_start()
    print(
        f"cold start, crmdsl check examples/acme.crm: {statistics.median(times):.3f} s median "
        f"of 7 ({min(times):.3f}-{max(times):.3f} s; target <= 0.3)"
    )
    print(describe().replace("machine:", "machine at the end:"))


if __name__ == "__main__":
    main()
