"""The side panes' side of the app: problems, outline and preview kept current.

In: each applied analysis and each cursor move. Out: the problems pane's jumps and safe
fixes applied, the outline following the cursor, the preview rendered in a worker (a
token drops results that are no longer wanted), drawings (or, where the terminal shows
images, the rendered diagram) made on demand, and diagrams
written to `.mmd`, `.md` or `.svg` beside the map. Also the pane-switching actions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import work
from textual.message import Message
from textual.timer import Timer
from textual.widgets import TabbedContent

import crmdsl
from crmdsl.tui.base import EditorBase
from crmdsl.tui.images import PngRenderer, image_widget, picture_of
from crmdsl.tui.live import Snapshot
from crmdsl.tui.navigation import api
from crmdsl.tui.screens.choice import ChoiceScreen
from crmdsl.tui.widgets.outline import OutlinePane, by_file
from crmdsl.tui.widgets.preview import AUTO, PreviewPane, choose_view, cursor_subject, draw
from crmdsl.tui.widgets.problems import ProblemsPane

__all__ = ["PanesMixin"]

#: Quiet time after the last analysis before the navigation index is built (seconds).
_INDEX_PAUSE = 1.0
_STALE = "the text has load errors: showing the last map that loaded"


class PanesMixin(EditorBase):
    """Problems, outline and preview for `EditorApp`."""

    class Previewed(Message):
        """A preview render finished (in a worker thread)."""

        def __init__(self, token: int, diagram: crmdsl.Diagram | None, note: str) -> None:
            super().__init__()
            self.token, self.diagram, self.note = token, diagram, note

    class Drawn(Message):
        """A terminal drawing finished (in a worker thread)."""

        def __init__(self, text_of: str, drawing: str) -> None:
            super().__init__()
            self.text_of, self.drawing = text_of, drawing

    class Imaged(Message):
        """A diagram was rendered to an image (in a worker thread)."""

        def __init__(self, text_of: str, picture: Any) -> None:
            super().__init__()
            self.text_of, self.picture = text_of, picture

    class Indexed(Message):
        """The navigation index and outline of an analysis are built (in a worker)."""

        def __init__(self, snapshot: Snapshot, outline: list[Any] | None) -> None:
            super().__init__()
            self.snapshot, self.outline = snapshot, outline

    def _init_panes(self) -> None:
        self.pngs = PngRenderer()
        self.nav_analysis: crmdsl.Analysis | None = None
        self.outline_items: list[Any] | None = None
        self._indexed_generation = -1
        self._index_timer: Timer | None = None
        self.preview_view = AUTO
        self.preview_pending = False
        self._preview_key: tuple[object, ...] | None = None
        self._preview_token = 0

    # -- outline ------------------------------------------------------------------------

    def index_snapshot(self, snapshot: Snapshot) -> None:
        """Build the navigation index and the outline of an analysis once typing pauses.

        On a large map the index costs as much as the analysis: built after every
        keystroke it would slow the next analysis down (both want the GIL).
        """
        if self._index_timer is not None:
            self._index_timer.stop()
        delay = _INDEX_PAUSE if self.nav_analysis is not None else 0.001
        self._index_timer = self.set_timer(delay, lambda: self._index(snapshot))

    @work(thread=True, group="index", description="index", exclusive=True, exit_on_error=False)
    def _index(self, snapshot: Snapshot) -> None:
        symbol_at, symbols = api("symbol_at"), api("document_symbols")
        outline = None
        try:
            if symbol_at is not None:
                symbol_at(snapshot.analysis, self.root_file, 1, 1)  # builds the map's index
            if symbols is not None and snapshot.loaded:
                outline = list(symbols(snapshot.analysis))
        except Exception:  # noqa: BLE001 - navigation is a help; the editor goes on without it
            outline = None
        self.post_message(self.Indexed(snapshot, outline))

    def on_panes_mixin_indexed(self, message: Indexed) -> None:
        """The index of a newer analysis is built: the status bar and outline use it."""
        if not self.screen_stack:  # the app is closing: a late worker's result
            return
        if message.snapshot.generation < self._indexed_generation:
            return
        self._indexed_generation = message.snapshot.generation
        self.nav_analysis = message.snapshot.analysis
        if message.outline is not None:
            self.outline_items = message.outline
        self.refresh_outline()
        self.update_status()

    def refresh_outline(self) -> None:
        """Show the outline of the last map that loaded (only while its tab is shown)."""
        if self.main.query_one("#side", TabbedContent).active != "outline":
            return
        pane = self.main.query_one(OutlinePane)
        if api("document_symbols") is None:
            pane.show([], "The outline needs a newer crmdsl (document symbols).")
            return
        if self.outline_items is None:
            pane.show([], "The map has load errors; the outline appears once it loads.")
            return
        stale = self.snapshot is not None and not self.snapshot.loaded
        pane.show(by_file(self.outline_items), _STALE if stale else "")
        self._follow_outline()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """The outline is drawn when its tab is shown."""
        if event.pane.id == "outline":
            self.refresh_outline()

    def _follow_outline(self) -> None:
        if self.main.query_one("#side", TabbedContent).active != "outline":
            return
        row, _ = self.source.cursor_location
        self.main.query_one(OutlinePane).follow(self.editor_file, row + 1)

    def follow_cursor(self) -> None:
        """The cursor moved: the outline and the preview follow it."""
        self._follow_outline()
        self.refresh_preview(force=False)

    def on_outline_pane_jump(self, message: OutlinePane.Jump) -> None:
        """An outline item was chosen."""
        self.goto(message.file, message.line, message.col)

    # -- preview ------------------------------------------------------------------------

    def refresh_preview(self, force: bool = True) -> None:
        """Render the view the cursor is in (or the chosen one) in a worker."""
        pane = self.main.query_one(PreviewPane)
        if self.good is None:
            pane.show(None, "The map has load errors; the preview appears once it loads.")
            return
        crm_map = self.good.analysis.map
        row, _ = self.source.cursor_location
        at = cursor_subject(crm_map, self.editor_file, row + 1)
        view, subject = choose_view(crm_map, self.preview_view, at)
        stale = self.snapshot is not None and not self.snapshot.loaded
        key = (view, subject, stale, id(self.good))
        if key == self._preview_key and not force:
            return
        self._preview_key = key
        self._preview_token += 1
        self.preview_pending = True
        self._render_preview(self._preview_token, crm_map, view, subject, _STALE if stale else "")

    @work(thread=True, group="preview", description="preview", exit_on_error=False)
    def _render_preview(
        self, token: int, crm_map: crmdsl.CrmMap, view: str, subject: str | None, note: str
    ) -> None:
        try:
            diagram: crmdsl.Diagram | None = crmdsl.render(crm_map, view, subject)
        except crmdsl.CrmdslError as exc:
            diagram, note = None, f"{view}: {exc}"
        except Exception as exc:  # noqa: BLE001 - shown in the pane, the editor goes on
            diagram, note = None, f"{view} could not be drawn: {type(exc).__name__}: {exc}"
        self.post_message(self.Previewed(token, diagram, note))

    def on_panes_mixin_previewed(self, message: Previewed) -> None:
        """Show a finished preview, unless a newer one was asked for."""
        if not self.screen_stack:  # the app is closing: a late worker's result
            return
        if message.token != self._preview_token:
            return
        self.preview_pending = False
        pane = self.main.query_one(PreviewPane)
        pane.show(message.diagram, message.note)
        if pane.showing_drawing:
            self._start_drawing()
        self.check_settled()

    def _start_drawing(self) -> None:
        pane = self.main.query_one(PreviewPane)
        if pane.diagram is not None and pane.drawing_for != pane.diagram.text:
            self._draw(pane.diagram, self.settings.tui.preview_max_nodes)

    @work(thread=True, group="drawing", description="drawing", exclusive=True, exit_on_error=False)
    def _draw(self, diagram: crmdsl.Diagram, max_nodes: int) -> None:
        if self.graphics is not None:
            try:
                picture = picture_of(self.pngs.png(diagram.text))  # decoded here, not in the loop
            except crmdsl.CrmdslError as exc:
                note = f"No image ({exc}); a terminal drawing instead.\n\n"
                self.post_message(self.Drawn(diagram.text, note + draw(diagram, max_nodes)))
            else:
                self.post_message(self.Imaged(diagram.text, picture))
            return
        self.post_message(self.Drawn(diagram.text, draw(diagram, max_nodes)))

    def on_panes_mixin_imaged(self, message: Imaged) -> None:
        """Show a rendered image."""
        if not self.screen_stack:  # the app is closing: a late worker's result
            return
        protocol = self.graphics
        assert protocol is not None
        self.main.query_one(PreviewPane).show_image(
            message.text_of,
            message.picture,
            lambda picture: image_widget(picture, protocol, "preview-image"),
        )

    def on_panes_mixin_drawn(self, message: Drawn) -> None:
        """Show a finished drawing."""
        if not self.screen_stack:  # the app is closing: a late worker's result
            return
        self.main.query_one(PreviewPane).show_drawing(message.text_of, message.drawing)

    def on_preview_pane_view_chosen(self, message: PreviewPane.ViewChosen) -> None:
        """The user picked a view (or `auto`)."""
        self.preview_view = message.view
        self.refresh_preview(force=True)

    def action_toggle_drawing(self) -> None:
        """Switch the preview between text and drawing."""
        self.main.query_one(PreviewPane).action_toggle_drawing()

    def on_preview_pane_drawing_shown(self, message: PreviewPane.DrawingShown) -> None:
        """The drawing is shown (by `d` in the pane or the palette): draw it if needed."""
        self._start_drawing()

    def on_preview_pane_export(self, message: PreviewPane.Export) -> None:
        """Ask which kind of file to write."""
        if self.main.query_one(PreviewPane).diagram is None:
            self.notify("There is no diagram to write.", severity="warning")
            return
        answers = [
            ("mmd", ".mmd (Mermaid)"),
            ("md", ".md (Markdown)"),
            ("svg", ".svg"),
            ("cancel", "Cancel"),
        ]
        self.push_screen(
            ChoiceScreen("Write the diagram as", answers, id="export-dialog"), self.export
        )

    def export(self, kind: str | None) -> None:
        """Write the previewed diagram beside the map as `.mmd`, `.md` or `.svg`."""
        diagram = self.main.query_one(PreviewPane).diagram
        if diagram is None or kind not in ("mmd", "md", "svg"):
            return
        target = Path(self.root_file).with_name(
            f"{Path(self.root_file).stem}-{diagram.name}.{kind}"
        )
        if kind == "svg":
            self._write_svg(diagram, target)
            return
        body = (
            diagram.text
            if kind == "mmd"
            else f"{crmdsl.markdown_heading(1, diagram.title)}\n\n```mermaid\n{diagram.text}```\n"
        )
        self._write_text(target, body)

    def _write_text(self, target: Path, body: str) -> None:
        try:
            target.write_text(body if body.endswith("\n") else body + "\n", encoding="utf-8")
        except OSError as exc:
            self.notify(f"cannot write {target}: {exc.strerror or exc}", severity="error")
            return
        self.notify(f"Wrote {target}.")

    @work(thread=True, group="export", description="export", exit_on_error=False)
    def _write_svg(self, diagram: crmdsl.Diagram, target: Path) -> None:
        try:
            result = crmdsl.render_svgs([diagram.text])[0]
        except crmdsl.CrmdslError as exc:
            self.call_from_thread(self.notify, f"No SVG: {exc}", severity="error", timeout=15)
            return
        if result.svg is None:
            self.call_from_thread(
                self.notify, f"Mermaid refused it: {result.error}", severity="error"
            )
            return
        self.call_from_thread(self._write_text, target, result.svg)

    # -- problems -----------------------------------------------------------------------

    def on_problems_pane_jump(self, message: ProblemsPane.Jump) -> None:
        """A problem was chosen: go to it."""
        span = message.problem.span
        if span is not None:
            self.goto(span.file, span.line, span.col)

    def on_problems_pane_fix(self, message: ProblemsPane.Fix) -> None:
        """Apply the safe fix of the chosen problem, as one undo step."""
        problem = message.problem
        if self.analysis is None or not message.problem.code:
            self.notify("Load errors have no automatic fix.", severity="warning")
            return
        patch = crmdsl.fixes_for(problem, self.analysis)
        if not patch:
            self.notify(f"{problem.code} has no safe fix here.", severity="warning")
            return
        self.apply_checked(patch, f"Fixed {problem.code}: {patch.description}")

    def action_fix_all(self) -> None:
        """Apply every safe fix of the current findings, as one undo step."""
        if self.analysis is None or self.snapshot is None or not self.snapshot.loaded:
            self.notify("Fix the load errors first.", severity="warning")
            return
        patch, _fixed = crmdsl.fix_all(self.snapshot.problems, self.analysis)
        if not patch:
            self.notify("No finding has a safe fix.")
            return
        self.apply_checked(patch, f"Applied the safe fixes: {patch.description}")

    def apply_checked(self, patch: crmdsl.Patch, done: str) -> None:
        """Apply a patch; say what was done, or why it could not be."""
        try:
            self.apply_patch(patch)
        except crmdsl.CrmdslError as exc:
            self.notify(f"Not applied: {exc}", severity="error")
            return
        self.notify(done)

    def action_next_problem(self) -> None:
        """Move the cursor to the next problem in this file (wrapping around)."""
        if self.snapshot is None:
            return
        row, col = self.source.cursor_location
        here = [
            p.span for p in self.snapshot.problems if p.span and p.span.file == self.editor_file
        ]
        spans = sorted((s.line, s.col) for s in here)
        after = [s for s in spans if s > (row + 1, col + 1)]
        if spans:
            self.source.goto(*(after or spans)[0])

    def action_export(self, kind: str) -> None:
        """Write the previewed diagram as `.mmd`, `.md` or `.svg` (from the palette)."""
        self.export(kind)

    def action_copy_mermaid(self) -> None:
        """Copy the previewed diagram's Mermaid text."""
        self.main.query_one(PreviewPane).action_copy()

    # -- format and check ---------------------------------------------------------------

    def action_check(self) -> None:
        """Analyse again now and show the problems."""
        self.schedule_analysis()
        self.action_show_tab("problems")

    def action_format(self) -> None:
        """Format the open file in a worker; apply it as one undo step."""
        self._format(self.source.text, self.editor_file)

    @work(thread=True, group="format", description="format", exclusive=True, exit_on_error=False)
    def _format(self, text: str, file: str) -> None:
        try:
            formatted = crmdsl.format_text(text, file)
        except crmdsl.CrmdslError as exc:
            self.call_from_thread(self.notify, f"Not formatted: {exc}", severity="error", timeout=8)
            return
        self.call_from_thread(self._formatted, text, formatted)

    def _formatted(self, before: str, after: str) -> None:
        if self.source.text != before:
            self.notify("The text changed while formatting; format again.", severity="warning")
        elif self.source.apply_text(after):
            self.notify("Formatted (ctrl+z undoes it).")
        else:
            self.notify("Already formatted.")

    # -- panes --------------------------------------------------------------------------

    def action_show_tab(self, tab: str) -> None:
        """Show a tab of the side pane and focus it."""
        side = self.main.query_one("#side", TabbedContent)
        side.display = True
        side.active = tab
        pane = side.get_pane(tab)
        focusable = pane.query("DataTable, Tree, Select, Input")
        if focusable:
            focusable.first().focus()

    def start_interview(self) -> None:
        """Open the Assistant tab on the guided interview for this new map."""
        pane = self.main.query_one("#assistant-pane")
        if not hasattr(pane, "start_interview"):
            self.notify("The interview needs the assistant, not available here.")
            return
        self.action_show_tab("assistant")
        pane.start_interview()

    def action_toggle_side(self) -> None:
        """Hide or show the side pane."""
        side = self.main.query_one("#side", TabbedContent)
        side.display = not side.display

    def action_focus_source(self) -> None:
        """Put the focus back in the source."""
        self.source.focus()
