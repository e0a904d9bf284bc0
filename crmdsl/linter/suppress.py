"""Suppression comments: a map's comments in, the suppressions and what they silence out.

`# crmdsl: ignore[J101,P207]` at the end of a line silences those codes for the statement
that starts on that line and its block; alone on a line it does the same for the next
statement (other comment lines and blank lines may stand between). `# crmdsl:
ignore-file[M001]` anywhere in a file silences the codes for the whole file. Text after
the `]` is free (a reason). `silence` says which findings a suppression covers and marks
the codes each one used; a suppression that silences nothing, or names a code that is no
rule, is what rule M005 (`crmdsl.rules.map`) reports.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from crmdsl.errors import Diagnostic, Span
from crmdsl.language.refs import child_nodes
from crmdsl.language.schema import STATEMENTS
from crmdsl.model import SUPPRESSION, Comment, CrmMap, Node

__all__ = [
    "Suppression",
    "find_suppressions",
    "silence",
    "statement_extents",
]


@dataclass(slots=True)
class Suppression:
    """One suppression comment: the codes it names and the lines it covers."""

    comment: Comment
    codes: tuple[str, ...]
    first: int
    last: int
    whole_file: bool = False
    used: set[str] = field(default_factory=set)

    @property
    def span(self) -> Span:
        """Where the comment stands."""
        c = self.comment
        return Span(c.file, c.line, c.col, c.line, c.col + len(c.text))

    def covers(self, diag: Diagnostic) -> bool:
        """Whether this suppression silences the finding."""
        span = diag.span
        if span is None or span.file != self.comment.file or diag.code not in self.codes:
            return False
        return self.whole_file or self.first <= span.line <= self.last


def statement_extents(crm_map: CrmMap) -> dict[str, dict[int, int]]:
    """For each file, each line a statement starts on → the last line of its block."""
    out: dict[str, dict[int, int]] = {}
    tops = (s.list_attr for s in STATEMENTS.values() if "top" in s.parents and s.list_attr)
    stack: list[Node] = [crm_map.header] if crm_map.header is not None else []
    for name in dict.fromkeys(tops):
        stack.extend(n for n in getattr(crm_map, name) if not getattr(n, "builtin", False))
    while stack:
        node = stack.pop()
        span = node.span
        if span is not None and span.file:
            starts = out.setdefault(span.file, {})
            starts[span.line] = max(starts.get(span.line, span.line), span.end_line)
        stack.extend(child_nodes(node))
    return out


def find_suppressions(
    crm_map: CrmMap, lines_of: Mapping[str, Sequence[str]] | None = None
) -> list[Suppression]:
    """Every suppression comment of the map, with the lines each one covers."""
    if not any(SUPPRESSION.search(c.text) for c in crm_map.comments):
        return []  # most maps: no need to walk the model for statement extents
    extents = statement_extents(crm_map)
    comment_lines: dict[str, set[int]] = {}
    for c in crm_map.comments:
        if c.own_line:
            comment_lines.setdefault(c.file, set()).add(c.line)
    last_start = {file: max(starts) for file, starts in extents.items() if starts}
    out: list[Suppression] = []
    for c in crm_map.comments:
        found = SUPPRESSION.search(c.text)
        if found is None:
            continue
        kind, raw = found.group(1), found.group(2)
        codes = tuple(part.strip() for part in raw.split(",") if part.strip())
        starts = extents.get(c.file, {})
        if kind == "ignore-file":
            out.append(Suppression(c, codes, 1, 1 << 30, whole_file=True))
            continue
        if not c.own_line:
            first = c.line
        else:
            first = _next_statement(
                c,
                starts,
                comment_lines.get(c.file, set()),
                (lines_of or {}).get(c.file),
                last_start.get(c.file, c.line),
            )
        out.append(Suppression(c, codes, first, starts.get(first, first)))
    return out


def _next_statement(
    c: Comment,
    starts: dict[int, int],
    comments: set[int],
    lines: Sequence[str] | None,
    last_start: int,
) -> int:
    """The line of the statement below an own-line comment (over comments and blank lines)."""
    line = c.line + 1
    limit = max(last_start, c.line) + 1
    while line <= limit:
        if line in starts:
            return line
        blank = lines is not None and line <= len(lines) and not lines[line - 1].strip()
        unknown = lines is None
        if line not in comments and not blank and not unknown:
            return line  # a clause line: the comment covers that line alone
        line += 1
    return c.line + 1


def silence(findings: Sequence[Diagnostic], suppressions: Sequence[Suppression]) -> list[bool]:
    """For each finding, whether a suppression covers it; mark the codes each one used.

    A sweep over each (file, code): suppressions enter when their first line is reached
    and leave after their last, so the cost grows with the findings and suppressions, not
    with their product (blocks nest, so few suppressions are open at any line).
    """
    whole: dict[tuple[str, str], list[Suppression]] = {}
    ranged: dict[tuple[str, str], list[Suppression]] = {}
    for s in suppressions:
        for code in s.codes:
            (whole if s.whole_file else ranged).setdefault((s.comment.file, code), []).append(s)
    for group in ranged.values():
        group.sort(key=lambda s: s.first)
    wanted: dict[tuple[str, str], list[int]] = {}
    for i, d in enumerate(findings):
        if d.span is not None:
            wanted.setdefault((d.span.file, d.code), []).append(i)
    out = [False] * len(findings)
    for key, indexes in wanted.items():
        everywhere = whole.get(key, [])
        group = ranged.get(key, [])
        if not everywhere and not group:
            continue
        indexes.sort(key=lambda i: _line(findings[i]))
        open_: list[tuple[int, int]] = []  # (last line, index in group)
        nxt = 0
        for i in indexes:
            span = findings[i].span
            assert span is not None
            while nxt < len(group) and group[nxt].first <= span.line:
                heapq.heappush(open_, (group[nxt].last, nxt))
                nxt += 1
            while open_ and open_[0][0] < span.line:
                heapq.heappop(open_)
            hits = [group[j] for _, j in open_] + everywhere
            if hits:
                out[i] = True
                for s in hits:
                    s.used.add(key[1])
    return out


def _line(d: Diagnostic) -> int:
    return d.span.line if d.span is not None else 0
