"""Rules P201–P209: processes, their flows, owners, durations and links to journeys.

In: a `RuleContext`. Out: `Hit`s on the keyword of the `process`, `step`, `decision` or
`end` concerned. The flow measures (P202, P203, P206) use `FlowGraph`, which works on the
flow graph with its loops removed, so they stay linear in the size of the process.
"""

from __future__ import annotations

from collections.abc import Iterator

from crmdsl.errors import Note
from crmdsl.model import Decision, End, Step
from crmdsl.query.graph import FlowGraph
from crmdsl.rules.places import and_list, keyword_span, quoted
from crmdsl.rules.registry import Hit, RuleContext, rule

__all__ = ["max_handoffs"]


@rule("P201", "process-no-end", "warning")
def process_no_end(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a process that has no `end`.

    Why it matters: a process map says where the work is done: the deal is won, the
    ticket solved, the refund paid. Without an end nobody can say when the process is
    finished, how long it takes end to end, or which outcome the customer gets.

    Example:
        process support "Customer support" owner cx
          step triage "Triage" owner cx
          step reply "Reply" owner cx
    Fix:
        process support "Customer support" owner cx
          step triage "Triage" owner cx
          step reply "Reply" owner cx
          end solved "Solved"
    """
    for process in ctx.map.processes:
        if not any(isinstance(n, End) for n in process.nodes):
            yield Hit(
                keyword_span(process),
                f"process `{process.id}` has no end",
                hint='add `end ID "Label"` where the work is done',
            )


@rule("P202", "unreachable-step", "warning")
def unreachable_step(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a step, decision or end that the flows never reach from the start.

    Why it matters: a step nothing leads to is work the map says happens but no path
    explains when. Usually a flow is missing (an outcome, an arrow), or the step is a
    leftover of an old version of the process; either way the diagram misleads.

    Example:
        process refunds "Refunds" owner cx
          step check "Check the return" owner ops -> pay
          step notify "Tell the customer" owner cx    # nothing flows here
          step pay "Pay the refund" owner finance
          end done "Refunded"
    Fix:
        process refunds "Refunds" owner cx
          step check "Check the return" owner ops
          step notify "Tell the customer" owner cx
          step pay "Pay the refund" owner finance
          end done "Refunded"
    """
    for process in ctx.map.processes:
        graph = ctx.index.graph(process)
        reached = graph.reachable()
        for node in process.nodes:
            if node.id not in reached:
                yield Hit(
                    keyword_span(node),
                    f"{node.statement} `{node.id}` of process `{process.id}` cannot be "
                    "reached from its start",
                    hint="add a flow to it (`-> ID`, a decision outcome or a `flow` line)",
                )


@rule("P203", "dead-end-step", "warning")
def dead_end_step(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a step or decision from which no flow leads to any `end`.

    Why it matters: work that starts and never finishes is where cases get stuck: the
    ticket nobody closes, the order that waits forever. In the map it is usually a
    missing arrow; in the company it is often a real gap. (A process with no `end` at all
    is reported by P201 instead.)

    Example:
        process returns "Returns" owner ops
          step receive "Receive the parcel" owner ops -> refund
          step restock "Restock" owner ops -> restock_check
          step restock_check "Check stock" owner ops -> restock
          step refund "Refund" owner finance
          end closed "Closed"
    Fix:
        process returns "Returns" owner ops
          step receive "Receive the parcel" owner ops -> refund
          step restock "Restock" owner ops -> restock_check
          step restock_check "Check stock" owner ops -> closed
          step refund "Refund" owner finance
          end closed "Closed"
    """
    for process in ctx.map.processes:
        graph = ctx.index.graph(process)
        if not graph.ends:
            continue
        finishing = graph.reaching_end()
        for node in process.nodes:
            if isinstance(node, Step | Decision) and node.id not in finishing:
                yield Hit(
                    keyword_span(node),
                    f"{node.statement} `{node.id}` of process `{process.id}` leads to no end",
                    hint="add a flow from it towards an `end`",
                )


@rule("P204", "decision-single-outcome", "warning")
def decision_single_outcome(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a decision with fewer than two outcome lines.

    Why it matters: a decision is a point where the case can go more than one way (won
    or lost, in stock or not). With one outcome it decides nothing: either the other
    branch was forgotten, and cases that take it have no documented path, or the
    decision should be a plain step.

    Example:
        decision approved "Deal approved?"
          yes -> order
    Fix:
        decision approved "Deal approved?"
          yes -> order
          no -> quote
    """
    for process in ctx.map.processes:
        for node in process.nodes:
            if isinstance(node, Decision) and len(node.outcomes) < 2:
                count = "no outcomes" if not node.outcomes else "only one outcome"
                yield Hit(
                    keyword_span(node),
                    f"decision `{node.id}` of process `{process.id}` has {count}",
                    hint="add an outcome line (`OUTCOME -> STEP`) for each way it can go",
                )


@rule("P205", "step-no-owner", "warning")
def step_no_owner(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a step with no `owner` clause of its own (no swimlane).

    Why it matters: a process map's swimlanes show who does what, and hand-offs between
    teams are where time and information are lost. The process's owner answers for the
    process as a whole, not for every step in it; a step without its own owner hides a
    hand-off, or work nobody has agreed to do.

    Example:
        step quote "Send quote" manual takes 1d
    Fix:
        step quote "Send quote" owner sales manual takes 1d
    """
    for process in ctx.map.processes:
        for node in process.nodes:
            if isinstance(node, Step) and node.owner is None:
                yield Hit(
                    keyword_span(node),
                    f"step `{node.id}` of process `{process.id}` has no owner",
                    hint="add `owner TEAM`: the swimlane this step is in",
                )


def max_handoffs(graph: FlowGraph) -> tuple[int, list[str]]:
    """The most owner changes along a path from the start to an `end` (loops removed).

    Returns the count and the teams of that path in order. Decisions, ends and steps
    without an owner do not count as a team. For each node the best count is kept per
    last team, with a pointer to where it came from, so the work is linear in the flows
    times the number of teams.
    """
    State = tuple[str, str | None]  # (node id, last team on the path so far)
    # best[(node, last team)] = (changes, the state it came from)
    best: dict[State, tuple[int, State | None]] = {}
    by_node: dict[str, list[str | None]] = {}
    if graph.start is None:
        return 0, []

    def owner_of(node_id: str) -> str | None:
        node = graph.nodes[node_id]
        return node.owner.target if isinstance(node, Step) and node.owner is not None else None

    def enter(node_id: str, last: str | None, changes: int, came: State | None) -> None:
        owner = owner_of(node_id)
        if owner is not None:
            changes += last is not None and owner != last
            last = owner
        key = (node_id, last)
        if key not in best:
            by_node.setdefault(node_id, []).append(last)
        elif changes <= best[key][0]:
            return
        best[key] = (changes, came)

    enter(graph.start, None, 0, None)
    for node_id in graph.order:
        for last in by_node.get(node_id, []):
            changes = best[(node_id, last)][0]
            for nxt in graph.forward[node_id]:
                enter(nxt, last, changes, (node_id, last))
    top, finish = 0, None
    for end in graph.ends:
        for last in by_node.get(end, []):
            if best[(end, last)][0] > top:
                top, finish = best[(end, last)][0], (end, last)
    teams: list[str] = []
    state = finish
    while state is not None:
        owner = owner_of(state[0])
        if owner is not None and (not teams or teams[-1] != owner):
            teams.append(owner)
        state = best[state][1]
    return top, teams[::-1]


@rule("P206", "handoff-heavy", "info")
def handoff_heavy(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a process where some path to an `end` changes team too often.

    Why it matters: every hand-off between teams is a queue, a context switch and a
    chance to drop information; processes with many of them are slow and hard to own.
    Counted along each path from the start to an `end` (loops removed), ignoring
    decisions, ends and steps without an owner; the limit is `max-handoffs` (6 by
    default).

    Example:
        process onboarding "Onboarding" owner cs
          step sign "Sign" owner sales
          step setup "Set up" owner support
          step train "Train" owner cs
          step bill "Bill" owner finance
          step check "Check" owner sales
          step tune "Tune" owner support
          step close "Close" owner cs
          step review "Review" owner sales
          end live "Live"
    Fix:
        process onboarding "Onboarding" owner cs
          step sign "Sign" owner sales
          step setup "Set up and train" owner cs
          step bill "Bill" owner finance
          end live "Live"
    """
    limit = ctx.max_handoffs
    for process in ctx.map.processes:
        count, teams = max_handoffs(ctx.index.graph(process))
        if count > limit:
            yield Hit(
                keyword_span(process),
                f"a path through process `{process.id}` changes team {count} times "
                f"({' → '.join(teams)}), more than the {limit} allowed",
                hint="merge steps within one team, or give a team the whole stretch",
            )


@rule("P207", "customer-wait-no-sla", "warning")
def customer_wait_no_sla(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a step that a touchpoint names in `backstage` but has no `sla`.

    Why it matters: the customer is waiting on that step. Without a service level nobody
    knows when the wait has become a broken promise, nobody is alerted, and the journey's
    score drops without anyone inside noticing. Backstage steps are where service
    blueprints put their SLAs first.

    Example:
        touchpoint demo "Sales demo" channel phone score 5 owner sales
          backstage lead_to_cash.quote
        step quote "Send quote" owner sales manual takes 1d
    Fix:
        step quote "Send quote" owner sales manual takes 1d sla 1d
    """
    index = ctx.index
    for process in ctx.map.processes:
        for node in process.nodes:
            if not isinstance(node, Step) or node.sla is not None:
                continue
            waiting = index.backstage_of.get(f"{process.id}.{node.id}")
            if not waiting:
                continue
            names = and_list(quoted(dict.fromkeys(tp.id for tp, _ in waiting)))
            notes = []
            for tp, ref in waiting:
                if tp.moment_of_truth:
                    notes.append(Note(f"`{tp.id}` is a moment of truth", keyword_span(tp)))
                else:
                    notes.append(Note(f"`{tp.id}` waits on it here", ref.span))
            promise = node.takes.text if node.takes is not None else "1d"
            yield Hit(
                keyword_span(node),
                f"the customer waits on step `{node.id}` (backstage of {names}), which has no SLA",
                hint=f"add `sla {promise}` (or the promise you make)",
                notes=tuple(notes),
            )


@rule("P208", "sla-exceeded-by-design", "warning")
def sla_exceeded_by_design(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a step whose `takes` is longer than its `sla`.

    Why it matters: if the step normally takes longer than the service level allows, the
    SLA is broken on every case, by design. Either the promise is unrealistic and should
    be renegotiated, or the step must be redesigned (automated, split, staffed) to fit.

    Example:
        step qualify "Qualify lead" owner sales takes 2d sla 1d
    Fix:
        step qualify "Qualify lead" owner sales automated takes 4h sla 1d
    """
    for process in ctx.map.processes:
        for node in process.nodes:
            if not isinstance(node, Step) or node.takes is None or node.sla is None:
                continue
            if node.takes.minutes > node.sla.minutes:
                yield Hit(
                    keyword_span(node),
                    f"step `{node.id}` takes {node.takes.text} but its SLA is {node.sla.text}",
                    hint="shorten the step, or agree an SLA it can meet",
                )


@rule("P209", "process-unlinked", "info")
def process_unlinked(ctx: RuleContext) -> Iterator[Hit]:
    """What it does: flags a process that no touchpoint and no goal refers to.

    Why it matters: processes exist to serve customers and business goals. A process no
    touchpoint's `backstage` and no goal's `supported-by` names floats free of both: the
    map cannot show which customer moment depends on it or why it is worth improving.

    Example:
        process invoicing "Invoicing" owner finance
          step send "Send invoice" owner finance
          end sent "Sent"
    Fix:
        touchpoint invoice "Invoice email" channel email score 3 owner finance
          backstage invoicing.send
    """
    linked = ctx.index.linked_processes
    for process in ctx.map.processes:
        if process.id not in linked:
            yield Hit(
                keyword_span(process),
                f"process `{process.id}` is linked to no touchpoint and no goal",
                hint="name its steps in a touchpoint's `backstage`, or the process in a "
                "goal's `supported-by`",
            )
