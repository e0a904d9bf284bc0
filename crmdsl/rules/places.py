"""Where findings go and how they name things: small helpers shared by the rule modules.

In: model nodes. Out: the span of a statement's keyword (docs/rules.md, "Where findings
go"), the span of a clause or of a field's name, line 1 of a file, and the words that name an
entity, a field or a list of things in a message.
"""

from __future__ import annotations

from collections.abc import Iterable

from crmdsl.errors import Span
from crmdsl.model import EntityField, Node

__all__ = [
    "and_list",
    "clause_span",
    "field_span",
    "file_start",
    "keyword_span",
    "plural",
    "quoted",
]


def keyword_span(node: Node, keyword: str | None = None) -> Span:
    """The span of the keyword that opens `node`'s line (`step`, `touchpoint`, `map`, ...)."""
    word = keyword if keyword is not None else node.statement
    s = node.span
    return Span(s.file, s.line, s.col, s.line, s.col + len(word))


def clause_span(node: Node, keyword: str) -> Span:
    """Where a clause of `node` was written (the first time), else the statement's keyword."""
    spans = node.clause_spans.get(keyword)
    return spans[0] if spans else keyword_span(node)


def field_span(fld: EntityField) -> Span:
    """The span of a field's name on its field line."""
    if fld.name_span is not None:
        return fld.name_span
    s = fld.span
    return Span(s.file, s.line, s.col, s.line, s.col + len(fld.name))


def file_start(path: str) -> Span:
    """Line 1, column 1 of a file."""
    return Span(path, 1, 1, 1, 2)


def quoted(items: Iterable[str]) -> list[str]:
    """Each item in backticks."""
    return [f"`{item}`" for item in items]


def and_list(items: Iterable[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    words = list(items)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def plural(count: int, word: str, many: str | None = None) -> str:
    """`1 field`, `2 fields`."""
    return f"{count} {word if count == 1 else (many or word + 's')}"
