"""The overview: the whole map at a glance, `flowchart LR`.

In: a resolved map. Out: a `FlowSpec` with four columns (subgraphs), left to right:
goals, journeys, processes, systems. Edges say how they connect:

- a goal points at what supports it (`supported-by`): a journey (a touchpoint counts
  for its journey), a process (a step for its process), a system, or an integration
  (drawn to the integration's source system, labelled with its title);
- a journey points at the processes its touchpoints name as `backstage` ("backstage")
  and at the systems its touchpoints use or capture data in ("uses");
- a process points at the systems its steps use ("uses");
- systems point at each other along integrations, labelled with the integration's
  title (arrows at both ends for `<->`).

Each node says what it holds: a journey its persona and number of touchpoints, a
process its owner and number of steps, a system its kind, a goal its owner. Drawing
both states, a planned system is dashed and tagged `planned`, a retiring one tagged
`retiring`, and so are the integrations of the plan (planned ones dotted).
"""

from __future__ import annotations

from crmdsl.model import CrmMap, Integration, Journey, Process, Step, System
from crmdsl.views.common import FlowEdge, FlowGroup, FlowNode, FlowSpec, persona_of, team_title
from crmdsl.views.integrations import system_node
from crmdsl.views.state import mark_edge, mark_node

__all__ = ["overview_view"]

CLASSES = {
    "goal": "fill:#faf5ff,stroke:#6b46c1",
    "journeynode": "fill:#fefcbf,stroke:#b7791f",
    "process": "fill:#e6f4ea,stroke:#2f855a",
    "record": "stroke:#2b6cb0,stroke-width:3px,fill:#ebf4ff",
}


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def overview_view(crm_map: CrmMap) -> FlowSpec:
    """Goals, journeys, processes and systems, and how they connect."""
    spec = FlowSpec(direction="LR", classes=dict(CLASSES))
    columns = [
        (FlowGroup(key="goals", label="Goals"), _goals(crm_map, spec)),
        (FlowGroup(key="journeys", label="Journeys"), _journeys(crm_map, spec)),
        (FlowGroup(key="processes", label="Processes"), _processes(crm_map, spec)),
        (FlowGroup(key="systems", label="Systems"), _systems(crm_map, spec)),
    ]
    for group, keys in columns:
        group.members.extend(keys)
        if keys:
            spec.groups.append(group)
    for goal in crm_map.goals:
        for ref in goal.supported_by:
            supported = _support_target(crm_map, ref.target)
            if supported is not None:
                key, label = supported
                spec.link(FlowEdge(f"goal:{goal.id}", key, label, "dotted"))
    for journey in crm_map.journeys:
        _journey_edges(crm_map, spec, journey)
    for process in crm_map.processes:
        for node in process.nodes:
            if isinstance(node, Step) and node.system and f"sys:{node.system.target}" in spec.nodes:
                spec.link(FlowEdge(f"proc:{process.id}", f"sys:{node.system.target}", "uses"))
    for integration in crm_map.integrations:
        source = f"sys:{integration.source.target}"
        dest = f"sys:{integration.target.target}"
        if source in spec.nodes and dest in spec.nodes:
            spec.shows(integration.title)
            label, style = mark_edge(crm_map, integration, integration.title, "solid")
            spec.link(FlowEdge(source, dest, label, style, integration.two_way))
    return spec


def _goals(crm_map: CrmMap, spec: FlowSpec) -> list[str]:
    keys = []
    for goal in crm_map.goals:
        owner = team_title(crm_map, goal.owner)
        lines = [goal.title] + ([f"owner: {owner}"] if owner else [])
        keys.append(spec.add(FlowNode(f"goal:{goal.id}", lines, "hexagon", "goal")).key)
        spec.shows(goal.title, owner)
    return keys


def _journeys(crm_map: CrmMap, spec: FlowSpec) -> list[str]:
    keys = []
    for journey in crm_map.journeys:
        persona = persona_of(crm_map, journey)
        touchpoints = sum(len(s.touchpoints) for s in journey.stages)
        detail = _count(touchpoints, "touchpoint")
        if persona is not None:
            detail = f"{persona.title} · {detail}"
            spec.shows(persona.title)
        node = FlowNode(f"journey:{journey.id}", [journey.title, detail], "stadium", "journeynode")
        keys.append(spec.add(node).key)
        spec.shows(journey.title)
    return keys


def _processes(crm_map: CrmMap, spec: FlowSpec) -> list[str]:
    keys = []
    for process in crm_map.processes:
        owner = team_title(crm_map, process.owner)
        steps = sum(isinstance(n, Step) for n in process.nodes)
        detail = " · ".join([w for w in (owner, _count(steps, "step")) if w])
        node = FlowNode(f"proc:{process.id}", [process.title, detail], "rect", "process")
        keys.append(spec.add(node).key)
        spec.shows(process.title, owner)
    return keys


def _systems(crm_map: CrmMap, spec: FlowSpec) -> list[str]:
    keys = []
    for system in crm_map.systems:
        node = mark_node(spec, crm_map, system, system_node(system))
        node.key = f"sys:{system.id}"
        keys.append(spec.add(node).key)
        spec.shows(system.title)
    return keys


def _support_target(crm_map: CrmMap, key: str | None) -> tuple[str, str | None] | None:
    """The node a `supported-by` reference points at, and an edge label."""
    if not key:
        return None
    head = key.split(".", 1)[0]
    found = crm_map.lookup(head)
    if isinstance(found, Journey):
        return f"journey:{found.id}", None
    if isinstance(found, Process):
        return f"proc:{found.id}", None
    if isinstance(found, System):
        return f"sys:{found.id}", None
    if isinstance(found, Integration) and found.source.target:
        return f"sys:{found.source.target}", found.title
    return None


def _journey_edges(crm_map: CrmMap, spec: FlowSpec, journey: Journey) -> None:
    source = f"journey:{journey.id}"
    for stage in journey.stages:
        for touchpoint in stage.touchpoints:
            for ref in touchpoint.backstage:
                process = ref.target.split(".", 1)[0] if ref.target else None
                if f"proc:{process}" in spec.nodes:
                    spec.link(FlowEdge(source, f"proc:{process}", "backstage"))
            systems = [touchpoint.system.target if touchpoint.system else None]
            systems += [
                r.target.split(".", 1)[0] if r.target else None for r in touchpoint.captures
            ]
            for system in systems:
                if f"sys:{system}" in spec.nodes:
                    spec.link(FlowEdge(source, f"sys:{system}", "uses"))
