"""The elements of a map, flattened for comparison: a resolved `CrmMap` in, `Element`s out.

An element is a statement with an identity: its kind (`step`) and its scoped id
(`lead_to_cash.qualify`), the key references use. Teams, personas, declared channels,
systems, entities, fields, journeys, stages, touchpoints, processes, steps, decisions,
ends, integrations, map lines, goals, metrics and the map header are elements. Their
clauses become `Val`s grouped by clause name; statements without an identity (a kpi, a
cost, an outcome, a flow line) are clause values of their parent, and a process's
flows after resolve (`Edge`s) are its `flow` clause.

Each value keeps the text shown to a reader (`sla 1d` shows `1d`) and a canonical form
for comparison, in which a reference is its resolved key (`@lead_to_cash.qualify`), so
that `-> qualify` and a rename can be compared by meaning. The walk reads the model's
dataclass fields, so a clause added to the language is compared without a change here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

from crmdsl.language.schema import STATEMENTS, ValueKind
from crmdsl.model import (
    Cost,
    CrmMap,
    Declared,
    Edge,
    Entity,
    EntityField,
    FieldType,
    Journey,
    MapHeader,
    Mapping,
    Metric,
    Name,
    Node,
    Process,
    Ref,
    Stage,
)

__all__ = ["ELEMENT_KINDS", "Element", "Val", "elements", "render_value"]

#: Statements that are elements (compared by identity), in the order reports list them.
ELEMENT_KINDS = (
    "map",
    "team",
    "persona",
    "channel",
    "system",
    "entity",
    "field",
    "journey",
    "stage",
    "touchpoint",
    "process",
    "step",
    "decision",
    "end",
    "integration",
    "map-line",
    "goal",
    "metric",
)
_ELEMENTS = frozenset(ELEMENT_KINDS)

#: Model attributes that are identity, place or bookkeeping, never a clause.
_SKIP = frozenset(
    {"span", "clause_spans", "id_span", "name_span", "id", "label", "name", "statement", "node"}
)
#: Attributes left out per statement: what another clause already says.
_SKIP_BY_KIND: dict[str, frozenset[str]] = {
    "entity": frozenset({"system"}),
    "process": frozenset({"flows"}),  # compared as `edges`, their meaning
    "step": frozenset({"next"}),  # an arrow is a flow edge of the process
    "decision": frozenset({"outcomes"}),  # outcomes are flow edges of the process
    "map-line": frozenset({"source", "target"}),  # the map line's identity
    "map": frozenset({"title"}),
}
#: Attributes whose value when left out is not None: that value is not a clause.
_UNSAID: dict[str, object] = {"lifecycle": "current", "status": "open"}
#: Clause names shown for attributes whose name differs from their keyword.
_NAMES = {"edges": "flow", "pains": "pain", "ideas": "idea", "kpis": "kpi", "costs": "cost"}


@dataclass(frozen=True, slots=True)
class Val:
    """One clause value: the text a reader sees and the canonical atoms compared.

    Atoms starting with `@` are resolved keys (renames rewrite them).
    """

    text: str
    canon: tuple[str, ...]


@dataclass(slots=True)
class Element:
    """A statement with an identity, its clauses and its place."""

    kind: str
    id: str  # the scoped id: `lead_to_cash.qualify`, `hubspot.Contact.email`
    symbol: str | None  # the key references use (`channel:web`), None when unnamed
    label: str | None
    parent: str | None  # the key of the element it stands in
    file: str
    line: int
    end_line: int
    depth: int
    clauses: dict[str, tuple[Val, ...]] = field(default_factory=dict)
    children: tuple[str, ...] = ()  # child keys, in block order
    place: str = ""  # the file relative to the root's folder ("" for the root itself)

    @property
    def key(self) -> str:
        """`kind id`, unique in a map."""
        return f"{self.kind} {self.id}"

    @property
    def title(self) -> str:
        """The label, or the id."""
        return self.label if self.label is not None else self.id.rsplit(".", 1)[-1]


def _quoted_attrs() -> dict[str, frozenset[str]]:
    """Per statement, the attributes that hold quoted strings."""
    out: dict[str, frozenset[str]] = {}
    for kw, spec in STATEMENTS.items():
        out[kw] = frozenset(c.attr for c in spec.clauses if c.value is ValueKind.STRING)
    return out


_QUOTED = _quoted_attrs()


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _atom(value: object, quoted: bool) -> tuple[str, str]:
    """A plain value as (shown text, canonical atom)."""
    if isinstance(value, Ref):
        return value.text, f"@{value.target}" if value.target else f"?{value.text}"
    if isinstance(value, Name):
        return value.value, value.value
    if isinstance(value, FieldType):
        if value.ref is not None and value.ref.target:
            return str(value), f"ref(@{value.ref.target})"
        return str(value), str(value)
    if isinstance(value, bool):
        return str(value).lower(), str(value).lower()
    if isinstance(value, dt.date):
        return value.isoformat(), value.isoformat()
    if isinstance(value, str):
        shown = _quote(value) if quoted else value
        return shown, shown
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), str(int(value))
    text = str(value)
    return text, text


def render_value(value: object, kind: str, attr: str, process: str | None = None) -> Val | None:
    """One clause value as a `Val`, or None when it is absent (None, False)."""
    if value is None or value is False:
        return None
    if isinstance(value, Edge):
        assert process is not None
        src, dst = value.source, value.target
        shown = f"{src} -> {dst}" + (f" {_quote(value.label)}" if value.label else "")
        return Val(shown, (f"@{process}.{src}", f"@{process}.{dst}", value.label or ""))
    if isinstance(value, Node):
        return _node_value(value)
    text, atom = _atom(value, attr in _QUOTED.get(kind, frozenset()))
    return Val(text, (atom,))


def _node_value(node: Node) -> Val:
    """A statement without an identity (kpi, cost, outcome) as one value: `kpi "X" target 25%`."""
    kind = node.statement
    if isinstance(node, Cost):
        per = "once" if node.period == "once" else f"per {node.period}"
        return Val(f"{node.amount.text} {per}", ("cost", per, node.amount.text))
    head: list[str] = []
    canon: list[str] = []
    for name in ("name", "label", "text"):
        value = getattr(node, name, None)
        if isinstance(value, str):
            head.append(_quote(value))
            canon.append(_quote(value))
    for attr, values in _clauses(node, kind, None):
        for v in values:
            head.append(attr if v.text == "true" else f"{attr} {v.text}")
            canon.extend((attr, *v.canon))
    return Val(" ".join(head), (kind, *canon))


def _clause_name(kind: str, attr: str) -> str:
    spec = STATEMENTS.get(kind)
    if spec is not None:
        words = [c.keyword for c in spec.clauses if c.attr == attr]
        if len(words) == 1:
            return words[0]
    return _NAMES.get(attr, attr.replace("_", "-"))


def _clauses(node: Node, kind: str, process: str | None) -> Iterator[tuple[str, tuple[Val, ...]]]:
    skip = _SKIP | _SKIP_BY_KIND.get(kind, frozenset())
    for f in dataclasses.fields(node):
        if f.name in skip:
            continue
        value = getattr(node, f.name)
        if _UNSAID.get(f.name) == value:
            continue  # the value a statement has when the clause is left out
        if isinstance(value, list):
            if value and isinstance(value[0], Node) and value[0].statement in _ELEMENTS:
                continue  # children elements are elements of their own
            vals = [render_value(v, kind, f.name, process) for v in value]
            kept = tuple(v for v in vals if v is not None)
        else:
            one = render_value(value, kind, f.name, process)
            kept = (one,) if one is not None else ()
        if kept:
            yield _clause_name(kind, f.name), kept


class _Walker:
    """Collects the elements of one map, parents before children."""

    def __init__(self) -> None:
        self.out: dict[str, Element] = {}

    def add(
        self,
        node: Node,
        scoped: str,
        symbol: str | None,
        parent: Element | None,
        process: str | None = None,
    ) -> Element:
        kind = node.statement
        label = node.label if isinstance(node, Declared | Entity) else None
        if isinstance(node, MapHeader):
            label = node.title
        span = node.span
        element = Element(
            kind=kind,
            id=scoped,
            symbol=symbol,
            label=label,
            parent=parent.key if parent else None,
            file=span.file,
            line=span.line,
            end_line=span.end_line,
            depth=parent.depth + 1 if parent else 0,
            clauses=dict(_clauses(node, kind, process)),
        )
        if element.key not in self.out:  # a duplicate id (a load error): the first wins
            self.out[element.key] = element
            if parent is not None:
                parent.children = (*parent.children, element.key)
        return element

    def walk(self, crm_map: CrmMap) -> dict[str, Element]:
        if crm_map.header is not None:
            self.add(crm_map.header, "map", None, None)
        for group in (crm_map.teams, crm_map.personas, crm_map.systems):
            for d in group:
                self.add(d, d.id, d.id, None)
        for c in crm_map.channels:
            if not c.builtin:
                self.add(c, c.id, f"channel:{c.id}", None)
        for e in crm_map.entities:
            self._entity(e)
        for j in crm_map.journeys:
            self._journey(j)
        for p in crm_map.processes:
            self._process(p)
        for i in crm_map.integrations:
            top = self.add(i, i.id, i.id, None)
            for m in i.maps:
                self._mapping(m, top)
        for g in crm_map.goals:
            top = self.add(g, g.id, g.id, None)
            for metric in g.metrics:
                self._metric(metric, top)
        return self.out

    def _entity(self, e: Entity) -> None:
        top = self.add(e, e.key, e.key, None)
        for f in e.fields:
            self._field(f, top)

    def _field(self, f: EntityField, entity: Element) -> None:
        key = f"{entity.id}.{f.name}"
        self.add(f, key, key, entity)

    def _journey(self, j: Journey) -> None:
        top = self.add(j, j.id, j.id, None)
        for stage in j.stages:
            self._stage(stage, j, top)

    def _stage(self, stage: Stage, j: Journey, journey: Element) -> None:
        key = f"{j.id}.{stage.id}"
        inner = self.add(stage, key, key, journey)
        for t in stage.touchpoints:
            tkey = f"{j.id}.{t.id}"
            self.add(t, tkey, tkey, inner)

    def _process(self, p: Process) -> None:
        top = self.add(p, p.id, p.id, None, process=p.id)
        start = p.start
        if start is not None:
            top.clauses["start"] = (Val(start.id, (f"@{p.id}.{start.id}",)),)
        for n in p.nodes:
            key = f"{p.id}.{n.id}"
            self.add(n, key, key, top)

    def _mapping(self, m: Mapping, integration: Element) -> None:
        ends = [r.target or r.text for r in (m.source, m.target)]
        key = f"{integration.id}:{ends[0]} -> {ends[1]}"
        self.add(m, key, None, integration)

    def _metric(self, metric: Metric, goal: Element) -> None:
        self.add(metric, f"{goal.id}.{metric.name}", None, goal)


def elements(crm_map: CrmMap) -> dict[str, Element]:
    """Every element of a map by key (`step lead_to_cash.qualify`), in map order."""
    out = _Walker().walk(crm_map)
    root = crm_map.root
    base = os.path.dirname(root) if root else ""
    places: dict[str, str] = {}
    for e in out.values():
        if e.file not in places:
            places[e.file] = "" if e.file == root else os.path.relpath(e.file, base or ".")
        e.place = places[e.file]
    return out
