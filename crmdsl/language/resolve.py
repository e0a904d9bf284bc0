"""Resolve: the built files of one map in, the resolved map and its load errors out.

Puts every file's declarations into one map, builds the symbol table with the scopes of
docs/language.md (duplicate ids and ids that differ only in case are errors), resolves every
reference (an unknown one names the closest existing ones), checks the values that need
the whole map (`master` is one of the ends), and works out each process's flows.

What a reference points at is written into it (`Ref.target`), and a process's flows into
it (`Process.edges`), but never into a statement shared with an earlier load
(`BuiltFile.shared`): when one of those would change, the statement is reported back
(`resolve_built`'s conflicts) for the loader to build again, and nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

from crmdsl import model as m
from crmdsl.errors import Diagnostic, Note, Span
from crmdsl.language.build.statements import BuiltFile
from crmdsl.language.refs import RefSite, walk_refs
from crmdsl.language.schema import BUILTIN_CHANNELS, STATEMENTS
from crmdsl.language.suggest import declare_hint, did_you_mean

__all__ = ["resolve", "resolve_built"]


_LONG_NAME = re.compile(r"`([^`]{41,})`")  # a name cut in a message


_WORD = {
    m.Team: "team",
    m.Persona: "persona",
    m.System: "system",
    m.Journey: "journey",
    m.Process: "process",
    m.Integration: "integration",
    m.Goal: "goal",
    m.Channel: "channel",
    m.Entity: "entity",
    m.EntityField: "field",
    m.Stage: "stage",
    m.Touchpoint: "touchpoint",
    m.Step: "step",
    m.Decision: "decision",
    m.End: "end",
}


def _word(obj: Any) -> str:
    return _WORD.get(type(obj), type(obj).__name__.lower())


def _a(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def resolve(files: Sequence[BuiltFile], root: str | None) -> tuple[m.CrmMap, list[Diagnostic]]:
    """Put the files of one map together and resolve it (the first file is the root).

    For files with no statement shared with an earlier load (`resolve_built` otherwise).
    """
    crm_map, diagnostics, conflicts = resolve_built(files, root)
    if conflicts:
        raise ValueError("shared statements would change; load with resolve_built")
    return crm_map, diagnostics


def resolve_built(
    files: Sequence[BuiltFile], root: str | None
) -> tuple[m.CrmMap, list[Diagnostic], set[int]]:
    """`resolve`, and the ids of shared statements whose references would resolve otherwise.

    When that set is not empty, the map is not right: build those statements again
    (`build_file(fresh=...)`) and resolve again.
    """
    resolver = _Resolver(files, root)
    crm_map, diagnostics = resolver.run()
    return crm_map, diagnostics, resolver.conflicts


class _Resolver:
    def __init__(self, files: Sequence[BuiltFile], root: str | None) -> None:
        self.files = files
        self.diags: list[Diagnostic] = []
        self.symbols: dict[str, Any] = {}
        self.lower: dict[str, tuple[str, str]] = {}
        self.lost: set[str] = set().union(*(f.lost for f in files)) if files else set()
        self.shared: set[int] = set().union(*(f.shared for f in files)) if files else set()
        self.conflicts: set[int] = set()
        self.map = m.CrmMap(
            root=root,
            files=[f.path for f in files],
            header=files[0].header if files else None,
            includes=[i for f in files for i in f.includes],
            comments=[c for f in files for c in f.comments],
        )

    def run(self) -> tuple[m.CrmMap, list[Diagnostic]]:
        for channel_id, label in BUILTIN_CHANNELS.items():
            self.symbols[f"channel:{channel_id}"] = m.Channel(
                id=channel_id,
                label=label,
                builtin=True,
                span=Span("<built-in>", 0, 0, 0, 0),
                clause_spans={},
                id_span=None,
            )
            key = f"channel:{channel_id}"
            self.lower["channel:" + key.lower()] = (key, "channel:")
        for built in self.files:
            for node in built.declarations:
                self._declare(node)
        for node in [*self.map.journeys, *self.map.processes, *self.map.entities]:
            self._declare_members(node)
        self._resolve_all()
        self.map._symbols = self.symbols
        return self.map, self.diags

    # -- symbols -------------------------------------------------------------------

    def _declare(self, node: m.Node) -> None:
        getattr(self.map, STATEMENTS[node.statement].list_attr).append(node)
        if isinstance(node, m.Channel):
            key = f"channel:{node.id}"
            existing = self.symbols.get(key)
            if isinstance(existing, m.Channel) and existing.builtin:
                self.symbols[key] = node
                return
            self._add(key, node, node.id_span, "channel:")
        elif isinstance(node, m.Entity):
            self._add(node.key, node, node.id_span, "entity:")
        else:
            assert isinstance(node, m.Declared)
            self._add(node.id, node, node.id_span, "")

    def _declare_members(self, node: m.Node) -> None:
        if isinstance(node, m.Journey):
            for stage in node.stages:
                self._add(f"{node.id}.{stage.id}", stage, stage.id_span, f"journey:{node.id}:")
                for tp in stage.touchpoints:
                    self._add(f"{node.id}.{tp.id}", tp, tp.id_span, f"journey:{node.id}:")
        elif isinstance(node, m.Process):
            for member in node.nodes:
                self._add(f"{node.id}.{member.id}", member, member.id_span, f"process:{node.id}:")
        elif isinstance(node, m.Entity) and self.symbols.get(node.key) is node:
            for f in node.fields:
                self._add(f"{node.key}.{f.name}", f, f.name_span, f"field:{node.key}:")

    def _add(self, key: str, node: Any, span: Span | None, namespace: str) -> None:
        span = span or getattr(node, "span", None)
        existing = self.symbols.get(key)
        if existing is not None and not (isinstance(existing, m.Channel) and existing.builtin):
            first = (
                existing.id_span
                if isinstance(existing, m.Declared | m.Entity)
                else getattr(existing, "name_span", None) or existing.span
            )
            word = _word(node)
            self.diags.append(
                Diagnostic(
                    "duplicate-id",
                    f"`{key.removeprefix('channel:')}` is declared twice"
                    + (
                        ""
                        if _word(existing) == word
                        else f" (as {_a(_word(existing))} and {_a(word)})"
                    ),
                    span,
                    hint="give one of them another id",
                    notes=(Note(f"the first `{key.removeprefix('channel:')}` is here", first),),
                )
            )
            return
        folded = namespace + key.lower()
        clash = self.lower.get(folded)
        if clash is not None:
            other_key, _ = clash
            other = self.symbols[other_key]
            first = (
                getattr(other, "id_span", None) or getattr(other, "name_span", None) or other.span
            )
            shown, other_shown = key.removeprefix("channel:"), other_key.removeprefix("channel:")
            self.diags.append(
                Diagnostic(
                    "case-collision",
                    f"`{shown}` differs from `{other_shown}` only in case",
                    span,
                    hint="ids must differ by more than case (diagrams and wiki anchors are not case-safe)",
                    notes=(
                        Note(f"`{other_shown}` is a built-in channel")
                        if isinstance(other, m.Channel) and other.builtin
                        else Note(f"`{other_shown}` is here", first),
                    ),
                )
            )
            return
        self.lower[folded] = (key, namespace)
        self.symbols[key] = node

    # -- references ----------------------------------------------------------------

    def _resolve_all(self) -> None:
        """Resolve every reference the walker finds, by what it names; then the flows."""
        shared, conflicts = self.shared, self.conflicts
        for site in walk_refs(self.map):
            target = _RESOLVERS[site.kind](self, site)
            ref = site.ref
            if ref.target != target:
                top = site.parents[0] if site.parents else site.node
                if id(top) in shared:
                    conflicts.add(id(top))
                else:
                    ref.target = target
        for process in self.map.processes:
            edges = self._edges(process)
            if process.edges != edges:
                if id(process) in shared:
                    conflicts.add(id(process))
                else:
                    process.edges = edges
        for integ in self.map.integrations:
            self._check_master(integ)

    # Each returns what the reference points at (a symbol key), or None after saying why.

    def _simple(self, site: RefSite) -> str | None:
        return self._ref(site.ref, _SIMPLE[site.kind])

    def _channel(self, site: RefSite) -> str | None:
        return self._ref(site.ref, (m.Channel,), prefix="channel:")

    def _field(self, site: RefSite) -> str | None:
        return self._field_ref(site.ref)

    def _backstage(self, site: RefSite) -> str | None:
        return self._ref(site.ref, (m.Step, m.Decision), member=True)

    def _node(self, site: RefSite) -> str | None:
        return self._ref(site.ref, _NODES, prefix=f"{site.enclosing(m.Process).id}.")

    def _support(self, site: RefSite) -> str | None:
        if "." in site.ref.text:
            kinds: tuple[type, ...] = (m.Stage, m.Touchpoint, m.Step, m.Decision, m.End)
            return self._ref(site.ref, kinds, member=True)
        return self._ref(site.ref, (m.Journey, m.Process, m.Integration, m.System))

    def _field_type(self, site: RefSite) -> str | None:
        return self._entity_ref(site.ref, site.enclosing(m.Entity))

    def _ref(
        self,
        ref: m.Ref,
        kinds: tuple[type, ...],
        prefix: str = "",
        member: bool = False,
    ) -> str | None:
        """Resolve one reference to one of `kinds`; report it when it does not."""
        key = prefix + ref.text
        found = self.symbols.get(key)
        if isinstance(found, kinds):
            return key
        if key in self.lost or (prefix != "channel:" and ref.text in self.lost):
            return None
        if "." in key and key.rsplit(".", 1)[0] in self.lost:
            return None
        want = _either(_word_of(k) for k in kinds)
        shown = ref.text
        if found is not None:
            self._error(ref, f"`{shown}` is {_a(_word(found))}, not {_a(want)}", "")
            return None
        if member and "." in ref.text:
            self._member_error(ref, kinds)
            return None
        if prefix:
            pool = [
                k[len(prefix) :]
                for k, v in self.symbols.items()
                if k.startswith(prefix) and isinstance(v, kinds)
            ]
        else:
            pool = [
                k
                for k, v in self.symbols.items()
                if "." not in k and ":" not in k and isinstance(v, kinds)
            ]
        where = f" in process `{prefix[:-1]}`" if prefix and prefix != "channel:" else ""
        hint = did_you_mean(shown, pool) or ("" if prefix else declare_hint(want, shown))
        self._error(ref, f"no {want} `{shown}`{where}", hint)
        return None

    def _member_error(self, ref: m.Ref, kinds: tuple[type, ...]) -> None:
        """Say why `scope.name` names no member of `kinds` (the scope, or the name in it)."""
        scope, _, name = ref.text.partition(".")
        owner = self.symbols.get(scope)
        scopes = tuple(t for t, inner in _MEMBERS.items() if set(inner) & set(kinds))
        if not isinstance(owner, scopes):
            pool = [k for k, v in self.symbols.items() if isinstance(v, scopes)]
            words = _either(_word_of(t) for t in scopes)
            if owner is not None:
                self._error(ref, f"`{scope}` is {_a(_word(owner))}, not {_a(words)}", "")
            else:
                self._error(ref, f"no {words} `{scope}`", did_you_mean(scope, pool))
            return
        inner = next(v for t, v in _MEMBERS.items() if isinstance(owner, t))
        fit = tuple(k for k in kinds if k in inner)
        pool = [
            k.partition(".")[2]
            for k, v in self.symbols.items()
            if k.startswith(scope + ".") and isinstance(v, fit)
        ]
        words = _either(_word_of(k) for k in fit)
        self._error(
            ref, f"no {words} `{name}` in {_word(owner)} `{scope}`", did_you_mean(name, pool)
        )

    def _field_ref(self, ref: m.Ref) -> str | None:
        found = self.symbols.get(ref.text)
        if isinstance(found, m.EntityField):
            return ref.text
        parts = ref.text.split(".")
        if ref.text in self.lost or ".".join(parts[:2]) in self.lost or parts[0] in self.lost:
            return None
        system, entity = parts[0], ".".join(parts[:2])
        if not isinstance(self.symbols.get(system), m.System):
            pool = [k for k, v in self.symbols.items() if isinstance(v, m.System)]
            self._error(ref, f"no system `{system}`", did_you_mean(system, pool))
        elif not isinstance(self.symbols.get(entity), m.Entity):
            pool = [
                k.split(".")[1]
                for k, v in self.symbols.items()
                if isinstance(v, m.Entity) and k.startswith(system + ".")
            ]
            self._error(
                ref, f"no entity `{parts[1]}` in system `{system}`", did_you_mean(parts[1], pool)
            )
        else:
            pool = [f.name for f in self.symbols[entity].fields]
            self._error(
                ref, f"no field `{parts[2]}` in entity `{entity}`", did_you_mean(parts[2], pool)
            )
        return None

    def _entity_ref(self, ref: m.Ref, within: m.Entity) -> str | None:
        key = ref.text if "." in ref.text else f"{within.system.text}.{ref.text}"
        if isinstance(self.symbols.get(key), m.Entity):
            return key
        if key in self.lost:
            return None
        pool = [
            k.split(".")[1]
            for k, v in self.symbols.items()
            if isinstance(v, m.Entity) and k.startswith(within.system.text + ".")
        ]
        self._error(ref, f"no entity `{key}` for this `ref`", did_you_mean(ref.text, pool))
        return None

    def _check_master(self, integ: m.Integration) -> None:
        """A resolved `master` must be one of the integration's ends."""
        master = integ.master
        if master is None or master.target is None:
            return
        if master.text not in {integ.source.text, integ.target.text}:
            self.diags.append(
                Diagnostic(
                    "bad-value",
                    f"`master` must be one of the ends, `{integ.source.text}` or `{integ.target.text}`",
                    master.span,
                    hint="the master wins when both ends changed the same record",
                )
            )

    def _map_end(self, site: RefSite) -> str | None:
        """One side of a `map` line: a field of that end of the integration."""
        integ = site.enclosing(m.Integration)
        left = site.kind == "source-field"
        end = integ.source if left else integ.target
        if end.target is None:  # the end itself did not resolve: said once, there
            return None
        ref, system, side = site.ref, end.text, "left" if left else "right"
        parts = ref.text.split(".")
        if len(parts) == 3 and parts[0] != system:
            self._error(
                ref,
                f"the {side} side of a `map` line is a field of `{system}`, not of `{parts[0]}`",
                f"write it as {'.'.join(parts[1:])}",
            )
            return None
        full = ref.text if len(parts) == 3 else f"{system}.{ref.text}"
        return self._field_ref(m.Ref(text=full, span=ref.span, target=None))

    def _edges(self, process: m.Process) -> list[m.Edge]:
        edges: list[m.Edge] = []
        nodes = process.nodes
        for index, node in enumerate(nodes):
            if isinstance(node, m.Step):
                if node.next is not None:
                    if node.next.target is not None:
                        edges.append(_edge(node.id, node.next.text, None, "arrow", node.next.span))
                elif index + 1 < len(nodes):
                    edges.append(_edge(node.id, nodes[index + 1].id, None, "next", node.span))
            elif isinstance(node, m.Decision):
                seen: dict[str, m.Outcome] = {}
                for outcome in node.outcomes:
                    if outcome.label in seen:
                        self.diags.append(
                            Diagnostic(
                                "duplicate-id",
                                f"the outcome `{outcome.label}` is listed twice in decision `{node.id}`",
                                outcome.span,
                                hint='`yes` and "yes" are the same outcome',
                                notes=(Note("the first is here", seen[outcome.label].span),),
                            )
                        )
                        continue
                    seen[outcome.label] = outcome
                    if outcome.target.target is not None:
                        edges.append(
                            _edge(
                                node.id, outcome.target.text, outcome.label, "outcome", outcome.span
                            )
                        )
        for flow in process.flows:
            for a, b in zip(flow.refs, flow.refs[1:], strict=False):
                source = process.node(a.text)
                if isinstance(source, m.End):
                    self.diags.append(
                        Diagnostic(
                            "bad-value",
                            f"an end flows nowhere: `{a.text}` is an end of `{process.id}`",
                            a.span,
                            hint="start the flow at a step or a decision",
                        )
                    )
                    continue
                if a.target is not None and b.target is not None:
                    edges.append(_edge(a.text, b.text, None, "flow", flow.span))
        return edges

    def _error(self, ref: m.Ref, message: str, hint: str) -> None:
        message = _LONG_NAME.sub(lambda found: f"`{found.group(1)[:39]}…`", message)
        self.diags.append(Diagnostic("unknown-reference", message, ref.span, hint=hint))


_NODES = (m.Step, m.Decision, m.End)
_SIMPLE: dict[str, tuple[type, ...]] = {
    "team": (m.Team,),
    "persona": (m.Persona,),
    "system": (m.System,),
    "goal": (m.Goal,),
}
#: How each kind of reference of the clause table is resolved.
_RESOLVERS: dict[str, Callable[[_Resolver, RefSite], str | None]] = {
    "team": _Resolver._simple,
    "persona": _Resolver._simple,
    "system": _Resolver._simple,
    "goal": _Resolver._simple,
    "channel": _Resolver._channel,
    "field": _Resolver._field,
    "backstage": _Resolver._backstage,
    "node": _Resolver._node,
    "support": _Resolver._support,
    "entity": _Resolver._field_type,
    "source-field": _Resolver._map_end,
    "target-field": _Resolver._map_end,
}
_MEMBERS: dict[type, tuple[type, ...]] = {
    m.Journey: (m.Stage, m.Touchpoint),
    m.Process: _NODES,
}


def _either(words: Iterable[str]) -> str:
    """`a`, `a or b`, `a, b or c`."""
    items = list(words)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _word_of(kind: type) -> str:
    return _WORD.get(kind, kind.__name__.lower())


def _edge(
    source: str,
    target: str,
    label: str | None,
    origin: Literal["next", "arrow", "outcome", "flow"],
    span: Span,
) -> m.Edge:
    return m.Edge(source=source, target=target, label=label, origin=origin, span=span)
