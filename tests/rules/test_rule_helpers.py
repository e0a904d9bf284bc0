"""The registry and the helpers the rules share, called directly: the parts that run when
a module is imported (so mutation testing cannot reach them through the rules) or only
on inputs the fixtures never make.

Each test names the surviving mutant of `scripts/mutation.sh rules` it was written to
kill (docs/testing.md lists those left as equivalent, with the reason).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

import crmdsl
from crmdsl.errors import Diagnostic, Note, Span
from crmdsl.model import EntityField, FieldType
from crmdsl.query.graph import FlowGraph
from crmdsl.rules import RULES, Rule, RuleContext, registry
from crmdsl.rules import docs as rules_docs
from crmdsl.rules.integrations import accepts
from crmdsl.rules.places import field_span
from crmdsl.rules.processes import max_handoffs

TODAY = dt.date(2026, 11, 23)
SPAN = Span("m.crm", 3, 5, 3, 9)
DOC = """What it does: flags a thing.

Why it matters: it does.

Example:
    bad
Fix:
    good
"""


@pytest.fixture
def saved_rules() -> Iterator[None]:
    """RULES as it was, restored after a test that registers a rule of its own."""
    saved = dict(RULES)
    try:
        yield
    finally:
        RULES.clear()
        RULES.update(saved)


# --- the registry (runs at import time) ------------------------------------------------


def test_rule_registers_a_check_that_makes_diagnostics(saved_rules: None) -> None:
    """Kills mutants of `rule` and `_as_check` (code, name, severity, group, doc, fix,
    `after_suppressions`, and every field of the `Diagnostic` it makes)."""

    def fix(d: Diagnostic, m: object, t: object) -> None:
        return None

    def thing(ctx: RuleContext) -> Iterator[registry.Hit]:
        """What it does: flags a thing.

        Why it matters: it does.
        """
        yield registry.Hit(SPAN, "a message", "a hint", (Note("a note", SPAN),), {"k": 1})
        yield registry.Hit(None, "no place")

    returned = registry.rule("C699", "thing-rule", "info", fix=fix, after_suppressions=True)(thing)
    assert returned is thing
    rule = RULES["C699"]
    assert (rule.code, rule.name, rule.severity, rule.group) == ("C699", "thing-rule", "info", "C")
    assert rule.doc == "What it does: flags a thing.\n\nWhy it matters: it does."
    assert rule.fix is fix and rule.fixable and rule.after_suppressions
    assert rule.check.__name__ == "thing" and rule.check.__doc__ == thing.__doc__
    assert list(RULES)[-1] == "C699"  # kept in the order of docs/rules.md
    ctx = RuleContext(crmdsl.loads('map "M"\n'), TODAY)
    first, second = rule.check(ctx)
    assert first == Diagnostic(
        kind="thing-rule",
        message="a message",
        span=SPAN,
        hint="a hint",
        notes=(Note("a note", SPAN),),
        severity="info",
        code="C699",
    )
    assert first.extra == {"k": 1}
    assert (second.span, second.message, second.hint, second.notes) == (None, "no place", "", ())
    assert second.extra == {} and second.code == "C699" and second.severity == "info"


def test_rules_are_kept_in_group_order(saved_rules: None) -> None:
    """Kills mutants of `_code_order` and of the re-sorting in `rule`."""
    registry.rule("M099", "last-map-rule", "warning")(lambda ctx: iter(()))
    registry.rule("Z001", "no-group", "warning")(lambda ctx: iter(()))
    registry.rule("J099", "last-journey-rule", "warning")(lambda ctx: iter(()))
    codes = list(RULES)
    assert codes.index("M099") < codes.index("J101")
    assert codes.index("J099") < codes.index("P201")
    assert codes[-1] == "Z001"  # a letter outside the groups goes last
    assert registry._code_order("M001") == (0, "M001")
    assert registry._code_order("C601") == (len(registry.GROUPS) - 1, "C601")
    assert registry._code_order("Z001") == (len(registry.GROUPS), "Z001")


def test_rule_refuses_a_bad_severity_and_a_second_registration(saved_rules: None) -> None:
    """Kills mutants of the two checks in `rule` (their messages included)."""
    with pytest.raises(ValueError) as bad:
        registry.rule("C698", "x", "fatal")
    assert str(bad.value) == "C698: unknown severity 'fatal'"
    with pytest.raises(ValueError) as twice:
        registry.rule("M001", "again", "warning")(lambda ctx: iter(()))
    assert str(twice.value) == "rule M001 is registered twice"
    assert RULES["M001"].name == "map-missing-header"


# --- helpers the fixtures do not reach ------------------------------------------------


def test_field_span_without_a_name_span_covers_the_name() -> None:
    """Kills the mutants of `field_span`'s fallback (a field built without `name_span`)."""
    fld = EntityField(span=Span("m.crm", 7, 3, 9, 1), name="email", type=FieldType(name="email"))
    assert field_span(fld) == Span("m.crm", 7, 3, 7, 8)
    named = EntityField(span=SPAN, name="x", type=FieldType(name="email"), name_span=SPAN)
    assert field_span(named) is SPAN


def test_a_type_the_table_does_not_know_accepts_nothing() -> None:
    """Kills `accepts` looking the target up with no default (a TypeError, not False)."""
    assert accepts(FieldType(name="blob"), FieldType(name="blob")) is False
    assert accepts(FieldType(name="text"), FieldType(name="blob")) is True


PROCESS = """map "M"
team a "A"
team b "B"
process p "P"
{body}"""


def graph_of(body: str) -> FlowGraph:
    return FlowGraph(crmdsl.loads(PROCESS.format(body=body)).processes[0])


def test_handoffs_of_one_team_are_none() -> None:
    """Kills `top` starting at 1 and `>=` for `>` in `max_handoffs` (a path with no change
    names no teams)."""
    assert max_handoffs(graph_of('  step s "S" owner a\n  end done "Done"\n')) == (0, [])


def test_handoffs_of_a_process_with_no_start() -> None:
    """Kills `return 1, []` for a process without steps."""
    assert max_handoffs(graph_of("")) == (0, [])


def test_handoffs_skip_nodes_no_path_reaches() -> None:
    """Kills `by_node.get(node, None)` (a node unreachable from the start)."""
    body = (
        '  step s "S" owner a\n  step t "T" owner b\n  end done "Done"\n'
        '  step lost "Lost" owner a\n  end never "Never"\n'
    )
    graph = graph_of(body)
    assert "lost" not in graph.reachable()
    assert max_handoffs(graph) == (1, ["a", "b"])


def test_handoffs_keep_the_first_of_two_equal_paths() -> None:
    """Kills `<` for `<=` in `max_handoffs`: of two paths with as many changes, the first
    found is the one named."""
    body = (
        '  step s "S" owner a\n'
        '  decision d "D?"\n'
        "    left -> x\n"
        "    right -> y\n"
        '  step x "X" owner b\n'
        "    -> done\n"
        '  step y "Y" owner b\n'
        '  end done "Done"\n'
    )
    assert max_handoffs(graph_of(body)) == (1, ["a", "b"])


# --- the rule reference (docs/rules.md) -------------------------------------------------


def test_doc_parts_keep_text_before_the_first_head_and_trim_examples() -> None:
    """Kills mutants of `rule_doc_parts`: the starting part (`what`), `.rstrip()` and the
    characters stripped around an example."""
    parts = rules_docs.rule_doc_parts(
        "Counts ids.\nWhat it does: more.\nExample:\n\n    X marks   \n      the spot  \n\n"
        "Fix:\n    fixed by X\n"
    )
    assert parts["what"] == "Counts ids. more."
    assert parts["example"] == "X marks   \n  the spot"  # the end trimmed, not the start
    assert parts["fix"] == "fixed by X"


def test_summary_escapes_table_pipes() -> None:
    """Kills mutants of the `|` escape in `_summary` (a cell of the rules table)."""
    rule = Rule("C697", "pipes", "info", "C", "What it does: flags a | b.\n", lambda ctx: [])
    assert rules_docs._summary(rule) == "A \\| b."


def test_a_group_without_rules_has_no_heading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kills `break` for `continue` in `render_rules_markdown` (the groups after an empty
    one still get their sections)."""
    kept = {code: r for code, r in RULES.items() if r.group != "J"}
    monkeypatch.setattr(rules_docs, "RULES", kept)
    text = rules_docs.render_rules_markdown()
    assert "## J: journeys" not in text
    assert "## P: processes" in text and "### C601 marketing-without-consent" in text


# --- M005's message (the suppression pass) --------------------------------------------------

SUPPRESSED = """map "M"
  owner ops
  reviewed 2026-09-01
team ops "Ops"
system crm "CRM" kind crm owner ops  # crmdsl: {comment}
"""


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ("ignore[Q999]", "unused suppression `ignore[Q999]`: `Q999` is not a rule code"),
        (
            "ignore[M03]",
            "unused suppression `ignore[M03]`: `M03` is not a rule code (did you mean `M003`?)",
        ),
        (
            "ignore[M003, M001]",
            "unused suppression `ignore[M003, M001]`: no M003, M001 finding on this statement",
        ),
        (
            "ignore[Q999, M003]",
            "unused suppression `ignore[Q999, M003]`: no M003 finding on this statement; "
            "`Q999` is not a rule code",
        ),
    ],
)
def test_m005_says_why_each_code_is_useless(comment: str, message: str) -> None:
    """Kills mutants of `_unused_message`: a code with no suggestion gets no brackets,
    idle codes are listed with `, `, and the idle ones come first."""
    analysis = crmdsl.analyze(SUPPRESSED.format(comment=comment), "m.crm")
    found = crmdsl.lint(analysis, crmdsl.LintConfig(), today=TODAY).findings
    assert [d.message for d in found if d.code == "M005"] == [message]
