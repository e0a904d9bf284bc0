"""The fuzzer in the normal test run: seeds, stored reproducers and a fixed budget.

The budget (`CRMDSL_FUZZ_INPUTS`, 1,200 inputs by default, some 15 s on one core) is the
same inputs on every run: a failure names the seed that reproduces it and its shrunk
text. benchmarks/fuzz_campaign.py runs long campaigns and stores what it finds in
tests/fuzz/reproducers/, which this module runs every time.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator

import pytest

import crmdsl
from tests.fuzz.fuzzer import Failure, Fuzzer, load_reproducers, mutate, seeds, shrink

INPUTS = int(os.environ.get("CRMDSL_FUZZ_INPUTS", "1200"))
SEED = 16
SEEDS = seeds()
REPRODUCERS = load_reproducers()


@pytest.fixture(scope="module")
def fuzzer() -> Iterator[Fuzzer]:
    with Fuzzer() as running:
        yield running


def test_there_are_seeds_and_reproducers() -> None:
    assert len(SEEDS) >= 100
    assert len(REPRODUCERS) >= 9


@pytest.mark.parametrize(("name", "text"), SEEDS, ids=[name for name, _ in SEEDS])
def test_every_seed_goes_through_every_stage(fuzzer: Fuzzer, name: str, text: str) -> None:
    assert fuzzer.check(text) is None


@pytest.mark.parametrize(("name", "reproducer"), REPRODUCERS, ids=[name for name, _ in REPRODUCERS])
def test_a_stored_reproducer_passes(fuzzer: Fuzzer, name: str, reproducer: object) -> None:
    from tests.fuzz.fuzzer import Reproducer

    assert isinstance(reproducer, Reproducer)
    assert fuzzer.check(reproducer.text) is None, reproducer.error


def test_a_fixed_budget_of_mutated_maps(fuzzer: Fuzzer) -> None:
    rng = random.Random(SEED)
    pool = [text for _, text in SEEDS]
    found: dict[tuple[str, str], tuple[Failure, str]] = {}
    loaded = 0
    for _ in range(INPUTS):
        _, text = rng.choice(SEEDS)
        mutated = mutate(rng, text, pool)
        failure = fuzzer.check(mutated)
        loaded += fuzzer.last_stage == "edits"
        if failure is not None and failure.signature not in found:
            found[failure.signature] = (failure, mutated)
    shown = [
        f"{failure.stage}: {failure.error} at {failure.where}; input {shrink(fuzzer, text, failure)!r}"
        for failure, text in found.values()
    ]
    assert not shown, "\n".join(shown)
    assert loaded >= INPUTS // 10, "too few mutated maps load to reach lint, views and edits"


def test_a_planted_bug_is_found_and_shrunk(fuzzer: Fuzzer, monkeypatch: pytest.MonkeyPatch) -> None:
    real = crmdsl.format_text

    def flaky(text: str, path: str = "<string>") -> str:
        out = real(text, path)
        return out + "# again\n" if "# end" in out else out

    monkeypatch.setattr(crmdsl, "format_text", flaky)
    text = 'map "M"\n  owner t\nteam t "T"\nteam u "U"\n# end\n'
    failure = fuzzer.check(text)
    assert failure is not None and failure.stage == "format"
    assert failure.error.startswith("AssertionError: formatting twice changes the text")
    assert shrink(fuzzer, text, failure).strip() == "# end"
