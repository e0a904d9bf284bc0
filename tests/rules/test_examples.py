"""The rules on the example maps: exactly these findings, each one a consultant would make.

These are the rules' raw findings, before suppression comments are applied: the shop's
D302 on `zendesk.Ticket.recipient` and the B2B map's I408 on `status_alerts` are
silenced in the maps themselves, on purpose, and the suppression pass drops them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import crmdsl
from crmdsl.rules import RuleContext, run_rules

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 23)


def findings(path: str) -> list[tuple[str, int, int, str]]:
    crm_map = crmdsl.load(ROOT / path)
    found = run_rules(RuleContext(crm_map, TODAY))
    out = []
    for d in found:
        assert d.span is not None
        out.append(
            (Path(d.span.file).relative_to(ROOT).as_posix(), d.span.line, d.span.col, d.code)
        )
    return out


def messages(path: str) -> dict[tuple[int, str], str]:
    crm_map = crmdsl.load(ROOT / path)
    return {
        (d.span.line, d.code): d.message for d in run_rules(RuleContext(crm_map, TODAY)) if d.span
    }


def test_acme_findings() -> None:
    acme = "examples/acme.crm"
    assert findings(acme) == [
        (acme, 23, 1, "D301"),  # hubspot.Contact: email not unique
        (acme, 23, 1, "D306"),
        (acme, 28, 1, "D306"),
        (acme, 33, 1, "D301"),  # salesforce.Opportunity
        (acme, 37, 1, "D301"),  # netsuite.SalesOrder
        (acme, 37, 1, "D306"),
        (acme, 41, 1, "D301"),  # zendesk.Ticket
        (acme, 41, 1, "D306"),
        (acme, 57, 5, "J105"),
        (acme, 62, 3, "P208"),
        (acme, 63, 3, "P207"),
        (acme, 77, 1, "I404"),
    ]


def test_acme_messages() -> None:
    found = messages("examples/acme.crm")
    assert found[(57, "J105")] == "touchpoint `ticket` scores 2 and has no idea for improving it"
    assert found[(62, "P208")] == "step `qualify` takes 2d but its SLA is 1d"
    assert found[(63, "P207")] == (
        "the customer waits on step `quote` (backstage of `demo`), which has no SLA"
    )
    assert found[(77, "I404")] == "integration `order_sync` has no key to match records on"
    assert found[(23, "D306")] == (
        "entity `hubspot.Contact` holds personal data (`email` and `phone`) but has no "
        "`retain` period"
    )


def test_acme_p207_points_at_the_moment_of_truth() -> None:
    crm_map = crmdsl.load(ROOT / "examples/acme.crm")
    (found,) = run_rules(RuleContext(crm_map, TODAY), ["P207"])
    assert found.hint == "add `sla 1d` (or the promise you make)"
    assert found.span is not None and (found.span.col, found.span.end_col) == (3, 7)
    (note,) = found.notes
    assert note.message == "`demo` is a moment of truth"
    assert note.span is not None and (note.span.line, note.span.col) == (53, 5)


def test_acme_eight_warnings() -> None:
    crm_map = crmdsl.load(ROOT / "examples/acme.crm")
    found = run_rules(RuleContext(crm_map, TODAY))
    assert sum(d.severity == "warning" for d in found) == 8
    assert sum(d.severity == "info" for d in found) == 4
    assert not any(d.severity == "error" for d in found)


def test_shop_findings() -> None:
    shop = "examples/shop/"
    evidence = "J109"  # a score with no evidence, now that the shop records evidence
    assert findings("examples/shop/shop.crm") == [
        (shop + "data.crm", 47, 1, "D306"),  # Klaviyo profiles kept forever
        (shop + "data.crm", 80, 3, "D302"),  # suppressed in the map: the shop's own inbox
        (shop + "goals.crm", 13, 3, "G502"),  # refund_days has no `by`
        (shop + "integrations.crm", 39, 3, "I407"),  # payment status into order status
        (shop + "integrations.crm", 66, 1, "I404"),  # ticket_export has no key
        (shop + "journeys.crm", 19, 65, evidence),
        (shop + "journeys.crm", 21, 5, "D304"),  # quiz answer stays in Klaviyo
        (shop + "journeys.crm", 35, 7, evidence),
        (shop + "journeys.crm", 37, 58, evidence),
        (shop + "journeys.crm", 40, 56, evidence),
        (shop + "journeys.crm", 44, 70, evidence),
        (shop + "journeys.crm", 46, 73, evidence),
        (shop + "journeys.crm", 57, 5, "J104"),  # the planned chatbot has no score yet
        (shop + "journeys.crm", 61, 51, evidence),
        (shop + "journeys.crm", 63, 70, evidence),
        (shop + "journeys.crm", 66, 5, "J104"),  # the planned Okendo request, no score yet
        (shop + "journeys.crm", 70, 3, "J102"),  # referral stage not mapped yet
        (shop + "journeys.crm", 75, 57, evidence),
        (shop + "journeys.crm", 79, 63, evidence),
        (shop + "journeys.crm", 81, 5, "J105"),  # carrier drop-off: pain, no idea
        (shop + "journeys.crm", 81, 59, evidence),
        (shop + "journeys.crm", 92, 63, evidence),
        (shop + "processes.crm", 22, 3, "P207"),  # inspect: the refund waits on it
    ]


def test_shop_messages() -> None:
    found = messages("examples/shop/shop.crm")
    assert found[(21, "D304")] == (
        "touchpoint `quiz` captures `klaviyo.Profile.activity` into `klaviyo`, which is the "
        "record of nothing, and no integration carries it on"
    )
    assert found[(39, "I407")] == (
        "the values `pending`, `paid`, `partially_refunded` and `refunded` of "
        "`shopify.Order.financial_status` have no match in `netsuite.SalesOrder.status`"
    )


def test_b2b_support_findings() -> None:
    b2b = "examples/b2b_support.crm"
    assert findings(b2b) == [
        (b2b, 46, 1, "M003"),  # the renewal spreadsheet has no owner
        (b2b, 62, 3, "D302"),  # Contact.mobile is not flagged pii
        (b2b, 99, 3, "D303"),  # Jira requires a component; the Zendesk link never sets it
        (b2b, 127, 5, "J105"),  # status page: pain, no idea
        (b2b, 150, 5, "D304"),  # risk reasons stay in the Google Sheet
        (b2b, 199, 3, "P208"),  # the fix takes 8d against a 5d SLA
        (b2b, 252, 1, "I408"),  # suppressed in the map: a notification-only integration
        (b2b, 265, 3, "G502"),  # escalated NPS has no baseline yet
    ]


def test_b2b_support_messages() -> None:
    found = messages("examples/b2b_support.crm")
    assert found[(99, "D303")] == (
        "required field `component` of `jira.Issue` is filled by no `map` line and captured "
        "by no touchpoint, though `zd_jira` writes `Issue` records"
    )
    assert found[(265, "G502")] == "metric `escalated_nps` of goal `faster_fixes` has no `baseline`"
