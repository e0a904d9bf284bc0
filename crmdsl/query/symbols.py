"""Where each id is written: an `Analysis` in, a position index of its symbols out.

`symbol_index(analysis)` answers "which symbol is at file:line:col, and is that its
definition?" and "where is this symbol referenced?" in constant time per question. It is
built once per loaded map, in one pass over the resolver's symbol table and one over the
references (`map_refs`), and kept as long as the map lives. A dotted reference is cut into
its parts, so `hubspot` in `hubspot.Contact.email` is a reference to the system and
`Contact` one to the entity. The `include "x.crm"` lines are symbols too: their
definition is the included file.

The value types of the navigation API (`Symbol`, `Occurrence`, `Completion`,
`OutlineItem`) live here; `crmdsl.query.navigation` is the API itself.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

from crmdsl import model as m
from crmdsl.errors import Span
from crmdsl.language.loader import Analysis
from crmdsl.query.index import map_refs

__all__ = [
    "KINDS",
    "Completion",
    "Occurrence",
    "OutlineItem",
    "Symbol",
    "SymbolIndex",
    "kind_of",
    "symbol_index",
]

#: The kind word of each model type.
KINDS: dict[type, str] = {
    m.MapHeader: "map",
    m.Include: "include",
    m.Team: "team",
    m.Persona: "persona",
    m.Channel: "channel",
    m.System: "system",
    m.Entity: "entity",
    m.EntityField: "field",
    m.Journey: "journey",
    m.Stage: "stage",
    m.Touchpoint: "touchpoint",
    m.Kpi: "kpi",
    m.Process: "process",
    m.Step: "step",
    m.Decision: "decision",
    m.Outcome: "outcome",
    m.End: "end",
    m.Flow: "flow",
    m.Integration: "integration",
    m.Mapping: "map-line",
    m.Goal: "goal",
    m.Metric: "metric",
    m.Cost: "cost",
}


def kind_of(node: Any) -> str:
    """The kind word of a model node (`touchpoint`, `field`, ...)."""
    return KINDS.get(type(node), type(node).__name__.lower())


@dataclass(frozen=True, slots=True)
class Symbol:
    """Something declared: its kind, the id a reference uses, its label and places.

    `span` is the id token at its definition, `statement` the whole statement (its
    header line through the end of its block).
    """

    kind: str
    id: str
    label: str | None
    span: Span
    statement: Span


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A symbol written at a position: the token there, and whether it is the definition."""

    symbol: Symbol
    span: Span
    is_definition: bool


@dataclass(frozen=True, slots=True)
class Completion:
    """One completion: `kind` is keyword, clause, id, channel, value or snippet.

    `insert_text` of a snippet uses the LSP snippet syntax (`${1:id}`).
    """

    label: str
    kind: str
    detail: str
    insert_text: str


@dataclass(frozen=True, slots=True)
class OutlineItem:
    """An entry of a file's outline, with its children (a journey's stages, ...)."""

    kind: str
    id: str
    label: str | None
    span: Span
    statement: Span
    marks: tuple[str, ...] = ()
    children: tuple[OutlineItem, ...] = field(default=())


# (col, end_col, key, is_definition): one written id on a line. Keys are the resolver's
# (`channel:web`, `salesforce.Lead.email`), or `include:FILE` for an include line.
_Entry = tuple[int, int, str, bool]


class SymbolIndex:
    """Every written id of a map by file and line, and every reference by key."""

    def __init__(self, analysis: Analysis) -> None:
        self.nodes: dict[str, Any] = analysis.map.symbols()
        self.lines: dict[tuple[str, int], list[_Entry]] = {}
        self.refs: dict[str, list[Span]] = {}
        self._symbols: dict[str, Symbol] = {}
        self._by_kinds: dict[tuple[type, ...], list[str]] = {}
        for key, node in self.nodes.items():
            span = own_id_span(node)
            if span is not None:
                self._put(span, key, True)
        for ref in map_refs(analysis.map):
            if ref.target is not None:
                for span, key in _parts(ref):
                    self._put(span, key, False)
                    self.refs.setdefault(key, []).append(span)
        #: file -> (its number of lines, the length of its last line)
        self.ends: dict[str, tuple[int, int]] = {}
        self._includes(analysis)
        for entries in self.lines.values():
            entries.sort()
        for spans in self.refs.values():
            spans.sort(key=lambda s: (s.file, s.line, s.col))

    def _put(self, span: Span, key: str, is_definition: bool) -> None:
        self.lines.setdefault((span.file, span.line), []).append(
            (span.col, span.end_col, key, is_definition)
        )

    def _includes(self, analysis: Analysis) -> None:
        sources = analysis.sources
        for inc in analysis.map.includes:
            if inc.file is None or inc.file not in sources:
                continue
            lines = sources[inc.file].lines
            self.ends[inc.file] = (max(len(lines), 1), len(lines[-1]) if lines else 0)
            key = f"include:{inc.file}"
            self.nodes[key] = inc
            span = _quoted(inc.span, sources[inc.span.file].lines)
            self._put(span, key, False)
            self.refs.setdefault(key, []).append(span)

    def at(self, file: str, line: int, col: int) -> tuple[str, Span, bool] | None:
        """The key, token span and definition flag of the id at a position.

        A position right after a token (where a cursor stands after typing) counts.
        """
        entries = self.lines.get((file, line))
        if not entries:
            return None
        touching = None
        for start, end, key, is_def in entries:
            if start <= col < end:
                return key, Span(file, line, start, line, end), is_def
            if col == end:
                touching = key, Span(file, line, start, line, end), is_def
        return touching

    def symbol(self, key: str) -> Symbol | None:
        """The `Symbol` of a key (made on first use)."""
        found = self._symbols.get(key)
        if found is None:
            node = self.nodes.get(key)
            if node is None:
                return None
            found = self._symbols[key] = self._make(key, node)
        return found

    def _make(self, key: str, node: Any) -> Symbol:
        if isinstance(node, m.Include):
            assert node.file is not None
            last, width = self.ends[node.file]
            whole = Span(node.file, 1, 1, last, width + 1)
            return Symbol("include", node.file, node.path, Span(node.file, 1, 1, 1, 1), whole)
        span = own_id_span(node) or node.span
        label = getattr(node, "label", None)
        return Symbol(kind_of(node), key.removeprefix("channel:"), label, span, node.span)

    def key_of_symbol(self, symbol: Symbol) -> str:
        """The index key of a symbol (its id, `channel:ID` or `include:FILE`)."""
        if symbol.kind == "channel":
            return f"channel:{symbol.id}"
        if symbol.kind == "include":
            return f"include:{symbol.id}"
        return symbol.id

    def keys_of(self, kinds: tuple[type, ...]) -> list[str]:
        """Every key (declared or built in) whose node is one of `kinds`, sorted."""
        found = self._by_kinds.get(kinds)
        if found is None:
            found = sorted(k for k, v in self.nodes.items() if isinstance(v, kinds))
            self._by_kinds[kinds] = found
        return found


def own_id_span(node: Any) -> Span | None:
    """The id token a declaration is written with (an entity's name after `system.`)."""
    if isinstance(node, m.Entity):
        s = node.id_span
        if s is None:
            return None
        col = s.col + len(node.system.text) + 1
        return Span(s.file, s.line, col, s.line, col + len(node.name))
    if isinstance(node, m.EntityField):
        s = node.name_span
        return None if s is None else Span(s.file, s.line, s.col, s.line, s.col + len(node.name))
    if isinstance(node, m.Channel) and node.builtin:
        return None
    span: Span | None = getattr(node, "id_span", None)
    return span


def _parts(ref: m.Ref) -> list[tuple[Span, str]]:
    """The parts of a resolved reference, each with the key it names.

    `Contact.email` on a `map` line (target `hubspot.Contact.email`) gives `Contact` ->
    `hubspot.Contact` and `email` -> the field.
    """
    target = ref.target
    assert target is not None
    s = ref.span
    if target.startswith("channel:") or s.end_line != s.line:
        return [(s, target)]
    parts, tparts = ref.text.split("."), target.split(".")
    shift = len(tparts) - len(parts)
    if shift < 0 or tparts[shift:] != parts:
        return [(s, target)]
    out: list[tuple[Span, str]] = []
    col = s.col
    for j, part in enumerate(parts):
        key = ".".join(tparts[: shift + j + 1])
        out.append((Span(s.file, s.line, col, s.line, col + len(part)), key))
        col += len(part) + 1
    return out


def _quoted(span: Span, lines: list[str]) -> Span:
    """The span of the quoted path on an `include` line (the line's span if not found)."""
    text = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
    start = text.find('"', span.col - 1)
    end = text.find('"', start + 1) if start >= 0 else -1
    if start < 0 or end < 0:
        return span
    return Span(span.file, span.line, start + 1, span.line, end + 2)


_CACHE: dict[int, tuple[weakref.ref[m.CrmMap], SymbolIndex]] = {}


def symbol_index(analysis: Analysis) -> SymbolIndex:
    """The symbol index of an analysis (built once per loaded map, dropped with it)."""
    key = id(analysis.map)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is analysis.map:
        return hit[1]
    index = SymbolIndex(analysis)
    _CACHE[key] = (weakref.ref(analysis.map), index)
    weakref.finalize(analysis.map, _CACHE.pop, key, None)
    return index
