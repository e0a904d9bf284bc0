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
import datetime as dt
from typing import Any

from crmdsl.language.build.statements import BuiltFile, build_file
from crmdsl.language.parse import parse_source
from crmdsl.language.source import SourceText
from crmdsl.model import Comment

__all__ = ["file_meaning", "first_difference", "model_equal_ignoring_spans", "same_meaning"]

#: Fields that say where something is written, not what it means.
_PLACE_FIELDS = frozenset({"span", "id_span", "name_span", "clause_spans"})


def model_equal_ignoring_spans(a: Any, b: Any) -> bool:
    """True when `a` and `b` are the same model, wherever their parts are written."""
    return first_difference(a, b) is None


_FIELDS: dict[type, tuple[str, ...]] = {}
_PLAIN = (str, int, float, bool, type(None), dt.date)


def _fields_of(kind: type) -> tuple[str, ...]:
    found = _FIELDS.get(kind)
    if found is None:
        found = tuple(f.name for f in dataclasses.fields(kind) if f.name not in _PLACE_FIELDS)
        _FIELDS[kind] = found
    return found


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """Where two models first differ (a dotted path and the two values), or None."""
    found = _diff(a, b)
    if found is None:
        return None
    *steps, what = reversed(found)
    return f"{path}{''.join(steps) or '.'}: {what}"


def _diff(a: Any, b: Any) -> list[str] | None:
    """None when equal; else the way to the difference, innermost first, its words first."""
    kind = type(a)
    if kind is not type(b):
        return [f"{kind.__name__} != {type(b).__name__}"]
    if kind in _PLAIN:
        return None if a == b else [f"{a!r} != {b!r}"]
    if kind is list or kind is tuple:
        if len(a) != len(b):
            return [f"{len(a)} items != {len(b)} items"]
        for i in range(len(a)):
            found = _diff(a[i], b[i])
            if found is not None:
                found.append(f"[{i}]")
                return found
        return None
    if kind is Comment:
        if (a.text.rstrip(), a.own_line, a.file) != (b.text.rstrip(), b.own_line, b.file):
            return [f"comment {a.text!r} != {b.text!r}"]
        return None
    if dataclasses.is_dataclass(a):
        for name in _fields_of(kind):
            found = _diff(getattr(a, name), getattr(b, name))
            if found is not None:
                found.append(f".{name}")
                return found
        return None
    if isinstance(a, dict):
        if a.keys() != b.keys():
            return ["keys differ"]
        for key in a:
            found = _diff(a[key], b[key])
            if found is not None:
                found.append(f"[{key!r}]")
                return found
        return None
    return None if a == b else [f"{a!r} != {b!r}"]


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
