"""The layout of one line: parsed tokens in, canonical text out; new statements laid out.

`join_tokens` and `render_field` write a parsed line (`crmdsl.language.parse.Line`) back
as the formatter writes it: tokens exactly as the user wrote them (numbers keep their `_`
grouping, strings their escapes), one space apart, lists written `a, b, c`.

For the edit engine, which must know what a line holds to change it: `classify` and
`split_line` cut a line into its header (keyword, id, label, ends, ...) and its clauses,
read with the clause table (`crmdsl.language.schema.STATEMENTS`) the way
`crmdsl.language.build.statements` reads them; `layout_statement` lays out a new
statement in the style of the language's own examples (short clauses and one-item lists
on the header line, in table order; longer lists and texts on lines of their own).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crmdsl.errors import CrmdslError
from crmdsl.language.currencies import CURRENCIES
from crmdsl.language.grammar import Tok as Token
from crmdsl.language.parse import Line
from crmdsl.language.schema import STATEMENTS, ClauseSpec, StatementSpec, ValueKind

__all__ = [
    "INDENT",
    "LINE_WIDTH",
    "ClausePart",
    "FormatBug",
    "classify",
    "header_eligible",
    "join_tokens",
    "layout_statement",
    "render_field",
    "split_line",
]

#: Spaces per block level.
INDENT = 2
#: The header line is filled with short clauses up to this width.
LINE_WIDTH = 100
#: Statements whose clauses always stand in the block (the title stands alone).
BLOCK_ONLY = frozenset({"map"})
#: Value kinds that never stand on the header line: lists and prose.
_BLOCK_KINDS = frozenset({ValueKind.REFS, ValueKind.NAMES, ValueKind.STRING})
_LIST_KINDS = frozenset({ValueKind.REFS, ValueKind.NAMES})
_CURRENCY = re.compile(r"[A-Za-z]{3}\Z")


class FormatBug(CrmdslError):
    """The layout met a line it cannot read; the formatter refuses (never guesses)."""


@dataclass(slots=True)
class ClausePart:
    """One clause of a line: its keyword token and value tokens, and its table position."""

    spec: ClauseSpec
    index: int
    toks: list[Token]

    @property
    def keyword(self) -> str:
        """The clause keyword (`owner`, `->`, `captures`, ...)."""
        return self.spec.keyword

    @property
    def text(self) -> str:
        """The clause as the formatter writes it."""
        return join_tokens(self.toks)


def join_tokens(toks: list[Token]) -> str:
    """Tokens as written, one space apart, commas right after the item before them."""
    out: list[str] = []
    for tok in toks:
        if tok.type == "COMMA":
            out.append(",")
        else:
            if out:
                out.append(" ")
            out.append(str(tok.value))
    return "".join(out)


def render_field(line: Line) -> str:
    """A field line: `name: type(args) flags`, flags in the user's order."""
    assert line.ftype is not None
    type_tok, args = line.ftype
    text = f"{line.toks[0].value}: {type_tok.value}"
    if args is not None:
        text += "(" + ", ".join(str(a.value) for a in args) + ")"
    for flag in line.toks[1:]:
        text += f" {flag.value}"
    return text


def header_eligible(spec: StatementSpec, clause: ClauseSpec, text: str | None = None) -> bool:
    """Whether a new clause goes on the header line.

    Yes for a short scalar that is not repeated, and for a list of one item when its
    `text` is given; no for prose, or any clause of the map header (its title stands
    alone).
    """
    if spec.keyword in BLOCK_ONLY:
        return False
    if clause.value in _LIST_KINDS:
        return text is not None and "," not in text
    return not clause.repeat and clause.value not in _BLOCK_KINDS


def classify(parent: StatementSpec | None, line: Line) -> tuple[StatementSpec, bool]:
    """What a line is: (its statement spec, True), or (the parent's spec, False) for a clause line.

    Mirrors `crmdsl.language.build.statements` on a line that built without error.
    """
    first = line.toks[0]
    if parent is None:
        spec = STATEMENTS.get(str(first.value))
        if spec is None:
            raise FormatBug(f"line {line.lineno}: unknown statement")
        return spec, True
    if line.ftype is not None:
        return STATEMENTS["field"], True
    if (
        parent.keyword == "decision"
        and len(line.toks) >= 2
        and line.toks[1].type == "ARROW"
        and first.type in {"WORD", "STRING"}
    ):
        return STATEMENTS["outcome"], True
    word = str(first.value) if first.type == "WORD" else ("->" if first.type == "ARROW" else "")
    key = "map-line" if word == "map" and parent.keyword == "integration" else word
    if key in parent.children:
        return STATEMENTS[key], True
    if parent.clause(word) is not None:
        return parent, False
    raise FormatBug(f"line {line.lineno}: `{word}` is not allowed in a {parent.keyword}")


def _header_length(spec: StatementSpec, toks: list[Token]) -> int:
    shape = spec.header
    n = len(toks)
    if shape in {"flow", "cost", "outcome"}:
        return n
    if shape in {"title", "path", "metric", "kpi", "idea"}:
        return 2
    if shape == "mapping":
        return 4
    if shape in {"id", "entity", "integration"}:
        i = 3 if n > 2 and toks[2].type == "STRING" else 2
        return i + 3 if shape == "integration" else i
    if shape == "field":
        return n
    raise FormatBug(f"unknown header shape {shape}")  # pragma: no cover - table has no other


def _value_length(clause: ClauseSpec, toks: list[Token], i: int) -> int:
    """How many tokens the clause's value takes, starting at `i`."""
    kind = clause.value
    if kind is ValueKind.FLAG:
        return 0
    if kind is ValueKind.RATE:
        return 3  # `10% per year`
    if kind in {ValueKind.REFS, ValueKind.NAMES}:
        j = i + 1
        while j + 1 < len(toks) and toks[j].type == "COMMA":
            j += 2
        return j - i
    if kind is ValueKind.QUANTITY and toks[i].type == "NUMBER" and i + 1 < len(toks):
        nxt = toks[i + 1]
        value = str(nxt.value)
        if (
            nxt.type == "WORD"
            and _CURRENCY.match(value)
            and (value.isupper() or value.upper() in CURRENCIES)
        ):
            return 2
    return 1


_CLAUSES: dict[str, dict[str, tuple[ClauseSpec, int]]] = {}


def _clauses_of(spec: StatementSpec) -> dict[str, tuple[ClauseSpec, int]]:
    found = _CLAUSES.get(spec.keyword)
    if found is None:
        found = {c.keyword: (c, i) for i, c in enumerate(spec.clauses)}
        _CLAUSES[spec.keyword] = found
    return found


def split_line(
    spec: StatementSpec, line: Line, start: int | None = None
) -> tuple[list[Token], list[ClausePart]]:
    """Cut a line into header tokens and clause parts (a clause line: `start=0`)."""
    toks = line.toks
    i = _header_length(spec, toks) if start is None else start
    header = toks[:i]
    parts: list[ClausePart] = []
    clauses = _clauses_of(spec)
    while i < len(toks):
        tok = toks[i]
        word = str(tok.value) if tok.type == "WORD" else ("->" if tok.type == "ARROW" else "")
        found = clauses.get(word)
        if found is None:
            raise FormatBug(
                f"line {line.lineno}: `{tok.value}` is not a clause of a {spec.keyword}"
            )
        clause, index = found
        n = _value_length(clause, toks, i + 1)
        if i + 1 + n > len(toks):
            raise FormatBug(f"line {line.lineno}: `{word}` has no value")
        parts.append(ClausePart(clause, index, toks[i : i + 1 + n]))
        i += 1 + n
    return header, parts


def layout_statement(
    spec: StatementSpec, head: str, clauses: list[tuple[ClauseSpec, str]], indent: int
) -> list[str]:
    """The lines of a new statement, in the style of the language's own examples.

    `clauses` are (clause, text) pairs such as (owner, "owner sales"); they are put in table
    order, short scalar ones and lists of one item on the header line while it stays
    within `LINE_WIDTH`, the others on lines of their own.
    """
    order = spec.clause_words
    ranked = sorted(clauses, key=lambda c: order.index(c[0].keyword))
    pad = " " * indent
    line = pad + head
    block: list[str] = []
    stopped = False
    for clause, text in ranked:
        if not stopped and header_eligible(spec, clause, text):
            if len(line) + 1 + len(text) <= LINE_WIDTH:
                line += " " + text
                continue
            stopped = True
        block.append(pad + " " * INDENT + text)
    return [line, *block]
