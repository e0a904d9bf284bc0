"""What every handler of a request works with: the session's map, its names and findings.

`Context.named(phrase, kinds)` turns a phrase into one `Named` thing, or stops the
handler with a `Reply`: a question back when two things match, "did you mean" when
nothing matches well.
"""

from __future__ import annotations

from typing import Any

import crmdsl
from crmdsl.assistant.answer import Answer, ref_of
from crmdsl.assistant.names import Named, NameIndex
from crmdsl.assistant.session import Session

__all__ = ["Context", "Reply", "tick"]


class Reply(crmdsl.CrmdslError):  # noqa: N818 - a control-flow signal, not an error
    """Stops a handler with this answer (a question back, a refusal).

    It derives from `CrmdslError` like every exception of the package; `Engine.run`
    catches it before anything else could.
    """

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.text)
        self.answer = answer


def tick(text: str) -> str:
    """`text` as inline code."""
    return f"`{text}`"


class Context:
    """The session's current map, its name index and its findings."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.analysis: crmdsl.Analysis = session.analysis
        self.map: crmdsl.CrmMap = self.analysis.map
        self._names: NameIndex | None = None
        #: "did you mean" notes for names matched with a typo, said before the answer.
        self.guesses: list[str] = []

    @property
    def names(self) -> NameIndex:
        """The map's names (built on first use)."""
        if self._names is None:
            self._names = self.session.names()
        return self._names

    @property
    def findings(self) -> list[crmdsl.Diagnostic]:
        """The lint findings of the current text."""
        return self.session.findings

    def lookup(self, key: str) -> Any:
        """The model node of a key."""
        return self.map.lookup(key)

    def named(self, phrase: str, kinds: tuple[str, ...] | None = None) -> Named:
        """The one thing `phrase` names, or a `Reply` asking back."""
        match = self.names.find(phrase, kinds)
        if match.found is not None:
            if match.guessed:
                self.guesses.append(f"Taking {tick(phrase)} to mean {tick(match.found.key)}.")
            return match.found
        what = " or ".join(kinds) if kinds else "thing"
        if match.choices:
            options = "\n".join(f"- {c.ref}: {c.title}" for c in match.choices[:6])
            raise Reply(
                Answer(
                    f"{tick(phrase)} could be several things. Which one?\n\n{options}",
                    [ref_of(c) for c in match.choices[:6]],
                    kind="ambiguous",
                    question=True,
                )
            )
        if match.suggestions:
            options = " or ".join(f"{tick(s.key)} ({s.kind} {s.title})" for s in match.suggestions)
            raise Reply(
                Answer(
                    f"I found no {what} {tick(phrase)}. Did you mean {options}?",
                    [ref_of(s) for s in match.suggestions],
                    kind="not-found",
                    question=True,
                )
            )
        raise Reply(Answer(f"I found no {what} {tick(phrase)} in this map.", kind="not-found"))
