"""Edit operations on the Acme example: the text they write, undo, and their refusals."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

import crmdsl
from crmdsl import edit
from crmdsl.edit import EditError, Patch

ACME = (Path(__file__).parents[2] / "examples" / "acme.crm").read_text(encoding="utf-8")
NAME = "acme.crm"


@pytest.fixture()
def acme() -> crmdsl.Analysis:
    analysis = crmdsl.analyze(ACME, NAME)
    assert analysis.ok
    return analysis


def changed(analysis: crmdsl.Analysis, patch: Patch) -> list[str]:
    """The -/+ lines of the edit; checks that it loads and that undo is exact."""
    texts = {p: s.text for p, s in analysis.sources.items()}
    after = patch.apply(texts)
    assert patch.inverse().apply(after) == texts
    again = crmdsl.analyze(after[NAME], NAME)
    assert again.diagnostics == [], again.diagnostics[:1]
    diff = difflib.unified_diff(
        texts[NAME].splitlines(), after[NAME].splitlines(), n=0, lineterm=""
    )
    return [d for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---"))]


def test_set_a_clause_on_the_header_line(acme: crmdsl.Analysis) -> None:
    assert changed(acme, edit.set_clause(acme, "lead_to_cash.quote", "sla", "1d")) == [
        '-  step quote "Send quote" owner sales manual takes 1d',
        '+  step quote "Send quote" owner sales manual takes 1d sla 1d',
    ]


def test_set_replaces_the_clause_that_fills_the_same_slot(acme: crmdsl.Analysis) -> None:
    assert changed(acme, edit.set_clause(acme, "lead_sync", "daily")) == [
        '-integration lead_sync "Lead sync" hubspot -> salesforce every 15m via api owner it',
        '+integration lead_sync "Lead sync" hubspot -> salesforce daily via api owner it',
    ]


def test_a_long_header_gets_the_clause_in_its_block(acme: crmdsl.Analysis) -> None:
    lines = changed(acme, edit.set_clause(acme, "onboarding.demo", "pain", "Too long"))
    assert lines == ['+      pain "Too long"']


def test_a_flag_and_a_string_value(acme: crmdsl.Analysis) -> None:
    assert changed(acme, edit.set_clause(acme, "onboarding.ad", "moment-of-truth")) == [
        '-    touchpoint ad "LinkedIn ad" channel ads score 3 owner marketing',
        '+    touchpoint ad "LinkedIn ad" channel ads score 3 owner marketing moment-of-truth',
    ]
    assert changed(acme, edit.set_clause(acme, "sales", "description", 'Says "hi"')) == [
        '+  description "Says \\"hi\\""',
    ]


def test_clear_a_clause(acme: crmdsl.Analysis) -> None:
    assert changed(acme, edit.clear_clause(acme, "salesforce", "record-of")) == [
        "-  record-of customer, opportunity",
    ]
    assert changed(acme, edit.clear_clause(acme, "lead_to_cash.legal", "manual")) == [
        '-  step legal "Legal review" owner revops manual takes 3d -> quote',
        '+  step legal "Legal review" owner revops takes 3d -> quote',
    ]


def test_unknown_clause_and_bad_value_are_refused(acme: crmdsl.Analysis) -> None:
    with pytest.raises(EditError, match="a step has no clause `score`; it takes `owner`"):
        edit.set_clause(acme, "lead_to_cash.quote", "score", "3")
    with pytest.raises(EditError, match="expected a duration such as 4h or 2d after `sla`"):
        edit.set_clause(acme, "lead_to_cash.quote", "sla", "tomorrow")
    with pytest.raises(EditError, match="nothing is called `nope`"):
        edit.set_clause(acme, "nope", "owner", "sales")
    with pytest.raises(EditError, match="has no `master` clause"):
        edit.clear_clause(acme, "lead_sync", "master")


def test_list_entries(acme: crmdsl.Analysis) -> None:
    assert changed(
        acme, edit.add_item(acme, "onboarding.webinar", "captures", "hubspot.Contact.lifecycle")
    ) == [
        "-      captures hubspot.Contact.email, hubspot.Contact.phone",
        "+      captures hubspot.Contact.email, hubspot.Contact.phone, hubspot.Contact.lifecycle",
    ]
    assert changed(
        acme, edit.remove_item(acme, "onboarding.demo", "backstage", "lead_to_cash.qualify")
    ) == [
        "-      backstage lead_to_cash.qualify, lead_to_cash.quote",
        "+      backstage lead_to_cash.quote",
    ]
    assert changed(acme, edit.remove_item(acme, "grow", "supported-by", "lead_sync")) == [
        "-  supported-by onboarding.demo, lead_to_cash, lead_sync",
        "+  supported-by onboarding.demo, lead_to_cash",
    ]
    assert changed(
        acme, edit.add_item(acme, "onboarding.ad", "backstage", "lead_to_cash.qualify")
    ) == [
        "+      backstage lead_to_cash.qualify",
    ]
    with pytest.raises(EditError, match="already in the `captures` list"):
        edit.add_item(acme, "onboarding.webinar", "captures", "hubspot.Contact.email")


def test_stages_touchpoints_steps_outcomes_ends(acme: crmdsl.Analysis) -> None:
    assert changed(
        acme, edit.add_stage(acme, "onboarding", "renew", "Renewal", after="onboarding.buy")
    ) == [
        '+  stage renew "Renewal"',
    ]
    assert changed(
        acme,
        edit.add_touchpoint(
            acme, "onboarding.help", "chat", "Live chat", {"channel": "chat", "score": 4}
        ),
    ) == [
        '+    touchpoint chat "Live chat" channel chat score 4',
    ]
    patch = edit.add_step(
        acme,
        "lead_to_cash",
        "check",
        "Credit check",
        {"owner": "it", "takes": "1d"},
        before="lead_to_cash.order",
    )
    assert changed(acme, patch) == ['+  step check "Credit check" owner it takes 1d']
    assert changed(acme, edit.add_outcome(acme, "lead_to_cash.approved", "end", "won")) == [
        '+    "end" -> won',
    ]
    assert changed(acme, edit.remove_outcome(acme, "lead_to_cash.approved", "no")) == [
        "-    no -> quote"
    ]
    assert changed(acme, edit.add_end(acme, "lead_to_cash", "lost", "Lost")) == [
        '+  end lost "Lost"'
    ]
    with pytest.raises(EditError, match="`quote` is already declared in `lead_to_cash`"):
        edit.add_step(acme, "lead_to_cash", "quote")


def test_move(acme: crmdsl.Analysis) -> None:
    assert changed(acme, edit.move(acme, "lead_to_cash.legal", before="lead_to_cash.approved")) == [
        '+  step legal "Legal review" owner revops manual takes 3d -> quote',
        '-  step legal "Legal review" owner revops manual takes 3d -> quote',
    ]
    lines = changed(acme, edit.move(acme, "onboarding.ad", parent="onboarding.help"))
    assert lines[0].startswith('-    touchpoint ad "LinkedIn ad"') and lines[1].startswith(
        "+    touchpoint ad"
    )
    patch = edit.move_outcome(acme, "lead_to_cash.approved", "yes", after="no")
    assert len(changed(acme, patch)) == 2
    moved = crmdsl.analyze(patch.apply({NAME: ACME})[NAME], NAME)
    assert [o.label for o in moved.map.lookup("lead_to_cash.approved").outcomes] == [
        "no",
        "yes",
        "Needs legal review",
    ]
    with pytest.raises(EditError, match="cannot move next to itself"):
        edit.move(acme, "onboarding.aware", after="onboarding.ad")


def test_fields_maps_metrics(acme: crmdsl.Analysis) -> None:
    assert changed(acme, edit.add_field(acme, "hubspot.Contact", "mobile", "phone", ["pii"])) == [
        "+  mobile: phone pii",
    ]
    assert changed(
        acme,
        edit.add_mapping(acme, "order_sync", "Opportunity.stage", "SalesOrder.total", key=True),
    ) == [
        "+  map Opportunity.stage -> SalesOrder.total key",
    ]
    assert changed(acme, edit.remove_mapping(acme, "lead_sync", "Contact.phone", "Lead.phone")) == [
        "-  map Contact.phone -> Lead.phone",
    ]
    assert changed(
        acme, edit.add_metric(acme, "grow", "leads", baseline="100", target="+10%", by="2027-01-01")
    ) == [
        "+  metric leads baseline 100 target +10% by 2027-01-01",
    ]


def test_declarations(acme: crmdsl.Analysis) -> None:
    assert changed(acme, edit.add_team(acme, "finance", "Finance")) == ['+team finance "Finance"']
    assert changed(
        acme,
        edit.add_system(
            acme, "stripe", "Stripe", {"kind": "other", "owner": "it", "record-of": ["payment"]}
        ),
    ) == ['+system stripe "Stripe" kind other owner it record-of payment']
    assert changed(acme, edit.add_channel(acme, "fax", "Fax"))[-1] == '+channel fax "Fax"'
    assert '+persona ent "Enterprise"' in changed(
        acme, edit.add_persona(acme, "ent", "Enterprise", {"needs": ["SSO", "Audit"]})
    )
    assert '+entity zendesk.User "User"' in changed(
        acme, edit.add_entity(acme, "zendesk", "User", "User", fields=["email: email pii"])
    )
    assert '+goal retain "Keep" owner service' in changed(
        acme, edit.add_goal(acme, "retain", "Keep", {"owner": "service"})
    )
    with pytest.raises(EditError, match="`sales` is already declared"):
        edit.add_team(acme, "sales")
    with pytest.raises(EditError, match="`Sales` is already declared"):
        edit.add_system(acme, "Sales")


def test_connect_two_systems(acme: crmdsl.Analysis) -> None:
    assert (
        '+integration hubspot_to_zendesk "HubSpot to Zendesk" hubspot -> zendesk owner marketing'
        in (changed(acme, edit.connect_systems(acme, "hubspot", "zendesk")))
    )
    lines = changed(acme, edit.connect_systems(acme, "hubspot", "netsuite", two_way=True))
    assert (
        '+integration hubspot_and_netsuite "HubSpot and NetSuite" hubspot <-> netsuite owner marketing'
        in lines
    )
    assert "+  master hubspot" in lines


def test_connect_names_a_taken_id_with_a_number(acme: crmdsl.Analysis) -> None:
    texts = {NAME: ACME + 'integration hubspot_to_zendesk "X" hubspot -> zendesk\n'}
    analysis = crmdsl.analyze(texts[NAME], NAME)
    lines = changed(analysis, edit.connect_systems(analysis, "hubspot", "zendesk"))
    assert any("integration hubspot_to_zendesk_2 " in ln for ln in lines)
    with pytest.raises(EditError, match="no system `it`"):
        edit.connect_systems(acme, "hubspot", "it")


def test_remove_statement_takes_its_comments_and_block() -> None:
    text = 'team a\n\n# about b\nteam b\n  description "B"\n\nteam c\n'
    analysis = crmdsl.analyze(text, NAME)
    patch = edit.remove_statement(analysis, "b")
    assert patch.apply({NAME: text})[NAME] == "team a\n\nteam c\n"


def test_references_in_new_values_must_resolve(acme: crmdsl.Analysis) -> None:
    with pytest.raises(EditError, match="no team `salse` in this map; did you mean `sales`"):
        edit.set_clause(acme, "lead_to_cash.quote", "owner", "salse")
    with pytest.raises(EditError, match="no step, decision or end `legl` in this map"):
        edit.set_clause(acme, "lead_to_cash.quote", "->", "legl")
    with pytest.raises(EditError, match="no channel `smoke`"):
        edit.add_touchpoint(acme, "onboarding.help", "x", None, {"channel": "smoke"})
    with pytest.raises(EditError, match="no field `hubspot.Contact.mail`"):
        edit.add_item(acme, "onboarding.webinar", "captures", "hubspot.Contact.mail")
    assert changed(acme, edit.set_clause(acme, "lead_to_cash.quote", "->", "legal")) == [
        '-  step quote "Send quote" owner sales manual takes 1d',
        '+  step quote "Send quote" owner sales manual takes 1d -> legal',
    ]


def test_field_flags(acme: crmdsl.Analysis) -> None:
    assert changed(acme, edit.set_field_flag(acme, "hubspot.Contact.lifecycle", "required")) == [
        "-  lifecycle: enum(subscriber, lead, mql)",
        "+  lifecycle: enum(subscriber, lead, mql) required",
    ]
    assert changed(
        acme, edit.set_field_flag(acme, "salesforce.Lead.email", "unique", on=False)
    ) == [
        "-  email: email pii required unique",
        "+  email: email pii required",
    ]
    with pytest.raises(EditError, match="already flagged `pii`"):
        edit.set_field_flag(acme, "salesforce.Lead.email", "pii")


def test_format_as_an_undoable_patch(acme: crmdsl.Analysis) -> None:
    from crmdsl.formatter.printer import format_text

    patch = edit.format_patch(acme)
    after = patch.apply({NAME: ACME})[NAME]
    assert after == format_text(ACME, NAME)
    assert patch.inverse().apply({NAME: after}) == {NAME: ACME}
    assert len(patch.replacements) < 20
    again = crmdsl.analyze(after, NAME)
    assert not edit.format_patch(again)


def test_patches_compose(acme: crmdsl.Analysis) -> None:
    first = edit.set_clause(acme, "lead_to_cash.quote", "sla", "1d")
    middle = crmdsl.analyze(first.apply({NAME: ACME})[NAME], NAME)
    second = edit.add_team(middle, "finance", "Finance")
    both = first.then({NAME: ACME}, second)
    after = both.apply({NAME: ACME})[NAME]
    assert "takes 1d sla 1d" in after and 'team finance "Finance"' in after
    assert both.inverse().apply({NAME: after}) == {NAME: ACME}


def test_an_edit_in_a_block_that_has_a_mistake_elsewhere() -> None:
    text = "process p\n  step a sla tomorrow\n  step b\n"
    analysis = crmdsl.analyze(text, NAME)
    assert analysis.diagnostics  # the live editor works on maps like this one
    patch = edit.add_step(analysis, "p", "c", "C")
    assert patch.apply({NAME: text})[NAME] == text + '  step c "C"\n'
    with pytest.raises(EditError, match="expected a duration"):
        edit.add_step(analysis, "p", "d", None, {"takes": "soon"})


def test_master_must_be_an_end(acme: crmdsl.Analysis) -> None:
    with pytest.raises(
        EditError, match="`master` must be one of the ends, `salesforce` or `netsuite`"
    ):
        edit.set_clause(acme, "order_sync", "master", "hubspot")
    with pytest.raises(EditError, match="only allowed on a two-way integration"):
        edit.set_clause(acme, "lead_sync", "master", "hubspot")
    assert changed(acme, edit.set_clause(acme, "order_sync", "master", "netsuite"))[1].endswith(
        "master netsuite"
    )
