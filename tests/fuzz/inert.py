"""Is a Markdown page inert? A page in, the tokens of a real Markdown renderer out.

`assert_inert(page)` renders the page with markdown-it-py (CommonMark with GitHub tables
and strike-through) and fails if it holds a tag a label could have made: raw HTML
(other than the diff's own `<details>` blocks), a link, an image, or any element other
than the writers' own headings, lists, tables, code and emphasis. `headings(tokens)` is
the text of each heading as a reader sees it.
"""

from __future__ import annotations

from html.parser import HTMLParser

from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = ["MD", "OWN_HTML", "OWN_TAGS", "assert_inert", "headings"]

MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
#: The tags the writers themselves write; anything else came from a label.
OWN_TAGS = {
    *(f"h{n}" for n in range(1, 7)),
    *("p", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "code", "pre"),
    *("strong", "em", "details", "summary", "br", "hr", "blockquote"),
}
#: The HTML blocks the diff writes around its sections (GitHub folds them).
OWN_HTML = {"<details>", "<details open>", "</details>"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attrs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs += [name for name, _ in attrs]


def assert_inert(page: str) -> list[Token]:
    """The page renders with only the writers' own tags; returns its tokens."""
    tokens = MD.parse(page)
    for token in tokens:
        if token.type == "html_block":
            lines = [line for line in token.content.splitlines() if line.strip()]
            own = [line for line in lines if line in OWN_HTML or line.startswith("<summary>")]
            assert own == lines, token.content
        for child in token.children or []:
            assert child.type != "html_inline", child.content
            assert child.type not in ("link_open", "image"), child
    parser = _Tags()
    parser.feed(MD.render(page))
    assert parser.tags <= OWN_TAGS, parser.tags - OWN_TAGS
    assert parser.attrs == [] or set(parser.attrs) <= {"class", "open"}, parser.attrs
    return tokens


def headings(tokens: list[Token]) -> list[str]:
    """The text of each heading, as a reader sees it."""
    out = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            inline = tokens[index + 1]
            out.append("".join(c.content for c in inline.children or [] if c.type == "text"))
    return out
