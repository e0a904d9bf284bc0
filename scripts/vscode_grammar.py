"""Generate the VS Code extension's TextMate grammar from the clause table.

In: the clause table (`crmdsl.language.schema.STATEMENTS`: statement keywords, their
header shapes, clause keywords and the choices of choice clauses) and the public word
lists (`crmdsl.KNOWN_WORDS`, `crmdsl.FIELD_TYPES`, `crmdsl.FIELD_FLAGS`).
Out: `editors/vscode/syntaxes/crmdsl.tmLanguage.json`, the same bytes for the same table.

    .venv/bin/python scripts/vscode_grammar.py          # rewrite the grammar
    .venv/bin/python scripts/vscode_grammar.py --check  # exit 1 when it is stale

`tests/lsp/test_vscode_grammar.py` fails when the committed grammar is stale.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import crmdsl
from crmdsl.language.schema import BUILTIN_CHANNELS, CHILD_KEYWORDS, STATEMENTS, ValueKind

__all__ = ["GRAMMAR", "grammar", "main", "render"]

GRAMMAR = (
    Path(__file__).resolve().parents[1]
    / "editors"
    / "vscode"
    / "syntaxes"
    / "crmdsl.tmLanguage.json"
)

#: Header shapes whose second word declares an id (`team ID`, `entity SYSTEM.Name`,
#: `integration ID`, `metric NAME`); the others start with a title, a path or a reference.
DECLARING = frozenset({"id", "entity", "integration", "metric"})
#: Table keys that are not written as a statement keyword of their own.
UNWRITTEN = frozenset({"field", "outcome"})

#: Neither preceded nor followed by a word character, a dot or a hyphen: a whole word,
#: not part of a dotted reference such as `hubspot.Contact.email`.
_BEFORE = r"(?<![A-Za-z0-9_.\-])"
_AFTER = r"(?![A-Za-z0-9_.\-])"
_ID = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"


def _alternation(words: Iterable[str]) -> str:
    """One regex alternative per word, longest first (then alphabetical), escaped."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in ordered)


def _written(key: str) -> str:
    """The keyword a statement is written with (`map-line` is written `map`)."""
    return next((w for w, k in CHILD_KEYWORDS.items() if k == key), key)


def _statement_words() -> tuple[list[str], list[str]]:
    """Statement keywords that declare an id, and those that do not."""
    declaring = {_written(k) for k, s in STATEMENTS.items() if s.header in DECLARING}
    others = {_written(k) for k in STATEMENTS if k not in UNWRITTEN} - declaring
    return sorted(declaring), sorted(others)


def _clause_words() -> list[str]:
    """The clause keywords and the fixed words of the headers' syntax.

    Clause keywords that are words (the outcome arrow is an operator), and the words a
    header spells out, such as `per year` and `once` in `cost MONEY per year | once`.
    """
    words = {c.keyword for s in STATEMENTS.values() for c in s.clauses} | set(crmdsl.KNOWN_WORDS)
    for spec in STATEMENTS.values():
        if spec.header != "field":  # `name: TYPE flags` has only placeholders
            words.update(re.sub(r'"[^"]*"', "", spec.syntax).split()[1:])
    return sorted(w for w in words if re.fullmatch(r"[a-z][a-z-]*", w))


def _choices() -> dict[str, list[str]]:
    """The values each choice clause takes, and the built-in channels after `channel`."""
    out: dict[str, set[str]] = {"channel": set(BUILTIN_CHANNELS)}
    for spec in STATEMENTS.values():
        for clause in spec.clauses:
            if clause.value is ValueKind.CHOICE:
                out.setdefault(clause.keyword, set()).update(clause.choices)
    return {k: sorted(v) for k, v in sorted(out.items())}


def _captures(*names: str) -> dict[str, dict[str, str]]:
    return {str(i): {"name": name} for i, name in enumerate(names, start=1) if name}


def _repository() -> dict[str, Any]:
    declaring, others = _statement_words()
    types, flags = _alternation(crmdsl.FIELD_TYPES), _alternation(crmdsl.FIELD_FLAGS)
    choice_rules = [
        {
            "match": rf"{_BEFORE}({re.escape(k)})\s+({_alternation(v)}){_AFTER}",
            "captures": _captures("keyword.other.clause.crmdsl", "constant.language.crmdsl"),
        }
        for k, v in _choices().items()
    ]
    return {
        "comment": {
            "match": r"(#).*$",
            "name": "comment.line.number-sign.crmdsl",
            "captures": _captures("punctuation.definition.comment.crmdsl"),
        },
        "string": {
            "begin": '"',
            "end": '"|$',
            "name": "string.quoted.double.crmdsl",
            "patterns": [{"match": r"\\.", "name": "constant.character.escape.crmdsl"}],
        },
        "declaration": {
            "match": rf"^\s*({_alternation(declaring)})(?:\s+({_ID}))?{_AFTER}",
            "captures": _captures("storage.type.crmdsl", "entity.name.type.crmdsl"),
        },
        "statement": {
            "match": rf"^\s*({_alternation(others)}){_AFTER}",
            "captures": _captures("storage.type.crmdsl"),
        },
        "field": {
            "begin": r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(:)",
            "beginCaptures": _captures(
                "variable.other.property.crmdsl", "punctuation.separator.key-value.crmdsl"
            ),
            "end": "$",
            "patterns": [
                {"include": "#comment"},
                {"include": "#string"},
                {"match": rf"{_BEFORE}({types}){_AFTER}", "name": "support.type.crmdsl"},
                {"match": rf"{_BEFORE}({flags}){_AFTER}", "name": "storage.modifier.crmdsl"},
                {"include": "#lifecycle"},
                {"include": "#punctuation"},
            ],
        },
        "choice": {"patterns": choice_rules},
        "lifecycle": {
            "match": rf"{_BEFORE}(planned|retiring){_AFTER}",
            "name": "keyword.other.clause.crmdsl",
        },
        "clause": {
            "match": rf"{_BEFORE}({_alternation(_clause_words())}){_AFTER}",
            "name": "keyword.other.clause.crmdsl",
        },
        "date": {
            "match": rf"{_BEFORE}\d{{4}}-\d{{2}}-\d{{2}}(?![A-Za-z0-9_%.\-])",
            "name": "constant.numeric.date.crmdsl",
        },
        "number": {
            "match": r"(?<![A-Za-z0-9_.])[+-]?\d(?:_?\d)*(?:\.\d+)?(?:%|mo|m|h|d|w|y)?"
            r"(?![A-Za-z0-9_%.])",
            "name": "constant.numeric.crmdsl",
        },
        "arrow": {"match": "<->|->", "name": "keyword.operator.arrow.crmdsl"},
        "punctuation": {
            "patterns": [
                {"match": ",", "name": "punctuation.separator.comma.crmdsl"},
                {"match": r"[()]", "name": "punctuation.section.parens.crmdsl"},
            ]
        },
    }


#: The order the top-level patterns are tried in (at the same column, the first wins).
_ORDER = (
    "comment", "string", "field", "declaration", "statement", "date", "number", "arrow",
    "choice", "clause", "punctuation",
)  # fmt: skip


def grammar() -> dict[str, Any]:
    """The grammar as a JSON-ready dict."""
    return {
        "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
        "comment": "Generated from crmdsl/language/schema.py by scripts/vscode_grammar.py; "
        "do not edit by hand.",
        "name": "crmdsl",
        "scopeName": "source.crmdsl",
        "fileTypes": ["crm"],
        "patterns": [{"include": f"#{name}"} for name in _ORDER],
        "repository": _repository(),
    }


def render() -> str:
    """The grammar file's text."""
    return json.dumps(grammar(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the grammar, or with `--check` report whether the committed one is current."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is stale")
    args = parser.parse_args(argv)
    text = render()
    current = GRAMMAR.read_text(encoding="utf-8") if GRAMMAR.exists() else ""
    if args.check:
        if current != text:
            print(f"{GRAMMAR} is stale: run scripts/vscode_grammar.py", file=sys.stderr)
            return 1
        return 0
    if current != text:
        GRAMMAR.write_text(text, encoding="utf-8")
        print(f"wrote {GRAMMAR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
