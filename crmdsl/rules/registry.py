"""The rule registry: every lint rule (docs/rules.md), by code, and the function that runs them.

In: a resolved map in a `RuleContext` (with "today" and the two tunable limits). Out:
`Diagnostic` findings, each with the rule's code, kebab-case name (as `kind`) and default
severity, a message naming the things involved, and a span placed as docs/rules.md says.

A rule is a small function in its group module (`map.py`, `journeys.py`, ...) decorated
with `@rule(code, name, severity)`. The function yields `Hit`s (where, what, a hint,
notes); the registry turns them into `Diagnostic`s, so no rule repeats its own code.
A rule with a safe fix names it in the decorator (`fix=`), beside the rule: the fix reads
the finding and the map and returns a `Fix` (text edits), asking a `FixText` that the
linter passes in for positions in the text, so the rules never import the edit engine.
Config, suppression comments and output formats sit on top of this and are not rules'
business; M005 reads what the suppression pass found (`RuleContext.suppressions`).
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from crmdsl.errors import Diagnostic, Note, Span, finding_order
from crmdsl.gcpause import paused_gc
from crmdsl.model import CrmMap

if TYPE_CHECKING:
    from crmdsl.language.parse import Line
    from crmdsl.query.index import MapIndex

__all__ = [
    "GROUPS",
    "RULES",
    "SEVERITIES",
    "Fix",
    "FixFunction",
    "FixText",
    "Hit",
    "Rule",
    "RuleContext",
    "SuppressionComment",
    "SuppressionPass",
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


#: A text edit of a fix: file, start and end offsets in its text, the new text.
TextEdit = tuple[str, int, int, str]


@dataclass(frozen=True)
class Fix:
    """A rule's safe fix of one finding: what it does, in words, and its text edits."""

    description: str
    edits: tuple[TextEdit, ...]


class FixText(Protocol):
    """The positions in a map's text a fix asks for (the edit engine's `Doc` is one).

    Lines and columns are 1-based as in spans; offsets index the file's text.
    """

    @property
    def texts(self) -> Mapping[str, str]:
        """Each file's text, by path."""
        ...

    def line(self, file: str, lineno: int) -> Line:
        """The parsed line at `lineno` (its tokens end at `end_col`, before any comment)."""
        ...

    def offset(self, file: str, line: int, col: int) -> int:
        """The offset of a line and column."""
        ...

    def line_start(self, file: str, line: int) -> int:
        """The offset where a line starts."""
        ...

    def line_end(self, file: str, line: int) -> int:
        """The offset where a line ends (before its newline)."""
        ...

    def line_text(self, file: str, line: int) -> str:
        """A line's text, without its newline."""
        ...

    def removal(self, file: str, first: int, last: int) -> tuple[int, int]:
        """The offsets that remove whole lines `first..last` (and a blank line they leave)."""
        ...


#: A fix: the finding, the map it was found in and its text in; a `Fix` or None out.
FixFunction = Callable[[Diagnostic, CrmMap, FixText], "Fix | None"]


class SuppressionComment(Protocol):
    """What M005 reads of a suppression comment (the linter's `Suppression`)."""

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes the comment names."""
        ...

    @property
    def used(self) -> set[str]:
        """The codes that silenced a finding."""
        ...

    @property
    def whole_file(self) -> bool:
        """Whether it is an `ignore-file` comment."""
        ...

    @property
    def span(self) -> Span:
        """Where the comment stands."""
        ...


@dataclass(frozen=True)
class SuppressionPass:
    """What the linter's suppression pass found, for M005.

    `comments` are the suppression comments, each with the codes that silenced a finding;
    `known` the codes of every rule; `enabled` says whether a rule ran.
    """

    comments: Sequence[SuppressionComment]
    known: Collection[str]
    enabled: Callable[[str], bool]


@dataclass(frozen=True)
class Rule:
    """One lint rule: code, kebab-case name, default severity, group, docs, check and fix.

    `fix` makes the safe fix of a finding (None: no safe fix); `after_suppressions` marks
    a rule that reads what the suppression pass found, which the linter runs after it.
    """

    code: str
    name: str
    severity: str
    group: str
    doc: str
    check: Callable[[RuleContext], Iterable[Diagnostic]]
    fix: FixFunction | None = None
    after_suppressions: bool = False

    @property
    def fixable(self) -> bool:
        """Whether the rule's findings have a safe fix (`crmdsl check --fix`)."""
        return self.fix is not None


@dataclass
class RuleContext:
    """What the rules look at: the map, today's date and the tunable limits.

    `standalone` says the map is a fragment checked alone (no header, no root includes
    it), which is what M001 reports. Indexes that several rules share are built once, on
    first use, and kept here (`index`), so no rule walks the map inside a loop over it.
    `suppressions` is what the linter's suppression pass found, for M005 (None before).
    """

    map: CrmMap
    today: dt.date
    max_review_age: int = 12
    max_handoffs: int = 6
    max_measurement_age: int = 6
    standalone: bool = False
    suppressions: SuppressionPass | None = None
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
    extra: Mapping[str, object] | None = None


RULES: dict[str, Rule] = {}

HitFunction = Callable[[RuleContext], Iterable[Hit]]


def rule(
    code: str,
    name: str,
    severity: str,
    *,
    fix: FixFunction | None = None,
    after_suppressions: bool = False,
) -> Callable[[HitFunction], HitFunction]:
    """Register the decorated function as the check of rule `code` (and `fix` as its fix).

    The function's docstring is the rule's documentation (three parts: *What it does*,
    *Why it matters*, *Example* with its *Fix*).
    """
    if severity not in SEVERITIES:
        raise ValueError(f"{code}: unknown severity {severity!r}")

    def register(func: HitFunction) -> HitFunction:
        if code in RULES:
            raise ValueError(f"rule {code} is registered twice")
        doc = inspect.cleandoc(func.__doc__ or "")
        check = _as_check(code, name, severity, func)
        RULES[code] = Rule(code, name, severity, code[0], doc, check, fix, after_suppressions)
        ordered = sorted(RULES.items(), key=lambda item: _code_order(item[0]))
        RULES.clear()
        RULES.update(ordered)
        return func

    return register


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
                extra=dict(hit.extra) if hit.extra else {},
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
            found.extend(RULES[code].check(ctx))
    return sorted(found, key=finding_order)


# The group modules register their rules on import; they need the names above first.
from crmdsl.rules import data, goals, integrations, journeys, plans, processes, protection  # noqa: E402
from crmdsl.rules import map as _map  # noqa: E402

del data, goals, integrations, journeys, plans, processes, protection, _map
