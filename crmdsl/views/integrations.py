"""The integrations view: systems and the integrations between them, `flowchart LR`.

In: a resolved map and optionally a system id. Out: a `FlowSpec` with one node per
system (shaped by its kind) and one edge per integration, labelled with the
integration's title, how often it runs and how (`every 15m · api`). Choices:

- a two-way integration (`<->`) is one edge with arrows at both ends; its label says
  which system is master ("master: Salesforce");
- a system of record is drawn with a thick border and says what it is the record of
  ("★ record of customer, opportunity");
- the kind is written under the title and sets the shape: `database` and
  `data_warehouse` a cylinder, `spreadsheet` a document (a parallelogram before Mermaid
  11.3), `website` a stadium, `erp` a subroutine box, `marketing` a hexagon, `service`
  a rounded box, anything else a box;
- with `--id SYSTEM` only that system's integrations and the systems at their other ends
  are drawn;
- drawing both states, a planned system is dashed and says `planned`, a retiring one is
  greyed and says `retiring`; a planned integration is a dotted edge, and an
  integration of the plan says `planned` or `retiring` in its label.
"""

from __future__ import annotations

from crmdsl.model import CrmMap, Integration, System
from crmdsl.views.common import FlowEdge, FlowNode, FlowSpec, Shape, system_title
from crmdsl.views.state import mark_edge, mark_node

__all__ = ["KIND_SHAPES", "integration_label", "integrations_view", "system_node"]

KIND_SHAPES: dict[str, Shape] = {
    "database": "cylinder",
    "data_warehouse": "cylinder",
    "spreadsheet": "document",
    "website": "stadium",
    "erp": "subroutine",
    "marketing": "hexagon",
    "service": "round",
}

CLASSES = {"record": "stroke:#2b6cb0,stroke-width:3px,fill:#ebf4ff"}


def system_node(system: System) -> FlowNode:
    """A system's node: title, kind and what it is the record of."""
    lines = [system.title]
    if system.kind:
        lines.append(system.kind.replace("_", " "))
    css = None
    if system.record_of:
        lines.append("★ record of " + ", ".join(n.value for n in system.record_of))
        css = "record"
    return FlowNode(system.id, lines, KIND_SHAPES.get(system.kind or "", "rect"), css)


def integration_label(crm_map: CrmMap, integration: Integration) -> str:
    """`Lead sync · every 15m · api`, plus the master of a two-way integration."""
    parts = [integration.title]
    if integration.frequency is not None:
        parts.append(str(integration.frequency))
    if integration.via:
        parts.append(integration.via)
    if integration.two_way and integration.master is not None:
        parts.append("master: " + (system_title(crm_map, integration.master) or ""))
    return " · ".join(parts)


def integrations_view(crm_map: CrmMap, system_id: str | None = None) -> FlowSpec:
    """Every system and integration, or those around one system."""
    spec = FlowSpec(direction="LR", classes=dict(CLASSES))
    chosen = [
        i
        for i in crm_map.integrations
        if system_id is None or system_id in (i.source.target, i.target.target)
    ]
    wanted = {system_id} if system_id else None
    if wanted is not None:
        for integration in chosen:
            wanted.update(t for t in (integration.source.target, integration.target.target) if t)
    for system in crm_map.systems:
        if wanted is None or system.id in wanted:
            spec.add(mark_node(spec, crm_map, system, system_node(system)))
            spec.shows(system.title, *(n.value for n in system.record_of))
    for integration in chosen:
        source, target = integration.source.target, integration.target.target
        if source not in spec.nodes or target not in spec.nodes:
            continue
        spec.shows(integration.title)
        label, style = mark_edge(
            crm_map, integration, integration_label(crm_map, integration), "solid"
        )
        spec.link(FlowEdge(source, target, label, style, integration.two_way))
    return spec
