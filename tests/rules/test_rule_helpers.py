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
from crmdsl.model import EntityField, FieldType, Quantity
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
    `after_suppressions`, the context passed on, and every field of the `Diagnostic`)."""

    def fix(d: Diagnostic, m: object, t: object) -> None:
        return None

    def thing(ctx: RuleContext) -> Iterator[registry.Hit]:
        """What it does: flags a thing.

        Why it matters: it does.
        """
        message = f"a message of {ctx.today.isoformat()}"
        yield registry.Hit(SPAN, message, "a hint", (Note("a note", SPAN),), {"k": 1})
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
        message="a message of 2026-11-23",
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
    """Kills mutants of `_code_order`, of the re-sorting in `rule` and of its defaults
    (no docstring gives an empty doc; `after_suppressions` is off)."""
    registry.rule("M099", "last-map-rule", "warning")(lambda ctx: iter(()))
    assert RULES["M099"].doc == "" and not RULES["M099"].after_suppressions
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


def test_handoffs_name_the_first_of_two_paths_with_as_many_changes() -> None:
    """Kills `<` for `<=` in `max_handoffs`: `z` is reached with team `c` after two
    changes through `y` (found first) and through `x`; the first stays."""
    text = (
        'map "M"\nteam a "A"\nteam b "B"\nteam c "C"\nteam e "E"\nprocess p "P"\n'
        '  step s "S" owner a\n  decision d "D?"\n    left -> x\n    right -> y\n'
        '  step x "X" owner b\n    -> z\n  step y "Y" owner e\n  step z "Z" owner c\n'
        '  end done "Done"\n'
    )
    graph = FlowGraph(crmdsl.loads(text).processes[0])
    assert graph.order.index("y") < graph.order.index("x")
    assert max_handoffs(graph) == (2, ["a", "e", "c"])


# --- the M005 fix -----------------------------------------------------------------------

HEADER = 'map "M"\n  owner ops\n  reviewed 2026-09-01\nteam ops "Ops"\n'


def m005_fix(line: str) -> tuple[str, str]:
    """The description of M005's fix on `line` and the line after it."""
    text = HEADER + line + "\n"
    analysis = crmdsl.analyze(text, "m.crm")
    found = crmdsl.lint(analysis, crmdsl.LintConfig(), today=TODAY).findings
    (finding,) = [d for d in found if d.code == "M005"]
    patch = crmdsl.fixes_for(finding, analysis)
    assert patch is not None
    return patch.description, patch.apply({"m.crm": text})["m.crm"].splitlines()[4]


@pytest.mark.parametrize(
    ("line", "description", "after"),
    [
        (
            'system crm "CRM" kind crm  # crmdsl: ignore[M003, M001, D301, M004]',
            "M005: drop D301, M001 from the suppression",
            'system crm "CRM" kind crm  # crmdsl: ignore[M003, M004]',
        ),
        (
            'system crm "CRM" kind crm  # crmdsl: ignore[M003,M001,M004]',
            "M005: drop M001 from the suppression",
            'system crm "CRM" kind crm  # crmdsl: ignore[M003,M004]',
        ),
        (
            'system crm "CRM" kind crm owner ops   # crmdsl: ignore[M003]',
            "M005: remove the unused suppression",
            'system crm "CRM" kind crm owner ops',
        ),
        (
            'system crm "CRM" kind crm owner ops# crmdsl: ignore[M003]',
            "M005: remove the unused suppression",
            'system crm "CRM" kind crm owner ops',
        ),
    ],
)
def test_m005_fix_drops_what_is_unused(line: str, description: str, after: str) -> None:
    """Kills mutants of `drop_unused_suppression`: the separator kept as written, the
    codes named in the description, the text before a comment kept to its last character."""
    assert m005_fix(line) == (description, after)


@pytest.mark.parametrize(
    "line",
    [
        'system crm "CRM" kind crm owner ops',  # no comment where the finding points
        'system crm "CRM" kind crm owner ops  # a plain comment',
        'system crm "CRM" kind crm owner ops  # crmdsl: ignore[M003]',  # no codes given
    ],
)
def test_m005_fix_of_a_finding_it_cannot_place_is_none(line: str) -> None:
    """Kills the mutants of the guards of `drop_unused_suppression` (they crash instead)."""
    text = HEADER + line + "\n"
    analysis = crmdsl.analyze(text, "m.crm")
    col = line.find("#") + 1 if "#" in line else 1
    finding = Diagnostic(
        kind="unused-suppression",
        message="x",
        span=Span("m.crm", 5, col, 5, col + 1),
        severity="info",
        code="M005",
    )
    assert crmdsl.fixes_for(finding, analysis) is None


# --- the goal rules' words and numbers -------------------------------------------------


def qty(
    kind: str, value: float, text: str, *, signed: bool = False, currency: str | None = None
) -> Quantity:
    return Quantity(kind=kind, value=value, text=text, signed=signed, currency=currency)  # type: ignore[arg-type]


def test_goal_figures_in_messages() -> None:
    """Kills mutants of `_way`, `_money` and `_shown` in crmdsl/rules/goals.py: the unit
    after a relative target, and one decimal only below 100."""
    from crmdsl.rules import goals

    assert goals._way(1.0) == "100% of the way"
    assert goals._money(1000, None) == "1,000"
    assert goals._money(1000, "USD") == "1,000 USD"
    assert goals._shown(None, None) == "none"
    usd = qty("money", 500_000, "500_000 USD", currency="USD")
    assert goals._shown(usd, qty("percent", -5, "-5%", signed=True)) == "-5% (475,000 USD)"
    share = qty("percent", 40, "40%")
    assert goals._shown(share, qty("percent", 10, "+10%", signed=True)) == "+10% (44%)"
    assert goals._shown(share, qty("percent", 45, "45%")) == "45%"
    plain = qty("number", 120, "120")
    assert goals._shown(plain, qty("percent", -2.5, "-2.5%", signed=True)) == "-2.5% (117)"
    ten = qty("number", 10, "10")
    assert goals._shown(ten, qty("percent", 15, "+15%", signed=True)) == "+15% (11.5)"
    hundred = qty("number", 100, "100")
    assert goals._shown(hundred, qty("percent", 0.5, "+0.5%", signed=True)) == "+0.5% (100)"
    assert goals._shown(None, qty("number", 7, "7")) == "7"


def test_plural_and_clause_span() -> None:
    """Kills the mutants of `plural` and `clause_span` in crmdsl/rules/places.py."""
    from crmdsl.rules.places import clause_span, keyword_span, plural

    assert (plural(1, "month"), plural(2, "month")) == ("1 month", "2 months")
    assert plural(3, "entity", "entities") == "3 entities"
    demo = crmdsl.load("examples/acme.crm").journeys[0].stages[1].touchpoints[0]
    assert demo.id == "demo"
    assert clause_span(demo, "score") == demo.clause_spans["score"][0]
    assert clause_span(demo, "goal") == keyword_span(demo)


def test_element_names_and_places() -> None:
    """Kills the mutants of `element_name` and `_place` in crmdsl/rules/plans.py (the
    fields with and without their key, a line of no named kind, a `map` line's place)."""
    from crmdsl.rules.plans import _place, element_name

    acme = crmdsl.load("examples/acme.crm")
    entity, mapping = acme.entities[0], acme.integrations[0].maps[0]
    fld = entity.fields[0]
    assert element_name(entity) == "entity `hubspot.Contact`"
    assert element_name(mapping) == "the `map` line `Contact.email -> Lead.email`"
    assert element_name(fld) == "field `email`"
    assert element_name(fld, "hubspot.Contact.email") == "field `hubspot.Contact.email`"
    assert element_name(acme.systems[0]) == "system `hubspot`"
    assert element_name(acme.header) == "a `map` line"
    assert element_name(object()) == "a `` line"
    webinar = acme.journeys[0].stages[0].touchpoints[1]
    assert element_name(webinar.ideas[0]) == 'the idea "Cut the form to 3 fields"'
    demo = acme.journeys[0].stages[1].touchpoints[0]
    assert element_name(demo.kpis[0]) == 'the KPI "Demo-to-close rate"'
    s = mapping.span
    assert _place(mapping) == Span(s.file, s.line, s.col, s.line, s.col + 3)
    assert _place(fld) == fld.name_span


def test_m005_fix_of_a_finding_with_no_place_is_none() -> None:
    """Kills `span is None and ...` in `drop_unused_suppression` (it would crash)."""
    finding = Diagnostic(
        kind="unused-suppression", message="x", span=None, severity="info", code="M005"
    )
    assert crmdsl.fixes_for(finding, crmdsl.analyze(HEADER, "m.crm")) is None
