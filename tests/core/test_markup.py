"""The escaping of user text for Markdown and HTML (`crmdsl.views.markup`).

Every label of the hostile corpus, put through each escape and rendered by a real
Markdown renderer (markdown-it-py, CommonMark with GitHub tables and strike-through),
shows exactly as written on one line: the rendered HTML is the label's own text, escaped,
and nothing else (no tag, no link, no emphasis, no line break, no list, no new cell).
"""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

from crmdsl.views.markup import (
    html_text,
    markdown_cell,
    markdown_heading,
    markdown_inline,
    one_line,
)
from tests.fuzz.hostile import labels

LABELS = labels()
MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def shown(label: str) -> str:
    """What a reader must see, as markdown-it writes text."""
    return escapeHtml(one_line(label))


def test_the_corpus_is_hostile_enough() -> None:
    assert len(LABELS) >= 250
    assert any("<script>" in label for label in LABELS)
    assert any("\n" in label for label in LABELS)


@pytest.mark.parametrize("label", LABELS)
def test_a_label_in_each_markdown_place_shows_exactly(label: str) -> None:
    text = shown(label)
    assert MD.render(markdown_heading(2, label)) == (
        f"<h2>{text}</h2>\n" if text else "<h2></h2>\n"
    )
    if text:
        assert MD.render(f"- {markdown_inline(label)}") == f"<ul>\n<li>{text}</li>\n</ul>\n"
        assert MD.render(f"Before {markdown_inline(label)}") == f"<p>Before {text}</p>\n"
        assert MD.render(markdown_inline(label)) == f"<p>{text}</p>\n"
    table = MD.render(f"| a | b |\n|---|---|\n| {markdown_cell(label)} | z |\n")
    assert f"<td>{text}</td>\n<td>z</td>" in table, table


def test_a_heading_keeps_its_level_and_one_line() -> None:
    assert markdown_heading(1, "T\n<script>alert(1)</script>") == (
        "# T \\<script\\>alert(1)\\</script\\>"
    )
    assert markdown_heading(3, "") == "###"


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize("label", LABELS)
def test_a_label_in_html_text_and_attributes_is_inert(label: str) -> None:
    page = f"<p title=\"{html_text(label)}\" data-x='{html_text(label)}'>{html_text(label)}</p>"
    parser = _Collect()
    parser.feed(page)
    parser.close()
    clean = label.translate({c: "\ufffd" for c in range(0x20) if chr(c) not in "\t\n\x0b\x0c\r"})
    assert parser.tags == ["p"]
    assert [v for _, v in parser.attrs] == [html.unescape(html_text(label))] * 2
    assert "".join(parser.text) == html.unescape(html_text(label))
    assert html.unescape(html_text(label)).replace("\x7f", "\ufffd") == clean.translate(
        {c: "\ufffd" for c in (*range(0x7F, 0x85), *range(0x86, 0xA0))}
    )
