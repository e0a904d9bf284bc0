"""The request table: each request on an example map, with what its answer must say.

Every row runs twice: through the engine's API (`Engine.ask`) and through
`crmdsl ask MAP "request"`; both must show the same expected content. Edit rows expect
lines of the diff; no row changes the file (the CLI runs without --apply).
"""

# ruff: noqa: E501  (the request table: one request a line)

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from crmdsl.assistant.engine import Engine
from tests.assistant.conftest import ask_cli

A = "acme.crm"
B = "b2b_support.crm"

# (map, request, kind, [every one of these must be in the answer])
TABLE: list[tuple[str, str, str, list[str]]] = [
    # ---- lookups
    (A, "who owns lead_sync", "lookup", ["`lead_sync`", "team `it` (IT)", "acme.crm:72"]),
    (A, "Who is responsible for the Lead Sync?", "lookup", ["team `it`"]),
    (A, "owner of hubspot", "lookup", ["team `marketing`", "acme.crm:17"]),
    (A, "whose is the quote step", "lookup", ["`lead_to_cash.quote`", "team `sales`"]),
    (A, "who owns LEAD_TO_CASH", "lookup", ["Process `lead_to_cash`", "team `sales`"]),
    (A, "what does the webinar capture", "lookup", ["`hubspot.Contact.email`", "`hubspot.Contact.phone`", "acme.crm:49"]),
    (A, "what data does the Support ticket touchpoint collect", "lookup", ["`zendesk.Ticket.subject`"]),
    (A, "what does the demo touchpoint capture", "lookup", ["captures no data", "acme.crm:53"]),
    (A, "which systems hold PII", "lookup", ["`hubspot`", "`salesforce`", "`netsuite`", "`zendesk`", "Lead.email"]),
    (A, "where is the personal data", "lookup", ["SalesOrder.customer_email"]),
    (A, "list the moments of truth", "lookup", ["`onboarding.demo`", "acme.crm:53"]),
    (B, "what are the moments of truth", "lookup", ["`customer_life.report_ticket`", "`customer_life.eng_wait`", "`customer_life.renewal_quote`"]),
    (A, "which steps are manual", "lookup", ["`lead_to_cash.quote`", "`lead_to_cash.legal`"]),
    (A, "which steps are automated", "lookup", ["`lead_to_cash.order`"]),
    (B, "list the manual steps", "lookup", ["`handover.handover_form`", "`triage.l1`"]),
    (A, "what is the system of record for orders", "lookup", ["`netsuite`", "acme.crm:20"]),
    (A, "which system is the record of tickets", "lookup", ["`zendesk`"]),
    (B, "system of record for contracts", "lookup", ["`salesforce`"]),
    (A, "what is the system of record for invoices", "lookup", ["No system is the record of", "`order`"]),
    (A, "list the systems", "lookup", ["The systems (4)", "`hubspot` HubSpot"]),
    (A, "which teams are there", "lookup", ["The teams (5)", "`revops`"]),
    (B, "show me all the processes", "lookup", ["`handover`", "`triage`", "`escalation`", "`renewal`"]),
    (A, "list the integrations", "lookup", ["`lead_sync`", "`order_sync`"]),
    (A, "what is hubspot", "lookup", ["System `hubspot`", "**HubSpot**", "Referenced 8 times"]),
    (A, "tell me about the demo", "lookup", ["Touchpoint `onboarding.demo`", "a moment of truth"]),
    (B, "describe the renewal tracker", "lookup", ["System `renewal_tracker`"]),
    # ---- lineage
    (A, "where does Lead.email come from", "lineage", ["`hubspot.Contact.email` → `salesforce.Lead.email`", "`lead_sync`", "every 15m via api", "acme.crm:73"]),
    (A, "where does the phone number go", "lineage", ["`hubspot.Contact.phone` → `salesforce.Lead.phone`", "every 15m"]),
    (A, "where does Contact.email go", "lineage", ["goes to: `hubspot.Contact.email` → `salesforce.Lead.email`"]),
    (A, "lineage of SalesOrder.total", "lineage", ["`salesforce.Opportunity.amount` → `netsuite.SalesOrder.total`", "realtime via api"]),
    (A, "trace hubspot.Contact.email", "lineage", ["captured at touchpoint `onboarding.webinar`"]),
    (B, "where does User.email come from", "lineage", ["`salesforce.Contact.email` → `zendesk.User.email`", "hourly via api"]),
    (B, "where does the ticket subject go", "lineage", ["`zendesk.Ticket.subject` → `jira.Issue.summary`", "on-change"]),
    (A, "where does Lead.status come from", "lineage", ["`hubspot.Contact.lifecycle` → `salesforce.Lead.status`"]),
    # ---- journeys
    (A, "what are the pain points in onboarding", "journey", ["Registration asks for 12 fields", "Has to repeat the order number", "acme.crm:57"]),
    (A, "pains of the SMB onboarding journey", "journey", ["`onboarding.webinar`"]),
    (B, "what hurts in the customer lifecycle", "journey", ["Connector errors show a stack trace"]),
    (A, "list the pains", "journey", ["Registration asks for 12 fields"]),
    (A, "where is the customer unhappiest", "journey", ["score 2 of 5", "`onboarding.ticket`"]),
    (B, "which touchpoint has the lowest score", "journey", ["score 1 of 5", "`customer_life.eng_wait`"]),
    (A, "which pains have no idea yet", "journey", ["`onboarding.ticket`", "Has to repeat the order number"]),
    (B, "pains without ideas", "journey", ["`customer_life.status_check`"]),
    (A, "which moments of truth have no KPI", "journey", ["Every moment of truth has a KPI."]),
    # ---- processes
    (A, "what is the longest path of lead_to_cash", "process", ["qualify → quote → approved → order → won", "3d 4h"]),
    (A, "how long does lead to cash take", "process", ["takes 3d 4h"]),
    (B, "critical path of escalation", "process", ["`escalation`", "link_issue"]),
    (A, "where does the customer wait without an SLA", "process", ["`lead_to_cash.quote`", "`lead_to_cash.legal`"]),
    (B, "which steps have no SLA", "process", ["Every step has an SLA."]),
    (A, "how many hand-offs in lead_to_cash", "process", ["has 3 hand-offs", "`sales` → `revops`"]),
    (B, "handoffs in triage", "process", ["hand-off", "`support` → `sre`"]),
    # ---- impact
    (A, "what breaks if we remove hubspot", "impact", ["8 references to it", "acme.crm:48", "acme.crm:73"]),
    (A, "what breaks if we retire lead_sync", "impact", ["1 reference to it", "acme.crm:83", "new D304"]),
    (A, "what happens if we delete the quote step", "impact", ["`lead_to_cash.quote`", "references to it"]),
    (B, "what depends on jira", "impact", ["system `jira`", "references to it"]),
    (A, "impact of removing the demo", "impact", ["`onboarding.demo`", "acme.crm:83"]),
    # ---- goals
    (A, "what is the ROI of grow", "goal", ["yearly value 100,000 USD", "yearly cost 40,000 USD", "return: 150% over 3 years"]),
    (B, "return on investment of retention", "goal", ["yearly cost", "EUR", "return:"]),
    (B, "what is the roi of faster fixes", "goal", ["one-time cost 9,500 EUR", "no return"]),
    (A, "which goals have no cost", "goal", ["Every goal has a cost."]),
    (A, "what supports grow", "goal", ["`onboarding.demo`", "`lead_to_cash`", "`lead_sync`", "acme.crm:83"]),
    (B, "what supports the first reply goal", "goal", ["`customer_life.report_ticket`", "`triage`"]),
    # ---- findings
    (A, "what's wrong with this map", "findings", ["P208 warning", "I404 warning", "acme.crm:62:3"]),
    (A, "any problems?", "findings", ["D301"]),
    (A, "explain J106", "explain", ["J106 moment-of-truth-no-kpi", "What it does", "nowhere in this map"]),
    (A, "explain p208", "explain", ["P208", "step `qualify` takes 2d but its SLA is 1d"]),
    (A, "what is D999", "not-found", ["There is no rule `D999`"]),
    (A, "how do I fix the problems in lead_to_cash", "findings", ["P208", "P207", "hint:"]),
    (A, "what's wrong with lead_to_cash", "findings", ["Process `lead_to_cash` has 2 warnings", "P208"]),
    # ---- edits
    (A, "add a touchpoint 'Chatbot' to the support stage on chat, owned by service", "edit", ['+    touchpoint chatbot "Chatbot" channel chat owner service', "adds J104"]),
    (A, "rename lead_sync to contact_sync", "edit", ['+integration contact_sync "Lead sync"', "+  supported-by onboarding.demo, lead_to_cash, contact_sync"]),
    (A, "connect zendesk to salesforce daily via api", "edit", ['+integration zendesk_to_salesforce "Zendesk to Salesforce" zendesk -> salesforce daily via api']),
    (A, "make step quote automated", "edit", ['+  step quote "Send quote" owner sales automated takes 1d']),
    (A, "automate the legal step", "edit", ["automated takes 3d"]),
    (A, "set the SLA of qualify to 4h", "edit", ["takes 2d sla 4h", "clears P208"]),
    (A, "set the sla of quote to 1d", "edit", ['+  step quote "Send quote" owner sales manual takes 1d sla 1d', "clears P207"]),
    (A, "set the owner of quote to marketing", "edit", ["owner marketing manual"]),
    (A, "set the score of ad to 4", "edit", ["score 4 owner marketing"]),
    (A, "add a pain 'slow refunds' to the ticket touchpoint", "edit", ['+      pain "slow refunds"']),
    (A, "add an idea 'Show the order in the form' to the ticket", "edit", ['+      idea "Show the order in the form"', "clears J105"]),
    (A, "remove the ad touchpoint", "edit", ['-    touchpoint ad "LinkedIn ad"']),
    (A, "delete hubspot", "edit", ['-system hubspot "HubSpot"', '-integration lead_sync "Lead sync"']),
    (A, "add a goal to cut support cost by 20%", "edit", ['+goal cut_support_cost "Cut support cost by 20%" owner revops', "adds G501"]),
    (A, "add a team support 'Support'", "edit", ['+team support "Support"', "adds M004"]),
    (A, "mark Opportunity.amount as required", "refused", ["already"]),
    (A, "make the ticket a moment of truth", "edit", ["moment-of-truth", "adds J106"]),
    (B, "fix what can be fixed safely", "edit", ["Proposed"]),
    (A, "fix what can be fixed safely", "edit", ["No finding of this map has a safe automatic fix."]),
    # ---- requests that would break the map
    (A, "set the SLA of qualify to tomorrow", "refused", ["I cannot make that change", "expected a duration"]),
    (A, "rename lead_sync to order_sync", "refused", ["`order_sync` is already declared"]),
    (A, "rename hubspot to 9lives", "refused", ["is not an id"]),
    (A, "set the score of ad to 9", "refused", ["I cannot make that change", "score"]),
    (A, "add a team sales 'Sales again'", "refused", ["already declared"]),
    # ---- typos and ambiguous names
    (A, "who owns hubspt", "lookup", ["Taking `hubspt` to mean `hubspot`", "team `marketing`"]),
    (A, "who owns salesforse", "lookup", ["`salesforce`"]),
    (A, "what is the ROI of gorw", "goal", ["Taking `gorw` to mean `grow`", "return: 150%"]),
    (A, "longest path of lead to csh", "process", ["`lead_to_cash`"]),
    (A, "who owns email", "ambiguous", ["could be several things", "`hubspot.Contact.email`", "`salesforce.Lead.email`"]),
    (B, "who owns arr", "ambiguous", ["could be several things", "`salesforce.Account.arr`", "`zendesk.Organization.arr`"]),
    (B, "who owns quote", "lookup", ["`renewal.quote`", "team `sales`"]),
    (A, "who owns zzzz", "not-found", ["I found no thing `zzzz`"]),
    (A, "who owns lead_synk", "lookup", ["`lead_sync`"]),
    (A, "what is the roi of groww", "goal", ["`grow`"]),
    (A, "who owns the ledger", "not-found", ["I found no"]),
    # ---- nonsense
    (A, "what is the weather tomorrow", "unknown", ["I did not understand that", "who owns lead_sync"]),
    (A, "sing me a song", "unknown", ["I did not understand that"]),
    (A, "", "help", ["I answer questions about this map"]),
    (A, "help", "help", ["For example"]),
    (A, "help me map my CRM", "interview", ["crmdsl chat --interview"]),
]  # fmt: skip


def test_the_table_is_large_enough() -> None:
    assert len(TABLE) >= 80
    assert len({(m, q) for m, q, _, _ in TABLE}) == len(TABLE)


@pytest.mark.parametrize(("name", "request_text", "kind", "expected"), TABLE)
def test_engine(
    engine_for: Callable[[str], Engine],
    name: str,
    request_text: str,
    kind: str,
    expected: list[str],
) -> None:
    answer = engine_for(name).ask(request_text)
    for part in expected:
        assert part in answer.text, f"{part!r} not in:\n{answer.text}"
    assert answer.kind == kind, answer.text
    if kind == "edit" and "Proposed" in answer.text:
        assert answer.proposal is not None
        assert answer.proposal.diff in answer.text


@pytest.mark.parametrize(("name", "request_text", "kind", "expected"), TABLE)
def test_cli(maps: Path, name: str, request_text: str, kind: str, expected: list[str]) -> None:
    before = (maps / name).read_bytes()
    code, out = ask_cli("ask", name, request_text, "--today", "2026-10-01")
    flat = " ".join(out.split())
    for part in expected:
        assert " ".join(part.split()) in flat, f"{part!r} not in:\n{out}"
    failed = kind in ("unknown", "refused", "not-found")
    assert code == (1 if failed else 0), out
    assert (maps / name).read_bytes() == before
    assert "Traceback" not in out
