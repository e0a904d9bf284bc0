"""Edit operations on child statements: an `Analysis` and a parent in, a `Patch` out.

Stages, touchpoints, steps, decisions, ends, outcomes, field lines, `map` lines, metrics,
costs and kpis: added after the last sibling of their kind (or before/after a given
one), removed with their comments and block, moved within their parent or into another.
"""

from __future__ import annotations

from typing import Any

from crmdsl import model as m
from crmdsl.edit.base import (
    _IDENT,
    Clauses,
    Target,
    _Edit,
    clause_list,
    finish,
    node_of,
    quote,
    statement_name,
)
from crmdsl.edit.doc import Doc
from crmdsl.edit.patch import EditError, Patch
from crmdsl.formatter.layout import classify, layout_statement
from crmdsl.language.loader import Analysis
from crmdsl.language.parse import Line
from crmdsl.language.schema import STATEMENTS

__all__ = [
    "add_child",
    "add_cost",
    "add_decision",
    "add_end",
    "add_field",
    "add_kpi",
    "add_mapping",
    "add_metric",
    "add_outcome",
    "add_stage",
    "add_step",
    "add_touchpoint",
    "move",
    "move_outcome",
    "outcome_label",
    "remove_mapping",
    "remove_outcome",
    "remove_statement",
]

_GROUPS = {
    "step": ("step", "decision", "end"),
    "decision": ("step", "decision", "end"),
    "end": ("step", "decision", "end"),
}


def _statement_children(doc: Doc, parent: Any, kinds: tuple[str, ...]) -> list[Line]:
    line = doc.node_line(parent)
    spec = doc.spec_of(parent)
    out = []
    for child in line.children:
        child_spec, is_statement = classify(spec, child)
        if is_statement and child_spec.keyword in kinds:
            out.append(child)
    return out


def add_child(
    analysis: Analysis,
    parent: Target,
    keyword: str,
    head: str,
    clauses: Clauses = None,
    *,
    before: Target | None = None,
    after: Target | None = None,
) -> Patch:
    """Add a child statement under `parent`.

    `head` is its header text, such as `stage buy "Purchase"`. It goes after the last
    sibling of the same kind, or before/after the sibling given.
    """
    doc = Doc(analysis)
    parent_node = node_of(doc, parent)
    pspec = doc.spec_of(parent_node)
    word = "map-line" if keyword == "map" else keyword
    if word not in pspec.children:
        raise EditError(f"a {keyword} cannot stand in a {pspec.keyword}")
    spec = STATEMENTS[word]
    pline = doc.node_line(parent_node)
    file = parent_node.span.file
    scope = doc.key_of(parent_node) or "" if isinstance(parent_node, m.Process) else ""
    lines = layout_statement(
        spec, head, clause_list(spec, clauses, doc, scope), doc.child_indent(pline)
    )
    text = "\n".join(lines)
    if before is not None or after is not None:
        sibling = node_of(doc, before if before is not None else after)  # type: ignore[arg-type]
        sline = doc.node_line(sibling)
        if doc.parent(file, sline) is not pline:
            raise EditError(f"{statement_name(sibling)} is not in {statement_name(parent_node)}")
        first, last = doc.own_range(file, sline)
        if before is not None:
            pos = doc.line_start(file, first)
            return finish(doc, [(file, pos, pos, text + "\n")], f"add {head}")
        pos = doc.line_end(file, last)
    else:
        siblings = _statement_children(doc, parent_node, _GROUPS.get(word, (word,)))
        anchor = siblings[-1] if siblings else None
        last = doc.own_range(file, anchor)[1] if anchor is not None else doc.last_line(pline)
        pos = doc.line_end(file, last)
    return finish(doc, [(file, pos, pos, "\n" + text)], f"add {head}")


def _declared_head(keyword: str, ident: str, label: str | None) -> str:
    if not _IDENT.match(ident):
        raise EditError(
            f"`{ident}` is not an id: use letters, digits and `_`, starting with a letter"
        )
    return f"{keyword} {ident}" + (f" {quote(label)}" if label is not None else "")


def _check_new_member(doc: Doc, scope: str, ident: str) -> None:
    existing = doc.taken(f"{scope}.{ident}")
    if existing is not None:
        raise EditError(f"`{ident}` is already declared in `{scope}` (as `{existing}`)")


def add_stage(
    analysis: Analysis,
    journey: Target,
    ident: str,
    label: str | None = None,
    *,
    before: Target | None = None,
    after: Target | None = None,
) -> Patch:
    """Add `stage ID "Label"` to a journey."""
    doc = Doc(analysis)
    node = node_of(doc, journey)
    _check_new_member(doc, node.id, ident)
    return add_child(
        analysis, node, "stage", _declared_head("stage", ident, label), before=before, after=after
    )


def add_touchpoint(
    analysis: Analysis,
    stage: Target,
    ident: str,
    label: str | None = None,
    clauses: Clauses = None,
    *,
    before: Target | None = None,
    after: Target | None = None,
) -> Patch:
    """Add a touchpoint to a stage (`stage` is `journey.stage`)."""
    doc = Doc(analysis)
    node = node_of(doc, stage)
    if not isinstance(node, m.Stage):
        raise EditError(f"`{stage}` is not a stage")
    _check_new_member(
        doc, str(stage).split(".")[0] if isinstance(stage, str) else _scope(doc, node), ident
    )
    return add_child(
        analysis,
        node,
        "touchpoint",
        _declared_head("touchpoint", ident, label),
        clauses,
        before=before,
        after=after,
    )


def _scope(doc: Doc, node: Any) -> str:
    key = doc.key_of(node)
    if key is None:
        raise EditError("the node is not in this map")
    return key.split(".")[0]


def _add_node(
    analysis: Analysis,
    keyword: str,
    process: Target,
    ident: str,
    label: str | None,
    clauses: Clauses,
    before: Target | None,
    after: Target | None,
) -> Patch:
    doc = Doc(analysis)
    node = node_of(doc, process)
    if not isinstance(node, m.Process):
        raise EditError(f"`{process}` is not a process")
    _check_new_member(doc, node.id, ident)
    return add_child(
        analysis,
        node,
        keyword,
        _declared_head(keyword, ident, label),
        clauses,
        before=before,
        after=after,
    )


def add_step(
    analysis: Analysis,
    process: Target,
    ident: str,
    label: str | None = None,
    clauses: Clauses = None,
    *,
    before: Target | None = None,
    after: Target | None = None,
) -> Patch:
    """Add a step to a process (by default after its last step, decision or end)."""
    return _add_node(analysis, "step", process, ident, label, clauses, before, after)


def add_decision(
    analysis: Analysis,
    process: Target,
    ident: str,
    label: str | None = None,
    *,
    before: Target | None = None,
    after: Target | None = None,
) -> Patch:
    """Add a decision (without outcomes: add them with `add_outcome`)."""
    return _add_node(analysis, "decision", process, ident, label, None, before, after)


def add_end(
    analysis: Analysis,
    process: Target,
    ident: str,
    label: str | None = None,
    *,
    before: Target | None = None,
    after: Target | None = None,
) -> Patch:
    """Add an end to a process."""
    return _add_node(analysis, "end", process, ident, label, None, before, after)


def outcome_label(label: str) -> str:
    """An outcome label as written: bare when it is a plain name, else quoted."""
    return label if _IDENT.match(label) and label not in STATEMENTS else quote(label)


def _outcome(doc: Doc, decision: Target, label: str) -> Any:
    node = node_of(doc, decision)
    if not isinstance(node, m.Decision):
        raise EditError(f"`{decision}` is not a decision")
    for outcome in node.outcomes:
        if outcome.label == label:
            return outcome
    raise EditError(f"decision `{node.id}` has no outcome `{label}`")


def add_outcome(
    analysis: Analysis,
    decision: Target,
    label: str,
    target: str,
    *,
    before: str | None = None,
    after: str | None = None,
) -> Patch:
    """Add `LABEL -> TARGET` to a decision (before/after another outcome, by label)."""
    doc = Doc(analysis)
    node = node_of(doc, decision)
    if any(o.label == label for o in getattr(node, "outcomes", [])):
        raise EditError(f"decision `{node.id}` already has an outcome `{label}`")
    b = _outcome(doc, node, before) if before is not None else None
    a = _outcome(doc, node, after) if after is not None else None
    return add_child(
        analysis, node, "outcome", f"{outcome_label(label)} -> {target}", before=b, after=a
    )


def remove_outcome(analysis: Analysis, decision: Target, label: str) -> Patch:
    """Remove an outcome line from a decision."""
    doc = Doc(analysis)
    return remove_statement(analysis, _outcome(doc, decision, label))


def move_outcome(
    analysis: Analysis,
    decision: Target,
    label: str,
    *,
    before: str | None = None,
    after: str | None = None,
) -> Patch:
    """Move an outcome before or after another outcome of the same decision."""
    doc = Doc(analysis)
    node = _outcome(doc, decision, label)
    b = _outcome(doc, decision, before) if before is not None else None
    a = _outcome(doc, decision, after) if after is not None else None
    return move(analysis, node, before=b, after=a)


def add_field(
    analysis: Analysis,
    entity: Target,
    name: str,
    type_text: str,
    flags: tuple[str, ...] | list[str] = (),
) -> Patch:
    """Add a field line `name: type flags` to an entity.

    Example: `add_field(a, "hubspot.Contact", "mobile", "phone", ["pii"])`.
    """
    doc = Doc(analysis)
    node = node_of(doc, entity)
    if not isinstance(node, m.Entity):
        raise EditError(f"`{entity}` is not an entity")
    if any(f.name.lower() == name.lower() for f in node.fields):
        raise EditError(f"entity `{node.key}` already has a field `{name}`")
    head = " ".join([f"{name}: {type_text}", *flags])
    return add_child(analysis, node, "field", head)


def add_mapping(
    analysis: Analysis,
    integration: Target,
    source: str,
    target: str,
    *,
    key: bool = False,
    transform: str | None = None,
) -> Patch:
    """Add `map Entity.field -> Entity.field` (with `key`, `transform NAME`) to an integration."""
    clauses: list[tuple[str, Any]] = [("key", key), ("transform", transform)]
    return add_child(analysis, integration, "map", f"map {source} -> {target}", clauses)


def _mapping(doc: Doc, integration: Target, source: str, target: str) -> Any:
    node = node_of(doc, integration)
    for mapping in getattr(node, "maps", []):
        if source in (mapping.source.text, mapping.source.target) and target in (
            mapping.target.text,
            mapping.target.target,
        ):
            return mapping
    raise EditError(f"integration `{node.id}` has no `map {source} -> {target}` line")


def remove_mapping(analysis: Analysis, integration: Target, source: str, target: str) -> Patch:
    """Remove a `map` line from an integration."""
    return remove_statement(analysis, _mapping(Doc(analysis), integration, source, target))


def add_metric(
    analysis: Analysis,
    goal: Target,
    name: str,
    *,
    baseline: str | None = None,
    target: str | None = None,
    by: str | None = None,
    actual: str | None = None,
    as_of: str | None = None,
    margin: str | None = None,
) -> Patch:
    """Add `metric NAME baseline V target V by DATE actual V as-of DATE margin P` to a goal."""
    if not _IDENT.match(name):
        raise EditError(f"`{name}` is not a metric name")
    clauses = [
        ("baseline", baseline),
        ("target", target),
        ("by", by),
        ("actual", actual),
        ("as-of", as_of),
        ("margin", margin),
    ]
    return add_child(analysis, goal, "metric", f"metric {name}", clauses)


def add_cost(analysis: Analysis, owner: Target, amount: str, period: str = "per year") -> Patch:
    """Add `cost AMOUNT per year|per month|once` to a goal or a system."""
    return add_child(analysis, owner, "cost", f"cost {amount} {period}")


def add_kpi(
    analysis: Analysis,
    touchpoint: Target,
    name: str,
    target: str | None = None,
    *,
    baseline: str | None = None,
    actual: str | None = None,
    as_of: str | None = None,
) -> Patch:
    """Add `kpi "Name" baseline V target V actual V as-of DATE` to a touchpoint."""
    clauses = [("baseline", baseline), ("target", target), ("actual", actual), ("as-of", as_of)]
    return add_child(analysis, touchpoint, "kpi", f"kpi {quote(name)}", clauses)


def add_idea(
    analysis: Analysis,
    touchpoint: Target,
    text: str,
    *,
    owner: str | None = None,
    status: str | None = None,
    for_goal: str | None = None,
) -> Patch:
    """Add `idea "Text" owner TEAM status S for GOAL` to a touchpoint."""
    clauses = [("owner", owner), ("status", status), ("for", for_goal)]
    return add_child(analysis, touchpoint, "idea", f"idea {quote(text)}", clauses)


def remove_idea(analysis: Analysis, touchpoint: Target, text: str) -> Patch:
    """Remove the idea with this text from a touchpoint."""
    node = node_of(Doc(analysis), touchpoint)
    found = next((i for i in getattr(node, "ideas", ()) if i.text == text), None)
    if found is None:
        raise EditError(f"{statement_name(node)} has no idea {quote(text)}")
    return remove_statement(analysis, found)


def remove_statement(analysis: Analysis, target: Target) -> Patch:
    """Remove a statement with its block and the comments above it.

    No reference check: `crmdsl.edit.delete` checks references for declarations.
    """
    doc = Doc(analysis)
    node = node_of(doc, target)
    file = node.span.file
    first, last = doc.own_range(file, doc.node_line(node))
    start, end = doc.removal(file, first, last)
    return finish(doc, [(file, start, end, "")], f"remove {statement_name(node)}")


def move(
    analysis: Analysis,
    target: Target,
    *,
    before: Target | None = None,
    after: Target | None = None,
    parent: Target | None = None,
) -> Patch:
    """Move a statement with its comments and block.

    A stage, touchpoint, step, decision, end, outcome, field, ... moves before or after a
    sibling, or to the end of another parent's block of the same kind (a touchpoint into
    another stage).
    """
    doc = Doc(analysis)
    node = node_of(doc, target)
    file = node.span.file
    line = doc.node_line(node)
    first, last = doc.own_range(file, line)
    if parent is not None and before is None and after is None:
        pnode = node_of(doc, parent)
        siblings = _statement_children(doc, pnode, _GROUPS.get(node.statement, (node.statement,)))
        if siblings:
            anchor_node: Any = doc.line(file, siblings[-1].lineno)
            anchor_line, place = siblings[-1], "after"
        else:
            anchor_line, place = doc.node_line(pnode), "into"
        del anchor_node
    elif (before is None) == (after is None):
        raise EditError("say where to move it: before=..., after=... or parent=...")
    else:
        other = node_of(doc, before if before is not None else after)  # type: ignore[arg-type]
        if other.span.file != file:
            raise EditError("a statement can only move within its file")
        anchor_line, place = doc.node_line(other), "before" if before is not None else "after"
    if first <= anchor_line.lineno <= last:
        raise EditError("a statement cannot move next to itself or into its own block")
    if place == "into":
        indent = doc.child_indent(anchor_line)
    else:
        indent = anchor_line.indent
        if doc.parent(file, anchor_line) is None and doc.parent(file, line) is not None:
            raise EditError("a nested statement cannot move to the top level")
    delta = indent - line.indent
    moved = [_reindent(doc.line_text(file, n), delta) for n in range(first, last + 1)]
    text = "\n".join(moved)
    total = doc.line_count(file)
    cut_end = doc.line_start(file, last + 1) if last < total else len(doc.texts[file])
    edits: list[_Edit] = [(file, doc.line_start(file, first), cut_end, "")]
    if place == "before":
        pos = doc.line_start(file, doc.own_range(file, anchor_line)[0])
        edits.append((file, pos, pos, text + "\n"))
    else:
        end_line = (
            doc.own_range(file, anchor_line)[1] if place == "after" else doc.last_line(anchor_line)
        )
        pos = doc.line_end(file, end_line)
        edits.append((file, pos, pos, "\n" + text))
    return finish(doc, edits, f"move {statement_name(node)}")


def _reindent(text: str, delta: int) -> str:
    if not text.strip():
        return text
    if delta >= 0:
        return " " * delta + text
    lead = len(text) - len(text.lstrip(" "))
    return text[min(lead, -delta) :]
