"""The process view: one process as a `flowchart LR` with a swimlane per owning team.

In: a resolved map and a process. Out: a `FlowSpec` with one subgraph per team, in the
order teams first appear in the process block. Choices a reader would otherwise guess
at:

- a step sits in its owner's lane; a step without owner in an "Unassigned" lane;
- a decision sits in the lane of the node before it in the block (the process owner's
  lane when it comes first); an end sits in the process owner's lane;
- a step's label says its system, `takes` and `SLA`, and `manual` or `automated`;
  manual steps are drawn amber, automated ones green;
- a flow that crosses lanes is a hand-off: drawn thick and labelled "hand-off";
- decision outcomes label their edges; a small dark "start" circle points at the first
  node of the block;
- drawing both states, a planned step, decision or end is dashed and says `planned`, a
  retiring one is greyed and says `retiring`.
"""

from __future__ import annotations

from crmdsl.model import CrmMap, Decision, End, Process, Step
from crmdsl.views.common import (
    FlowEdge,
    FlowGroup,
    FlowNode,
    FlowSpec,
    duration_text,
    system_title,
    team_title,
)
from crmdsl.views.state import mark_node

__all__ = ["UNASSIGNED", "lanes", "node_key", "process_view", "step_lines"]

UNASSIGNED = "Unassigned"

CLASSES = {
    "manual": "fill:#fff4d6,stroke:#b7791f,stroke-width:2px",
    "automated": "fill:#e6f4ea,stroke:#2f855a",
    "start": "fill:#2d3748,color:#ffffff,stroke:#2d3748",
}


def node_key(process: Process, node_id: str) -> str:
    """The spec key of a step, decision or end."""
    return f"p:{node_id}"


def step_lines(crm_map: CrmMap, step: Step) -> list[str]:
    """A step's label lines: title, then system, mode and durations."""
    details = [
        system_title(crm_map, step.system),
        step.mode,
        duration_text("takes", step.takes),
        duration_text("SLA", step.sla),
    ]
    shown = " · ".join(d for d in details if d)
    return [step.title, shown] if shown else [step.title]


def lanes(crm_map: CrmMap, process: Process) -> dict[str, str]:
    """Each node id's lane: the title of its team, or "Unassigned"."""
    owner = team_title(crm_map, process.owner) or UNASSIGNED
    placed: dict[str, str] = {}
    previous = owner
    for node in process.nodes:
        if isinstance(node, Step):
            lane = team_title(crm_map, node.owner) or UNASSIGNED
        elif isinstance(node, Decision):
            lane = previous
        else:
            lane = owner
        placed[node.id] = lane
        previous = lane
    return placed


def process_view(crm_map: CrmMap, process: Process) -> FlowSpec:
    """Steps, decisions and ends in swimlanes, with the flows between them."""
    spec = FlowSpec(direction="LR", classes=dict(CLASSES))
    spec.shows(process.title)
    lane_of = lanes(crm_map, process)
    lane_ids = _lane_ids(crm_map, process, lane_of)
    groups: dict[str, FlowGroup] = {}
    for node in process.nodes:
        lane = lane_of[node.id]
        if lane not in groups:
            groups[lane] = FlowGroup(key=lane_ids[lane], label=lane)
            spec.shows(lane)
        key = node_key(process, node.id)
        groups[lane].members.append(key)
        spec.shows(node.title)
        if isinstance(node, Step):
            css = node.mode
            spec.add(
                mark_node(
                    spec, crm_map, node, FlowNode(key, step_lines(crm_map, node), "rect", css)
                )
            )
            spec.shows(system_title(crm_map, node.system))
        elif isinstance(node, Decision):
            spec.add(mark_node(spec, crm_map, node, FlowNode(key, [node.title], "rhombus")))
        elif isinstance(node, End):
            spec.add(mark_node(spec, crm_map, node, FlowNode(key, [node.title], "stadium")))
    start = process.start
    if start is not None:
        begin = "s:start"
        spec.add(FlowNode(begin, ["start"], "circle", "start"))
        groups[lane_of[start.id]].members.insert(0, begin)
        spec.link(FlowEdge(begin, node_key(process, start.id)))
    spec.groups.extend(groups.values())
    for edge in process.edges:
        if node_key(process, edge.source) not in spec.nodes:
            continue
        if node_key(process, edge.target) not in spec.nodes:
            continue
        handoff = lane_of.get(edge.source) != lane_of.get(edge.target)
        words = [w for w in (edge.label, "hand-off" if handoff else None) if w]
        spec.shows(edge.label)
        spec.link(
            FlowEdge(
                node_key(process, edge.source),
                node_key(process, edge.target),
                " · ".join(words) or None,
                "thick" if handoff else "solid",
            )
        )
    return spec


def _lane_ids(crm_map: CrmMap, process: Process, lane_of: dict[str, str]) -> dict[str, str]:
    """A stable subgraph id per lane: its team's id (`-` for "Unassigned")."""
    ids: dict[str, str] = {}
    owners = [process.owner] + [n.owner for n in process.nodes if isinstance(n, Step)]
    for ref in owners:
        title = team_title(crm_map, ref)
        if ref is not None and title is not None:
            ids.setdefault(title, ref.text)
    for lane in lane_of.values():
        ids.setdefault(lane, "-")
    return ids
