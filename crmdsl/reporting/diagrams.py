"""The diagrams of `crmdsl report`: a map in; the views a stakeholder looks at out.

`report_diagrams` draws, through `crmdsl.views.render` (both states, the plan marked):
the overview, then each journey with its emotion curve, each process, and each goal
chart. A view Mermaid would refuse is given as a reason instead. `diagram_section` writes
them as Markdown: a heading each and a fenced `mermaid` block, which GitHub and GitLab
draw (`crmdsl.reporting.html` turns the same blocks into inline SVG).
"""

from __future__ import annotations

from crmdsl.model import CrmMap
from crmdsl.reporting.markdown import message
from crmdsl.views import Diagram, ViewError, render, subjects
from crmdsl.views.markup import markdown_heading

__all__ = ["diagram_section", "report_diagrams"]

_HEADINGS = {
    "overview": "Overview",
    "journey": "Journey: {}",
    "process": "Process: {}",
    "goals": "Goal: {}",
}


def _wanted(crm_map: CrmMap) -> list[tuple[str, str | None]]:
    wanted: list[tuple[str, str | None]] = [("overview", None)]
    scored = set(subjects(crm_map, "scores"))
    for journey in crm_map.journeys:
        wanted.append(("journey", journey.id))
        if journey.id in scored:
            wanted.append(("scores", journey.id))
    wanted += [("process", p.id) for p in crm_map.processes]
    wanted += [("goals", s) for s in subjects(crm_map, "goals")]
    return wanted


def report_diagrams(crm_map: CrmMap) -> list[Diagram | str]:
    """The report's diagrams in order; a string says why one could not be drawn."""
    out: list[Diagram | str] = []
    for view, subject in _wanted(crm_map):
        try:
            out.append(render(crm_map, view, subject))
        except ViewError as error:
            out.append(str(error))
    return out


def diagram_section(diagrams: list[Diagram | str]) -> list[str]:
    """`## Diagrams`: a heading and a fenced mermaid block per diagram."""
    out = ["## Diagrams", ""]
    for item in diagrams:
        if isinstance(item, str):
            out += [f"Not drawn: {message(item.splitlines()[0])}", ""]
            continue
        heading = _HEADINGS.get(item.view, "{}").format(item.title)
        out += [markdown_heading(3, heading), "", "```mermaid", item.text.rstrip("\n"), "```"]
        out.append("")
    return out
