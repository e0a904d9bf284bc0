"""Property tests: formatting generated maps and mutated examples is idempotent and keeps
the model (the formatter checks the model itself on every run and raises otherwise)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mapgen import generate
from mutate import mutate

import crmdsl
from crmdsl.formatter.check import model_equal_ignoring_spans, same_meaning
from crmdsl.formatter.printer import format_text
from crmdsl.language.build.statements import BuiltFile, build_file
from crmdsl.language.parse import parse_source
from crmdsl.language.source import SourceText

EXAMPLES = sorted(Path(__file__).parents[2].joinpath("examples").rglob("*.crm"))


def _built(text: str) -> BuiltFile:
    return build_file(parse_source(SourceText.from_text(text, "x.crm")))


def _check(text: str) -> str:
    once = format_text(text, "x.crm")
    assert format_text(once, "x.crm") == once
    assert same_meaning(_built(text), _built(once)) is None
    return once


@settings(max_examples=60)
@given(st.integers(0, 2**32), st.booleans())
def test_generated_maps_format_idempotently_and_keep_their_model(seed: int, header: bool) -> None:
    text = generate(random.Random(seed), header=header)
    once = _check(text)
    if header:
        before, after = crmdsl.analyze(text, "x.crm"), crmdsl.analyze(once, "x.crm")
        assert before.diagnostics == [] and after.diagnostics == []
        assert model_equal_ignoring_spans(before.map.journeys, after.map.journeys)
        assert model_equal_ignoring_spans(before.map.processes, after.map.processes)
        assert model_equal_ignoring_spans(before.map.integrations, after.map.integrations)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
@settings(max_examples=15)
@given(seed=st.integers(0, 2**32))
def test_mutated_examples_format_idempotently_and_keep_their_model(path: Path, seed: int) -> None:
    text = path.read_text(encoding="utf-8")
    mutated = mutate(text, random.Random(seed))
    assert model_equal_ignoring_spans(_built(text).declarations, _built(mutated).declarations), (
        "the mutator changed the meaning"
    )
    once = _check(mutated)
    assert model_equal_ignoring_spans(_built(text).declarations, _built(once).declarations)


def test_model_equal_ignoring_spans_sees_a_changed_value() -> None:
    a = crmdsl.loads('map "M"\nteam a "A"\n')
    b = crmdsl.loads('map "M"\n\n\nteam   a   "A"\n')
    c = crmdsl.loads('map "M"\nteam a "B"\n')
    assert model_equal_ignoring_spans(a, b)
    assert not model_equal_ignoring_spans(a, c)


@settings(max_examples=30)
@given(st.integers(0, 2**32), st.sampled_from(["\n", "\r\n"]), st.booleans(), st.booleans())
def test_line_endings_bom_and_final_newline_survive(
    seed: int, newline: str, bom: bool, final: bool
) -> None:
    text = generate(random.Random(seed))
    if not final:
        text = text.rstrip("\n")
    raw = ("\ufeff" if bom else "") + text.replace("\n", newline)
    out = format_text(raw, "x.crm")
    assert out.startswith("\ufeff") == bom
    body = out.removeprefix("\ufeff")
    assert ("\r\n" in body) == (newline == "\r\n")
    assert "\n" not in body.replace("\r\n", "") if newline == "\r\n" else "\r" not in body
    assert body.endswith(newline) == final
    assert format_text(out, "x.crm") == out
