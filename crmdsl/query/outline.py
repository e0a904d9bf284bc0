"""The outline of a map: an `Analysis` (and a file) in, a tree of `OutlineItem`s out.

Journeys hold their stages and those their touchpoints (with KPIs); processes hold
their steps, decisions (with outcomes) and ends; systems hold their entities and those
their fields; integrations hold their map lines; goals their metrics. Teams, personas,
channels, the map header and the includes stand alone. Items are in file order. With a
`file`, only statements written in that file are listed (an entity in another file than
its system stands at the top). A statement flagged `planned` or `retiring` carries that
mark.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from crmdsl import model as m
from crmdsl.errors import Span
from crmdsl.language.loader import Analysis
from crmdsl.query.symbols import OutlineItem, kind_of, own_id_span

__all__ = ["document_symbols"]

_FLAGS = ("required", "unique", "key", "pii", "readonly", "consent")


def document_symbols(analysis: Analysis, file: str | None = None) -> list[OutlineItem]:
    """The outline of `file` (of every file of the map when None), in file order."""
    mp = analysis.map

    def here(node: Any) -> bool:
        return file is None or node.span.file == file

    entities: dict[str, list[m.Entity]] = {}
    loose: list[m.Entity] = []
    systems = {s.id for s in mp.systems if here(s)}
    for entity in mp.entities:
        if here(entity):
            owner = entity.system.text
            (entities.setdefault(owner, []) if owner in systems else loose).append(entity)
    nodes: list[Any] = [mp.header] if mp.header is not None and here(mp.header) else []
    nodes += [n for n in mp.includes if here(n)]
    for name in ("teams", "personas", "channels", "systems", "journeys", "processes",
                 "integrations", "goals"):  # fmt: skip
        nodes += [n for n in getattr(mp, name) if here(n) and not getattr(n, "builtin", False)]
    items = [_item(n, entities) for n in nodes] + [_entity(e) for e in loose]
    order = {f: i for i, f in enumerate(mp.files)}
    items.sort(key=lambda i: (order.get(i.statement.file, len(order)), i.statement.line))
    return items


def _make(
    node: Any,
    ident: str,
    marks: Iterable[str] = (),
    children: Iterable[OutlineItem] = (),
    label: str | None = None,
) -> OutlineItem:
    span = own_id_span(node) or _head(node.span)
    lifecycle = getattr(node, "lifecycle", "current")
    if lifecycle != "current":
        marks = (*marks, lifecycle)  # planned or retiring, as written on it
    return OutlineItem(
        kind=kind_of(node),
        id=ident,
        label=label if label is not None else getattr(node, "label", None),
        span=span,
        statement=node.span,
        marks=tuple(marks),
        children=tuple(children),
    )


def _head(span: Span) -> Span:
    """The first line of a statement's span."""
    end = span.end_col if span.end_line == span.line else span.col + 1
    return Span(span.file, span.line, span.col, span.line, end)


def _item(node: Any, entities: dict[str, list[m.Entity]]) -> OutlineItem:
    if isinstance(node, m.System):
        marks = ["record"] if node.record_of else []
        return _make(node, node.id, marks, [_entity(e) for e in entities.get(node.id, [])])
    build = _BUILDERS.get(type(node))
    if build is not None:
        return build(node)
    return _make(node, node.id)


def _entity(entity: m.Entity) -> OutlineItem:
    fields = [
        _make(f, f"{entity.key}.{f.name}", [flag for flag in _FLAGS if getattr(f, flag)],
              label=str(f.type))
        for f in entity.fields
    ]  # fmt: skip
    marks = ["pii"] if any(f.pii for f in entity.fields) else []
    return _make(entity, entity.key, marks, fields)


def _journey(journey: m.Journey) -> OutlineItem:
    stages = []
    for stage in journey.stages:
        touchpoints = [
            _make(
                tp,
                f"{journey.id}.{tp.id}",
                ["moment-of-truth"] if tp.moment_of_truth else [],
                [_make(k, k.name) for k in tp.kpis],
            )
            for tp in stage.touchpoints
        ]
        stages.append(_make(stage, f"{journey.id}.{stage.id}", children=touchpoints))
    return _make(journey, journey.id, children=stages)


def _process(process: m.Process) -> OutlineItem:
    members = []
    for node in process.nodes:
        marks = [node.mode] if isinstance(node, m.Step) and node.mode else []
        outcomes = [
            _make(o, o.label, label=f"-> {o.target.text}")
            for o in (node.outcomes if isinstance(node, m.Decision) else [])
        ]
        members.append(_make(node, f"{process.id}.{node.id}", marks, outcomes))
    return _make(process, process.id, children=members)


def _integration(integ: m.Integration) -> OutlineItem:
    lines = [
        _make(x, f"{x.source.text} -> {x.target.text}", ["key"] if x.key else [])
        for x in integ.maps
    ]
    return _make(integ, integ.id, ["two-way"] if integ.two_way else [], lines)


def _goal(goal: m.Goal) -> OutlineItem:
    return _make(goal, goal.id, children=[_make(x, x.name) for x in goal.metrics])


def _header(header: m.MapHeader) -> OutlineItem:
    return _make(header, "map", label=header.title)


def _include(inc: m.Include) -> OutlineItem:
    return _make(inc, inc.file or inc.path, label=inc.path)


_BUILDERS: dict[type, Callable[[Any], OutlineItem]] = {
    m.Journey: _journey,
    m.Process: _process,
    m.Integration: _integration,
    m.Goal: _goal,
    m.MapHeader: _header,
    m.Include: _include,
}
