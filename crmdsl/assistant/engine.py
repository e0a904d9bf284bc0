"""The deterministic assistant: a map and a request in words in, an `Answer` out.

`Engine(session).ask(text)` recognises the request (`intents.py`), answers a question
from the resolved map, the linter and the report's figures (`queries.py`, `checks.py`),
or proposes an edit (`edits.py`) that waits for `accept`. No network, no model. A
request it does not understand gets a short answer with examples; a bad name gets
"did you mean" or a question back; nothing raises for bad input.

`Engine.tools()` lists the same abilities as function tools for a language model
(`llm.py`), and `Engine.call(tool, arguments)` runs one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import crmdsl
from crmdsl.assistant.answer import Answer
from crmdsl.assistant.checks import CHECKS
from crmdsl.assistant.context import Context, Reply
from crmdsl.assistant.edits import EDITS, run_edit
from crmdsl.assistant.intents import EXAMPLES, recognise
from crmdsl.assistant.queries import QUERIES
from crmdsl.assistant.session import Refused, Session

__all__ = ["HELP", "Engine"]

HELP = (
    "I answer questions about this map and change it in plain words. For example:\n\n"
    + "\n".join(f"- {e}" for e in EXAMPLES)
    + "\n\nEdits are proposed as a diff; accept them to apply, `/undo` to take them back, "
    "`/save` to write the file."
)


class Engine:
    """Answers requests about the map of a `Session`."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @classmethod
    def open(cls, path: str, *, today: dt.date | None = None) -> Engine:
        """An engine over the map at `path`."""
        return cls(Session(path, today=today))

    def ask(self, text: str) -> Answer:
        """The answer to one request (a question, an edit proposal, or a question back)."""
        if not text.strip():
            return Answer(HELP, kind="help")
        found = recognise(text)
        if found is None:
            return Answer("I did not understand that. " + HELP, kind="unknown")
        intent, groups = found
        return self.run(intent, groups)

    def run(self, intent: str, groups: dict[str, str]) -> Answer:
        """Run a recognised intent with its arguments."""
        ctx = Context(self.session)
        try:
            answer = self._dispatch(ctx, intent, groups)
        except Reply as reply:
            answer = reply.answer
        except Refused as exc:
            answer = Answer(f"I cannot do that: {exc}", kind="refused")
        if intent == "describe" and answer.kind == "not-found" and not answer.question:
            return Answer("I did not understand that. " + HELP, kind="unknown")
        if ctx.guesses and not answer.question:
            answer.text = " ".join(dict.fromkeys(ctx.guesses)) + "\n\n" + answer.text
        return answer

    def _dispatch(self, ctx: Context, intent: str, g: dict[str, str]) -> Answer:
        if intent in EDITS:
            return run_edit(EDITS[intent], ctx, g)
        if intent in CHECKS:
            return CHECKS[intent](ctx, g)
        if intent.startswith("lineage"):
            way = {"lineage_from": "from", "lineage_to": "to"}.get(intent, "both")
            return QUERIES["lineage"](ctx, {**g, "way": way})
        if intent in QUERIES:
            return QUERIES[intent](ctx, g)
        if intent == "interview":
            return Answer(
                "Start the guided interview with `crmdsl chat --interview NEW.crm`: it asks "
                "about your teams, personas, channels, systems, journeys, processes and goals, "
                "and writes a map as you go.",
                kind="interview",
            )
        return Answer(HELP, kind="help")

    def accept(self) -> str:
        """Apply the pending proposal (`Refused` when there is none or it went stale)."""
        return self.session.accept()

    # ------------------------------------------------------------ tools for a model

    def tools(self) -> list[dict[str, Any]]:
        """The function tools a language model may call (the same abilities as `ask`)."""
        from crmdsl.assistant.tools import TOOLS

        return TOOLS

    def call(self, tool: str, arguments: dict[str, Any]) -> Answer:
        """Run one tool call of a model; a bad call is an answer saying what is wrong."""
        from crmdsl.assistant.tools import call_tool

        return call_tool(self, tool, arguments)

    @property
    def analysis(self) -> crmdsl.Analysis:
        """The analysis of the session's current text."""
        return self.session.analysis
