"""Rules M006–M008: the plan — as-is and to-be hold together, and changes happen on time.

In: a `RuleContext`. Out: `Hit`s on the reference that crosses from one state into the
other (M006, M007), or on the `by` date of a change that is overdue (M008). What is
planned or retiring is each element's effective lifecycle (`crmdsl.query.lifecycle`): a
child without a flag of its own shares its parent's.
"""

from __future__ import annotations

from collections.abc import Iterator

from crmdsl import model as m
from crmdsl.errors import Note, Span
from crmdsl.language.refs import walk_refs
from crmdsl.query.lifecycle import effective_lifecycle, lifecycles
from crmdsl.rules.places import field_span, keyword_span
from crmdsl.rules.registry import Hit, RuleContext, rule

__all__ = ["element_name"]

#: References an element of today's map may make to the plan: a goal may rest on it,
#: an idea may serve a goal (M007 leaves these alone).
_MAY_NAME_THE_PLAN = frozenset({("goal", "supported-by"), ("idea", "for")})


def element_name(node: object, key: str = "") -> str:
    """How a message names an element: `touchpoint `bot``, `field `crm.Lead.email``.

    `key` is the element's reference key, where the caller knows it (a field's full name).
    """
    if isinstance(node, m.Entity):
        return f"entity `{node.key}`"
    if isinstance(node, m.Mapping):
        return f"the `map` line `{node.source.text} -> {node.target.text}`"
    if isinstance(node, m.EntityField):
        return f"field `{key or node.name}`"
    if isinstance(node, m.Declared):
        return f"{node.statement} `{node.id}`"
    if isinstance(node, m.Idea):
        return f'the idea "{node.text}"'
    if isinstance(node, m.Kpi):
        return f'the KPI "{node.name}"'
    return f"a `{getattr(node, 'statement', '')}` line"


def _crossings(ctx: RuleContext, gone: m.Lifecycle) -> Iterator[tuple[m.Node, m.Node, m.Ref]]:
    """References from an element that stays in a state to one that state leaves out.

    `gone` is what the state leaves out (`retiring` for the to-be map, `planned` for the
    as-is map): yields (referring element, element referred to, reference).
    """
    mp = ctx.map
    leaving = {key for key, state in lifecycles(mp).items() if state == gone}
    if not leaving:
        return  # nothing is `gone`: no reference can cross (most maps, most of the time)
    for site in walk_refs(mp):
        if site.ref.target is None:
            continue
        target = mp.lookup(site.ref.target)
        if id(target) not in leaving or not isinstance(target, m.Node):
            continue
        holder = site.node
        if effective_lifecycle(mp, holder) == gone:
            continue  # both leave together
        if gone == "planned" and (holder.statement, site.keyword) in _MAY_NAME_THE_PLAN:
            continue
        yield holder, target, site.ref


def _place(node: m.Node) -> Span:
    """Where a finding on an element goes: its keyword, or a field's name."""
    if isinstance(node, m.EntityField):
        return field_span(node)
    return keyword_span(node, "map" if isinstance(node, m.Mapping) else None)


def _where(node: m.Node, key: str) -> Note:
    """A note on where the element referred to is declared."""
    return Note(f"{element_name(node, key)} is declared here", _place(node))


#: For each state left out: how the message reads (before and after the target) and the hint.
_CROSSING: dict[str, tuple[str, str, str]] = {
    "retiring": (
        "stays in the to-be map but refers to",
        "which is retiring",
        "point it at what replaces it, or flag it `retiring` as well",
    ),
    "planned": (
        "is in today's map but refers to",
        "which is only planned",
        "flag it `planned` as well, or point it at what exists today",
    ),
}


def _crossing_hits(ctx: RuleContext, gone: m.Lifecycle) -> Iterator[Hit]:
    """A finding on each reference from what a state keeps to what it leaves out."""
    before, after, hint = _CROSSING[gone]
    for holder, target, ref in _crossings(ctx, gone):
        key = ref.target or ""
        yield Hit(
            ref.span,
            f"{element_name(holder)} {before} {element_name(target, key)}, {after}",
            hint=hint,
            notes=(_where(target, key),),
        )


@rule("M006", "to-be-uses-retiring", "warning")
def to_be_uses_retiring(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags an element of the to-be map that refers to a `retiring` one.

    The to-be map is everything not `retiring`. A current or planned touchpoint on a
    retiring system, an integration that is not retiring with a retiring end, a
    `backstage` or `supported-by` naming a retiring step: each refers to something the
    plan removes. Anything inside a retiring element (an entity of a retiring system, its
    fields) retires with it and is not flagged.

    Why it matters: when the old tool is switched off, whatever still points at it
    breaks: the touchpoint has no system, the sync has no end. The plan is complete only
    when every user of the retiring element has been moved to its replacement or retires
    with it.

    Example:
        system mailchimp "Mailchimp" kind marketing owner marketing retiring by 2027-06-30
        touchpoint newsletter "Newsletter" channel email system mailchimp
    Fix:
        system mailchimp "Mailchimp" kind marketing owner marketing retiring by 2027-06-30
        system klaviyo "Klaviyo" kind marketing owner marketing planned by 2027-03-31
        touchpoint newsletter "Newsletter" channel email system klaviyo
    """
    yield from _crossing_hits(ctx, "retiring")


@rule("M007", "as-is-uses-planned", "warning")
def as_is_uses_planned(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags an element of today's map that refers to a `planned` one.

    Today's (as-is) map is everything not `planned`. A current touchpoint on a planned
    system, a step that flows into a planned step, a `map` line feeding a planned field:
    each refers to something that does not exist yet. A goal's `supported-by` and an
    idea's `for` are left alone: a goal may rest on the plan.

    Why it matters: the as-is map is the record of how the company works today. An
    element of it that leans on the plan describes a today that does not exist, and the
    as-is findings, diagrams and reports are then wrong.

    Example:
        system chatbot "Chatbot" kind service owner service planned by 2027-03-31
        touchpoint help "Help desk" channel web system chatbot
    Fix:
        touchpoint help "Help desk" channel web system chatbot planned by 2027-03-31
    """
    yield from _crossing_hits(ctx, "planned")


_PAST_DUE = {"planned": "was planned for", "retiring": "was to retire by"}
_PAST_DUE_HINT = {
    "planned": "if it is live, drop `planned`; if not, move the date",
    "retiring": "if it is gone, remove it from the map; if not, move the date",
}


def _changes(mp: m.CrmMap) -> Iterator[tuple[m.Node, str]]:
    """Every element that can carry a lifecycle flag, with its key where it needs one."""
    yield from ((system, "") for system in mp.systems)
    for entity in mp.entities:
        yield entity, ""
        yield from ((fld, f"{entity.key}.{fld.name}") for fld in entity.fields)
    for journey in mp.journeys:
        for stage in journey.stages:
            yield stage, ""
            yield from ((tp, "") for tp in stage.touchpoints)
    for process in mp.processes:
        yield from ((node, "") for node in process.nodes)
    for integration in mp.integrations:
        yield integration, ""
        yield from ((mapping, "") for mapping in integration.maps)


@rule("M008", "transition-past-due", "warning")
def transition_past_due(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a `planned` or `retiring` element whose `by` date is before today.

    Why it matters: the date was the plan. Once it has passed, either the change
    happened (and the flag should go: a live chatbot is no longer planned, a switched-off
    tool leaves the map) or it slipped, and the plan needs a new date everyone can see.

    Example:
        touchpoint bot "Chatbot" channel chat owner service planned by 2026-03-31
    Fix:
        touchpoint bot "Chatbot" channel chat owner service planned by 2027-03-31
    """
    for node, key in _changes(ctx.map):
        state: m.Lifecycle = getattr(node, "lifecycle", "current")
        by = getattr(node, "lifecycle_by", None)
        if state == "current" or by is None or by >= ctx.today:
            continue
        spans = node.clause_spans.get("by")
        yield Hit(
            spans[0] if spans else _place(node),
            f"{element_name(node, key)} {_PAST_DUE[state]} {by.isoformat()}",
            hint=_PAST_DUE_HINT[state],
        )
