"""Edit operations on statements: an `Analysis` and what to change in, a `Patch` out.

Clauses (`set_clause`, `clear_clause`), list entries and repeated clauses (`add_item`,
`remove_item`), children (`add_child`, `remove_statement`, `move`) and the named forms the
issue asks for (`add_stage`, `add_touchpoint`, `add_step`, `add_outcome`, ...). Every
operation validates what it writes against the clause table and by building the changed
top-level block again; new text follows the formatter's layout and nothing else in the
file changes. Targets are reference keys (`sales`, `onboarding.demo`,
`salesforce.Lead.email`, see `CrmMap.lookup`) or model nodes taken from `analysis.map`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from .. import model as m
from ..api import Analysis
from ..format_layout import LINE_WIDTH, classify, header_eligible, layout_statement, split_line
from ..parse import Line
from ..schema import STATEMENTS, ClauseSpec, StatementSpec, ValueKind
from .doc import Doc, _Linenos, check_text
from .patch import EditError, Patch

__all__ = [
    "add_child",
    "add_cost",
    "add_end",
    "add_decision",
    "add_field",
    "add_item",
    "add_kpi",
    "add_mapping",
    "add_metric",
    "add_outcome",
    "add_stage",
    "add_step",
    "add_touchpoint",
    "clear_clause",
    "move",
    "move_outcome",
    "remove_item",
    "remove_mapping",
    "remove_outcome",
    "remove_statement",
    "set_clause",
    "set_field_flag",
]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_Edit = tuple[str, int, int, str]
Target = str | m.Node
Clauses = dict[str, Any] | list[tuple[str, Any]] | None


# -- finding things -------------------------------------------------------------------


def node_of(doc: Doc, target: Target) -> Any:
    """The model node a key names (or the node itself)."""
    if isinstance(target, m.Node):
        return target
    found = doc.map.lookup(target)
    if found is None:
        raise EditError(f"nothing is called `{target}` in this map")
    if isinstance(found, m.Channel) and found.builtin:
        raise EditError(
            f"`{target}` is a built-in channel; declare `channel {found.id}` to edit it"
        )
    return found


def quote(text: str) -> str:
    """A string literal for `text`."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _value_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_value_text(v) for v in value)
    return str(value)


def clause_text(spec: StatementSpec, keyword: str, value: Any = None) -> tuple[ClauseSpec, str]:
    """The clause of the table and its text (`owner sales`); values are written as in a file.

    A string clause takes the text itself (it is quoted here); a flag takes no value.
    """
    clause = spec.clause(keyword)
    if clause is None:
        allowed = ", ".join(f"`{w}`" for w in spec.clause_words) or "no clauses"
        raise EditError(f"a {spec.keyword} has no clause `{keyword}`; it takes {allowed}")
    if clause.value is ValueKind.FLAG:
        if value not in (None, True, ""):
            raise EditError(f"`{keyword}` is a flag; it takes no value")
        return clause, keyword
    if value is None or value == "":
        raise EditError(f"`{keyword}` needs a value: {clause.expects()}")
    if clause.value is ValueKind.STRING and not (isinstance(value, str) and value.startswith('"')):
        value = quote(str(value))
    return clause, f"{keyword} {_value_text(value)}"


_REF_KINDS: dict[str, tuple[type, ...]] = {
    "team": (m.Team,),
    "persona": (m.Persona,),
    "system": (m.System,),
    "field": (m.EntityField,),
    "backstage": (m.Step, m.Decision),
    "node": (m.Step, m.Decision, m.End),
    "support": (m.Journey, m.Process, m.Integration, m.System, m.Stage, m.Touchpoint, m.Step,
                m.Decision, m.End),
}  # fmt: skip


def check_refs(doc: Doc, clause: ClauseSpec, value: Any, scope: str = "") -> None:
    """Refuse a reference that names nothing of the right kind in the map.

    The message says "did you mean ..." where something is close. `scope` is the process
    a `-> step` clause stands in.
    """
    if clause.value not in (ValueKind.REF, ValueKind.REFS) or (clause.ref == "node" and not scope):
        return
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    for raw in items:
        item = str(raw).strip()
        if clause.ref == "channel":
            if doc.map.channel(item) is None:
                pool = [
                    k.removeprefix("channel:")
                    for k in doc.map.symbols()
                    if k.startswith("channel:")
                ]
                raise EditError(f"no channel `{item}` in this map" + _hint(item, pool))
            continue
        kinds = _REF_KINDS.get(clause.ref)
        if kinds is None:
            continue
        key = f"{scope}.{item}" if clause.ref == "node" else item
        if not isinstance(doc.map.lookup(key), kinds):
            pool = [k for k, v in doc.map.symbols().items() if isinstance(v, kinds)]
            if clause.ref == "node":
                pool = [k.split(".", 1)[1] for k in pool if k.startswith(scope + ".")]
            word = {
                "node": "step, decision or end",
                "backstage": "step or decision",
                "support": "journey, process, integration, system, stage, touchpoint or step",
            }.get(clause.ref, clause.ref)
            raise EditError(f"no {word} `{item}` in this map" + _hint(item, pool))


def _hint(item: str, pool: list[str]) -> str:
    from ..suggest import did_you_mean

    found = did_you_mean(item, pool)
    return f"; {found}" if found else ""


def _clause_list(
    spec: StatementSpec, clauses: Clauses, doc: Doc | None = None, scope: str = ""
) -> list[tuple[ClauseSpec, str]]:
    items = list(clauses.items()) if isinstance(clauses, dict) else list(clauses or [])
    out = []
    for keyword, value in items:
        if value is None or value is False:
            continue
        clause, text = clause_text(spec, keyword, None if value is True else value)
        if doc is not None:
            check_refs(doc, clause, value, scope)
        out.append((clause, text))
    return out


# -- line edits -------------------------------------------------------------------------


class LineCuts:
    """Cuts and rewrites of spans on lines, merged per line so that they never collide."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.by_line: dict[tuple[str, int], list[tuple[int, int, str]]] = {}

    def cut(self, span: Any, new: str = "") -> None:
        """Remove a span (with the space that separates it), or replace it by `new`."""
        self.by_line.setdefault((span.file, span.line), []).append((span.col, span.end_col, new))

    def edits(self) -> list[_Edit]:
        """The replacements: one per changed line (whole lines when nothing is left)."""
        out: list[_Edit] = []
        doc = self.doc
        for (file, lineno), cuts in sorted(self.by_line.items()):
            raw = doc.line_text(file, lineno)
            line = doc.line(file, lineno)
            content = line.end_col - 1
            body = raw[:content]
            for col, end, new in sorted(set(cuts), reverse=True):
                a, b = col - 1, min(end - 1, len(body))
                if new:
                    body = body[:a] + new + body[b:]
                    continue
                if body[:a].strip():
                    a = len(body[:a].rstrip())
                else:
                    b += len(body[b:]) - len(body[b:].lstrip(" "))
                body = body[:a] + body[b:]
            start = doc.line_start(file, lineno)
            if not body.strip():
                total = doc.line_count(file)
                end_off = (
                    doc.line_start(file, lineno + 1) if lineno < total else len(doc.texts[file])
                )
                out.append((file, start, end_off, ""))
                continue
            old = raw[:content]
            head = 0
            while head < min(len(old), len(body)) and old[head] == body[head]:
                head += 1
            tail = 0
            while tail < min(len(old), len(body)) - head and old[-1 - tail] == body[-1 - tail]:
                tail += 1
            out.append((file, start + head, start + len(old) - tail, body[head : len(body) - tail]))
        return out


def _finish(doc: Doc, edits: list[_Edit], description: str) -> Patch:
    patch = Patch.build(doc.texts, edits, description)
    _check_blocks(doc, patch)
    return patch


def _check_blocks(doc: Doc, patch: Patch) -> None:
    """Build every changed top-level block again, on its own; a load error refuses the edit."""
    seen: set[tuple[str, int]] = set()
    for rep in patch.replacements:
        file = rep.file
        lineno = min(rep.start_line, doc.line_count(file))
        root = _root_at(doc, file, lineno)
        if root is None or (file, root.lineno) in seen:
            continue
        seen.add((file, root.lineno))
        first, last = root.lineno, doc.last_line(root)
        start, end = doc.line_start(file, first), doc.line_end(file, last)
        inside = [r for r in patch.replacements if r.file == file and start <= r.start <= end]
        text = doc.texts[file]
        pieces, pos = [], start
        for r in inside:
            pieces += [text[pos : r.start], r.new]
            pos = max(pos, r.end)
        pieces.append(text[pos:end] if pos < end else "")
        check_text("".join(pieces) + "\n", file, before=text[start:end] + "\n")


def _root_at(doc: Doc, file: str, lineno: int) -> Line | None:
    roots = doc.analysis.parsed[file].roots
    i = bisect_right(_Linenos(roots), lineno) - 1
    if i >= 0 and lineno <= doc.last_line(roots[i]):
        return roots[i]
    return None


# -- clauses ------------------------------------------------------------------------------


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
    return _finish(doc, edits + cuts.edits(), f"set `{text}` on {_name(node)}")


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
        raise EditError(f"{_name(node)} has no `{keyword}` clause")
    cuts = LineCuts(doc)
    for span in spans:
        cuts.cut(span)
    return _finish(doc, cuts.edits(), f"clear `{keyword}` of {_name(node)}")


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
    `pain`, `idea`, `needs`, ...
    """
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
            raise EditError(f"`{item}` is already in the `{keyword}` list of {_name(node)}")
        if spans:
            last = spans[-1]
            pos = doc.offset(last.file, last.line, last.end_col)
            return _finish(doc, [(last.file, pos, pos, f", {item}")], f"add `{item}` to {keyword}")
    return _finish(doc, [insert_clause(doc, node, clause, text)], f"add `{text}` to {_name(node)}")


def remove_item(analysis: Analysis, target: Target, keyword: str, item: Any) -> Patch:
    """Remove an entry from a list clause, or one line of a repeated clause (by its value)."""
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
            raise EditError(f"`{item}` is not in the `{keyword}` list of {_name(node)}")
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
            raise EditError(f"{_name(node)} has no `{keyword}` {quote(str(item))}")
        cuts.cut(spans[values.index(item)])
    return _finish(doc, cuts.edits(), f"remove `{item}` from {keyword} of {_name(node)}")


# -- children ------------------------------------------------------------------------------


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
        spec, head, _clause_list(spec, clauses, doc, scope), doc.child_indent(pline)
    )
    text = "\n".join(lines)
    if before is not None or after is not None:
        sibling = node_of(doc, before if before is not None else after)  # type: ignore[arg-type]
        sline = doc.node_line(sibling)
        if doc.parent(file, sline) is not pline:
            raise EditError(f"{_name(sibling)} is not in {_name(parent_node)}")
        first, last = doc.own_range(file, sline)
        if before is not None:
            pos = doc.line_start(file, first)
            return _finish(doc, [(file, pos, pos, text + "\n")], f"add {head}")
        pos = doc.line_end(file, last)
    else:
        siblings = _statement_children(doc, parent_node, _GROUPS.get(word, (word,)))
        anchor = siblings[-1] if siblings else None
        last = doc.own_range(file, anchor)[1] if anchor is not None else doc.last_line(pline)
        pos = doc.line_end(file, last)
    return _finish(doc, [(file, pos, pos, "\n" + text)], f"add {head}")


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
) -> Patch:
    """Add `metric NAME baseline V target V by DATE` to a goal."""
    if not _IDENT.match(name):
        raise EditError(f"`{name}` is not a metric name")
    clauses = [("baseline", baseline), ("target", target), ("by", by)]
    return add_child(analysis, goal, "metric", f"metric {name}", clauses)


def add_cost(analysis: Analysis, goal: Target, amount: str, period: str = "per year") -> Patch:
    """Add `cost AMOUNT per year|per month|once` to a goal."""
    return add_child(analysis, goal, "cost", f"cost {amount} {period}")


def add_kpi(analysis: Analysis, touchpoint: Target, name: str, target: str | None = None) -> Patch:
    """Add `kpi "Name" target VALUE` to a touchpoint."""
    return add_child(analysis, touchpoint, "kpi", f"kpi {quote(name)}", [("target", target)])


def remove_statement(analysis: Analysis, target: Target) -> Patch:
    """Remove a statement with its block and the comments above it.

    No reference check: `crmdsl.edit.delete` checks references for declarations.
    """
    doc = Doc(analysis)
    node = node_of(doc, target)
    file = node.span.file
    first, last = doc.own_range(file, doc.node_line(node))
    start, end = doc.removal(file, first, last)
    return _finish(doc, [(file, start, end, "")], f"remove {_name(node)}")


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
    return _finish(doc, edits, f"move {_name(node)}")


def _reindent(text: str, delta: int) -> str:
    if not text.strip():
        return text
    if delta >= 0:
        return " " * delta + text
    lead = len(text) - len(text.lstrip(" "))
    return text[min(lead, -delta) :]


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
    from ..errors import Span
    from ..schema import FIELD_FLAGS

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
        return _finish(doc, [(file, pos, pos, f" {flag}")], f"flag `{node.name}` {flag}")
    if not has:
        raise EditError(f"field `{node.name}` is not flagged `{flag}`")
    tok = next(t for t in line.toks[1:] if t.value == flag)
    cuts = LineCuts(doc)
    cuts.cut(Span(file, line.lineno, tok.column, line.lineno, tok.end_column))
    return _finish(doc, cuts.edits(), f"drop the flag `{flag}` of `{node.name}`")


def _name(node: Any) -> str:
    word = getattr(node, "statement", "statement")
    ident = getattr(node, "id", None) or getattr(node, "name", None) or getattr(node, "label", None)
    if isinstance(node, m.Entity):
        ident = node.key
    return f"{word} `{ident}`" if ident else word
