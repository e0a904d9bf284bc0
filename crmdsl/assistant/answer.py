"""What the assistant says: an `Answer` (Markdown text, references, maybe a proposal).

`Reference` is a fact's place: the key of what it names and `file:line:col`. `Answer.to_json`
gives the data of `crmdsl ask --format json`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import crmdsl
from crmdsl.assistant.names import Named
from crmdsl.assistant.session import Proposal

__all__ = ["Answer", "Reference", "ref_of", "ref_span"]


@dataclass(frozen=True, slots=True)
class Reference:
    """A fact's place: the key it names (may be empty for a finding) and its file:line:col."""

    key: str
    file: str
    line: int
    col: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"

    def to_json(self) -> dict[str, Any]:
        """`{"key", "file", "line", "col"}`."""
        return {"key": self.key, "file": self.file, "line": self.line, "col": self.col}


def ref_of(item: Named) -> Reference:
    """The reference of a named thing."""
    return Reference(item.key, item.file, item.line, item.col)


def ref_span(key: str, span: crmdsl.Span | None) -> Reference | None:
    """The reference of a key at a span (None without a span)."""
    return Reference(key, span.file, span.line, span.col) if span is not None else None


@dataclass(slots=True)
class Answer:
    """Markdown `text`, its `references`, and a `proposal` when it proposes an edit.

    `kind` names what was understood (`lookup`, `lineage`, `edit`, `unknown`, ...);
    `question` is True when the assistant asks back (an ambiguous name).
    """

    text: str
    references: list[Reference] = field(default_factory=list)
    proposal: Proposal | None = None
    kind: str = "answer"
    question: bool = False

    def to_json(self) -> dict[str, Any]:
        """The answer as data: `answer`, `kind`, `references`, `patch` (or null)."""
        patch: dict[str, Any] | None = None
        if self.proposal is not None:
            p = self.proposal
            patch = {
                "description": p.description,
                "diff": p.diff,
                "findings_added": [_finding(d) for d in p.added],
                "findings_cleared": [_finding(d) for d in p.cleared],
                "replacements": [
                    {
                        "file": r.file,
                        "start_line": r.start_line,
                        "start_col": r.start_col,
                        "end_line": r.end_line,
                        "end_col": r.end_col,
                        "old": r.old,
                        "new": r.new,
                    }
                    for r in p.patch.replacements
                ],
            }
        return {
            "answer": self.text,
            "kind": self.kind,
            "question": self.question,
            "references": [r.to_json() for r in self.references],
            "patch": patch,
        }


def _finding(d: crmdsl.Diagnostic) -> dict[str, Any]:
    return {"code": d.code, "message": d.message, "place": str(d.span) if d.span else None}
