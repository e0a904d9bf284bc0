"""Edit operations on clauses: an `Analysis`, a target and a clause in, a `Patch` out.

`set_clause` and `clear_clause` for any clause of any statement (the clause table says
which exist), `add_item` and `remove_item` for list clauses (`captures`, `backstage`,
`supported-by`, `record-of`) and repeated ones (`pain`, `evidence`, `needs`, ...; and
ideas, which are statements of their own), and `set_field_flag` for a field's flags.
Clearing `planned` or `retiring` also clears its `by` date. A new clause goes where the formatter would put it:
on the header line when it is short and fits, else on a line of its own in the block.
"""

from __future__ import annotations

from typing import Any

from crmdsl import model as m
from crmdsl.edit.base import (
    LineCuts,
    Target,
    _Edit,
    check_refs,
    clause_text,
    finish,
    node_of,
    quote,
    statement_name,
)
from crmdsl.edit.doc import Doc
from crmdsl.edit.patch import EditError, Patch
from crmdsl.formatter.layout import LINE_WIDTH, classify, header_eligible, split_line
from crmdsl.language.loader import Analysis
from crmdsl.language.parse import Line
from crmdsl.language.schema import ClauseSpec, StatementSpec, ValueKind

__all__ = [
    "add_item",
    "clear_clause",
    "insert_clause",
    "remove_item",
    "set_clause",
    "set_field_flag",
]


def _clause_children(spec: StatementSpec, line: Line) -> list[tuple[Line, int]]:
    """The clause lines of a block with the table position of their first clause."""
    out = []
    for child in line.children:
        child_spec, is_statement = classify(spec, child)
        if not is_statement:
            _, parts = split_line(child_spec, child, start=0)
            out.append((child, parts[0].index))
    return out


def insert_clause(doc: Doc, node: Any, clause: ClauseSpec, text: str) -> _Edit:
    """Where a new clause goes: on the header line if it is short and fits, else its own line."""
    spec = doc.spec_of(node)
    line = doc.node_line(node)
    file = node.span.file
    index = spec.clause_words.index(clause.keyword)
    if line.ftype is not None:  # a field line has no block: its clauses end the line
        pos = doc.offset(file, line.lineno, line.end_col)
        return (file, pos, pos, " " + text)
    if header_eligible(spec, clause) and line.ftype is None:
        header, parts = split_line(spec, line)
        if line.end_col + len(text) <= LINE_WIDTH:
            before = [p for p in parts if p.index <= index]
            anchor = before[-1].toks[-1] if before else header[-1]
            pos = doc.offset(file, line.lineno, int(anchor.end_column))
            return (file, pos, pos, " " + text)
    lines = [c for c, i in _clause_children(spec, line) if i <= index]
    anchor_line = lines[-1].lineno if lines else line.lineno
    pos = doc.line_end(file, anchor_line)
    return (file, pos, pos, "\n" + " " * doc.child_indent(line) + text)


def set_clause(analysis: Analysis, target: Target, keyword: str, value: Any = None) -> Patch:
    """Set a clause (replacing it, or the clause that fills the same thing) or add it.

    Examples: `set_clause(a, "lead_to_cash.quote", "sla", "1d")`, `set_clause(a, "demo",
    "moment-of-truth")`, `set_clause(a, "lead_sync", "daily")` (replaces `every 15m`).
    A repeated clause is set to this one value (its other lines are removed).
    """
    doc = Doc(analysis)
    node = node_of(doc, target)
    spec = doc.spec_of(node)
    clause, text = clause_text(spec, keyword, value)
    check_refs(doc, clause, value, _process_of(doc, node))
    if isinstance(node, m.Integration) and keyword == "master":
        ends = (node.source.text, node.target.text)
        if str(value) not in ends:
            raise EditError(f"`master` must be one of the ends, `{ends[0]}` or `{ends[1]}`")
    same = [c.keyword for c in spec.clauses if c.attr == clause.attr]
    spans = sorted(
        (s for kw in same for s in node.clause_spans.get(kw, [])), key=lambda s: (s.line, s.col)
    )
    cuts = LineCuts(doc)
    edits: list[_Edit] = []
    if spans:
        cuts.cut(spans[0], text)
        for span in spans[1:]:
            cuts.cut(span)
    else:
        edits.append(insert_clause(doc, node, clause, text))
    return finish(doc, edits + cuts.edits(), f"set `{text}` on {statement_name(node)}")


def clear_clause(analysis: Analysis, target: Target, keyword: str) -> Patch:
    """Remove a clause (every line of a repeated one).

    For a clause that shares its slot (`manual`/`automated`, the frequencies), whichever
    of them is given goes.
    """
    doc = Doc(analysis)
    node = node_of(doc, target)
    spec = doc.spec_of(node)
    clause = spec.clause(keyword)
    if clause is None:
        clause_text(spec, keyword)  # raises with the list of clauses
        raise AssertionError  # pragma: no cover
    spans = node.clause_spans.get(keyword) or [
        s
        for c in spec.clauses
        if c.attr == clause.attr
        for s in node.clause_spans.get(c.keyword, [])
    ]
    if not spans:
        raise EditError(f"{statement_name(node)} has no `{keyword}` clause")
    if clause.attr == "lifecycle":  # the date of the change goes with the change
        spans = [*spans, *node.clause_spans.get("by", [])]
    cuts = LineCuts(doc)
    for span in spans:
        cuts.cut(span)
    return finish(doc, cuts.edits(), f"clear `{keyword}` of {statement_name(node)}")


def _items(node: Any, clause: ClauseSpec) -> list[tuple[str, Any]]:
    values = getattr(node, clause.attr)
    out: list[tuple[str, Any]] = []
    for v in values:
        if isinstance(v, m.Ref):
            out.append((v.text, v.span))
        elif isinstance(v, m.Name):
            out.append((v.value, v.span))
        else:
            out.append((v, None))
    return out


def add_item(analysis: Analysis, target: Target, keyword: str, item: Any) -> Patch:
    """Add an entry to a list clause, or another line of a repeated clause.

    List clauses: `captures`, `backstage`, `supported-by`, `record-of`; repeated clauses:
    `pain`, `evidence`, `needs`, ...; `idea` adds an `idea "…"` line to a touchpoint.
    """
    if keyword == "idea":
        from crmdsl.edit.children import add_idea

        return add_idea(analysis, target, str(item))
    doc = Doc(analysis)
    node = node_of(doc, target)
    spec = doc.spec_of(node)
    clause, text = clause_text(spec, keyword, item)
    check_refs(doc, clause, item)
    if not clause.repeat:
        raise EditError(f"`{keyword}` holds one value; use set_clause")
    spans = node.clause_spans.get(keyword, [])
    if clause.value in (ValueKind.REFS, ValueKind.NAMES):
        if any(t == str(item) for t, _ in _items(node, clause)):
            raise EditError(
                f"`{item}` is already in the `{keyword}` list of {statement_name(node)}"
            )
        if spans:
            last = spans[-1]
            pos = doc.offset(last.file, last.line, last.end_col)
            return finish(doc, [(last.file, pos, pos, f", {item}")], f"add `{item}` to {keyword}")
    return finish(
        doc, [insert_clause(doc, node, clause, text)], f"add `{text}` to {statement_name(node)}"
    )


def remove_item(analysis: Analysis, target: Target, keyword: str, item: Any) -> Patch:
    """Remove an entry from a list clause, or one line of a repeated clause (by its value).

    `idea` removes the touchpoint's `idea "…"` line with that text.
    """
    if keyword == "idea":
        from crmdsl.edit.children import remove_idea

        return remove_idea(analysis, target, str(item))
    doc = Doc(analysis)
    node = node_of(doc, target)
    spec = doc.spec_of(node)
    clause = spec.clause(keyword)
    if clause is None or not clause.repeat:
        raise EditError(f"`{keyword}` is not a list or repeated clause of a {spec.keyword}")
    cuts = LineCuts(doc)
    spans = node.clause_spans.get(keyword, [])
    items = _items(node, clause)
    if clause.value in (ValueKind.REFS, ValueKind.NAMES):
        hit = next((s for t, s in items if t == str(item)), None)
        if hit is None:
            raise EditError(f"`{item}` is not in the `{keyword}` list of {statement_name(node)}")
        occurrence = next(s for s in spans if s.line == hit.line and s.col <= hit.col < s.end_col)
        rest = [
            t
            for t, s in items
            if s.line == occurrence.line
            and occurrence.col <= s.col < occurrence.end_col
            and s != hit
        ]
        cuts.cut(occurrence, f"{keyword} {', '.join(rest)}" if rest else "")
    else:
        values = [t for t, _ in items]
        if item not in values:
            raise EditError(f"{statement_name(node)} has no `{keyword}` {quote(str(item))}")
        cuts.cut(spans[values.index(item)])
    return finish(doc, cuts.edits(), f"remove `{item}` from {keyword} of {statement_name(node)}")


def _process_of(doc: Doc, node: Any) -> str:
    if isinstance(node, m.Step):
        for process in doc.map.processes:
            if any(n is node for n in process.nodes):
                return process.id
    return ""


def set_field_flag(analysis: Analysis, field_key: Target, flag: str, on: bool = True) -> Patch:
    """Add a field flag, or with `on=False` remove it.

    Flags: `required`, `unique`, `key`, `pii`, `readonly`, `consent`.
    """
    from crmdsl.errors import Span
    from crmdsl.language.schema import FIELD_FLAGS

    doc = Doc(analysis)
    node = node_of(doc, field_key)
    if not isinstance(node, m.EntityField):
        raise EditError(f"`{field_key}` is not a field")
    if flag not in FIELD_FLAGS:
        raise EditError(f"`{flag}` is not a field flag; flags: {', '.join(FIELD_FLAGS)}")
    line = doc.node_line(node)
    file = node.span.file
    has = bool(getattr(node, flag))
    if on:
        if has:
            raise EditError(f"field `{node.name}` is already flagged `{flag}`")
        pos = doc.offset(file, line.lineno, line.end_col)
        return finish(doc, [(file, pos, pos, f" {flag}")], f"flag `{node.name}` {flag}")
    if not has:
        raise EditError(f"field `{node.name}` is not flagged `{flag}`")
    tok = next(t for t in line.toks[1:] if t.value == flag)
    cuts = LineCuts(doc)
    cuts.cut(Span(file, line.lineno, tok.column, line.lineno, tok.end_column))
    return finish(doc, cuts.edits(), f"drop the flag `{flag}` of `{node.name}`")
