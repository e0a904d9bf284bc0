"""The process part of `crmdsl report`: a map's processes in, Markdown lines out.

Per process: its steps (owner, system, mode, `takes`, `sla`), the manual share, the
hand-offs between teams along the flows, and the longest path from the start to an
`end` on the flow graph with its loops removed (docs/rules.md), its total `takes` set against
the SLAs of the steps on it.
"""

from __future__ import annotations

from crmdsl.model import CrmMap, Decision, End, Process, Step
from crmdsl.query.graph import FlowGraph
from crmdsl.reporting.markdown import code, duration, esc, percent, plural, table

__all__ = ["handoffs", "process_section"]


def _team(node: Step | Decision | End) -> str | None:
    if isinstance(node, Step) and node.owner is not None:
        return node.owner.text
    return None


def handoffs(process: Process) -> list[tuple[str, str, str, str]]:
    """(from team, to team, from step, to step) for each flow that changes owning team.

    Decisions, ends and steps without an owner are passed through, as P206 counts them.
    """
    succ: dict[str, list[str]] = {n.id: [] for n in process.nodes}
    for e in process.edges:
        if e.source in succ and e.target in succ and e.target not in succ[e.source]:
            succ[e.source].append(e.target)
    by_id = {n.id: n for n in process.nodes}
    out: list[tuple[str, str, str, str]] = []
    for node in process.nodes:
        team = _team(node)
        if team is None:
            continue
        seen = {node.id}
        todo = list(succ[node.id])
        while todo:
            nxt = todo.pop(0)
            if nxt in seen:
                continue
            seen.add(nxt)
            other = _team(by_id[nxt])
            if other is None:
                todo.extend(succ[nxt])
            elif other != team:
                out.append((team, other, node.id, nxt))
    return out


def _step_rows(process: Process) -> list[list[str]]:
    rows = []
    for n in process.nodes:
        if isinstance(n, Step):
            rows.append(
                [
                    f"{esc(n.title)} ({code(n.id)})",
                    code(n.owner.text) if n.owner else "—",
                    code(n.system.text) if n.system else "—",
                    n.mode or "—",
                    duration(n.takes.minutes) if n.takes else "—",
                    duration(n.sla.minutes) if n.sla else "—",
                ]
            )
    return rows


def _decisions_and_ends(process: Process) -> list[str]:
    out = []
    for n in process.nodes:
        if isinstance(n, Decision):
            outcomes = ", ".join(f"{esc(o.label)} → {code(o.target.text)}" for o in n.outcomes)
            out.append(f"- Decision {esc(n.title)} ({code(n.id)}): {outcomes or 'no outcomes'}.")
    ends = [f"{esc(n.title)} ({code(n.id)})" for n in process.nodes if isinstance(n, End)]
    if ends:
        out.append(f"- {'End' if len(ends) == 1 else 'Ends'}: {', '.join(ends)}.")
    return [*out, ""] if out else []


def _longest(process: Process) -> list[str]:
    graph = FlowGraph(process)

    def weight(node: Step | Decision | End) -> float:
        return float(node.takes.minutes) if isinstance(node, Step) and node.takes else 0.0

    path = graph.longest_path(weight)
    if not path:
        return ["No `end` can be reached from the start, so there is no longest path.", ""]
    nodes = [graph.nodes[i] for i in path]
    steps = [n for n in nodes if isinstance(n, Step)]
    total = sum(n.takes.minutes for n in steps if n.takes)
    untimed = [code(n.id) for n in steps if n.takes is None]
    with_sla = [n for n in steps if n.sla is not None]
    without_sla = [code(n.id) for n in steps if n.sla is None]
    out = [
        "Longest path from the start to an end (loops removed): "
        + " → ".join(code(i) for i in path)
        + ".",
        "",
        f"- It takes {duration(total)} in all"
        + (
            f" ({plural(len(untimed), 'step')} on it with no `takes`: {', '.join(untimed)})"
            if untimed
            else ""
        )
        + ".",
    ]
    for n in with_sla:
        assert n.sla is not None
        if n.takes is None:
            verdict = "no `takes` to compare"
        elif n.takes.minutes > n.sla.minutes:
            verdict = f"**{duration(n.takes.minutes - n.sla.minutes)} over**"
        else:
            verdict = "within it"
        takes = duration(n.takes.minutes) if n.takes else "?"
        out.append(
            f"- {code(n.id)} takes {takes} against an SLA of {duration(n.sla.minutes)}: {verdict}."
        )
    if len(with_sla) > 1:
        promised = sum(n.sla.minutes for n in with_sla if n.sla)
        taken = sum(n.takes.minutes for n in with_sla if n.takes)
        out.append(
            f"- The {len(with_sla)} steps with an SLA promise {duration(promised)} together "
            f"and take {duration(taken)}."
        )
    if without_sla:
        out.append(f"- No SLA: {', '.join(without_sla)}.")
    return [*out, ""]


def process_section(crm_map: CrmMap) -> list[str]:
    """`## Processes` and everything under it."""
    out = ["## Processes", ""]
    if not crm_map.processes:
        return [*out, "The map has no processes.", ""]
    all_steps = [n for p in crm_map.processes for n in p.nodes if isinstance(n, Step)]
    manual = sum(1 for n in all_steps if n.mode == "manual")
    if all_steps:
        out += [
            f"{plural(len(crm_map.processes), 'process', 'processes')}, "
            f"{plural(len(all_steps), 'step')}; {manual} manual "
            f"({percent(100 * manual / len(all_steps))} of all steps).",
            "",
        ]
    for process in crm_map.processes:
        owner = f" (owner {code(process.owner.text)})" if process.owner else ""
        out += [f"### {esc(process.title)}{owner}", ""]
        steps = [n for n in process.nodes if isinstance(n, Step)]
        decisions = sum(1 for n in process.nodes if isinstance(n, Decision))
        ends = sum(1 for n in process.nodes if isinstance(n, End))
        manual_here = sum(1 for n in steps if n.mode == "manual")
        automated = sum(1 for n in steps if n.mode == "automated")
        unsaid = len(steps) - manual_here - automated
        share = f" ({percent(100 * manual_here / len(steps))})" if steps else ""
        out += [
            f"{plural(len(steps), 'step')}, {plural(decisions, 'decision')}, {plural(ends, 'end')}. "
            f"Manual: {manual_here} of {len(steps)} steps{share}; automated: {automated}; "
            f"neither said: {unsaid}.",
            "",
        ]
        if steps:
            out += table(["Step", "Owner", "System", "Mode", "Takes", "SLA"], _step_rows(process))
            out.append("")
        out += _decisions_and_ends(process)
        found = handoffs(process)
        if found:
            out += [f"Hand-offs between teams ({len(found)}):", ""]
            out += table(
                ["From team", "To team", "Flow"],
                [[code(a), code(b), f"{code(s)} → {code(t)}"] for a, b, s, t in found],
            )
            out.append("")
        else:
            out += ["No hand-offs between teams.", ""]
        out += _longest(process)
    return out
