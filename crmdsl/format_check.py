"""The formatter's safety check: two models in, "do they say the same thing?" out.

`model_equal_ignoring_spans` compares model objects (a `CrmMap`, a `BuiltFile`, any node
or list of nodes) field by field, ignoring where things are written: spans, id spans,
clause spans, and the line and column of comments. `file_meaning` builds one file on
its own (no includes followed, no references resolved) and `same_meaning` compares two
texts of one file that way: this is how `crmdsl fmt` checks every run, for a root and a
fragment alike.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .build import BuiltFile, build_file
from .model import Comment
from .parse import parse_source
from .source import SourceText

__all__ = ["file_meaning", "first_difference", "model_equal_ignoring_spans", "same_meaning"]

#: Fields that say where something is written, not what it means.
_PLACE_FIELDS = frozenset({"span", "id_span", "name_span", "clause_spans"})


def model_equal_ignoring_spans(a: Any, b: Any) -> bool:
    """True when `a` and `b` are the same model, wherever their parts are written."""
    return first_difference(a, b) is None


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """Where two models first differ (a dotted path), or None when they are equal."""
    if type(a) is not type(b):
        return f"{path or '.'}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, Comment):
        if (a.text.rstrip(), a.own_line, a.file) != (b.text.rstrip(), b.own_line, b.file):
            return f"{path}: comment {a.text!r} != {b.text!r}"
        return None
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        for f in dataclasses.fields(a):
            if f.name in _PLACE_FIELDS:
                continue
            found = first_difference(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
            if found is not None:
                return found
        return None
    if isinstance(a, list | tuple):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found is not None:
                return found
        return None
    if isinstance(a, dict):
        if a.keys() != b.keys():
            return f"{path}: keys differ"
        for key in a:
            found = first_difference(a[key], b[key], f"{path}[{key!r}]")
            if found is not None:
                return found
        return None
    if isinstance(a, set | frozenset):
        return None if a == b else f"{path}: sets differ"
    return None if a == b else f"{path}: {a!r} != {b!r}"


def file_meaning(source: SourceText) -> BuiltFile:
    """One file built on its own: its statements and comments, nothing resolved."""
    return build_file(parse_source(source))


def same_meaning(before: BuiltFile, after: BuiltFile) -> str | None:
    """None when two builds of one file say the same; else where they first differ.

    Statements are compared in order. Comments are compared as a multiset of (text,
    own-line) pairs: the formatter may move a comment with the clause it belongs to.
    """
    for name in ("header", "includes", "declarations"):
        found = first_difference(getattr(before, name), getattr(after, name), name)
        if found is not None:
            return found

    def comments(built: BuiltFile) -> list[tuple[str, bool]]:
        return sorted((c.text.rstrip(), c.own_line) for c in built.comments)

    if comments(before) != comments(after):
        return "comments differ"
    return None
