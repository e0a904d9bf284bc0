"""Properties of the map diff on generated maps: a map diffed with itself is empty, and the
diff of an edit names exactly what the edit changed (a clause set, an id renamed)."""

from __future__ import annotations

import datetime
import random
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import crmdsl
from crmdsl import edit
from crmdsl.edit import EditError
from crmdsl.language.schema import STATEMENTS

sys.path.insert(0, str(Path(__file__).parents[1] / "format"))
sys.path.insert(0, str(Path(__file__).parents[1] / "edit"))
from mapgen import generate, value  # noqa: E402
from test_edit_props import _random_op, _world  # noqa: E402  (a generated map, edited)

TODAY = datetime.date(2026, 10, 1)


def _symbols(a: crmdsl.Analysis) -> dict[str, object]:
    return {k: v for k, v in a.map.symbols().items() if not getattr(v, "builtin", False)}


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32))
def test_a_map_diffed_with_itself_is_empty(seed: int) -> None:
    text = generate(random.Random(seed))
    diff = crmdsl.diff_maps(
        crmdsl.analyze(text, "g.crm"), crmdsl.analyze(text, "g.crm"), today=TODAY
    )
    assert diff.same
    assert (diff.changes, diff.notes, diff.findings, diff.goals, diff.views) == ([], [], [], [], [])


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32))
def test_a_clause_set_by_the_edit_engine_is_the_one_change(seed: int) -> None:
    rnd = random.Random(seed)
    a = crmdsl.analyze(generate(rnd), "g.crm")
    symbols = _symbols(a)
    key = rnd.choice(sorted(symbols))
    node = symbols[key]
    spec = STATEMENTS[node.statement]  # type: ignore[attr-defined]
    clauses = [c for c in spec.clauses if c.attr != "next"]
    if not clauses:
        return
    clause = rnd.choice(clauses)
    v = value(rnd, clause.value, clause.ref, clause.choices, _world(a.map), [])
    if v is not None and clause.value.value == "string":
        v = v[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    try:
        patch = edit.set_clause(a, key, clause.keyword, v or None)
    except EditError:
        return
    after = crmdsl.analyze(patch.apply({"g.crm": a.sources["g.crm"].text})["g.crm"], "g.crm")
    diff = crmdsl.diff_maps(a, after, today=TODAY, views=False)
    changed = {c.id for c in diff.changes}
    scoped = key.removeprefix("channel:")
    if not patch or not diff.changes:
        # the clause already had that value: nothing of meaning changed
        assert diff.same
        return
    assert changed == {scoped}, (patch.description, [c.key for c in diff.changes])
    assert all(c.status == "changed" for c in diff.changes)
    (change,) = diff.changes
    assert change.clauses, patch.description


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32))
def test_a_rename_by_the_edit_engine_is_one_rename(seed: int) -> None:
    rnd = random.Random(seed)
    a = crmdsl.analyze(generate(rnd), "g.crm")
    key = rnd.choice(sorted(_symbols(a)))
    try:
        patch = edit.rename(a, key, "fresh_name")
    except EditError:
        return
    after = crmdsl.analyze(patch.apply({"g.crm": a.sources["g.crm"].text})["g.crm"], "g.crm")
    diff = crmdsl.diff_maps(a, after, today=TODAY, views=False)
    renamed = [c for c in diff.changes if c.status == "renamed"]
    others = [c.key for c in diff.changes if c.status != "renamed"]
    assert [c.old_id for c in renamed] == [key.removeprefix("channel:")], patch.description
    assert others == []
    assert renamed[0].id.rsplit(".", 1)[-1] == "fresh_name"


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32))
def test_the_views_left_undrawn_are_views_that_did_not_change(seed: int) -> None:
    from crmdsl.diffing.compare import compare_elements
    from crmdsl.diffing.diagrams import compare_views
    from crmdsl.diffing.elements import elements

    rnd = random.Random(seed)
    a = crmdsl.analyze(generate(rnd), "g.crm")
    try:
        patch = _random_op(rnd, a)
    except EditError:
        return
    after = crmdsl.analyze(patch.apply({"g.crm": a.sources["g.crm"].text})["g.crm"], "g.crm")
    diff = crmdsl.diff_maps(a, after, today=TODAY)
    matching = compare_elements(elements(a.map), elements(after.map))[2]
    every = compare_views(a.map, after.map, matching)
    assert [(v.name, v.status) for v in diff.views] == [(v.name, v.status) for v in every]
