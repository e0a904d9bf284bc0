"""Safe fixes: a finding and its analysis in, a `Patch` that fixes it (or None) out.

Each fix lives beside its rule (`fix=` in the rule's decorator, in `crmdsl/rules/`) and
the registry knows which rules have one (`Rule.fixable`): D302 adds the flag `pii` to an
email or phone field; M005 removes an unused suppression comment, or only the unused
codes of a comment that names several. A rule's fix returns text edits, reading
positions through the edit engine's `Doc`, which this module passes in; here they
become a `Patch`. `fix_all` gathers the fixes of many findings into one patch (`crmdsl
check --fix` applies it, checks again, and repeats up to 10 rounds).
"""

from __future__ import annotations

from collections.abc import Iterable

from crmdsl.edit.doc import Doc
from crmdsl.edit.patch import EditError, Patch
from crmdsl.errors import Diagnostic
from crmdsl.language.loader import Analysis

__all__ = ["fix_all", "fixes_for"]


def fixes_for(diagnostic: Diagnostic, analysis: Analysis) -> Patch | None:
    """The safe fix of a finding, or None when there is none (or it is not certain)."""
    from crmdsl.rules import RULES

    rule = RULES.get(diagnostic.code)
    if rule is None or rule.fix is None:
        return None
    doc = Doc(analysis)
    fix = rule.fix(diagnostic, analysis.map, doc)
    if fix is None:
        return None
    try:
        return Patch.build(doc.texts, list(fix.edits), fix.description)
    except EditError:  # pragma: no cover - a rule's edits do not overlap one another
        return None


def fix_all(findings: Iterable[Diagnostic], analysis: Analysis) -> tuple[Patch, list[Diagnostic]]:
    """One patch with the safe fixes of the findings, and the findings it fixes.

    A fix that would collide with another fix of this round waits for the next round.
    """
    edits: list[tuple[str, int, int, str]] = []
    fixed: list[Diagnostic] = []
    texts = {p: s.text for p, s in analysis.sources.items()}
    descriptions = []
    for diag in findings:
        patch = fixes_for(diag, analysis)
        if not patch:
            continue
        more = [(r.file, r.start, r.end, r.new) for r in patch.replacements]
        if any(
            e[0] == n[0] and e[1] < n[2] and n[1] < e[2] or e[0] == n[0] and e[1] == n[1]
            for e in edits
            for n in more
        ):
            continue
        edits.extend(more)
        fixed.append(diag)
        descriptions.append(patch.description)
    return Patch.build(texts, edits, "; ".join(descriptions)), fixed
