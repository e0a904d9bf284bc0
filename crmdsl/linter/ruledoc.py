"""A rule's docstring in parts: the docstring in, its *What it does*, *Why it matters* and *Example* out.

`crmdsl explain`, `crmdsl rules` and the SARIF rule descriptions read a rule's words
from here, so they say the same thing (`docs/rules.md` is written by `crmdsl.rules.docs`
from the same docstrings).
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass

__all__ = ["RuleDoc", "explain_text", "parse_doc"]

_HEADS = {"what it does": "what", "why it matters": "why", "example": "example"}
_HEAD = re.compile(r"^(what it does|why it matters|example)\s*:\s*(.*)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RuleDoc:
    """The three parts of a rule's docstring (each without its heading)."""

    what: str
    why: str
    example: str

    @property
    def short(self) -> str:
        """The first sentence of *What it does*, capitalised, as a one-line summary."""
        text = " ".join(self.what.split())
        first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0] if text else ""
        return first[:1].upper() + first[1:] if first else ""


def parse_doc(doc: str | None) -> RuleDoc:
    """Split a docstring at its `What it does:`, `Why it matters:` and `Example:` lines."""
    text = inspect.cleandoc(doc or "")
    parts: dict[str, list[str]] = {"what": [], "why": [], "example": []}
    current = "what"
    for line in text.splitlines():
        head = _HEAD.match(line.strip()) if not line.startswith((" ", "\t")) else None
        if head:
            current = _HEADS[head.group(1).lower()]
            if head.group(2):
                parts[current].append(head.group(2))
            continue
        parts[current].append(line)
    joined = {k: "\n".join(v).strip("\n") for k, v in parts.items()}
    return RuleDoc(
        what=" ".join(joined["what"].split()),
        why=" ".join(joined["why"].split()),
        example=joined["example"].rstrip(),
    )


def explain_text(code: str, name: str, severity: str, doc: str | None, width: int = 88) -> str:
    """`crmdsl explain CODE` as plain text, laid out as docs/rules.md shows it."""
    import textwrap

    parsed = parse_doc(doc)
    out = [f"{code} {name} ({severity})", ""]
    if parsed.what:
        out += textwrap.wrap("What it does: " + parsed.what, width)
    if parsed.why:
        out += textwrap.wrap("Why it matters: " + parsed.why, width)
    if parsed.example:
        out.append("Example:")
        out += parsed.example.splitlines()
    return "\n".join(out).rstrip() + "\n"
