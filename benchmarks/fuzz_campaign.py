"""A long fuzzing campaign: minutes in; figures and shrunk reproducers out.

    python benchmarks/fuzz_campaign.py --minutes 30 [--seed N] [--out DIR]

Mutates the project's maps (tests/fuzz/fuzzer.py) and runs each input through load,
export, format twice, lint, views, report and edits until the time is up. Every new
kind of failure (stage and exception type) is shrunk and written to `--out` (default
tests/fuzz/reproducers/, which the normal test run replays) as
`<stage>-<error>-<n>.json`. Prints the inputs run, inputs per second, the share that
loaded without errors and went through every stage, how far inputs got, and each failure with its shrunk text. Exits 1
when it found a failure, else 0.
"""

from __future__ import annotations

import argparse
import collections
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fuzz.fuzzer import (  # noqa: E402
    REPRODUCERS,
    Failure,
    Fuzzer,
    Reproducer,
    mutate,
    seeds,
    shrink,
)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=1.0, help="how long to run")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: time)")
    parser.add_argument("--out", type=Path, default=REPRODUCERS, help="folder for reproducers")
    return parser.parse_args()


def _store(folder: Path, text: str, failure: Failure) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", f"{failure.stage}-{failure.signature[1]}".lower())
    n = 1
    while (folder / f"{slug}-{n}.json").exists():
        n += 1
    path = folder / f"{slug}-{n}.json"
    path.write_text(Reproducer(text, failure.stage, failure.error).to_json(), encoding="ascii")
    return path


def main() -> int:
    args = _arguments()
    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)
    corpus = seeds()
    pool = [text for _, text in corpus]
    found: dict[tuple[str, str], Failure] = {}
    loaded = runs = 0
    reached: collections.Counter[str] = collections.Counter()
    deadline = time.monotonic() + args.minutes * 60
    start = time.perf_counter()
    with Fuzzer() as fuzzer:
        while time.monotonic() < deadline:
            _, text = rng.choice(corpus)
            mutated = mutate(rng, text, pool)
            failure = fuzzer.check(mutated)
            runs += 1
            loaded += failure is None and fuzzer.last_stage == "edits"
            reached[f"failed in {failure.stage}" if failure else f"up to {fuzzer.last_stage}"] += 1
            if failure is not None and failure.signature not in found:
                found[failure.signature] = failure
                small = shrink(fuzzer, mutated, failure)
                where = _store(args.out, small, failure)
                print(f"FOUND {failure.stage}: {failure.error} at {failure.where}")
                print(f"      shrunk to {small!r} -> {where}")
    seconds = time.perf_counter() - start
    print(f"seed {seed}: {runs} inputs in {seconds:.0f} s ({runs / seconds:.0f} per second)")
    print(f"loaded without errors: {loaded} ({100 * loaded / max(runs, 1):.0f}%)")
    for what, count in sorted(reached.items()):
        print(f"  {what}: {count}")
    print(f"failures: {len(found)} kinds")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
