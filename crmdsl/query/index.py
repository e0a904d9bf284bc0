"""Indexes of a resolved map that several rules share, each built in one pass.

In: a resolved `CrmMap`. Out: `MapIndex`, which answers in constant time what the rules
ask again and again: which keys are referenced (M004), which fields map lines write and
carry (D303, D304, I409), which touchpoints capture a field or wait on a step (P207,
P209), and each process's flow graph (P202, P203, P206). Rules never walk the map inside
a loop over it; they ask the index, so the whole lint stays linear in the map's size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from crmdsl.language.refs import walk_refs
from crmdsl.model import (
    CrmMap,
    Decision,
    End,
    Entity,
    EntityField,
    Integration,
    Journey,
    Mapping,
    Process,
    Ref,
    Stage,
    Step,
    Touchpoint,
)
from crmdsl.query.graph import FlowGraph

__all__ = ["Direction", "MapIndex", "directions", "map_refs"]


@dataclass(frozen=True, slots=True)
class Direction:
    """One direction data moves on a `map` line: from field key `source` to `target`.

    `source_ref`/`target_ref` are the references as written on the line, in this
    direction (swapped for the right-to-left half of a two-way line).
    """

    integration: Integration
    mapping: Mapping
    source: str
    target: str
    source_ref: Ref
    target_ref: Ref
    reverse: bool


def directions(integ: Integration, mapping: Mapping) -> list[Direction]:
    """The directions of a resolved `map` line: one, or two on a two-way integration."""
    src, dst = mapping.source.target, mapping.target.target
    if src is None or dst is None:
        return []
    out = [Direction(integ, mapping, src, dst, mapping.source, mapping.target, False)]
    if integ.two_way:
        out.append(Direction(integ, mapping, dst, src, mapping.target, mapping.source, True))
    return out


def map_refs(mp: CrmMap) -> Iterator[Ref]:
    """Every reference written in the map (resolved or not), in map order.

    The one reference walker (`crmdsl.language.refs`) finds them, by the clause table.
    """
    return (site.ref for site in walk_refs(mp))


class MapIndex:
    """What the rules need to know about the map as a whole, computed once."""

    def __init__(self, mp: CrmMap) -> None:
        self.map = mp
        self.touchpoints: list[tuple[Journey, Stage, Touchpoint]] = [
            (journey, stage, tp)
            for journey in mp.journeys
            for stage in journey.stages
            for tp in stage.touchpoints
        ]
        self.used = self._used()
        self.directions: list[Direction] = [
            d
            for integ in mp.integrations
            for mapping in integ.maps
            for d in directions(integ, mapping)
        ]
        #: field key -> the directions of map lines that write it (target side)
        self.writes: dict[str, list[Direction]] = {}
        #: field key -> the directions of map lines that carry it on (source side)
        self.carries: dict[str, list[Direction]] = {}
        for d in self.directions:
            self.writes.setdefault(d.target, []).append(d)
            self.carries.setdefault(d.source, []).append(d)
        #: field key -> touchpoints that capture it
        self.captured_by: dict[str, list[Touchpoint]] = {}
        #: `process.step` key -> (touchpoint, its backstage reference)
        self.backstage_of: dict[str, list[tuple[Touchpoint, Ref]]] = {}
        for _, _, tp in self.touchpoints:
            for ref in tp.captures:
                if ref.target is not None:
                    self.captured_by.setdefault(ref.target, []).append(tp)
            for ref in tp.backstage:
                if ref.target is not None:
                    self.backstage_of.setdefault(ref.target, []).append((tp, ref))
        self.linked_processes = self._linked_processes()
        self._graphs: dict[int, FlowGraph] = {}

    def _used(self) -> set[str]:
        """Every key a resolved reference points at, and the system part of dotted keys."""
        used: set[str] = set()
        for ref in map_refs(self.map):
            key = ref.target
            if key is None:
                continue
            used.add(key)
            if "." in key:
                used.add(key.split(".", 1)[0])
        return used

    def _linked_processes(self) -> set[str]:
        """Ids of processes that a touchpoint's `backstage` or a goal's `supported-by` names."""
        linked: set[str] = set()
        refs = [ref for _, _, tp in self.touchpoints for ref in tp.backstage]
        refs += [ref for goal in self.map.goals for ref in goal.supported_by]
        for ref in refs:
            if ref.target is None:
                continue
            found = self.map.lookup(ref.target)
            if isinstance(found, Process):
                linked.add(found.id)
            elif isinstance(found, Step | Decision | End):
                linked.add(ref.target.split(".", 1)[0])
        return linked

    def field(self, key: str | None) -> EntityField | None:
        """The field a resolved `system.Entity.field` key names."""
        if key is None:
            return None
        found = self.map.lookup(key)
        return found if isinstance(found, EntityField) else None

    def entity_of(self, field_key: str) -> Entity | None:
        """The entity that holds the field with this key."""
        found = self.map.lookup(field_key.rsplit(".", 1)[0])
        return found if isinstance(found, Entity) else None

    def graph(self, process: Process) -> FlowGraph:
        """The flow graph of a process (built on first use)."""
        graph = self._graphs.get(id(process))
        if graph is None:
            graph = self._graphs[id(process)] = FlowGraph(process)
        return graph
