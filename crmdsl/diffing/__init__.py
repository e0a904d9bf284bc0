"""The semantic diff of two maps: two loaded maps in, a `MapDiff` out (what `crmdsl diff` shows).

`diff_maps(old, new)` compares two `Analysis` values (or `CrmMap`s) by meaning, never
by line: elements added, removed, changed (clause by clause, old → new) and renamed
(with the references that followed), the changes of no meaning (order, files, layout),
the lint findings introduced and resolved (both maps linted with one config), the goals
whose figures moved, and the views whose Mermaid changed with a change diagram each.
A map that loaded only partly is compared as far as it loaded; its load errors are kept
in the result and it is not linted. The outputs (text, Markdown, JSON) live in
`crmdsl.diffing.output`; reading a map at a git revision in `crmdsl.diffing.git`.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

from crmdsl.diffing.compare import ClauseChange, ElementChange, Matching, Note, compare_elements
from crmdsl.diffing.diagrams import _LINEAGE_CLAUSES, Scope, ViewChange, compare_views
from crmdsl.diffing.elements import Element, elements
from crmdsl.diffing.findings import FindingChange, GoalChange, compare_findings, compare_goals
from crmdsl.errors import Diagnostic
from crmdsl.language.loader import Analysis
from crmdsl.linter import LintConfig, lint
from crmdsl.model import CrmMap

__all__ = [
    "ClauseChange",
    "ElementChange",
    "FindingChange",
    "GoalChange",
    "MapDiff",
    "Note",
    "ViewChange",
    "diff_maps",
]


@dataclass(slots=True)
class MapDiff:
    """What changed between two maps, in meaning.

    `same` is True when nothing of meaning changed (notes may still say that the order,
    the files or the layout did). `old_errors` / `new_errors` are load errors of each
    side; `linted` says whether findings were compared (both sides loaded).
    """

    old_name: str
    new_name: str
    changes: list[ElementChange] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    findings: list[FindingChange] = field(default_factory=list)
    goals: list[GoalChange] = field(default_factory=list)
    views: list[ViewChange] = field(default_factory=list)
    old_errors: list[Diagnostic] = field(default_factory=list)
    new_errors: list[Diagnostic] = field(default_factory=list)
    linted: bool = True

    @property
    def same(self) -> bool:
        """True when the maps mean the same (no element, finding or goal changed)."""
        return not (self.changes or self.findings or self.goals)

    @property
    def load_failed(self) -> bool:
        """True when either side has load errors."""
        return bool(self.old_errors or self.new_errors)


def _analysis(target: Analysis | CrmMap) -> Analysis:
    return target if isinstance(target, Analysis) else Analysis(target, [])


def diff_maps(
    old: Analysis | CrmMap,
    new: Analysis | CrmMap,
    *,
    config: LintConfig | None = None,
    today: dt.date | None = None,
    views: bool = True,
    old_name: str | None = None,
    new_name: str | None = None,
) -> MapDiff:
    """Compare two maps by meaning; see `MapDiff`.

    Both maps are linted with `config` (default: the recommended rules) as of `today`
    (default: today). `views=False` skips drawing the views (the quickest diff).
    """
    a, b = _analysis(old), _analysis(new)
    before, after = elements(a.map), elements(b.map)
    changes, notes, matching = compare_elements(before, after)
    out = MapDiff(
        old_name or a.map.root or "old",
        new_name or b.map.root or "new",
        changes,
        notes,
        old_errors=list(a.diagnostics),
        new_errors=list(b.diagnostics),
    )
    if not changes:
        out.notes += _format_notes(a, b)
    out.linted = not out.load_failed
    if out.linted:
        day = today or dt.date.today()
        config = config or LintConfig()
        found = [lint(x, config, day, standalone=x.map.header is None).findings for x in (a, b)]
        out.findings = compare_findings(found[0], found[1], before, after, matching)
    out.goals = compare_goals(a.map, b.map, matching)
    if views:
        scope = _scope(changes, notes, matching, before, after)
        out.views = compare_views(a.map, b.map, matching, scope)
    return out


def _scope(
    changes: list[ElementChange],
    notes: list[Note],
    matching: Matching,
    before: dict[str, Element],
    after: dict[str, Element],
) -> Scope:
    """Which views the changes can have redrawn."""
    scope = Scope(everything=bool(matching.renames) or any(n.kind != "format" for n in notes))
    for c in changes:
        scope.kinds.add(c.kind)
        scope.tops.add(c.id.split(".", 1)[0])
        if c.kind == "stage":
            scope.lineage = True  # its touchpoints came, went or changed their order
        if c.kind == "touchpoint":
            names = {x.clause for x in c.clauses}
            side = after.get(c.key) or before.get(c.key)
            had = side is not None and "captures" in side.clauses
            scope.lineage |= bool(names & _LINEAGE_CLAUSES) or (c.status != "changed" and had)
    return scope


def _texts(analysis: Analysis) -> dict[str, str]:
    """Each file's text by its path relative to the root's folder (the root as ``)."""
    root = analysis.map.root
    base = os.path.dirname(root) if root else ""
    out: dict[str, str] = {}
    for path, source in analysis.sources.items():
        name = "" if path == root else os.path.relpath(path, base or ".")
        out[name] = source.text
    return out


def _format_notes(a: Analysis, b: Analysis) -> list[Note]:
    """Files whose text changed while their meaning did not."""
    before, after = _texts(a), _texts(b)
    root = b.map.root or "the root file"
    changed = sorted(n for n in after if n in before and before[n] != after[n])
    out = [Note("format", f"{n or root}: the text changed, not the meaning") for n in changed]
    out += [Note("format", f"{n}: a new file") for n in sorted(set(after) - set(before))]
    out += [
        Note("format", f"{n}: no longer part of the map") for n in sorted(set(before) - set(after))
    ]
    return out
