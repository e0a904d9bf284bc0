"""Which state a view draws (as-is, to-be or both), and how `both` marks the plan.

In: the state asked of `crmdsl.views.render`, and the map elements a view draws. Out:
for `both` (the map as written), the tag of a `planned` or `retiring` element and the
styling that goes with it; for `as-is` and `to-be` (a map `select_state` has already
cut to that state) no tag at all, so the diagram shows that state plainly.

- `drawing(state)`: a context manager that sets the state for the views drawn inside it.
- `tag(crm_map, node)`: `planned`, `retiring` or None (current, or a single state).
- `mark_node(spec, crm_map, node, flow_node)`: adds the tag as a last label line and a
  class: planned boxes are dashed, retiring ones greyed.
- `mark_edge(crm_map, node, label, style)`: the edge's label with the tag, and its style
  (a planned edge is dotted).
- `tagged(text, crm_map, node)`: `text · planned`, for every label of an element of
  the plan (a journey task or section can only be tagged).
- `state_class(classes, crm_map, node)`: the class name of a subgraph or an entity of
  the plan (dashed when planned, greyed when retiring), its definition added.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Literal

from crmdsl.model import CrmMap
from crmdsl.views.common import EdgeStyle, FlowNode, FlowSpec

__all__ = [
    "STATES",
    "STATE_CLASSES",
    "DrawnState",
    "current_state",
    "drawing",
    "mark_edge",
    "mark_node",
    "state_class",
    "tag",
    "tagged",
]

DrawnState = Literal["as-is", "to-be", "both"]
#: The states a view can draw; `both` is the map as written, with the plan marked.
STATES: tuple[DrawnState, ...] = ("as-is", "to-be", "both")

#: The class of a planned or retiring node (`fill:...` as `FlowSpec.classes` takes it).
STATE_CLASSES = {
    "planned": "stroke-dasharray:5 5",
    "retiring": "color:#718096,stroke:#a0aec0",
}

_STATE: ContextVar[DrawnState] = ContextVar("crmdsl_view_state", default="both")


@contextlib.contextmanager
def drawing(state: DrawnState) -> Iterator[None]:
    """Draw the views inside the block in `state`."""
    token = _STATE.set(state)
    try:
        yield
    finally:
        _STATE.reset(token)


def current_state() -> DrawnState:
    """The state the views are drawing now."""
    return _STATE.get()


def tag(crm_map: CrmMap, node: object) -> Literal["planned", "retiring"] | None:
    """`planned` or `retiring` for an element of the plan when drawing both states."""
    if _STATE.get() != "both" or getattr(node, "lifecycle", None) is None:
        return None
    from crmdsl.query.lifecycle import effective_lifecycle

    found = effective_lifecycle(crm_map, node)
    return None if found == "current" else found


def tagged(text: str, crm_map: CrmMap, node: object) -> str:
    """The text with ` · planned` or ` · retiring` after it when the element has a tag."""
    found = tag(crm_map, node)
    return f"{text} · {found}" if found else text


def state_class(classes: dict[str, str], crm_map: CrmMap, node: object) -> str | None:
    """The class of an element of the plan (its definition added to `classes`), or None."""
    found = tag(crm_map, node)
    if found is not None:
        classes.setdefault(found, STATE_CLASSES[found])
    return found


def mark_node(spec: FlowSpec, crm_map: CrmMap, node: object, flow_node: FlowNode) -> FlowNode:
    """Tag a flowchart node of an element of the plan (a last line and a class)."""
    found = tag(crm_map, node)
    if found is None:
        return flow_node
    flow_node.lines.append(found)
    spec.classes.setdefault(found, STATE_CLASSES[found])
    flow_node.css = f"{flow_node.css} {found}" if flow_node.css else found
    return flow_node


def mark_edge(
    crm_map: CrmMap, node: object, label: str | None, style: EdgeStyle
) -> tuple[str | None, EdgeStyle]:
    """An edge's label and style for an element of the plan: tagged, planned ones dotted."""
    found = tag(crm_map, node)
    if found is None:
        return label, style
    words = " · ".join(w for w in (label, found) if w)
    return words, "dotted" if found == "planned" else style
