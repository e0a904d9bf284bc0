"""References, rename and delete: an id in, every place that names it out.

`references(analysis, key)` lists the resolved references to a declaration (or to
anything inside it: the fields of an entity, the steps of a process). `rename` rewrites
the declaration and every reference, across all the files of the map (a system's rename
reaches `entity system.X` headers, `system.E.f` field references, integration ends,
`system` and `master` clauses; a step's reaches `-> x`, outcomes, `flow` lines,
`backstage p.x` and `supported-by p.x`). `delete` removes a declaration, refusing while
it is referenced unless `cascade=True`, which also removes what refers to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from crmdsl import model as m
from crmdsl.edit.base import LineCuts, check_blocks, node_of
from crmdsl.edit.doc import Doc, map_index
from crmdsl.edit.patch import EditError, Patch
from crmdsl.language.loader import Analysis
from crmdsl.language.refs import child_nodes, walk_refs
from crmdsl.language.schema import STATEMENTS

__all__ = ["Reference", "delete", "references", "rename"]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

#: How a reference sits in its statement, by the walker's role: `clause` (a clause
#: value), `item` (an entry of a list clause), `owner-line` (the statement cannot stand
#: without it: an entity's system, an integration's ends, a map line's fields, an
#: outcome's or a flow's steps, a field's `ref(...)` type).
_ROLES = {"clause": "clause", "item": "item", "header": "owner-line"}


@dataclass(frozen=True, slots=True)
class Reference:
    """A resolved reference: the `Ref`, the statement it stands in, and how it stands there."""

    ref: m.Ref
    node: Any
    role: str
    keyword: str

    def __str__(self) -> str:
        s = self.ref.span
        return f"{s.file}:{s.line}:{s.col}: `{self.ref.text}` in {_word(self.node)}"


def _word(node: Any) -> str:
    ident = getattr(node, "id", None) or getattr(node, "name", None)
    if isinstance(node, m.Entity):
        ident = node.key
    if isinstance(node, m.Mapping):
        return f"`map {node.source.text} -> {node.target.text}`"
    if isinstance(node, m.Outcome):
        return f"outcome `{node.label}`"
    return f"{node.statement} `{ident}`" if ident else f"a `{node.statement}` line"


def all_references(mp: m.CrmMap) -> list[Reference]:
    """Every reference of the map with the statement it stands in, in file order."""
    index = map_index(mp)
    found = index.get("references")
    if found is not None:
        return list(found)
    out = [
        Reference(site.ref, site.node, _ROLES[site.role], site.keyword) for site in walk_refs(mp)
    ]
    out.sort(key=lambda r: (r.ref.span.file, r.ref.span.line, r.ref.span.col))
    index["references"] = out
    return list(out)


def _references_into(mp: m.CrmMap, key: str) -> list[Reference]:
    """The references whose target is `key` or something inside it (an index, cached)."""
    index = map_index(mp)
    by_key = index.get("references_by_key")
    if by_key is None:
        by_key = {}
        for r in all_references(mp):
            target = r.ref.target
            if target is None:
                continue
            if target.startswith("channel:"):
                by_key.setdefault(target, []).append(r)
                continue
            parts = target.split(".")
            for n in range(1, len(parts) + 1):
                by_key.setdefault(".".join(parts[:n]), []).append(r)
        index["references_by_key"] = by_key
    return list(by_key.get(key, []))


def _points_into(target: str | None, key: str) -> bool:
    return target is not None and (target == key or target.startswith(key + "."))


def _key_of(doc: Doc, node: Any) -> str:
    key = doc.key_of(node)
    if key is None:
        raise EditError("only a declaration with an id can be renamed or deleted this way")
    return key


def _inside(outer: m.Node, inner: Any) -> bool:
    a, b = outer.span, inner.span
    return bool(a.file == b.file and a.line <= b.line <= b.end_line <= a.end_line)


def references(analysis: Analysis, key: str | m.Node) -> list[Reference]:
    """The references to a declaration or to anything inside it, in file order.

    References from the declaration's own block are not counted.
    """
    doc = Doc(analysis)
    node = node_of(doc, key)
    _key_of(doc, node)
    return _refs_within(doc, node)


def _refs_within(doc: Doc, node: Any) -> list[Reference]:
    """References from outside `node` to it or to anything declared inside it.

    Inside means in its block: a stage's touchpoints count, though their keys are
    `journey.touchpoint`, not under the stage.
    """
    seen: set[int] = set()
    out: list[Reference] = []
    stack = [node]
    while stack:
        current = stack.pop()
        key = doc.key_of(current)
        if key is not None:
            for r in _references_into(doc.map, key):
                if id(r) not in seen and not _inside(node, r.node):
                    seen.add(id(r))
                    out.append(r)
        stack.extend(child_nodes(current))
    out.sort(key=lambda r: (r.ref.span.file, r.ref.span.line, r.ref.span.col))
    return out


def rename(analysis: Analysis, key: str | m.Node, new_id: str) -> Patch:
    """Rename a declaration and every reference to it, in every file of the map."""
    doc = Doc(analysis)
    node = node_of(doc, key)
    old_key = _key_of(doc, node)
    if not _IDENT.match(new_id):
        raise EditError(
            f"`{new_id}` is not an id: use letters, digits and `_`, starting with a letter"
        )
    if old_key.startswith("channel:"):
        new_key = f"channel:{new_id}"
    else:
        new_key = ".".join([*old_key.split(".")[:-1], new_id])
    if new_key == old_key:
        return Patch((), "rename: nothing to do")
    existing = doc.taken(new_key, but=old_key)
    if existing is not None:
        shown = existing.removeprefix("channel:")
        raise EditError(f"`{new_id}` is taken: `{shown}` is already declared")
    edits: list[tuple[str, int, int, str]] = []
    own = _own_id_span(node)
    if own is not None:
        file, line, col, end = own
        edits.append((file, doc.offset(file, line, col), doc.offset(file, line, end), new_id))
    depth = len(old_key.removeprefix("channel:").split(".")) - 1
    for r in _references_into(doc.map, old_key):
        target = r.ref.target
        if target is None:
            continue
        if old_key.startswith("channel:"):
            if target == old_key:
                s = r.ref.span
                edits.append(
                    (
                        s.file,
                        doc.offset(s.file, s.line, s.col),
                        doc.offset(s.file, s.line, s.end_col),
                        new_id,
                    )
                )
            continue
        if not _points_into(target, old_key):
            continue
        parts, tparts = r.ref.text.split("."), target.split(".")
        shift = len(tparts) - len(parts)
        j = depth - shift
        if j < 0 or tparts[shift:] != parts:
            continue
        s = r.ref.span
        col = s.col + sum(len(p) + 1 for p in parts[:j])
        start = doc.offset(s.file, s.line, col)
        edits.append((s.file, start, start + len(parts[j]), new_id))
    return Patch.build(
        doc.texts, edits, f"rename `{old_key.removeprefix('channel:')}` to `{new_id}`"
    )


def _own_id_span(node: Any) -> tuple[str, int, int, int] | None:
    if isinstance(node, m.Entity) and node.id_span is not None:
        s = node.id_span
        col = s.col + len(node.system.text) + 1
        return s.file, s.line, col, col + len(node.name)
    if isinstance(node, m.EntityField) and node.name_span is not None:
        s = node.name_span
        return s.file, s.line, s.col, s.end_col
    span = getattr(node, "id_span", None)
    if span is None:
        return None
    return span.file, span.line, span.col, span.end_col


def delete(analysis: Analysis, key: str | m.Node, *, cascade: bool = False) -> Patch:
    """Delete a declaration with its block and the comments above it.

    Refuses with the list of references (file:line:col) while anything refers to it;
    with `cascade=True` also removes them: a clause that names it, its entry in a list,
    and statements that cannot stand without it (an entity of a deleted system, an
    integration with a deleted end, a `map` line, outcome or `flow` line naming it).
    """
    doc = Doc(analysis)
    node = node_of(doc, key)
    key_text = _key_of(doc, node)
    refs = references(analysis, node)
    if refs and not cascade:
        listed = "\n".join(f"  {r}" for r in refs)
        raise EditError(
            f"`{key_text.removeprefix('channel:')}` is still referenced {len(refs)} "
            f"time{'s' if len(refs) != 1 else ''}:\n{listed}\n"
            "remove those references first, or delete with cascade"
        )
    doomed, loose = _casualties(doc, node)
    edits: list[tuple[str, int, int, str]] = []
    for victim in doomed:
        file = victim.span.file
        first, last = doc.own_range(file, doc.node_line(victim))
        start, end = doc.removal(file, first, last)
        edits.append((file, start, end, ""))
    edits.extend(_cut_references(doc, doomed, loose))
    patch = Patch.build(doc.texts, edits, f"delete `{key_text.removeprefix('channel:')}`")
    check_blocks(doc, patch)
    return patch


def _casualties(doc: Doc, node: Any) -> tuple[list[Any], list[Reference]]:
    """What deleting `node` removes, and the references left to cut out.

    Statements that cannot stand without it go too (with their own casualties); the
    references in clauses of statements that stay are returned to be cut out.
    """
    doomed: list[Any] = [node]
    todo = [node]
    loose: list[Reference] = []
    while todo:
        current = todo.pop()
        for r in _refs_within(doc, current):
            if any(_inside(d, r.node) for d in doomed):
                continue
            if r.role == "owner-line":
                victim = r.node
                if all(victim is not d for d in doomed):
                    doomed.append(victim)
                    todo.append(victim)
            else:
                loose.append(r)
    return doomed, loose


def _cut_references(
    doc: Doc, doomed: list[Any], loose: list[Reference]
) -> list[tuple[str, int, int, str]]:
    """The edits that cut `loose` references out of their clauses.

    A whole clause, or one entry of a list clause; not where the statement goes too.
    """
    cuts = LineCuts(doc)
    lists: dict[tuple[int, Any], list[m.Ref]] = {}
    for r in loose:
        if any(_inside(d, r.node) for d in doomed):
            continue
        spans = r.node.clause_spans.get(r.keyword, [])
        occurrence = next(
            (s for s in spans if s.line == r.ref.span.line and s.col <= r.ref.span.col < s.end_col),
            None,
        )
        if occurrence is None:
            continue
        if r.role == "clause":
            cuts.cut(occurrence)
        else:
            lists.setdefault((id(r.node), occurrence), []).append(r.ref)
    for (node_id, occurrence), gone in lists.items():
        owner = next(r.node for r in loose if id(r.node) == node_id)
        keyword = next(r.keyword for r in loose if id(r.node) == node_id and r.ref in gone)
        values = [
            v
            for v in _list_of(owner, keyword)
            if v.span.line == occurrence.line and occurrence.col <= v.span.col < occurrence.end_col
        ]
        rest = [v.text for v in values if all(v is not g for g in gone)]
        cuts.cut(occurrence, f"{keyword} {', '.join(rest)}" if rest else "")
    return cuts.edits()


def _list_of(node: Any, keyword: str) -> list[m.Ref]:
    clause = STATEMENTS[node.statement].clause(keyword)
    assert clause is not None  # the walker named it
    return list(getattr(node, clause.attr))
