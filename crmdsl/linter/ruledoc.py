"""A rule's docstring in parts: the docstring in, its *What it does*, *Why it matters* and *Example* out.

`crmdsl explain`, `crmdsl rules` and the SARIF rule descriptions read a rule's words
from here, so they say the same thing; the docstring is read by `crmdsl.rules.docs`,
which writes `docs/rules.md` from the same parts.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from dataclasses import dataclass

from crmdsl.rules.docs import rule_doc_parts

__all__ = ["RuleDoc", "explain_text", "parse_doc"]

_CODE = "    "  # how a docstring indents its example


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
    """Split a docstring at its `What it does:`, `Why it matters:` and `Example:` lines.

    The one reading of rule docstrings is `crmdsl.rules.docs.rule_doc_parts`; here the
    prose is one line, and the example keeps its indentation and its `Fix:`.
    """
    parts = rule_doc_parts(inspect.cleandoc(doc or ""))
    example = textwrap.indent(parts["example"], _CODE)
    if parts["fix"]:
        example += "\nFix:\n" + textwrap.indent(parts["fix"], _CODE)
    return RuleDoc(
        what=" ".join(parts["what"].split()),
        why=" ".join(parts["why"].split()),
        example=example,
    )


def explain_text(code: str, name: str, severity: str, doc: str | None, width: int = 88) -> str:
    """`crmdsl explain CODE` as plain text, laid out as docs/rules.md shows it."""
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
