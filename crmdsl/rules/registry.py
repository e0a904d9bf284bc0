"""The rule registry: every lint rule (docs/rules.md), by code, and the function that runs them.

In: a resolved map in a `RuleContext` (with "today" and the two tunable limits). Out:
`Diagnostic` findings, each with the rule's code, kebab-case name (as `kind`) and default
severity, a message naming the things involved, and a span placed as docs/rules.md says.

A rule is a small function in its group module (`map.py`, `journeys.py`, ...) decorated
with `@rule(code, name, severity)`. The function yields `Hit`s (where, what, a hint,
notes); the registry turns them into `Diagnostic`s, so no rule repeats its own code.
Config, suppression and output formats sit on top of this and are not rules' business.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crmdsl.errors import Diagnostic, Note, Span
from crmdsl.gcpause import paused_gc
from crmdsl.model import CrmMap

if TYPE_CHECKING:
    from crmdsl.query.index import MapIndex

__all__ = [
    "GROUPS",
    "RULES",
    "SEVERITIES",
    "Hit",
    "Rule",
    "RuleContext",
    "rule",
    "run_rules",
]

#: The default severities a rule can have (config adds `off`).
SEVERITIES = ("error", "warning", "info")

#: The groups by letter, in the order of docs/rules.md.
GROUPS: dict[str, str] = {
    "M": "the map as a whole",
    "J": "journeys",
    "P": "processes",
    "D": "data",
    "I": "integrations",
    "G": "goals",
    "C": "customer data protection",
}


@dataclass(frozen=True)
class Rule:
    """One lint rule: code, kebab-case name, default severity, group, docs and its check.

    `check` is None only for M005 (unused suppressions), which the suppression pass emits.
    """

    code: str
    name: str
    severity: str
    group: str
    doc: str
    check: Callable[[RuleContext], Iterable[Diagnostic]] | None


@dataclass
class RuleContext:
    """What the rules look at: the map, today's date and the tunable limits.

    `standalone` says the map is a fragment checked alone (no header, no root includes
    it), which is what M001 reports. Indexes that several rules share are built once, on
    first use, and kept here (`index`), so no rule walks the map inside a loop over it.
    """

    map: CrmMap
    today: dt.date
    max_review_age: int = 12
    max_handoffs: int = 6
    standalone: bool = False
    _index: MapIndex | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def index(self) -> MapIndex:
        """The shared indexes of the map (built on first use)."""
        if self._index is None:
            from crmdsl.query.index import MapIndex

            self._index = MapIndex(self.map)
        return self._index


@dataclass(frozen=True)
class Hit:
    """What a rule function yields: where, the message, a hint after the caret, notes."""

    span: Span | None
    message: str
    hint: str = ""
    notes: tuple[Note, ...] = ()


RULES: dict[str, Rule] = {}

HitFunction = Callable[[RuleContext], Iterable[Hit]]


def rule(code: str, name: str, severity: str) -> Callable[[HitFunction], HitFunction]:
    """Register the decorated function as the check of rule `code`.

    The function's docstring is the rule's documentation (three parts: *What it does*,
    *Why it matters*, *Example* with its *Fix*).
    """
    if severity not in SEVERITIES:
        raise ValueError(f"{code}: unknown severity {severity!r}")

    def register(func: HitFunction) -> HitFunction:
        add_rule(code, name, severity, inspect.cleandoc(func.__doc__ or ""), func)
        return func

    return register


def add_rule(code: str, name: str, severity: str, doc: str, func: HitFunction | None) -> None:
    """Put a rule into `RULES` (kept ordered by code); `func=None` for M005."""
    if code in RULES:
        raise ValueError(f"rule {code} is registered twice")
    check = _as_check(code, name, severity, func) if func is not None else None
    RULES[code] = Rule(code, name, severity, code[0], doc, check)
    ordered = sorted(RULES.items(), key=lambda item: _code_order(item[0]))
    RULES.clear()
    RULES.update(ordered)


def _code_order(code: str) -> tuple[int, str]:
    return (list(GROUPS).index(code[0]) if code[0] in GROUPS else len(GROUPS), code)


def _as_check(
    code: str, name: str, severity: str, func: HitFunction
) -> Callable[[RuleContext], Iterable[Diagnostic]]:
    def check(ctx: RuleContext) -> Iterator[Diagnostic]:
        for hit in func(ctx):
            yield Diagnostic(
                kind=name,
                message=hit.message,
                span=hit.span,
                hint=hit.hint,
                notes=hit.notes,
                severity=severity,
                code=code,
            )

    check.__name__ = func.__name__
    check.__doc__ = func.__doc__
    return check


def run_rules(ctx: RuleContext, codes: Iterable[str] | None = None) -> list[Diagnostic]:
    """Run the selected rules (all when `codes` is None); findings in file order.

    Findings are sorted by file, line, column, code and message. An unknown code is a
    `KeyError` (the config layer validates codes before they get here).
    """
    selected = list(RULES) if codes is None else [RULES[c].code for c in codes]
    found: list[Diagnostic] = []
    # The rules make no reference cycles; without the cyclic collector, a big map's
    # findings do not trigger full collections over the whole model (measured: up to 5x).
    with paused_gc():
        for code in selected:
            check = RULES[code].check
            if check is not None:
                found.extend(check(ctx))
    return sorted(found, key=_finding_order)


def _finding_order(diag: Diagnostic) -> tuple[str, int, int, str, str]:
    span = diag.span
    if span is None:
        return ("", 0, 0, diag.code, diag.message)
    return (span.file, span.line, span.col, diag.code, diag.message)


# The group modules register their rules on import; they need the names above first.
from crmdsl.rules import data, goals, integrations, journeys, processes, protection  # noqa: E402
from crmdsl.rules import map as _map  # noqa: E402

del data, goals, integrations, journeys, processes, protection, _map
