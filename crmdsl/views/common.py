"""What every view shares: the diagram specs views build, and small look-ups over the map.

In: a resolved `CrmMap`. Out: plain specs (`FlowSpec`, `JourneySpec`, `ErSpec`, `XySpec`)
that say what a diagram holds (nodes with their label lines, groups, edges, classes, chart
series) in the words
the user wrote, never in Mermaid syntax. `emit` (below) turns a spec into Mermaid
text through the safety layer; the views never write Mermaid themselves, so no user
string reaches a diagram without being encoded.

Every spec also lists `labels`: the user's own strings it shows (titles, pains, outcome
labels, ...), which the real-Mermaid tests look for in the rendered SVG.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from crmdsl.errors import CrmdslError
from crmdsl.model import CrmMap, Duration, Entity, EntityField, Journey, Persona, Ref, System, Team

if TYPE_CHECKING:
    from crmdsl.views.mermaid_text import EdgeShape

__all__ = [
    "Diagram",
    "ErAttribute",
    "ErEntity",
    "ErRelation",
    "ErSpec",
    "FlowEdge",
    "FlowGroup",
    "FlowNode",
    "FlowSpec",
    "JourneySpec",
    "JourneyTask",
    "Spec",
    "XySeries",
    "XySpec",
    "ViewError",
    "choices",
    "duration_text",
    "emit",
    "size_floor",
    "entity_of_field",
    "persona_of",
    "system_title",
    "team_title",
]

Shape = Literal[
    "rect",
    "round",
    "stadium",
    "subroutine",
    "cylinder",
    "circle",
    "asymmetric",
    "rhombus",
    "hexagon",
    "parallelogram",
    "trapezoid",
    "document",
]
EdgeStyle = Literal["solid", "dotted", "thick"]


class ViewError(CrmdslError):
    """A view cannot be drawn as asked (unknown id, too large for Mermaid, ...)."""


@dataclass(frozen=True, slots=True)
class Diagram:
    """One finished diagram: Mermaid text and what it is.

    `labels` are the user's strings the diagram shows; `nodes` and `edges` count what
    Mermaid will draw (the figures `crmdsl render` prints).
    """

    view: str
    subject: str | None
    title: str
    text: str
    nodes: int
    edges: int
    labels: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """A file name stem: `process-lead_to_cash`, `overview`."""
        return self.view if self.subject is None else f"{self.view}-{self.subject}"


@dataclass(slots=True)
class FlowNode:
    """A flowchart node: label lines (the first is the title), shape and classes.

    `css` is a class name, or several separated by spaces.

    A key `ns:id` (ns lower-case letters and digits, not `g`) becomes the Mermaid id
    `ns_id` (made safe); any other key is an id in the `n` namespace.
    """

    key: str
    lines: list[str]
    shape: Shape = "rect"
    css: str | None = None


@dataclass(slots=True)
class FlowEdge:
    """A flowchart edge between two node keys (or group keys)."""

    source: str
    target: str
    label: str | None = None
    style: EdgeStyle = "solid"
    both_ways: bool = False


@dataclass(slots=True)
class FlowGroup:
    """A subgraph: a label and the node keys (and groups) inside it, in order."""

    key: str
    label: str
    members: list[str] = field(default_factory=list)
    groups: list[FlowGroup] = field(default_factory=list)
    css: str | None = None


@dataclass(slots=True)
class FlowSpec:
    """A flowchart: direction, nodes in order, groups, edges and class definitions."""

    direction: Literal["LR", "TB"]
    nodes: dict[str, FlowNode] = field(default_factory=dict)
    groups: list[FlowGroup] = field(default_factory=list)
    edges: list[FlowEdge] = field(default_factory=list)
    classes: dict[str, str] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)

    def add(self, node: FlowNode) -> FlowNode:
        """Add a node once (the first one with a key wins) and return the kept one."""
        return self.nodes.setdefault(node.key, node)

    def link(self, edge: FlowEdge) -> None:
        """Add an edge unless the same edge (ends, label, style) is there already."""
        same = (edge.source, edge.target, edge.label, edge.style, edge.both_ways)
        for old in self.edges:
            if (old.source, old.target, old.label, old.style, old.both_ways) == same:
                return
        self.edges.append(edge)

    def shows(self, *texts: str | None) -> None:
        """Record user strings the diagram shows."""
        self.labels.extend(t for t in texts if t)


@dataclass(slots=True)
class JourneyTask:
    """A task of a Mermaid journey: name, score 1..5 and actors."""

    name: str
    score: int
    actors: list[str]


@dataclass(slots=True)
class JourneySpec:
    """A Mermaid `journey`: title and sections of tasks."""

    title: str
    sections: list[tuple[str, list[JourneyTask]]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ErAttribute:
    """An entity attribute: type, name, key mark (PK, UK or none) and comment."""

    type: str
    name: str
    key: Literal["PK", "UK"] | None = None
    comment: str | None = None


@dataclass(slots=True)
class ErEntity:
    """An `erDiagram` entity: a stable key, the label shown, its attributes and classes.

    `css` is a class name of `ErSpec.classes`, or several separated by spaces.
    """

    key: str
    label: str
    attributes: list[ErAttribute] = field(default_factory=list)
    css: str | None = None


@dataclass(slots=True)
class ErRelation:
    """A relationship between two entity keys with cardinalities and a label."""

    left: str
    right: str
    label: str
    left_card: Literal["zero-or-one", "exactly-one", "zero-or-more", "one-or-more"]
    right_card: Literal["zero-or-one", "exactly-one", "zero-or-more", "one-or-more"]
    dotted: bool = False


@dataclass(slots=True)
class ErSpec:
    """An `erDiagram`: entities in order, relationships and class definitions."""

    entities: dict[str, ErEntity] = field(default_factory=dict)
    relations: list[ErRelation] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    classes: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class XySeries:
    """One series of an xy chart: `bar` or `line`, a name for the legend, one value per category."""

    kind: Literal["bar", "line"]
    name: str
    values: list[float]


@dataclass(slots=True)
class XySpec:
    """A Mermaid `xychart`: title, x-axis categories, y-axis label and range, series.

    `colors` are the series' colours in order (`#rrggbb`), Mermaid's own when empty.
    """

    title: str
    categories: list[str]
    y_label: str
    y_range: tuple[float, float]
    series: list[XySeries] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    colors: list[str] = field(default_factory=list)


Spec = FlowSpec | JourneySpec | ErSpec | XySpec


def team_title(crm_map: CrmMap, ref: Ref | None) -> str | None:
    """The title of the team a reference names (its text when unresolved)."""
    if ref is None:
        return None
    team = crm_map.lookup(ref.target) if ref.target else None
    return team.title if isinstance(team, Team) else ref.text


def persona_of(crm_map: CrmMap, journey: Journey) -> Persona | None:
    """The persona a journey is for, or None when it names none (or one that is unknown)."""
    key = journey.persona.target if journey.persona is not None else None
    persona = crm_map.lookup(key) if key else None
    return persona if isinstance(persona, Persona) else None


def system_title(crm_map: CrmMap, ref: Ref | None) -> str | None:
    """The title of the system a reference names (its text when unresolved)."""
    if ref is None:
        return None
    system = crm_map.lookup(ref.target) if ref.target else None
    return system.title if isinstance(system, System) else ref.text


def entity_of_field(crm_map: CrmMap, key: str) -> tuple[Entity, EntityField] | None:
    """The entity and field a `system.Entity.field` key names."""
    found = crm_map.lookup(key)
    if not isinstance(found, EntityField):
        return None
    entity = crm_map.lookup(key.rsplit(".", 1)[0])
    return (entity, found) if isinstance(entity, Entity) else None


def duration_text(label: str, value: Duration | None) -> str | None:
    """`takes 2d`, or None when there is no duration."""
    return f"{label} {value.text}" if value is not None else None


def choices(ids: Iterable[str], limit: int = 12) -> str:
    """`a, b, c` (at most `limit`, then `and N more`) for messages that offer ids."""
    items = list(ids)
    if not items:
        return "none in this map"
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


# --- emission: specs to Mermaid text, through the safety layer -------------------------

_SHAPES: dict[str, str] = {
    "rect": "normal",
    "round": "round-edge",
    "stadium": "stadium-shape",
    "subroutine": "subroutine-shape",
    "cylinder": "cylindrical",
    "circle": "circle",
    "asymmetric": "label-shape",
    "rhombus": "rhombus",
    "hexagon": "hexagon",
    "parallelogram": "parallelogram",
    "trapezoid": "trapezoid",
    "document": "parallelogram",
}
_NAMESPACE = re.compile("[a-z][a-z0-9]*")
_EDGE_SHAPES: dict[EdgeStyle, EdgeShape] = {"solid": "normal", "dotted": "dotted", "thick": "thick"}
_STYLE_NAMES = {
    "stroke-width": "stroke_width",
    "font-weight": "font_weight",
    "stroke-dasharray": "stroke_dasharray",
}


def _style(css: str) -> dict[str, str]:
    """`fill:#fff,stroke-width:2px` as keyword arguments for `Flowchart.class_def`."""
    pairs = (item.split(":", 1) for item in css.split(",") if item)
    return {_STYLE_NAMES.get(k.strip(), k.strip()): v.strip() for k, v in pairs}


def emit(spec: Spec, title: str | None, mermaid_version: str | None) -> tuple[str, int, int]:
    """Mermaid text for a spec, with its node and edge counts.

    Raises the safety layer's `MermaidLimitError` when Mermaid would refuse the diagram
    and `MermaidInputError` when it cannot show what the spec asks for.
    """
    if isinstance(spec, FlowSpec):
        return _emit_flow(spec, title, mermaid_version)
    if isinstance(spec, ErSpec):
        return _emit_er(spec, title, mermaid_version)
    if isinstance(spec, XySpec):
        from crmdsl.views.xychart import emit_xychart

        return emit_xychart(spec, mermaid_version)
    return _emit_journey(spec, mermaid_version)


def _emit_flow(spec: FlowSpec, title: str | None, version: str | None) -> tuple[str, int, int]:
    from crmdsl.views.mermaid_safe import Flowchart

    chart = Flowchart(spec.direction, title=title, mermaid_version=version)
    for name, css in spec.classes.items():
        chart.class_def(name, **_style(css))
    ids: dict[str, str] = {}
    placed: set[str] = set()

    def place_node(key: str, parent: str | None) -> None:
        if key in placed:
            return
        placed.add(key)
        node = spec.nodes[key]
        namespace, _, user_id = key.partition(":")
        if not (user_id and _NAMESPACE.fullmatch(namespace)) or namespace == "g":
            namespace, user_id = "n", key
        ids[key] = chart.node(
            user_id,
            "\n".join(node.lines),
            shape=_SHAPES[node.shape],
            subgraph=parent,
            classes=node.css.split() if node.css else (),
            namespace=namespace,
        )

    # Groups depth first, in order, with a stack (a recursive inner function would be a
    # reference cycle holding the chart until the cyclic collector runs).
    stack: list[tuple[FlowGroup, str | None]] = [(g, None) for g in reversed(spec.groups)]
    while stack:
        group, parent = stack.pop()
        classes = group.css.split() if group.css else ()
        gid = chart.subgraph(group.key, group.label, parent=parent, classes=classes)
        ids[group.key] = gid
        for member in group.members:
            place_node(member, gid)
        stack.extend((inner, gid) for inner in reversed(group.groups))
    for key in spec.nodes:
        place_node(key, None)
    for edge in spec.edges:
        chart.edge(
            ids[edge.source],
            ids[edge.target],
            edge.label,
            shape=_EDGE_SHAPES[edge.style],
            head_left="left-arrow" if edge.both_ways else "none",
        )
    return chart.to_mermaid(), len(spec.nodes), len(spec.edges)


def _emit_er(spec: ErSpec, title: str | None, version: str | None) -> tuple[str, int, int]:
    from crmdsl.views.mermaid_safe import EntityDiagram

    diagram = EntityDiagram(title=title, mermaid_version=version)
    for name, css in spec.classes.items():
        diagram.class_def(name, **_style(css))
    ids: dict[str, str] = {}
    for entity in spec.entities.values():
        classes = entity.css.split() if entity.css else ()
        ids[entity.key] = diagram.entity(entity.key, entity.label, classes=classes)
        for attr in entity.attributes:
            keys = [attr.key] if attr.key else []
            diagram.attribute(
                ids[entity.key], attr.name, attr.type, keys=keys, comment=attr.comment
            )
    for rel in spec.relations:
        diagram.relationship(
            ids[rel.left],
            ids[rel.right],
            rel.label,
            left=rel.left_card,
            right=rel.right_card,
            dotted=rel.dotted,
        )
    return diagram.to_mermaid(), len(spec.entities), len(spec.relations)


def _emit_journey(spec: JourneySpec, version: str | None) -> tuple[str, int, int]:
    from crmdsl.views.mermaid_safe import Journey

    chart = Journey(spec.title, mermaid_version=version)
    tasks = 0
    for section, items in spec.sections:
        chart.section(section)
        for task in items:
            chart.task(task.name, task.score, task.actors)
            tasks += 1
    return chart.to_mermaid(), tasks, 0


def size_floor(spec: Spec) -> tuple[int, int]:
    """At least how many characters the spec's Mermaid text has, and how many edges.

    Cheap (no encoding): every label is written at least as long as it is. Lets a view
    far over Mermaid's limits refuse before it is written out.
    """
    if isinstance(spec, FlowSpec):
        chars = sum(len(line) + 8 for node in spec.nodes.values() for line in node.lines)
        chars += sum(len(edge.label or "") + 8 for edge in spec.edges)
        return chars, len(spec.edges)
    if isinstance(spec, ErSpec):
        chars = sum(len(e.label) + 8 for e in spec.entities.values())
        chars += sum(
            len(a.type) + len(a.name) + len(a.comment or "") + 3
            for e in spec.entities.values()
            for a in e.attributes
        )
        chars += sum(len(r.label) + 12 for r in spec.relations)
        return chars, len(spec.relations)
    if isinstance(spec, XySpec):
        return len(spec.title) + sum(len(c) + 4 for c in spec.categories), 0
    chars = sum(len(name) + sum(len(t.name) + 6 for t in tasks) for name, tasks in spec.sections)
    return chars, 0
