"""Safe fixes: a finding and its analysis in, a `Patch` that fixes it (or None) out.

Only fixes whose result is certain are offered: D302 adds the flag `pii` to an email or
phone field; M005 removes an unused suppression comment, or only the unused codes of a
comment that names several. `fix_all` gathers the fixes of many findings into one patch
(`crmdsl check --fix` applies it, checks again, and repeats up to 10 rounds).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from crmdsl.edit.doc import Doc
from crmdsl.edit.patch import EditError, Patch
from crmdsl.errors import Diagnostic
from crmdsl.language.loader import Analysis

__all__ = ["FIXABLE", "fix_all", "fixes_for"]

_SUPPRESSION = re.compile(r"#\s*crmdsl:\s*(ignore|ignore-file)\s*\[([^\]]*)\]")


def _fix_pii(diag: Diagnostic, analysis: Analysis) -> Patch | None:
    span = diag.span
    if span is None:
        return None
    for entity in analysis.map.entities:
        for fld in entity.fields:
            if fld.span.file == span.file and fld.span.line == span.line:
                if fld.pii or fld.type.name not in {"email", "phone"}:
                    return None
                doc = Doc(analysis)
                line = doc.line(span.file, span.line)
                pos = doc.offset(span.file, span.line, line.end_col)
                return Patch.build(
                    doc.texts, [(span.file, pos, pos, " pii")], f"D302: flag `{fld.name}` pii"
                )
    return None


def _unused_codes(diag: Diagnostic) -> set[str]:
    """The codes of the comment that silence nothing, as the suppression pass recorded them."""
    given = diag.extra.get("codes")
    return {str(c) for c in given} if isinstance(given, list | tuple | set) else set()


def _fix_unused_suppression(diag: Diagnostic, analysis: Analysis) -> Patch | None:
    span = diag.span
    if span is None or span.file not in analysis.sources:
        return None
    comment = next(
        (
            c
            for c in analysis.map.comments
            if c.file == span.file and c.line == span.line and c.col == span.col
        ),
        None,
    )
    if comment is None:
        return None
    found = _SUPPRESSION.search(comment.text)
    if found is None:
        return None
    codes = [c.strip() for c in found.group(2).split(",") if c.strip()]
    unused = _unused_codes(diag)
    if codes and not unused:
        return None
    keep = [c for c in codes if c not in unused]
    doc = Doc(analysis)
    file, lineno = span.file, span.line
    start = doc.offset(file, lineno, comment.col)
    if keep:
        sep = ", " if ", " in found.group(2) else ","
        a, b = start + found.start(2), start + found.end(2)
        edit = (file, a, b, sep.join(keep))
        what = f"M005: drop {', '.join(sorted(unused))} from the suppression"
    elif comment.own_line:
        first, last = lineno, lineno
        a, b = doc.removal(file, first, last)
        edit = (file, a, b, "")
        what = "M005: remove the unused suppression"
    else:
        raw = doc.line_text(file, lineno)
        before = raw[: comment.col - 1].rstrip()
        a = doc.line_start(file, lineno) + len(before)
        edit = (file, a, doc.line_end(file, lineno), "")
        what = "M005: remove the unused suppression"
    try:
        return Patch.build(doc.texts, [edit], what)
    except EditError:  # pragma: no cover - one edit cannot overlap itself
        return None


#: The codes that have a safe fix, and the function that makes it.
FIXABLE: dict[str, Callable[[Diagnostic, Analysis], Patch | None]] = {
    "D302": _fix_pii,
    "M005": _fix_unused_suppression,
}


def fixes_for(diagnostic: Diagnostic, analysis: Analysis) -> Patch | None:
    """The safe fix of a finding, or None when there is none (or it is not certain)."""
    make = FIXABLE.get(diagnostic.code)
    return make(diagnostic, analysis) if make is not None else None


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
