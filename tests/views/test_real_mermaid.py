"""Adversarial labels through the safety layer into real Mermaid (mermaid-cli, Chromium).

Every label of the corpus is placed in every place a user string can reach: flowchart
node labels (every shape), edge labels and subgraph titles; journey titles, sections,
tasks and actors; erDiagram entity aliases, attribute comments and relationship labels;
diagram titles. All diagrams render in one browser. A diagram fails on a Mermaid error,
on ``NaN`` or active content in its SVG, or when a label's text in the SVG (whitespace
removed: Mermaid wraps long labels) differs from what the user wrote.
"""

from __future__ import annotations

import string
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from crmdsl.views.mermaid_safe import (
    EDGE_HEADS,
    EXTENDED_SHAPES,
    NODE_SHAPES,
    EntityDiagram,
    Flowchart,
    Journey,
    er_token,
    is_invisible,
    sanitize_text,
)
from crmdsl.views.svg import (
    CHROMIUM_ARGS,
    INSTALL_HELP,
    MermaidRenderer,
    RendererNotFoundError,
    RenderResult,
    find_renderer,
    render_with_mmdc,
    svg_problems,
)


def normalized(text: str) -> str:
    """What a label must look like in the SVG: no whitespace; unshowable characters replaced."""
    return "".join(char for char in sanitize_text(text) if not char.isspace())


def build_corpus() -> list[str]:
    """At least 200 labels that have broken Mermaid diagrams somewhere."""
    punctuation = string.punctuation
    corpus: list[str] = list(punctuation)
    corpus += [mark * 2 for mark in punctuation]
    corpus += [mark + punctuation[(i + 1) % len(punctuation)] for i, mark in enumerate(punctuation)]
    corpus += [mark + "x" + mark for mark in punctuation]
    corpus += """end style class graph subgraph click flowchart direction classDef
        linkStyle call href default interpolate section title journey accTitle accDescr
        erDiagram PK FK UK to one many v o x TB LR _self _blank""".split()
    corpus += [
        "end end",
        "End",
        "style x fill:#f00",
        "classDef foo fill:#f9f;",
        "class n_a foo",
        "click n_a call alert(1)",
        'click n_a href "javascript:alert(1)"',
        "section s: 5: me",
        "Section two",
        "title: x",
        "TITLE caps",
        "journey on",
        "accTitle: hidden",
        "accDescr { x }",
        "%%{init: {'theme':'dark'}}%%",
        "%% comment",
        "---",
        "direction LR",
        "direction TB now",
        "a direction RL b",
        "DIRECTION bt",
        "set direction  TD",
        "-->",
        "---",
        "==>",
        "-.->",
        "<-->",
        "--o",
        "--x",
        "~~~",
        "-- text -->",
        "a --> b",
        "||--o{",
        "}|..|{",
        "-->|x|",
        "|",
        "||",
        "|a|",
        "[",
        "]",
        "[]",
        "([x])",
        "[[x]]",
        "{{x}}",
        "(((x)))",
        ">x]",
        "[/x/]",
        "[\\x\\]",
        "@{ shape: doc }",
        'n_a@{ label: "x" }',
        "<b>bold</b>",
        "<br>",
        "<br/>",
        "a<br>b",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=x></iframe>",
        "</p></div></foreignObject><script>alert(1)</script>",
        "<style>*{display:none}</style>",
        "<!-- c -->",
        "<![CDATA[x]]>",
        "javascript:alert(1)",
        "onerror=alert(1)",
        '" onmouseover="alert(1)',
        "' onfocus='x",
        "<math><mi>x</mi></math>",
        "#quot;",
        "#35;",
        "#59;",
        "#9829;",
        "#x41;",
        "&amp;",
        "&lt;script&gt;",
        "&#60;",
        "&#x3C;",
        "&nbsp;",
        "#;",
        "##;;",
        "\ufb02\u00b0\u00b035\u00b6\u00df",  # Mermaid's own entity placeholder
        "\ufb02\u00b0amp\u00b6\u00df",
        "\\",
        "\\\\",
        "\\n",
        '\\"',
        "C:\\path\\to",
        "\\u0041",
        "😀",
        "👩‍👩‍👧‍👦",
        "🇩🇪",
        "❤️",
        "🏳️‍🌈",
        "1️⃣",
        "Lead 🔥 hot",
        "مرحبا بالعالم",
        "שלום עולם",
        "abc שלום 123",
        "\u202eevil",
        "客户关系管理",
        "顧客管理システム",
        "고객 관리",
        "ลูกค้า",
        "ग्राहक संबंध",
        "Ελληνικά",
        "Кириллица",
        "Z̷̢a̶l̴g̵o",
        "  leading",
        "trailing  ",
        "a  b",
        "tab\tsep",
        "line1\nline2",
        "three\nline\nlabel",
        "cr\r\nlf",
        "\u00a0nbsp",
        "zero\u200bwidth",
        "soft\u00adhyphen",
        "NaN",
        "undefined",
        "null",
        "Infinity",
        "0",
        "-1",
        "1e309",
        "true",
        "__proto__",
        "constructor",
        "toString",
        "${x}",
        "`code`",
        "**bold**",
        "_it_",
        "~~s~~",
        "$$x^2$$",
        "$x$",
        "```",
        "[link](http://example.com)",
        "http://example.com/?a=1&b=2",
        "@user",
        ":::cls",
        "a:::b",
        "a;b",
        ": 5 : x",
        "5",
        "x: 5",
        "a, b",
        "50%",
        "ctrl\x01char",
        "word " * 100,
        "x" * 500,
        ("#<>&\"';:|😀ש" * 46)[:500],
    ]
    corpus += ["", " ", "\t", "\u200b"]  # blank: must render, shown as nothing
    unique: dict[str, str] = {}
    for label in corpus:
        unique.setdefault(normalized(label) or repr(label), label)
    return list(unique.values())


CORPUS = build_corpus()


@dataclass
class Case:
    """One diagram of the corpus and the labels it must show."""

    name: str
    text: str
    labels: list[str]


CHUNKS = range(4)
CHUNK = -(-len(CORPUS) // len(CHUNKS))


def chunk(index: int) -> list[str]:
    """The index-th slice of the corpus, wrapping around; slices never overlap."""
    start = (index % len(CHUNKS)) * CHUNK
    return CORPUS[start : start + CHUNK]


# Titles go through YAML front matter (flowchart, erDiagram) or a `title` statement.
TITLES = [
    'Lead "to" cash #1: 😀 <b>x</b>',
    "--- # : x\ny",
    "%%{init: {}}%% title: 'q' \\ \u05e9",
    "key: value\n---\nflowchart LR",
]


def title_for(index: int) -> str:
    return TITLES[index % len(TITLES)]


# Each diagram takes its labels for three places from three different slices of the
# corpus (so no label appears twice in one diagram), and over all diagrams every label
# lands in every place.


def flowchart_cases() -> Iterator[Case]:
    shapes = [*NODE_SHAPES, *EXTENDED_SHAPES]
    for index in CHUNKS:
        titles, labels, edge_labels = chunk(index), chunk(index + 1), chunk(index + 2)
        chart = Flowchart("LR", title=title_for(index))
        nodes: list[str] = []
        groups: list[str] = []
        for i in range(max(len(titles), len(labels))):
            label = labels[i] if i < len(labels) else f"extra node {i}"
            # one subgraph per node; odd ones nest inside the one before
            group = None
            if i < len(titles):
                parent = groups[-1] if i % 2 else None
                group = chart.subgraph(f"G{i}", titles[i], parent=parent)
                groups.append(group)
            nodes.append(chart.node(f"N{i}", label, shape=shapes[i % len(shapes)], subgraph=group))
        for i, label in enumerate(edge_labels):
            head_left, head_right = EDGE_HEADS[i % len(EDGE_HEADS)]
            chart.edge(
                nodes[i % len(nodes)],
                nodes[(i + 1) % len(nodes)],
                label,
                shape=("normal", "dotted", "thick")[i % 3],
                head_left=head_left,
                head_right=head_right,
            )
        shown = [*titles, *labels, *edge_labels, title_for(index)]
        yield Case(f"flowchart-{index}", chart.to_mermaid(), shown)


def journey_cases() -> Iterator[Case]:
    for index in CHUNKS:
        sections, tasks, actors = (
            [label for label in chunk(index + offset) if label != ""] for offset in range(3)
        )
        journey = Journey(title_for(index))
        for i in range(max(len(sections), len(tasks), len(actors))):
            if i < len(sections):
                journey.section(sections[i])
            task = tasks[i] if i < len(tasks) else f"extra task {i}"
            journey.task(task, 1 + i % 5, actors[i : i + 1])
        shown = [*sections, *tasks, *actors, title_for(index)]
        yield Case(f"journey-{index}", journey.to_mermaid(), shown)


def entity_cases() -> Iterator[Case]:
    cardinalities = ("zero-or-one", "exactly-one", "zero-or-more", "one-or-more")
    for index in CHUNKS:
        aliases, comments, relationship_labels = (chunk(index + offset) for offset in range(3))
        diagram = EntityDiagram(title=title_for(index))
        entities = [diagram.entity(f"E{i}", alias) for i, alias in enumerate(aliases)]
        tokens = []
        for i, comment in enumerate(comments):
            keys = [("PK", "FK", "UK")[i % 3]] if i % 4 == 0 else []
            name = f"field {i}" if i % 2 else f"Field-{i}"
            diagram.attribute(
                entities[i % len(entities)], name, "varchar(255)", keys=keys, comment=comment
            )
            tokens.append(er_token(name))
        for i, label in enumerate(relationship_labels):
            diagram.relationship(
                entities[i % len(entities)],
                entities[(i + 1) % len(entities)],
                label,
                left=cardinalities[i % 4],
                right=cardinalities[(i + 1) % 4],
                dotted=bool(i % 2),
            )
        shown = [*aliases, *comments, *relationship_labels, *tokens, title_for(index)]
        yield Case(f"er-{index}", diagram.to_mermaid(), shown)


def compat_cases() -> Iterator[Case]:
    labels = CORPUS[::5]
    diagram = EntityDiagram(mermaid_version="10.4")
    seen: set[str] = set()
    shown: list[str] = []
    for i, label in enumerate(labels):
        if is_invisible(label) or label in seen:
            continue
        seen.add(label)
        shown.append(label)
        entity = diagram.entity(f"E{i}", label)
        if i % 3 == 0:
            diagram.attribute(entity, "id", "int", keys=["PK"])
    yield Case("er-quoted-names-10.4", diagram.to_mermaid(), shown)


CASES = [*flowchart_cases(), *journey_cases(), *entity_cases(), *compat_cases()]

# HTML a label could smuggle in; Mermaid's own SVG uses none of these.
INJECTABLE = {
    "script", "img", "iframe", "object", "embed", "a", "b", "i", "u", "s", "input",
    "form", "link", "meta", "base", "math", "video", "audio", "source", "button",
    "textarea", "select", "details", "mi",
}  # fmt: skip


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def rendered_texts(svg: str) -> set[str]:
    """The normalized text of every element (its own and its descendants')."""
    return {
        normalized("".join(element.itertext()))
        for element in ET.fromstring(svg).iter()
        if local_name(element.tag) != "style"
    }


def test_corpus_is_big_enough() -> None:
    assert len(CORPUS) >= 200
    assert len({normalized(label) for label in CORPUS}) >= 200


def test_labels_are_unique_within_each_diagram() -> None:
    for case in CASES:
        shown = [normalized(label) for label in case.labels if not is_invisible(label)]
        duplicates = {label for label in shown if shown.count(label) > 1}
        assert not duplicates, (case.name, duplicates)


@pytest.fixture(scope="module")
def rendered(mermaid_renderer: MermaidRenderer) -> dict[str, RenderResult]:
    results = mermaid_renderer.render_many([case.text for case in CASES])
    return {case.name: result for case, result in zip(CASES, results, strict=True)}


@pytest.mark.mermaid
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_every_label_renders_exactly(case: Case, rendered: dict[str, RenderResult]) -> None:
    result = rendered[case.name]
    assert result.ok, f"Mermaid refused {case.name}: {result.error}"
    assert result.svg is not None
    assert svg_problems(result.svg) == []
    elements = {local_name(element.tag) for element in ET.fromstring(result.svg).iter()}
    assert not elements & INJECTABLE
    texts = rendered_texts(result.svg)
    missing = [
        label for label in case.labels if not is_invisible(label) and normalized(label) not in texts
    ]
    assert missing == [], f"{len(missing)} labels not shown as written in {case.name}"


@pytest.mark.mermaid
def test_each_diagram_gets_its_own_error(mermaid_renderer: MermaidRenderer) -> None:
    good = Flowchart()
    good.node("a", "fine")
    results = mermaid_renderer.render_many(
        ["flowchart LR\n  a -->", good.to_mermaid(), "not a diagram"]
    )
    assert [result.ok for result in results] == [False, True, False]
    assert results[0].error is not None and "Parse error on line" in results[0].error
    assert results[2].error is not None and "No diagram type detected" in results[2].error
    assert results[1].svg is not None and results[1].svg.startswith("<svg")


@pytest.mark.mermaid
def test_rendering_is_deterministic_and_makes_png(mermaid_renderer: MermaidRenderer) -> None:
    chart = Flowchart(title="same bytes")
    chart.edge(chart.node("a", "A #1"), chart.node("b", "B 😀"), "to")
    first, second = mermaid_renderer.render_many([chart.to_mermaid()] * 2)
    assert first.svg == second.svg
    png = mermaid_renderer.render(chart.to_mermaid(), "png")
    assert png.png is not None and png.png.startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.mermaid
def test_mmdc_baseline_renders_the_same_diagram(mermaid_renderer: MermaidRenderer) -> None:
    chart = Flowchart()
    chart.edge(chart.node("a", "A <b>"), chart.node("b", "B"), "x")
    result = render_with_mmdc(chart.to_mermaid())
    assert result.ok, result.error
    assert result.svg is not None
    assert {"A<b>", "B", "x"} <= rendered_texts(result.svg)


def test_missing_renderer_says_how_to_install(tmp_path_factory: pytest.TempPathFactory) -> None:
    missing = tmp_path_factory.mktemp("nothing") / "chromium"
    with pytest.raises(RendererNotFoundError) as caught:
        find_renderer(chromium=missing, node=sys.executable)
    message = str(caught.value)
    assert str(missing) in message
    assert INSTALL_HELP in message
    assert "PUPPETEER_SKIP_DOWNLOAD=1 npm ci" in message


def test_missing_mermaid_cli_says_where_it_looked(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path_factory.mktemp("empty")
    monkeypatch.setattr("crmdsl.views.svg._CHECKOUT_CLI_DIR", empty / "a")
    monkeypatch.chdir(empty)
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("NODE_PATH", raising=False)
    monkeypatch.delenv("CRMDSL_MERMAID_CLI_DIR", raising=False)
    fake_node = empty / "bin" / "node"
    fake_node.parent.mkdir()
    fake_node.write_text("")
    with pytest.raises(RendererNotFoundError, match="no @mermaid-js/mermaid-cli in"):
        find_renderer(chromium=sys.executable, node=fake_node, cli_dir=empty / "b")


def test_node_script_starts_chromium_with_the_same_flags() -> None:
    script = (Path(__file__).resolve().parents[2] / "crmdsl/views/mermaid_render.mjs").read_text(
        encoding="utf-8"
    )
    for flag in CHROMIUM_ARGS:
        assert f'"{flag}"' in script
