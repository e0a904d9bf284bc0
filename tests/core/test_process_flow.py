"""Process flows as docs/language.md ("Process flow") says: implicit next flows, arrows, outcomes, `flow`."""

from __future__ import annotations

from crmdsl import model as m

from .helpers import brief, load_clean


def edges(text: str) -> list[tuple[str, str, str | None, str]]:
    process = load_clean(text).processes[0]
    return [(e.source, e.target, e.label, e.origin) for e in process.edges]


def test_start_is_the_first_node_of_the_block() -> None:
    process = load_clean("process p\n  decision d\n    yes -> s\n  step s\n").processes[0]
    assert isinstance(process.start, m.Decision) and process.start.id == "d"
    assert load_clean("process p\n").processes[0].start is None


def test_a_step_flows_to_the_next_node_of_its_block() -> None:
    text = "process p\n  step a\n  step b\n  decision d\n    yes -> e\n  end e\n"
    assert edges(text) == [
        ("a", "b", None, "next"),
        ("b", "d", None, "next"),
        ("d", "e", "yes", "outcome"),
    ]


def test_an_arrow_replaces_the_next_flow_wherever_it_is_written() -> None:
    on_header = "process p\n  step a -> c\n  step b\n  end c\n"
    in_block = "process p\n  step a\n    -> c\n  step b\n  end c\n"
    expected = [("a", "c", None, "arrow"), ("b", "c", None, "next")]
    assert edges(on_header) == edges(in_block) == expected


def test_the_last_step_flows_nowhere_and_an_end_flows_nowhere() -> None:
    assert edges("process p\n  end e\n  step a\n") == []


def test_a_decision_flows_only_through_its_outcomes() -> None:
    text = 'process p\n  decision d\n    "Needs legal review" -> b\n  step a\n  step b\n'
    assert edges(text) == [
        ("d", "b", "Needs legal review", "outcome"),
        ("a", "b", None, "next"),
    ]


def test_flow_adds_and_replaces_nothing() -> None:
    text = (
        "process p\n  step a\n  step b\n  decision d\n    yes -> e\n  end e\n  flow a -> d -> b\n"
    )
    assert edges(text) == [
        ("a", "b", None, "next"),
        ("b", "d", None, "next"),
        ("d", "e", "yes", "outcome"),
        ("a", "d", None, "flow"),
        ("d", "b", None, "flow"),  # from a decision: an unlabelled outcome
    ]


def test_flow_from_an_end_is_an_error_and_the_rest_of_it_stays() -> None:
    text = "process p\n  step a\n  end e\n  flow a -> e -> a\n"
    assert brief(text) == [("bad-value", 4, 13, "an end flows nowhere: `e` is an end of `p`")]


def test_flow_needs_two_nodes_of_this_process() -> None:
    assert brief("process p\n  step a\n  flow a\n") == [
        ("syntax", 3, 9, "a `flow` needs at least two steps, as in flow a -> b")
    ]
    assert [m for *_, m in brief("process p\n  step a\nprocess q\n  step b\n  flow b -> a\n")] == [
        "no step, decision or end `a` in process `q`"
    ]


def test_an_unresolved_target_gives_no_edge() -> None:
    from crmdsl import analyze

    process = analyze("process p\n  step a -> zz\n  step b\n", "m.crm").map.processes[0]
    assert process.edges == []  # the arrow still replaces the next flow


def test_steps_decisions_and_ends_share_one_namespace() -> None:
    assert brief("process p\n  step a\n  end a\n") == [
        ("duplicate-id", 3, 7, "`p.a` is declared twice (as a step and an end)")
    ]


def test_edge_spans_point_at_what_made_them() -> None:
    process = load_clean("process p\n  step a -> c\n  step b\n  end c\n").processes[0]
    arrow, nxt = process.edges
    assert (arrow.span.line, arrow.span.col) == (2, 13)
    assert (nxt.span.line, nxt.span.col) == (3, 3)
