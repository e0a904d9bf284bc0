"""The language's full example, examples/acme.crm, loads and resolves exactly as written."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import crmdsl
from crmdsl import model as m

ROOT = Path(__file__).resolve().parents[2]
ACME = ROOT / "examples" / "acme.crm"


@pytest.fixture(scope="module")
def acme() -> m.CrmMap:
    return crmdsl.load(ACME)


def full_example_in_the_docs() -> str:
    page = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    block = re.search(r"^## The full example\n.*?^```\n(.*?)^```$", page, re.S | re.M)
    assert block is not None, "docs/language.md has no `## The full example` block"
    return block.group(1)


def test_the_language_reference_shows_acme_verbatim() -> None:
    """The example users read in docs/language.md is examples/acme.crm, to the byte: this
    test runs in every clone (it once read a page outside the repository and was skipped)."""
    assert full_example_in_the_docs() == ACME.read_text(encoding="utf-8")


def test_the_language_reference_shows_a_map_that_loads_and_names_acme() -> None:
    page = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    assert "The full example of the language is `examples/acme.crm`" in page
    small = re.search(r"A small map:\n\n```\n(.*?)```", page, re.S)
    assert small is not None
    analysis = crmdsl.analyze(small.group(1), "small.crm")
    assert [d.message for d in analysis.diagnostics] == []


def test_counts(acme: m.CrmMap) -> None:
    assert acme.title == "Acme Corp CRM"
    assert [t.id for t in acme.teams] == ["revops", "sales", "marketing", "service", "it"]
    assert [p.id for p in acme.personas] == ["smb"]
    assert [s.id for s in acme.systems] == ["hubspot", "salesforce", "netsuite", "zendesk"]
    assert [e.key for e in acme.entities] == [
        "hubspot.Contact",
        "salesforce.Lead",
        "salesforce.Opportunity",
        "netsuite.SalesOrder",
        "zendesk.Ticket",
    ]
    assert sum(len(e.fields) for e in acme.entities) == 12
    journey = acme.journeys[0]
    assert [s.id for s in journey.stages] == ["aware", "buy", "help"]
    assert [tp.id for s in journey.stages for tp in s.touchpoints] == [
        "ad",
        "webinar",
        "demo",
        "ticket",
    ]
    assert [n.id for n in acme.processes[0].nodes] == [
        "qualify",
        "quote",
        "approved",
        "legal",
        "order",
        "won",
    ]
    assert [i.id for i in acme.integrations] == ["lead_sync", "order_sync"]
    assert [g.id for g in acme.goals] == ["grow"]
    assert acme.channels == []  # only built-in channels are used


def test_header(acme: m.CrmMap) -> None:
    header = acme.header
    assert header is not None
    assert header.owner is not None and header.owner.target == "revops"
    assert header.reviewed == dt.date(2026, 9, 1)
    assert header.description == (
        "How SMB customers find, buy and get help, and where their data goes"
    )
    assert [c.text for c in acme.comments] == ["# Acme Corp: CRM map for the SMB segment"]


def test_lead_to_cash_edges(acme: m.CrmMap) -> None:
    process = acme.processes[0]
    assert process.start is not None and process.start.id == "qualify"
    edges = [(e.source, e.target, e.label, e.origin) for e in process.edges]
    assert edges == [
        ("qualify", "quote", None, "next"),
        ("quote", "approved", None, "next"),
        ("approved", "order", "yes", "outcome"),
        ("approved", "quote", "no", "outcome"),
        ("approved", "legal", "Needs legal review", "outcome"),
        ("legal", "quote", None, "arrow"),
        ("order", "won", None, "next"),
    ]
    decision = process.node("approved")
    assert isinstance(decision, m.Decision)
    assert [(o.label, o.quoted) for o in decision.outcomes] == [
        ("yes", False),
        ("no", False),
        ("Needs legal review", True),
    ]


def test_steps(acme: m.CrmMap) -> None:
    process = acme.processes[0]
    qualify = process.node("qualify")
    assert isinstance(qualify, m.Step)
    assert qualify.owner is not None and qualify.owner.target == "sales"
    assert qualify.system is not None and qualify.system.target == "salesforce"
    assert (qualify.takes.amount, qualify.takes.unit, qualify.takes.minutes) == (2, "d", 2880)
    assert (qualify.sla.amount, qualify.sla.unit) == (1, "d")
    assert qualify.mode is None
    order = process.node("order")
    assert order.mode == "automated" and order.takes.minutes == 240
    legal = process.node("legal")
    assert legal.mode == "manual"
    assert legal.next is not None and legal.next.target == "lead_to_cash.quote"


def test_map_lines_resolve_to_full_field_keys(acme: m.CrmMap) -> None:
    lead_sync, order_sync = acme.integrations
    assert [
        (x.source.text, x.source.target, x.target.target, x.key, x.transform)
        for x in lead_sync.maps
    ] == [
        ("Contact.email", "hubspot.Contact.email", "salesforce.Lead.email", True, None),
        ("Contact.phone", "hubspot.Contact.phone", "salesforce.Lead.phone", False, None),
        (
            "Contact.lifecycle",
            "hubspot.Contact.lifecycle",
            "salesforce.Lead.status",
            False,
            "lifecycle_to_status",
        ),
    ]
    assert [(x.source.target, x.target.target) for x in order_sync.maps] == [
        ("salesforce.Opportunity.amount", "netsuite.SalesOrder.total")
    ]


def test_integrations(acme: m.CrmMap) -> None:
    lead_sync, order_sync = acme.integrations
    assert (lead_sync.source.target, lead_sync.target.target, lead_sync.two_way) == (
        "hubspot",
        "salesforce",
        False,
    )
    assert lead_sync.frequency is not None
    assert (lead_sync.frequency.kind, str(lead_sync.frequency.every)) == ("every", "15m")
    assert lead_sync.frequency.every.minutes == 15
    assert lead_sync.via == "api" and lead_sync.owner.target == "it"
    assert lead_sync.master is None
    assert order_sync.two_way is True
    assert order_sync.frequency.kind == "realtime" and order_sync.frequency.every is None
    assert order_sync.master is not None and order_sync.master.target == "salesforce"


def test_touchpoints(acme: m.CrmMap) -> None:
    tps = {tp.id: tp for s in acme.journeys[0].stages for tp in s.touchpoints}
    assert {k: tp.score for k, tp in tps.items()} == {"ad": 3, "webinar": 4, "demo": 5, "ticket": 2}
    assert {k: tp.channel.target for k, tp in tps.items()} == {
        "ad": "channel:ads",
        "webinar": "channel:web",
        "demo": "channel:phone",
        "ticket": "channel:email",
    }
    assert acme.channel("ads").title == "Ads" and acme.channel("ads").builtin
    demo = tps["demo"]
    assert demo.moment_of_truth and not tps["ad"].moment_of_truth
    assert [b.target for b in demo.backstage] == ["lead_to_cash.qualify", "lead_to_cash.quote"]
    assert [(k.name, k.target.kind, k.target.value, k.target.signed) for k in demo.kpis] == [
        ("Demo-to-close rate", "percent", 25.0, False)
    ]
    assert [c.target for c in tps["webinar"].captures] == [
        "hubspot.Contact.email",
        "hubspot.Contact.phone",
    ]
    assert tps["webinar"].pains == ["Registration asks for 12 fields"]
    assert [(i.text, i.status, i.owner) for i in tps["webinar"].ideas] == [
        ("Cut the form to 3 fields", "open", None)
    ]
    assert acme.journeys[0].persona.target == "smb"


def test_systems_and_entities(acme: m.CrmMap) -> None:
    sf = acme.lookup("salesforce")
    assert isinstance(sf, m.System)
    assert (sf.kind, sf.users, [n.value for n in sf.record_of]) == (
        "crm",
        120,
        ["customer", "opportunity"],
    )
    lead = acme.lookup("salesforce.Lead")
    assert isinstance(lead, m.Entity) and lead.records == 250_000 and lead.title == "Lead"
    email = acme.lookup("salesforce.Lead.email")
    assert isinstance(email, m.EntityField)
    assert (email.type.name, email.pii, email.required, email.unique) == ("email", True, True, True)
    stage = acme.lookup("salesforce.Opportunity.stage")
    assert str(stage.type) == "enum(prospecting, proposal, won, lost)"
    assert acme.lookup("hubspot.Contact.lifecycle").type.values == ["subscriber", "lead", "mql"]


def test_goal_values(acme: m.CrmMap) -> None:
    goal = acme.goals[0]
    (metric,) = goal.metrics
    assert (metric.name, metric.by) == ("revenue", dt.date(2027, 6, 30))
    assert (metric.baseline.kind, metric.baseline.value, metric.baseline.currency) == (
        "money",
        1_000_000.0,
        "USD",
    )
    assert (metric.target.kind, metric.target.value, metric.target.signed) == (
        "percent",
        10.0,
        True,
    )
    (cost,) = goal.costs
    assert (cost.amount.value, cost.amount.currency, cost.period) == (40_000.0, "USD", "year")
    assert [r.target for r in goal.supported_by] == ["onboarding.demo", "lead_to_cash", "lead_sync"]
    assert isinstance(acme.lookup("onboarding.demo"), m.Touchpoint)


def test_every_reference_resolved(acme: m.CrmMap) -> None:
    import dataclasses

    unresolved: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, m.Ref):
            if value.target is None:
                unresolved.append(f"{value.span}: {value.text}")
        elif dataclasses.is_dataclass(value):
            for f in dataclasses.fields(value):
                if f.name != "clause_spans":
                    walk(getattr(value, f.name))
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(acme)
    assert unresolved == []


def test_spans_of_the_example(acme: m.CrmMap) -> None:
    demo = acme.lookup("onboarding.demo")
    assert (demo.span.line, demo.span.col, demo.span.end_line) == (53, 5, 55)
    assert (demo.id_span.line, demo.id_span.col, demo.id_span.end_col) == (53, 16, 20)
    process = acme.processes[0]
    assert (process.span.line, process.span.end_line) == (61, 70)
    assert str(acme.integrations[0].source.span) == f"{ACME}:72:35"


def _refs_and_spans(value: object, refs: list[m.Ref], spans: list[object]) -> None:
    import dataclasses

    from crmdsl.errors import Span

    if isinstance(value, m.Ref):
        refs.append(value)
    if isinstance(value, Span):
        spans.append(value)
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            _refs_and_spans(getattr(value, f.name), refs, spans)
    elif isinstance(value, list | tuple):
        for item in value:
            _refs_and_spans(item, refs, spans)
    elif isinstance(value, dict):
        for item in value.values():
            _refs_and_spans(item, refs, spans)


@pytest.mark.parametrize("root", ["acme.crm", "b2b_support.crm", "shop/shop.crm"])
def test_every_example_resolves_every_reference_to_something(root: str) -> None:
    analysis = crmdsl.analyze_path(ROOT / "examples" / root)
    assert analysis.diagnostics == []
    refs: list[m.Ref] = []
    spans: list[object] = []
    _refs_and_spans(analysis.map, refs, spans)
    assert refs and all(r.target is not None for r in refs)
    assert all(analysis.map.lookup(r.target) is not None for r in refs)
    for span in spans:
        lines = analysis.sources[span.file].lines
        assert 1 <= span.line <= span.end_line <= len(lines), span
        text = lines[span.line - 1]
        assert 1 <= span.col <= len(text) + 1, span
        if span.end_line == span.line:
            assert span.col < span.end_col <= len(text) + 1, span
