"""An unknown name names the closest existing ones, at the right level."""

from __future__ import annotations

import pytest

import crmdsl

BASE = """\
team sales
team service
system salesforce
system hubspot
entity salesforce.Lead
  email: email
  phone: phone
entity hubspot.Contact
  email: email
process lead_to_cash
  step qualify
  step quote
  end won
"""


def hints(text: str) -> list[tuple[str, str]]:
    analysis = crmdsl.analyze(BASE + text, "m.crm")
    return [(d.message, d.hint) for d in analysis.diagnostics]


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ("system x owner sals\n", "no team `sals`", "did you mean `sales`?"),
        ("system x owner Sales\n", "no team `Sales`", "did you mean `sales`?"),
        (
            "journey j\n  stage s\n    touchpoint t system salesforc\n",
            "no system `salesforc`",
            "did you mean `salesforce`?",
        ),
        (
            "journey j\n  stage s\n    touchpoint t channel emial\n",
            "no channel `emial`",
            "did you mean `email` or `mail`?",
        ),
        (
            "journey j\n  stage s\n    touchpoint t channel phne\n",
            "no channel `phne`",
            "did you mean `phone`?",
        ),
        (
            "journey j\n  stage s\n    touchpoint t captures salesfroce.Lead.email\n",
            "no system `salesfroce`",
            "did you mean `salesforce`?",
        ),
        (
            "journey j\n  stage s\n    touchpoint t captures salesforce.Laed.email\n",
            "no entity `Laed` in system `salesforce`",
            "did you mean `Lead`?",
        ),
        (
            "journey j\n  stage s\n    touchpoint t captures salesforce.Lead.emali\n",
            "no field `emali` in entity `salesforce.Lead`",
            "did you mean `email`?",
        ),
        (
            "journey j\n  stage s\n    touchpoint t backstage lead_to_cash.qualfy\n",
            "no step or decision `qualfy` in process `lead_to_cash`",
            "did you mean `qualify`?",
        ),
        (
            "journey j\n  stage s\n    touchpoint t backstage lead_to_csh.qualify\n",
            "no process `lead_to_csh`",
            "did you mean `lead_to_cash`?",
        ),
        (
            "process p\n  step a -> qualify\n",
            "no step, decision or end `qualify` in process `p`",
            "",
        ),
        (
            "process p\n  step a -> bb\n  step b\n",
            "no step, decision or end `bb` in process `p`",
            "did you mean `b`?",
        ),
        (
            "process p\n  decision d\n    yes -> ende\n  end ended\n",
            "no step, decision or end `ende` in process `p`",
            "did you mean `ended`?",
        ),
        (
            "process p\n  step a\n  step b\n  flow a -> bee\n",
            "no step, decision or end `bee` in process `p`",
            "",
        ),
        (
            "goal g supported-by lead_to_cahs\n",
            "no journey, process, integration or system `lead_to_cahs`",
            "did you mean `lead_to_cash`?",
        ),
        (
            "integration i hubspot -> salesforce\n  map Contact.emal -> Lead.email\n",
            "no field `emal` in entity `hubspot.Contact`",
            "did you mean `email`?",
        ),
        (
            "integration i hubspot -> salesforce\n  map Contact.email -> Lead.phon\n",
            "no field `phon` in entity `salesforce.Lead`",
            "did you mean `phone`?",
        ),
    ],
)
def test_references(text: str, message: str, hint: str) -> None:
    assert hints(text) == [(message, hint)]


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ("jorney j\n", "unknown statement `jorney`", "did you mean `journey`?"),
        ("sytem s\n", "unknown statement `sytem`", "did you mean `system` or `team`?"),
        ("integraton i a -> b\n", "unknown statement `integraton`", "did you mean `integration`?"),
        ("system s ownr sales\n", "unknown clause `ownr` in a system", "did you mean `owner`?"),
        ("system s kind crmm\n", "`crmm` is not a kind of a system", "did you mean `crm`?"),
        (
            "system s\nentity s.E\n  a: strng\n",
            "`strng` is not a field type",
            "did you mean `string`?",
        ),
        (
            "system s\nentity s.E\n  a: string requird\n",
            "`requird` is not a field flag",
            "did you mean `required`?",
        ),
        (
            "journey j\n  stage s\n    touchpoint t scroe 3\n",
            "unknown clause `scroe` in a touchpoint",
            "did you mean `score`?",
        ),
        (
            "journey j\n  stage s\n    touchpont t\n",
            "unknown clause `touchpont` in a stage",
            "did you mean `touchpoint`?",
        ),
        ("process p\n  stp a\n", "unknown clause `stp` in a process", "did you mean `step`?"),
    ],
)
def test_statements_and_clauses(text: str, message: str, hint: str) -> None:
    assert hints(text) == [(message, hint)]


def test_nothing_close_gives_the_list_or_nothing() -> None:
    ((message, hint),) = hints("system x owner zzzzzz\n")
    assert (message, hint) == (
        "no team `zzzzzz`",
        'declare it, such as `team zzzzzz "…"`, or fix the name',
    )
    ((message, hint),) = hints("system s qqqqqq\n")
    assert message == "unknown clause `qqqqqq` in a system"
    assert hint == (
        "it takes `kind`, `owner`, `users`, `licenses`, `planned`, `retiring`, `by`, `record-of`, "
        "`cost`"
    )


def test_the_wrong_kind_of_thing_says_what_it_is() -> None:
    assert hints("system x owner salesforce\n") == [("`salesforce` is a system, not a team", "")]
