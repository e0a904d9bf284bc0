"""Hover texts: a `Symbol` of an analysis in, Markdown about it out.

The text says what the symbol is (kind, id, label), where it sits (its journey, stage,
process or entity) and who owns it, how often it is used and where, and what matters
for its kind: a step's durations and mode, a field's type and flags, a system's kind and
what it is the system of record for, an integration's ends and schedule, a goal's
metrics, costs and return over its horizon. Facts come from the model, the symbol index
and `crmdsl.query.returns`; nothing is parsed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crmdsl import model as m
from crmdsl.language.loader import Analysis
from crmdsl.query.lifecycle import effective_lifecycle
from crmdsl.query.returns import PAYBACK_NEVER, GoalReturn, goal_return
from crmdsl.query.symbols import Symbol, symbol_index

__all__ = ["hover_markdown"]

_SHOWN_PLACES = 5


def hover_markdown(analysis: Analysis, symbol: Symbol) -> str:
    """The hover text of a symbol, as Markdown."""
    index = symbol_index(analysis)
    key = index.key_of_symbol(symbol)
    node = index.nodes.get(key)
    head = f"**{symbol.kind}** `{symbol.id}`"
    if symbol.label is not None:
        head += f" — {symbol.label}"
    lines = [head, ""]
    facts = _FACTS.get(type(node))
    if facts is not None:
        lines += [f"- {fact}" for fact in facts(node, key, analysis)]
    if node is not None:
        lines += [f"- {fact}" for fact in _lifecycle(analysis.map, node)]
    if isinstance(node, m.Channel) and node.builtin:
        lines.append("- a built-in channel")
    elif not isinstance(node, m.Include):
        s = symbol.span
        lines.append(f"- declared at {s.file}:{s.line}:{s.col}")
    lines += ["", _used(index.refs.get(key, []))]
    return "\n".join(lines).strip() + "\n"


def _lifecycle(crm_map: m.CrmMap, node: Any) -> list[str]:
    """`planned by 2027-03-31`; `retiring (with its parent)` when it inherits the flag."""
    state = effective_lifecycle(crm_map, node)
    if state == "current":
        return []
    by = getattr(node, "lifecycle_by", None)
    own = getattr(node, "lifecycle", "current") == state
    return [state + (f" by {by.isoformat()}" if by else "") + ("" if own else " (with its parent)")]


def _used(spans: list[Any]) -> str:
    if not spans:
        return "Not used anywhere in the map."
    places = ", ".join(f"{s.file}:{s.line}:{s.col}" for s in spans[:_SHOWN_PLACES])
    more = f" and {len(spans) - _SHOWN_PLACES} more" if len(spans) > _SHOWN_PLACES else ""
    times = "once" if len(spans) == 1 else f"{len(spans)} times"
    return f"Used {times}: {places}{more}."


def _ref(label: str, ref: m.Ref | None) -> list[str]:
    return [] if ref is None else [f"{label}: `{ref.text}`"]


def _value(label: str, value: object) -> list[str]:
    return [] if value is None or value == [] else [f"{label}: {value}"]


def _owner(node: Any, key: str, analysis: Analysis) -> list[str]:
    return _ref("owner", getattr(node, "owner", None))


def _member(node: Any, key: str, analysis: Analysis) -> list[str]:
    """Where a stage, touchpoint, step, decision or end sits."""
    scope = key.split(".", 1)[0]
    container = analysis.map.lookup(scope)
    out = [f"in {container.statement} `{scope}`"] if container is not None else []
    if isinstance(node, m.Touchpoint) and isinstance(container, m.Journey):
        stage = next((s for s in container.stages if any(t is node for t in s.touchpoints)), None)
        if stage is not None:
            out[0] += f", stage `{stage.id}`"
    return out


def _touchpoint(node: m.Touchpoint, key: str, analysis: Analysis) -> list[str]:
    return [
        *_member(node, key, analysis),
        *_ref("channel", node.channel),
        *_value("score", node.score),
        *_owner(node, key, analysis),
        *_ref("system", node.system),
        *(["moment of truth"] if node.moment_of_truth else []),
        *_value("captures", ", ".join(f"`{r.text}`" for r in node.captures) or None),
        *_value("backstage", ", ".join(f"`{r.text}`" for r in node.backstage) or None),
    ]


def _step(node: m.Step, key: str, analysis: Analysis) -> list[str]:
    return [
        *_member(node, key, analysis),
        *_owner(node, key, analysis),
        *_ref("system", node.system),
        *_value("done", node.mode),
        *_value("takes", node.takes),
        *_value("sla", node.sla),
        *_ref("then", node.next),
    ]


def _decision(node: m.Decision, key: str, analysis: Analysis) -> list[str]:
    outcomes = ", ".join(f"{o.label} → `{o.target.text}`" for o in node.outcomes)
    return [*_member(node, key, analysis), *_value("outcomes", outcomes or None)]


def _field(node: m.EntityField, key: str, analysis: Analysis) -> list[str]:
    flags = [f for f in ("required", "unique", "key", "pii", "readonly", "consent")
             if getattr(node, f)]  # fmt: skip
    entity = key.rsplit(".", 1)[0]
    return [
        f"in entity `{entity}`",
        f"type: `{node.type}`",
        *_value("flags", ", ".join(flags) or None),
    ]


def _entity(node: m.Entity, key: str, analysis: Analysis) -> list[str]:
    return [
        f"in system `{node.system.text}`",
        *_value("records", node.records),
        *_value("retain", node.retain),
        f"fields: {len(node.fields)}",
    ]


def _system(node: m.System, key: str, analysis: Analysis) -> list[str]:
    return [
        *_value("kind", node.kind),
        *_owner(node, key, analysis),
        *_value("users", node.users),
        *_value("system of record for", ", ".join(n.value for n in node.record_of) or None),
    ]


def _journey(node: m.Journey, key: str, analysis: Analysis) -> list[str]:
    touchpoints = sum(len(s.touchpoints) for s in node.stages)
    return [
        *_ref("persona", node.persona),
        *_owner(node, key, analysis),
        f"{len(node.stages)} stages, {touchpoints} touchpoints",
    ]


def _process(node: m.Process, key: str, analysis: Analysis) -> list[str]:
    return [*_owner(node, key, analysis), f"{len(node.nodes)} steps, decisions and ends"]


def _integration(node: m.Integration, key: str, analysis: Analysis) -> list[str]:
    arrow = "<->" if node.two_way else "->"
    return [
        f"`{node.source.text}` {arrow} `{node.target.text}`",
        *_value("runs", node.frequency),
        *_value("via", node.via),
        *_owner(node, key, analysis),
        *_ref("master", node.master),
        f"map lines: {len(node.maps)}",
    ]


def _goal(node: m.Goal, key: str, analysis: Analysis) -> list[str]:
    out = _owner(node, key, analysis)
    for metric in node.metrics:
        parts = [f"metric `{metric.name}`"]
        parts += [f"baseline {metric.baseline}"] if metric.baseline is not None else []
        parts += [f"target {metric.target}"] if metric.target is not None else []
        parts += [f"by {metric.by}"] if metric.by is not None else []
        out.append(" ".join(parts))
    out += [f"cost {c.amount} {'once' if c.period == 'once' else 'per ' + c.period}"
            for c in node.costs]  # fmt: skip
    out += _value("supported by", ", ".join(f"`{r.text}`" for r in node.supported_by) or None)
    return out + _return_lines(goal_return(node))


def _return_lines(r: GoalReturn) -> list[str]:
    """A goal's money in a few lines (`crmdsl.query.returns` says what each figure means)."""

    def money(value: float) -> str:
        return f"{value:,.0f} {r.currency or ''}".rstrip()

    years = f"{r.horizon_years:g} year" + ("" if r.horizon_years == 1 else "s")
    if r.return_pct is None:
        return [f"no return: {r.problem}"]
    figures = [f"value {money(r.yearly_value or 0.0)} a year"]
    figures += [f"cost {money(r.yearly_cost)} a year"] if r.yearly_cost else []
    figures += [f"{money(r.one_time_cost)} once"] if r.one_time_cost else []
    out = [f"return over {years}: {r.return_pct:.0f}% ({', '.join(figures)})"]
    if r.payback_months is not None:
        never = r.payback_months == PAYBACK_NEVER
        out.append("never paid back" if never else f"paid back in {r.payback_months:.1f} months")
    if r.realised_value is not None:
        out.append(f"realised so far: {money(r.realised_value)} a year")
    return out


def _persona(node: m.Persona, key: str, analysis: Analysis) -> list[str]:
    return [
        *_value("needs", "; ".join(node.needs) or None),
        *_value("pains", "; ".join(node.pains) or None),
    ]


def _include(node: m.Include, key: str, analysis: Analysis) -> list[str]:
    return [f"the file `{node.file}`, included as `{node.path}`"]


_FACTS: dict[type, Callable[[Any, str, Analysis], list[str]]] = {
    m.Touchpoint: _touchpoint,
    m.Stage: _member,
    m.Step: _step,
    m.Decision: _decision,
    m.End: _member,
    m.EntityField: _field,
    m.Entity: _entity,
    m.System: _system,
    m.Journey: _journey,
    m.Process: _process,
    m.Integration: _integration,
    m.Goal: _goal,
    m.Persona: _persona,
    m.Team: lambda node, key, analysis: _value("what it does", node.description),
    m.Include: _include,
}
