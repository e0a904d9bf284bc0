"""Every statement and every clause of the clause table, in both placements.

A clause written on the header line and the same clause on its own line in the block
must give the same model. The cases are generated from `crmdsl.language.schema.STATEMENTS`, so a
clause added to the table is covered here without touching this file; a new statement
or a new kind of value fails `test_every_statement_has_a_sample` until it gets one.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmdsl.language.schema import STATEMENTS, ClauseSpec, StatementSpec, ValueKind

from .helpers import load_clean, strip_spans

CONTEXT = """\
team sales "Sales"
team it "IT"
persona smb "SMB buyer"
system salesforce "Salesforce"
system hubspot "HubSpot"
entity salesforce.Lead "Lead"
  email: email
entity hubspot.Contact "Contact"
  email: email
process p "P"
  step s1 "S1"
  end done "Done"
goal g0 "G0"
"""

#: A value for each kind of reference a clause can take, resolving in CONTEXT.
REF_VALUES = {
    "team": "it",
    "persona": "smb",
    "channel": "email",
    "system": "salesforce",
    "field": "salesforce.Lead.email",
    "backstage": "p.s1",
    "node": "won",
    "support": "p",
    "goal": "g0",
}

#: A value for each other kind of value.
KIND_VALUES = {
    ValueKind.FLAG: "",
    ValueKind.IDENT: "lifecycle_to_status",
    ValueKind.NAMES: "customer, order",
    ValueKind.STRING: '"Said \\"hi\\" # not a comment"',
    ValueKind.INTEGER: "1_000",
    ValueKind.SCORE: "4",
    ValueKind.DURATION: "6mo",
    ValueKind.DATE: "2026-09-01",
    ValueKind.QUANTITY: "+10%",
    ValueKind.PERCENT: "40%",
    ValueKind.RATE: "10% per year",
}

#: For each statement: the text around it (`{stmt}` is its header line, indented to the
#: right depth; `{indent}` is the indentation of its block) and its header line.
SAMPLES: dict[str, tuple[str, str]] = {
    "map": ("{stmt}\n{block}" + CONTEXT, 'map "Acme"'),
    "include": ('map "Acme"\n{stmt}\n', 'include "other.crm"'),
    "team": (CONTEXT + "{stmt}\n{block}", 'team ops "Ops"'),
    "persona": (CONTEXT + "{stmt}\n{block}", 'persona pro "Pro buyer"'),
    "channel": (CONTEXT + "{stmt}\n{block}", 'channel fax "Fax"'),
    "system": (CONTEXT + "{stmt}\n{block}", 'system erp "ERP"'),
    "entity": (CONTEXT + "{stmt}\n{block}", 'entity salesforce.Account "Account"'),
    "field": (CONTEXT + "entity salesforce.Account\n  {stmt}\n{block}", "name: string required"),
    "journey": (CONTEXT + "{stmt}\n{block}", 'journey j "J"'),
    "stage": (CONTEXT + 'journey j "J"\n  {stmt}\n{block}', 'stage st "St"'),
    "touchpoint": (
        CONTEXT + 'journey j "J"\n  stage st "St"\n    {stmt}\n{block}',
        'touchpoint tp "Tp"',
    ),
    "idea": (
        CONTEXT + 'journey j "J"\n  stage st "St"\n    touchpoint tp "Tp"\n      {stmt}\n{block}',
        'idea "Cut the form"',
    ),
    "kpi": (
        CONTEXT + 'journey j "J"\n  stage st "St"\n    touchpoint tp "Tp"\n      {stmt}\n{block}',
        'kpi "Demo-to-close"',
    ),
    "process": (CONTEXT + "{stmt}\n{block}" + '  end won "Won"\n', 'process q "Q"'),
    "step": (CONTEXT + 'process q "Q"\n  {stmt}\n{block}  end won "Won"\n', 'step x "X"'),
    "decision": (
        CONTEXT + 'process q "Q"\n  {stmt}\n{block}    yes -> won\n  end won "Won"\n',
        'decision ok "OK?"',
    ),
    "outcome": (
        CONTEXT + 'process q "Q"\n  decision ok "OK?"\n    {stmt}\n  end won "Won"\n',
        '"Needs legal" -> won',
    ),
    "end": (CONTEXT + 'process q "Q"\n  step x "X"\n  {stmt}\n{block}', 'end won "Won"'),
    "flow": (
        CONTEXT + 'process q "Q"\n  step x "X"\n  step y "Y"\n  end won "Won"\n  {stmt}\n',
        "flow x -> won",
    ),
    "integration": (
        CONTEXT + "{stmt}\n{block}",
        'integration sync "Sync" salesforce <-> hubspot',
    ),
    "map-line": (
        CONTEXT + 'integration sync "Sync" hubspot -> salesforce\n  {stmt}\n{block}',
        "map Contact.email -> Lead.email",
    ),
    "goal": (CONTEXT + "{stmt}\n{block}", 'goal g "G"'),
    "metric": (CONTEXT + 'goal g "G"\n  {stmt}\n{block}', "metric revenue"),
    "cost": (CONTEXT + 'goal g "G"\n  {stmt}\n', "cost 40_000 USD per year"),
}

#: Where each statement's header line sits (spaces before it).
DEPTH = {
    "field": 2,
    "stage": 2,
    "touchpoint": 4,
    "kpi": 6,
    "idea": 6,
    "step": 2,
    "decision": 2,
    "outcome": 4,
    "end": 2,
    "flow": 2,
    "map-line": 2,
    "metric": 2,
    "cost": 2,
}


def clause_text(clause: ClauseSpec) -> str:
    """The clause with a value that resolves in CONTEXT."""
    if clause.value is ValueKind.CHOICE:
        value = clause.choices[-1]
    elif clause.value in (ValueKind.REF, ValueKind.REFS):
        value = REF_VALUES[clause.ref]
    elif clause.keyword == "master":
        value = "salesforce"
    else:
        value = KIND_VALUES[clause.value]
    return f"{clause.keyword} {value}".strip()


def sample(keyword: str, header_extra: str = "", block: str = "") -> str:
    """A whole map with the statement, its header extended and its block filled."""
    around, header = SAMPLES[keyword]
    indent = " " * (DEPTH.get(keyword, 0) + 2)
    words = set((header_extra + " " + block).split())
    if STATEMENTS[keyword].clause("planned") and "by" in words and not words & LIFECYCLE:
        header += " planned"  # a lifecycle `by` dates a change: it needs its flag
    stmt = (header + " " + header_extra).rstrip()
    body = "".join(f"{indent}{line}\n" for line in block.splitlines())
    return around.replace("{block}", body).replace("{stmt}", stmt)


LIFECYCLE = {"planned", "retiring"}

CLAUSES = [
    pytest.param(spec, clause, id=f"{spec.keyword}-{clause.keyword}")
    for spec in STATEMENTS.values()
    for clause in spec.clauses
]


def test_every_statement_has_a_sample() -> None:
    assert sorted(SAMPLES) == sorted(STATEMENTS)


@pytest.mark.parametrize("keyword", sorted(STATEMENTS))
def test_every_statement_loads_alone(keyword: str, tmp_path) -> None:
    text = sample(keyword)
    if keyword == "include":
        (tmp_path / "other.crm").write_text("team ops\n", encoding="utf-8")
    crm_map = load_clean(text, str(tmp_path / "m.crm"))
    assert crm_map.title in {"Acme", None}


@pytest.mark.parametrize(("spec", "clause"), CLAUSES)
def test_clause_on_header_line_equals_clause_in_block(
    spec: StatementSpec, clause: ClauseSpec
) -> None:
    written = clause_text(clause)
    on_header = load_clean(sample(spec.keyword, header_extra=written))
    in_block = load_clean(sample(spec.keyword, block=written))
    without = load_clean(sample(spec.keyword))
    assert strip_spans(on_header) == strip_spans(in_block)
    # The clause did something: the model with it differs from the model without it.
    assert strip_spans(on_header) != strip_spans(without)


@pytest.mark.parametrize(("spec", "clause"), CLAUSES)
def test_clause_spans_are_recorded_in_both_placements(
    spec: StatementSpec, clause: ClauseSpec
) -> None:
    written = clause_text(clause)
    for text, line_offset in (
        (sample(spec.keyword, header_extra=written), 0),
        (sample(spec.keyword, block=written), 1),
    ):
        crm_map = load_clean(text)
        node = find_statement(crm_map, spec.keyword)
        spans = node.clause_spans[clause.keyword]
        assert len(spans) == 1
        lines = text.splitlines()
        header = SAMPLES[spec.keyword][1]
        header_line = next(n for n, line in enumerate(lines, 1) if line.strip().startswith(header))
        assert spans[0].line == header_line + line_offset
        line_text = lines[spans[0].line - 1]
        assert line_text[spans[0].col - 1 : spans[0].end_col - 1] == written


REPEATABLE = [
    pytest.param(spec, clause, id=f"{spec.keyword}-{clause.keyword}")
    for spec in STATEMENTS.values()
    for clause in spec.clauses
    if clause.repeat
]


@pytest.mark.parametrize(("spec", "clause"), REPEATABLE)
def test_repeated_clause_values_add_up_in_order(spec: StatementSpec, clause: ClauseSpec) -> None:
    written = clause_text(clause)
    once = find_statement(load_clean(sample(spec.keyword, header_extra=written)), spec.keyword)
    twice = find_statement(
        load_clean(sample(spec.keyword, header_extra=written, block=written)), spec.keyword
    )
    assert len(getattr(twice, clause.attr)) == 2 * len(getattr(once, clause.attr))


SINGLE = [
    pytest.param(spec, clause, id=f"{spec.keyword}-{clause.keyword}")
    for spec in STATEMENTS.values()
    for clause in spec.clauses
    if not clause.repeat
]


@pytest.mark.parametrize(("spec", "clause"), SINGLE)
def test_single_clause_given_twice_is_an_error(spec: StatementSpec, clause: ClauseSpec) -> None:
    from .helpers import brief

    written = clause_text(clause)
    shown = "`map` line" if spec.keyword == "map-line" else spec.keyword
    found = brief(sample(spec.keyword, header_extra=written, block=written))
    assert [(kind, message) for kind, _, _, message in found] == [
        ("clause-not-allowed", f"`{clause.keyword}` is given twice for this {shown}")
    ]


def find_statement(crm_map, keyword: str):
    """The statement under test in a sample map."""
    header = SAMPLES[keyword][1]
    found = {
        "map": lambda: crm_map.header,
        "team": lambda: crm_map.teams[-1],
        "persona": lambda: crm_map.personas[-1],
        "channel": lambda: crm_map.channels[-1],
        "system": lambda: crm_map.systems[-1],
        "entity": lambda: crm_map.entities[-1],
        "field": lambda: crm_map.entities[-1].fields[0],
        "journey": lambda: crm_map.journeys[-1],
        "stage": lambda: crm_map.journeys[-1].stages[0],
        "touchpoint": lambda: crm_map.journeys[-1].stages[0].touchpoints[0],
        "kpi": lambda: crm_map.journeys[-1].stages[0].touchpoints[0].kpis[0],
        "idea": lambda: crm_map.journeys[-1].stages[0].touchpoints[0].ideas[0],
        "process": lambda: crm_map.processes[-1],
        "step": lambda: crm_map.processes[-1].nodes[0],
        "decision": lambda: crm_map.processes[-1].nodes[0],
        "end": lambda: crm_map.processes[-1].nodes[-1],
        "integration": lambda: crm_map.integrations[-1],
        "map-line": lambda: crm_map.integrations[-1].maps[0],
        "goal": lambda: crm_map.goals[-1],
        "metric": lambda: crm_map.goals[-1].metrics[0],
    }[keyword]()
    assert found is not None, header
    return found


MULTI = [spec for spec in STATEMENTS.values() if len(spec.clauses) >= 2]


@given(data=st.data())
@settings(max_examples=int(os.environ.get("CRMDSL_HYPOTHESIS_EXAMPLES", "100")) // 2)
def test_any_clauses_in_any_placement_and_order_give_one_model(data: st.DataObject) -> None:
    spec = data.draw(st.sampled_from(MULTI), label="statement")
    by_attr: dict[str, ClauseSpec] = {}
    for clause in data.draw(st.permutations(spec.clauses), label="order"):
        if clause.attr not in by_attr:  # one of the clauses that set the same thing
            by_attr[clause.attr] = clause
    chosen = data.draw(
        st.lists(st.sampled_from(sorted(by_attr)), unique=True, min_size=1), label="clauses"
    )
    written = [clause_text(by_attr[attr]) for attr in chosen]
    on_header = data.draw(st.lists(st.booleans(), min_size=len(written), max_size=len(written)))
    header = " ".join(w for w, h in zip(written, on_header, strict=True) if h)
    block = "\n".join(w for w, h in zip(written, on_header, strict=True) if not h)
    reference = load_clean(sample(spec.keyword, header_extra=" ".join(written)))
    mixed = load_clean(sample(spec.keyword, header_extra=header, block=block))
    assert strip_spans(mixed) == strip_spans(reference)


VALUED = [
    pytest.param(spec, clause, where, id=f"{spec.keyword}-{clause.keyword}-{where}")
    for spec in STATEMENTS.values()
    for clause in spec.clauses
    if clause.value is not ValueKind.FLAG
    for where in ("header", "block")
]


@pytest.mark.parametrize(("spec", "clause", "where"), VALUED)
def test_a_wrong_value_says_what_the_clause_expects(
    spec: StatementSpec, clause: ClauseSpec, where: str
) -> None:
    from .helpers import diags

    wrong = "42" if clause.value is ValueKind.STRING else '"text"'
    written = f"{clause.keyword} {wrong}"
    text = (
        sample(spec.keyword, header_extra=written)
        if where == "header"
        else sample(spec.keyword, block=written)
    )
    (d,) = diags(text)
    found = "`42`" if wrong == "42" else 'the string "text"'
    assert (d.kind, d.message) == (
        "syntax",
        f"expected {clause.expects()} after `{clause.keyword}`, found {found}",
    )
    line = text.splitlines()[d.span.line - 1]
    assert line[d.span.col - 1 : d.span.end_col - 1] == wrong


@pytest.mark.parametrize(("spec", "clause", "where"), VALUED)
def test_a_missing_value_says_the_line_ends(
    spec: StatementSpec, clause: ClauseSpec, where: str
) -> None:
    from .helpers import diags

    text = (
        sample(spec.keyword, header_extra=clause.keyword)
        if where == "header"
        else sample(spec.keyword, block=clause.keyword)
    )
    (d,) = diags(text)
    assert (d.kind, d.message) == (
        "syntax",
        f"expected {clause.expects()} after `{clause.keyword}`, but the line ends",
    )
    line = text.splitlines()[d.span.line - 1]
    assert d.span.col == len(line) + 1
