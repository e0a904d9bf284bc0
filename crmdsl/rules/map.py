"""Rules M001–M005: the map as a whole (header, review date, owners, unused declarations).

In: a `RuleContext`. Out: `Hit`s placed on the map header, on line 1 of a fragment, or on
the keyword of the declaration concerned. M005 (unused suppressions) reads what the
linter's suppression pass found (`RuleContext.suppressions`), so the linter runs it after
that pass; its safe fix (`drop_unused_suppression`) removes the comment or its unused codes.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Collection, Iterator

from crmdsl.errors import LOAD_ERROR_KINDS, Diagnostic
from crmdsl.language.suggest import did_you_mean
from crmdsl.model import SUPPRESSION, CrmMap, Declared
from crmdsl.rules.places import file_start, keyword_span
from crmdsl.rules.registry import (
    Fix,
    FixText,
    Hit,
    RuleContext,
    SuppressionComment,
    rule,
)

__all__ = ["add_months", "drop_unused_suppression"]


@rule("M001", "map-missing-header", "warning")
def map_missing_header(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a file checked on its own that has no `map "Title"` header.

    Why it matters: a file without a header is a fragment, meant to be included by a root
    map. Checked alone, it has no title, owner or review date, and nobody reading it knows
    which company map it belongs to. Either it lost its root, or its header was forgotten.

    Example:
        # customers.crm, included by nothing
        system hubspot "HubSpot" kind marketing owner marketing
    Fix:
        map "Acme Corp CRM"
          owner revops
          reviewed 2026-09-01
        system hubspot "HubSpot" kind marketing owner marketing
    """
    mp = ctx.map
    if ctx.standalone and mp.header is None and mp.root is not None:
        yield Hit(
            file_start(mp.root),
            f"`{mp.root}` has no map header and no map includes it",
            hint='add `map "Title"` at the top, or include this file from its map',
        )


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus a number of calendar months (the 31st becomes the month's last day)."""
    total = day.year * 12 + (day.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@rule("M002", "map-stale", "warning")
def map_stale(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a map with no `reviewed` date, or one reviewed too long ago.

    Why it matters: a CRM map is only trusted while it matches how the company works.
    Teams reorganise, tools are swapped and processes drift; a map nobody has reviewed for
    a year quietly describes a company that no longer exists. The review date tells the
    reader how far to trust it, and the limit (`max-review-age`, 12 months by default)
    makes the yearly review a habit.

    Example:
        map "Acme Corp CRM"
          owner revops
          reviewed 2024-03-01
    Fix:
        map "Acme Corp CRM"
          owner revops
          reviewed 2026-09-01
    """
    header = ctx.map.header
    if header is None:
        return
    where = keyword_span(header)
    fresh = f"review the map with its owners and set `reviewed {ctx.today.isoformat()}`"
    if header.reviewed is None:
        yield Hit(where, "the map has no `reviewed` date", hint=fresh)
        return
    due = add_months(header.reviewed, ctx.max_review_age)
    if due < ctx.today:
        months = ctx.max_review_age
        yield Hit(
            where,
            f"the map was last reviewed on {header.reviewed.isoformat()}, more than "
            f"{months} month{'s' if months != 1 else ''} ago (a review was due by "
            f"{due.isoformat()})",
            hint=fresh,
        )


_OWNED_KINDS = ("journeys", "processes", "systems", "integrations", "goals")


@rule("M003", "owner-missing", "warning")
def owner_missing(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a journey, process, system, integration or goal with no `owner`.

    Why it matters: every part of a CRM map needs a team that answers for it. A system
    without an owner has nobody to approve changes or fix its data; an integration
    without one breaks silently; a goal without one is nobody's goal. Naming the owner is
    the first step of any clean-up.

    Example:
        system renewal_tracker "Renewal tracker (Google Sheet)" kind spreadsheet
    Fix:
        system renewal_tracker "Renewal tracker (Google Sheet)" kind spreadsheet owner cs
    """
    for kind in _OWNED_KINDS:
        for node in getattr(ctx.map, kind):
            if node.owner is None:
                word = node.statement
                yield Hit(
                    keyword_span(node),
                    f"{word} `{node.id}` has no owner",
                    hint="add `owner TEAM`: the team that answers for it",
                )


@rule("M004", "unused-declaration", "warning")
def unused_declaration(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a team, persona, channel or system that nothing refers to.

    Why it matters: a declaration nobody uses is either left over from an old version of
    the map (a tool that was switched off, a team that merged) or a sign that part of the
    picture is missing (a persona with no journey, a system no integration reaches). Both
    mislead the reader about how the company works.

    Example:
        team partners "Partner Management"     # owns nothing, named nowhere
    Fix:
        journey reseller "Reseller onboarding" persona reseller owner partners
    """
    used = ctx.index.used
    mp = ctx.map
    groups: list[tuple[list[Declared], str]] = [
        (list(mp.teams), ""),
        (list(mp.personas), ""),
        ([c for c in mp.channels if not c.builtin], "channel:"),
        (list(mp.systems), ""),
    ]
    hints = {
        "team": "make it the `owner` of something, or remove it",
        "persona": "name it in a journey's `persona`, or remove it",
        "channel": "use it as a touchpoint's `channel`, or remove it",
        "system": "name it where data lives or moves (an entity, an integration), or remove it",
    }
    for nodes, prefix in groups:
        for node in nodes:
            if prefix + node.id not in used:
                word = node.statement
                yield Hit(
                    keyword_span(node),
                    f"{word} `{node.id}` is declared but never referred to",
                    hint=hints[word],
                )


def drop_unused_suppression(diag: Diagnostic, mp: CrmMap, text: FixText) -> Fix | None:
    """M005's fix: remove the comment, or only its unused codes when others are used."""
    span = diag.span
    if span is None or span.file not in text.texts:
        return None
    at = (span.file, span.line, span.col)
    comment = next((c for c in mp.comments if (c.file, c.line, c.col) == at), None)
    found = SUPPRESSION.search(comment.text) if comment is not None else None
    if comment is None or found is None:
        return None
    codes = [c.strip() for c in found.group(2).split(",") if c.strip()]
    given = diag.extra.get("codes")
    unused = {str(c) for c in given} if isinstance(given, list | tuple | set) else set()
    if codes and not unused:
        return None
    keep = [c for c in codes if c not in unused]
    file, lineno = span.file, span.line
    start = text.offset(file, lineno, comment.col)
    if keep:
        sep = ", " if ", " in found.group(2) else ","
        edit = (file, start + found.start(2), start + found.end(2), sep.join(keep))
        return Fix(f"M005: drop {', '.join(sorted(unused))} from the suppression", (edit,))
    if comment.own_line:
        a, b = text.removal(file, lineno, lineno)
    else:
        before = text.line_text(file, lineno)[: comment.col - 1].rstrip()
        a, b = text.line_start(file, lineno) + len(before), text.line_end(file, lineno)
    return Fix("M005: remove the unused suppression", ((file, a, b, ""),))


@rule("M005", "unused-suppression", "info", fix=drop_unused_suppression, after_suppressions=True)
def unused_suppression(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a `# crmdsl: ignore[...]` comment that silences no finding.

    Why it matters: a suppression is a decision someone took about a real gap in the map.
    Once the gap is fixed, or the statement moved, the comment silences nothing and only
    hides the next real finding there. Removing stale suppressions keeps each one meaningful.

    Example:
        system slack "Slack" kind other owner it   # crmdsl: ignore[M003]
    Fix:
        system slack "Slack" kind other owner it
    """
    found = ctx.suppressions
    if found is None:  # the linter runs this rule after its suppression pass
        return
    for s in found.comments:
        message, codes = _unused_message(s, found.known, found.enabled)
        if message:
            yield Hit(
                s.span,
                message,
                hint="remove it, or name the code of a finding on this statement",
                extra={"codes": codes, "whole_file": s.whole_file},
            )


def _unused_message(
    s: SuppressionComment, known: Collection[str], enabled: Callable[[str], bool]
) -> tuple[str, list[str]]:
    """Why a suppression is (partly) useless, in words, and the useless codes; "" when fine.

    A code of a rule that did not run is not called unused: nobody can tell whether it
    would have silenced something.
    """
    what = "ignore-file" if s.whole_file else "ignore"
    if not s.codes:
        return f"`{what}[]` names no rule code, so it silences nothing", []
    problems: list[str] = []
    idle = []
    useless = []
    for code in s.codes:
        if code in LOAD_ERROR_KINDS or code not in known or (code not in s.used and enabled(code)):
            useless.append(code)
        if code in LOAD_ERROR_KINDS:
            problems.append(f"`{code}` is a load error, and load errors cannot be suppressed")
        elif code not in known:
            hint = did_you_mean(code, known)
            problems.append(f"`{code}` is not a rule code" + (f" ({hint})" if hint else ""))
        elif code not in s.used and enabled(code):
            idle.append(code)
    if idle:
        listed = ", ".join(idle)
        where = "in this file" if s.whole_file else "on this statement"
        problems.insert(0, f"no {listed} finding {where}")
    if not problems:
        return "", []
    text = f"unused suppression `{what}[{', '.join(s.codes)}]`: " + "; ".join(problems)
    return text, useless
