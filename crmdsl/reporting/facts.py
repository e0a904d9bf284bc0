"""Facts about a resolved map for tools that answer questions (the chat assistant).

In: a `CrmMap` (and a field key or a process). Out: plain data, with the places they
come from:

- `lineage(map, field_key)`: the hops data takes into a field (upstream, nearest first)
  and out of it (downstream), following integration `map` lines both ways of a
  two-way integration, transitively; each hop names the integration, its frequency and
  method and the `map` line's place.
- `longest_path(process)`: the node ids of the longest path from the start to an `end`,
  loops removed, weighed by each step's `takes` (what `crmdsl report` shows).
"""

from __future__ import annotations

from dataclasses import dataclass

from crmdsl.errors import Span
from crmdsl.model import CrmMap, Decision, End, Integration, Process, Step
from crmdsl.query.graph import FlowGraph

__all__ = ["Hop", "lineage", "longest_path", "rule_info"]


@dataclass(frozen=True, slots=True)
class Hop:
    """Data moving from field key `source` to `target` on a `map` line of `integration`."""

    source: str
    target: str
    integration: str
    title: str
    frequency: str
    via: str | None
    span: Span


def _frequency(integration: Integration) -> str:
    freq = integration.frequency
    if freq is None:
        return "no frequency given"
    if freq.kind == "every" and freq.every is not None:
        return f"every {freq.every.text}"
    return freq.kind


def _hops(crm_map: CrmMap) -> list[Hop]:
    out: list[Hop] = []
    for integ in crm_map.integrations:
        for m in integ.maps:
            src, dst = m.source.target, m.target.target
            if src is None or dst is None:
                continue
            pairs = [(src, dst), (dst, src)] if integ.two_way else [(src, dst)]
            for a, b in pairs:
                out.append(Hop(a, b, integ.id, integ.title, _frequency(integ), integ.via, m.span))
    return out


def _walk(start: str, hops: list[Hop], forward: bool) -> list[Hop]:
    seen = {start}
    queue = [start]
    found: list[Hop] = []
    while queue:
        here = queue.pop(0)
        for hop in hops:
            near, far = (hop.source, hop.target) if forward else (hop.target, hop.source)
            if near == here and hop not in found and far != start:
                found.append(hop)
                if far not in seen:
                    seen.add(far)
                    queue.append(far)
    return found


def lineage(crm_map: CrmMap, field_key: str) -> tuple[list[Hop], list[Hop]]:
    """(upstream hops into `field_key`, downstream hops out of it), nearest first."""
    hops = _hops(crm_map)
    return _walk(field_key, hops, forward=False), _walk(field_key, hops, forward=True)


def longest_path(process: Process) -> list[str]:
    """The longest start-to-end path by `takes` (loops removed); [] when no end is reached."""

    def weight(node: Step | Decision | End) -> float:
        return float(node.takes.minutes) if isinstance(node, Step) and node.takes else 0.0

    return FlowGraph(process).longest_path(weight)


def rule_info(code: str) -> tuple[str, str, str, str] | None:
    """(code, name, severity, explanation) of the lint rule `code` (any case), or None."""
    import inspect

    from crmdsl.rules import RULES

    found = RULES.get(code.strip().upper())
    if found is None:
        return None
    return code.strip().upper(), found.name, found.severity, inspect.cleandoc(found.doc or "")
