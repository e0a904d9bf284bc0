"""A modal question with a few answers: a message and buttons in, the chosen answer's id out.

Used to ask before quitting with changes, when the file changed on disk, to offer a
recovery copy or a template, and which file type to write. Escape answers `cancel`.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

__all__ = ["ChoiceScreen"]


class ChoiceScreen(ModalScreen[str]):
    """Ask one question; dismiss with the id of the button pressed (escape: `cancel`)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, question: str, answers: Sequence[tuple[str, str]], *, id: str) -> None:  # noqa: A002
        super().__init__(id=id)
        self.question = question
        self.answers = list(answers)

    def compose(self) -> ComposeResult:
        """The pane's widgets."""
        with Vertical(classes="dialog"):
            yield Static(Text(self.question), classes="dialog-question")
            with Horizontal(classes="dialog-buttons"):
                for index, (answer, label) in enumerate(self.answers):
                    yield Button(
                        Text(label),
                        id=f"answer-{answer}",
                        variant="primary" if index == 0 else "default",
                    )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Answer with the button's id."""
        event.stop()
        self.dismiss((event.button.id or "answer-cancel").removeprefix("answer-"))

    def action_cancel(self) -> None:
        """Escape: the `cancel` answer."""
        self.dismiss("cancel")
