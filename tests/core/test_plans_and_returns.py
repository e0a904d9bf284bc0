"""As-is and to-be, measurements, the backlog, scale and the return of a goal.

What a map says with `planned`/`retiring`, `actual`, `idea ... status`, `licenses`,
`cost` on a system, `growth`, `margin` and `horizon`: how it loads, what each element's
lifecycle is, what each state's map holds, what `goal_return` computes (the formulas of
docs/language.md, "The meaning of the figures"), the JSON export and schema, the load
errors for bad values, and `crmdsl check --state`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import crmdsl
from crmdsl.cli.app import app
from crmdsl.model import json_schema, to_json

from .helpers import load_clean, strip_spans

PLAN = """\
map "Shop"
  owner ops
team ops "Ops"
system mailchimp "Mailchimp" kind marketing owner ops retiring by 2027-06-30
  cost 300 USD per month
system klaviyo "Klaviyo" kind marketing owner ops planned by 2027-03-31 users 8 licenses 10
  cost 12_000 USD per year
  cost 5_000 USD once
entity mailchimp.Member "Member" records 40_000 growth 12% per year
  email: email pii unique
entity klaviyo.Profile "Profile"
  email: email pii unique
  sms: phone pii retiring
journey buying "Buying" owner ops
  stage welcome "Welcome" planned
    touchpoint flow "Welcome flow" channel email owner ops score 4
      evidence "Open rates, Q3 2026"
      idea "Send the quiz result" owner ops status doing for grow
      kpi "Open rate" baseline 30% target 45% actual 38% as-of 2026-10-31
  stage buy "Buy"
    touchpoint cart "Cart" channel web owner ops
process mailing "Mailing" owner ops
  step send "Send" owner ops retiring
  step send2 "Send from Klaviyo" owner ops planned
  end done "Done"
integration member_sync "Member sync" klaviyo -> mailchimp daily owner ops retiring
  map Profile.email -> Member.email key
goal grow "Grow repeat sales" owner ops horizon 2y
  metric repeat baseline 1_000_000 USD target +10% actual +4% as-of 2026-10-31
  cost 30_000 USD per year
  supported-by buying
"""


@pytest.fixture(scope="module")
def plan() -> crmdsl.CrmMap:
    return load_clean(PLAN)


def test_children_inherit_their_parents_lifecycle(plan: crmdsl.CrmMap) -> None:
    life = crmdsl.effective_lifecycle
    member, profile = plan.entities
    assert (member.lifecycle, life(plan, member)) == ("current", "retiring")
    assert life(plan, member.fields[0]) == "retiring"
    assert [life(plan, f) for f in profile.fields] == ["planned", "retiring"]
    flow = plan.journeys[0].stages[0].touchpoints[0]
    assert (flow.lifecycle, life(plan, flow)) == ("current", "planned")
    assert life(plan, flow.ideas[0]) == life(plan, flow.kpis[0]) == "planned"
    assert life(plan, plan.integrations[0].maps[0]) == "retiring"
    assert life(plan, plan.goals[0]) == life(plan, plan.journeys[0]) == "current"
    assert plan.systems[0].lifecycle_by == dt.date(2027, 6, 30)


def test_each_state_leaves_out_what_it_should(plan: crmdsl.CrmMap) -> None:
    as_is = crmdsl.select_state(plan, "as-is")
    to_be = crmdsl.select_state(plan, "to-be")
    assert [s.id for s in as_is.systems] == ["mailchimp"]
    assert [s.id for s in to_be.systems] == ["klaviyo"]
    assert [e.key for e in as_is.entities] == ["mailchimp.Member"]
    assert [(e.key, [f.name for f in e.fields]) for e in to_be.entities] == [
        ("klaviyo.Profile", ["email"])
    ]
    assert [s.id for s in as_is.journeys[0].stages] == ["buy"]
    assert [s.id for s in to_be.journeys[0].stages] == ["welcome", "buy"]
    assert [n.id for n in as_is.processes[0].nodes] == ["send", "done"]
    assert [(e.source, e.target) for e in to_be.processes[0].edges] == [("send2", "done")]
    assert [i.id for i in as_is.integrations] == ["member_sync"] and not to_be.integrations
    # the state maps are resolved maps of their own; the map they came from is unchanged
    assert to_be.lookup("mailchimp") is None and as_is.lookup("klaviyo") is None
    assert to_be.lookup("buying.flow") is to_be.journeys[0].stages[0].touchpoints[0]
    assert len(plan.systems) == 2 and plan.lookup("klaviyo") is plan.systems[1]
    with pytest.raises(ValueError, match="as-is or to-be"):
        crmdsl.select_state(plan, "both")  # type: ignore[arg-type]


def test_a_reference_to_what_a_state_leaves_out_is_left_unresolved() -> None:
    mp = load_clean(
        'map "M"\nsystem old "Old" retiring\nsystem new "New"\n'
        'journey j "J"\n  stage s "S"\n    touchpoint t "T" system old\n'
    )
    to_be = crmdsl.select_state(mp, "to-be")
    left, kept = (m.journeys[0].stages[0].touchpoints[0].system for m in (to_be, mp))
    assert left is not None and left.target is None
    assert kept is not None and kept.target == "old"
    findings = crmdsl.lint(to_be, today=dt.date(2026, 11, 23)).findings
    assert not [f for f in findings if "`old`" in f.message]


def goal(body: str, horizon: str = "") -> crmdsl.GoalReturn:
    mp = load_clean(f'map "M"\ngoal g "G"{horizon}\n' + body)
    return crmdsl.goal_return(mp.goals[0], dt.date(2026, 11, 23))


def test_a_fall_in_cost_is_worth_as_much_as_a_rise_in_revenue() -> None:
    r = goal("  metric service_cost baseline 500_000 USD target -20%\n  cost 40_000 USD per year\n")
    assert (r.currency, r.yearly_value, r.yearly_cost) == ("USD", 100_000.0, 40_000.0)
    assert r.return_pct == pytest.approx(150.0)
    assert (r.horizon_years, r.payback_months, r.realised_value) == (3.0, None, None)


def test_one_time_costs_enter_the_return_over_the_horizon_and_give_a_payback() -> None:
    body = "  metric cost baseline 500_000 USD target -20%\n  cost 40_000 USD once\n"
    body += "  cost 2_000 USD per month\n"
    r = goal(body, " horizon 2y")
    # value 100,000 a year × 2 = 200,000 against 24,000 × 2 + 40,000 = 88,000
    assert r.return_pct == pytest.approx((200_000 - 88_000) / 88_000 * 100)
    assert r.payback_months == pytest.approx(40_000 / ((100_000 - 24_000) / 12))
    never = goal("  metric cost baseline 100_000 USD target -10%\n  cost 9_000 USD once\n"
                 "  cost 10_000 USD per year\n")  # fmt: skip
    assert never.payback_months == math.inf  # value 10,000 a year does not exceed its cost


def test_margin_and_realised_value() -> None:
    r = goal(
        "  metric revenue baseline 1_000_000 USD target +10% actual +4% as-of 2026-10-31 "
        "margin 40%\n  cost 10_000 USD per year\n"
    )
    assert r.yearly_value == pytest.approx(40_000.0)
    assert r.realised_value == pytest.approx(16_000.0)
    wrong_way = goal(
        "  metric cost baseline 500_000 USD target 400_000 USD actual 520_000 USD\n"
        "  cost 10_000 USD per year\n"
    )
    assert wrong_way.realised_value == pytest.approx(-20_000.0)
    later = goal(
        "  metric revenue baseline 1_000 USD target 2_000 USD actual 1_500 USD as-of 2027-01-31\n"
    )
    assert later.realised_value is None and later.problem == "it has no cost, so no return"


def test_the_acme_goal_keeps_its_150_percent() -> None:
    acme = crmdsl.load("examples/acme.crm")
    r = crmdsl.goal_return(acme.goals[0])
    assert (r.return_pct, r.yearly_value, r.yearly_cost) == (150.0, 100_000.0, 40_000.0)


def test_goal_hover_shows_its_return(tmp_path: Path) -> None:
    path = tmp_path / "m.crm"
    path.write_text(
        'map "M"\ngoal g "G" horizon 2y\n  metric cost baseline 500_000 USD target -20%\n'
        "  cost 40_000 USD once\n",
        encoding="utf-8",
    )
    analysis = crmdsl.analyze_path(str(path))
    text = crmdsl.hover_text(analysis, str(path), 2, 6)
    assert text is not None
    assert "return over 2 years: 400% (value 100,000 USD a year, 40,000 USD once)" in text
    assert "paid back in 4.8 months" in text


@pytest.mark.parametrize(
    ("body", "message", "hint"),
    [
        (
            'goal g "G" horizon 0y',
            "a horizon of 0y is no time at all",
            "the return is counted over the horizon: give it at least 1mo",
        ),
        (
            'goal g "G"\n  metric m baseline 1 USD target 2 USD margin 150%',
            "a margin is a percent from 0% to 100%, not 150%",
            "the share of the change that is profit, such as 40%",
        ),
        (
            'journey j "J"\n  stage s "S"\n    touchpoint t "T"\n      idea "x" status maybe',
            "`maybe` is not a status of an idea",
            "one of open, doing, done, dropped",
        ),
        (
            'system s "S" by 2027-01-01',
            "`by` dates a change: it follows `planned` or `retiring`",
            "write `planned by DATE` or `retiring by DATE`",
        ),
        (
            'system s "S" planned retiring',
            "a system takes one of `planned` and `retiring`, not both",
            "",
        ),
        (
            'system s "S"\nentity s.E growth 10% per month',
            "expected a percent per year such as 10% per year after `growth`, found `month`",
            "",
        ),
        (
            'journey j "J"\n  stage s "S"\n    touchpoint t "T" idea "x"',
            "an idea stands on a line of its own in the block of a touchpoint",
            None,
        ),
    ],
)
def test_bad_values_are_clear_load_errors(body: str, message: str, hint: str | None) -> None:
    analysis = crmdsl.analyze('map "M"\n' + body + "\n", "m.crm")
    (d,) = analysis.diagnostics
    assert d.message == message
    if hint is not None:
        assert d.hint == hint


def test_the_json_export_and_schema_carry_the_new_clauses(plan: crmdsl.CrmMap) -> None:
    data = json.loads(to_json(plan))
    flow = data["journeys"][0]["stages"][0]["touchpoints"][0]
    assert data["journeys"][0]["stages"][0]["lifecycle"] == "planned"
    assert flow["evidence"] == ["Open rates, Q3 2026"]
    idea = flow["ideas"][0]
    assert (idea["text"], idea["status"], idea["owner"]["target"], idea["for_goal"]["target"]) == (
        "Send the quiz result",
        "doing",
        "ops",
        "grow",
    )
    assert flow["kpis"][0]["actual"]["text"] == "38%" and flow["kpis"][0]["as_of"] == "2026-10-31"
    klaviyo = data["systems"][1]
    assert (klaviyo["licenses"], [c["period"] for c in klaviyo["costs"]]) == (10, ["year", "once"])
    assert data["systems"][0]["lifecycle_by"] == "2027-06-30"
    assert data["entities"][0]["growth"]["value"] == 12.0
    assert data["goals"][0]["horizon"]["text"] == "2y"
    defs = json_schema()["$defs"]
    assert set(defs["Idea"]["properties"]) >= {"text", "owner", "status", "for_goal"}
    assert defs["Touchpoint"]["properties"]["lifecycle"]["enum"] == [
        "current",
        "planned",
        "retiring",
    ]
    assert {"actual", "as_of", "margin"} <= set(defs["Metric"]["properties"])
    assert {"licenses", "costs"} <= set(defs["System"]["properties"])


def test_check_lints_one_state_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("m.crm").write_text(
        'map "M"\n  owner ops\n  reviewed 2026-10-01\nteam ops "Ops"\n'
        'system old "Old" kind crm retiring by 2027-06-30\n'
        'system new "New" kind crm planned by 2027-03-31\n',
        encoding="utf-8",
    )

    def owners(*state: str) -> list[str]:
        args = [
            "check",
            "m.crm",
            "--format",
            "concise",
            "--select",
            "M003",
            "--today",
            "2026-11-23",
        ]
        out = CliRunner().invoke(app, [*args, *state]).output
        return [line.split("`")[1] for line in out.splitlines() if "M003" in line]

    assert owners() == ["old", "new"]
    assert owners("--state", "as-is") == ["old"]
    assert owners("--state", "to-be") == ["new"]
    bad = CliRunner().invoke(app, ["check", "m.crm", "--state", "both"])
    assert bad.exit_code == 2


def test_the_shop_example_holds_every_new_clause() -> None:
    shop = crmdsl.load("examples/shop/shop.crm")
    touchpoints = [t for j in shop.journeys for s in j.stages for t in s.touchpoints]
    assert any(
        t.lifecycle == "planned" and t.channel and t.channel.text == "chat" for t in touchpoints
    )
    assert any(s.lifecycle == "retiring" for s in shop.systems)
    assert any(t.evidence for t in touchpoints)
    assert any(k.actual is not None for t in touchpoints for k in t.kpis)
    ideas = [i for t in touchpoints for i in t.ideas]
    assert any(i.owner is not None and i.for_goal is not None for i in ideas)
    returns = [crmdsl.goal_return(g) for g in shop.goals]
    assert any(r.one_time_cost and r.payback_months is not None for r in returns)
    assert any(s.licenses is not None and s.costs for s in shop.systems)
    assert any(e.growth is not None for e in shop.entities)


LIFE = st.sampled_from(
    ["", "planned", "retiring", "planned by 2027-03-31", "retiring by 2026-01-31"]
)
PERCENT = st.integers(0, 100).map(lambda n: f"{n}%")
SIGNED = st.tuples(st.sampled_from("+-"), st.integers(1, 60)).map(lambda t: f"{t[0]}{t[1]}%")
MONEY = st.integers(1, 9_999_999).map(lambda n: f"{n:_} USD")
DATES = st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)


def _placed(draw: st.DrawFn, head: str, clauses: list[str], indent: int) -> list[str]:
    """The statement with each clause on its header line or on a line of its own."""
    on_header = draw(st.lists(st.booleans(), min_size=len(clauses), max_size=len(clauses)))
    line = " " * indent + " ".join(
        [head, *(c for c, h in zip(clauses, on_header, strict=True) if h)]
    )
    block = [" " * (indent + 2) + c for c, h in zip(clauses, on_header, strict=True) if not h]
    return [line, *block]


@st.composite
def plan_maps(draw: st.DrawFn) -> str:
    """A map using every new clause, each given or not, in any placement."""

    def some(options: list[str]) -> list[str]:
        chosen = [c for c in options if c and draw(st.booleans())]
        return draw(st.permutations(chosen))

    lines = ['map "M"', 'team ops "Ops"']
    system = some([draw(LIFE), f"licenses {draw(st.integers(0, 500))}", "users 9"])
    lines += _placed(draw, 'system crm "CRM"', system, 0)
    lines += [f"  cost {draw(MONEY)} {draw(st.sampled_from(['per year', 'per month', 'once']))}"]
    growth = f"growth {draw(st.sampled_from(['', '+', '-']))}{draw(st.integers(0, 90))}% per year"
    lines += _placed(draw, "entity crm.Lead", some([draw(LIFE), growth, "records 10"]), 0)
    lines += [f"  email: email pii {draw(LIFE)}".rstrip()]
    lines += ['journey j "J"']
    lines += _placed(draw, 'stage s "S"', some([draw(LIFE)]), 2)
    evidence = [
        f'evidence "{t}"' for t in draw(st.lists(st.sampled_from(["n=412", "Q3"]), max_size=2))
    ]
    lines += _placed(draw, 'touchpoint t "T" score 3', some([draw(LIFE)]) + evidence, 4)
    status = f"status {draw(st.sampled_from(['open', 'doing', 'done', 'dropped']))}"
    lines += _placed(draw, 'idea "Do it"', some(["owner ops", status, "for g"]), 6)
    kpi = some([f"baseline {draw(PERCENT)}", f"target {draw(PERCENT)}", f"actual {draw(PERCENT)}",
                f"as-of {draw(DATES)}"])  # fmt: skip
    lines += _placed(draw, 'kpi "Rate"', kpi, 6)
    lines += _placed(draw, 'goal g "G"', some([f"horizon {draw(st.integers(1, 9))}y"]), 0)
    metric = some([f"actual {draw(SIGNED)}", f"as-of {draw(DATES)}", f"margin {draw(PERCENT)}",
                   f"by {draw(DATES)}"])  # fmt: skip
    lines += _placed(draw, f"metric m baseline {draw(MONEY)} target {draw(SIGNED)}", metric, 2)
    return "\n".join(lines) + "\n"


@given(text=plan_maps())
@settings(max_examples=int(os.environ.get("CRMDSL_HYPOTHESIS_EXAMPLES", "100")))
def test_new_clauses_load_and_format_round_trip(text: str) -> None:
    before = load_clean(text)
    once = crmdsl.format_text(text, "m.crm")
    assert crmdsl.format_text(once, "m.crm") == once
    assert strip_spans(load_clean(once)) == strip_spans(before)
    r = crmdsl.goal_return(before.goals[0])
    assert r.yearly_value is not None and r.yearly_value >= 0


def test_hover_says_what_is_planned_or_retiring(tmp_path: Path) -> None:
    path = tmp_path / "m.crm"
    path.write_text(PLAN, encoding="utf-8")
    analysis = crmdsl.analyze_path(str(path))
    klaviyo = crmdsl.hover_text(analysis, str(path), 6, 8)
    member = crmdsl.hover_text(analysis, str(path), 9, 18)
    assert klaviyo is not None and "- planned by 2027-03-31\n" in klaviyo
    assert member is not None and "- retiring (with its parent)\n" in member
