"""The error path against the good one: 100,000 bad lines and 100,000 good ones, timed.

Writes two maps of 100,003 lines to a temporary folder: one whose every line after the
header is a line of examples/acme.crm with one character put in at random (a load error
on most lines), one of 100,000 team declarations. Prints, for each: `analyze_path` on
one core (CRMDSL_JOBS=1) and on every core, the load errors kept (the limit is 200 per
file, then one "and N more"), and `crmdsl check` as a user runs it (wall time, exit code,
lines printed). The target: the bad file takes no longer than the good one.

    python benchmarks/bench_errors.py
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import describe  # noqa: E402

import crmdsl  # noqa: E402
from crmdsl.language.parse import clear_cache  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LINES = 100_000
HEADER = ['map "Bench"', "  owner t", 'team t "T"']


def bad_map() -> str:
    rng = random.Random(7)
    acme = (ROOT / "examples" / "acme.crm").read_text(encoding="utf-8").splitlines()
    source = [line.strip() for line in acme if line.strip() and not line.lstrip().startswith("#")]
    out = list(HEADER)
    for _ in range(LINES):
        line = rng.choice(source)
        at = rng.randint(0, len(line))
        out.append(line[:at] + rng.choice("@$%^&*()[]{}'=;,.<>/?\\|`~") + line[at:])
    return "\n".join(out) + "\n"


def good_map() -> str:
    return "\n".join([*HEADER, *(f'team t{i} "Team {i}"' for i in range(LINES))]) + "\n"


def analyze_time(path: Path, jobs: str) -> tuple[float, int]:
    os.environ["CRMDSL_JOBS"] = jobs
    clear_cache()
    start = time.perf_counter()
    analysis = crmdsl.analyze_path(path)
    return time.perf_counter() - start, len(analysis.diagnostics)


def check_time(path: Path) -> tuple[float, int, int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    env.pop("CRMDSL_JOBS", None)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "crmdsl", "check", path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    seconds = time.perf_counter() - start
    return seconds, done.returncode, len((done.stdout + done.stderr).splitlines())


def main() -> None:
    print(describe())
    with tempfile.TemporaryDirectory() as folder:
        for name, text in (("bad", bad_map()), ("good", good_map())):
            path = Path(folder) / f"{name}.crm"
            path.write_text(text, encoding="utf-8")
            one, kept = analyze_time(path, "1")
            every, _ = analyze_time(path, str(os.cpu_count() or 1))
            wall, code, printed = check_time(path)
            print(
                f"{name:>4}: {LINES:,} lines; analyze_path {one:.2f} s on one core, "
                f"{every:.2f} s on every core; {kept} diagnostics kept; "
                f"crmdsl check {wall:.2f} s, exit {code}, {printed:,} lines printed"
            )


if __name__ == "__main__":
    main()
