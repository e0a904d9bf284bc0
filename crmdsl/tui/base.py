"""The state every part of the editor shares, declared once for the app and its mixins.

`EditorBase` is the `App` the pane mixins (`panes.py`, `navigation.py`) are written
against: the open file, the latest analysis and the last one that loaded, the settings,
and the few methods they call on the app. `EditorApp` (app.py) implements them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App
from textual.notifications import SeverityLevel
from textual.screen import Screen

import crmdsl
from crmdsl.tui.config import Settings
from crmdsl.tui.files import Buffer
from crmdsl.tui.images import GraphicsProtocol
from crmdsl.tui.live import Snapshot
from crmdsl.tui.widgets.source import SourceView

__all__ = ["EditorBase", "same_file"]


def same_file(a: str, b: str) -> bool:
    """True when two names (relative or absolute) name the same file."""
    if a == b:
        return True
    return Path(a).resolve() == Path(b).resolve()


class EditorBase(App[int]):
    """What the editor's mixins may use; `EditorApp` fills it in."""

    editor_file: str
    root_file: str
    settings: Settings
    #: the image protocol of the terminal, when the preview shows rendered diagrams
    graphics: GraphicsProtocol | None
    analysis: crmdsl.Analysis | None
    snapshot: Snapshot | None
    good: Snapshot | None
    modified: bool
    missing: bool
    watching: bool
    buffer: Buffer
    _generation: int
    _recovered_at: int

    @property
    def editor_path(self) -> Path:
        """The file being edited."""
        return Path(self.editor_file)

    @property
    def main(self) -> Screen[Any]:
        """The editor's own screen (queries work while a dialog is open above it)."""
        return self.screen_stack[0]

    @property
    def source(self) -> SourceView:
        """The source pane."""
        return self.main.query_one("#source", SourceView)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A toast; its text is shown as written (a map's words are never markup)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def apply_patch(self, patch: crmdsl.Patch) -> None:
        """Apply a patch as one undo step."""
        raise NotImplementedError

    def open_file(self, file: str, at: tuple[int, int] | None = None) -> None:
        """Show another file of the map."""
        raise NotImplementedError

    def update_status(self) -> None:
        """Redraw the status bar."""
        raise NotImplementedError

    def schedule_analysis(self) -> None:
        """Analyse the map again soon."""
        raise NotImplementedError

    def forget_other_files(self) -> None:
        """Another file is open: undo no longer reaches the other files a patch wrote."""
        raise NotImplementedError

    def start_interview(self) -> None:
        """Ask the guided interview for a new map in the Assistant pane."""
        raise NotImplementedError

    def check_settled(self) -> None:
        """Signal waiters when the analysis and the preview are current."""
        raise NotImplementedError

    def goto(self, file: str, line: int, col: int) -> None:
        """Move the cursor to a 1-based place, opening an included file when needed."""
        if same_file(file, self.editor_file):
            self.source.goto(line, col)
            self.source.focus()
            return
        self.open_file(file, (line, col))
