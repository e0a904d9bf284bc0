"""The hostile label corpus: every label that has broken a writer somewhere.

`labels()` is the views' corpus (punctuation, Mermaid keywords, HTML, entities, emoji,
right-to-left text, long labels) plus what breaks Markdown: block starters, link and
image syntax, autolinks, entity references, table pipes, heading closers, line and
paragraph separators and control characters.
"""

from __future__ import annotations

from tests.views.test_views_real_mermaid import corpus

__all__ = ["MARKDOWN_LABELS", "labels", "quote"]

MARKDOWN_LABELS = [
    "T\n<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "# heading",
    "Title #",
    "Title ##",
    "- item",
    "+ item",
    "* item",
    "-",
    "+",
    "1.",
    "- ---",
    "+10%",
    "-5 days",
    "1.5 hours",
    "1. first",
    "2) second",
    "> quote",
    "===",
    "***",
    "    indented code",
    "[x](javascript:alert(1))",
    "![i](x.png)",
    "[ref]: http://x",
    "<https://example.com>",
    "<mailto:a@b.c>",
    "a\\\nb",
    "line one  \nline two",
    "cell | cell",
    "&#60;script&#62;",
    "&lt;b&gt;",
    "&copy;",
    "~~strike~~",
    "$$x$$",
    "a\u2028b\u2029c",
    "a\rb",
    "a\x0bb\x0cc",
    "esc \x1b[31m red",
    "nul \x00 here",
    "`` code ``",
    "<!-- hidden -->",
    "<?php x ?>",
    "<div>\n\nblock</div>",
    "</textarea><script>",
    "\"'><svg/onload=alert(1)>",
]


def labels() -> list[str]:
    """The whole corpus, each label once, in a fixed order."""
    return list(dict.fromkeys([*corpus(), *MARKDOWN_LABELS]))


def quote(text: str) -> str:
    """A crmdsl string literal holding `text` (a line break as `\\n`)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
