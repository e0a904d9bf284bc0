"""Match the elements of two maps and say what changed: two element tables in, changes out.

Elements match by kind and scoped id, never by line. An element that disappears while
another of the same kind appears with the same label, the same parent and the same
content (references compared after renames) is a rename; renames are found parents
first, so a journey's stages follow their journey without being renames of their own.
References are compared by the key they resolve to, rewritten through the renames, so a
reference that followed a rename is not a change of the element holding it (it is listed
under the rename instead).

Out: `ElementChange`s (added, removed, changed, renamed) with their `ClauseChange`s, and
`Note`s for what changes no meaning (declarations reordered, a block moved to another
file, a list written in another order).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from crmdsl.diffing.elements import ELEMENT_KINDS, Element, Val

__all__ = ["ClauseChange", "ElementChange", "Matching", "Note", "compare_elements"]

#: Children whose order is meaning (the journey view draws them in order).
ORDERED = {"journey": "stages", "stage": "touchpoints"}
_KIND_ORDER = {kind: n for n, kind in enumerate(ELEMENT_KINDS)}

ClauseStatus = Literal["set", "cleared", "changed", "added", "removed"]


@dataclass(frozen=True, slots=True)
class ClauseChange:
    """One clause of an element that changed: `sla 1d → 4h`, `+ pain "…"`, `− moment-of-truth`.

    `status`: `set` (it had none), `cleared`, `changed` (old → new), or for a clause
    that holds several values, `added` / `removed` (one value). A flag's values are
    None: it is set or cleared.
    """

    clause: str
    status: ClauseStatus
    old: str | None = None
    new: str | None = None

    def text(self) -> str:
        """The change as one line: `sla 1d → 4h`."""
        if self.status == "changed":
            return f"{self.clause} {self.old} → {self.new}"
        value = self.new if self.status in ("set", "added") else self.old
        sign = "+" if self.status in ("set", "added") else "−"
        return f"{sign} {self.clause}" + (f" {value}" if value is not None else "")


@dataclass(slots=True)
class ElementChange:
    """An element added, removed, changed or renamed, with its clause changes.

    For a rename, `old_id` is the id it had and `followed` lists the references that
    followed it (`touchpoint onboarding.demo: backstage`).
    """

    kind: str
    id: str
    label: str | None
    status: Literal["added", "removed", "changed", "renamed"]
    file: str
    line: int
    clauses: list[ClauseChange] = field(default_factory=list)
    old_id: str | None = None
    followed: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """`kind id`."""
        return f"{self.kind} {self.id}"


@dataclass(frozen=True, slots=True)
class Note:
    """A change of no meaning: `order` (reordered), `moved` (to another file), `format`."""

    kind: Literal["order", "moved", "format"]
    text: str


@dataclass(slots=True)
class Matching:
    """How the old map's keys map to the new one: renames and the key rewriting they imply."""

    renames: dict[str, str] = field(default_factory=dict)  # old symbol -> new symbol
    old_to_new: dict[str, str] = field(default_factory=dict)  # old element key -> new key

    def symbol(self, key: str) -> str:
        """A reference key rewritten through the renames (`hubspot.Contact` → `hs.Contact`)."""
        if not self.renames:
            return key
        if key in self.renames:
            return self.renames[key]
        cut = len(key)
        while True:
            cut = max(key.rfind(".", 0, cut), key.rfind(":", 0, cut))
            if cut <= 0:
                return key
            head = key[:cut]
            if head in self.renames:
                return self.renames[head] + key[cut:]

    def val(self, v: Val) -> tuple[str, ...]:
        """A value's canonical atoms, references rewritten through the renames."""
        if not self.renames:
            return v.canon
        return tuple(
            "@" + self.symbol(a[1:])
            if a.startswith("@")
            else "ref(@" + self.symbol(a[5:-1]) + ")"
            if a.startswith("ref(@")
            else a
            for a in v.canon
        )

    def key(self, old_key: str) -> str:
        """An old element key as the new map names it."""
        found = self.old_to_new.get(old_key)
        if found is not None:
            return found
        kind, _, scoped = old_key.partition(" ")
        if kind == "map-line":  # `integration:source -> target`, three keys
            owner, _, ends = scoped.partition(":")
            source, _, target = ends.partition(" -> ")
            parts = (self.symbol(owner), self.symbol(source), self.symbol(target))
            return f"{kind} {parts[0]}:{parts[1]} -> {parts[2]}"
        return f"{kind} {self.symbol(scoped)}"


def _own(atoms: tuple[str, ...], symbol: str | None) -> tuple[str, ...]:
    """Atoms with references to the element itself (or inside it) made id-free."""
    if symbol is None:
        return atoms
    me = "@" + symbol
    return tuple(
        "@~" + a[len(me) :] if a == me or a.startswith((me + ".", me + ":")) else a for a in atoms
    )


def _signature(e: Element, m: Matching) -> tuple[object, ...]:
    clauses = tuple(
        sorted(
            (name, tuple(_own(m.val(v), e.symbol) for v in vals))
            for name, vals in e.clauses.items()
        )
    )
    children = tuple(sorted(c.rsplit(".", 1)[-1] for c in e.children))
    return (e.kind, e.label, m.key(e.parent) if e.parent else None, clauses, children)


def _find_renames(old: Mapping[str, Element], new: Mapping[str, Element]) -> Matching:
    """Renames, parents first: same kind, label, parent and content."""
    m = Matching()
    depths = sorted({e.depth for e in old.values()})
    for depth in depths:
        gone = [e for e in old.values() if e.depth == depth and m.key(e.key) not in new]
        if not gone:
            continue
        mapped_old = {m.key(k) for k in old}
        fresh: dict[tuple[object, ...], list[Element]] = {}
        for e in new.values():
            if e.depth == depth and e.key not in mapped_old and e.symbol is not None:
                fresh.setdefault(_signature(e, m), []).append(e)
        for e in gone:
            if e.symbol is None or m.key(e.key) in new:
                continue  # unnamed, or it follows a rename found just before
            pool = fresh.get(_signature(e, m))
            if pool:
                target = pool.pop(0)
                assert target.symbol is not None
                m.renames[e.symbol] = target.symbol
                m.old_to_new[e.key] = target.key
    return m


def _multi_changes(name: str, old: list[Val], new: list[Val], m: Matching) -> list[ClauseChange]:
    old_c = Counter(m.val(v) for v in old)
    new_c = Counter(v.canon for v in new)
    removed = [v for v in old if _take(old_c, new_c, m.val(v))]
    new_c = Counter(v.canon for v in new)
    old_c = Counter(m.val(v) for v in old)
    added = [v for v in new if _take(new_c, old_c, v.canon)]
    out: list[ClauseChange] = []
    # A value written again with other details (a kpi's target): one change, old → new.
    heads = {v.canon[:2]: v for v in added if len(v.canon) > 2}
    for v in removed:
        twin = heads.pop(m.val(v)[:2], None) if len(v.canon) > 2 else None
        if twin is not None:
            added.remove(twin)
            out.append(ClauseChange(name, "changed", v.text, twin.text))
        else:
            out.append(ClauseChange(name, "removed", old=v.text))
    out += [ClauseChange(name, "added", new=v.text) for v in added]
    return out


def _take(
    mine: Counter[tuple[str, ...]], theirs: Counter[tuple[str, ...]], atom: tuple[str, ...]
) -> bool:
    """True when this value of `mine` has no partner left in `theirs` (and uses one up)."""
    if theirs[atom] > 0:
        theirs[atom] -= 1
        return False
    return True


def _clause_changes(
    old: Element, new: Element, m: Matching
) -> tuple[list[ClauseChange], list[str]]:
    """The clause changes of a matched element, and the names of lists only reordered."""
    out: list[ClauseChange] = []
    reordered: list[str] = []
    if old.label != new.label:
        out.append(_single("label", _label(old.label), _label(new.label)))
    for name in dict.fromkeys([*old.clauses, *new.clauses]):
        o, n = list(old.clauses.get(name, ())), list(new.clauses.get(name, ()))
        if [m.val(v) for v in o] == [v.canon for v in n]:
            continue
        if len(o) <= 1 and len(n) <= 1 and name not in _LISTS:
            out.append(_single(name, _shown(o), _shown(n)))
            continue
        changes = _multi_changes(name, o, n, m)
        if changes:
            out += changes
        else:
            reordered.append(name)
    return out, reordered


#: Clauses that hold a list even when one value is written.
_LISTS = frozenset(
    {"flow", "pain", "idea", "needs", "segment", "kpi", "cost", "captures", "backstage",
     "supported-by", "record-of", "evidence"}
)  # fmt: skip


def _label(label: str | None) -> str | None:
    return None if label is None else '"' + label.replace('"', '\\"') + '"'


def _shown(vals: list[Val]) -> str | None:
    return vals[0].text if vals else None


def _single(name: str, old: str | None, new: str | None) -> ClauseChange:
    flag = old in (None, "true") and new in (None, "true")
    if old is None:
        return ClauseChange(name, "set", new=None if flag else new)
    if new is None:
        return ClauseChange(name, "cleared", old=None if flag else old)
    return ClauseChange(name, "changed", old, new)


def _structure_changes(old: Element, new: Element, m: Matching) -> list[ClauseChange]:
    """A touchpoint moved to another stage; stages or touchpoints in another order."""
    out: list[ClauseChange] = []
    old_parent = m.key(old.parent) if old.parent else None
    if old_parent != new.parent and old.parent and new.parent:
        out.append(ClauseChange("in", "changed", _scoped(old.parent), _scoped(new.parent)))
    if new.kind in ORDERED:
        before = [_scoped(m.key(c)) for c in old.children]
        after = [_scoped(c) for c in new.children]
        common = set(before) & set(after)
        kept_b = [c for c in before if c in common]
        kept_a = [c for c in after if c in common]
        if kept_b != kept_a:
            word = ORDERED[new.kind]
            out.append(
                ClauseChange(f"order of {word}", "changed", ", ".join(kept_b), ", ".join(kept_a))
            )
    return out


def _scoped(key: str) -> str:
    return key.partition(" ")[2].rsplit(".", 1)[-1]


def _followed(
    new_sym: str, old: Mapping[str, Element], new: Mapping[str, Element], m: Matching
) -> list[str]:
    """Where the new map refers to a renamed element and the old one referred to it too."""
    target = "@" + new_sym
    out: list[str] = []
    for e in new.values():
        for name, vals in e.clauses.items():
            if not any(_names(v.canon, target) for v in vals):
                continue
            before = _old_of(e.key, old, m)
            if before is not None and any(
                _names(m.val(v), target) for v in before.clauses.get(name, ())
            ):
                out.append(f"{e.key}: {name}")
    return out


def _names(canon: tuple[str, ...], target: str) -> bool:
    return any(a == target or a.startswith(target + ".") or a == f"ref({target})" for a in canon)


def _old_of(new_key: str, old: Mapping[str, Element], m: Matching) -> Element | None:
    for k, v in m.old_to_new.items():
        if v == new_key:
            return old.get(k)
    found = old.get(new_key)
    if found is not None and m.key(found.key) == new_key:
        return found
    return None


def compare_elements(
    old: Mapping[str, Element], new: Mapping[str, Element]
) -> tuple[list[ElementChange], list[Note], Matching]:
    """Every element change between two maps, the notes of no meaning, and the matching."""
    m = _find_renames(old, new)
    mapped = {m.key(k): e for k, e in old.items()}
    changes: list[ElementChange] = []
    notes: list[Note] = []
    moves: dict[tuple[str, str], list[str]] = {}
    for key, e in new.items():
        before = mapped.get(key)
        if before is None:
            if not _parent_new(e, mapped):
                changes.append(_change(e, "added"))
            continue
        clauses, reordered = _clause_changes(before, e, m)
        clauses += _structure_changes(before, e, m)
        notes += [Note("order", f"{e.key}: {name} written in another order") for name in reordered]
        if before.key in m.old_to_new:
            item = _change(e, "renamed")
            item.old_id = before.id
            item.followed = _followed(e.symbol or "", old, new, m)
            item.clauses = clauses
            changes.append(item)
        elif clauses:
            item = _change(e, "changed")
            item.clauses = clauses
            changes.append(item)
        if before.parent is None and before.place != e.place:
            moves.setdefault((before.file, e.file), []).append(e.key)
    notes += [
        Note("moved", f"from {src} to {dst}: {', '.join(keys)}")
        for (src, dst), keys in moves.items()
    ]
    for key, e in mapped.items():
        if key not in new and not _parent_gone(e, m, new):
            changes.append(_change(e, "removed"))
    notes += _order_notes(old, new, m)
    changes.sort(key=_change_order)
    return changes, notes, m


def _parent_new(e: Element, mapped: Mapping[str, Element]) -> bool:
    """True when the element's parent is new too (listed under it, not on its own)."""
    return e.parent is not None and e.parent not in mapped


def _parent_gone(e: Element, m: Matching, new: Mapping[str, Element]) -> bool:
    return e.parent is not None and m.key(e.parent) not in new


def _change(e: Element, status: Literal["added", "removed", "changed", "renamed"]) -> ElementChange:
    return ElementChange(e.kind, e.id, e.label, status, e.file, e.line)


def _change_order(c: ElementChange) -> tuple[int, str, str]:
    return (_KIND_ORDER.get(c.kind, len(_KIND_ORDER)), c.id, c.status)


def _order_notes(old: Mapping[str, Element], new: Mapping[str, Element], m: Matching) -> list[Note]:
    """Declarations or children written in another order (where order means nothing)."""
    out: list[Note] = []
    groups: dict[str | None, tuple[list[str], list[str]]] = {}
    for k, e in old.items():
        parent = m.key(e.parent) if e.parent else None
        groups.setdefault(parent, ([], []))[0].append(m.key(k))
    for k, e in new.items():
        groups.setdefault(e.parent, ([], []))[1].append(k)
    for parent, (before, after) in groups.items():
        parent_kind = parent.partition(" ")[0] if parent else None
        if parent_kind in ORDERED:
            continue
        common = set(before) & set(after)
        kept_b = _by_kind(c for c in before if c in common)
        kept_a = _by_kind(c for c in after if c in common)
        if kept_b != kept_a:
            where = f"in {parent}" if parent else "at the top of the map"
            out.append(Note("order", f"declarations {where} written in another order"))
    return out


def _by_kind(keys: Iterable[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k in keys:
        out.setdefault(k.partition(" ")[0], []).append(k)
    return out
