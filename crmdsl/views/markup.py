"""Escaping user text for Markdown and HTML: a label in, inert text out.

Every writer that puts a user's words (a map title, a view title, a label, a pain, a
description) into Markdown or HTML goes through this module, so that a label cannot
open a tag, a link, an emphasis, a heading, a list or a table cell, and cannot start a
new line. What a reader sees is the label as written, its runs of white space (line
breaks included) shown as one space, and control characters (which cannot be shown) as
U+FFFD.

- `markdown_inline(text)`: for a heading, a list item, a paragraph or a link text.
- `markdown_cell(text)`: for a cell of a GitHub-flavoured Markdown table (never empty).
- `markdown_heading(level, text)`: a whole ATX heading line, `## text`.
- `markdown_code(text)`: a code span holding the text (an id, a clause as written).
- `html_text(text)`: for HTML text or a double- or single-quoted attribute value.
"""

from __future__ import annotations

import html
import re

__all__ = [
    "html_text",
    "markdown_cell",
    "markdown_code",
    "markdown_heading",
    "markdown_inline",
    "one_line",
]

# Every character CommonMark or GitHub gives a meaning to anywhere in a line: escapes,
# code, emphasis, strike-through, links and images, raw HTML and autolinks, entity
# references, table cells, heading closers and math. A backslash before any ASCII
# punctuation mark is a literal mark in CommonMark.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&!$])")
# What has a meaning only at the start of a line: list items (`- `, `+ `, `1. `, `1) `),
# a block quote (escaped above), a setext underline (`==`), a thematic break (`--`).
_LEADING = re.compile(r"^(?:([-+=])(?=[-+=\s]|$)|(\d{1,9})([.)])(?=\s|$))")
# Control characters other than white space cannot be shown; white space is joined.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


def one_line(text: str) -> str:
    """`text` on one line: runs of white space (line breaks too) as one space, trimmed."""
    return _CONTROL.sub("\ufffd", " ".join(str(text).split()))


def markdown_inline(text: str) -> str:
    """User text as inert inline Markdown: shows exactly `one_line(text)`."""
    flat = _SPECIAL.sub(r"\\\1", one_line(text))
    return _LEADING.sub(_escape_leading, flat, count=1)


def _escape_leading(match: re.Match[str]) -> str:
    if match.group(1):
        return "\\" + match.group(1)
    return f"{match.group(2)}\\{match.group(3)}"


def markdown_cell(text: str) -> str:
    """User text as the content of a table cell: inline Markdown, a space when empty."""
    return markdown_inline(text) or " "


def markdown_heading(level: int, text: str) -> str:
    """An ATX heading line (no newline) whose text is shown exactly."""
    return f"{'#' * level} {markdown_inline(text)}".rstrip()


def markdown_code(text: str) -> str:
    """A code span showing `one_line(text)` exactly, whatever backticks it holds."""
    flat = one_line(text)
    runs = [len(run) for run in re.findall(r"`+", flat)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if runs else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def html_text(text: str) -> str:
    """User text as HTML text or attribute value: `& < > " '` as character references."""
    return html.escape(_CONTROL.sub("\ufffd", str(text)), quote=True)
