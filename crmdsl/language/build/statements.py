"""Build: parsed lines in, model objects out, each with its span.

The clause table (`crmdsl.language.schema`) decides what every line means. A line whose header,
clause or value is wrong is reported and dropped with its children; the rest of the
block still builds. The ids of what was dropped are kept (`lost`) so that the resolver
does not report references to them a second time.

Built blocks are kept for the next load of the same file (`build_file(reuse=True)`, as
the loader does): a top-level block whose text is unchanged is not built again. At the
same line, its statements are shared with the earlier load (`BuiltFile.shared`); moved
by lines added or removed above it, they are copied with their spans moved
(`crmdsl.language.build.moved`). The resolver never writes into a shared statement
(`crmdsl.language.resolve`), so a load cannot change a map loaded before it;
`keep_built` offers a load's blocks to the next one once it is resolved. The last two
loads of the last few files are kept, so that a proposed change and the text it was
made against reuse each other's blocks.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

from crmdsl import model as m
from crmdsl.errors import Diagnostic, Span
from crmdsl.language.build.heads import HeadReader
from crmdsl.language.build.moved import moved, moved_diagnostic
from crmdsl.language.build.values import _a, _Bad, _shorten, _what, m_note
from crmdsl.language.currencies import CURRENCIES
from crmdsl.language.parse import Comment, Line, ParsedFile, clear_with_cache
from crmdsl.language.parse import Tok as Token
from crmdsl.language.schema import (
    KNOWN_WORDS,
    LIFECYCLE_WORDS,
    STATEMENTS,
    ClauseSpec,
    StatementSpec,
    ValueKind,
)
from crmdsl.language.suggest import did_you_mean, quote_label_hint

__all__ = ["BuiltFile", "build_file", "keep_built"]


_LIFECYCLE_WORDS = frozenset((*LIFECYCLE_WORDS, "by"))
_DECLARES = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_-]*)\s+([A-Za-z_][A-Za-z0-9_.]*)")

_MODELS: dict[str, type[m.Node]] = {
    "map": m.MapHeader,
    "include": m.Include,
    "team": m.Team,
    "persona": m.Persona,
    "channel": m.Channel,
    "system": m.System,
    "entity": m.Entity,
    "field": m.EntityField,
    "journey": m.Journey,
    "stage": m.Stage,
    "touchpoint": m.Touchpoint,
    "kpi": m.Kpi,
    "idea": m.Idea,
    "process": m.Process,
    "step": m.Step,
    "decision": m.Decision,
    "outcome": m.Outcome,
    "end": m.End,
    "flow": m.Flow,
    "integration": m.Integration,
    "map-line": m.Mapping,
    "goal": m.Goal,
    "metric": m.Metric,
    "cost": m.Cost,
}


@dataclass(slots=True)
class BuiltFile:
    """One file's statements as model objects, before the map is put together."""

    path: str
    header: m.MapHeader | None = None
    includes: list[m.Include] = field(default_factory=list)
    declarations: list[m.Node] = field(default_factory=list)
    comments: list[m.Comment] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    lost: set[str] = field(default_factory=set)
    #: ids of the top-level statements taken from an earlier load (never written to)
    shared: set[int] = field(default_factory=set)
    #: what each block built to and its first line, by text, for the next load
    blocks: dict[str, tuple[int, list[_Root]]] = field(default_factory=dict, repr=False)


class _Root(NamedTuple):
    """What one top-level line built to: a statement (or none), its problems, lost ids."""

    node: m.Node | None
    diagnostics: tuple[Diagnostic, ...]
    lost: frozenset[str]


_Blocks = dict[str, tuple[int, list[_Root]]]
#: per file, the blocks of its last load and of the one before, by text
_BUILT: dict[str, tuple[_Blocks, _Blocks]] = {}
_FILES_KEPT = 16


def build_file(
    parsed: ParsedFile, *, reuse: bool = False, fresh: Collection[int] = ()
) -> BuiltFile:
    """Turn a parsed file into model objects; every problem becomes a diagnostic.

    With `reuse`, a block unchanged since one of the last two kept loads of the file is
    taken from it (shared, or copied to its new lines), but not when one of its
    statements' ids is in `fresh`.
    """
    return _Builder(parsed).run(_BUILT.get(parsed.source.path) if reuse else None, fresh)


def keep_built(built: BuiltFile) -> None:
    """Offer a resolved load's blocks to the next load of its file."""
    if not built.blocks:
        return
    last = _BUILT.pop(built.path, None)
    _BUILT[built.path] = (built.blocks, last[0] if last is not None else {})
    while len(_BUILT) > _FILES_KEPT:
        try:  # another thread's load may be keeping its own file meanwhile
            _BUILT.pop(next(iter(_BUILT)), None)
        except (StopIteration, RuntimeError):
            break


clear_with_cache(_BUILT.clear)  # `parse.clear_cache` forgets the kept builds too


class _Builder(HeadReader):
    def __init__(self, parsed: ParsedFile) -> None:
        self.parsed = parsed
        self.path = parsed.source.path
        self.out = BuiltFile(self.path, diagnostics=list(parsed.diagnostics))
        self.out.comments = [_comment(self.path, c) for c in parsed.comments]
        # Unbound functions: bound methods kept on the builder would make a reference
        # cycle (builder -> dict -> method -> builder) that holds every node it built
        # until the cyclic collector runs.
        self._heads = {
            spec.header: getattr(type(self), f"_head_{spec.header}") for spec in STATEMENTS.values()
        }

    # -- driving -------------------------------------------------------------------

    def run(self, kept: tuple[_Blocks, _Blocks] | None, fresh: Collection[int]) -> BuiltFile:
        parsed = self.parsed
        for index, block in enumerate(parsed.blocks):
            built = self._kept(kept, block.text, block.first, fresh) if kept is not None else None
            if built is None:
                built = [self._root(line) for line in parsed.block_roots(index)]
            if built:  # not a block of comments only
                self.out.blocks[block.text] = (block.first, built)
            for root in built:
                self._place(root)
        return self.out

    def _kept(
        self, kept: tuple[_Blocks, _Blocks], text: str, first: int, fresh: Collection[int]
    ) -> list[_Root] | None:
        """What an earlier load built from this block's text: shared, or moved here."""
        found = [entry for entry in (kept[0].get(text), kept[1].get(text)) if entry is not None]
        if not found:
            return None
        # the same block at the same line in either load: shared, not moved
        was, built = next((entry for entry in found if entry[0] == first), found[0])
        if was == first:
            if any(id(r.node) in fresh for r in built):
                return None
            self.out.shared.update(id(r.node) for r in built if r.node is not None)
            return built
        lines = first - was
        return [
            _Root(
                moved(r.node, lines) if r.node is not None else None,
                tuple(moved_diagnostic(d, lines) for d in r.diagnostics),
                r.lost,
            )
            for r in built
        ]

    def _root(self, line: Line) -> _Root:
        """Build one top-level line on its own: what it adds to the file, kept apart."""
        out = self.out
        before, lost, out.lost = len(out.diagnostics), out.lost, set()
        node = None
        if line.bad:
            self._lose(line, "")
        else:
            try:
                node = self._top(line)
            except _Bad as bad:
                out.diagnostics.append(bad.diag)
                self._lose(line, "")
        found = tuple(out.diagnostics[before:])
        del out.diagnostics[before:]
        built = _Root(node, found, frozenset(out.lost))
        out.lost = lost
        return built

    def _place(self, root: _Root) -> None:
        """Add what a top-level line built to the file (a second header is an error)."""
        out, node = self.out, root.node
        out.diagnostics.extend(root.diagnostics)
        out.lost.update(root.lost)
        if node is None:
            return
        if isinstance(node, m.MapHeader):
            if out.header is not None:
                out.diagnostics.append(
                    Diagnostic(
                        "clause-not-allowed",
                        "a map has one header; this file already has one",
                        Span(
                            self.path,
                            node.span.line,
                            node.span.col,
                            node.span.line,
                            node.span.col + 3,
                        ),
                        notes=(m_note("the first header is here", out.header.span),),
                    )
                )
                return
            out.header = node
        elif isinstance(node, m.Include):
            out.includes.append(node)
        else:
            out.declarations.append(node)

    def _top(self, line: Line) -> m.Node:
        first = line.toks[0]
        if line.ftype is not None:
            raise self._bad(
                "syntax",
                line,
                first,
                "a field line (`name: type`) belongs in an entity's block",
                hint="indent it under an `entity`",
            )
        if first.type != "WORD":
            raise self._bad(
                "syntax", line, first, f"a statement starts with a keyword, not {_what(first)}"
            )
        spec = STATEMENTS.get(first.value)
        if spec is None or spec.keyword in {"field", "outcome", "map-line"}:
            raise self._unknown_statement(line, first, "top")
        if "top" not in spec.parents:
            where = " or ".join(_a(p) for p in spec.parents)
            raise self._bad(
                "clause-not-allowed",
                line,
                first,
                f"{_a(spec.keyword)} belongs inside {where}, not at the top level",
            )
        return self._statement(spec, line, scope="")

    # -- statements ----------------------------------------------------------------

    def _statement(self, spec: StatementSpec, line: Line, scope: str) -> m.Node:
        attrs: dict[str, Any] = {}
        spans: dict[str, list[Span]] = {}
        set_by: dict[str, tuple[str, Span]] = {}
        toks = line.toks
        i = self._heads[spec.header](self, spec, line, toks, attrs)
        self._clauses(spec, line, toks, i, attrs, spans, set_by)
        own_id = attrs.get("id") or ""
        child_scope = scope
        if spec.keyword in {"journey", "process"}:
            child_scope = own_id
        elif spec.keyword == "entity":
            child_scope = f"{attrs['system'].text}.{attrs['name']}"
        for child in line.children:
            self._child(spec, child, attrs, spans, set_by, child_scope)
        if "lifecycle_by" in set_by and "lifecycle" not in set_by:
            raise _Bad(
                Diagnostic(
                    "clause-not-allowed",
                    "`by` dates a change: it follows `planned` or `retiring`",
                    set_by["lifecycle_by"][1],
                    hint="write `planned by DATE` or `retiring by DATE`",
                )
            )
        if (
            spec.keyword == "integration"
            and attrs.get("master") is not None
            and not attrs["two_way"]
        ):
            master = attrs["master"]
            raise _Bad(
                Diagnostic(
                    "clause-not-allowed",
                    "`master` is only allowed on a two-way integration (`A <-> B`)",
                    master.span,
                    hint="write the ends with `<->`, or remove `master`",
                )
            )
        attrs["span"] = self._block_span(line)
        attrs["clause_spans"] = spans
        return _MODELS[spec.keyword](**attrs)

    def _child(
        self,
        spec: StatementSpec,
        line: Line,
        attrs: dict[str, Any],
        spans: dict[str, list[Span]],
        set_by: dict[str, tuple[str, Span]],
        scope: str,
    ) -> None:
        if line.bad:
            self._lose(line, scope)
            return
        toks = line.toks
        first = toks[0]
        try:
            if line.ftype is not None:
                if spec.keyword != "entity":
                    raise self._bad(
                        "syntax",
                        line,
                        first,
                        "a field line (`name: type`) belongs in an entity's block",
                    )
                child_spec = STATEMENTS["field"]
            elif (
                spec.keyword == "decision"
                and len(toks) >= 2
                and toks[1].type == "ARROW"
                and first.type in {"WORD", "STRING"}
            ):
                child_spec = STATEMENTS["outcome"]
            else:
                word = (
                    first.value if first.type == "WORD" else ("->" if first.type == "ARROW" else "")
                )
                key = "map-line" if word == "map" and spec.keyword == "integration" else word
                if key in spec.children:
                    child_spec = STATEMENTS[key]
                elif spec.clause(word) is not None:
                    if line.children:
                        raise self._bad(
                            "syntax",
                            line,
                            line.children[0].toks[0] if line.children[0].toks else first,
                            f"a `{word}` line has no block of its own",
                            hint="remove the indentation of the lines under it",
                        )
                    self._clauses(spec, line, toks, 0, attrs, spans, set_by)
                    return
                else:
                    raise self._not_here(spec, line, first)
            node = self._statement(child_spec, line, scope)
        except _Bad as bad:
            self.out.diagnostics.append(bad.diag)
            self._lose(line, scope)
            return
        attrs.setdefault(child_spec.list_attr, []).append(node)

    def _clauses(
        self,
        spec: StatementSpec,
        line: Line,
        toks: list[Token],
        i: int,
        attrs: dict[str, Any],
        spans: dict[str, list[Span]],
        set_by: dict[str, tuple[str, Span]],
    ) -> None:
        while i < len(toks):
            tok = toks[i]
            word = tok.value if tok.type == "WORD" else ("->" if tok.type == "ARROW" else "")
            if spec.keyword == "field" and word not in _LIFECYCLE_WORDS:
                self._field_flags(line, [tok], attrs)  # a flag after `planned by DATE`
                i += 1
                continue
            clause = spec.clause(word) if word else None
            if clause is None:
                raise self._not_here(spec, line, tok)
            value, j = self._value(spec, clause, line, toks, i + 1)
            end_tok = toks[j - 1]
            span = Span(self.path, line.lineno, tok.column, line.lineno, end_tok.end_column)
            self._store(spec, clause, attrs, value, span, line, tok, set_by)
            spans.setdefault(clause.keyword, []).append(span)
            i = j

    def _store(
        self,
        spec: StatementSpec,
        clause: ClauseSpec,
        attrs: dict[str, Any],
        value: Any,
        span: Span,
        line: Line,
        tok: Token,
        set_by: dict[str, tuple[str, Span]],
    ) -> None:
        if clause.repeat:
            target = attrs.setdefault(clause.attr, [])
            target.extend(value) if isinstance(value, list) else target.append(value)
            return
        if clause.attr in set_by:
            before, where = set_by[clause.attr]
            if before == clause.keyword:
                this = "`map` line" if spec.keyword == "map-line" else spec.keyword
                message = f"`{clause.keyword}` is given twice for this {this}"
            else:
                message = (
                    f"{_a(spec.keyword)} takes one of `{before}` and `{clause.keyword}`, not both"
                )
            raise _Bad(
                Diagnostic(
                    "clause-not-allowed",
                    message,
                    span,
                    notes=(m_note(f"`{before}` is given here", where),),
                )
            )
        set_by[clause.attr] = (clause.keyword, span)
        if clause.attr == "frequency":
            value = m.Frequency(
                kind=cast(Any, clause.flag_value) if clause.value is ValueKind.FLAG else "every",
                every=value if clause.value is ValueKind.DURATION else None,
            )
        attrs[clause.attr] = value

    def _unknown_statement(self, line: Line, tok: Token, where: str) -> _Bad:
        tops = [k for k, s in STATEMENTS.items() if "top" in s.parents]
        hint = did_you_mean(tok.value, tops) or "statements: " + ", ".join(tops)
        return self._bad(
            "syntax", line, tok, f"unknown statement `{_shorten(tok.value)}`", hint=hint
        )

    def _comma_message(self, spec: StatementSpec, line: Line, tok: Token) -> _Bad | None:
        """A `,` after a number (`1,000`) or after a clause that takes one value."""
        at = next((i for i, t in enumerate(line.toks) if t is tok), 0)
        if at and line.toks[at - 1].type == "NUMBER":
            return self._bad(
                "syntax",
                line,
                tok,
                "a number has no `,` in it",
                hint="group digits with `_`, as in 1_000_000",
            )
        for before in reversed(line.toks[:at]):
            word = "->" if before.type == "ARROW" else before.value
            clause = spec.clause(word) if before.type in {"WORD", "ARROW"} else None
            if clause is not None and clause.value is ValueKind.FLAG:
                return self._bad(
                    "syntax",
                    line,
                    tok,
                    f"`{clause.keyword}` is a flag: it stands alone, without a `,`",
                    hint="separate clauses with spaces",
                )
            if clause is not None:
                return self._bad(
                    "syntax",
                    line,
                    tok,
                    f"`{clause.keyword}` takes one value, not a list",
                    hint="remove the `,` and what follows it",
                )
        return None

    def _not_here(self, spec: StatementSpec, line: Line, tok: Token) -> _Bad:
        word = tok.value if tok.type == "WORD" else ("->" if tok.type == "ARROW" else "")
        allowed = [
            *spec.clause_words,
            *(
                "map" if c == "map-line" else c
                for c in spec.children
                if c not in {"field", "outcome"}
            ),
        ]
        what = _a(spec.keyword)
        if (
            tok.type == "WORD"
            and word.upper() in CURRENCIES
            and len(word) == 3
            and not word.isupper()
        ):
            return self._bad(
                "bad-value",
                line,
                tok,
                f"`{_shorten(word)}` is not a currency code",
                hint=f"currency codes are written in capitals: {word.upper()}",
            )
        if word and word in KNOWN_WORDS:
            message = _misplaced(spec, word)
            return self._bad("clause-not-allowed", line, tok, message, hint=_takes(allowed))
        if tok.type == "COMMA":
            comma = self._comma_message(spec, line, tok)
            if comma is not None:
                return comma
        if tok.type != "WORD":
            return self._bad(
                "syntax",
                line,
                tok,
                f"unexpected {_what(tok).removeprefix('the ')} in {what}",
                hint=_takes(allowed) if allowed else "",
            )
        hint = did_you_mean(word, allowed) or _label_hint(spec, line, tok) or _takes(allowed)
        return self._bad(
            "syntax", line, tok, f"unknown clause `{_shorten(word)}` in {what}", hint=hint
        )

    def _lose(self, line: Line, scope: str) -> None:
        """Remember the ids a dropped line declared, so references to them stay quiet.

        Walks the dropped block with a stack, not recursion: a block may be nested
        thousands of levels deep.
        """
        stack = [(line, scope)]
        while stack:
            line, scope = stack.pop()
            inner = self._lose_line(line, scope)
            stack.extend((child, inner) for child in reversed(line.children))

    def _lose_line(self, line: Line, scope: str) -> str:
        """Record what one dropped line declared; return the scope of its children."""
        toks = line.toks
        if len(toks) >= 2 and toks[0].type == "WORD" and toks[1].type == "WORD":
            kw, name = toks[0].value, toks[1].value
            spec = STATEMENTS.get(kw)
            if spec is not None and spec.header in {"id", "integration", "entity"}:
                key = (
                    f"{scope}.{name}"
                    if scope and spec.keyword in {"stage", "touchpoint", "step", "decision", "end"}
                    else name
                )
                self.out.lost.add(key)
                if kw in {"journey", "process", "entity"}:
                    scope = name
        elif line.ftype is not None and toks and scope:
            self.out.lost.add(f"{scope}.{toks[0].value}")
        elif line.bad and not toks:
            raw = self.parsed.source.lines[line.lineno - 1]
            found = _DECLARES.match(raw)
            if found and found.group(1) in STATEMENTS:
                name = found.group(2)
                nested = found.group(1) in {"stage", "touchpoint", "step", "decision", "end"}
                self.out.lost.add(f"{scope}.{name}" if scope and nested else name)
                if found.group(1) in {"journey", "process", "entity"}:
                    scope = name  # what its block declares is `name.x`, not a bare id
        return scope


def _takes(allowed: list[str]) -> str:
    """The hint listing what a statement takes."""
    return (
        ("it takes " + ", ".join(f"`{w}`" for w in allowed)) if allowed else "it takes no clauses"
    )


def _misplaced(spec: StatementSpec, word: str) -> str:
    """Why a word the language knows cannot stand in this statement."""
    what = _a(spec.keyword)
    child = STATEMENTS.get(word)
    if child is not None and child.parents != ("top",) and spec.keyword not in child.parents:
        where = " or ".join(_a(p) for p in child.parents)
        return f"{_a(word)} belongs inside {where}, not in {what}"
    if child is not None and spec.keyword in child.parents:
        return f"{_a(word)} stands on a line of its own in the block of {what}"
    if child is not None and "top" in child.parents and child.keyword != "map":
        return f"{_a(word)} is a top-level statement; it cannot stand in {what}"
    return f"`{_shorten(word)}` is not allowed in {what}"


def _comment(path: str, c: Comment) -> m.Comment:
    return m.Comment(file=path, line=c.line, col=c.col, text=c.text, own_line=c.own_line)


def _label_hint(spec: StatementSpec, line: Line, tok: Token) -> str:
    """Words where the label goes (`team front Front desk`): say to quote them."""
    toks = line.toks
    if spec.header != "id" or len(toks) < 3 or toks[2] is not tok:
        return ""
    words = []
    for t in toks[2:]:
        if t.type != "WORD" or spec.clause(t.value) is not None:
            break
        words.append(str(t.value))
    if len(words) < 2 and not words[0][:1].isupper():
        return ""  # one lowercase word: more likely a mistyped clause than a label
    return quote_label_hint(spec.keyword, str(toks[1].value), words)
