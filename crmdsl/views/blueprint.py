"""The blueprint view: a journey as a service blueprint, `flowchart TB`.

In: a resolved map and a journey. Out: a `FlowSpec` in three rows, top to bottom:

1. "Frontstage: what the customer meets": one subgraph per stage, holding its
   touchpoints (title; channel and score; `★ moment of truth`; KPIs with their
   targets; pains and ideas, each on its own line);
2. "Backstage: what the company does": the process steps the touchpoints name with
   `backstage`, grouped by process, dotted edges from each touchpoint to its steps;
3. "Systems": the systems the touchpoints and those steps use, edges to them.

A stage without touchpoints shows "no touchpoints yet". A touchpoint's own `system` is
linked too, straight from the touchpoint.
"""

from __future__ import annotations

from crmdsl.model import CrmMap, Decision, Journey, Process, Step, System, Touchpoint
from crmdsl.views.common import FlowEdge, FlowGroup, FlowNode, FlowSpec
from crmdsl.views.integrations import system_node
from crmdsl.views.process import step_lines
from crmdsl.views.state import mark_node, state_class, tagged

__all__ = ["blueprint_view", "touchpoint_lines"]

CLASSES = {
    "moment": "stroke:#c53030,stroke-width:3px",
    "record": "stroke:#2b6cb0,stroke-width:3px,fill:#ebf4ff",
    "manual": "fill:#fff4d6,stroke:#b7791f",
    "automated": "fill:#e6f4ea,stroke:#2f855a",
}


def touchpoint_lines(crm_map: CrmMap, touchpoint: Touchpoint) -> list[str]:
    """A touchpoint's lines: title, channel and score, then its marks, KPIs, pains, ideas."""
    channel = crm_map.channel(touchpoint.channel.text) if touchpoint.channel else None
    score = f"score {touchpoint.score}/5" if touchpoint.score is not None else "no score"
    lines = [touchpoint.title, " · ".join([channel.title, score] if channel else [score])]
    if touchpoint.moment_of_truth:
        lines.append("★ moment of truth")
    for kpi in touchpoint.kpis:
        target = f" → {kpi.target.text}" if kpi.target is not None else ""
        lines.append(f"KPI: {kpi.name}{target}")
    lines.extend(f"pain: {pain}" for pain in touchpoint.pains)
    lines.extend(f"idea: {idea.text}" for idea in touchpoint.ideas)
    return lines


def blueprint_view(crm_map: CrmMap, journey: Journey) -> FlowSpec:
    """Touchpoints above the backstage steps behind them above the systems they use."""
    spec = FlowSpec(direction="TB", classes=dict(CLASSES))
    spec.shows(journey.title)
    front = FlowGroup(key="frontstage", label="Frontstage: what the customer meets")
    back = FlowGroup(key="backstage", label="Backstage: what the company does")
    systems = FlowGroup(key="systems", label="Systems")
    processes: dict[str, FlowGroup] = {}
    links: list[FlowEdge] = []
    for stage in journey.stages:
        stage_group = FlowGroup(
            key=f"stage.{stage.id}",
            label=tagged(stage.title, crm_map, stage),
            css=state_class(spec.classes, crm_map, stage),
        )
        spec.shows(stage.title)
        for touchpoint in stage.touchpoints:
            key = f"tp:{touchpoint.id}"
            css = "moment" if touchpoint.moment_of_truth else None
            flow_node = FlowNode(key, touchpoint_lines(crm_map, touchpoint), "round", css)
            spec.add(mark_node(spec, crm_map, touchpoint, flow_node))
            spec.shows(touchpoint.title, *touchpoint.pains, *(i.text for i in touchpoint.ideas))
            spec.shows(*(k.name for k in touchpoint.kpis))
            stage_group.members.append(key)
            steps = _backstage(crm_map, touchpoint)
            for process, node in steps:
                step_key = _step(crm_map, spec, processes, process, node)
                links.append(FlowEdge(key, step_key, None, "dotted"))
                if isinstance(node, Step):
                    _system(crm_map, spec, systems, node.system.target if node.system else None)
                    if node.system is not None and f"sys:{node.system.target}" in spec.nodes:
                        links.append(FlowEdge(step_key, f"sys:{node.system.target}", None))
            own = touchpoint.system.target if touchpoint.system else None
            if own:
                _system(crm_map, spec, systems, own)
                links.append(FlowEdge(key, f"sys:{own}", None))
        if not stage_group.members:
            empty = f"tp:{stage.id}."
            spec.add(FlowNode(empty, ["no touchpoints yet"], "round"))
            stage_group.members.append(empty)
        front.groups.append(stage_group)
    back.groups.extend(processes.values())
    spec.groups.extend(g for g in (front, back, systems) if g.members or g.groups)
    for edge in links:
        spec.link(edge)
    return spec


def _backstage(crm_map: CrmMap, touchpoint: Touchpoint) -> list[tuple[Process, Step | Decision]]:
    """The steps and decisions a touchpoint names with `backstage`, with their processes."""
    found: list[tuple[Process, Step | Decision]] = []
    for ref in touchpoint.backstage:
        if not ref.target:
            continue
        process = crm_map.lookup(ref.target.split(".", 1)[0])
        node = crm_map.lookup(ref.target)
        if isinstance(process, Process) and isinstance(node, Step | Decision):
            found.append((process, node))
    return found


def _step(
    crm_map: CrmMap,
    spec: FlowSpec,
    processes: dict[str, FlowGroup],
    process: Process,
    node: Step | Decision,
) -> str:
    key = f"step:{process.id}.{node.id}"
    if key not in spec.nodes:
        if process.id not in processes:
            processes[process.id] = FlowGroup(key=f"process.{process.id}", label=process.title)
            spec.shows(process.title)
        lines = step_lines(crm_map, node) if isinstance(node, Step) else [node.title]
        css = node.mode if isinstance(node, Step) else None
        spec.add(mark_node(spec, crm_map, node, FlowNode(key, lines, "rect", css)))
        spec.shows(node.title)
        processes[process.id].members.append(key)
    return key


def _system(crm_map: CrmMap, spec: FlowSpec, row: FlowGroup, system_id: str | None) -> None:
    system = crm_map.lookup(system_id) if system_id else None
    key = f"sys:{system_id}"
    if isinstance(system, System) and key not in spec.nodes:
        node = mark_node(spec, crm_map, system, system_node(system))
        node.key = key
        spec.add(node)
        spec.shows(system.title)
        row.members.append(key)
