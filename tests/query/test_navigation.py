"""The navigation API: symbols, definitions, references, hover, completion, outline.

On the examples (acme.crm in one file, shop/ across eight), positions found by the text
written there, at definitions and at references, across includes, and on a map that has
load errors.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import crmdsl

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ACME = str(EXAMPLES / "acme.crm")
SHOP = EXAMPLES / "shop"


@pytest.fixture(scope="module")
def acme() -> crmdsl.Analysis:
    analysis = crmdsl.analyze_path(ACME)
    assert analysis.ok
    return analysis


@pytest.fixture(scope="module")
def shop() -> crmdsl.Analysis:
    analysis = crmdsl.analyze_path(str(SHOP / "shop.crm"))
    assert analysis.ok
    return analysis


def at(file: str, line_has: str, token: str, nth: int = 1) -> tuple[str, int, int]:
    """(file, line, col) of the `nth` `token` on the first line containing `line_has`."""
    for number, text in enumerate(Path(file).read_text(encoding="utf-8").split("\n"), 1):
        if line_has in text:
            col = -1
            for _ in range(nth):
                col = text.index(token, col + 1)
            return file, number, col + 1
    raise AssertionError(f"no line with {line_has!r} in {file}")


def shop_file(name: str) -> str:
    return str(SHOP / name)


# -- symbol_at / definition_of ------------------------------------------------------


def test_symbol_at_a_definition_and_at_a_reference(acme: crmdsl.Analysis) -> None:
    here = at(ACME, 'touchpoint demo "Sales demo"', "demo")
    found = crmdsl.symbol_at(acme, *here)
    assert found is not None and found.is_definition
    assert (found.symbol.kind, found.symbol.id, found.symbol.label) == (
        "touchpoint",
        "onboarding.demo",
        "Sales demo",
    )
    assert (found.span.line, found.span.col, found.span.end_col) == (here[1], here[2], here[2] + 4)
    there = at(ACME, "supported-by onboarding.demo", "demo")
    used = crmdsl.symbol_at(acme, *there)
    assert used is not None and not used.is_definition
    assert used.symbol == found.symbol
    # the statement runs from the touchpoint line through its block (kpi, backstage)
    assert found.symbol.statement.line == here[1]
    assert found.symbol.statement.end_line == here[1] + 2


def test_each_part_of_a_dotted_reference_names_its_own_symbol(acme: crmdsl.Analysis) -> None:
    line = "captures hubspot.Contact.email"
    parts = {t: crmdsl.symbol_at(acme, *at(ACME, line, t)) for t in ("hubspot", "Contact", "email")}
    assert {t: (o.symbol.kind, o.symbol.id) for t, o in parts.items() if o} == {
        "hubspot": ("system", "hubspot"),
        "Contact": ("entity", "hubspot.Contact"),
        "email": ("field", "hubspot.Contact.email"),
    }


def test_a_map_line_names_fields_of_the_integration_ends(acme: crmdsl.Analysis) -> None:
    found = crmdsl.definition_of(acme, *at(ACME, "map Contact.email -> Lead.email", "Lead"))
    assert found is not None and (found.kind, found.id) == ("entity", "salesforce.Lead")
    entity_line = at(ACME, 'entity salesforce.Lead "Lead"', "Lead")
    assert (found.span.line, found.span.col) == entity_line[1:]


def test_a_cursor_right_after_a_token_counts_and_whitespace_names_nothing(
    acme: crmdsl.Analysis,
) -> None:
    file, line, col = at(ACME, "process lead_to_cash", "lead_to_cash")
    after = crmdsl.symbol_at(acme, file, line, col + len("lead_to_cash"))
    assert after is not None and after.symbol.id == "lead_to_cash"
    assert crmdsl.symbol_at(acme, *at(ACME, "process lead_to_cash", "process")) is None
    assert crmdsl.symbol_at(acme, ACME, 1, 3) is None  # a comment
    assert crmdsl.symbol_at(acme, ACME, 9999, 1) is None
    assert crmdsl.symbol_at(acme, "elsewhere.crm", 1, 1) is None


def test_a_builtin_channel_has_no_place_but_is_a_symbol(acme: crmdsl.Analysis) -> None:
    found = crmdsl.symbol_at(acme, *at(ACME, 'touchpoint ad "LinkedIn ad"', "ads"))
    assert found is not None and (found.symbol.kind, found.symbol.id) == ("channel", "ads")
    assert found.symbol.span.file == "<built-in>"


def test_definition_across_included_files(shop: crmdsl.Analysis) -> None:
    here = at(shop_file("processes.crm"), "step route", "it")
    found = crmdsl.definition_of(shop, *here)
    assert found is not None and (found.kind, found.id, found.label) == (
        "team",
        "it",
        "IT & Integrations",
    )
    assert found.span.file == shop_file("teams.crm")
    assert (found.span.line, found.span.col) == at(shop_file("teams.crm"), "team it", "it")[1:]


def test_an_include_line_leads_to_the_included_file(shop: crmdsl.Analysis) -> None:
    found = crmdsl.definition_of(shop, *at(shop_file("shop.crm"), 'include "teams.crm"', "teams"))
    assert found is not None and found.kind == "include"
    assert found.span.file == shop_file("teams.crm") and found.span.line == 1
    # teams.crm is included twice: by the root and by systems.crm
    places = crmdsl.references_to(shop, *at(shop_file("shop.crm"), 'include "teams.crm"', "teams"))
    assert [(Path(s.file).name, s.line) for s in places] == [
        ("shop.crm", 8),
        ("systems.crm", 3),
    ]


# -- references_to -------------------------------------------------------------------


def test_references_to_a_step_from_its_definition_and_from_a_use(acme: crmdsl.Analysis) -> None:
    definition = at(ACME, 'step quote "Send quote"', "quote")
    spans = crmdsl.references_to(acme, *definition)
    shown = [(s.line, s.col) for s in spans]
    assert shown[0] == definition[1:]
    assert at(ACME, "backstage lead_to_cash.qualify", "quote")[1:] in shown
    assert at(ACME, "no -> quote", "quote")[1:] in shown
    assert at(ACME, 'step legal "Legal review"', "quote")[1:] in shown
    assert len(shown) == 4
    from_use = crmdsl.references_to(acme, *at(ACME, "no -> quote", "quote"))
    assert from_use == spans
    without = crmdsl.references_to(acme, *definition, include_definition=False)
    assert without == spans[1:]


def test_references_across_files_cover_every_file_that_names_it(shop: crmdsl.Analysis) -> None:
    spans = crmdsl.references_to(shop, *at(shop_file("teams.crm"), "team ops", "ops"))
    files = {Path(s.file).name for s in spans}
    assert {"teams.crm", "systems.crm", "processes.crm"} <= files
    for s in spans:
        line = Path(s.file).read_text(encoding="utf-8").split("\n")[s.line - 1]
        assert line[s.col - 1 : s.end_col - 1] == "ops"


def test_the_system_part_of_field_references_counts_as_a_reference(
    acme: crmdsl.Analysis,
) -> None:
    spans = crmdsl.references_to(acme, *at(ACME, 'system zendesk "Zendesk"', "zendesk"))
    texts = [Path(ACME).read_text(encoding="utf-8").split("\n")[s.line - 1] for s in spans]
    assert any("captures zendesk.Ticket.subject" in t for t in texts)
    assert any(t.startswith("entity zendesk.Ticket") for t in texts)


def test_nothing_at_the_position_means_no_references(acme: crmdsl.Analysis) -> None:
    assert crmdsl.references_to(acme, ACME, 1, 1) == []


# -- hover_text ----------------------------------------------------------------------


def test_hover_on_a_touchpoint(acme: crmdsl.Analysis) -> None:
    text = crmdsl.hover_text(acme, *at(ACME, "supported-by onboarding.demo", "demo"))
    assert text is not None
    assert text.startswith("**touchpoint** `onboarding.demo` — Sales demo")
    assert "in journey `onboarding`, stage `buy`" in text
    assert "owner: `sales`" in text
    assert "moment of truth" in text
    assert "Used once:" in text


def test_hover_on_a_step_gives_its_durations(acme: crmdsl.Analysis) -> None:
    text = crmdsl.hover_text(acme, *at(ACME, 'step qualify "Qualify lead"', "qualify"))
    assert text is not None
    for part in ("**step** `lead_to_cash.qualify`", "takes: 2d", "sla: 1d", "owner: `sales`"):
        assert part in text
    assert "in process `lead_to_cash`" in text


def test_hover_on_a_field_gives_its_type_and_flags(acme: crmdsl.Analysis) -> None:
    text = crmdsl.hover_text(acme, *at(ACME, "email: email pii required unique", "email"))
    assert text is not None
    assert "type: `email`" in text and "flags: required, unique, pii" in text
    assert "Used once: " in text and text.rstrip().endswith(":73:29.")  # lead_sync's map line


def test_hover_on_a_goal_gives_its_metrics_and_costs(acme: crmdsl.Analysis) -> None:
    text = crmdsl.hover_text(acme, *at(ACME, 'goal grow "Increase', "grow"))
    assert text is not None
    assert "metric `revenue` baseline 1_000_000 USD target +10% by 2027-06-30" in text
    assert "cost 40_000 USD per year" in text
    assert "Not used anywhere in the map." in text


def test_hover_on_nothing_is_none(acme: crmdsl.Analysis) -> None:
    assert crmdsl.hover_text(acme, ACME, 1, 1) is None


# -- completions_at ------------------------------------------------------------------


def complete(analysis: crmdsl.Analysis, text: str, file: str = ACME) -> list[crmdsl.Completion]:
    """Completions at the `|` in `text` (which is removed)."""
    lines = text.split("\n")
    for number, line in enumerate(lines, 1):
        if "|" in line:
            col = line.index("|") + 1
            lines[number - 1] = line.replace("|", "", 1)
            return crmdsl.completions_at(analysis, "\n".join(lines), file, number, col)
    raise AssertionError("no | in the text")


def labels(found: list[crmdsl.Completion], kind: str | None = None) -> list[str]:
    return [c.label for c in found if kind is None or c.kind == kind]


def test_after_owner_come_the_teams(acme: crmdsl.Analysis) -> None:
    found = complete(acme, 'system crm "CRM" owner |')
    assert labels(found) == ["it", "marketing", "revops", "sales", "service"]
    assert {c.kind for c in found} == {"id"}
    assert found[0].detail == "team — IT"


def test_a_partial_word_filters(acme: crmdsl.Analysis) -> None:
    assert labels(complete(acme, 'system crm "CRM" owner s|')) == ["sales", "service"]


def test_after_system_come_the_systems_and_after_backstage_the_steps(
    acme: crmdsl.Analysis,
) -> None:
    text = "journey j\n  stage s\n    touchpoint t system |"
    assert labels(complete(acme, text)) == ["hubspot", "netsuite", "salesforce", "zendesk"]
    steps = labels(complete(acme, "journey j\n  stage s\n    touchpoint t\n      backstage |"))
    assert "lead_to_cash.qualify" in steps and "lead_to_cash.approved" in steps
    assert "lead_to_cash.won" not in steps  # an end is not a backstage step
    more = labels(
        complete(
            acme,
            "journey j\n  stage s\n    touchpoint t backstage lead_to_cash.qualify, lead_to_cash.q|",
        )
    )
    assert more == ["lead_to_cash.qualify", "lead_to_cash.quote"]


def test_after_channel_come_channel_names(acme: crmdsl.Analysis) -> None:
    found = complete(acme, "journey j\n  stage s\n    touchpoint t channel |")
    assert {"web", "email", "phone", "ads"} <= set(labels(found, "channel"))


def test_the_choices_of_a_clause_and_field_types_and_flags(acme: crmdsl.Analysis) -> None:
    assert labels(complete(acme, 'system crm "CRM" kind e|')) == ["erp", "ecommerce"]
    assert "enum" in labels(complete(acme, "entity hubspot.X\n  name: |"), "value")
    flags = labels(complete(acme, "entity hubspot.X\n  name: string pii |"))
    assert "pii" not in flags and "required" in flags


def test_an_arrow_in_a_process_offers_its_own_steps(acme: crmdsl.Analysis) -> None:
    text = (
        Path(ACME).read_text(encoding="utf-8").replace("    yes -> order", "    yes -> |order", 1)
    )
    found = labels(complete(acme, text))
    assert found == ["approved", "legal", "order", "qualify", "quote", "won"]


def test_at_the_start_of_a_line_the_statements_that_may_stand_there(
    acme: crmdsl.Analysis,
) -> None:
    top = complete(acme, "|")
    assert {"team", "system", "journey", "include"} <= set(labels(top, "keyword"))
    snippet = next(c for c in top if c.kind == "snippet" and c.label.startswith("team"))
    assert snippet.insert_text == 'team ${1:id} "${2:Label}"'
    inside = complete(acme, "journey j\n  stage s\n    touchpoint t\n      |")
    assert "kpi" in labels(inside, "keyword")
    assert {"captures", "backstage", "pain"} <= set(labels(inside, "clause"))
    assert "team" not in labels(inside)


def test_clauses_not_given_yet_after_a_header(acme: crmdsl.Analysis) -> None:
    found = labels(complete(acme, 'process p\n  step s "S" owner sales manual |'), "clause")
    assert "owner" not in found and "manual" not in found and "automated" not in found
    assert {"takes", "sla", "system", "->"} <= set(found)


def test_no_completion_inside_a_string_or_a_comment(acme: crmdsl.Analysis) -> None:
    assert complete(acme, 'team x "Sal|') == []
    assert complete(acme, "team x # owner |") == []


def test_a_map_line_offers_fields_of_each_end(acme: crmdsl.Analysis) -> None:
    text = "integration i hubspot -> zendesk\n  map Contact.email -> |"
    assert labels(complete(acme, text)) == ["Ticket.requester_email", "Ticket.subject"]


# -- document_symbols ----------------------------------------------------------------


def test_the_outline_of_a_file(acme: crmdsl.Analysis) -> None:
    items = crmdsl.document_symbols(acme, ACME)
    assert [i.kind for i in items[:3]] == ["map", "team", "team"]
    kinds = [i.kind for i in items]
    assert kinds.count("journey") == 1 and kinds.count("entity") == 0  # under their systems
    journey = next(i for i in items if i.kind == "journey")
    assert [s.id for s in journey.children] == [
        "onboarding.aware",
        "onboarding.buy",
        "onboarding.help",
    ]
    demo = journey.children[1].children[0]
    assert (demo.id, demo.label, demo.marks) == (
        "onboarding.demo",
        "Sales demo",
        ("moment-of-truth",),
    )
    salesforce = next(i for i in items if i.id == "salesforce")
    assert salesforce.marks == ("record",)
    lead = salesforce.children[0]
    assert lead.id == "salesforce.Lead" and lead.marks == ("pii",)
    assert lead.children[0].marks == ("required", "unique", "pii")
    process = next(i for i in items if i.kind == "process")
    assert [c.kind for c in process.children] == ["step", "step", "decision", "step", "step", "end"]
    assert process.children[1].marks == ("manual",)
    for item in items:
        assert item.statement.line <= item.span.line <= item.statement.end_line


def test_the_outline_of_a_fragment_keeps_what_it_declares(shop: crmdsl.Analysis) -> None:
    data = crmdsl.document_symbols(shop, shop_file("data.crm"))
    assert data and {i.kind for i in data} == {"entity"}  # their systems are in systems.crm
    assert all(i.statement.file == shop_file("data.crm") for i in data)
    everything = crmdsl.document_symbols(shop)
    files = [i.statement.file for i in everything]
    assert files[0] == shop_file("shop.crm") and shop_file("goals.crm") in files


# -- a map with load errors ----------------------------------------------------------

BROKEN = """\
team sales "Sales"
system crm "CRM" owner sale
journey j "J"
  stage s
    touchpoint t "T" owner sales score 9
    touchpoint u "U" owner sales
  this line is ! broken
process p owner sales
  step a "A"
  step b -> a
"""


def test_navigation_on_a_map_with_load_errors() -> None:
    analysis = crmdsl.analyze(BROKEN, "broken.crm")
    assert not analysis.ok
    found = crmdsl.symbol_at(analysis, "broken.crm", 6, 30)
    assert found is not None and found.symbol.id == "sales"
    assert crmdsl.symbol_at(analysis, "broken.crm", 2, 26) is None  # `sale` names nothing
    spans = crmdsl.references_to(analysis, "broken.crm", 1, 6)
    assert [(s.line, s.col) for s in spans][:1] == [(1, 6)] and (8, 17) in [
        (s.line, s.col) for s in spans
    ]
    assert crmdsl.definition_of(analysis, "broken.crm", 10, 13) == crmdsl.definition_of(
        analysis, "broken.crm", 9, 8
    )
    assert "**step** `p.a`" in (crmdsl.hover_text(analysis, "broken.crm", 10, 13) or "")
    outline = crmdsl.document_symbols(analysis, "broken.crm")
    assert [i.kind for i in outline] == ["team", "system", "journey", "process"]
    assert labels(complete(analysis, BROKEN + "system x owner |", "broken.crm")) == ["sales"]


def test_more_reference_clauses_offer_their_kind(acme: crmdsl.Analysis) -> None:
    assert labels(complete(acme, 'journey j "J" persona |')) == ["smb"]
    captured = labels(complete(acme, "journey j\n  stage s\n    touchpoint t captures hubspot.C|"))
    assert captured == [
        "hubspot.Contact.email",
        "hubspot.Contact.lifecycle",
        "hubspot.Contact.phone",
    ]
    assert "salesforce.Lead" in labels(complete(acme, "entity salesforce.X\n  lead: ref(|"))
    support = labels(complete(acme, 'goal g "G"\n  supported-by |'))
    assert {"onboarding", "lead_to_cash", "lead_sync", "onboarding.demo"} <= set(support)
    assert labels(complete(acme, 'integration i "I" hubspot -> |')) == [
        "hubspot",
        "netsuite",
        "salesforce",
        "zendesk",
    ]
    assert labels(complete(acme, 'integration i "I" hubspot -> salesforce via |')) == [
        "api",
        "webhook",
        "file",
        "etl",
        "manual",
    ]


def test_every_position_of_the_examples_answers_without_error(shop: crmdsl.Analysis) -> None:
    for name in ("journeys.crm", "processes.crm", "data.crm", "integrations.crm"):
        file = shop_file(name)
        text = Path(file).read_text(encoding="utf-8")
        for number, line in enumerate(text.split("\n"), 1):
            for col in range(1, len(line) + 2):
                found = crmdsl.symbol_at(shop, file, number, col)
                hover = crmdsl.hover_text(shop, file, number, col)
                assert (found is None) == (hover is None)
                if found is not None:
                    assert found.span.line == number and found.span.col <= col <= found.span.end_col
                    assert found.symbol.span in crmdsl.references_to(shop, file, number, col) or (
                        found.symbol.kind == "include"
                    )
                crmdsl.completions_at(shop, text, file, number, col)


def test_text_cut_anywhere_never_breaks_navigation() -> None:
    text = Path(ACME).read_text(encoding="utf-8")
    for cut in range(0, len(text), 97):
        broken = text[:cut] + '"->\n  owner ,' + text[cut + 13 :]
        analysis = crmdsl.analyze(broken, "cut.crm")
        lines = broken.split("\n")
        for number in range(1, len(lines) + 1, 7):
            for col in (1, 5, 12, len(lines[number - 1]) + 1):
                crmdsl.symbol_at(analysis, "cut.crm", number, col)
                crmdsl.hover_text(analysis, "cut.crm", number, col)
                crmdsl.references_to(analysis, "cut.crm", number, col)
                crmdsl.completions_at(analysis, broken, "cut.crm", number, col)
        crmdsl.document_symbols(analysis)
