"""Answers to questions: a `Context` and the words of a request in, an `Answer` out.

Each handler takes the context and the named groups its pattern caught (see
`intents.py`): lookups (owners, captures, pii, moments of truth, manual steps, systems
of record, a thing described, a list of things), lineage hop by hop, journey and
process analysis, goals and their return. Every fact carries its reference.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import crmdsl
from crmdsl.assistant.answer import Answer, Reference, ref_of, ref_span
from crmdsl.assistant.context import Context, Reply, tick
from crmdsl.assistant.names import Named, norm

__all__ = ["QUERIES", "duration"]

Handler = Callable[[Context, dict[str, str]], Answer]


def duration(minutes: int) -> str:
    """Minutes in words of units: `90m` -> `1h 30m`, `4560m` -> `3d 4h`."""
    parts = []
    for unit, size in (("w", 10080), ("d", 1440), ("h", 60), ("m", 1)):
        if minutes >= size:
            parts.append(f"{minutes // size}{unit}")
            minutes %= size
    return " ".join(parts) or "0m"


def _bullets(rows: list[tuple[str, Reference | None]], empty: str) -> tuple[str, list[Reference]]:
    if not rows:
        return empty, []
    text = "\n".join(f"- {line} ({ref})" if ref else f"- {line}" for line, ref in rows)
    return text, [r for _, r in rows if r is not None]


def _answer(kind: str, head: str, rows: list[tuple[str, Reference | None]], empty: str) -> Answer:
    body, refs = _bullets(rows, empty)
    return Answer(f"{head}\n\n{body}" if rows else empty, refs, kind=kind)


def _touchpoints(ctx: Context, journey: str | None = None) -> list[tuple[Any, Any, Any]]:
    return [
        (j, s, t)
        for j in ctx.map.journeys
        if journey is None or j.id == journey
        for s in j.stages
        for t in s.touchpoints
    ]


def _steps(ctx: Context, process: str | None = None) -> list[tuple[Any, Any]]:
    return [
        (p, n)
        for p in ctx.map.processes
        if process is None or p.id == process
        for n in p.nodes
        if n.statement == "step"
    ]


def _tp_ref(j: Any, t: Any) -> Reference | None:
    return ref_span(f"{j.id}.{t.id}", t.id_span or t.span)


# ---------------------------------------------------------------- lookups


def owner(ctx: Context, g: dict[str, str]) -> Answer:
    """Who owns a thing."""
    item = ctx.named(g["name"])
    node = item.node
    ref = getattr(node, "owner", None)
    if ref is None:
        return Answer(
            f"{item.kind.capitalize()} {tick(item.key)} ({item.title}) has no owner "
            f"({item.file}:{item.line}).",
            [ref_of(item)],
            kind="lookup",
        )
    team = ctx.lookup(ref.target) if ref.target else None
    name = f"{tick(ref.text)} ({team.title})" if team is not None else tick(ref.text)
    refs = [ref_of(item)] + ([ref_span(ref.text, team.span)] if team is not None else [])
    return Answer(
        f"{item.kind.capitalize()} {tick(item.key)} ({item.title}) is owned by team {name} "
        f"({ref.span.file}:{ref.span.line}).",
        [r for r in refs if r is not None],
        kind="lookup",
    )


def captures(ctx: Context, g: dict[str, str]) -> Answer:
    """What a touchpoint captures."""
    item = ctx.named(g["name"], ("touchpoint",))
    rows = [
        (tick(c.target or c.text), ref_span(c.target or c.text, c.span)) for c in item.node.captures
    ]
    return _answer(
        "lookup",
        f"Touchpoint {tick(item.key)} ({item.title}, {item.file}:{item.line}) captures:",
        rows,
        f"Touchpoint {tick(item.key)} ({item.title}, {item.file}:{item.line}) captures no data.",
    )


def pii_systems(ctx: Context, g: dict[str, str]) -> Answer:
    """Which systems hold pii fields."""
    rows = []
    for system in ctx.map.systems:
        fields = [
            f"{e.name}.{f.name}"
            for e in ctx.map.entities
            if e.system.target == system.id
            for f in e.fields
            if f.pii
        ]
        if fields:
            rows.append(
                (
                    f"{tick(system.id)} ({system.title}): {', '.join(fields)}",
                    ref_span(system.id, system.id_span),
                )
            )
    return _answer(
        "lookup", "These systems hold PII fields:", rows, "No field of this map is marked `pii`."
    )


def moments(ctx: Context, g: dict[str, str]) -> Answer:
    """Every moment of truth."""
    rows = [
        (
            f"{tick(f'{j.id}.{t.id}')} {t.title} (stage {s.title}, score {t.score or '?'})",
            _tp_ref(j, t),
        )
        for j, s, t in _touchpoints(ctx)
        if t.moment_of_truth
    ]
    return _answer("lookup", "The moments of truth:", rows, "No touchpoint is a moment of truth.")


def steps_by_mode(ctx: Context, g: dict[str, str]) -> Answer:
    """The manual (or automated, or unset) steps."""
    mode = "automated" if "auto" in g["mode"] else "manual"
    rows = [
        (
            f"{tick(f'{p.id}.{n.id}')} {n.title} (owner {n.owner.text if n.owner else 'none'})",
            ref_span(f"{p.id}.{n.id}", n.id_span),
        )
        for p, n in _steps(ctx)
        if n.mode == mode
    ]
    return _answer("lookup", f"The {mode} steps:", rows, f"No step is marked `{mode}`.")


def record_of(ctx: Context, g: dict[str, str]) -> Answer:
    """The system of record for a kind of record."""
    wanted = norm(g["name"]).rstrip("s")
    rows = []
    for system in ctx.map.systems:
        for name in system.record_of:
            if norm(name.value).rstrip("s") == wanted:
                rows.append(
                    (
                        f"{tick(system.id)} ({system.title}) is the record of {tick(name.value)}",
                        ref_span(system.id, name.span),
                    )
                )
    if rows:
        return _answer("lookup", f"System of record for {g['name']}:", rows, "")
    known = sorted({n.value for s in ctx.map.systems for n in s.record_of})
    return Answer(
        f"No system is the record of {tick(g['name'])}. Records named in this map: "
        + (", ".join(tick(k) for k in known) or "none")
        + ".",
        kind="lookup",
    )


_LISTS: dict[str, str] = {
    "team": "teams",
    "persona": "personas",
    "channel": "channels",
    "system": "systems",
    "entity": "entities",
    "journey": "journeys",
    "process": "processes",
    "integration": "integrations",
    "goal": "goals",
    "touchpoint": "touchpoints",
    "step": "steps",
}


def list_kind(ctx: Context, g: dict[str, str]) -> Answer:
    """Every thing of a kind."""
    word = g["kind"].lower()
    kind = next(k for k, plural in _LISTS.items() if word in (k, plural))
    items = ctx.names.of_kind(kind)
    rows: list[tuple[str, Reference | None]] = [
        (f"{tick(i.key)} {i.title}", ref_of(i)) for i in items
    ]
    return _answer(
        "lookup", f"The {_LISTS[kind]} ({len(items)}):", rows, f"This map has no {_LISTS[kind]}."
    )


def describe(ctx: Context, g: dict[str, str]) -> Answer:
    """What a thing is: its kind, title, place and clauses."""
    item = ctx.named(g["name"])
    node = item.node
    parts = []
    for attr in (
        "kind",
        "owner",
        "system",
        "channel",
        "score",
        "mode",
        "takes",
        "sla",
        "users",
        "via",
        "persona",
    ):
        value = getattr(node, attr, None)
        if value is None or value is False:
            continue
        text = getattr(value, "text", value)
        parts.append(f"{attr} {tick(str(text))}")
    if getattr(node, "moment_of_truth", False):
        parts.append("a moment of truth")
    refs = [ref_of(item)] + [r.reference for r in _references_to(ctx, item.key)]
    used = len(refs) - 1
    text = f"{item.kind.capitalize()} {tick(item.key)}: **{item.title}** ({item.file}:{item.line})"
    if parts:
        text += "\n\n- " + "\n- ".join(parts)
    text += f"\n\nReferenced {used} time{'s' if used != 1 else ''}."
    return Answer(text, refs, kind="lookup")


class _Use:
    def __init__(self, reference: Reference, words: str) -> None:
        self.reference = reference
        self.words = words


def _references_to(ctx: Context, key: str) -> list[_Use]:
    out = []
    for r in crmdsl.edit.references(ctx.analysis, key):
        span = r.ref.span
        out.append(_Use(Reference(r.ref.target or key, span.file, span.line, span.col), str(r)))
    return out


# ---------------------------------------------------------------- lineage


def _field_matches(ctx: Context, phrase: str) -> list[Named]:
    for text in (phrase, *_shorter(phrase)):
        match = ctx.names.find(text, ("field",))
        if match.found is not None:
            return [match.found]
        if match.choices:
            return match.choices
    ctx.named(phrase, ("field",))
    return []


def _shorter(phrase: str) -> list[str]:
    words = [
        w
        for w in norm(phrase).split()
        if w not in {"number", "address", "field", "data", "of", "customer", "customers"}
    ]
    return [" ".join(words)] if words else []


def lineage(ctx: Context, g: dict[str, str]) -> Answer:
    """Where a field's data comes from and where it goes, hop by hop."""
    way = g.get("way", "both")
    chunks: list[str] = []
    refs: list[Reference] = []
    for item in _field_matches(ctx, g["name"])[:4]:
        up, down = crmdsl.lineage(ctx.map, item.key)
        chunks.append(f"**{tick(item.key)}** ({item.file}:{item.line})")
        refs.append(ref_of(item))
        if way in ("from", "both"):
            chunks.append(_hops("Comes from", up, refs) or "- no integration brings data into it")
            chunks += _capture_lines(ctx, item.key, refs)
        if way in ("to", "both"):
            chunks.append(_hops("Goes to", down, refs) or "- no integration takes it anywhere")
    return Answer("\n".join(chunks), refs, kind="lineage")


def _hops(head: str, hops: list[Any], refs: list[Reference]) -> str:
    lines = []
    for hop in hops:
        via = f" via {hop.via}" if hop.via else ""
        lines.append(
            f"- {head.lower()}: {tick(hop.source)} → {tick(hop.target)} on {tick(hop.integration)} "
            f"({hop.title}), {hop.frequency}{via} ({hop.span.file}:{hop.span.line})"
        )
        refs.append(Reference(hop.integration, hop.span.file, hop.span.line, hop.span.col))
    return "\n".join(lines)


def _capture_lines(ctx: Context, key: str, refs: list[Reference]) -> list[str]:
    out = []
    for j, _s, t in _touchpoints(ctx):
        for c in t.captures:
            if c.target == key:
                out.append(
                    f"- captured at touchpoint {tick(f'{j.id}.{t.id}')} ({t.title}) ({c.span.file}:{c.span.line})"
                )
                refs.append(Reference(f"{j.id}.{t.id}", c.span.file, c.span.line, c.span.col))
    return out


# ---------------------------------------------------------------- journeys


def _journey_scope(ctx: Context, g: dict[str, str]) -> str | None:
    phrase = (g.get("name") or "").strip()
    if not phrase or norm(phrase) in {"map", "this map", "journey", "journeys", "all", "it"}:
        return None
    return ctx.named(phrase, ("journey",)).key


def pains(ctx: Context, g: dict[str, str]) -> Answer:
    """The pains of a journey (or every journey), by touchpoint."""
    journey = _journey_scope(ctx, g)
    rows = [
        (f"{tick(f'{j.id}.{t.id}')} {t.title} (score {t.score or '?'}): “{p}”", _tp_ref(j, t))
        for j, _s, t in _touchpoints(ctx, journey)
        for p in t.pains
    ]
    where = f" in {tick(journey)}" if journey else ""
    return _answer("journey", f"Pain points{where}:", rows, f"No pain is noted{where}.")


def unhappiest(ctx: Context, g: dict[str, str]) -> Answer:
    """The touchpoints with the lowest score."""
    scored = [(j, s, t) for j, s, t in _touchpoints(ctx) if t.score is not None]
    if not scored:
        return Answer("No touchpoint has a score, so I cannot tell.", kind="journey")
    low = min(t.score for _, _, t in scored)
    rows = [
        (
            f"{tick(f'{j.id}.{t.id}')} {t.title} in stage {s.title}: score {t.score}"
            + (f"; pain “{t.pains[0]}”" if t.pains else ""),
            _tp_ref(j, t),
        )
        for j, s, t in scored
        if t.score == low
    ]
    return _answer("journey", f"The customer is unhappiest here (score {low} of 5):", rows, "")


def pains_without_idea(ctx: Context, g: dict[str, str]) -> Answer:
    """Touchpoints with a pain and no idea."""
    rows = [
        (f"{tick(f'{j.id}.{t.id}')} {t.title}: “{'”, “'.join(t.pains)}”", _tp_ref(j, t))
        for j, _s, t in _touchpoints(ctx)
        if t.pains and not t.ideas
    ]
    return _answer("journey", "Pains with no idea yet:", rows, "Every pain has an idea.")


def moments_without_kpi(ctx: Context, g: dict[str, str]) -> Answer:
    """Moments of truth without a KPI."""
    rows = [
        (f"{tick(f'{j.id}.{t.id}')} {t.title}", _tp_ref(j, t))
        for j, _s, t in _touchpoints(ctx)
        if t.moment_of_truth and not t.kpis
    ]
    return _answer(
        "journey", "Moments of truth with no KPI:", rows, "Every moment of truth has a KPI."
    )


# ---------------------------------------------------------------- processes


def _process(ctx: Context, g: dict[str, str]) -> Any:
    phrase = (g.get("name") or "").strip()
    if not phrase:
        if len(ctx.map.processes) == 1:
            return ctx.map.processes[0]
        names = ", ".join(tick(p.id) for p in ctx.map.processes)
        raise Reply(
            Answer(
                f"Which process? This map has {names or 'none'}.", kind="ambiguous", question=True
            )
        )
    return ctx.named(phrase, ("process",)).node


def longest(ctx: Context, g: dict[str, str]) -> Answer:
    """The longest path of a process and what it takes."""
    process = _process(ctx, g)
    path = crmdsl.longest_path(process)
    if not path:
        return Answer(
            f"No `end` of {tick(process.id)} can be reached from its start, so it has no longest path.",
            kind="process",
        )
    nodes = [process.node(i) for i in path]
    total = sum(n.takes.minutes for n in nodes if n.statement == "step" and n.takes)
    rows = [
        (
            f"{tick(n.id)} {n.title}"
            + (f", takes {n.takes.text}" if getattr(n, "takes", None) else "")
            + (f", SLA {n.sla.text}" if getattr(n, "sla", None) else ""),
            ref_span(f"{process.id}.{n.id}", n.id_span),
        )
        for n in nodes
    ]
    return _answer(
        "process",
        f"The longest path of {tick(process.id)} ({process.title}) takes {duration(total)}: "
        + " → ".join(path),
        rows,
        "",
    )


def no_sla(ctx: Context, g: dict[str, str]) -> Answer:
    """Steps with no SLA (where the customer waits without a promise)."""
    scope = _process(ctx, g).id if g.get("name") else None
    rows = [
        (
            f"{tick(f'{p.id}.{n.id}')} {n.title}" + (f" takes {n.takes.text}" if n.takes else ""),
            ref_span(f"{p.id}.{n.id}", n.id_span),
        )
        for p, n in _steps(ctx, scope)
        if n.sla is None
    ]
    return _answer(
        "process", "Steps with no SLA (waits nobody promised):", rows, "Every step has an SLA."
    )


def count_handoffs(ctx: Context, g: dict[str, str]) -> Answer:
    """The hand-offs between teams along a process's flows."""
    process = _process(ctx, g)
    found = crmdsl.handoffs(process)
    rows = [
        (
            f"{tick(a)} → {tick(b)}: {tick(s)} → {tick(t)}",
            ref_span(f"{process.id}.{t}", process.node(t).id_span),
        )
        for a, b, s, t in found
    ]
    return _answer(
        "process",
        f"{tick(process.id)} ({process.title}) has {len(found)} "
        f"hand-off{'s' if len(found) != 1 else ''} between teams:",
        rows,
        f"{tick(process.id)} has no hand-off between teams.",
    )


# ---------------------------------------------------------------- goals


def roi(ctx: Context, g: dict[str, str]) -> Answer:
    """A goal's return."""
    item = ctx.named(g["name"], ("goal",))
    r = crmdsl.goal_return(item.node)
    parts = [f"Goal {tick(item.key)} ({item.title}, {item.file}:{item.line}):"]
    c = r.currency or ""
    if r.yearly_value is not None:
        parts.append(f"- yearly value {r.yearly_value:,.0f} {c}")
    if r.yearly_cost:
        parts.append(f"- yearly cost {r.yearly_cost:,.0f} {c}")
    if r.one_time_cost:
        parts.append(f"- one-time cost {r.one_time_cost:,.0f} {c}")
    if r.return_pct is not None:
        parts.append(f"- return: {r.return_pct:.0f}% over {r.horizon_years:g} years")
    else:
        parts.append(f"- no return: {r.problem}")
    if r.payback_months is not None:
        never = r.payback_months == float("inf")
        parts.append("- never paid back" if never else f"- payback: {r.payback_months:.1f} months")
    if r.realised_value is not None:
        parts.append(f"- realised so far: {r.realised_value:,.0f} {c} a year")
    return Answer("\n".join(parts), [ref_of(item)], kind="goal")


def goals_without_cost(ctx: Context, g: dict[str, str]) -> Answer:
    """Goals with no cost line."""
    rows = [
        (f"{tick(x.id)} {x.title}", ref_span(x.id, x.id_span)) for x in ctx.map.goals if not x.costs
    ]
    return _answer("goal", "Goals with no cost:", rows, "Every goal has a cost.")


def supports(ctx: Context, g: dict[str, str]) -> Answer:
    """What supports a goal."""
    item = ctx.named(g["name"], ("goal",))
    rows = [
        (tick(r.target or r.text), ref_span(r.target or r.text, r.span))
        for r in item.node.supported_by
    ]
    return _answer(
        "goal",
        f"Goal {tick(item.key)} ({item.title}) is supported by:",
        rows,
        f"Nothing is named as supporting goal {tick(item.key)}.",
    )


QUERIES: dict[str, Handler] = {
    "owner": owner,
    "captures": captures,
    "pii_systems": pii_systems,
    "moments": moments,
    "steps_by_mode": steps_by_mode,
    "record_of": record_of,
    "list_kind": list_kind,
    "describe": describe,
    "lineage": lineage,
    "pains": pains,
    "unhappiest": unhappiest,
    "pains_without_idea": pains_without_idea,
    "moments_without_kpi": moments_without_kpi,
    "longest": longest,
    "no_sla": no_sla,
    "handoffs": count_handoffs,
    "roi": roi,
    "goals_without_cost": goals_without_cost,
    "supports": supports,
}
