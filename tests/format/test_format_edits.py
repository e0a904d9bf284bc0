"""The edit engine writes in the formatter's layout: every edit of a formatted map gives a
map that `crmdsl fmt --check` accepts."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mapgen import generate

import crmdsl
from crmdsl import edit
from crmdsl import model as m
from crmdsl.edit import EditError
from crmdsl.formatter.printer import format_text
from crmdsl.language.schema import STATEMENTS

ACME = Path(__file__).resolve().parents[2] / "examples" / "acme.crm"


def _ops(a: crmdsl.Analysis, rnd: random.Random) -> list[object]:
    """Every kind of edit on a random statement of the map (callables giving a Patch)."""
    symbols = {k: v for k, v in a.map.symbols().items() if not getattr(v, "builtin", False)}
    key = rnd.choice(sorted(symbols))
    node = symbols[key]
    spec = STATEMENTS[node.statement]
    ops: list[object] = [
        lambda: edit.rename(a, key, "fresh_name"),
        lambda: edit.delete(a, key, cascade=True),
        lambda: edit.remove_statement(a, key),
        lambda: edit.add_team(a, "new_team", "New team", description="Made by a test"),
        lambda: edit.add_system(a, "new_sys", "New", {"kind": "crm", "record-of": ["a", "b"]}),
        lambda: edit.format_patch(a),
    ]
    if node.clause_spans:
        ops.append(lambda: edit.clear_clause(a, key, rnd.choice(sorted(node.clause_spans))))
    for clause in spec.clauses:
        if clause.value.value == "flag":
            ops.append(lambda c=clause.keyword: edit.set_clause(a, key, c))
        if clause.value.value == "string":
            ops.append(lambda c=clause.keyword: edit.set_clause(a, key, c, "Some text"))
    if isinstance(node, m.Journey):
        ops.append(lambda: edit.add_stage(a, key, "new_stage", "New"))
    if isinstance(node, m.Process):
        ops.append(lambda: edit.add_step(a, key, "new_step", "New", {"takes": "1d"}))
    return ops


def _assert_formatted(text: str) -> None:
    assert format_text(text, "e.crm") == text, text


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32), st.integers(0, 100))
def test_edits_of_a_formatted_map_stay_formatted(seed: int, pick: int) -> None:
    rnd = random.Random(seed)
    text = format_text(generate(rnd), "e.crm")
    a = crmdsl.analyze(text, "e.crm")
    ops = _ops(a, rnd)
    try:
        patch = ops[pick % len(ops)]()  # type: ignore[operator]
    except EditError:
        return
    _assert_formatted(patch.apply({"e.crm": text})["e.crm"])


@pytest.mark.parametrize("seed", range(40))
def test_edits_of_the_acme_map_stay_formatted(seed: int) -> None:
    text = ACME.read_text(encoding="utf-8")
    a = crmdsl.analyze(text, "e.crm")
    rnd = random.Random(seed)
    for op in _ops(a, rnd):
        try:
            patch = op()  # type: ignore[operator]
        except EditError:
            continue
        _assert_formatted(patch.apply({"e.crm": text})["e.crm"])
