"""Views whose Mermaid changed, and their change diagrams: two maps in, `ViewChange`s out.

Every view of both maps is drawn (`crmdsl.views.render`); a view whose text differs (or
that exists on one side only) is a change. Its change diagram is the new view as a
flowchart with the differences marked: nodes added green, changed (other label lines)
amber, removed ones put back red with their title struck through (U+0336) and their
edges dotted; an edge added says `added`, a removed one is dotted and says `removed`. A
legend names the three marks. Journey views (Mermaid `journey`) and the data model
(`erDiagram`) cannot carry classes, so their change diagrams are flowcharts of the same
content: a box per touchpoint in its stage, a box per entity with its fields.

The diagram is written through the views' escaping layer (`crmdsl.views.common.emit`),
like every other view, so any label is safe in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from crmdsl.diffing.compare import Matching
from crmdsl.model import CrmMap, Journey
from crmdsl.views import VIEWS, ViewError, render, subjects
from crmdsl.views import _spec as view_spec
from crmdsl.views import _subject as view_target
from crmdsl.views.common import (
    ErSpec,
    FlowEdge,
    FlowGroup,
    FlowNode,
    FlowSpec,
    Spec,
    emit,
    team_title,
)
from crmdsl.views.journey import NEUTRAL_SCORE, task_name
from crmdsl.views.mermaid_text import MermaidInputError, MermaidLimitError

__all__ = ["MARKS", "Scope", "ViewChange", "change_diagram", "compare_views"]

#: The classes of a change diagram.
MARKS = {
    "diffadded": "fill:#dafbe1,stroke:#1a7f37,stroke-width:3px",
    "diffchanged": "fill:#fff8c5,stroke:#9a6700,stroke-width:3px",
    "diffremoved": "fill:#ffebe9,stroke:#cf222e,color:#82071e",
}
_STRIKE = "\u0336"


#: What each view shows besides its own subject: kinds whose change may redraw every view.
_SHOWN_BY: dict[str, frozenset[str]] = {
    "journey": frozenset({"team", "channel", "persona"}),
    "blueprint": frozenset({"team", "channel", "persona", "system", "process", "step",
                            "decision", "end"}),
    "process": frozenset({"team", "system"}),
    "lineage": frozenset({"field", "entity", "system", "integration", "map-line", "channel",
                          "journey"}),
}  # fmt: skip
#: Touchpoint clauses the lineage view shows.
_LINEAGE_CLAUSES = frozenset({"label", "channel", "captures", "in"})


@dataclass(slots=True)
class Scope:
    """Which views a set of changes can have redrawn (so that the others are not drawn).

    `everything`: draw every view (a rename or a reordering); `kinds`: the kinds of
    elements changed; `tops`: the journeys and processes with a change inside;
    `lineage`: a change the lineage views show.
    """

    everything: bool = True
    kinds: set[str] = field(default_factory=set)
    tops: set[str] = field(default_factory=set)
    lineage: bool = False

    def wants(self, view: str, subject: str | None) -> bool:
        """True when the view of `subject` may have changed."""
        if self.everything:
            return True
        if subject is None:
            return bool(self.kinds)
        if view == "lineage":
            return self.lineage or bool(self.kinds & _SHOWN_BY["lineage"])
        if view == "goals":  # a goal in several units has a chart per unit, `GOAL.UNIT`
            return subject.split(".", 1)[0] in self.tops
        return subject in self.tops or bool(self.kinds & _SHOWN_BY.get(view, frozenset()))


@dataclass(slots=True)
class ViewChange:
    """A view whose Mermaid text changed: `added`, `removed` or `changed`.

    `diagram` is the change diagram (Mermaid text), None for a removed view or when
    Mermaid could not take it; `added`, `changed`, `removed` count its marked nodes.
    """

    view: str
    subject: str | None
    title: str
    status: Literal["added", "removed", "changed"]
    diagram: str | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """`process lead_to_cash`, `overview`."""
        return self.view if self.subject is None else f"{self.view} {self.subject}"


def _draw(crm_map: CrmMap, view: str, subject: str | None) -> tuple[str, str] | None:
    try:
        d = render(crm_map, view, subject)
    except ViewError:
        return None
    return d.title, d.text


def compare_views(
    old: CrmMap, new: CrmMap, matching: Matching, scope: Scope | None = None
) -> list[ViewChange]:
    """Every view whose text differs between the maps, with its change diagram.

    With a `scope`, views it says cannot have changed are not drawn.
    """
    out: list[ViewChange] = []
    for view in VIEWS:
        before = {(matching.symbol(s) if s else s): s for s in subjects(old, view)}
        current = subjects(new, view)
        wanted = list(dict.fromkeys([*current, *before]))
        here = set(current)
        for subject in wanted:
            if scope is not None and subject in here and subject in before:
                if not scope.wants(view, subject):
                    continue
            now = _draw(new, view, subject) if subject in here else None
            was_subject = before.get(subject, subject)
            was = _draw(old, view, was_subject) if subject in before else None
            if now == was or (now is None and was is None):
                continue
            if now is None:
                assert was is not None
                out.append(ViewChange(view, subject, was[0], "removed"))
                continue
            item = ViewChange(view, subject, now[0], "changed" if was else "added")
            try:
                item.diagram, item.counts = change_diagram(
                    old if was else None, new, view, was_subject, subject, matching
                )
            except (ViewError, MermaidInputError, MermaidLimitError):
                item.diagram = None
            out.append(item)
    return out


def _flow(crm_map: CrmMap, view: str, subject: str | None) -> tuple[FlowSpec, str]:
    info = VIEWS[view]
    target = view_target(crm_map, info, subject)
    if view == "journey":
        assert isinstance(target, Journey)
        return _journey_flow(crm_map, target), target.title
    title = render(crm_map, view, subject).title
    spec: Spec = view_spec(crm_map, view, target, subject)
    if isinstance(spec, ErSpec):
        return _er_flow(spec), title
    if not isinstance(spec, FlowSpec):
        raise ViewError(f"the {view} view is a chart: it has no change diagram")
    return spec, title


def _journey_flow(crm_map: CrmMap, journey: Journey) -> FlowSpec:
    """A journey as a flowchart: a group per stage, a box per touchpoint, in order."""
    spec = FlowSpec(direction="LR")
    previous: str | None = None
    for stage in journey.stages:
        group = FlowGroup(key=f"stage.{stage.id}", label=stage.title or stage.id)
        for t in stage.touchpoints:
            key = f"t:{t.id}"
            actor = (team_title(crm_map, t.owner) or "").strip() or "no owner"
            score = t.score if t.score is not None else NEUTRAL_SCORE
            spec.add(FlowNode(key, [task_name(crm_map, t), f"score {score} · {actor}"], "round"))
            group.members.append(key)
            if previous is not None:
                spec.link(FlowEdge(previous, key))
            previous = key
        spec.groups.append(group)
    return spec


def _er_flow(er: ErSpec) -> FlowSpec:
    """The data model as a flowchart: a box per entity with its fields."""
    spec = FlowSpec(direction="LR")
    for entity in er.entities.values():
        lines = [entity.label] + [
            f"{a.type} {a.name}" + (f" {a.key}" if a.key else "") for a in entity.attributes
        ]
        spec.add(FlowNode(f"e:{entity.key}", lines, "rect"))
    for rel in er.relations:
        spec.link(FlowEdge(f"e:{rel.left}", f"e:{rel.right}", rel.label or None))
    return spec


def _renamed_keys(old: FlowSpec, new: FlowSpec, matching: Matching) -> dict[str, str]:
    """Old node keys that a rename changed, to their new key."""
    locals_ = {
        o.rsplit(".", 1)[-1].rpartition(":")[2]: n.rsplit(".", 1)[-1].rpartition(":")[2]
        for o, n in matching.renames.items()
    }
    out: dict[str, str] = {}
    for key in old.nodes:
        if key in new.nodes:
            continue
        ns, sep, ident = key.rpartition(":")
        for candidate in (matching.symbol(ident), locals_.get(ident)):
            moved = f"{ns}{sep}{candidate}" if candidate else None
            if moved and moved in new.nodes and moved not in old.nodes:
                out[key] = moved
                break
    return out


def _groups_of(groups: list[FlowGroup]) -> dict[str, FlowGroup]:
    out: dict[str, FlowGroup] = {}
    for g in groups:
        out[g.key] = g
        out.update(_groups_of(g.groups))
    return out


def _member_group(groups: list[FlowGroup]) -> dict[str, str]:
    return {m: g.key for g in _groups_of(groups).values() for m in g.members}


def _struck(text: str) -> str:
    return "".join(ch + _STRIKE if not ch.isspace() else ch for ch in text)


def change_diagram(
    old: CrmMap | None,
    new: CrmMap,
    view: str,
    old_subject: str | None,
    subject: str | None,
    matching: Matching,
) -> tuple[str, dict[str, int]]:
    """The change diagram of a view (Mermaid text) and how many nodes of each mark it has."""
    spec, title = _flow(new, view, subject)
    before = _flow(old, view, old_subject)[0] if old is not None else FlowSpec(direction="LR")
    renamed = _renamed_keys(before, spec, matching)
    old_nodes = {renamed.get(k, k): n for k, n in before.nodes.items()}
    counts = {"added": 0, "changed": 0, "removed": 0, "renamed": 0}
    new_ids = set(renamed.values())
    for key, node in spec.nodes.items():
        was = old_nodes.get(key)
        mark = "added" if was is None else "changed" if was.lines != node.lines else None
        if mark is None and key in new_ids:
            counts["renamed"] += 1
            mark = "changed"  # the id changed: marked, though it reads the same
        elif mark:
            counts[mark] += 1
        if mark:
            node.css = f"diff{mark}"
    _put_back(spec, before, renamed, counts)
    _mark_edges(spec, before, renamed)
    spec.classes.update(MARKS)
    legend = FlowGroup(key="legend", label="Changes")
    for mark in ("added", "changed", "removed"):
        spec.add(FlowNode(f"legend:{mark}", [mark], "round", f"diff{mark}"))
        legend.members.append(f"legend:{mark}")
    spec.groups.append(legend)
    text = emit(spec, f"Changes: {title}", None)[0]
    return text, counts


def _put_back(
    spec: FlowSpec, before: FlowSpec, renamed: dict[str, str], counts: dict[str, int]
) -> None:
    """Add the removed nodes, struck through, in their old group where it still exists."""
    groups = _groups_of(spec.groups)
    old_group = _member_group(before.groups)
    for key, node in before.nodes.items():
        if renamed.get(key, key) in spec.nodes:
            continue
        lines = [_struck(node.lines[0]), *node.lines[1:]] if node.lines else ["removed"]
        spec.add(FlowNode(key, lines, node.shape, "diffremoved"))
        counts["removed"] += 1
        home = groups.get(old_group.get(key, ""))
        if home is not None:
            home.members.append(key)


def _mark_edges(spec: FlowSpec, before: FlowSpec, renamed: dict[str, str]) -> None:
    """Removed edges dotted and labelled `removed`; added edges labelled `added`."""

    def ends(e: FlowEdge) -> tuple[str, str, str | None]:
        return (renamed.get(e.source, e.source), renamed.get(e.target, e.target), e.label)

    old_edges = {ends(e) for e in before.edges}
    new_edges = {(e.source, e.target, e.label) for e in spec.edges}
    known = set(spec.nodes) | set(_groups_of(spec.groups))
    for e in spec.edges:
        if (e.source, e.target, e.label) not in old_edges and before.nodes:
            e.label = f"{e.label} · added" if e.label else "added"
    for e in before.edges:
        source, target, label = ends(e)
        if (source, target, label) in new_edges or source not in known or target not in known:
            continue
        spec.link(FlowEdge(source, target, f"{label} · removed" if label else "removed", "dotted"))
