"""Unit and property tests of the Mermaid safety layer (no browser needed)."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from crmdsl.views.mermaid_safe import (
    JOURNEY_KEYWORDS,
    MAX_EDGES,
    MERMAID_KEYWORDS,
    EntityDiagram,
    Flowchart,
    Journey,
    MermaidInputError,
    MermaidLimitError,
    SafeIds,
    check_limits,
    decode_label,
    encode_journey_text,
    encode_label,
    encode_multiline_label,
    er_token,
    is_invisible,
    journey_score,
    sanitize_text,
)

REPO = Path(__file__).resolve().parents[2]
LABEL_CHARS = re.compile(r"[A-Za-z0-9 #;]*")
ID_SHAPE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
KEYWORDS_LOWER = {keyword.lower() for keyword in MERMAID_KEYWORDS}

# Any text, surrogates included (a str can hold them even if no file can).
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=60)
# Text an SVG can show exactly.
showable_text = st.text(
    st.characters(exclude_categories=("Cs",)).filter(lambda c: sanitize_text(c) == c),
    max_size=60,
).filter(lambda t: sanitize_text(t) == t)  # nor a pair Mermaid takes for a placeholder (¶ß)
user_ids = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)


# --- labels ---------------------------------------------------------------------------


def test_encode_label_examples() -> None:
    assert encode_label("Lead 42") == "Lead 42"
    assert encode_label('a "b" #c;') == "a #34;b#34; #35;c#59;"
    assert encode_label("😀") == "#128512;"
    assert encode_label("<script>") == "#60;script#62;"
    assert encode_label("x\ny") == "x#10;y"


def test_entity_looking_text_is_shown_as_typed() -> None:
    assert encode_label("#35;") == "#35;35#59;"
    assert decode_label(encode_label("#quot; &amp;")) == "#quot; &amp;"


def test_space_after_direction_is_encoded() -> None:
    # Mermaid reads any flowchart/erDiagram line containing `direction LR` as a
    # direction statement and drops the rest of the line.
    assert encode_label("set direction LR") == "set direction#32;LR"
    assert encode_label("DIRECTION  tb") == "DIRECTION#32; tb"
    assert encode_label("directions LR") == "directions LR"


def test_unrepresentable_characters_become_replacement_character() -> None:
    assert encode_label("a\x00b\x85c\ufffe") == "a#65533;b#65533;c#65533;"
    assert decode_label(encode_label("tab\tok\r")) == "tab\tok\r"


def test_multiline_label_uses_br() -> None:
    assert encode_multiline_label("one\ntwo\r\nthree\rfour") == "one<br>two<br>three<br>four"
    assert decode_label(encode_multiline_label("one\ntwo")) == "one\ntwo"


@given(any_text)
def test_encoded_label_has_only_safe_characters(text: str) -> None:
    assert LABEL_CHARS.fullmatch(encode_label(text))


@given(any_text)
@example("¶ß ﬂ°")  # placeholders of Mermaid's: a word joiner splits each pair
def test_encoded_label_decodes_to_the_sanitized_text(text: str) -> None:
    assert decode_label(encode_label(text)) == sanitize_text(text)


@given(showable_text)
def test_encoded_label_decodes_to_the_original(text: str) -> None:
    assert decode_label(encode_label(text)) == text


@given(any_text)
def test_multiline_label_has_no_markup_but_br(text: str) -> None:
    encoded = encode_multiline_label(text)
    assert LABEL_CHARS.fullmatch(encoded.replace("<br>", ""))


def test_invisible_text() -> None:
    assert is_invisible("")
    assert is_invisible(" \t\u200b\u00ad\u200e")
    assert not is_invisible(" a ")
    assert not is_invisible("#")


# --- journeys -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("section two", "#115;ection two"),
        ("Title page", "#84;itle page"),
        ("JOURNEY", "#74;OURNEY"),
        ("accTitle x", "#97;ccTitle x"),
        ("sign up", "sign up"),
        ("  padded ", "#32;#32;padded#32;"),
        ("   ", "#32;#32;#32;"),
        ("a: b", "a#58; b"),
    ],
)
def test_journey_text(text: str, expected: str) -> None:
    assert encode_journey_text(text) == expected
    assert decode_label(expected) == text


def test_journey_text_cannot_be_empty() -> None:
    with pytest.raises(MermaidInputError, match="cannot be empty"):
        encode_journey_text("")


@given(st.text(min_size=1, max_size=40).filter(lambda t: sanitize_text(t) == t))
def test_journey_text_round_trips_and_never_starts_with_a_keyword(text: str) -> None:
    encoded = encode_journey_text(text)
    assert LABEL_CHARS.fullmatch(encoded)
    assert decode_label(encoded) == text
    assert not encoded.lower().startswith(JOURNEY_KEYWORDS)
    assert encoded == encoded.strip()


@pytest.mark.parametrize("score", [1, 3, 5])
def test_journey_score_accepts_1_to_5(score: int) -> None:
    assert journey_score(score) == score


@pytest.mark.parametrize("score", [0, 6, -1, 2.5, float("nan"), "3", True, None])
def test_journey_score_rejects_anything_else(score: object) -> None:
    with pytest.raises(MermaidInputError, match="from 1 to 5"):
        journey_score(score)


# --- ids ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_id", "safe_id"),
    [
        ("lead", "n_lead"),
        ("Lead", "n__lead"),
        ("leadForm", "n_lead_form"),
        ("lead_form", "n_lead__form"),
        ("crm-sync", "n_crm_45_sync"),
        ("end", "n_end"),
        ("É", "n__201_"),
        ("_", "n___"),
    ],
)
def test_safe_id_examples(user_id: str, safe_id: str) -> None:
    assert SafeIds()(user_id) == safe_id
    assert SafeIds().decode(safe_id) == user_id


@given(user_ids)
def test_safe_ids_are_valid_identifiers_and_never_keywords(user_id: str) -> None:
    safe_id = SafeIds()(user_id)
    assert ID_SHAPE.fullmatch(safe_id)
    assert safe_id == safe_id.lower()  # survives mermaid-py's lowercasing
    assert safe_id.lower() not in KEYWORDS_LOWER
    assert SafeIds().decode(safe_id) == user_id


@given(user_ids, user_ids)
def test_safe_ids_are_injective(first: str, second: str) -> None:
    if first != second:
        assert SafeIds()(first) != SafeIds()(second)


@given(user_ids)
def test_case_only_differences_stay_distinct(user_id: str) -> None:
    variants = {user_id, user_id.lower(), user_id.upper(), user_id.swapcase()}
    assert len({SafeIds()(variant) for variant in variants}) == len(variants)


@given(user_ids, user_ids)
def test_prefixes_never_collide(first: str, second: str) -> None:
    assert SafeIds("n")(first) != SafeIds("g")(second)


def test_ids_do_not_depend_on_hash_seed_or_order() -> None:
    script = (
        "from crmdsl.views.mermaid_safe import SafeIds\n"
        "ids = SafeIds('sys')\n"
        "print([ids(u) for u in sorted({'Lead', 'lead', 'Ünïcode', 'a b', 'end'})])\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("0", "1", "12345")
    }
    assert len(outputs) == 1
    assert SafeIds("sys")("b") == SafeIds("sys")("b")


@pytest.mark.parametrize("prefix", ["", "N", "n_", "1a", "a-b"])
def test_bad_prefix_is_refused(prefix: str) -> None:
    with pytest.raises(MermaidInputError, match="prefix"):
        SafeIds(prefix)


def test_empty_id_is_refused() -> None:
    with pytest.raises(MermaidInputError, match="empty"):
        SafeIds()("")


def test_decode_refuses_foreign_ids() -> None:
    with pytest.raises(MermaidInputError):
        SafeIds("n").decode("g_lead")
    with pytest.raises(MermaidInputError):
        SafeIds("n").decode("n__")


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("email", "email"),
        ("email address", "email_address"),
        ("varchar(255)", "varchar_255_"),
        ("2fa", "_2fa"),
        ("", "_"),
        ("pk", "pk_"),
        ("UK", "UK_"),
    ],
)
def test_er_token(text: str, token: str) -> None:
    assert er_token(text) == token


# --- limits ---------------------------------------------------------------------------


def test_check_limits() -> None:
    check_limits("x" * 50_000, MAX_EDGES)
    with pytest.raises(MermaidLimitError, match="501 edges; Mermaid draws at most 500"):
        check_limits("x", 501)
    with pytest.raises(MermaidLimitError, match="50001 characters long"):
        check_limits("x" * 50_001, 0)


def test_flowchart_checks_limits() -> None:
    chart = Flowchart()
    ids = [chart.node(str(index)) for index in range(502)]
    for source, target in zip(ids, ids[1:], strict=False):
        chart.edge(source, target)
    with pytest.raises(MermaidLimitError):
        chart.to_mermaid()
    assert chart.to_mermaid(check=False).count("-->") == 501


# --- builders -------------------------------------------------------------------------


def build_flowchart() -> Flowchart:
    chart = Flowchart("LR", title='Lead "to" cash # 1')
    chart.class_def("manual", fill="#fde", stroke="#333", stroke_width="2px")
    chart.class_def("auto", fill="#eef")
    sales = chart.subgraph("Sales", "Sales team")
    inner = chart.subgraph("inner", parent=sales, direction="TB")
    lead = chart.node("Lead", "New lead <b>\nline 2", subgraph=sales, classes=["manual"])
    qualify = chart.node("lead", 'Qualify "x"', shape="rhombus", subgraph=inner)
    done = chart.node("end", "", shape="circle", classes=["auto", "manual"])
    chart.subgraph("empty", "Empty")
    chart.edge(lead, qualify, "yes -->")
    chart.edge(qualify, done, shape="dotted", head_left="left-arrow")
    chart.edge(sales, done, " ")
    return chart


def test_flowchart_text() -> None:
    assert build_flowchart().to_mermaid() == (
        "---\n"
        'title: "Lead \\"to\\" cash # 1"\n'
        "---\n"
        "flowchart LR\n"
        "\tclassDef manual fill:#fde,stroke-width:2px,stroke:#333\n"
        "\tclassDef auto fill:#eef\n"
        '\tsubgraph g__sales ["Sales team"]\n'
        '\t\tsubgraph g_inner ["inner"]\n'
        "\t\t\tdirection TB\n"
        '\t\t\tn_lead{"Qualify #34;x#34;"}\n'
        "\t\tend\n"
        '\t\tn__lead["New lead #60;b#62;<br>line 2"]\n'
        "\t\tn__lead:::manual\n"
        "\tend\n"
        '\tn_end(("#32;"))\n'
        "\tn_end:::auto\n"
        "\tn_end:::manual\n"
        '\tsubgraph g_empty ["Empty"]\n'
        "\tend\n"
        '\tn__lead -->|"yes #45;#45;#62;"| n_lead\n'
        "\tn_lead <-.-> n_end\n"
        "\tg__sales --> n_end\n"
    )


def test_flowchart_is_deterministic_across_hash_seeds() -> None:
    script = (
        "from crmdsl.views.mermaid_safe import Flowchart\n"
        + inspect.getsource(build_flowchart)
        + "print(build_flowchart().to_mermaid())\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("0", "7", "4242")
    }
    assert len(outputs) == 1


def test_importing_mermaid_py_prints_nothing() -> None:
    script = (
        "from crmdsl.views.mermaid_safe import Flowchart\n"
        "import sys\n"
        "assert 'mermaid' not in sys.modules\n"
        "chart = Flowchart()\n"
        "chart.node('a')\n"
        "assert 'mermaid' in sys.modules\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert completed.stdout == ""


def test_flowchart_refuses_what_mermaid_cannot_draw() -> None:
    chart = Flowchart()
    a = chart.node("a")
    b = chart.node("b")
    with pytest.raises(MermaidInputError, match="declared twice"):
        chart.node("a")
    with pytest.raises(MermaidInputError, match="not a declared"):
        chart.edge(a, "raw user text")
    with pytest.raises(MermaidInputError, match="arrow heads"):
        chart.edge(a, b, head_left="bullet", head_right="none")
    with pytest.raises(MermaidInputError, match="hidden edge"):
        chart.edge(a, b, "label", shape="hidden", head_right="none")
    with pytest.raises(MermaidInputError, match="not defined"):
        chart.node("c", classes=["nope"])
    with pytest.raises(MermaidInputError, match="bad style"):
        chart.class_def("xy", fill="red;stroke:#000")
    with pytest.raises(MermaidInputError, match="class name"):
        chart.class_def("end")
    with pytest.raises(MermaidInputError, match="unknown node shape"):
        chart.node("d", shape="blob")
    with pytest.raises(MermaidInputError, match="reserved"):
        chart.node("e", namespace="g")
    with pytest.raises(MermaidInputError, match="direction"):
        Flowchart("XY")


def test_extended_shape_and_its_fallback() -> None:
    new = Flowchart()
    new.node("spec", "Spec #1", shape="document")
    assert '\tn_spec@{ shape: doc, label: "Spec #35;1" }\n' in new.to_mermaid()
    old = Flowchart(mermaid_version="11.2")
    old.node("spec", "Spec #1", shape="document")
    assert '\tn_spec["Spec #35;1"]\n' in old.to_mermaid()


def test_entity_diagram_text() -> None:
    diagram = EntityDiagram(title="Data")
    customer = diagram.entity("Customer", "Customer (CRM)")
    order = diagram.entity("order", "Order\nlines")
    diagram.attribute(customer, "email address", keys=["PK"], comment='the "e-mail"')
    diagram.attribute(customer, "pk", "varchar(255)", comment=" ")
    diagram.relationship(customer, order, "places >")
    diagram.relationship(customer, order, "\u200b", left="zero-or-one", dotted=True)
    assert diagram.to_mermaid() == (
        '---\ntitle: "Data"\n---\n'
        "erDiagram\n"
        '\te__customer["Customer #40;CRM#41;"] {\n'
        '\t\tstring email_address PK "the #34;e#45;mail#34;"\n'
        "\t\tvarchar_255_ pk_\n"
        "\t}\n"
        '\te_order["Order<br>lines"]\n'
        '\te__customer||--o{e_order : "places #62;"\n'
        '\te__customer|o..o{e_order : ""\n'
    )


def test_entity_diagram_for_mermaid_before_10_5_uses_quoted_names() -> None:
    diagram = EntityDiagram(mermaid_version="10.4")
    customer = diagram.entity("customer", "Customer #1")
    order = diagram.entity("order")
    diagram.relationship(customer, order, "has")
    assert diagram.to_mermaid() == (
        'erDiagram\n\t"Customer #35;1"\n\t"order"\n\t"Customer #35;1"||--o{"order" : "has"\n'
    )
    with pytest.raises(MermaidInputError, match="before 10.5"):
        diagram.entity("other", "Customer #1")


def test_entity_diagram_for_mermaid_10_has_no_line_breaks() -> None:
    diagram = EntityDiagram(mermaid_version="10.9")
    entity = diagram.entity("a", "two\nlines")
    diagram.attribute(entity, "id", comment="x\ny")
    diagram.relationship(entity, entity, "p\nq")
    assert diagram.to_mermaid() == (
        "erDiagram\n"
        '\te_a["two#10;lines"] {\n'
        '\t\tstring id "x#10;y"\n'
        "\t}\n"
        '\te_a||--o{e_a : "p#10;q"\n'
    )


@pytest.mark.parametrize("version", ["9.4", "x", "10.x"])
def test_unsupported_mermaid_versions(version: str) -> None:
    with pytest.raises(MermaidInputError, match="mermaid_version|10.0 or later"):
        Flowchart(mermaid_version=version)


def test_journey_text_output() -> None:
    journey = Journey("Buy # stuff")
    journey.task("before any section", 3, ["Me"])
    journey.section("section one")
    journey.task("title x", 5, ["A, b", "C:d"])
    journey.task("  spaced ", 1)
    assert journey.to_mermaid() == (
        "journey\n"
        "\ttitle Buy #35; stuff\n"
        "\t\tbefore any section: 3 : Me\n"
        "\tsection #115;ection one\n"
        "\t\t#116;itle x: 5 : A#44; b, C#58;d\n"
        "\t\t#32;#32;spaced#32;: 1 : \n"
    )
    with pytest.raises(MermaidInputError, match="from 1 to 5"):
        journey.task("bad", 0)


NODE_LINE = re.compile(r'\tn_[a-z0-9_]+\["[A-Za-z0-9 #;]*(<br>[A-Za-z0-9 #;]*)*"\]')
EDGE_LINE = re.compile(
    r'\tn_[a-z0-9_]+ -->(\|"[A-Za-z0-9 #;]*(<br>[A-Za-z0-9 #;]*)*"\|)? n_[a-z0-9_]+'
)


@given(st.lists(user_ids, min_size=1, max_size=8, unique=True), any_text)
@settings(max_examples=50, deadline=None)
def test_no_user_text_reaches_a_flowchart_unencoded(node_ids: list[str], label: str) -> None:
    chart = Flowchart()
    made = [chart.node(user_id, label + user_id) for user_id in node_ids]
    for source, target in zip(made, made[1:], strict=False):
        chart.edge(source, target, label)
    lines = chart.to_mermaid().splitlines()
    assert lines[0] == "flowchart LR"
    for line in lines[1:]:
        assert NODE_LINE.fullmatch(line) or EDGE_LINE.fullmatch(line), line
