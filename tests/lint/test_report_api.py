"""`crmdsl.report()` gives what `crmdsl report` writes: the plan's findings and the diagrams."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import crmdsl

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 23)


def test_the_api_report_lints_both_states_of_a_planned_map() -> None:
    """Deliberate bug caught: the API left the states out ("were not computed")."""
    shop = crmdsl.load(ROOT / "examples" / "shop" / "shop.crm")
    page = crmdsl.report(shop, crmdsl.lint(shop, today=TODAY).findings, TODAY, "shop.crm")
    assert "From as-is to to-be" in page
    assert "were not computed" not in page
    assert "```mermaid" not in page
    without = crmdsl.report(shop, None, TODAY, "shop.crm", plan=False)
    assert "The findings of each state were not computed." in without


def test_the_api_report_embeds_diagrams_when_asked() -> None:
    acme = crmdsl.load(ROOT / "examples" / "acme.crm")
    page = crmdsl.report(acme, None, TODAY, "acme.crm", diagrams=True)
    assert page.count("```mermaid") >= 3
    assert crmdsl.render(acme, "process", "lead_to_cash").text in page
