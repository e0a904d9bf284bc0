"""Property: every edit operation, applied then undone, gives back the exact original bytes;
and what it writes loads. Runs random operations on generated maps."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from mapgen import World, generate, value

import crmdsl
from crmdsl import edit
from crmdsl import model as m
from crmdsl.edit import EditError
from crmdsl.edit.patch import _encode
from crmdsl.schema import STATEMENTS


def _world(mp: m.CrmMap) -> World:
    w = World()
    w.teams = [t.id for t in mp.teams]
    w.personas = [p.id for p in mp.personas]
    w.systems = [s.id for s in mp.systems]
    w.fields = {
        s: [(e.name, f.name) for e in mp.entities if e.system.text == s for f in e.fields]
        for s in w.systems
    }
    return w


def _random_op(rnd: random.Random, a: crmdsl.Analysis) -> edit.Patch:
    mp = a.map
    symbols = {k: v for k, v in mp.symbols().items() if not getattr(v, "builtin", False)}
    key = rnd.choice(sorted(symbols))
    node = symbols[key]
    spec = STATEMENTS[node.statement]
    world = _world(mp)
    choice = rnd.randrange(9)
    if choice == 0 and spec.clauses:
        clause = rnd.choice(spec.clauses)
        v = value(rnd, clause.value, clause.ref, clause.choices, world, [])
        if v is not None and clause.value.value == "string":
            v = v[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        return edit.set_clause(a, key, clause.keyword, v or None)
    if choice == 1 and node.clause_spans:
        return edit.clear_clause(a, key, rnd.choice(sorted(node.clause_spans)))
    if choice == 2:
        return edit.rename(a, key, "fresh_name")
    if choice == 3:
        return edit.delete(a, key, cascade=True)
    if choice == 4 and isinstance(node, m.Journey):
        return edit.add_stage(a, key, "new_stage", "New")
    if choice == 5 and isinstance(node, m.Process):
        return edit.add_step(a, key, "new_step", "New", {"takes": "1d"})
    if choice == 6 and isinstance(node, m.Stage | m.Touchpoint | m.Step | m.Decision | m.End):
        scope = key.split(".")[0]
        siblings = [
            k
            for k, v in symbols.items()
            if k.startswith(scope + ".") and type(v) is type(node) and k != key
        ]
        if siblings:
            return edit.move(a, key, before=rnd.choice(sorted(siblings)))
    if choice == 7 and len(mp.systems) >= 2:
        s1, s2 = rnd.sample([s.id for s in mp.systems], 2)
        return edit.connect_systems(a, s1, s2, two_way=rnd.random() < 0.5)
    if choice == 8:
        return edit.add_team(a, "new_team", "New team", description="Made by a test")
    return edit.remove_statement(a, key)


@settings(max_examples=80)
@given(st.integers(0, 2**32), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_every_edit_undoes_to_the_exact_bytes(seed: int, newline: str, bom: bool) -> None:
    rnd = random.Random(seed)
    text = generate(rnd)
    raw = ("\ufeff" if bom else "") + text.replace("\n", newline)
    a = crmdsl.analyze(raw, "g.crm")
    assert a.diagnostics == []
    source = a.sources["g.crm"]
    try:
        patch = _random_op(rnd, a)
    except EditError:
        return
    after = patch.apply({"g.crm": source.text})
    back = patch.inverse().apply(after)
    assert _encode(source, back["g.crm"]).encode("utf-8") == raw.encode("utf-8")
    again = crmdsl.analyze(after["g.crm"], "g.crm")
    assert [d for d in again.diagnostics if d.kind not in {"unknown-reference"}] == [], (
        again.diagnostics
    )
