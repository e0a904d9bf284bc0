"""Properties of the formatter over texts with the whitespace people really write: empty
comments, tabs, trailing spaces, blank lines full of spaces, CR, CRLF and mixed line
endings. Formatting twice gives what formatting once gave, and the map means the same."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from mapgen import generate

from crmdsl.formatter.check import file_meaning, same_meaning
from crmdsl.formatter.printer import NotFormattable, format_text
from crmdsl.formatter.tabs import expand_indent
from crmdsl.language.source import SourceText

COMMENTS = ["#", "# ", "#\t", "# note", "#   spaced   ", "##", "#!"]
BLANKS = ["", " ", "\t", " \t ", "   "]


def _meaning(text: str) -> object:
    source = SourceText.from_text(text, "p.crm")
    lines = [expand_indent(line, 4) for line in source.lines]
    return file_meaning(SourceText.from_text("\n".join(lines), "p.crm"))


def _roughen(text: str, rnd: random.Random, tabs: bool, newline: str) -> str:
    """The same map with whitespace a person (or an editor) might leave in it."""
    out: list[str] = []
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        pad = line[:indent]
        if tabs and line.strip():
            pad = "\t" * (indent // 2) + " " * (indent % 2)
        roll = rnd.random()
        if roll < 0.15:
            out.append(rnd.choice(["", pad, " " * rnd.randint(0, 9)]) + rnd.choice(COMMENTS))
        elif roll < 0.3:
            out.append(rnd.choice(BLANKS))
        body = line[indent:]
        if body and not body.lstrip().startswith("#") and "#" not in body and rnd.random() < 0.2:
            body += " " * rnd.randint(0, 5) + rnd.choice(COMMENTS)
        out.append(pad + body + rnd.choice(["", "", " ", "\t", "  "]))
    if rnd.random() < 0.5:
        out.extend(rnd.choice(BLANKS + COMMENTS) for _ in range(rnd.randint(1, 3)))
    joined = newline.join(out)
    return joined.rstrip("\n") if rnd.random() < 0.3 else joined


@settings(max_examples=120, deadline=None)
@given(
    st.integers(0, 2**32),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_rough_maps_format_idempotently_and_keep_their_meaning(
    seed: int, header: bool, tabs: bool, newline: str
) -> None:
    rnd = random.Random(seed)
    text = _roughen(generate(rnd, header=header), rnd, tabs, newline)
    once = format_text(text, "p.crm")
    assert format_text(once, "p.crm") == once
    assert same_meaning(_meaning(text), _meaning(once)) is None  # type: ignore[arg-type]
    body = once.removeprefix("\ufeff")
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert all(
        line == line.rstrip() and "\t" not in line[: len(line) - len(line.lstrip())]
        for line in lines
    )
    assert "\n\n\n" not in body.replace("\r\n", "\n").replace("\r", "\n")


_PIECES = st.sampled_from(
    [*COMMENTS, *BLANKS, 'team t "T"', "system s", "  kind crm", "\tkind crm", "  owner t",
     '  description "a # b"', "    # deep", "\t#", "process p", "  step a", "    -> b", "  end b"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=12), st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=1))
def test_any_text_formats_idempotently_or_is_refused(pieces: list[str], ends: list[str]) -> None:
    text = "".join(p + ends[i % len(ends)] for i, p in enumerate(pieces))
    try:
        once = format_text(text, "p.crm")
    except NotFormattable:
        return
    assert format_text(once, "p.crm") == once
    assert same_meaning(_meaning(text), _meaning(once)) is None  # type: ignore[arg-type]


def test_the_fuzzed_reproducers() -> None:
    assert format_text("#\n\t") == "#"
    assert format_text('team a "A"\n# end\n') == 'team a "A"\n# end\n'
    assert format_text("#\n") == "#\n"
