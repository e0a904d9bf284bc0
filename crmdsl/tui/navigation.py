"""Navigation on the name under the cursor, through crmdsl's navigation API.

In: the cursor's place and the latest analysis. Out: go to definition (F12, ctrl+click),
the list of references (enter jumps), rename everywhere through `crmdsl.edit.rename`
(one undo step; other files of the map are written and undone with it), and the words
the status bar shows about the name (what it is, its label, its owner). The symbols come
from `crmdsl.symbol_at`, `definition_of`, `references_to`: nothing is worked out here.
"""

from __future__ import annotations

import re
from typing import Any

import crmdsl
from crmdsl.tui.base import EditorBase
from crmdsl.tui.screens.prompt import PromptScreen
from crmdsl.tui.screens.references import ReferencesScreen
from crmdsl.tui.widgets.source import SourceView

__all__ = ["NavigationMixin", "api"]

_OWNER = re.compile(r"^- owner: `([^`]+)`", re.MULTILINE)


def api(name: str) -> Any:
    """A navigation function of crmdsl, or None when this crmdsl has none."""
    try:
        return getattr(crmdsl, name)
    except (AttributeError, ImportError):
        return None


class NavigationMixin(EditorBase):
    """Definition, references, rename and the status bar's words for `EditorApp`."""

    def _init_navigation(self) -> None:
        # hash of the open text after a patch -> (patches undoing / redoing other files)
        self._other_undo: dict[int, list[crmdsl.Patch]] = {}
        self._other_redo: dict[int, list[crmdsl.Patch]] = {}

    def _place(self) -> tuple[str, int, int]:
        row, col = self.source.cursor_location
        return self.editor_file, row + 1, col + 1

    def _occurrence(self, analysis: crmdsl.Analysis | None = None) -> Any:
        symbol_at = api("symbol_at")
        analysis = analysis or self.analysis
        if symbol_at is None or analysis is None:
            return None
        try:
            return symbol_at(analysis, *self._place())
        except crmdsl.CrmdslError:
            return None

    def symbol_words(self) -> str:
        """What the name under the cursor is: kind, id, label and owner (from its hover)."""
        analysis = getattr(self, "nav_analysis", None)  # its index is built: this is cheap
        occurrence = self._occurrence(analysis) if analysis is not None else None
        if occurrence is None:
            return ""
        symbol = occurrence.symbol
        words = f"{symbol.kind} {symbol.id}"
        if symbol.label and symbol.label != symbol.id:
            words += f' "{symbol.label}"'
        hover_text = api("hover_text")
        hover = hover_text(analysis, *self._place()) if hover_text else None
        owner = _OWNER.search(hover or "")
        if owner is not None:
            words += f" · owner {owner.group(1)}"
        return words

    def _needs(self, name: str) -> Any:
        function = api(name)
        if function is None:
            self.notify(f"This crmdsl has no {name} yet.", severity="warning")
        elif self.analysis is None:
            self.notify("The map is still being read.", severity="warning")
            return None
        return function

    # -- definition and references ------------------------------------------------------

    def action_definition(self) -> None:
        """Go to the definition of the name under the cursor (F12)."""
        definition_of = self._needs("definition_of")
        if definition_of is None:
            return
        symbol = definition_of(self.analysis, *self._place())
        if symbol is None or symbol.span is None:
            self.notify("No definition here: put the cursor on an id or a reference.")
            return
        self.goto(symbol.span.file, symbol.span.line, symbol.span.col)

    def on_source_view_definition_requested(self, message: SourceView.DefinitionRequested) -> None:
        """Ctrl+click."""
        self.action_definition()

    def action_references(self) -> None:
        """List every reference to the name under the cursor (shift+F12)."""
        references_to = self._needs("references_to")
        if references_to is None or self.analysis is None:
            return
        spans = references_to(self.analysis, *self._place(), include_definition=True)
        occurrence = self._occurrence()
        if not spans or occurrence is None:
            self.notify("No references here: put the cursor on an id or a reference.")
            return
        title = f"{len(spans)} places name {occurrence.symbol.kind} `{occurrence.symbol.id}`"

        def jump(span: crmdsl.Span | None) -> None:
            if span is not None:
                self.goto(span.file, span.line, span.col)

        screen = ReferencesScreen(title, spans, self.analysis.lines_of())
        self.push_screen(screen, jump)

    # -- rename -------------------------------------------------------------------------

    def action_rename(self) -> None:
        """Rename the declaration under the cursor everywhere (F2), as one undo step."""
        occurrence = self._occurrence() if self._needs("symbol_at") else None
        if occurrence is None:
            self.notify("Put the cursor on an id or a reference to rename it.")
            return
        key = occurrence.symbol.id
        short = key.rsplit(".", 1)[-1]

        def rename(new_id: str | None) -> None:
            if new_id and new_id != short:
                self.rename(key, new_id)

        question = f"Rename {occurrence.symbol.kind} `{key}` everywhere to:"
        self.push_screen(PromptScreen(question, short, id="rename-dialog"), rename)

    def rename(self, key: str, new_id: str) -> None:
        """Rename `key` to `new_id` in every file of the map (one undo step)."""
        if self.analysis is None or self.snapshot is None or not self.snapshot.loaded:
            self.notify(
                "Rename needs a map that loads: fix the load errors first.", severity="warning"
            )
            return
        try:
            patch = crmdsl.edit.rename(self.analysis, key, new_id)
            self.apply_patch(patch)
        except crmdsl.CrmdslError as exc:
            self.notify(f"Not renamed: {exc}", severity="error", timeout=8)
            return
        self.notify(f"{patch.description} ({len(patch.replacements)} places).")

    # -- undo across files --------------------------------------------------------------

    def remember_other_files(self, undo: list[crmdsl.Patch]) -> None:
        """After a patch that also wrote other files: undoing it here undoes them too."""
        self._other_undo[hash(self.source.text)] = undo

    def forget_other_files(self) -> None:
        """Another file is open: undo no longer reaches the other files."""
        self._other_undo.clear()
        self._other_redo.clear()

    def on_source_view_undone(self, message: SourceView.Undone) -> None:
        """An undo or redo in the source: replay it on the other files a patch wrote."""
        table, other = (
            (self._other_redo, self._other_undo)
            if message.redo
            else (self._other_undo, self._other_redo)
        )
        patches = table.pop(hash(message.before), None)
        if not patches:
            return
        try:
            for patch in patches:
                crmdsl.edit.write_patch(patch)
        except crmdsl.CrmdslError as exc:
            self.notify(f"The other files were not changed back: {exc}", severity="error")
            return
        other[hash(message.after)] = [p.inverse() for p in patches]
        self.schedule_analysis()
