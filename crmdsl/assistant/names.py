"""Forgiving names: a resolved map and a phrase in, the thing it names (or a question) out.

Every declared thing of the map (teams, personas, channels, systems, entities, fields,
journeys, stages, touchpoints, processes and their nodes, integrations, goals) is a
`Named`: its key (as `CrmMap.lookup` takes it), kind, id, title and place. `NameIndex.find`
matches a phrase against ids and labels in any case, `snake_case` or spaced, and small
typos (`rapidfuzz` when installed, `difflib` otherwise). It returns a `Match` whose
`found` is the one thing named, or `choices` when two things match equally (the caller
asks back), or `suggestions` when nothing matches well ("did you mean").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import crmdsl

__all__ = ["Match", "NameIndex", "Named", "norm"]

#: how close (0-100) a fuzzy match must be to count, and to be taken without asking.
_SURE = 88
_MAYBE = 72
#: a lone candidate this close is taken (with a note) rather than asked about.
_TAKE = 75


@dataclass(frozen=True, slots=True)
class Named:
    """One declared thing: `key` for `CrmMap.lookup`, its `kind` (keyword) and place."""

    key: str
    kind: str
    id: str
    title: str
    file: str
    line: int
    col: int
    node: Any = field(compare=False, repr=False)

    @property
    def ref(self) -> str:
        """`kind `id` (file:line)`, how an answer cites it."""
        return f"{self.kind} `{self.key}` ({self.file}:{self.line})"


@dataclass(slots=True)
class Match:
    """What a phrase names: `found`, or `choices` (ambiguous), or `suggestions` (none)."""

    phrase: str
    found: Named | None = None
    choices: list[Named] = field(default_factory=list)
    suggestions: list[Named] = field(default_factory=list)
    guessed: bool = False


_SEPARATORS = str.maketrans(
    {"_": " ", "-": " ", ".": " ", '"': "", "'": "", "`": "", "’": "", "“": "", "”": ""}
)
_ARTICLE = re.compile(r"^(?:the|a|an|our|my)\s+")


def norm(text: str) -> str:
    """Lower case, `_`, `-` and `.` as spaces, quotes and `the` dropped, spaces squeezed."""
    text = " ".join(text.lower().translate(_SEPARATORS).split())
    return _ARTICLE.sub("", text) if text[:1] in "tamo" else text


def _named(kind: str, key: str, node: Any, title: str | None = None) -> Named:
    span = getattr(node, "id_span", None) or node.span
    return Named(
        key, kind, key.rsplit(".", 1)[-1], title or node.title, span.file, span.line, span.col, node
    )


def _walk(crm_map: crmdsl.CrmMap) -> Iterator[Named]:
    tops: list[tuple[str, list[Any]]] = [
        ("team", crm_map.teams),
        ("persona", crm_map.personas),
        ("channel", crm_map.channels),
        ("system", crm_map.systems),
        ("integration", crm_map.integrations),
        ("goal", crm_map.goals),
    ]
    for kind, nodes in tops:
        for node in nodes:
            yield _named(kind, node.id, node)
    for entity in crm_map.entities:
        yield _named("entity", entity.key, entity, entity.label or entity.name)
        for f in entity.fields:
            yield Named(
                f"{entity.key}.{f.name}",
                "field",
                f.name,
                f"{entity.name}.{f.name}",
                f.span.file,
                f.span.line,
                f.span.col,
                f,
            )
    for journey in crm_map.journeys:
        yield _named("journey", journey.id, journey)
        for stage in journey.stages:
            yield _named("stage", f"{journey.id}.{stage.id}", stage)
            for tp in stage.touchpoints:
                yield _named("touchpoint", f"{journey.id}.{tp.id}", tp)
    for process in crm_map.processes:
        yield _named("process", process.id, process)
        for node in process.nodes:
            yield _named(node.statement, f"{process.id}.{node.id}", node)


class NameIndex:
    """Every declared thing of a map, and a forgiving `find`."""

    def __init__(self, crm_map: crmdsl.CrmMap) -> None:
        self.items = list(_walk(crm_map))
        self._exact: dict[str, list[Named]] = {}
        for item in self.items:
            for word in {norm(item.key), norm(item.id), norm(item.title)}:
                self._exact.setdefault(word, []).append(item)
        self._words = list(self._exact)

    def of_kind(self, *kinds: str) -> list[Named]:
        """Every thing of these kinds, in map order."""
        return [i for i in self.items if i.kind in kinds]

    def find(self, phrase: str, kinds: Iterable[str] | None = None) -> Match:
        """The thing `phrase` names, among `kinds` (all when None)."""
        wanted = set(kinds) if kinds is not None else None

        def keep(items: Iterable[Named]) -> list[Named]:
            return _unique(i for i in items if wanted is None or i.kind in wanted)

        text, hint = _kind_hint(norm(phrase))
        if hint is not None and (wanted is None or hint & wanted):
            wanted = hint & wanted if wanted is not None else hint
        exact = keep(self._exact.get(text, []))
        if exact:
            return _decide(phrase, exact, guessed=False)
        scored = _fuzzy(text, self._words)
        sure = keep(i for word, score in scored if score >= _SURE for i in self._exact[word])
        if sure:
            return _decide(phrase, sure, guessed=True)
        starts = keep(i for word in self._words if _begins(word, text) for i in self._exact[word])
        if starts:
            return _decide(phrase, starts, guessed=True)
        maybe = keep(i for word, score in scored if score >= _MAYBE for i in self._exact[word])
        best = [s for _, s in scored[:1]]
        if len(maybe) == 1 and best and best[0] >= _TAKE:
            return Match(phrase, found=maybe[0], guessed=True)
        return Match(phrase, suggestions=maybe[:3])


#: words that say what kind of thing a phrase names ("the quote step").
_KIND_WORDS: dict[str, set[str]] = {
    "step": {"step"}, "touchpoint": {"touchpoint"}, "system": {"system"},
    "process": {"process"}, "journey": {"journey"}, "goal": {"goal"}, "team": {"team"},
    "integration": {"integration"}, "stage": {"stage"}, "field": {"field"},
    "entity": {"entity"}, "persona": {"persona"}, "decision": {"decision"},
}  # fmt: skip


def _kind_hint(text: str) -> tuple[str, set[str] | None]:
    """`quote step` -> (`quote`, {step}); a phrase without a kind word is left as it is."""
    words = text.split()
    if len(words) > 1 and words[-1] in _KIND_WORDS:
        return " ".join(words[:-1]), _KIND_WORDS[words[-1]]
    if len(words) > 1 and words[0] in _KIND_WORDS:
        return " ".join(words[1:]), _KIND_WORDS[words[0]]
    return text, None


def _begins(word: str, text: str) -> bool:
    """True when a label begins with the phrase's words (`customer lifecycle` ...)."""
    return len(text) >= 6 and word != text and word.startswith(text + " ")


def _unique(items: Iterable[Named]) -> list[Named]:
    seen: dict[str, Named] = {}
    for item in items:
        seen.setdefault(item.key, item)
    return list(seen.values())


def _decide(phrase: str, items: list[Named], *, guessed: bool) -> Match:
    if len(items) == 1:
        return Match(phrase, found=items[0], guessed=guessed)
    # a top-level thing wins over a nested one of the same name (`quote` the step
    # versus `renewal_quote` is not a tie; `lead_to_cash.quote` versus `renewal.quote` is)
    tops = [i for i in items if "." not in i.key]
    if len(tops) == 1:
        return Match(phrase, found=tops[0], guessed=guessed)
    return Match(phrase, choices=items)


def _scorer() -> Callable[[str, list[str]], list[tuple[str, float]]]:
    try:
        from rapidfuzz import fuzz, process
    except ImportError:  # pragma: no cover - the `assistant` extra is not installed
        return _difflib_scores

    def scores(text: str, words: list[str]) -> list[tuple[str, float]]:
        found = process.extract(text, words, scorer=fuzz.ratio, limit=8, score_cutoff=_MAYBE)
        return [(word, float(score)) for word, score, _ in found]

    return scores


def _difflib_scores(text: str, words: list[str]) -> list[tuple[str, float]]:
    out = [(w, difflib.SequenceMatcher(None, text, w).ratio() * 100) for w in words]
    return sorted((x for x in out if x[1] >= _MAYBE), key=lambda x: -x[1])[:8]


_SCORES: list[Callable[[str, list[str]], list[tuple[str, float]]]] = []


def _fuzzy(text: str, words: list[str]) -> list[tuple[str, float]]:
    if not _SCORES:
        _SCORES.append(_scorer())
    return _SCORES[0](text, words)
