"""Regenerate the tables of docs/language.md from the clause table (`crmdsl.language.schema`).

In: `docs/language.md`, whose hand-written prose holds two markers,
`<!-- BEGIN GENERATED: statements -->` and `<!-- END GENERATED: statements -->`.
Out: the same file with the text between the markers replaced by the reference of every
statement, clause and value that `crmdsl.language.schema.STATEMENTS` defines.

    .venv/bin/python scripts/gen_language_doc.py          # rewrite docs/language.md
    .venv/bin/python scripts/gen_language_doc.py --check  # exit 1 when it is stale

`tests/core/test_language_doc.py` fails when the page is stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crmdsl.language.schema import (
    BUILTIN_CHANNELS,
    FIELD_FLAGS,
    FIELD_TYPES,
    REF_WORDS,
    STATEMENTS,
    VALUE_WORDS,
    ClauseSpec,
    StatementSpec,
    ValueKind,
)

__all__ = ["DOC", "render", "update"]

DOC = Path(__file__).resolve().parents[1] / "docs" / "language.md"
BEGIN = "<!-- BEGIN GENERATED: statements -->"
END = "<!-- END GENERATED: statements -->"
NOTE = (
    "<!-- Generated from crmdsl/language/schema.py by scripts/gen_language_doc.py; "
    "edit the table there, not here. -->"
)

#: How a statement keyword is shown where it is written differently.
SHOWN = {"map-line": "map (in an integration)", "field": "field line", "outcome": "outcome line"}
CHILDREN = {"map-line": "`map`", "field": "field", "outcome": "outcome"}


def _code(text: str) -> str:
    return f"`{text}`"


def _where(spec: StatementSpec) -> str:
    return ", ".join("top level" if p == "top" else f"in {_code(p if p != 'map-line' else 'map')}"
                     for p in spec.parents)  # fmt: skip


def _value(clause: ClauseSpec) -> str:
    if clause.value is ValueKind.FLAG:
        return "— (a flag)"
    if clause.value is ValueKind.CHOICE:
        return "one of " + ", ".join(_code(c) for c in clause.choices)
    return clause.expects()


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def _statement(spec: StatementSpec) -> list[str]:
    title = SHOWN.get(spec.keyword, spec.keyword)
    out = [f"### {title}", "", "```", spec.syntax, "```", "", spec.doc, ""]
    out.append(f"Where: {_where(spec)}.")
    if spec.children:
        kids = [CHILDREN.get(c, f"`{c}`") for c in spec.children]
        clauses = ", and the clauses below" if spec.clauses else ""
        out.append("Block: " + ", ".join(kids) + f" lines{clauses}.")
    out.append("")
    if spec.clauses:
        out += ["| clause | value | may repeat | meaning |", "|---|---|---|---|"]
        for c in spec.clauses:
            repeat = "yes, values add up" if c.repeat else "no"
            out.append(
                f"| {_code(c.keyword)} | {_escape(_value(c))} | {repeat} | {_escape(c.doc)} |"
            )
        shared: dict[str, list[str]] = {}
        for c in spec.clauses:
            shared.setdefault(c.attr, []).append(c.keyword)
        for words in shared.values():
            if len(words) > 1:
                out += ["", "Only one of " + ", ".join(_code(w) for w in words) + " may be given."]
        out.append("")
    elif spec.keyword not in {"field", "outcome", "flow", "cost", "include"}:
        out += ["No clauses.", ""]
    return out


def render() -> str:
    """The generated part of the page, between the markers."""
    out = [NOTE, ""]
    out += ["### Values a clause takes", "", "| value | written as |", "|---|---|"]
    for kind in ValueKind:
        if kind is ValueKind.CHOICE:
            words = "one word from the clause's list"
        else:
            words = VALUE_WORDS[kind]
        out.append(f"| {kind.value} | {_escape(words)} |")
    out += ["", "References name:", ""]
    out += [f"- {ref}: {words}" for ref, words in REF_WORDS.items()]
    out.append("")
    for spec in STATEMENTS.values():
        out += _statement(spec)
    out += ["### Field types and flags", ""]
    out.append("Types: " + ", ".join(_code(t) for t in FIELD_TYPES if t not in {"enum", "ref"})
               + ', `enum(a, b, "c d")` (its values: names or strings) and `ref(Entity)` or '
               "`ref(system.Entity)` (a reference to another entity; without a system, the "
               "entity's own system).")  # fmt: skip
    out += ["", "Flags: " + ", ".join(_code(f) for f in FIELD_FLAGS) + ".", ""]
    out += ["### Built-in channels", "", "| id | label |", "|---|---|"]
    out += [f"| {_code(k)} | {v} |" for k, v in BUILTIN_CHANNELS.items()]
    out.append("")
    return "\n".join(out)


def update(text: str) -> str:
    """The page with its generated part replaced."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"{DOC}: the markers {BEGIN} and {END} are missing")
    return text[: start + len(BEGIN)] + "\n" + render() + "\n" + text[end:]


def main(argv: list[str] | None = None) -> int:
    """Rewrite the page, or with `--check` say whether it is current."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the page is stale")
    args = parser.parse_args(argv)
    current = DOC.read_text(encoding="utf-8")
    wanted = update(current)
    if args.check:
        if wanted != current:
            print(f"{DOC} is stale: run .venv/bin/python scripts/gen_language_doc.py")
            return 1
        return 0
    if wanted != current:
        DOC.write_text(wanted, encoding="utf-8")
        print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
