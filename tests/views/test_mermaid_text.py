"""Every escape of the Mermaid safety layer (crmdsl/views/mermaid_text.py), as exact text.

No browser: each test states the text that must reach Mermaid for a given user text,
so removing or weakening one escape fails here on every local run, not only in the
real-Mermaid tests that need Chromium. The property tests in test_mermaid_safe.py
compare with `sanitize_text` itself; these do not.
"""

from __future__ import annotations

import pytest

from crmdsl.views.mermaid_safe import EntityDiagram, Flowchart, Journey
from crmdsl.views.mermaid_text import (
    MermaidInputError,
    MermaidLimitError,
    SafeIds,
    check_limits,
    decode_label,
    encode_journey_text,
    encode_label,
    encode_multiline_label,
    is_invisible,
    journey_score,
    sanitize_text,
)

WJ = "\u2060"  # WORD JOINER: invisible, splits Mermaid's placeholder pairs

# --- Mermaid's placeholders: ﬂ° stands for `&#`, ¶ß for `;` --------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\ufb02\u00b0", f"\ufb02{WJ}\u00b0"),
        ("\u00b6\u00df", f"\u00b6{WJ}\u00df"),
        ("a\ufb02\u00b035\u00b6\u00dfb", f"a\ufb02{WJ}\u00b035\u00b6{WJ}\u00dfb"),
        ("\ufb02\u00b0\ufb02\u00b0", f"\ufb02{WJ}\u00b0\ufb02{WJ}\u00b0"),
        ("\u00b6\u00df\u00df", f"\u00b6{WJ}\u00df\u00df"),
        # Only the pairs, in this order, are placeholders.
        ("\u00b0\ufb02 \u00df\u00b6", "\u00b0\ufb02 \u00df\u00b6"),
        ("\ufb02 \u00b0 \u00b6 \u00df", "\ufb02 \u00b0 \u00b6 \u00df"),
        ("\ufb02\u00df \u00b6\u00b0", "\ufb02\u00df \u00b6\u00b0"),
    ],
)
def test_placeholder_pairs_are_split_by_a_word_joiner(text: str, expected: str) -> None:
    """Catches removing the placeholder escape: Mermaid would decode a user's ``ﬂ°35¶ß``
    as ``#``, and these pairs would reach the SVG as entity codes."""
    assert sanitize_text(text) == expected


def test_labels_carry_the_word_joiner_as_an_entity_code() -> None:
    """Catches removing the placeholder escape, through every kind of label."""
    assert encode_label("\ufb02\u00b0") == "#64258;#8288;#176;"
    assert encode_label("\u00b6\u00df") == "#182;#8288;#223;"
    assert encode_multiline_label("\ufb02\u00b0\n\u00b6\u00df") == (
        "#64258;#8288;#176;<br>#182;#8288;#223;"
    )
    assert encode_journey_text("\u00b6\u00df") == "#182;#8288;#223;"
    assert decode_label(encode_label("x\ufb02\u00b0y")) == f"x\ufb02{WJ}\u00b0y"


def test_titles_carry_the_word_joiner() -> None:
    """Catches removing the placeholder escape from titles (front matter and journeys)."""
    chart = Flowchart(title="\ufb02\u00b0 and \u00b6\u00df")
    assert chart.to_mermaid().startswith(
        '---\ntitle: "\\ufb02\\u2060\\u00b0 and \\u00b6\\u2060\\u00df"\n---\n'
    )
    assert (
        EntityDiagram(title="\u00b6\u00df")
        .to_mermaid()
        .startswith('---\ntitle: "\\u00b6\\u2060\\u00df"\n---\n')
    )
    assert "\ttitle #64258;#8288;#176;\n" in Journey("\ufb02\u00b0").to_mermaid()


# --- characters no SVG can hold ------------------------------------------------------


@pytest.mark.parametrize(
    "char",
    ["\x00", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\x80", "\x9f", "\ud800", "\udfff"]
    + ["\ufffe", "\uffff"],
)
def test_unrepresentable_characters_become_the_replacement_character(char: str) -> None:
    assert sanitize_text(f"a{char}b") == "a\ufffdb"
    assert encode_label(char) == "#65533;"


@pytest.mark.parametrize("char", ["\t", "\n", "\r", " ", "\x7f", "\xa0", "\ufffd", "\ufffc"])
def test_characters_an_svg_can_hold_are_kept(char: str) -> None:
    assert sanitize_text(f"a{char}b") == f"a{char}b"


# --- labels: only letters, digits, space, `#` and `;` ----------------------------------


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("AZaz09 ", "AZaz09 "),
        ("_", "#95;"),
        ("#", "#35;"),
        (";", "#59;"),
        ("<br>", "#60;br#62;"),
        ("-->", "#45;#45;#62;"),
        ("é", "#233;"),
        ("\t", "#9;"),
        ("\n", "#10;"),
        ("direction LR", "direction#32;LR"),
        ("Direction TB", "Direction#32;TB"),
        ("direction", "direction"),
        ("a direction  b", "a direction#32; b"),
        ("redirection x", "redirection#32;x"),
        ("direction\tx", "direction#9;x"),
    ],
)
def test_label_escapes(text: str, encoded: str) -> None:
    assert encode_label(text) == encoded
    assert decode_label(encoded) == text


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("a\nb", "a<br>b"),
        ("a\r\nb", "a<br>b"),
        ("a\rb", "a<br>b"),
        ("a\n\nb", "a<br><br>b"),
        ("\n", "<br>"),
        ("direction LR\nx", "direction#32;LR<br>x"),
        ("a\u2028b", "a#8232;b"),
    ],
)
def test_multiline_label_escapes(text: str, encoded: str) -> None:
    assert encode_multiline_label(text) == encoded


def test_decode_reads_only_whole_entity_codes() -> None:
    assert decode_label("#35;#x;#;#12") == "##x;#;#12"
    assert decode_label("a<br>b") == "a\nb"


@pytest.mark.parametrize(
    ("text", "invisible"),
    [
        ("", True),
        (" \u00a0\u3000", True),  # Zs
        ("\u2028\u2029", True),  # Zl, Zp
        ("\x01\n", True),  # Cc
        ("\u200b\u00ad\u200e\ufeff", True),  # Cf
        ("\u0301", True),  # Mn
        ("\u20dd", True),  # Me
        ("a", False),
        (" .", False),
        ("\u0301e", False),
        ("\u2060x", False),
    ],
)
def test_invisible_text_by_category(text: str, invisible: bool) -> None:
    assert is_invisible(text) is invisible


# --- journeys --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("journey", "#106;ourney"),
        ("Section", "#83;ection"),
        ("acctitle", "#97;cctitle"),
        ("ACCDESCR x", "#65;CCDESCR x"),
        ("titles", "#116;itles"),
        ("my title", "my title"),
        (" x", "#32;x"),
        ("x  ", "x#32;#32;"),
        (" ", "#32;"),
        ("a\nb", "a#10;b"),
        ("\ufb02\u00b0", "#64258;#8288;#176;"),
        ("XmasX", "XmasX"),  # only spaces are trimmed and re-encoded
        ("X ", "X#32;"),
    ],
)
def test_journey_text_escapes(text: str, encoded: str) -> None:
    assert encode_journey_text(text) == encoded


def test_journey_text_empty_is_refused_with_a_message() -> None:
    with pytest.raises(MermaidInputError) as caught:
        encode_journey_text("")
    assert str(caught.value) == "a journey title, section, task or actor cannot be empty"


def test_journey_score_message() -> None:
    for score in (1, 5):
        assert journey_score(score) == score
    with pytest.raises(MermaidInputError) as caught:
        journey_score(6)
    assert str(caught.value) == "a journey score must be a whole number from 1 to 5, not 6"
    with pytest.raises(MermaidInputError, match="not True"):
        journey_score(True)


# --- ids ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_id", "safe_id"),
    [
        ("az09", "x_az09"),
        ("AZ", "x__a_z"),
        ("a_b", "x_a__b"),
        ("a.b", "x_a_46_b"),
        ("a b", "x_a_32_b"),
        ("`", "x__96_"),
        ("@", "x__64_"),
        ("[", "x__91_"),
        ("{", "x__123_"),
        ("/", "x__47_"),
        (":", "x__58_"),
    ],
)
def test_id_escapes(user_id: str, safe_id: str) -> None:
    """The boundaries of each character class (`a`-`z`, `0`-`9`, `A`-`Z`) and their
    neighbours in ASCII, which are escaped."""
    ids = SafeIds("x")
    assert ids(user_id) == safe_id
    assert ids.decode(safe_id) == user_id


@pytest.mark.parametrize("safe_id", ["x", "x_", "y_ab", "x_A", "x_a_", "x__", "x_a-b", "xa_b"])
def test_decode_refuses_ids_it_did_not_make(safe_id: str) -> None:
    ids = SafeIds("x")
    with pytest.raises(MermaidInputError) as caught:
        ids.decode(safe_id)
    assert str(caught.value) == f"{safe_id!r} is not an id made by SafeIds(prefix='x')"


def test_id_errors_say_what_is_wrong() -> None:
    with pytest.raises(MermaidInputError) as caught:
        SafeIds("X")
    assert str(caught.value) == "an id prefix must be lower-case letters and digits, not 'X'"
    with pytest.raises(MermaidInputError) as caught:
        SafeIds("x")("")
    assert str(caught.value) == "an id cannot be empty"
    assert SafeIds("a1")("b") == "a1_b"


# --- limits ---------------------------------------------------------------------------


def test_limits_at_their_boundaries() -> None:
    check_limits("x" * 50_000, 500)
    check_limits("x" * 10, 3, max_edges=3, max_text_size=10)
    with pytest.raises(MermaidLimitError) as caught:
        check_limits("x", 4, max_edges=3)
    assert str(caught.value) == (
        "the diagram has 4 edges; Mermaid draws at most 3 by default (its maxEdges "
        "setting): show a smaller part of the map"
    )
    with pytest.raises(MermaidLimitError) as caught:
        check_limits("x" * 11, 0, max_text_size=10)
    assert str(caught.value) == (
        "the diagram is 11 characters long; Mermaid reads at most 10 by default (its "
        "maxTextSize setting): show a smaller part of the map, or shorten its labels"
    )
    with pytest.raises(MermaidLimitError, match="501 edges"):
        check_limits("x", 501)
    with pytest.raises(MermaidLimitError, match="50001 characters"):
        check_limits("x" * 50_001, 0)
