"""A process's flow graph and the measures taken on it, all linear in its size.

In: a resolved `Process` (its `nodes`, `edges` and `start`). Out: `FlowGraph` with the
nodes reachable from the start (P202), the nodes that can reach an `end` (P203), and the
graph with its back edges (loops) removed in topological order, on which path measures
are taken (P206, and the longest path of `crmdsl report`), as docs/rules.md says.
"""

from __future__ import annotations

from collections.abc import Callable

from crmdsl.model import Decision, End, Process, Step

__all__ = ["FlowGraph", "Node"]

Node = Step | Decision | End


class FlowGraph:
    """The sequence flows of one process, by node id."""

    def __init__(self, process: Process) -> None:
        self.process = process
        self.nodes: dict[str, Node] = {n.id: n for n in process.nodes}
        self.successors: dict[str, list[str]] = {node_id: [] for node_id in self.nodes}
        self.predecessors: dict[str, list[str]] = {node_id: [] for node_id in self.nodes}
        seen: set[tuple[str, str]] = set()
        for edge in process.edges:
            if edge.source not in self.nodes or edge.target not in self.nodes:
                continue
            if (edge.source, edge.target) not in seen:
                seen.add((edge.source, edge.target))
                self.successors[edge.source].append(edge.target)
                self.predecessors[edge.target].append(edge.source)
        start = process.start
        self.start: str | None = start.id if start is not None else None
        self.ends: list[str] = [n.id for n in process.nodes if isinstance(n, End)]
        self._order: list[str] | None = None
        self._forward: dict[str, list[str]] | None = None

    # -- reachability ----------------------------------------------------------------

    def reachable(self) -> set[str]:
        """Ids of the nodes the flows reach from the start (the start included)."""
        if self.start is None:
            return set()
        return _closure([self.start], self.successors)

    def reaching_end(self) -> set[str]:
        """Ids of the nodes from which some `end` can be reached (the ends included)."""
        return _closure(self.ends, self.predecessors)

    # -- the graph without its loops ----------------------------------------------------

    def _walk(self) -> None:
        """Depth-first from the start: drop the back edges, keep a topological order."""
        forward: dict[str, list[str]] = {}
        post: list[str] = []
        if self.start is not None:
            state: dict[str, int] = {self.start: 1}  # 1 on the stack, 2 done
            stack: list[tuple[str, int]] = [(self.start, 0)]
            forward[self.start] = []
            while stack:
                node_id, i = stack[-1]
                succ = self.successors[node_id]
                if i < len(succ):
                    stack[-1] = (node_id, i + 1)
                    nxt = succ[i]
                    seen = state.get(nxt, 0)
                    if seen == 1:
                        continue  # a back edge: it closes a loop
                    forward[node_id].append(nxt)
                    if seen == 0:
                        state[nxt] = 1
                        forward[nxt] = []
                        stack.append((nxt, 0))
                else:
                    state[node_id] = 2
                    post.append(node_id)
                    stack.pop()
        self._order = post[::-1]
        self._forward = forward

    @property
    def order(self) -> list[str]:
        """The nodes reachable from the start, in a topological order of the loop-free graph."""
        if self._order is None:
            self._walk()
        assert self._order is not None
        return self._order

    @property
    def forward(self) -> dict[str, list[str]]:
        """Successors without the back edges, for the nodes reachable from the start."""
        if self._forward is None:
            self._walk()
        assert self._forward is not None
        return self._forward

    def longest_path(self, weight: Callable[[Node], float]) -> list[str]:
        """The heaviest path from the start to an `end` on the loop-free graph (node ids).

        Empty when no `end` is reachable. Ties go to the path met first in block order.
        """
        best: dict[str, tuple[float, str | None]] = {}
        if self.start is None:
            return []
        best[self.start] = (weight(self.nodes[self.start]), None)
        for node_id in self.order:
            if node_id not in best:
                continue
            total = best[node_id][0]
            for nxt in self.forward[node_id]:
                candidate = total + weight(self.nodes[nxt])
                if nxt not in best or candidate > best[nxt][0]:
                    best[nxt] = (candidate, node_id)
        reached = [e for e in self.ends if e in best]
        if not reached:
            return []
        last: str | None = max(reached, key=lambda e: best[e][0])
        path: list[str] = []
        while last is not None:
            path.append(last)
            last = best[last][1]
        return path[::-1]


def _closure(seeds: list[str], links: dict[str, list[str]]) -> set[str]:
    seen = set(seeds)
    todo = list(seeds)
    while todo:
        for nxt in links[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen
