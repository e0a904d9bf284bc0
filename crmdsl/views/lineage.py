"""The lineage view: where one field's data comes from and where it goes, `flowchart LR`.

In: a resolved map and a field key (`system.Entity.field`). Out: a `FlowSpec` with

- every touchpoint that captures the field, or a field the data reaches it from
  (stadium nodes, labelled with the journey, the touchpoint and its channel);
- every field the data passes through, following integration mappings both ways
  from the chosen field and transitively (a two-way integration carries data both
  ways), each edge labelled with the integration's title and frequency;
- the fields grouped in one subgraph per system, a system of record drawn with a thick
  border and titled "★ system of record for customer, …".

Drawing both states, a field, touchpoint or system of the plan says `planned` or
`retiring` (a node dashed or greyed, a system in its title), and so does an integration
(a planned one dotted).

`pii_fields` lists the fields `--all` draws a lineage for: every `pii` field.
"""

from __future__ import annotations

from crmdsl.model import CrmMap, Entity, EntityField, Integration, Journey, Touchpoint
from crmdsl.views.common import (
    FlowEdge,
    FlowGroup,
    FlowNode,
    FlowSpec,
    entity_of_field,
    system_title,
)
from crmdsl.views.state import mark_edge, mark_node, state_class, tagged

__all__ = ["field_flows", "lineage_view", "pii_fields"]

CLASSES = {
    "record": "stroke:#2b6cb0,stroke-width:3px,fill:#ebf4ff",
    "chosen": "stroke:#c53030,stroke-width:3px",
    "touchpoint": "fill:#fefcbf,stroke:#b7791f",
}


def pii_fields(crm_map: CrmMap) -> list[str]:
    """Every `pii` field's key, in map order."""
    return [f"{e.key}.{f.name}" for e in crm_map.entities for f in e.fields if f.pii]


def field_flows(crm_map: CrmMap) -> list[tuple[str, str, Integration]]:
    """Every (from field, to field, integration) the mappings say, both ways for `<->`."""
    flows: list[tuple[str, str, Integration]] = []
    for integration in crm_map.integrations:
        for mapping in integration.maps:
            source, target = mapping.source.target, mapping.target.target
            if not source or not target:
                continue
            flows.append((source, target, integration))
            if integration.two_way:
                flows.append((target, source, integration))
    return flows


def _reach(start: str, flows: list[tuple[str, str, Integration]]) -> list[str]:
    """The fields connected to `start` through flows, in either direction, in order found."""
    seen = {start: None}
    queue = [start]
    while queue:
        current = queue.pop(0)
        for source, target, _ in flows:
            for here, there in ((source, target), (target, source)):
                if here == current and there not in seen:
                    seen[there] = None
                    queue.append(there)
    return list(seen)


def _capturing(crm_map: CrmMap, fields: set[str]) -> list[tuple[Journey, Touchpoint, str]]:
    found = []
    for journey in crm_map.journeys:
        for stage in journey.stages:
            for touchpoint in stage.touchpoints:
                for ref in touchpoint.captures:
                    if ref.target in fields:
                        found.append((journey, touchpoint, ref.target))
    return found


def lineage_view(crm_map: CrmMap, field_key: str) -> FlowSpec:
    """Touchpoints capturing a field and the integrations carrying it, to its record."""
    spec = FlowSpec(direction="LR", classes=dict(CLASSES))
    flows = field_flows(crm_map)
    fields = _reach(field_key, flows)
    groups: dict[str, FlowGroup] = {}
    for key in fields:
        found = entity_of_field(crm_map, key)
        if found is None:
            continue
        entity, field = found
        _field_node(crm_map, spec, groups, entity, field, key, chosen=key == field_key)
    spec.groups.extend(groups.values())
    for journey, touchpoint, key in _capturing(crm_map, set(fields)):
        node = f"tp:{journey.id}.{touchpoint.id}"
        channel = crm_map.channel(touchpoint.channel.text) if touchpoint.channel else None
        detail = journey.title + (f" · {channel.title}" if channel else "")
        flow_node = FlowNode(node, [touchpoint.title, detail], "stadium", "touchpoint")
        spec.add(mark_node(spec, crm_map, touchpoint, flow_node))
        spec.shows(touchpoint.title, journey.title)
        spec.link(FlowEdge(node, key, "captures", "dotted"))
    for source, target, integration in flows:
        if source in spec.nodes and target in spec.nodes:
            words = [integration.title]
            if integration.frequency is not None:
                words.append(str(integration.frequency))
            spec.shows(integration.title)
            label, style = mark_edge(crm_map, integration, " · ".join(words), "solid")
            spec.link(FlowEdge(source, target, label, style))
    return spec


def _field_node(
    crm_map: CrmMap,
    spec: FlowSpec,
    groups: dict[str, FlowGroup],
    entity: Entity,
    field: EntityField,
    key: str,
    *,
    chosen: bool,
) -> None:
    system = crm_map.lookup(entity.system.target) if entity.system.target else None
    system_id = entity.system.text
    if system_id not in groups:
        title = system_title(crm_map, entity.system) or system_id
        css = None
        if system is not None and system.record_of:
            domains = ", ".join(n.value for n in system.record_of)
            title = f"{title} · ★ system of record for {domains}"
            css = "record"
        if system is not None:
            title = tagged(title, crm_map, system)
            planned = state_class(spec.classes, crm_map, system)
            css = " ".join(c for c in (css, planned) if c) or None
        groups[system_id] = FlowGroup(key=system_id, label=title, css=css)
        spec.shows(system_title(crm_map, entity.system))
    flags = [w for w, on in (("PII", field.pii), ("consent", field.consent)) if on]
    lines = [f"{entity.title}.{field.name}", " · ".join([str(field.type), *flags])]
    spec.add(
        mark_node(spec, crm_map, field, FlowNode(key, lines, "rect", "chosen" if chosen else None))
    )
    spec.shows(entity.title)
    groups[system_id].members.append(key)
