"""Findings introduced and resolved, and goal figures that moved: two linted maps in.

Findings are matched by rule code and the element they stand on (the innermost element
whose block holds the finding's line), never by line: a finding that only moved with its
statement is neither new nor resolved. Where one element has several findings of a code,
their messages pair them first. Goal figures are the yearly value, the yearly and one-time
costs and the return of `crmdsl report`, written the same way.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from crmdsl.diffing.compare import Matching
from crmdsl.diffing.elements import Element
from crmdsl.errors import Diagnostic
from crmdsl.model import CrmMap, Goal
from crmdsl.query.returns import goal_return
from crmdsl.reporting.markdown import money, percent

__all__ = ["FindingChange", "GoalChange", "compare_findings", "compare_goals", "goal_figures"]


@dataclass(frozen=True, slots=True)
class FindingChange:
    """A finding `introduced` by the new map or `resolved` by it, on an element."""

    status: str
    code: str
    severity: str
    message: str
    element: str | None  # `touchpoint onboarding.demo`, None when on no element
    file: str | None
    line: int | None


@dataclass(frozen=True, slots=True)
class GoalChange:
    """A goal whose money moved: its figures before and after (None: no such goal)."""

    id: str
    label: str | None
    old: str | None
    new: str | None


class _Locator:
    """The innermost element holding a line of a file."""

    def __init__(self, elements: Mapping[str, Element]) -> None:
        self.by_file: dict[str, list[tuple[int, int, int, str]]] = {}
        for n, e in enumerate(elements.values()):
            self.by_file.setdefault(e.file, []).append((e.line, -e.depth, n, e.key))
        self.ends = {e.key: e.end_line for e in elements.values()}
        for rows in self.by_file.values():
            rows.sort()

    def element(self, diag: Diagnostic) -> str | None:
        span = diag.span
        rows = self.by_file.get(span.file) if span else None
        if not rows or span is None:
            return None
        at = bisect.bisect_right(rows, (span.line, 1, 0, "\uffff"))
        for line, _, _, key in reversed(rows[max(0, at - 64) : at]):
            if line <= span.line <= self.ends[key]:
                return key
        return None


def compare_findings(
    old: Sequence[Diagnostic],
    new: Sequence[Diagnostic],
    old_elements: Mapping[str, Element],
    new_elements: Mapping[str, Element],
    matching: Matching,
) -> list[FindingChange]:
    """Findings of `new` that `old` lacks (introduced) and the reverse (resolved)."""
    old_loc, new_loc = _Locator(old_elements), _Locator(new_elements)
    pool: dict[tuple[str, str | None], list[Diagnostic]] = {}
    for d in old:
        pool.setdefault((d.code, _mapped(old_loc.element(d), matching)), []).append(d)
    after = [(d, new_loc.element(d)) for d in new]
    left = _match(after, pool, exact=True)
    left = _match(left, pool, exact=False)
    out = [_item("introduced", d, e) for d, e in left]
    out += [_item("resolved", d, e) for (_, e), ds in pool.items() for d in ds]
    out.sort(key=lambda f: (f.status != "introduced", f.file or "", f.line or 0, f.code, f.message))
    return out


def _match(
    items: list[tuple[Diagnostic, str | None]],
    pool: dict[tuple[str, str | None], list[Diagnostic]],
    exact: bool,
) -> list[tuple[Diagnostic, str | None]]:
    """Use up a partner in `pool` for each item; return the items that found none."""
    left: list[tuple[Diagnostic, str | None]] = []
    for d, e in items:
        bucket = pool.get((d.code, e), [])
        found = next((n for n, o in enumerate(bucket) if not exact or o.message == d.message), None)
        if found is None:
            left.append((d, e))
        else:
            del bucket[found]
    return left


def _mapped(key: str | None, matching: Matching) -> str | None:
    return matching.key(key) if key is not None else None


def _item(status: str, d: Diagnostic, element: str | None) -> FindingChange:
    span = d.span
    return FindingChange(
        status,
        d.code,
        d.severity,
        d.message,
        element,
        span.file if span else None,
        span.line if span else None,
    )


def goal_figures(goal: Goal) -> str:
    """`+100,000 USD a year against 40,000 USD a year, a 150% return` (or why no return)."""
    r = goal_return(goal)
    currency = r.currency or ""
    parts: list[str] = []
    if r.yearly_value is not None:
        parts.append(f"+{money(r.yearly_value, currency)} a year")
    if r.yearly_cost:
        parts.append(f"costs {money(r.yearly_cost, currency)} a year")
    if r.one_time_cost:
        parts.append(f"{money(r.one_time_cost, currency)} once")
    parts.append(f"a {percent(r.return_pct)} return" if r.return_pct is not None else "no return")
    return ", ".join(parts)


def compare_goals(old: CrmMap, new: CrmMap, matching: Matching) -> list[GoalChange]:
    """Goals whose figures differ (a new or removed goal with money counts too)."""
    before = {matching.symbol(g.id): g for g in old.goals}
    out: list[GoalChange] = []
    for g in new.goals:
        was = before.pop(g.id, None)
        now_fig = goal_figures(g)
        old_fig = goal_figures(was) if was is not None else None
        if old_fig != now_fig:
            out.append(GoalChange(g.id, g.label, old_fig, now_fig))
    for gid, g in before.items():
        out.append(GoalChange(gid, g.label, goal_figures(g), None))
    return out
