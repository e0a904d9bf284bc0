"""The list of references to a name: places in, the chosen place (or None) out."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

import crmdsl

__all__ = ["ReferencesScreen"]


class ReferencesScreen(ModalScreen[crmdsl.Span | None]):
    """Every place a name is used, one a line (`file:line:col  the line`); enter jumps."""

    BINDINGS = [Binding("escape", "cancel", "Close", show=False)]

    def __init__(
        self, title: str, spans: Sequence[crmdsl.Span], lines: dict[str, list[str]]
    ) -> None:
        super().__init__(id="references-dialog")
        self.title_text = title
        self.spans = list(spans)
        self.lines = lines

    def compose(self) -> ComposeResult:
        """The pane's widgets."""
        with Vertical(classes="dialog references"):
            yield Static(Text(self.title_text), classes="dialog-question")
            options = [
                Option(Text(self._words(span)), id=str(n)) for n, span in enumerate(self.spans)
            ]
            yield OptionList(*options, id="references-list")

    def _words(self, span: crmdsl.Span) -> str:
        text = self.lines.get(span.file, [])
        line = text[span.line - 1].strip() if 0 < span.line <= len(text) else ""
        return f"{span.file}:{span.line}:{span.col}  {line}"

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a reference: close and jump there."""
        event.stop()
        self.dismiss(self.spans[int(event.option.id or 0)])

    def action_cancel(self) -> None:
        """Escape: close without jumping."""
        self.dismiss(None)
