"""Every view, proven in real Mermaid (mermaid-cli in one headless Chromium).

Renders, in ONE browser session for the whole module: every view of every example map,
and every view of generated maps that carry an adversarial corpus of labels (every
ASCII punctuation mark alone and in pairs, Mermaid keywords, arrows, HTML and script
tags, entity-looking text, emoji, right-to-left text, 500-character labels) in every
place a user writes text: team, persona, channel, system, entity, enum value, journey,
stage, touchpoint, pain, idea, KPI, process, step, decision, outcome, end, integration,
goal and map titles, and chart titles and categories (goals and scores views). Some
elements of each generated map are planned or retiring, so the views draw their tags and
dashed borders, and the scores view its as-is and to-be lines.

Fails on a parse or render error, `NaN` in the SVG, active content (a `<script>`
element, an `on*` attribute, a `javascript:` link: looked for in the parsed SVG), or a
label whose text, whitespace removed, is not in the SVG's text. Skips with the reason
when Chromium or mermaid-cli is missing, but fails instead when `CI` is set.
"""

from __future__ import annotations

import os
import string
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import crmdsl
from crmdsl.views import VIEWS, Diagram, everything
from crmdsl.views.svg import (
    MermaidRenderer,
    RendererNotFoundError,
    RenderResult,
    svg_problems,
    svg_text_nodes,
)

pytestmark = pytest.mark.mermaid

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = {
    "acme": REPO / "examples" / "acme.crm",
    "b2b_support": REPO / "examples" / "b2b_support.crm",
    "shop": REPO / "examples" / "shop" / "shop.crm",
}
LABELS_PER_MAP = 64


def corpus() -> list[str]:
    """At least 200 distinct labels that have broken diagrams somewhere."""
    punctuation = string.punctuation
    labels: list[str] = []
    labels += list(punctuation)
    labels += [c + c for c in punctuation]
    labels += [a + b for a, b in zip(punctuation, punctuation[1:] + punctuation[0], strict=True)]
    labels += [f"a{c}b" for c in punctuation]
    labels += [
        "end",
        "End",
        "END",
        "style",
        "class",
        "classDef",
        "graph",
        "subgraph",
        "click",
        "flowchart",
        "flowchart LR",
        "direction LR",
        "a direction TB b",
        "linkStyle",
        "default",
        "call",
        "href",
        "section",
        "section x",
        "title",
        "title y",
        "journey",
        "erDiagram",
        "PK",
        "FK",
        "UK",
        "accTitle: x",
        "accDescr: y",
        "%% comment",
        "%%{init: {}}%%",
        "---",
        "---\ntitle: x\n---",
        "o",
        "x",
        "v",
        "one or more",
        "zero or one",
    ]
    labels += [
        "-->",
        "---",
        "==>",
        "-.->",
        "<-->",
        "--o",
        "--x",
        "|pipe|",
        "a --> b",
        "a -->|x| b",
        "~~~",
        "}o--||",
        "||--o{",
        "a..b",
        "::: c",
        "A:::cls",
        ":",
        "a: 3: b",
    ]
    labels += [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "<b>bold</b>",
        "<br>",
        "<br/>",
        "a<br>b",
        "&amp;",
        "&lt;tag&gt;",
        '<a href="javascript:alert(1)">x</a>',
        "<svg onload=alert(1)>",
        "</div>",
        "<!-- c -->",
        "onerror=alert(1)",
        "<style>*{display:none}</style>",
        "<foreignObject>",
        "<![CDATA[x]]>",
    ]
    labels += [
        "#quot;",
        "#35;",
        "#lt;",
        "#9733;",
        "&#35;",
        "&quot;",
        "&#x26;",
        "#amp;",
        "# 35;",
        "#128512;",
        "#nbsp;",
        "\\#35;",
    ]
    labels += [
        "😀",
        "👍🏽 thumbs",
        "👨‍👩‍👧 family",
        "🇩🇪",
        "Ünïcödé ß",
        "日本語のラベル",
        "Ελληνικά",
        "★ star",
        "·",
        "…",
        "—",
        "→",
    ]
    labels += ["שלום עולם", "مرحبا بالعالم", "abc שלום def", "(مرحبا) [x]"]
    labels += [
        "a\\b",
        "\\",
        "\\\\",
        "\\n",
        'say "hi"',
        "it's",
        "`code`",
        "**bold**",
        "_u_",
        "$x$",
        "{{x}}",
        "[[x]]",
        "((x))",
        "([x])",
        "[(x)]",
        "{x}",
        ">x]",
        "[/x/]",
        "C:\\dir",
        "line one\nline two",
        "  leading and trailing  ",
        "100%",
        "1 < 2 > 0",
        "a;b;c",
        "key=value",
        "a|b|c",
        "tab\there",
        "x#y",
        "50% off; #1 deal: buy!",
    ]
    labels += [
        ("Long label " + "abcdefghij " * 45).strip()[:500],
        "x" * 500,
        ("😀 #quot; <b> --> " * 30)[:500],
    ]
    unique = list(dict.fromkeys(labels))
    assert len(unique) >= 200, len(unique)
    return unique


def quote(text: str) -> str:
    """A crmdsl string literal holding `text`."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


KINDS = ("crm", "marketing", "erp", "service", "spreadsheet", "database", "website", "other")


def corpus_map(labels: list[str]) -> str:
    """A map that puts every label in every place a user writes text."""
    q = [quote(label) for label in labels]
    n = len(labels)
    lines = [f"map {q[0]}", "  owner t0"]
    lines += [f"team t{i} {q[i]}" for i in range(n)]
    lines += [f"persona per {q[0]}", f"  pain {q[1 % n]}"]
    lines += [f"channel c{i} {q[i]}" for i in range(n)]
    for i in range(n):
        record = " record-of customer" if i == 0 else ""
        plan = " retiring by 2027-01-31" if i == 5 else " planned" if i == 6 else ""
        lines.append(f"system s{i} {q[i]} kind {KINDS[i % len(KINDS)]} owner t{i}{record}{plan}")
    for i in range(n):
        lines += [f"entity s{i}.E {q[i]}", f"  f: enum({q[i]}, plain){' pii' if i == 0 else ''}"]
    lines += [f"journey j {q[0]} persona per owner t0"]
    for i in range(n):
        score = "" if i == 1 else f" score {1 + i % 5}"
        moment = " moment-of-truth" if i == 2 else ""
        moment += " planned by 2027-03-31" if i == 3 else " retiring" if i == 4 else ""
        lines += [
            f"  stage st{i} {q[i]}",
            f"    touchpoint tp{i} {q[i]} channel c{i}{score} owner t{i} system s{i}{moment}",
            f"      captures s{i}.E.f",
            f"      pain {q[i]}",
            f"      idea {q[i]}",
            f"      kpi {q[i]} target 10%",
            f"      backstage p.st{i}",
        ]
    lines += [f"process p {q[0]} owner t0"]
    for i in range(n):
        mode = " manual" if i % 2 else " automated"
        mode += " planned" if i == 3 else " retiring" if i == 4 else ""
        lines.append(f"  step st{i} {q[i]} owner t{i} system s{i} takes 1d sla 2d{mode}")
    lines += [f"  decision d {q[1 % n]}"]
    lines += [f"    {q[i]} -> st{i}" for i in range(n)]
    lines += ['    "finished" -> e', f"  end e {q[2 % n]}"]
    for i in range(n - 1):
        plan = " planned" if i == 1 else ""
        lines += [f"integration i{i} {q[i]} s{i} -> s{i + 1} daily via api{plan}"]
        lines += ["  map E.f -> E.f" + (" retiring" if i == 2 else "")]
    lines += [f"integration back {q[n - 1]} s{n - 1} <-> s0 realtime via api master s0"]
    lines += ["  map E.f -> E.f"]
    lines += [f"goal g {q[0]} owner t0", "  supported-by j, p, i0"]
    for i in range(n):
        lines += [f"goal g{i} {q[i]}", "  metric m baseline 10 target 20 actual 12"]
    lines += [f"journey k {q[1 % n]}", '  stage s "S"', '    touchpoint t "T" score 4']
    return "\n".join(lines) + "\n"


def corpus_maps() -> list[tuple[list[str], crmdsl.CrmMap]]:
    labels = corpus()
    # Spread the long labels across maps so that no diagram nears Mermaid's size limit.
    ordered = sorted(labels, key=lambda label: (len(label) >= 200, labels.index(label)))
    count = -(-len(ordered) // LABELS_PER_MAP)
    chunks = [ordered[i::count] for i in range(count)]
    return [
        (chunk, crmdsl.loads(corpus_map(chunk), f"corpus{n}.crm")) for n, chunk in enumerate(chunks)
    ]


@pytest.fixture(scope="module")
def renderer() -> Iterator[MermaidRenderer]:
    try:
        session = MermaidRenderer(jobs=4, timeout=180)
    except RendererNotFoundError as error:
        reason = str(error).splitlines()[0]
        if os.environ.get("CI"):
            pytest.fail(f"CI must render in real Mermaid: {reason}")
        pytest.skip(f"{reason} (run .ci/install-mermaid.sh)")
    with session:
        yield session


Rendered = list[tuple[str, Diagram, RenderResult]]


@pytest.fixture(scope="module")
def rendered(renderer: MermaidRenderer) -> dict[str, Rendered]:
    """Every diagram of the examples and of the corpus maps, rendered in one batch."""
    batches: dict[str, list[tuple[str, Diagram]]] = {"examples": [], "corpus": []}
    for name, path in EXAMPLES.items():
        diagrams, refused = everything(crmdsl.load(path))
        assert refused == []
        batches["examples"] += [(name, d) for d in diagrams]
    for index, (_, crm_map) in enumerate(corpus_maps()):
        diagrams, refused = everything(crm_map)
        assert refused == []
        batches["corpus"] += [(f"corpus{index}", d) for d in diagrams]
    everything_flat = batches["examples"] + batches["corpus"]
    start = time.perf_counter()
    results = renderer.render_many([d.text for _, d in everything_flat])
    seconds = time.perf_counter() - start
    print(f"\nrendered {len(results)} diagrams in one browser in {seconds:.1f} s")
    out: dict[str, Rendered] = {"examples": [], "corpus": []}
    for (source, diagram), result in zip(everything_flat, results, strict=True):
        key = "examples" if source in EXAMPLES else "corpus"
        out[key].append((source, diagram, result))
    return out


def squeeze(text: str) -> str:
    return "".join(text.split())


def problems(source: str, diagram: Diagram, result: RenderResult) -> list[str]:
    """What is wrong with one rendered diagram, in words."""
    where = f"{source}: {diagram.name}"
    if not result.ok:
        return [f"{where}: Mermaid error: {str(result.error)[:300]}"]
    assert result.svg is not None
    found = [f"{where}: {p}" for p in svg_problems(result.svg)]
    if found:
        return found
    text = squeeze("".join(svg_text_nodes(result.svg)))
    missing = [label for label in diagram.labels if squeeze(label) not in text]
    return [f"{where}: label {label!r} is not in the SVG text" for label in missing]


def test_every_view_of_every_example_renders_with_every_label(
    rendered: dict[str, Rendered],
) -> None:
    results = rendered["examples"]
    assert len(results) == 71
    assert {d.view for _, d, _ in results} == set(VIEWS)
    found = [p for source, diagram, result in results for p in problems(source, diagram, result)]
    assert found == []


def test_corpus_labels_render_exactly_in_every_view(rendered: dict[str, Rendered]) -> None:
    results = rendered["corpus"]
    found = [p for source, diagram, result in results for p in problems(source, diagram, result)]
    assert found == [], "\n".join(found[:40])


def test_every_corpus_label_is_placed_in_every_view(rendered: dict[str, Rendered]) -> None:
    labels = corpus()
    shown: dict[str, set[str]] = {view: set() for view in VIEWS}
    for _, diagram, _ in rendered["corpus"]:
        shown[diagram.view].update(diagram.labels)
    for view, seen in shown.items():
        absent = [label for label in labels if label not in seen]
        assert absent == [], f"{view} view never shows {absent[:5]}"


def test_no_active_content_from_user_text(rendered: dict[str, Rendered]) -> None:
    for source, diagram, result in rendered["examples"] + rendered["corpus"]:
        if result.svg is not None:
            active = [p for p in svg_problems(result.svg) if "NaN" not in p]
            assert active == [], f"{source}: {diagram.name}: {active}"
