"""Answers about findings and impact: a `Context` and a request's words in, an `Answer` out.

- `findings`: what is wrong with the map (or with one thing of it), by severity;
- `explain`: a lint rule's words (`explain J106`);
- `how_to_fix`: the findings of a thing with the safe fixes that exist, proposed as
  one edit;
- `impact`: what breaks if a thing is removed: every reference to it, the load errors
  of removing only its statement, and the findings that appear when it is removed with
  everything that names it (the deletion applied to a copy and linted, not guessed).
"""

from __future__ import annotations

from collections import Counter

import crmdsl
from crmdsl.assistant.answer import Answer, Reference, ref_of, ref_span
from crmdsl.assistant.context import Context, Reply, tick
from crmdsl.assistant.names import Named
from crmdsl.assistant.session import Refused, new_diagnostics

__all__ = ["CHECKS", "finding_line"]


def finding_line(d: crmdsl.Diagnostic) -> str:
    """`CODE severity: message (file:line)`."""
    return f"{d.code or d.kind} {d.severity}: {d.message} ({d.span})"


def _scope(ctx: Context, phrase: str | None) -> Named | None:
    if not phrase or phrase.strip().lower() in {"this map", "the map", "map", "it", "everything"}:
        return None
    return ctx.named(phrase)


def _inside(d: crmdsl.Diagnostic, item: Named) -> bool:
    span = getattr(item.node, "span", None)
    if d.span is None or span is None or d.span.file != span.file:
        return False
    return bool(span.line <= d.span.line <= span.end_line)


def _selected(ctx: Context, phrase: str | None) -> tuple[list[crmdsl.Diagnostic], str]:
    item = _scope(ctx, phrase)
    found = [*ctx.analysis.diagnostics, *ctx.findings]
    if item is None:
        return found, "this map"
    return [d for d in found if _inside(d, item)], f"{item.kind} {tick(item.key)}"


def findings(ctx: Context, g: dict[str, str]) -> Answer:
    """The load errors and findings of the map, or of one thing."""
    found, where = _selected(ctx, g.get("name"))
    if not found:
        return Answer(
            f"Nothing is wrong with {where}: no load error and no finding.", kind="findings"
        )
    counts = Counter(d.severity for d in found)
    head = ", ".join(f"{n} {sev}{'s' if n != 1 else ''}" for sev, n in sorted(counts.items()))
    lines = [f"- {finding_line(d)}" for d in found[:40]]
    if len(found) > 40:
        lines.append(f"- … and {len(found) - 40} more (`crmdsl check` lists them all)")
    refs = [r for d in found[:40] if (r := ref_span(d.code or d.kind, d.span)) is not None]
    fixable = crmdsl.fix_all(ctx.findings, ctx.analysis)[0]
    tail = "\n\nSay “fix what can be fixed safely” to apply the safe fixes." if fixable else ""
    return Answer(
        f"{where.capitalize()} has {head}:\n\n" + "\n".join(lines) + tail, refs, kind="findings"
    )


def explain(ctx: Context, g: dict[str, str]) -> Answer:
    """A lint rule's words, and where it fires in this map."""
    info = crmdsl.rule_info(g["code"])
    if info is None:
        raise Reply(
            Answer(
                f"There is no rule {tick(g['code'].upper())} (`crmdsl rules` lists them).",
                kind="not-found",
            )
        )
    code, name, severity, text = info
    here = [d for d in ctx.findings if d.code == code]
    refs = [r for d in here if (r := ref_span(code, d.span)) is not None]
    where = "\n".join(f"- {d.message} ({d.span})" for d in here) or "- nowhere in this map"
    return Answer(
        f"**{code} {name}** ({severity})\n\n{text}\n\nIn this map:\n{where}", refs, kind="explain"
    )


def how_to_fix(ctx: Context, g: dict[str, str]) -> Answer:
    """The findings of a thing, and a proposal with the safe fixes among them."""
    found, where = _selected(ctx, g.get("name"))
    lint_only = [d for d in found if d.code]
    if not found:
        return Answer(f"Nothing to fix in {where}.", kind="findings")
    patch, fixed = crmdsl.fix_all(lint_only, ctx.analysis)
    lines = [f"- {finding_line(d)}" + (f"; hint: {d.hint}" if d.hint else "") for d in found]
    refs = [r for d in found if (r := ref_span(d.code or d.kind, d.span)) is not None]
    text = f"In {where}:\n\n" + "\n".join(lines)
    if not fixed:
        return Answer(
            text + "\n\nNone of these has a safe automatic fix; the hints say what to do.",
            refs,
            kind="findings",
        )
    proposal = ctx.session.propose(patch)
    text += f"\n\n{len(fixed)} of them have a safe fix; here it is:\n\n"
    text += f"```diff\n{proposal.diff}```\n{proposal.summary()}"
    return Answer(text, refs, proposal, kind="edit")


def impact(ctx: Context, g: dict[str, str]) -> Answer:
    """What breaks if a thing is removed, computed on a copy."""
    item = ctx.named(g["name"])
    uses = crmdsl.edit.references(ctx.analysis, item.key)
    refs: list[Reference] = [ref_of(item)]
    lines = [f"Removing {item.kind} {tick(item.key)} ({item.title}, {item.file}:{item.line}):", ""]
    lines.append(f"**{len(uses)} reference{'s' if len(uses) != 1 else ''} to it** would break:")
    for r in uses:
        span = r.ref.span
        lines.append(f"- {r}")
        refs.append(Reference(item.key, span.file, span.line, span.col))
    lines += ["", *_cascade_findings(ctx, item)]
    return Answer("\n".join(lines), refs, kind="impact")


def _cascade_findings(ctx: Context, item: Named) -> list[str]:
    try:
        patch = crmdsl.edit.delete(ctx.analysis, item.key, cascade=True)
    except crmdsl.edit.EditError as exc:
        return [f"It cannot be removed with what names it: {exc}"]
    try:
        after = patch.apply(ctx.session.texts_for(patch.files))
    except crmdsl.edit.StalePatchError as exc:  # pragma: no cover - the patch was just made
        raise Refused(str(exc)) from None
    new_analysis, new_findings = ctx.session.check(after)
    errors = new_diagnostics(new_analysis.diagnostics, ctx.analysis.diagnostics)
    added = new_diagnostics(new_findings, ctx.findings)
    out = ["Removed with everything that names it, the map would have:"]
    out += [f"- load error: {d.message} ({d.span})" for d in errors]
    out += [f"- new {finding_line(d)}" for d in added]
    if not errors and not added:
        out.append("- no new finding")
    return out


CHECKS = {"findings": findings, "explain": explain, "how_to_fix": how_to_fix, "impact": impact}
