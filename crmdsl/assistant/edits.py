"""Edits in plain words: a `Context` and a request's words in, a proposal `Answer` out.

Each handler names what to change forgivingly, builds a `crmdsl.Patch` with
`crmdsl.edit` only, and hands it to `Session.propose`, which applies it to a copy,
checks it and shows the unified diff plus the findings it adds and clears. Nothing is
applied until the user accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import crmdsl
from crmdsl.assistant.answer import Answer, Reference
from crmdsl.assistant.context import Context, Reply, tick
from crmdsl.assistant.names import norm
from crmdsl.assistant.session import Refused

__all__ = ["EDITS", "propose", "slug"]

Builder = Callable[[Context, dict[str, str]], "crmdsl.Patch"]


def slug(text: str, fallback: str = "item") -> str:
    """An id from words: `Cut support cost by 20%` -> `cut_support_cost_by_20`."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    ident = "_".join(words)[:40].strip("_")
    if not ident:
        return fallback
    return ident if ident[0].isalpha() else f"{fallback}_{ident}"


def propose(ctx: Context, patch: crmdsl.Patch) -> Answer:
    """The answer showing a checked proposal (or saying why it is refused)."""
    proposal = ctx.session.propose(patch)
    text = (
        f"Proposed: **{proposal.description}**\n\n```diff\n{proposal.diff}```\n\n"
        f"Findings:\n{proposal.summary()}\n\nAccept it to apply (`/undo` takes it back)."
    )
    refs = [Reference("", r.file, r.start_line, r.start_col) for r in proposal.patch.replacements]
    return Answer(text, refs, proposal=proposal, kind="edit")


def _team(ctx: Context, phrase: str | None) -> str | None:
    return ctx.named(phrase, ("team",)).id if phrase else None


def _channel(ctx: Context, phrase: str | None) -> str | None:
    if not phrase:
        return None
    wanted = norm(phrase).replace(" ", "_")
    builtin = ctx.map.channel(wanted)
    return builtin.id if builtin is not None else ctx.named(phrase, ("channel",)).id


def add_touchpoint(ctx: Context, g: dict[str, str]) -> crmdsl.Patch:
    """`add a touchpoint 'Chatbot' to the support stage on chat, owned by service`."""
    stage = ctx.named(g["stage"], ("stage",))
    clauses: dict[str, object] = {}
    if channel := _channel(ctx, g.get("channel")):
        clauses["channel"] = channel
    if team := _team(ctx, g.get("owner")):
        clauses["owner"] = team
    return crmdsl.edit.add_touchpoint(
        ctx.analysis, stage.key, slug(g["label"], "touchpoint"), g["label"], clauses
    )


def rename(ctx: Context, g: dict[str, str]) -> crmdsl.Patch:
    """`rename lead_sync to contact_sync`."""
    item = ctx.named(g["name"])
    new = g["new"].strip("`'\"")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", new):
        raise Reply(
            Answer(
                f"{tick(new)} is not an id: use letters, digits and `_`, starting with a letter.",
                kind="refused",
            )
        )
    return crmdsl.edit.rename(ctx.analysis, item.key, new)


def connect(ctx: Context, g: dict[str, str]) -> crmdsl.Patch:
    """`connect zendesk to salesforce daily via api`."""
    a = ctx.named(g["a"], ("system",))
    b = ctx.named(g["b"], ("system",))
    clauses: list[tuple[str, object]] = []
    freq = (g.get("freq") or "").strip()
    if freq.startswith("every"):
        clauses.append(("every", freq.split(None, 1)[1]))
    elif freq:
        clauses.append((freq.replace(" ", "-"), True))
    if g.get("via"):
        clauses.append(("via", g["via"]))
    return crmdsl.edit.connect_systems(
        ctx.analysis, a.id, b.id, two_way=bool(g.get("both")), clauses=clauses
    )


_MODES = {
    "automated": "automated",
    "automatic": "automated",
    "manual": "manual",
    "by hand": "manual",
}


def make_mode(ctx: Context, g: dict[str, str]) -> crmdsl.Patch:
    """`make step quote automated`."""
    item = ctx.named(g["name"], ("step",))
    return crmdsl.edit.set_clause(ctx.analysis, item.key, _MODES[g.get("mode") or "automated"])


def make_flag(ctx: Context, g: dict[str, str]) -> crmdsl.Patch:
    """`make demo a moment of truth`, `mark Lead.phone as pii`."""
    flag = norm(g["flag"]).replace(" ", "-")
    if flag in {"pii", "required", "unique", "key", "readonly", "consent"}:
        item = ctx.named(g["name"], ("field",))
        return crmdsl.edit.set_field_flag(ctx.analysis, item.key, flag)
    item = ctx.named(g["name"], ("touchpoint",))
    return crmdsl.edit.set_clause(ctx.analysis, item.key, "moment-of-truth")


_CLAUSES = {
    "sla": "sla",
    "takes": "takes",
    "duration": "takes",
    "owner": "owner",
    "system": "system",
    "score": "score",
    "channel": "channel",
    "kind": "kind",
    "users": "users",
    "frequency": "every",
}


def set_clause(ctx: Context, g: dict[str, str]) -> crmdsl.Patch:
    """`set the SLA of qualify to 4h`, `set the owner of lead_sync to sales`."""
    keyword = _CLAUSES[g["kw"].lower()]
    item = ctx.named(g["name"])
    value = g["value"].strip().strip("'\"")
    if keyword == "owner":
        value = ctx.named(value, ("team",)).id
    elif keyword == "system":
        value = ctx.named(value, ("system",)).id
    elif keyword == "channel":
        value = _channel(ctx, value) or value
    return crmdsl.edit.set_clause(ctx.analysis, item.key, keyword, value)


def add_text(ctx: Context, g: dict[str, str]) -> crmdsl.Patch:
    """`add a pain 'slow refunds' to the ticket touchpoint` (also idea, needs)."""
    keyword = g["kw"].lower()
    kinds = ("persona",) if keyword == "needs" else ("touchpoint", "persona")
    item = ctx.named(g["name"], kinds)
    return crmdsl.edit.add_item(ctx.analysis, item.key, keyword, g["text"])


def remove(ctx: Context, g: dict[str, str]) -> crmdsl.Patch:
    """`remove the ad touchpoint`: the thing and everything that names it."""
    kind = g.get("kind")
    item = ctx.named(g["name"], (kind,) if kind else None)
    return crmdsl.edit.delete(ctx.analysis, item.key, cascade=True)


def add_goal(ctx: Context, g: dict[str, str]) -> crmdsl.Patch:
    """`add a goal to cut support cost by 20%`."""
    words = g["text"].strip().rstrip(".")
    label = words[:1].upper() + words[1:]
    base = slug(re.sub(r"\bby\b.*$", "", words) or words, "goal")
    taken = {x.id for x in ctx.map.goals}
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}_{n}", n + 1
    owner = ctx.map.header.owner.text if ctx.map.header and ctx.map.header.owner else None
    return crmdsl.edit.add_goal(ctx.analysis, ident, label, {"owner": owner} if owner else None)


def declare(ctx: Context, g: dict[str, str]) -> crmdsl.Patch:
    """`add a team support "Support"`, `add a system 'Intercom'`."""
    kind = g["kind"].lower()
    label = g.get("label") or None
    ident = g.get("id") or slug(label or "", kind)
    add: Callable[..., crmdsl.Patch] = getattr(crmdsl.edit, f"add_{kind}")
    return add(ctx.analysis, ident, label)


def fix_safe(ctx: Context, g: dict[str, str]) -> crmdsl.Patch:
    """`fix what can be fixed safely`."""
    patch, fixed = crmdsl.fix_all(ctx.findings, ctx.analysis)
    if not fixed:
        raise Reply(Answer("No finding of this map has a safe automatic fix.", kind="edit"))
    return patch


def run_edit(builder: Builder, ctx: Context, g: dict[str, str]) -> Answer:
    """Build the patch and propose it; an edit error or a refusal says why."""
    try:
        patch = builder(ctx, g)
        return propose(ctx, patch)
    except (crmdsl.edit.EditError, Refused) as exc:
        return Answer(f"I cannot make that change: {exc}", kind="refused")


EDITS: dict[str, Builder] = {
    "add_touchpoint": add_touchpoint,
    "rename": rename,
    "connect": connect,
    "make_mode": make_mode,
    "make_flag": make_flag,
    "set_clause": set_clause,
    "add_text": add_text,
    "remove": remove,
    "add_goal": add_goal,
    "declare": declare,
    "fix_safe": fix_safe,
}
