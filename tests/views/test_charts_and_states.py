"""The goals and scores charts, and the as-is / to-be / both states of every view.

Without a browser: the Mermaid text the views write (the real-Mermaid proof of the same
views, hostile labels included, is in test_views_real_mermaid.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import crmdsl
from crmdsl.cli.app import app
from crmdsl.views import ViewError, everything, render, subjects
from crmdsl.views.xychart import nice_range, number_text

PLAN = """\
map "Plan"
team svc "Service"
system zd "Zendesk" kind service retiring by 2027-06-30
system sf "Salesforce" kind crm
system bot "Botco" kind service planned by 2027-03-31
entity zd.Ticket "Ticket"
  subject: text
entity sf.Case "Case"
  subject: text
  channel: text planned
integration sync "Ticket sync" zd -> sf daily via api
  map Ticket.subject -> Case.subject
integration botsync "Bot sync" bot -> sf realtime via api planned
journey help "Get help" owner svc
  stage ask "Ask"
    touchpoint form "Web form" channel web score 2 owner svc system zd retiring
    touchpoint chat "Chatbot" channel chat score 4 owner svc system bot planned by 2027-03-31
    touchpoint note "Note" channel email owner svc
  stage fix "Fix" planned
    touchpoint fixit "Fix it" channel email score 5 owner svc
process solve "Solve" owner svc
  step triage "Triage" owner svc system zd manual retiring
  step autotriage "Auto triage" owner svc system bot automated planned
  end done "Done"
goal g "Cut cost" owner svc
  metric cost baseline 500_000 USD target -20% actual 450_000 USD as-of 2026-10-01
  metric fcr baseline 60% target 75% actual 64%
goal h "Only money"
  metric rev baseline 100 USD target 150 USD
"""


@pytest.fixture(scope="module")
def plan() -> crmdsl.CrmMap:
    return crmdsl.loads(PLAN, "plan.crm")


# --- goals --------------------------------------------------------------------------------


def test_a_goal_in_two_units_has_a_chart_per_unit(plan: crmdsl.CrmMap) -> None:
    assert subjects(plan, "goals") == ["g.USD", "g.percent", "h"]
    money = render(plan, "goals", "g.USD")
    assert money.title == "Cut cost (USD)"
    assert '\tx-axis ["cost baseline", "cost actual", "cost target"]\n' in money.text
    # a signed percent target is the level it means: 500,000 less 20%
    assert "\tbar [500000, 450000, 400000]\n" in money.text
    assert '\ty-axis "USD" 0 --> 500000\n' in money.text
    share = render(plan, "goals", "g.percent")
    assert '\ty-axis "#37;" 0 --> 100\n' in share.text and "\tbar [60, 64, 75]\n" in share.text


def test_a_goal_chart_is_titled_with_the_goal_and_shows_its_values(plan: crmdsl.CrmMap) -> None:
    chart = render(plan, "goals", "h")
    assert chart.title == "Only money"
    assert chart.text.startswith("---\nconfig:\n  xyChart:\n    showDataLabel: true\n")
    assert '\ttitle "Only money"\n' in chart.text


@pytest.mark.parametrize(
    ("subject", "message"),
    [
        (
            "g",
            "goal `g` has metrics in several units, one chart each: --id g.USD or --id g.percent",
        ),
        ("nope", "no goal chart `nope` in this map (one of: g.USD, g.percent, h)"),
        (None, "the goals view needs --id GOAL (g.USD, g.percent, h)"),
    ],
)
def test_goal_chart_ids(plan: crmdsl.CrmMap, subject: str | None, message: str) -> None:
    with pytest.raises(ViewError) as error:
        render(plan, "goals", subject)
    assert str(error.value) == message


def test_chart_numbers_and_ranges() -> None:
    assert [number_text(v) for v in (500000.0, -3.0, 0.25, 1 / 3)] == [
        "500000",
        "-3",
        "0.25",
        "0.333333",
    ]
    assert nice_range([400_000, 500_000]) == (0, 500_000)
    assert nice_range([1, 2.2]) == (0, 2.5)
    assert nice_range([-30, 12]) == (-50, 20)
    assert nice_range([0]) == (0, 1)


# --- scores -------------------------------------------------------------------------------


def test_scores_draw_as_is_and_to_be_where_the_plan_changes_the_journey(
    plan: crmdsl.CrmMap,
) -> None:
    curve = render(plan, "scores", "help")
    assert curve.title == "Emotion curve: Get help"
    # the unscored touchpoint is left out; journey order
    assert '\tx-axis ["Web form", "Chatbot", "Fix it"]\n' in curve.text
    assert '\tline "as#45;is" [2, 2, 2]\n' in curve.text
    assert '\tline "to#45;be" [4, 4, 5]\n' in curve.text
    assert "showLegend: true" in curve.text


def test_scores_draw_one_line_for_one_state_and_for_an_unchanged_journey(
    plan: crmdsl.CrmMap,
) -> None:
    as_is = render(plan, "scores", "help", state="as-is")
    assert '\tx-axis ["Web form"]\n' in as_is.text and "\tline [2]\n" in as_is.text
    to_be = render(plan, "scores", "help", state="to-be")
    assert '\tx-axis ["Chatbot", "Fix it"]\n' in to_be.text and "\tline [4, 5]\n" in to_be.text
    acme = crmdsl.load("examples/acme.crm")
    assert "\tline [3, 4, 5, 2]\n" in render(acme, "scores").text


def test_touchpoints_of_the_same_label_are_told_apart() -> None:
    text = 'map "M"\njourney j "J"\n  stage s "S"\n'
    text += '    touchpoint a "Call" score 2\n    touchpoint b "Call" score 4\n'
    curve = render(crmdsl.loads(text, "m.crm"), "scores", "j")
    assert '\tx-axis ["Call #40;a#41;", "Call #40;b#41;"]\n' in curve.text


def test_a_journey_without_scores_has_no_curve() -> None:
    text = 'map "M"\njourney j "J"\n  stage s "S"\n    touchpoint a "Call"\n'
    crm_map = crmdsl.loads(text, "m.crm")
    assert subjects(crm_map, "scores") == []
    with pytest.raises(ViewError, match="journey `j` has no scored touchpoint"):
        render(crm_map, "scores", "j")


# --- states -------------------------------------------------------------------------------


def test_both_states_tag_the_plan_and_dash_what_is_planned(plan: crmdsl.CrmMap) -> None:
    process = render(plan, "process", "solve").text
    assert '\tp_triage["Triage<br>Zendesk #183; manual<br>retiring"]\n' in process
    assert "\t\tp_triage:::manual\n\t\tp_triage:::retiring\n" in process
    assert "\tclassDef planned stroke-dasharray:5 5\n" in process
    assert "\tp_autotriage:::planned\n" in process
    systems = render(plan, "integrations").text
    assert '\tn_bot -.->|"Bot sync #183; realtime #183; api #183; planned"| n_sf\n' in systems
    journey = render(plan, "journey", "help").text
    assert "\t\tWeb form #40;Web#41; #183; retiring: 2 : Service\n" in journey
    assert "\tsection Fix #183; planned\n" in journey  # a stage's tag, in its name
    assert "\t\tFix it #40;Email#41; #183; planned: 5 : Service\n" in journey  # inherited
    entities = render(plan, "entities").text
    assert 'e_zd_46__ticket["Ticket #183; retiring"]' in entities
    assert '\t\ttext subject "retiring"\n' in entities  # a retiring system's fields retire
    # a box that holds others (a stage) and an entity are styled too, not only tagged
    assert "\tclassDef retiring color:#718096,stroke:#a0aec0\n" in entities
    assert "\tclass e_zd_46__ticket retiring\n" in entities
    blueprint = render(plan, "blueprint", "help").text
    assert '\t\tsubgraph g_stage_46_fix ["Fix #183; planned"]\n' in blueprint
    assert "\tclass g_stage_46_fix planned\n" in blueprint


def test_an_older_mermaid_gets_no_classes_in_an_entity_diagram(plan: crmdsl.CrmMap) -> None:
    older = render(plan, "entities", mermaid_version="11.5").text
    assert "class" not in older and 'e_zd_46__ticket["Ticket #183; retiring"]' in older


def test_a_system_of_record_is_a_box_with_a_thick_border() -> None:
    acme = crmdsl.load("examples/acme.crm")
    lineage = render(acme, "lineage", "hubspot.Contact.email").text
    assert "\tclassDef record fill:#ebf4ff,stroke-width:3px,stroke:#2b6cb0\n" in lineage
    assert "\tclass g_salesforce record\n" in lineage


def test_one_state_draws_that_map_plainly(plan: crmdsl.CrmMap) -> None:
    as_is = render(plan, "process", "solve", state="as-is").text
    assert "Auto triage" not in as_is and "retiring" not in as_is and "Triage" in as_is
    to_be = render(plan, "integrations", state="to-be").text
    assert "Zendesk" not in to_be and "planned" not in to_be and "Botco" in to_be
    journey = render(plan, "journey", "help", state="to-be").text
    assert "Web form" not in journey and "planned" not in journey and "Fix it" in journey


def test_a_map_without_a_plan_is_drawn_alike_in_every_state() -> None:
    acme = crmdsl.load("examples/acme.crm")
    texts = [[d.text for d in everything(acme, state=s)[0]] for s in ("both", "as-is", "to-be")]
    assert texts[0] == texts[1] == texts[2]


def test_an_unknown_state_is_an_error(plan: crmdsl.CrmMap) -> None:
    with pytest.raises(ViewError, match="no state `later`; the states are as-is, to-be, both"):
        render(plan, "overview", state="later")


def test_every_state_is_the_same_bytes_twice(plan: crmdsl.CrmMap) -> None:
    for state in ("both", "as-is", "to-be"):
        first = [d.text for d in everything(plan, state=state)[0]]
        again = [d.text for d in everything(crmdsl.loads(PLAN, "plan.crm"), state=state)[0]]
        assert first == again


# --- the command line and docs markers ----------------------------------------------------


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_render_takes_a_state(tmp_path: Path) -> None:
    path = tmp_path / "plan.crm"
    path.write_text(PLAN, encoding="utf-8")
    code, out, _ = cli("render", str(path), "--view", "integrations", "--state", "to-be")
    assert code == 0 and "Botco" in out and "Zendesk" not in out and "planned" not in out
    code, out, _ = cli("render", str(path), "--view", "integrations")
    assert code == 0 and "Zendesk<br>service<br>retiring" in out
    code, out, err = cli("render", str(path), "--view", "overview", "--state", "later")
    assert code == 2 and out == ""
    assert "--state must be one of as-is, to-be, both, not later" in err
    folder = tmp_path / "as-is"
    code, out, _ = cli(
        "render", str(path), "--all", "--state", "as-is", "-o", str(folder), "--format", "mmd"
    )
    assert code == 0
    assert "Botco" not in (folder / "integrations.mmd").read_text("utf-8")


def test_a_docs_marker_takes_a_state(tmp_path: Path) -> None:
    (tmp_path / "plan.crm").write_text(PLAN, encoding="utf-8")
    page = tmp_path / "p.md"
    marker = (
        "<!-- crmdsl:begin view=scores id=help map=plan.crm state={} -->\n<!-- crmdsl:end -->\n"
    )
    page.write_text(marker.format("as-is"), encoding="utf-8")
    code, _, _ = cli("docs", str(page), "-q")
    assert code == 0 and "\tline [2]\n" in page.read_text("utf-8")
    page.write_text(marker.format("later"), encoding="utf-8")
    code, _, err = cli("docs", str(page), "-q")
    assert code == 2 and "p.md:1: no state `later`; the states are as-is, to-be, both" in err


def test_diff_names_the_goal_chart_a_changed_metric_redraws(tmp_path: Path) -> None:
    old = (Path(__file__).resolve().parents[2] / "examples" / "b2b_support.crm").read_text("utf-8")
    (tmp_path / "old.crm").write_text(old, encoding="utf-8")
    new = old.replace("metric grr baseline 88% target 92%", "metric grr baseline 88% target 93%")
    (tmp_path / "new.crm").write_text(new, encoding="utf-8")
    code, out, _ = cli("diff", str(tmp_path / "old.crm"), str(tmp_path / "new.crm"))
    assert code == 1
    assert out.endswith("view goals retention.percent changed\n")


@pytest.mark.mermaid
def test_mermaid_dashes_a_planned_stage_and_greys_a_retiring_entity(
    plan: crmdsl.CrmMap, mermaid_renderer: crmdsl.MermaidRenderer
) -> None:
    """`mermaid_renderer` skips (fails under CI) when Chromium or mermaid-cli is missing."""
    import re

    blueprint, entities = mermaid_renderer.render_many(
        [render(plan, "blueprint", "help").text, render(plan, "entities").text]
    )
    assert blueprint.svg is not None and entities.svg is not None, (blueprint, entities)
    stage = re.search(
        r'<g class="cluster planned" id="[^"]*g_stage_46_fix"[^>]*><rect style="([^"]*)"',
        blueprint.svg,
    )
    assert stage is not None and "stroke-dasharray:5 5" in stage.group(1)
    ticket = re.search(
        r'<g class="node default retiring" id="[^"]*e_zd_46__ticket[^"]*"[^>]*>(.{0,600})',
        entities.svg,
    )
    assert ticket is not None and "stroke:#a0aec0" in ticket.group(1)
