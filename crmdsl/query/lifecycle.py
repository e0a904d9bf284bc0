"""Lifecycle: a resolved map in; each element's effective lifecycle, or one state's map, out.

An element is `current` unless it is flagged `planned` or `retiring`. A child without a
flag of its own takes its parent's (`effective_lifecycle`): a retiring system's entities,
their fields and its costs retire with it; a planned stage's touchpoints, their ideas and
KPIs are planned; a `map` line follows its integration, an outcome its decision.

The as-is map is everything that is not planned; the to-be map is everything that is not
retiring. `select_state` returns that map, re-resolved: its symbol table, references and
process flows know nothing of what was left out (a reference to it is left unresolved,
without an error), so the linter, the views and the report can work on it like on any map.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Literal, TypeVar

from crmdsl import model as m
from crmdsl.language.build.statements import BuiltFile
from crmdsl.language.refs import walk_refs
from crmdsl.language.resolve import resolve

__all__ = ["State", "effective_lifecycle", "lifecycles", "select_state"]

_N = TypeVar("_N", bound=m.Node)
_T = TypeVar("_T")

#: The two states of a map: as it is today, and as the plan leaves it.
State = Literal["as-is", "to-be"]

#: What each state leaves out.
_LEFT_OUT: dict[str, m.Lifecycle] = {"as-is": "planned", "to-be": "retiring"}


def _own(node: object, inherited: m.Lifecycle) -> m.Lifecycle:
    """The node's own flag, or what it inherits when it has none."""
    own: m.Lifecycle = getattr(node, "lifecycle", "current")
    return own if own != "current" else inherited


def _tree(crm_map: m.CrmMap) -> Iterator[tuple[m.Node, m.Lifecycle]]:
    """Every element with its effective lifecycle, parents before their children."""
    systems: dict[str, m.Lifecycle] = {}
    for system in crm_map.systems:
        state = _own(system, "current")
        systems[system.id] = state
        yield system, state
        for cost in system.costs:
            yield cost, state
    for entity in crm_map.entities:
        state = _own(entity, systems.get(entity.system.text, "current"))
        yield entity, state
        for fld in entity.fields:
            yield fld, _own(fld, state)
    for journey in crm_map.journeys:
        for stage in journey.stages:
            stage_state = _own(stage, "current")
            yield stage, stage_state
            for tp in stage.touchpoints:
                state = _own(tp, stage_state)
                yield tp, state
                for child in (*tp.ideas, *tp.kpis):
                    yield child, state
    for process in crm_map.processes:
        for node in process.nodes:
            state = _own(node, "current")
            yield node, state
            for outcome in node.outcomes if isinstance(node, m.Decision) else ():
                yield outcome, state
    for integration in crm_map.integrations:
        state = _own(integration, "current")
        yield integration, state
        for mapping in integration.maps:
            yield mapping, _own(mapping, state)


def lifecycles(crm_map: m.CrmMap) -> dict[int, m.Lifecycle]:
    """The effective lifecycle of every element that is not current, by `id(node)`.

    Computed once per map and kept (a loaded map does not change).
    """
    found: dict[int, m.Lifecycle] | None = crm_map._lifecycles
    if found is None:
        found = {id(node): state for node, state in _tree(crm_map) if state != "current"}
        crm_map._lifecycles = found
    return found


def effective_lifecycle(crm_map: m.CrmMap, node: object) -> m.Lifecycle:
    """`current`, `planned` or `retiring`: the node's own flag, else its parent's.

    Elements without a lifecycle of their own (a journey, a goal, a team) are current.
    """
    return lifecycles(crm_map).get(id(node), "current")


def select_state(crm_map: m.CrmMap, state: State) -> m.CrmMap:
    """The map of one state: `as-is` leaves out what is planned, `to-be` what is retiring.

    The result is a new map, re-resolved; `crm_map` is not changed. A reference to an
    element left out is left unresolved (`Ref.target` None) and reports nothing.
    """
    if state not in _LEFT_OUT:
        raise ValueError(f"a state is as-is or to-be, not {state!r}")
    gone = _LEFT_OUT[state]
    twin = _twin(crm_map)
    lost = _prune(twin, {key for key, value in lifecycles(twin).items() if value == gone})
    twin._ref_sites = None
    for site in walk_refs(twin):
        site.ref.target = None
    built = BuiltFile(
        twin.root or (twin.files[0] if twin.files else ""),
        header=twin.header,
        includes=twin.includes,
        declarations=[
            node
            for nodes in (
                twin.teams,
                twin.personas,
                twin.channels,
                twin.systems,
                twin.entities,
                twin.journeys,
                twin.processes,
                twin.integrations,
                twin.goals,
            )  # fmt: skip
            for node in nodes
        ],
        comments=twin.comments,
        lost=lost,
    )
    out, _ = resolve([built], twin.root)
    out.files = list(twin.files)
    return out


#: The lists of a map that hold statements (copied for a state's map).
_LISTS = (
    "includes", "teams", "personas", "channels", "systems", "entities", "journeys",
    "processes", "integrations", "goals",
)  # fmt: skip


def _twin(crm_map: m.CrmMap) -> m.CrmMap:
    """A copy of the map's statements and references, sharing what never changes.

    Spans, quantities, durations and texts are immutable or never changed after a load,
    so they are shared; statements, their lists and references are copied (a state's
    map prunes lists and re-resolves references).
    """
    lists = {name: _clone(getattr(crm_map, name)) for name in _LISTS}
    return m.CrmMap(
        root=crm_map.root,
        files=list(crm_map.files),
        header=_clone(crm_map.header),
        comments=list(crm_map.comments),
        **lists,
    )


def _clone(value: _T) -> _T:
    """A copy of statements, references, field types and lists; anything else shared."""
    if isinstance(value, list):
        return [_clone(item) for item in value]  # type: ignore[return-value]
    if isinstance(value, m.Node | m.Ref | m.FieldType):
        new = object.__new__(type(value))
        for f in dataclasses.fields(value):
            object.__setattr__(new, f.name, _clone(getattr(value, f.name)))
        return new
    return value


def _prune(twin: m.CrmMap, left_out: set[int]) -> set[str]:
    """Drop the elements left out from their lists; return the keys they declared."""
    lost: set[str] = set()

    def keep(nodes: list[_N], scope: str = "") -> list[_N]:
        kept = []
        for node in nodes:
            if id(node) in left_out:
                lost.add(_key(node, scope))
            else:
                kept.append(node)
        return kept

    twin.systems = keep(twin.systems)
    twin.entities = keep([e for e in twin.entities if e.system.text not in lost])
    for entity in twin.entities:
        entity.fields = keep(entity.fields, entity.key)
    for journey in twin.journeys:
        journey.stages = keep(journey.stages, journey.id)
        for stage in journey.stages:
            stage.touchpoints = keep(stage.touchpoints, journey.id)
    for process in twin.processes:
        process.nodes = keep(process.nodes, process.id)
    twin.integrations = keep(twin.integrations)
    for integration in twin.integrations:
        integration.maps = keep(integration.maps)
    twin._lifecycles = None
    return lost


def _key(node: m.Node, scope: str) -> str:
    """The symbol key an element declared (`system`, `system.Entity`, `journey.x`...)."""
    if isinstance(node, m.Entity):
        return node.key
    if isinstance(node, m.EntityField):
        return f"{scope}.{node.name}"
    if isinstance(node, m.Declared):
        return f"{scope}.{node.id}" if scope else node.id
    return ""
