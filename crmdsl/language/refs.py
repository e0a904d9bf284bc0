"""The one reference walker: a map in, every reference written in it out.

Driven by the clause table (`crmdsl.language.schema`): a statement's references are the
`refs` of its header line (an entity's system, an integration's ends, a `map` line's
fields, an outcome's or a flow's steps, a field's `ref(...)` type) and the values of its
`ref`/`refs` clauses; the walk goes down through the children the table lists. The
resolver resolves what it yields, `crmdsl.query.index` counts what is used (M004), and
`crmdsl.edit.rename` renames and deletes by it, so a reference clause added to the
table is followed by all three.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from operator import attrgetter
from typing import Any, Literal, NamedTuple, TypeVar

from crmdsl import model as m
from crmdsl.language.schema import STATEMENTS, StatementSpec, ValueKind
from crmdsl.model import CrmMap, Node, Ref

__all__ = ["REF_KINDS", "RefSite", "child_nodes", "walk_refs"]

#: What a reference clause may name, by the clause table's `ref` kind (`channel` refs
#: name channels, built in or declared, and are looked up apart).
REF_KINDS: dict[str, tuple[type, ...]] = {
    "team": (m.Team,),
    "persona": (m.Persona,),
    "system": (m.System,),
    "goal": (m.Goal,),
    "field": (m.EntityField,),
    "entity": (m.Entity,),
    "backstage": (m.Step, m.Decision),
    "node": (m.Step, m.Decision, m.End),
    "support": (m.Journey, m.Process, m.Integration, m.System, m.Stage, m.Touchpoint,
                m.Step, m.Decision, m.End),
}  # fmt: skip

_N = TypeVar("_N", bound=Node)


class RefSite(NamedTuple):
    """One reference and where it stands.

    `node` is the statement it is written in, `parents` the statements around that one
    (outermost first). `keyword` is its clause (`owner`, `captures`, `->`), or "" when
    it is part of the statement's own line. `kind` is what it names (`team`, `field`,
    `node`, ...: a clause's `ref` or a `HeaderRef`'s). `listed` marks one entry of a
    list (a `refs` clause, a flow's steps).
    """

    ref: Ref
    node: Node
    keyword: str
    kind: str
    listed: bool
    parents: tuple[Node, ...]

    @property
    def role(self) -> Literal["clause", "item", "header"]:
        """`clause` (a clause's value), `item` (an entry of a list clause) or `header`."""
        if not self.keyword:
            return "header"
        return "item" if self.listed else "clause"

    def enclosing(self, kind: type[_N]) -> _N:
        """The nearest statement of this type around the reference (or its own)."""
        for node in (self.node, *reversed(self.parents)):
            if isinstance(node, kind):
                return node
        raise LookupError(f"no {kind.__name__} around `{self.ref.text}`")


#: One place a statement keeps references: how to read it, its clause keyword ("" for
#: the header line; a tuple when several clauses share the attribute), what it names.
_Part = tuple[Callable[[Any], Any], Any, str]
#: A statement's parts, and the lists of its block that hold references somewhere.
_Plan = tuple[tuple[_Part, ...], tuple[str, ...]]
_CACHE: dict[str, tuple[StatementSpec, _Plan]] = {}
_NEW = tuple.__new__  # builds a RefSite without NamedTuple's Python-level __new__


def _plans() -> dict[str, _Plan]:
    """Each statement's plan, from the table as it is now (recomputed when it changes)."""
    plans: dict[str, _Plan] = {}
    for keyword, spec in STATEMENTS.items():
        cached = _CACHE.get(keyword)
        if cached is None or cached[0] is not spec:
            cached = _CACHE[keyword] = (spec, (_parts(spec), ()))
        plans[keyword] = cached[1]
    walked: dict[str, bool] = {}
    for keyword in STATEMENTS:
        _has_refs(keyword, plans, walked)
    for keyword, (parts, _) in plans.items():
        children = STATEMENTS[keyword].children
        lists = (STATEMENTS[c].list_attr for c in children if walked[c])
        plans[keyword] = (parts, tuple(dict.fromkeys(lists)))
    return plans


def _parts(spec: StatementSpec) -> tuple[_Part, ...]:
    """Where a statement's own references stand: its header line, then its clauses."""
    parts: list[_Part] = [(attrgetter(h.attr), "", h.ref) for h in spec.refs]
    by_attr: dict[str, tuple[str, ...]] = {}
    kinds: dict[str, str] = {}
    for clause in spec.clauses:
        if clause.value in (ValueKind.REF, ValueKind.REFS):
            by_attr[clause.attr] = (*by_attr.get(clause.attr, ()), clause.keyword)
            kinds.setdefault(clause.attr, clause.ref)
    for attr, keywords in by_attr.items():
        parts.append(
            (attrgetter(attr), keywords[0] if len(keywords) == 1 else keywords, kinds[attr])
        )
    return tuple(parts)


def _has_refs(keyword: str, plans: dict[str, _Plan], walked: dict[str, bool]) -> bool:
    """Whether a statement or anything in its block can hold a reference."""
    found = walked.get(keyword)
    if found is None:
        walked[keyword] = False  # the table has no cycles; this only guards against one
        children = STATEMENTS[keyword].children
        found = bool(plans[keyword][0]) | any([_has_refs(c, plans, walked) for c in children])
        walked[keyword] = found
    return found


def walk_refs(mp: CrmMap) -> Sequence[RefSite]:
    """Every reference of the map, resolved or not, statement by statement in map order.

    A statement's own references come before its children's (an integration's ends
    before its `map` lines), which the resolver relies on. The map keeps the walk, so the
    resolver, the index and rename walk a loaded map once between them.
    """
    cached: list[RefSite] | None = mp._ref_sites
    if cached is not None:
        return cached
    plans = _plans()
    out: list[RefSite] = []
    if mp.header is not None:
        _walk(mp.header, (), out, plans)
    tops = (s for s in STATEMENTS.values() if "top" in s.parents and s.list_attr)
    for spec in tops:
        if plans[spec.keyword][0] or plans[spec.keyword][1]:
            for node in getattr(mp, spec.list_attr):
                _walk(node, (), out, plans)
    mp._ref_sites = out
    return out


def _walk(
    node: Node, parents: tuple[Node, ...], out: list[RefSite], plans: dict[str, _Plan]
) -> None:
    parts, lists = plans[node.statement]
    for read, keyword, kind in parts:
        value = read(node)
        if not value:
            continue
        if keyword.__class__ is tuple:  # several clauses share the attribute
            keyword = _given(node, keyword)
        if value.__class__ is list:
            out += [_NEW(RefSite, (ref, node, keyword, kind, True, parents)) for ref in value]
        else:
            out.append(_NEW(RefSite, (value, node, keyword, kind, False, parents)))
    if lists:
        inner = (*parents, node)
        for name in lists:
            for child in getattr(node, name):
                _walk(child, inner, out, plans)


def _given(node: Node, keywords: tuple[str, ...]) -> str:
    """Which of several clauses sharing one attribute the statement was written with."""
    return next((k for k in keywords if k in node.clause_spans), keywords[0])


def child_nodes(node: Node) -> Iterator[Node]:
    """The statements of a statement's block (fields, stages, steps, `map` lines, ...)."""
    lists = (STATEMENTS[child].list_attr for child in STATEMENTS[node.statement].children)
    for name in dict.fromkeys(lists):
        yield from getattr(node, name)
