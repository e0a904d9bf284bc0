"""Build: parsed lines in, model objects out, each with its span.

The clause table (`crmdsl.schema`) decides what every line means. A line whose header,
clause or value is wrong is reported and dropped with its children; the rest of the
block still builds. The ids of what was dropped are kept (`lost`) so that the resolver
does not report references to them a second time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from . import model as m
from .currencies import CURRENCIES
from .errors import Diagnostic, Span
from .parse import Comment, Line, ParsedFile
from .parse import Tok as Token
from .schema import (
    FIELD_FLAGS,
    FIELD_TYPES,
    KNOWN_WORDS,
    STATEMENTS,
    ClauseSpec,
    StatementSpec,
    ValueKind,
)
from .suggest import did_you_mean as _did_you_mean

__all__ = ["BuiltFile", "build_file"]


#: A name longer than this is not a typo of a name: difflib would take seconds on it.
_LONGEST_TYPO = 100


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`crmdsl.suggest.did_you_mean`, except for a word too long to be a typo."""
    return "" if len(word) > _LONGEST_TYPO else _did_you_mean(word, candidates)


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\Z")
_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n"}
_DURATION = re.compile(r"(\d[\d_]*)(mo|m|h|d|w|y)\Z")
_MAX_DIGITS = 18  # more digits than any count or duration means; `int()` refuses 4,300+
_DECLARES = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_-]*)\s+([A-Za-z_][A-Za-z0-9_.]*)")
_REF_PARTS = {
    "team": 1,
    "persona": 1,
    "channel": 1,
    "system": 1,
    "node": 1,
    "field": 3,
    "backstage": 2,
}

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
_CHILD_ATTR = {
    "stage": "stages",
    "touchpoint": "touchpoints",
    "kpi": "kpis",
    "step": "nodes",
    "decision": "nodes",
    "end": "nodes",
    "flow": "flows",
    "outcome": "outcomes",
    "field": "fields",
    "map-line": "maps",
    "metric": "metrics",
    "cost": "costs",
}
_ARTICLE = {"entity": "an", "end": "an", "integration": "an", "outcome": "an", "include": "an"}


def _a(word: str) -> str:
    return f"{_ARTICLE.get(word, 'a')} {word if word != 'map-line' else '`map` line'}"


class _Bad(Exception):
    """A line could not be built; carries the diagnostic."""

    def __init__(self, diag: Diagnostic) -> None:
        self.diag = diag


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


def build_file(parsed: ParsedFile) -> BuiltFile:
    """Turn a parsed file into model objects; every problem becomes a diagnostic."""
    return _Builder(parsed).run()


class _Builder:
    def __init__(self, parsed: ParsedFile) -> None:
        self.parsed = parsed
        self.path = parsed.source.path
        self.out = BuiltFile(self.path, diagnostics=list(parsed.diagnostics))
        self.out.comments = [_comment(self.path, c) for c in parsed.comments]
        self._heads = {
            spec.header: getattr(self, f"_head_{spec.header}") for spec in STATEMENTS.values()
        }

    # -- driving -------------------------------------------------------------------

    def run(self) -> BuiltFile:
        top = None
        for line in self.parsed.roots:
            if line.bad:
                self._lose(line, "")
                continue
            try:
                node = self._top(line)
            except _Bad as bad:
                self.out.diagnostics.append(bad.diag)
                self._lose(line, "")
                continue
            if isinstance(node, m.MapHeader):
                if self.out.header is not None:
                    first = self.out.header.span
                    self.out.diagnostics.append(
                        Diagnostic(
                            "clause-not-allowed",
                            "a map has one header; this file already has one",
                            self._span(line, line.toks[0]),
                            notes=(m_note("the first header is here", first),),
                        )
                    )
                    continue
                self.out.header = node
                top = node
            elif isinstance(node, m.Include):
                self.out.includes.append(node)
            else:
                self.out.declarations.append(node)
        del top
        return self.out

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
        i = self._heads[spec.header](spec, line, toks, attrs)
        self._clauses(spec, line, toks, i, attrs, spans, set_by)
        own_id = attrs.get("id") or ""
        child_scope = scope
        if spec.keyword in {"journey", "process"}:
            child_scope = own_id
        elif spec.keyword == "entity":
            child_scope = f"{attrs['system'].text}.{attrs['name']}"
        for child in line.children:
            self._child(spec, child, attrs, spans, set_by, child_scope)
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
        attrs.setdefault(_CHILD_ATTR[child_spec.keyword], []).append(node)

    # -- headers -------------------------------------------------------------------

    def _head_id(
        self, spec: StatementSpec, line: Line, toks: list[Token], attrs: dict[str, Any]
    ) -> int:
        if len(toks) > 1 and toks[1].type == "STRING":
            raise self._bad(
                "syntax",
                line,
                toks[1],
                f"{_a(spec.keyword)} needs an id before its label",
                hint=f"as in {spec.keyword} {_id_from(toks[1].value)} {_shorten(toks[1].value)}",
            )
        id_tok = self._expect_ident(line, toks, 1, f"an id after `{spec.keyword}`")
        attrs["id"] = id_tok.value
        attrs["id_span"] = self._span(line, id_tok)
        if len(toks) > 2 and toks[2].type == "STRING":
            attrs["label"] = self._string(line, toks[2])
            return 3
        return 2

    def _head_title(
        self, spec: StatementSpec, line: Line, toks: list[Token], attrs: dict[str, Any]
    ) -> int:
        if len(toks) < 2 or toks[1].type != "STRING":
            raise self._expected(
                line, toks, 1, '`map` needs its title in quotes, as in map "Acme CRM"'
            )
        attrs["title"] = self._string(line, toks[1])
        return 2

    def _head_path(
        self, spec: StatementSpec, line: Line, toks: list[Token], attrs: dict[str, Any]
    ) -> int:
        if len(toks) < 2 or toks[1].type != "STRING":
            raise self._expected(
                line,
                toks,
                1,
                'expected a file path in quotes after `include`, as in include "systems.crm"',
            )
        attrs["path"] = self._string(line, toks[1])
        if len(toks) > 2:
            raise self._bad(
                "syntax",
                line,
                toks[2],
                f"nothing may follow the path of an `include`, found {_what(toks[2])}",
            )
        return 2

    def _head_entity(
        self, spec: StatementSpec, line: Line, toks: list[Token], attrs: dict[str, Any]
    ) -> int:
        if len(toks) < 2 or toks[1].type != "WORD" or toks[1].value.count(".") != 1:
            raise self._expected(
                line, toks, 1, "expected SYSTEM.Name after `entity`, as in salesforce.Lead"
            )
        tok = toks[1]
        system, name = tok.value.split(".")
        for part in (system, name):
            if not _IDENT.match(part):
                raise self._bad(
                    "syntax", line, tok, f"`{part}` is not an id: use letters, digits and `_`"
                )
        col = tok.column
        attrs["system"] = _ref(
            system, Span(self.path, line.lineno, col, line.lineno, col + len(system))
        )
        attrs["name"] = name
        attrs["id_span"] = self._span(line, tok)
        if len(toks) > 2 and toks[2].type == "STRING":
            attrs["label"] = self._string(line, toks[2])
            return 3
        return 2

    def _head_integration(
        self, spec: StatementSpec, line: Line, toks: list[Token], attrs: dict[str, Any]
    ) -> int:
        i = self._head_id(spec, line, toks, attrs)
        if (
            len(toks) < i + 3
            or toks[i].type != "WORD"
            or toks[i + 1].type not in {"ARROW", "BIARROW"}
            or toks[i + 2].type != "WORD"
        ):
            bad = next(
                (
                    j
                    for j in range(i, min(i + 3, len(toks)))
                    if toks[j].type != ("WORD" if j != i + 1 else toks[j].type)
                    or (j == i + 1 and toks[j].type not in {"ARROW", "BIARROW"})
                ),
                min(i + 3, len(toks)),
            )
            raise self._expected(
                line,
                toks,
                bad,
                "expected the integration's two ends, as in `hubspot -> salesforce` or `a <-> b`",
            )
        attrs["source"] = self._ref_tok(line, toks[i], "system", "the integration's source")
        attrs["target"] = self._ref_tok(line, toks[i + 2], "system", "the integration's target")
        attrs["two_way"] = toks[i + 1].type == "BIARROW"
        return i + 3

    def _head_flow(
        self, spec: StatementSpec, line: Line, toks: list[Token], attrs: dict[str, Any]
    ) -> int:
        refs = []
        i = 1
        while True:
            refs.append(
                self._ref_tok(
                    line,
                    self._tok(line, toks, i, "a step, decision or end"),
                    "node",
                    "a step, decision or end",
                )
            )
            i += 1
            if i >= len(toks):
                break
            if toks[i].type != "ARROW":
                raise self._bad(
                    "syntax",
                    line,
                    toks[i],
                    f"expected `->` between the steps of a `flow`, found {_what(toks[i])}",
                )
            i += 1
        if len(refs) < 2:
            raise self._expected(
                line, toks, 2, "a `flow` needs at least two steps, as in flow a -> b"
            )
        attrs["refs"] = refs
        return i

    def _head_metric(
        self, spec: StatementSpec, line: Line, toks: list[Token], attrs: dict[str, Any]
    ) -> int:
        attrs["name"] = self._expect_ident(
            line, toks, 1, "a metric name after `metric`, such as revenue"
        ).value
        return 2

    def _head_kpi(
        self, spec: StatementSpec, line: Line, toks: list[Token], attrs: dict[str, Any]
    ) -> int:
        if len(toks) < 2 or toks[1].type != "STRING":
            raise self._expected(
                line,
                toks,
                1,
                'expected the KPI\'s name in quotes after `kpi`, as in kpi "Demo-to-close rate"',
            )
        attrs["name"] = self._string(line, toks[1])
        return 2

    def _head_cost(
        self, spec: StatementSpec, line: Line, toks: list[Token], attrs: dict[str, Any]
    ) -> int:
        words = "an amount with its currency after `cost`, such as 40_000 USD per year"
        if len(toks) < 2 or toks[1].type != "NUMBER":
            raise self._expected(line, toks, 1, f"expected {words}")
        amount, i = self._quantity(line, toks, 1, "cost")
        if amount.kind != "money":
            raise self._expected(
                line, toks, 2, "expected a currency code after the amount of a `cost`, such as USD"
            )
        attrs["amount"] = amount
        rest = [t.value for t in toks[i : i + 2]]
        if rest[:1] == ["once"]:
            attrs["period"], i = "once", i + 1
        elif rest[:1] == ["per"] and len(rest) == 2 and rest[1] in {"year", "month"}:
            attrs["period"], i = rest[1], i + 2
        else:
            raise self._expected(
                line,
                toks,
                i + (1 if rest[:1] == ["per"] else 0),
                "expected `per year`, `per month` or `once` after the amount of a `cost`",
            )
        return i

    def _head_mapping(
        self, spec: StatementSpec, line: Line, toks: list[Token], attrs: dict[str, Any]
    ) -> int:
        words = "expected `Entity.field -> Entity.field` after `map`"
        if (
            len(toks) < 4
            or toks[1].type != "WORD"
            or toks[2].type != "ARROW"
            or toks[3].type != "WORD"
        ):
            bad = (
                1
                if len(toks) < 2 or toks[1].type != "WORD"
                else (2 if len(toks) < 3 or toks[2].type != "ARROW" else 3)
            )
            raise self._expected(line, toks, bad, words)
        attrs["source"] = self._map_end(line, toks[1])
        attrs["target"] = self._map_end(line, toks[3])
        return 4

    def _head_outcome(
        self, spec: StatementSpec, line: Line, toks: list[Token], attrs: dict[str, Any]
    ) -> int:
        first = toks[0]
        attrs["quoted"] = first.type == "STRING"
        attrs["label"] = self._string(line, first) if first.type == "STRING" else first.value
        if first.type == "WORD" and not _IDENT.match(first.value):
            raise self._bad(
                "syntax", line, first, f"`{first.value}` is not an outcome: write it in quotes"
            )
        attrs["target"] = self._ref_tok(
            line,
            self._tok(line, toks, 2, "a step, decision or end after `->`"),
            "node",
            "a step, decision or end after `->`",
        )
        if len(toks) > 3:
            raise self._bad(
                "syntax",
                line,
                toks[3],
                f"an outcome line ends after its target, found {_what(toks[3])}",
            )
        return 3

    def _head_field(
        self, spec: StatementSpec, line: Line, toks: list[Token], attrs: dict[str, Any]
    ) -> int:
        name = toks[0]
        if not _IDENT.match(name.value):
            raise self._bad(
                "syntax",
                line,
                name,
                f"`{name.value}` is not a field name: use letters, digits and `_`",
            )
        attrs["name"] = name.value
        attrs["name_span"] = self._span(line, name)
        assert line.ftype is not None
        type_tok, args = line.ftype
        tname = type_tok.value
        if tname not in FIELD_TYPES:
            hint = did_you_mean(tname, FIELD_TYPES)
            raise self._bad(
                "bad-value",
                line,
                type_tok,
                f"`{tname}` is not a field type",
                hint=hint or "types: " + ", ".join(FIELD_TYPES),
            )
        ftype: dict[str, Any] = {"name": tname, "values": [], "ref": None}
        if tname in {"enum", "ref"} and args is None:
            raise self._bad(
                "syntax",
                line,
                type_tok,
                f"`{tname}` needs its {'values' if tname == 'enum' else 'entity'} in brackets, as in "
                + ("enum(new, won, lost)" if tname == "enum" else "ref(Account)"),
            )
        if tname not in {"enum", "ref"} and args is not None:
            raise self._bad(
                "syntax", line, type_tok, f"the type `{tname}` takes no values in brackets"
            )
        if tname == "enum":
            assert args is not None
            if not args:
                raise self._bad("bad-value", line, type_tok, "an enum needs at least one value")
            values = [self._string(line, a) if a.type == "STRING" else a.value for a in args]
            seen: set[str] = set()
            for value, tok in zip(values, args, strict=True):
                if value in seen:
                    raise self._bad(
                        "duplicate-id", line, tok, f"the enum value `{value}` is listed twice"
                    )
                seen.add(value)
            ftype["values"] = values
        elif tname == "ref":
            assert args is not None
            if len(args) != 1 or args[0].type != "WORD" or args[0].value.count(".") > 1:
                raise self._bad(
                    "syntax",
                    line,
                    args[0] if args else type_tok,
                    "`ref` names one entity, as in ref(Account) or ref(salesforce.Account)",
                )
            ftype["ref"] = _ref(args[0].value, self._span(line, args[0]))
        attrs["type"] = m.FieldType(**ftype)
        for tok in toks[1:]:
            if tok.type != "WORD" or tok.value not in FIELD_FLAGS:
                hint = did_you_mean(tok.value, FIELD_FLAGS) if tok.type == "WORD" else ""
                raise self._bad(
                    "syntax" if tok.type != "WORD" else "bad-value",
                    line,
                    tok,
                    f"{_what(tok)} is not a field flag",
                    hint=hint or "flags: " + ", ".join(FIELD_FLAGS),
                )
            if attrs.get(tok.value):
                raise self._bad(
                    "clause-not-allowed",
                    line,
                    tok,
                    f"the flag `{_shorten(tok.value)}` is given twice",
                )
            attrs[tok.value] = True
        return len(toks)

    # -- clauses and values --------------------------------------------------------

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

    def _value(
        self, spec: StatementSpec, clause: ClauseSpec, line: Line, toks: list[Token], i: int
    ) -> tuple[Any, int]:
        kind = clause.value
        kw = clause.keyword
        if kind is ValueKind.FLAG:
            return clause.flag_value, i
        expects = f"expected {clause.expects()} after `{kw}`"
        tok = toks[i] if i < len(toks) else None
        noun_hint = f"not {_NOUNS[kind]}" if kind in _NOUNS and tok is not None else ""
        if kind in {ValueKind.REF, ValueKind.IDENT}:
            if tok is None or tok.type != "WORD":
                raise self._expected(line, toks, i, expects, hint=noun_hint)
            if kind is ValueKind.IDENT:
                if not _IDENT.match(tok.value):
                    raise self._bad(
                        "syntax", line, tok, f"{expects}; `{_shorten(tok.value)}` is not a name"
                    )
                return tok.value, i + 1
            return self._ref_tok(line, tok, clause.ref, clause.expects() + f" after `{kw}`"), i + 1
        if kind in {ValueKind.REFS, ValueKind.NAMES}:
            values: list[Any] = []
            while True:
                tok = toks[i] if i < len(toks) else None
                if tok is None or tok.type != "WORD":
                    raise self._expected(
                        line,
                        toks,
                        i,
                        expects
                        if not values
                        else f"expected another item after `,` in the `{kw}` list",
                    )
                if kind is ValueKind.NAMES:
                    if not _IDENT.match(tok.value):
                        raise self._bad(
                            "syntax", line, tok, f"{expects}; `{_shorten(tok.value)}` is not a name"
                        )
                    values.append(m.Name(value=tok.value, span=self._span(line, tok)))
                else:
                    values.append(
                        self._ref_tok(line, tok, clause.ref, clause.expects() + f" after `{kw}`")
                    )
                i += 1
                if i < len(toks) and toks[i].type == "COMMA":
                    i += 1
                    continue
                return values, i
        if kind is ValueKind.STRING:
            if tok is None or tok.type != "STRING":
                raise self._expected(line, toks, i, expects, hint=noun_hint)
            return self._string(line, tok), i + 1
        if kind in {ValueKind.INTEGER, ValueKind.SCORE}:
            if tok is None or tok.type != "NUMBER":
                raise self._expected(line, toks, i, expects, hint=noun_hint)
            text = tok.value.replace("_", "")
            if not text.lstrip("+-").isdigit() or text.startswith(("-", "+")):
                raise self._bad("bad-value", line, tok, f"{expects}, found `{_shorten(tok.value)}`")
            number = self._whole(line, tok, text)
            if kind is ValueKind.SCORE and not 1 <= number <= 5:
                raise self._bad(
                    "bad-value",
                    line,
                    tok,
                    f"a score is a whole number from 1 to 5, not {tok.value}",
                    hint="1 is bad, 5 is great",
                )
            return number, i + 1
        if kind is ValueKind.DURATION:
            if tok is None or tok.type != "DURATION":
                hint = (
                    "a number needs a unit: m, h, d, w, mo or y"
                    if tok is not None and tok.type == "NUMBER"
                    else noun_hint
                )
                raise self._expected(line, toks, i, expects, hint=hint)
            return self._duration(line, tok), i + 1
        if kind is ValueKind.DATE:
            if tok is None or tok.type != "DATE":
                raise self._expected(line, toks, i, expects, hint=noun_hint)
            return self._date(line, tok), i + 1
        if kind is ValueKind.QUANTITY:
            if tok is None or tok.type not in {"NUMBER", "PERCENT", "DURATION"}:
                raise self._expected(line, toks, i, expects, hint=noun_hint)
            return self._quantity(line, toks, i, kw)
        if kind is ValueKind.CHOICE:
            if tok is None or tok.type != "WORD":
                raise self._expected(line, toks, i, expects, hint=noun_hint)
            if tok.value not in clause.choices:
                hint = did_you_mean(tok.value, clause.choices) or "one of " + ", ".join(
                    clause.choices
                )
                raise self._bad(
                    "bad-value",
                    line,
                    tok,
                    f"`{_shorten(tok.value)}` is not a {kw} of {_a(spec.keyword)}",
                    hint=hint,
                )
            return tok.value, i + 1
        raise AssertionError(kind)  # pragma: no cover - the table has no other kinds

    def _quantity(self, line: Line, toks: list[Token], i: int, kw: str) -> tuple[m.Quantity, int]:
        tok = toks[i]
        text = tok.value
        if tok.type == "PERCENT":
            number = float(text[:-1].replace("_", ""))
            return m.Quantity(
                kind="percent",
                value=number,
                signed=text[0] in "+-",
                currency=None,
                unit=None,
                text=text,
            ), i + 1
        if tok.type == "DURATION":
            d = self._duration(line, tok)
            return m.Quantity(
                kind="duration",
                value=float(d.amount),
                signed=False,
                currency=None,
                unit=d.unit,
                text=text,
            ), i + 1
        number = float(text.replace("_", ""))
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if (
            nxt is not None
            and nxt.type == "WORD"
            and re.fullmatch(r"[A-Za-z]{3}", nxt.value)
            and (nxt.value.isupper() or nxt.value.upper() in CURRENCIES)
        ):
            code = nxt.value
            if code not in CURRENCIES:
                hint = (
                    f"currency codes are written in capitals: {code.upper()}"
                    if code.upper() in CURRENCIES
                    else did_you_mean(code, CURRENCIES) or "use an ISO 4217 code such as USD or EUR"
                )
                raise self._bad(
                    "bad-value", line, nxt, f"`{code}` is not an ISO 4217 currency code", hint=hint
                )
            return m.Quantity(
                kind="money",
                value=number,
                signed=text[0] in "+-",
                currency=code,
                unit=None,
                text=f"{text} {code}",
            ), i + 2
        return m.Quantity(
            kind="number", value=number, signed=text[0] in "+-", currency=None, unit=None, text=text
        ), i + 1

    def _duration(self, line: Line, tok: Token) -> m.Duration:
        match = _DURATION.match(tok.value)
        assert match is not None
        amount = self._whole(line, tok, match.group(1).replace("_", ""))
        return m.Duration(amount=amount, unit=cast(Any, match.group(2)), text=tok.value)

    def _whole(self, line: Line, tok: Token, digits: str) -> int:
        """A whole number from its digits; one too long to mean anything is a bad value."""
        if len(digits) > _MAX_DIGITS:
            raise self._bad(
                "bad-value", line, tok, f"`{_shorten(tok.value)}` is too large a number"
            )
        return int(digits)

    def _date(self, line: Line, tok: Token) -> dt.date:
        try:
            return dt.date.fromisoformat(tok.value)
        except ValueError:
            raise self._bad(
                "bad-value",
                line,
                tok,
                f"`{_shorten(tok.value)}` is not a real date",
                hint="a date is YYYY-MM-DD, a day that exists",
            ) from None

    def _string(self, line: Line, tok: Token) -> str:
        body = tok.value[1:-1]
        if "\\" not in body:
            return body

        def unescape(match: re.Match[str]) -> str:
            ch = match.group(1)
            if ch not in _ESCAPES:
                col = tok.column + match.start() + 1
                raise _Bad(
                    Diagnostic(
                        "syntax",
                        f"`\\{ch}` is not an escape a string knows",
                        Span(self.path, line.lineno, col, line.lineno, col + 2),
                        hint='use \\" for a quote, \\\\ for a backslash, \\n for a new line',
                    )
                )
            return _ESCAPES[ch]

        return _ESCAPE.sub(unescape, body)

    def _ref_tok(self, line: Line, tok: Token, ref_kind: str, words: str) -> m.Ref:
        parts = tok.value.count(".") + 1
        want = _REF_PARTS.get(ref_kind)
        if (
            not _DOTTED.match(tok.value)
            or (want is not None and parts != want)
            or (ref_kind == "support" and parts > 2)
        ):
            raise self._bad("syntax", line, tok, f"expected {words}, found `{_shorten(tok.value)}`")
        return _ref(tok.value, self._span(line, tok))

    def _map_end(self, line: Line, tok: Token) -> m.Ref:
        parts = tok.value.split(".")
        if len(parts) not in {2, 3} or any(not _IDENT.match(p) for p in parts):
            raise self._bad(
                "syntax",
                line,
                tok,
                f"expected Entity.field in a `map` line, found `{_shorten(tok.value)}`",
            )
        return _ref(tok.value, self._span(line, tok))

    def _expect_ident(self, line: Line, toks: list[Token], i: int, words: str) -> Token:
        tok = toks[i] if i < len(toks) else None
        if tok is None or tok.type != "WORD":
            raise self._expected(line, toks, i, f"expected {words}")
        if not _IDENT.match(tok.value):
            raise self._bad(
                "syntax",
                line,
                tok,
                f"`{_shorten(tok.value)}` is not an id: use letters, digits and `_`",
                hint="ids may not contain `-` or `.`",
            )
        return tok

    def _tok(self, line: Line, toks: list[Token], i: int, words: str) -> Token:
        if i >= len(toks) or toks[i].type != "WORD":
            raise self._expected(line, toks, i, f"expected {words}")
        return toks[i]

    # -- errors --------------------------------------------------------------------

    def _span(self, line: Line, tok: Token) -> Span:
        return Span(self.path, line.lineno, tok.column, line.lineno, tok.end_column)

    def _block_span(self, line: Line) -> Span:
        last = line
        while last.children:
            last = last.children[-1]
        return Span(
            self.path,
            line.lineno,
            line.toks[0].column,
            last.lineno,
            last.end_col or last.indent + 1,
        )

    def _bad(self, kind: str, line: Line, tok: Token, message: str, hint: str = "") -> _Bad:
        return _Bad(Diagnostic(kind, message, self._span(line, tok), hint=hint))

    def _expected(
        self, line: Line, toks: list[Token], i: int, message: str, hint: str = ""
    ) -> _Bad:
        if i < len(toks):
            tok = toks[i]
            found = f", found {_what(tok)}"
            if not message.startswith("expected"):
                found = ""
            return _Bad(
                Diagnostic(
                    "syntax",
                    message + found,
                    self._span(line, tok),
                    hint=hint,
                )
            )
        col = toks[-1].end_column if toks else line.indent + 1
        return _Bad(
            Diagnostic(
                "syntax",
                message + (", but the line ends" if message.startswith("expected") else ""),
                Span(self.path, line.lineno, col, line.lineno, col + 1),
                hint=hint,
            )
        )

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
            child = STATEMENTS.get(word)
            if (
                child is not None
                and child.parents != ("top",)
                and spec.keyword not in child.parents
            ):
                where = " or ".join(_a(p) for p in child.parents)
                message = f"{_a(word)} belongs inside {where}, not in {what}"
            elif child is not None and "top" in child.parents and child.keyword != "map":
                message = f"{_a(word)} is a top-level statement; it cannot stand in {what}"
            else:
                message = f"`{_shorten(word)}` is not allowed in {what}"
            hint = (
                ("it takes " + ", ".join(f"`{w}`" for w in allowed))
                if allowed
                else "it takes no clauses"
            )
            return self._bad("clause-not-allowed", line, tok, message, hint=hint)
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
                hint=("it takes " + ", ".join(f"`{w}`" for w in allowed)) if allowed else "",
            )
        hint = did_you_mean(word, allowed) or (
            ("it takes " + ", ".join(f"`{w}`" for w in allowed))
            if allowed
            else "it takes no clauses"
        )
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


def m_note(message: str, span: Span | None) -> Any:
    """A note for a diagnostic."""
    from .errors import Note

    return Note(message, span)


def _ref(text: str, span: Span) -> m.Ref:
    return m.Ref(text=text, span=span, target=None)


def _comment(path: str, c: Comment) -> m.Comment:
    return m.Comment(file=path, line=c.line, col=c.col, text=c.text, own_line=c.own_line)


_NOUNS = {
    ValueKind.DURATION: "a duration",
    ValueKind.DATE: "a date",
    ValueKind.SCORE: "a score",
    ValueKind.INTEGER: "a whole number",
    ValueKind.STRING: "a text in quotes",
    ValueKind.QUANTITY: "a value",
    ValueKind.REF: "an id",
    ValueKind.REFS: "an id",
    ValueKind.CHOICE: "one of the choices",
}


def _what(tok: Token) -> str:
    if tok.type == "STRING":
        shown = tok.value if len(tok.value) <= 40 else tok.value[:37] + '…"'
        return f"the string {shown}"
    return f"`{_shorten(tok.value)}`"


def _shorten(text: str, limit: int = 40) -> str:
    """A long token cut for a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _id_from(label: str) -> str:
    """An id made from a label, for a hint: `"Customer Service"` -> `customer_service`."""
    made = re.sub(r"[^a-z0-9]+", "_", label.strip('"').lower()).strip("_")[:30]
    return made if made and not made[0].isdigit() else "my_id"
