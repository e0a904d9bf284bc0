"""The rules' building blocks: the I406 type table, calendar months, flow graphs, run_rules."""

from __future__ import annotations

import datetime as dt

import pytest

import crmdsl
from crmdsl.errors import Span
from crmdsl.model import FieldType, Ref
from crmdsl.query.graph import FlowGraph
from crmdsl.rules import RULES, RuleContext, run_rules
from crmdsl.rules.integrations import accepts
from crmdsl.rules.map import add_months
from crmdsl.rules.processes import max_handoffs

TODAY = dt.date(2026, 11, 23)
HEADER = 'map "T"\n  owner ops\n  reviewed 2026-09-01\nteam ops "Ops"\n'
SIMPLE = [
    "string", "text", "email", "phone", "url", "number", "integer", "money", "percent",
    "boolean", "date", "datetime", "id", "enum",
]  # fmt: skip

#: docs/rules.md, "Type compatibility (I406)": target type -> source types it accepts.
TABLE = {
    "string": set(SIMPLE) | {"ref"},
    "text": set(SIMPLE) | {"ref"},
    "email": {"email"},
    "phone": {"phone"},
    "url": {"url"},
    "boolean": {"boolean"},
    "date": {"date", "datetime"},
    "datetime": {"date", "datetime"},
    "id": {"id", "ref"},
    "number": {"number", "integer", "money", "percent"},
    "integer": {"integer"},
    "money": {"money", "integer", "number"},
    "percent": {"percent", "number"},
    "enum": {"enum"},
}


def ftype(name: str, entity: str = "Account") -> FieldType:
    if name == "enum":
        return FieldType(name="enum", values=["a"])
    if name == "ref":
        return FieldType(name="ref", ref=Ref(text=entity, span=Span("x", 1, 1, 1, 2)))
    return FieldType(name=name)


@pytest.mark.parametrize("target", [*SIMPLE, "ref"])
def test_type_table_is_rules_md(target: str) -> None:
    wanted = TABLE.get(target, {"ref", "id"})
    for source in [*SIMPLE, "ref"]:
        assert accepts(ftype(target), ftype(source)) == (source in wanted), (target, source)


def test_ref_accepts_only_the_same_entity_name() -> None:
    assert accepts(ftype("ref", "Account"), ftype("ref", "Account"))
    assert accepts(ftype("ref", "salesforce.Account"), ftype("ref", "Account"))
    assert not accepts(ftype("ref", "Account"), ftype("ref", "Company"))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 11, 23), 12, dt.date(2026, 11, 23)),
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),
        (dt.date(2026, 3, 31), 18, dt.date(2027, 9, 30)),
    ],
)
def test_add_calendar_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


def lint(text: str, codes: list[str] | None = None, **options: object) -> list[crmdsl.Diagnostic]:
    crm_map = crmdsl.loads(text, "t.crm")
    return run_rules(RuleContext(crm_map, TODAY, **options), codes)  # type: ignore[arg-type]


def test_max_review_age_is_configurable() -> None:
    text = 'map "T"\n  owner ops\n  reviewed 2026-04-30\nteam ops "Ops"\n'
    assert lint(text, ["M002"]) == []
    (found,) = lint(text, ["M002"], max_review_age=6)
    assert found.message == (
        "the map was last reviewed on 2026-04-30, more than 6 months ago (a review was due by "
        "2026-10-30)"
    )
    assert (found.span.line, found.span.col, found.span.end_col) == (1, 1, 4)  # type: ignore[union-attr]


def test_m001_only_for_a_fragment_checked_alone() -> None:
    fragment = 'team ops "Ops"\n'
    assert lint(fragment, ["M001"]) == []
    (found,) = lint(fragment, ["M001"], standalone=True)
    assert (found.span.line, found.span.col) == (1, 1)  # type: ignore[union-attr]
    assert found.severity == "warning" and found.kind == "map-missing-header"


PROCESS = (
    HEADER
    + """team a "A"
team b "B"
process p "P" owner ops
  step s1 "S1" owner a
  step s2 "S2" owner b
  decision d "D?"
    again -> s1
    on -> s3
  step s3 "S3"
  step s4 "S4" owner a
  end done "Done"
  end other "Other"
"""
)


def test_flow_graph_drops_loops_and_orders_nodes() -> None:
    process = crmdsl.loads(PROCESS).processes[0]
    graph = FlowGraph(process)
    assert graph.order == ["s1", "s2", "d", "s3", "s4", "done"]
    assert graph.forward["d"] == ["s3"]  # `again -> s1` closes a loop
    assert graph.reachable() == {"s1", "s2", "d", "s3", "s4", "done"}
    assert graph.reaching_end() == {"s1", "s2", "d", "s3", "s4", "done", "other"}
    assert graph.longest_path(lambda n: 1) == ["s1", "s2", "d", "s3", "s4", "done"]


def test_handoffs_skip_decisions_and_steps_without_owner() -> None:
    process = crmdsl.loads(PROCESS).processes[0]
    assert max_handoffs(FlowGraph(process)) == (2, ["a", "b", "a"])


def test_p206_uses_max_handoffs_setting() -> None:
    assert lint(PROCESS, ["P206"]) == []
    (found,) = lint(PROCESS, ["P206"], max_handoffs=1)
    assert found.message == (
        "a path through process `p` changes team 2 times (a → b → a), more than the 1 allowed"
    )
    assert (found.span.line, found.span.col) == (7, 1)  # type: ignore[union-attr]


def test_run_rules_selects_and_sorts() -> None:
    text = HEADER + 'system crm "CRM" kind crm\nteam idle "Idle"\n'
    found = lint(text)
    assert [(d.span.line, d.code) for d in found] == [  # type: ignore[union-attr]
        (5, "M003"),
        (5, "M004"),
        (6, "M004"),
    ]
    assert [d.code for d in lint(text, ["M004"])] == ["M004", "M004"]
    with pytest.raises(KeyError):
        lint(text, ["X999"])


def test_every_finding_carries_its_rule() -> None:
    text = HEADER + 'system crm "CRM" kind crm\n'
    for found in lint(text):
        rule = RULES[found.code]
        assert (found.kind, found.severity) == (rule.name, rule.severity)


def test_d305_names_the_first_claimant_on_every_later_system() -> None:
    text = HEADER + (
        'system a "A" kind crm owner ops record-of customer\n'
        'system b "B" kind erp owner ops record-of customer\n'
        'system c "C" kind other owner ops record-of customer, order\n'
    )
    found = lint(text, ["D305"])
    assert [(d.span.line, d.message) for d in found] == [  # type: ignore[union-attr]
        (6, "system `b` is `record-of` `customer`, which `a` already is"),
        (7, "system `c` is `record-of` `customer`, which `a` already is"),
    ]
    assert found[1].notes[0].span.line == 5  # type: ignore[union-attr]


def test_i409_notes_name_the_other_integrations() -> None:
    from pathlib import Path

    path = Path(__file__).parent / "fixtures" / "I409" / "fires.crm"
    crm_map = crmdsl.load(path)
    found = {d.span.line: d for d in run_rules(RuleContext(crm_map, TODAY), ["I409"])}  # type: ignore[union-attr]
    assert [(n.message, n.span.line) for n in found[27].notes] == [  # type: ignore[union-attr]
        ("`enrich` also writes `salesforce.Lead.phone` here", 30),
        ("`back` also writes `salesforce.Lead.phone` here", 33),
    ]


def test_lint_work_grows_linearly_with_the_map() -> None:
    """Not a timing: the number of Python calls one lint makes, for a map and one 4x larger."""
    import cProfile
    import pstats
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    try:
        from bench_lint import hard_map
        from gen_map import generate
    finally:
        sys.path.pop(0)

    for make in (generate, hard_map):
        work = []
        for lines in (600, 2400):
            crm_map = crmdsl.loads(make(lines), "big.crm")
            profile = cProfile.Profile()
            profile.runcall(run_rules, RuleContext(crm_map, TODAY))
            work.append(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]
        assert 3.5 < work[1] / work[0] < 4.5, (make.__name__, work)
