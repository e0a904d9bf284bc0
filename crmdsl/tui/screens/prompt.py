"""A modal one-line prompt: a question and a starting value in, the text typed (or None) out."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

__all__ = ["PromptScreen"]


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text; enter answers, escape gives None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, question: str, value: str = "", *, id: str) -> None:  # noqa: A002
        super().__init__(id=id)
        self.question = question
        self.value = value

    def compose(self) -> ComposeResult:
        """The pane's widgets."""
        with Vertical(classes="dialog"):
            yield Static(Text(self.question), classes="dialog-question")
            yield Input(self.value, id="prompt-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: answer with the text."""
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        """Escape: no answer."""
        self.dismiss(None)
