"""`crmdsl.diff_maps` on small edits of the acme example: what each kind of change reads as."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import crmdsl

ROOT = Path(__file__).parents[2]
ACME = (ROOT / "examples" / "acme.crm").read_text(encoding="utf-8")
TODAY = datetime.date(2026, 10, 1)


def diff_of(*replacements: tuple[str, str]) -> crmdsl.MapDiff:
    new = ACME
    for old, made in replacements:
        assert old in new, old
        new = new.replace(old, made)
    return crmdsl.diff_maps(
        crmdsl.analyze(ACME, "acme.crm"), crmdsl.analyze(new, "acme.crm"), today=TODAY
    )


def changes(diff: crmdsl.MapDiff) -> list[tuple[str, str, list[str]]]:
    return [(c.status, c.key, [x.text() for x in c.clauses]) for c in diff.changes]


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        (("score 4 owner marketing system hubspot", "score 4 owner marketing system hubspot moment-of-truth"),
         [("changed", "touchpoint onboarding.webinar", ["+ moment-of-truth"])]),
        ((" moment-of-truth\n", "\n"),
         [("changed", "touchpoint onboarding.demo", ["− moment-of-truth"])]),
        (('kpi "Demo-to-close rate" target 25%', 'kpi "Demo-to-close rate" target 30%'),
         [("changed", "touchpoint onboarding.demo",
           ['kpi "Demo-to-close rate" target 25% → "Demo-to-close rate" target 30%'])]),
        (("manual takes 1d", "automated takes 1d"),
         [("changed", "step lead_to_cash.quote", ["mode manual → automated"])]),
        (("every 15m", "daily"), [("changed", "integration lead_sync", ["frequency every 15m → daily"])]),
        (('    "Needs legal review" -> legal', '    "Needs legal" -> legal'),
         [("changed", "process lead_to_cash",
           ['flow approved -> legal "Needs legal review" → approved -> legal "Needs legal"'])]),
        (("  map Contact.phone -> Lead.phone\n", ""),
         [("removed", "map-line lead_sync:hubspot.Contact.phone -> salesforce.Lead.phone", [])]),
        (("  phone: phone pii\n  lifecycle", "  phone: phone\n  lifecycle"),
         [("changed", "field hubspot.Contact.phone", ["− pii"])]),
    ],
    ids=["flag-set", "flag-cleared", "kpi-target", "mode", "frequency", "outcome-label",
         "map-line", "field-flag"],
)  # fmt: skip
def test_a_clause_change_reads_old_to_new(
    replace: tuple[str, str], expected: list[tuple[str, str, list[str]]]
) -> None:
    diff = diff_of(replace)
    assert changes(diff) == expected
    assert not diff.same


def test_stages_in_another_order_are_a_change() -> None:
    buy = '  stage buy "Purchase"\n'
    start = ACME.index(buy)
    end = ACME.index('  stage help "Support"\n')
    block = ACME[start:end]
    aware = ACME.index('  stage aware "Awareness"\n')
    moved = ACME[:aware] + block + ACME[aware:start] + ACME[end:]
    diff = crmdsl.diff_maps(
        crmdsl.analyze(ACME, "acme.crm"), crmdsl.analyze(moved, "acme.crm"), today=TODAY
    )
    assert changes(diff) == [
        ("changed", "journey onboarding", ["order of stages aware, buy, help → buy, aware, help"])
    ]


def test_a_touchpoint_moved_to_another_stage() -> None:
    line = '    touchpoint ad "LinkedIn ad" channel ads score 3 owner marketing\n'
    moved = ACME.replace(line, "").replace(
        '  stage help "Support"\n', '  stage help "Support"\n' + line
    )
    diff = crmdsl.diff_maps(
        crmdsl.analyze(ACME, "acme.crm"), crmdsl.analyze(moved, "acme.crm"), today=TODAY
    )
    assert ("changed", "touchpoint onboarding.ad", ["in aware → help"]) in changes(diff)


def test_order_of_declarations_and_lists_is_no_change_of_meaning() -> None:
    diff = diff_of(
        ('team revops "Revenue Operations"\nteam sales "Sales"\n',
         'team sales "Sales"\nteam revops "Revenue Operations"\n'),
        ("captures hubspot.Contact.email, hubspot.Contact.phone",
         "captures hubspot.Contact.phone, hubspot.Contact.email"),
    )  # fmt: skip
    assert diff.same and diff.changes == []
    assert [(n.kind, n.text) for n in diff.notes] == [
        ("order", "touchpoint onboarding.webinar: captures written in another order"),
        ("order", "declarations at the top of the map written in another order"),
        ("format", "acme.crm: the text changed, not the meaning"),
    ]


def test_a_step_arrow_to_where_it_flows_anyway_changes_nothing() -> None:
    diff = diff_of(
        (
            '"Send quote" owner sales manual takes 1d',
            '"Send quote" owner sales manual takes 1d -> approved',
        )
    )
    assert diff.same
    assert [n.kind for n in diff.notes] == ["format"]


def test_a_partly_loaded_map_is_compared_as_far_as_it_loaded() -> None:
    diff = diff_of(("users 120", "users 150"), ("sla 1d", "sla tomorrow"))
    assert diff.load_failed and not diff.linted
    assert [d.kind for d in diff.new_errors] == ["syntax"]
    assert ("changed", "system salesforce", ["users 120 → 150"]) in changes(diff)


def test_a_new_journey_lists_only_the_journey() -> None:
    diff = diff_of(
        (
            "process lead_to_cash",
            'journey j2 "Renewal"\n  stage s "Renew"\n    touchpoint t "Call"\n\nprocess lead_to_cash',
        )
    )
    assert changes(diff) == [("added", "journey j2", [])]
    assert [(v.name, v.status) for v in diff.views][:2] == [
        ("journey j2", "added"),
        ("blueprint j2", "added"),
    ]
