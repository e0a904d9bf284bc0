"""The preview pane: the Mermaid of the view under the cursor, as text or as a drawing.

In: a rendered `crmdsl.Diagram` (or the reason there is none) from the app, which picks
the view with `choose_view`; a drawing made in a worker: the real diagram as an image in
a terminal that shows images (`crmdsl.tui.images`), else a terminal drawing of a
flowchart (`termaid`).
Out: `PreviewPane.ViewChosen` when the user picks a view in the selector,
`PreviewPane.DrawingShown` when the drawing is switched on, and `PreviewPane.Export`
when the user asks to write the diagram to a file. `d` switches
between the Mermaid text and the drawing, `c` copies the text, `w` writes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import ScrollableContainer, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Select, Static, TextArea

import crmdsl
from crmdsl.tui.keymap import PREVIEW_KEYS, bindings

__all__ = [
    "AUTO",
    "DRAWING_MAX_NODES",
    "VIEW_SUBJECT",
    "PreviewPane",
    "choose_view",
    "cursor_subject",
    "draw",
]

#: The selector's value that follows the cursor.
AUTO = "auto"
#: Flowcharts with more nodes than this are not drawn in the terminal (termaid is slow).
DRAWING_MAX_NODES = 60
#: What each view's id names (None: the view draws the whole map).
VIEW_SUBJECT: dict[str, str | None] = {
    "journey": "journey",
    "blueprint": "journey",
    "process": "process",
    "integrations": "system",
    "entities": "system",
    "lineage": "field",
    "overview": None,
    "goals": "goal",
    "scores": "journey",
}


def _inside(node: object, file: str, line: int) -> bool:
    span = getattr(node, "span", None)
    return span is not None and span.file == file and span.line <= line <= span.end_line


def cursor_subject(crm_map: crmdsl.CrmMap, file: str, line: int) -> tuple[str, str | None]:
    """The view and id of the thing the cursor is in (the overview when nothing fits)."""
    for journey in crm_map.journeys:
        if _inside(journey, file, line):
            return "journey", journey.id
    for process in crm_map.processes:
        if _inside(process, file, line):
            return "process", process.id
    for integration in crm_map.integrations:
        if _inside(integration, file, line):
            return "integrations", integration.source.target
    for entity in crm_map.entities:
        if _inside(entity, file, line):
            for field in entity.fields:
                if field.pii and _inside(field, file, line):
                    return "lineage", f"{entity.key}.{field.name}"
            return "entities", entity.system.target
    for system in crm_map.systems:
        if _inside(system, file, line):
            return "integrations", system.id
    for goal in crm_map.goals:
        if _inside(goal, file, line):
            charts = [
                s
                for s in crmdsl.view_subjects(crm_map, "goals")
                if (s or "").split(".")[0] == goal.id
            ]
            return ("goals", charts[0]) if charts else ("overview", None)
    return "overview", None


def choose_view(
    crm_map: crmdsl.CrmMap, chosen: str, at_cursor: tuple[str, str | None]
) -> tuple[str, str | None]:
    """The view and id to draw: the cursor's, or the chosen view of the cursor's subject.

    A chosen view whose subject the cursor is not in draws its first subject.
    """
    if chosen == AUTO:
        return at_cursor
    wanted = VIEW_SUBJECT[chosen]
    if wanted is None or VIEW_SUBJECT.get(at_cursor[0]) == wanted:
        return chosen, at_cursor[1] if wanted is not None else None
    if wanted == "system":
        return chosen, None
    subjects = crmdsl.view_subjects(crm_map, chosen)
    return chosen, subjects[0] if subjects else None


_ENTITY = re.compile(r"#(\d+);")


def draw(diagram: crmdsl.Diagram, max_nodes: int = DRAWING_MAX_NODES) -> str:
    """A terminal drawing of a flowchart diagram, or a sentence saying why there is none."""
    body = diagram.text.split("\n---\n", 1)[-1] if diagram.text.startswith("---") else diagram.text
    if not body.lstrip().startswith("flowchart"):
        return f"The {diagram.view} view is not a flowchart: only its Mermaid text is shown."
    if diagram.nodes > max_nodes:
        return (
            f"{diagram.nodes} nodes is more than the {max_nodes} drawn in a terminal; "
            "write it to .svg (w) or copy the Mermaid text (c)."
        )
    import termaid

    plain = _ENTITY.sub(lambda m: chr(int(m.group(1))), body)
    plain = plain.replace("#quot;", '"').replace("<br>", " / ")
    try:
        return termaid.render(plain, max_label_width=28)
    except Exception as exc:  # noqa: BLE001 - a drawing library failing is not our crash
        return f"The terminal drawing failed ({type(exc).__name__}); the Mermaid text is exact."


class PreviewPane(Vertical):
    """The view selector, a title line, and the diagram as Mermaid text or a drawing."""

    BINDINGS = bindings(PREVIEW_KEYS)

    class ViewChosen(Message):
        """The user picked a view (or `auto`) in the selector."""

        def __init__(self, view: str) -> None:
            super().__init__()
            self.view = view

    class Export(Message):
        """The user asked to write the diagram to a file."""

    class DrawingShown(Message):
        """The drawing replaced the Mermaid text: it must be drawn if it is not yet."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.diagram: crmdsl.Diagram | None = None
        self.drawing_for: str | None = None

    def compose(self) -> ComposeResult:
        """The pane's widgets."""
        options = [("Follow the cursor", AUTO)] + [(name, name) for name in VIEW_SUBJECT]
        yield Select(options, value=AUTO, allow_blank=False, id="preview-view")
        yield Static("", id="preview-title")
        with ContentSwitcher(initial="preview-text", id="preview-switcher"):
            yield TextArea("", read_only=True, soft_wrap=False, id="preview-text")
            with ScrollableContainer(id="preview-drawing-box"):
                yield Static("", id="preview-drawing")

    @property
    def showing_drawing(self) -> bool:
        """True when the drawing (not the text) is shown."""
        return self.query_one(ContentSwitcher).current == "preview-drawing-box"

    def show(self, diagram: crmdsl.Diagram | None, note: str = "") -> bool:
        """Show a diagram (or only `note` when there is none); True when the text changed."""
        title = self.query_one("#preview-title", Static)
        if diagram is None:
            self.diagram = None
            title.update(Text(note or "Nothing to draw."))
            self.query_one("#preview-text", TextArea).load_text("")
            return True
        changed = self.diagram is None or diagram.text != self.diagram.text
        self.diagram = diagram
        suffix = f" · {note}" if note else ""
        title.update(Text(f"{diagram.view}: {diagram.title} ({diagram.nodes} nodes){suffix}"))
        if changed:
            self.query_one("#preview-text", TextArea).load_text(diagram.text)
        return changed

    def show_drawing(self, text_of: str, drawing: str) -> None:
        """Show a finished drawing, if it is still of the diagram shown."""
        if self.diagram is not None and self.diagram.text == text_of:
            self.drawing_for = text_of
            for image in self.query("#preview-image"):
                image.display = False
            self.query_one("#preview-drawing", Static).update(Text(drawing, no_wrap=True))

    def show_image(self, text_of: str, picture: Any, make: Callable[[Any], Widget]) -> None:
        """Show a rendered image of the diagram, if it is still of the diagram shown.

        `make(picture)` builds the image widget the first time; later images replace
        its picture.
        """
        if self.diagram is None or self.diagram.text != text_of:
            return
        self.drawing_for = text_of
        self.query_one("#preview-drawing", Static).update(
            Text(f"Rendered by Mermaid: {self.diagram.title}", no_wrap=True)
        )
        shown = self.query("#preview-image")
        if shown:
            shown.first().display = True
            setattr(shown.first(), "image", picture)  # noqa: B010 - textual-image's setter
        else:
            self.query_one("#preview-drawing-box", ScrollableContainer).mount(make(picture))

    def on_select_changed(self, event: Select.Changed) -> None:
        """A view was picked."""
        event.stop()
        self.post_message(self.ViewChosen(str(event.value)))

    def action_toggle_drawing(self) -> None:
        """Switch between the Mermaid text and the drawing."""
        switcher = self.query_one(ContentSwitcher)
        showing = self.showing_drawing
        switcher.current = "preview-text" if showing else "preview-drawing-box"
        if not showing:
            self.post_message(self.DrawingShown())

    def action_copy(self) -> None:
        """Copy the Mermaid text to the clipboard (OSC 52)."""
        if self.diagram is not None:
            self.app.copy_to_clipboard(self.diagram.text)
            self.notify(f"Copied the Mermaid of {self.diagram.name}.", markup=False)

    def action_export(self) -> None:
        """Ask the app to write the diagram."""
        self.post_message(self.Export())
