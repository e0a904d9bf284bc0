"""Blocks built once: a load reuses the statements of unchanged blocks from the last load
of the same file, and no load changes a map loaded before it.

What a reused statement points at is the resolver's to decide again: when a reference in
an unchanged block resolves otherwise (what it named was removed), that block is built
afresh rather than written into, so the earlier map keeps its targets.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crmdsl
from crmdsl.language.parse import clear_cache
from crmdsl.model import to_json

from .test_properties import EXAMPLES, MAPS, mutated

MAP = """\
map "Reuse"
team sales "Sales"

system crm "CRM"
system desk "Help desk"

integration sync crm -> desk daily via api owner sales

process sell "Sell" owner sales
  step call "Call"
  step quote "Quote"
"""


def _whole(analysis: crmdsl.Analysis) -> tuple[object, str]:
    """Everything a load says: its load errors with places, and the map as JSON."""
    found = [(d.kind, d.message, d.span, d.hint, d.notes) for d in analysis.diagnostics]
    return found, to_json(analysis.map)


def test_an_unchanged_block_is_shared_and_a_changed_one_built_anew() -> None:
    first = crmdsl.analyze(MAP, "reuse.crm").map
    second = crmdsl.analyze(MAP.replace('"Quote"', '"Send a quote"'), "reuse.crm").map
    assert second.integrations[0] is first.integrations[0]
    assert second.systems[1] is first.systems[1]
    assert second.processes[0] is not first.processes[0]
    assert second.processes[0].nodes[1].label == "Send a quote"
    assert first.processes[0].nodes[1].label == "Quote"


def test_a_block_that_moved_is_built_again_with_its_new_lines() -> None:
    first = crmdsl.analyze(MAP, "moved.crm").map
    second = crmdsl.analyze("# a new first line\n" + MAP, "moved.crm").map
    moved, was = second.integrations[0], first.integrations[0]
    assert moved is not was
    assert (was.span.line, moved.span.line) == (7, 8)
    assert (was.source.span.line, moved.source.span.line) == (7, 8)
    assert [s.line for s in moved.clause_spans["owner"]] == [8]
    assert moved.source is not was.source and moved.source.target == "crm"
    step = second.processes[0].nodes[1]
    assert (step.span.line, step.id_span.line if step.id_span else 0) == (12, 12)
    assert [(e.source, e.target) for e in second.processes[0].edges] == [("call", "quote")]


def test_a_moved_block_keeps_its_problems_on_its_new_lines() -> None:
    bad = MAP + "\nsystem broken kind\n"
    crmdsl.analyze(bad, "problems.crm")
    again = crmdsl.analyze("\n\n" + bad, "problems.crm")
    assert [(d.span.line if d.span else 0) for d in again.diagnostics] == [15]


def test_another_file_never_shares_a_block() -> None:
    first = crmdsl.analyze(MAP, "one.crm").map
    second = crmdsl.analyze(MAP, "two.crm").map
    assert second.systems[0] is not first.systems[0]
    assert second.systems[0].span.file == "two.crm"


def test_a_reference_that_resolves_otherwise_leaves_the_earlier_map_alone() -> None:
    before = crmdsl.analyze(MAP, "gone.crm")
    seen = _whole(before)
    after = crmdsl.analyze(MAP.replace("system desk", "system help"), "gone.crm")
    # the integration's block did not change, nor its line, but `desk` is gone
    assert after.map.systems[0] is before.map.systems[0]
    assert [d.message for d in after.diagnostics] == ["no system `desk`"]
    assert after.map.integrations[0].target.target is None
    assert before.map.integrations[0].target.target == "desk"
    assert _whole(before) == seen
    # and back: `desk` resolves again in a block built afresh once more
    again = crmdsl.analyze(MAP, "gone.crm")
    assert not again.diagnostics
    assert again.map.integrations[0].target.target == "desk"
    assert after.map.integrations[0].target.target is None


def test_a_flow_that_changes_leaves_the_earlier_process_alone() -> None:
    text = MAP + "  step close -> call\n"
    before = crmdsl.analyze(text, "flow.crm")
    edges = [(e.source, e.target) for e in before.map.processes[0].edges]
    crmdsl.analyze(text.replace("-> call", "-> quote"), "flow.crm")
    assert [(e.source, e.target) for e in before.map.processes[0].edges] == edges


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_each_load_is_a_cold_load_and_no_load_changes_an_earlier_map(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(MAPS))
    loads = []
    for _ in range(3):
        text = data.draw(mutated(text))
        analysis = crmdsl.analyze(text, "seq.crm")
        loads.append((text, analysis, _whole(analysis)))
    for _, analysis, seen in loads:
        assert _whole(analysis) == seen
    for text, _, seen in loads:
        clear_cache()
        assert _whole(crmdsl.analyze(text, "seq.crm")) == seen


def test_a_map_of_several_files_reuses_each_and_changes_no_earlier_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(EXAMPLES / "shop", tmp_path / "shop")
    monkeypatch.chdir(tmp_path / "shop")
    teams = str(Path("teams.crm").resolve())
    text = Path("teams.crm").read_text(encoding="utf-8")
    before = crmdsl.analyze_texts("shop.crm", {teams: text})
    seen = _whole(before)
    # the team renamed on its own line: the files that name it do not change, but their
    # references no longer resolve, so their blocks are built afresh, not written into
    after = crmdsl.analyze_texts("shop.crm", {teams: text.replace("team ecom ", "team shop ")})
    assert any(d.message == "no team `ecom`" for d in after.diagnostics)
    assert _whole(before) == seen
    clear_cache()
    assert _whole(
        crmdsl.analyze_texts("shop.crm", {teams: text.replace("team ecom ", "team shop ")})
    ) == _whole(after)
