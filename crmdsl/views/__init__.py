"""Views: diagrams made from a resolved map, and the Mermaid safety layer.

In: a resolved `CrmMap`, a view name and (for most views) the id of what to draw.
Out: a `Diagram` holding Mermaid text that renders in real Mermaid, shows every label as
the user wrote it and is the same bytes for the same map. `render` is the public entry
point; `VIEWS` lists the nine views, what their `id` names and each one's builder
(`ViewInfo.build`, which imports its view module on first use); `subjects` lists what
`--all` draws for a view; `everything` draws every view of a map. `state` (`as-is`, `to-be`, `both`, see
`crmdsl.views.state`) picks the state of the map a view draws.

Each view lives in its own module as a pure function from the map to a spec
(`crmdsl.views.common`); `common.emit` writes the spec through `mermaid_safe`, which
encodes every user string. mermaid-py is imported there, lazily, with its stdout
chatter swallowed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from crmdsl.model import CrmMap, Entity, EntityField, Journey, Process, System
from crmdsl.views.common import Diagram, Spec, ViewError, choices, emit, size_floor
from crmdsl.views.state import DrawnState

__all__ = ["VIEWS", "Diagram", "ViewError", "ViewInfo", "everything", "render", "subjects"]

IdKind = Literal["journey", "process", "system", "field", "goal", "none"]


#: A view's builder: the map, the object its id names (None for a map-wide view) and
#: the id as given in; the view's spec out. Each imports its view module when first used.
Builder = Callable[[CrmMap, object, "str | None"], Spec]


def _journey(crm_map: CrmMap, target: object, subject: str | None) -> Spec:
    from crmdsl.views.journey import journey_view

    assert isinstance(target, Journey)
    return journey_view(crm_map, target)


def _process(crm_map: CrmMap, target: object, subject: str | None) -> Spec:
    from crmdsl.views.process import process_view

    assert isinstance(target, Process)
    return process_view(crm_map, target)


def _integrations(crm_map: CrmMap, target: object, subject: str | None) -> Spec:
    from crmdsl.views.integrations import integrations_view

    return integrations_view(crm_map, subject)


def _entities(crm_map: CrmMap, target: object, subject: str | None) -> Spec:
    from crmdsl.views.entities import entities_view

    return entities_view(crm_map, subject)


def _lineage(crm_map: CrmMap, target: object, subject: str | None) -> Spec:
    from crmdsl.views.lineage import lineage_view

    return lineage_view(crm_map, str(subject))


def _blueprint(crm_map: CrmMap, target: object, subject: str | None) -> Spec:
    from crmdsl.views.blueprint import blueprint_view

    assert isinstance(target, Journey)
    return blueprint_view(crm_map, target)


def _goals(crm_map: CrmMap, target: object, subject: str | None) -> Spec:
    from crmdsl.views.goals import GoalChart, goals_view

    assert isinstance(target, GoalChart)
    return goals_view(crm_map, target)


def _scores(crm_map: CrmMap, target: object, subject: str | None) -> Spec:
    from crmdsl.views.scores import scores_view

    assert isinstance(target, Journey)
    return scores_view(crm_map, target)


def _overview(crm_map: CrmMap, target: object, subject: str | None) -> Spec:
    from crmdsl.views.overview import overview_view

    return overview_view(crm_map)


@dataclass(frozen=True)
class ViewInfo:
    """A view: its name, what its id names, whether the id is needed, a summary, its builder."""

    name: str
    id_kind: IdKind
    id_required: bool
    summary: str
    build: Builder = field(repr=False, compare=False)


VIEWS: dict[str, ViewInfo] = {
    info.name: info
    for info in (
        ViewInfo("journey", "journey", True, "a journey's stages and scored touchpoints", _journey),
        ViewInfo("process", "process", True, "a process in swimlanes per team", _process),
        ViewInfo(
            "integrations",
            "system",
            False,
            "systems and the integrations between them",
            _integrations,
        ),
        ViewInfo(
            "entities", "system", False, "entities and fields per system, mapped fields", _entities
        ),
        ViewInfo(
            "lineage", "field", True, "one field from the touchpoints to its record", _lineage
        ),
        ViewInfo("blueprint", "journey", True, "a journey as a service blueprint", _blueprint),
        ViewInfo("overview", "none", False, "the whole map at a glance", _overview),
        ViewInfo("goals", "goal", True, "a goal's metrics: baseline, actual, target", _goals),
        ViewInfo("scores", "journey", True, "a journey's emotion curve, as-is and to-be", _scores),
    )
}

_ID_WORDS = {
    "journey": "JOURNEY",
    "process": "PROCESS",
    "system": "SYSTEM",
    "field": "SYSTEM.Entity.field",
    "goal": "GOAL",
}


def _ids(crm_map: CrmMap, kind: IdKind) -> list[str]:
    if kind == "journey":
        return [j.id for j in crm_map.journeys]
    if kind == "process":
        return [p.id for p in crm_map.processes]
    if kind == "system":
        return [s.id for s in crm_map.systems]
    if kind == "field":
        from crmdsl.views.lineage import pii_fields

        return pii_fields(crm_map)
    if kind == "goal":
        from crmdsl.views.goals import goal_charts

        return [chart.subject for chart in goal_charts(crm_map)]
    return []


def _subject(crm_map: CrmMap, info: ViewInfo, subject: str | None) -> object:
    """The object an id names for a view (None for a map-wide view), or a `ViewError`."""
    if info.id_kind == "none":
        if subject is not None:
            raise ViewError(f"the {info.name} view draws the whole map; it takes no --id")
        return None
    if info.id_kind == "goal":
        from crmdsl.views.goals import goal_chart

        return goal_chart(crm_map, subject)
    known = _ids(crm_map, info.id_kind)
    word = _ID_WORDS[info.id_kind]
    if subject is None:
        if not info.id_required:
            return None
        if info.id_kind in ("journey", "process") and len(known) == 1:
            subject = known[0]
        else:
            offer = "pii fields: " if info.id_kind == "field" else ""
            raise ViewError(
                f"the {info.name} view needs --id {word} ({offer}{choices(known)})"
                + ("; --all draws every pii field" if info.id_kind == "field" else "")
            )
    expected = {
        "journey": Journey,
        "process": Process,
        "system": System,
        "field": EntityField,
    }[info.id_kind]
    found = crm_map.lookup(subject)
    if not isinstance(found, expected):
        what = "field" if info.id_kind == "field" else info.id_kind
        pool = known if info.id_kind != "field" else _all_fields(crm_map)
        from crmdsl.language.suggest import closest

        near = closest(subject, pool)
        hint = f"; did you mean `{near[0]}`?" if near else f" (one of: {choices(known)})"
        raise ViewError(f"no {what} `{subject}` in this map{hint}")
    return found


def _all_fields(crm_map: CrmMap) -> list[str]:
    return [f"{e.key}.{f.name}" for e in crm_map.entities for f in e.fields]


def _title(crm_map: CrmMap, view: str, target: object, subject: str | None) -> str:
    if isinstance(target, Journey) and view == "scores":
        return f"Emotion curve: {target.title}"
    title = getattr(target, "title", None) if view == "goals" else None
    if isinstance(title, str):
        return title
    if isinstance(target, Journey):
        return target.title if view == "journey" else f"Service blueprint: {target.title}"
    if isinstance(target, Process):
        return target.title
    if isinstance(target, System):
        return f"{'Integrations' if view == 'integrations' else 'Data model'} around {target.title}"
    if isinstance(target, EntityField) and subject:
        entity = crm_map.lookup(subject.rsplit(".", 1)[0])
        name = entity.title if isinstance(entity, Entity) else subject.rsplit(".", 2)[-2]
        return f"Lineage of {name}.{target.name}"
    if view == "overview":
        return crm_map.title or "Overview"
    return {"integrations": "Integrations", "entities": "Data model"}[view]


def _spec(crm_map: CrmMap, view: str, target: object, subject: str | None) -> Spec:
    """The spec of a view, before it is written as Mermaid (`crmdsl.diffing` compares them)."""
    return VIEWS[view].build(crm_map, target, subject)


def render(
    crm_map: CrmMap,
    view: str,
    id: str | None = None,  # noqa: A002 - the public name, as on the command line
    mermaid_version: str | None = None,
    state: str = "both",
) -> Diagram:
    """Draw one view of a map as Mermaid text.

    `id` names what to draw: a journey (journey, blueprint), a process (process), a
    system to narrow to (integrations, entities), a field `system.Entity.field`
    (lineage); a journey or process may be left out when the map has only one.
    `mermaid_version` (`"10.7"`) avoids syntax older Mermaid hosts lack. `state` is
    `as-is` (the map without what is planned), `to-be` (without what is retiring) or
    `both` (the map as written: planned elements dashed and tagged `planned`, retiring
    ones tagged `retiring`). Raises `ViewError` for an unknown view, id or state, or a
    diagram Mermaid would refuse.
    """
    from crmdsl.views.state import drawing

    drawn, crm_map = _in_state(crm_map, state)
    with drawing(drawn):
        return _render(crm_map, view, id, mermaid_version)


def _in_state(crm_map: CrmMap, state: str) -> tuple[DrawnState, CrmMap]:
    """The state checked, and the map of that state (the map as written for `both`)."""
    if state == "both":
        return "both", crm_map
    if state == "as-is":
        from crmdsl.query.lifecycle import select_state

        return "as-is", select_state(crm_map, "as-is")
    if state == "to-be":
        from crmdsl.query.lifecycle import select_state

        return "to-be", select_state(crm_map, "to-be")
    raise ViewError(f"no state `{state}`; the states are as-is, to-be, both")


def _render(
    crm_map: CrmMap,
    view: str,
    id: str | None,  # noqa: A002
    mermaid_version: str | None,
) -> Diagram:
    from crmdsl.views.mermaid_text import (
        MAX_EDGES,
        MAX_TEXT_SIZE,
        MermaidInputError,
        MermaidLimitError,
    )

    info = VIEWS.get(view)
    if info is None:
        raise ViewError(f"no view `{view}`; the views are {', '.join(VIEWS)}")
    target = _subject(crm_map, info, id)
    if isinstance(target, Journey | Process):
        id = target.id  # noqa: A001
    subject_of = getattr(target, "subject", None)
    if info.id_kind == "goal" and isinstance(subject_of, str):
        id = subject_of  # noqa: A001
    title = _title(crm_map, view, target, id)
    spec = _spec(crm_map, view, target, id)
    floor, edge_count = size_floor(spec)
    if edge_count > MAX_EDGES or floor > MAX_TEXT_SIZE:
        reason = (
            f"the diagram has {edge_count} edges; Mermaid draws at most {MAX_EDGES} by default "
            "(its maxEdges setting)"
            if edge_count > MAX_EDGES
            else f"the diagram would be more than {floor} characters long; Mermaid reads at "
            f"most {MAX_TEXT_SIZE} by default (its maxTextSize setting)"
        )
        raise ViewError(_too_big(crm_map, info, id, reason))
    try:
        text, nodes, edges = emit(spec, title, mermaid_version)
    except MermaidLimitError as error:
        raise ViewError(_too_big(crm_map, info, id, str(error))) from None
    except MermaidInputError as error:
        raise ViewError(f"the {view} view cannot be drawn: {error}") from None
    labels = tuple(dict.fromkeys([title, *spec.labels]))
    return Diagram(view, id, title, text, nodes, edges, labels)


def _too_big(crm_map: CrmMap, info: ViewInfo, subject: str | None, reason: str) -> str:
    what = f"the {info.name} view" + (f" of `{subject}`" if subject else "")
    message = f"{what} is too big for Mermaid: {reason}."
    if info.id_kind in ("system", "none") and subject is None:
        systems = _ids(crm_map, "system")
        if info.name == "overview":
            return (
                f"{message}\nDraw a part instead: `--view integrations --id SYSTEM`, "
                "`--view process --id PROCESS` or `--view journey --id JOURNEY`."
            )
        return f"{message}\nNarrow it to one system with --id SYSTEM ({choices(systems)})."
    return f"{message}\nSplit it into smaller parts in the map."


def subjects(crm_map: CrmMap, view: str) -> list[str | None]:
    """What `--all` draws for a view: every journey, process, pii field or goal chart.

    The scores view draws only the journeys with a scored touchpoint; the map-wide views
    the map (`[None]`).
    """
    info = VIEWS[view]
    if view == "scores":
        from crmdsl.views.scores import scored_journeys

        return list(scored_journeys(crm_map))
    if info.id_kind == "goal":
        return list(_ids(crm_map, "goal"))
    if info.id_kind in ("journey", "process", "field"):
        return list(_ids(crm_map, info.id_kind))
    return [None]


def everything(
    crm_map: CrmMap, mermaid_version: str | None = None, state: str = "both"
) -> tuple[list[Diagram], list[str]]:
    """Every view of every journey and process, and the map-wide views.

    Returns the diagrams and, for views Mermaid would refuse, the reasons (a big map's
    overview may be over Mermaid's limits while its journeys are fine).
    """
    from crmdsl.views.state import drawing

    diagrams: list[Diagram] = []
    refused: list[str] = []
    drawn, crm_map = _in_state(crm_map, state)
    with drawing(drawn):
        for view in VIEWS:
            for subject in subjects(crm_map, view):
                try:
                    diagrams.append(_render(crm_map, view, subject, mermaid_version))
                except ViewError as error:
                    refused.append(str(error))
    return diagrams, refused
