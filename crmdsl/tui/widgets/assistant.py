"""The editor's Assistant pane: a request typed in, an answer (or a proposed edit) shown.

`AssistantPane()` is mounted by the editor (`EditorApp`) in its Assistant tab and uses
the app's interface: `editor_path`, `editor_text()`, `apply_patch(patch)` and
`goto(file, line, col)`. Each request is answered by the assistant's engine over the
text as it is in the editor (the same answers as `crmdsl ask`); with a model configured
in `[tool.crmdsl.assistant]` the answer streams in from a worker thread.

An answer's references are links: clicking one moves the editor's cursor there. A
proposed edit shows its diff and the findings it adds and clears, with Accept and
Reject buttons; Accept applies it through `apply_patch` as ONE undo step of the editor
(so the editor's undo takes it back), and is refused when the text changed since the
proposal was made. Nothing is written to disk: the editor's save does that.

`start_interview()` turns the pane into the guided interview for a new map: each
answer typed in rebuilds the editor's text (one undo step per answer) until the last
question, `stop`, or `ctrl+s`; the closing message lists what to map next.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Markdown

import crmdsl
from crmdsl.assistant.answer import Answer
from crmdsl.assistant.engine import Engine
from crmdsl.assistant.interview import Interview
from crmdsl.assistant.session import Proposal, Session

__all__ = ["AssistantPane"]

_LINK = "crmdsl-goto:"


def _with_links(answer: Answer) -> str:
    """The answer's Markdown, followed by its references as links."""
    if not answer.references:
        return answer.text
    seen: dict[tuple[str, int, int], None] = {}
    for r in answer.references:
        seen.setdefault((r.file, r.line, r.col), None)
    links = " · ".join(f"[{f}:{line}]({_LINK}{f}:{line}:{col})" for f, line, col in seen)
    return f"{answer.text}\n\n{links}"


class AssistantPane(Widget):
    """Ask the map; see answers with links; accept or reject proposed edits."""

    DEFAULT_CSS = """
    AssistantPane { layout: vertical; height: 1fr; width: 1fr; }
    AssistantPane #assistant-log { height: 1fr; }
    AssistantPane #assistant-actions { height: auto; display: none; }
    AssistantPane #assistant-actions.pending { display: block; }
    AssistantPane Input { dock: bottom; }
    """

    def __init__(self) -> None:
        super().__init__(id="assistant-pane")
        self.session: Session | None = None
        self.engine: Engine | None = None
        self.model: Any = None
        self.proposal: Proposal | None = None
        self.last_answer: Answer | None = None
        self.busy = False
        self.interview: Interview | None = None

    def compose(self) -> ComposeResult:
        """The answers, the accept/reject buttons, the request line."""
        yield VerticalScroll(
            Markdown(
                "Ask about the map, or ask for a change: *what's wrong with this map*, "
                "*who owns …*, *set the SLA of … to 4h*.",
                id="hint",
            ),
            id="assistant-log",
        )
        with Horizontal(id="assistant-actions"):
            yield Button("Accept", id="assistant-accept", variant="success")
            yield Button("Reject", id="assistant-reject")
        yield Input(placeholder="Ask the map…", id="assistant-input")

    # -- the engine over the editor's text ------------------------------------------------

    def _engine(self) -> Engine:
        app: Any = self.app
        path = str(app.editor_path)
        text = app.editor_text()
        if self.session is None or self.session.path != path:
            self.session = Session(path, text, one_file=True)
            self.engine = Engine(self.session)
            self.model = self._model()
        self.session.set_text(text)
        assert self.engine is not None
        return self.engine

    def _model(self) -> Any:
        from crmdsl.assistant.llm import Model, model_config

        assert self.engine is not None
        try:
            config = model_config(self.engine.session.path)
            return Model(config, self.engine) if config is not None else None
        except crmdsl.CrmdslError as exc:
            self.notify(f"the assistant works without its model: {exc}", severity="warning")
            return None

    # -- asking -------------------------------------------------------------------------

    @on(Input.Submitted, "#assistant-input")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        event.input.value = ""
        if self.interview is not None:
            self.answer_interview(text)
        elif text and not self.busy:
            self.ask(text)

    # -- the guided interview -----------------------------------------------------------

    def start_interview(self) -> None:
        """Ask the interview's questions here; the answers write the editor's text."""
        app: Any = self.app
        self.interview = Interview(str(app.editor_path))
        self._add(self.interview.opening())
        self._add(self.interview.question())
        self.query_one("#assistant-input", Input).placeholder = "Your answer (empty: the default)…"

    def answer_interview(self, text: str) -> None:
        """Take one answer: rebuild the map in the editor, then ask the next question."""
        interview = self.interview
        assert interview is not None
        app: Any = self.app
        self._add(f"**you:** {text or '(the default)'}")
        interview.answer(text)
        if not interview.stopped:
            app.source.apply_text(interview.text())
        if interview.stopped or interview.done:
            self.interview = None
            self.query_one("#assistant-input", Input).placeholder = "Ask the map…"
            if interview.stopped:
                self._add("Stopped. The map so far is in the editor: `ctrl+s` saves it.")
            else:
                self._add(interview.next_steps(app.editor_text(), "is in the editor"))
            return
        self._add(interview.question())

    def ask(self, text: str) -> None:
        """Answer one request (by the model, in a worker, when one is configured)."""
        engine = self._engine()
        self._add(f"**you:** {text}")
        if self.model is None:
            self._show(engine.ask(text))
            return
        self.busy = True
        self._stream(text, self._add("…"))

    @work(thread=True, exclusive=True)
    def _stream(self, text: str, box: Markdown) -> None:
        parts: list[str] = []

        def grow(part: str) -> None:
            parts.append(part)
            self.app.call_from_thread(box.update, "".join(parts))

        answer = self.model.ask(text, on_text=grow)
        self.app.call_from_thread(self._done, answer, box)

    def _done(self, answer: Answer, box: Markdown) -> None:
        self.busy = False
        box.remove()
        self._show(answer)

    def _add(self, text: str) -> Markdown:
        log = self.query_one("#assistant-log", VerticalScroll)
        box = Markdown(text, classes="answer")
        log.mount(box)
        log.scroll_end(animate=False)
        return box

    def _show(self, answer: Answer) -> None:
        self.last_answer = answer
        self.proposal = answer.proposal
        self._add(_with_links(answer))
        actions = self.query_one("#assistant-actions")
        actions.set_class(self.proposal is not None, "pending")

    # -- links and proposals --------------------------------------------------------------

    @on(Markdown.LinkClicked)
    def _link(self, event: Markdown.LinkClicked) -> None:
        if not event.href.startswith(_LINK):
            return
        event.stop()
        file, line, col = event.href[len(_LINK) :].rsplit(":", 2)
        app: Any = self.app
        app.goto(file, int(line), int(col))

    @on(Button.Pressed, "#assistant-accept")
    def accept(self) -> None:
        """Apply the proposal as one undo step of the editor, if the text is unchanged."""
        proposal, self.proposal = self.proposal, None
        self.query_one("#assistant-actions").set_class(False, "pending")
        if proposal is None:
            return
        app: Any = self.app
        path = str(app.editor_path)
        if proposal.before.get(path) != app.editor_text():
            self._add("The text changed since this change was proposed; ask again.")
            return
        try:
            app.apply_patch(proposal.patch)
        except crmdsl.CrmdslError as exc:
            self._add(f"Could not apply it: {exc}")
            return
        self._add(f"Applied: {proposal.description} (undo takes it back).")

    @on(Button.Pressed, "#assistant-reject")
    def reject(self) -> None:
        """Drop the proposal."""
        self.proposal = None
        self.query_one("#assistant-actions").set_class(False, "pending")
        self._add("Dropped the proposed change.")
