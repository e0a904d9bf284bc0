"""Helpers for the core tests: load text, compare models without their spans."""

from __future__ import annotations

import dataclasses
from typing import Any

import crmdsl
from crmdsl.errors import Diagnostic, render_diagnostic

SPAN_KEYS = frozenset({"span", "id_span", "name_span", "clause_spans"})


def strip_spans(value: Any) -> Any:
    """`dataclasses.asdict` of a model without any of its source positions."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, dict):
        return {k: strip_spans(v) for k, v in value.items() if k not in SPAN_KEYS}
    if isinstance(value, list | tuple):
        return [strip_spans(v) for v in value]
    return value


def diags(text: str, path: str | None = "m.crm") -> list[Diagnostic]:
    """The load errors of a text."""
    return crmdsl.analyze(text, path).diagnostics


def brief(text: str, path: str | None = "m.crm") -> list[tuple[str, int, int, str]]:
    """Each load error as (kind, line, column, message)."""
    return [
        (d.kind, d.span.line if d.span else 0, d.span.col if d.span else 0, d.message)
        for d in diags(text, path)
    ]


def rendered(text: str, path: str = "m.crm") -> str:
    """Every load error of a text, rendered as the user reads it."""
    analysis = crmdsl.analyze(text, path)
    return "\n".join(render_diagnostic(d, analysis.lines_of()) for d in analysis.diagnostics)


def load_clean(text: str, path: str | None = "m.crm") -> crmdsl.CrmMap:
    """Load a text that must have no load error; show them all if it has."""
    analysis = crmdsl.analyze(text, path)
    assert not analysis.diagnostics, "\n".join(
        render_diagnostic(d, analysis.lines_of()) for d in analysis.diagnostics
    )
    return analysis.map
