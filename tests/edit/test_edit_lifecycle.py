"""The edit engine sets and clears the clauses of plans, measurements, the backlog and cost.

Each edit is applied and the result loaded again: the model holds the new value (or no
longer holds the old one), and the text changed only where the edit says.
"""

from __future__ import annotations

import datetime as dt

import pytest

import crmdsl
from crmdsl import edit

MAP = """\
map "T"
team sales "Sales"
system crm "CRM" kind crm users 12 licenses 10 retiring by 2027-01-01
  cost 1_000 USD per month
entity crm.Lead "Lead" records 100
  email: email pii planned by 2027-02-01 required
  id: id readonly required
journey j "J"
  stage s "S"
    touchpoint t "T" channel web score 3 planned by 2027-03-31
      idea "Do it" owner sales status doing for g
      kpi "Rate" target 20%
goal g "G"
  metric cost baseline 500_000 USD target -20%
"""


@pytest.fixture
def analysis() -> crmdsl.Analysis:
    found = crmdsl.analyze(MAP, "t.crm")
    assert not found.diagnostics
    return found


def applied(analysis: crmdsl.Analysis, patch: crmdsl.Patch) -> tuple[str, crmdsl.CrmMap]:
    text = patch.apply({"t.crm": analysis.sources["t.crm"].text})["t.crm"]
    return text, crmdsl.loads(text, "t.crm")


def test_a_field_gets_its_lifecycle_at_the_end_of_its_line(analysis: crmdsl.Analysis) -> None:
    text, mp = applied(analysis, edit.set_clause(analysis, "crm.Lead.id", "retiring"))
    assert "  id: id readonly required retiring\n" in text
    assert mp.entities[0].fields[1].lifecycle == "retiring"
    text, mp = applied(analysis, edit.set_clause(analysis, "crm.Lead.email", "retiring"))
    assert "  email: email pii retiring by 2027-02-01 required\n" in text


def test_clearing_a_flag_clears_its_date(analysis: crmdsl.Analysis) -> None:
    text, mp = applied(analysis, edit.clear_clause(analysis, "j.t", "planned"))
    assert '    touchpoint t "T" channel web score 3\n' in text
    tp = mp.journeys[0].stages[0].touchpoints[0]
    assert (tp.lifecycle, tp.lifecycle_by) == ("current", None)
    text, mp = applied(analysis, edit.clear_clause(analysis, "crm.Lead.email", "planned"))
    assert "  email: email pii required\n" in text


def test_a_date_without_a_flag_is_refused(analysis: crmdsl.Analysis) -> None:
    with pytest.raises(edit.EditError, match="`by` dates a change"):
        edit.set_clause(analysis, "j.s", "by", "2027-01-01")
    _, mp = applied(analysis, edit.set_clause(analysis, "j.s", "planned"))
    assert mp.journeys[0].stages[0].lifecycle == "planned"


def test_evidence_actuals_and_money_clauses(analysis: crmdsl.Analysis) -> None:
    _, mp = applied(analysis, edit.add_item(analysis, "j.t", "evidence", "NPS survey, n=412"))
    assert mp.journeys[0].stages[0].touchpoints[0].evidence == ["NPS survey, n=412"]
    kpi = analysis.map.journeys[0].stages[0].touchpoints[0].kpis[0]
    _, mp = applied(analysis, edit.set_clause(analysis, kpi, "actual", "12%"))
    actual = mp.journeys[0].stages[0].touchpoints[0].kpis[0].actual
    assert actual is not None and actual.text == "12%"
    metric = analysis.map.goals[0].metrics[0]
    text, mp = applied(analysis, edit.set_clause(analysis, metric, "as-of", "2026-10-31"))
    assert mp.goals[0].metrics[0].as_of == dt.date(2026, 10, 31)
    with pytest.raises(edit.EditError, match="a margin is a percent from 0% to 100%"):
        edit.set_clause(analysis, metric, "margin", "150%")
    _, mp = applied(analysis, edit.set_clause(analysis, "g", "horizon", "5y"))
    horizon = mp.goals[0].horizon
    assert horizon is not None and horizon.text == "5y"
    _, mp = applied(analysis, edit.set_clause(analysis, "crm", "licenses", "20"))
    assert mp.systems[0].licenses == 20
    _, mp = applied(analysis, edit.clear_clause(analysis, "crm", "licenses"))
    assert mp.systems[0].licenses is None
    _, mp = applied(analysis, edit.set_clause(analysis, "crm.Lead", "growth", "-5% per year"))
    growth = mp.entities[0].growth
    assert growth is not None and growth.value == -5.0
    _, mp = applied(analysis, edit.add_cost(analysis, "crm", "5_000 USD", "once"))
    assert [(c.amount.value, c.period) for c in mp.systems[0].costs] == [
        (1000.0, "month"),
        (5000.0, "once"),
    ]


def test_ideas_are_added_moved_on_and_removed(analysis: crmdsl.Analysis) -> None:
    _, mp = applied(analysis, edit.add_item(analysis, "j.t", "idea", "Call back"))
    assert [i.text for i in mp.journeys[0].stages[0].touchpoints[0].ideas] == ["Do it", "Call back"]
    text, mp = applied(
        analysis, edit.add_idea(analysis, "j.t", "Chat", owner="sales", status="open", for_goal="g")
    )
    assert '      idea "Chat" owner sales status open for g\n' in text
    with pytest.raises(edit.EditError, match="no goal `gg`"):
        edit.add_idea(analysis, "j.t", "Chat", for_goal="gg")
    idea = analysis.map.journeys[0].stages[0].touchpoints[0].ideas[0]
    _, mp = applied(analysis, edit.set_clause(analysis, idea, "status", "done"))
    assert mp.journeys[0].stages[0].touchpoints[0].ideas[0].status == "done"
    _, mp = applied(analysis, edit.clear_clause(analysis, idea, "owner"))
    assert mp.journeys[0].stages[0].touchpoints[0].ideas[0].owner is None
    _, mp = applied(analysis, edit.remove_item(analysis, "j.t", "idea", "Do it"))
    assert mp.journeys[0].stages[0].touchpoints[0].ideas == []
    with pytest.raises(edit.EditError, match='has no idea "Nope"'):
        edit.remove_idea(analysis, "j.t", "Nope")
