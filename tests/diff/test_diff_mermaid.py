"""Change diagrams, proven in real Mermaid (mermaid-cli in one headless Chromium).

Every change diagram of two diffs renders without error, `NaN` or active content: the
acme example against the same map after a rename, a new touchpoint, an SLA change and a
deleted system; and a map whose labels are hostile (quotes, `#`, HTML, arrows, Mermaid
keywords, emoji, right-to-left text) against the same map with elements added, changed
and removed. The removed element's title shows struck through, and the legend's words
show. Skips with the reason when Chromium or mermaid-cli is missing; fails instead when
`CI` is set.
"""

from __future__ import annotations

import datetime
import os

import pytest
from diffrepo import ROOT

import crmdsl
from crmdsl.views.svg import RendererNotFoundError, render_svgs, svg_problems, svg_text_nodes

pytestmark = pytest.mark.mermaid

TODAY = datetime.date(2026, 10, 1)
HOSTILE = [
    'say "hi" #1',
    "<script>alert(1)</script>",
    "a --> b",
    "end",
    "direction LR",
    "😀 ünïcödé",
    "שלום עולם",
    "%% comment",
    "#35; &amp;",
]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _acme_pair() -> tuple[crmdsl.Analysis, crmdsl.Analysis]:
    text = (ROOT / "examples" / "acme.crm").read_text(encoding="utf-8")
    new = (
        text.replace("qualify", "check_lead")
        .replace("sla 1d", "sla 4h")
        .replace(
            '    touchpoint ticket "Support ticket"',
            '    touchpoint chat "Live chat" channel chat score 4\n    touchpoint ticket "Support ticket"',
        )
        .replace('  step legal "Legal review" owner revops manual takes 3d -> quote\n', "")
        .replace('    "Needs legal review" -> legal\n', "")
    )
    return crmdsl.analyze(text, "acme.crm"), crmdsl.analyze(new, "acme.crm")


def _hostile_pair() -> tuple[crmdsl.Analysis, crmdsl.Analysis]:
    q = [_quote(label) for label in HOSTILE]
    lines = ['map "Hostile"', "  owner t0", *(f"team t{i} {q[i]}" for i in range(len(q)))]
    lines += [f"system s{i} {q[i]} kind crm owner t{i}" for i in range(3)]
    lines += [f"entity s0.E {q[0]}", "  f: email pii", f"entity s1.E {q[1]}", "  f: email pii"]
    lines += [f"integration i0 {q[2]} s0 -> s1 daily via api", "  map E.f -> E.f"]
    lines += [f"journey j {q[3]} owner t0", f"  stage st {q[4]}"]
    lines += [
        f"    touchpoint tp{i} {q[i]} channel web score 3 owner t{i} system s0" for i in range(4)
    ]
    lines += ["      captures s0.E.f"]
    lines += [f"process p {q[5]} owner t0"]
    lines += [f"  step st{i} {q[i]} owner t{i} takes 1d" for i in range(len(q))]
    old = "\n".join(lines) + "\n"
    new = (
        old.replace("  step st3 ", "  step st3x ")
        .replace(
            f"    touchpoint tp1 {q[1]} channel web score 3",
            f"    touchpoint tp1 {q[1]} channel web score 1",
        )
        .replace(f"  step st6 {q[6]} owner t6 takes 1d\n", "")
        .replace(f"system s2 {q[2]}", f"system s2 {q[7]}")
        .replace(
            f"entity s1.E {q[1]}\n  f: email pii",
            f"entity s1.E {q[1]}\n  f: email pii\n  g: string",
        )
    ) + f"system s9 {q[8]} kind erp owner t8\n"
    return crmdsl.analyze(old, "hostile.crm"), crmdsl.analyze(new, "hostile.crm")


def _render(definitions: list[str]) -> list[crmdsl.views.svg.RenderResult]:  # type: ignore[name-defined]
    try:
        return render_svgs(definitions)
    except RendererNotFoundError as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so real Mermaid must be installed: {error}")
        pytest.skip(f"real Mermaid is not installed: {error}")


def test_change_diagrams_render_in_real_mermaid() -> None:
    diffs = []
    for old, new in (_acme_pair(), _hostile_pair()):
        assert old.diagnostics == [] and new.diagnostics == [], (old.diagnostics, new.diagnostics)
        diffs.append(crmdsl.diff_maps(old, new, today=TODAY))
    views = [v for d in diffs for v in d.views if v.diagram]
    assert {v.view for v in views} >= {"journey", "process", "integrations", "entities", "overview"}
    results = _render([v.diagram for v in views if v.diagram])
    for view, result in zip(views, results, strict=True):
        assert result.ok, (view.name, result.error, view.diagram)
        assert result.svg is not None
        assert svg_problems(result.svg) == [], view.name
        text = "".join(svg_text_nodes(result.svg)).replace(" ", "")
        assert "addedchangedremoved" in text, view.name
    process = next(v for v in views if v.view == "process" and v.subject == "p")
    svg = results[views.index(process)].svg or ""
    struck = "".join(ch + "\u0336" for ch in HOSTILE[6].replace(" ", ""))
    assert struck in "".join(svg_text_nodes(svg)).replace(" ", "")
    assert process.counts == {"added": 0, "changed": 0, "removed": 1, "renamed": 1}
