"""Build, headers: a statement's header line in, its id, label and header values out.

Each header shape of the clause table (`id`, `title`, `path`, `entity`, `integration`,
`flow`, `metric`, `kpi`, `idea`, `cost`, `mapping`, `outcome`, `field`) has its reader here;
`crmdsl.language.build.statements` picks one by the statement's `header`.
"""

from __future__ import annotations

from typing import Any

from crmdsl import model as m
from crmdsl.errors import Span
from crmdsl.language.build.values import _IDENT, ValueReader, _a, _id_from, _ref, _shorten, _what
from crmdsl.language.parse import Line
from crmdsl.language.parse import Tok as Token
from crmdsl.language.schema import FIELD_FLAGS, FIELD_TYPES, LIFECYCLE_WORDS, StatementSpec
from crmdsl.language.suggest import did_you_mean

__all__ = ["HeadReader"]

#: Words of a field line that start a clause rather than a flag.
_FIELD_CLAUSES = frozenset((*LIFECYCLE_WORDS, "by"))


class HeadReader(ValueReader):
    """Reads the header of each statement shape; returns where its clauses begin."""

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
        message = '`map` needs its title in quotes, as in map "Acme CRM"'
        return self._quoted_name(line, toks, attrs, "title", message)

    def _head_path(
        self, spec: StatementSpec, line: Line, toks: list[Token], attrs: dict[str, Any]
    ) -> int:
        message = 'expected a file path in quotes after `include`, as in include "systems.crm"'
        self._quoted_name(line, toks, attrs, "path", message)
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
        message = 'expected the KPI\'s name in quotes after `kpi`, as in kpi "Demo-to-close rate"'
        return self._quoted_name(line, toks, attrs, "name", message)

    def _head_idea(
        self, spec: StatementSpec, line: Line, toks: list[Token], attrs: dict[str, Any]
    ) -> int:
        message = 'expected the idea in quotes after `idea`, as in idea "Cut the form to 3 fields"'
        return self._quoted_name(line, toks, attrs, "text", message)

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
        """A field line `name: type flags`: its name, its type, then its flags.

        Returns where its lifecycle clauses begin (`planned by DATE`); flags may follow
        them too (`crmdsl.language.build.statements` reads those).
        """
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
        attrs["type"] = self._field_type(line)
        end = next(
            (i for i, t in enumerate(toks) if i and t.type == "WORD" and t.value in _FIELD_CLAUSES),
            len(toks),
        )
        self._field_flags(line, toks[1:end], attrs)
        return end

    def _field_type(self, line: Line) -> m.FieldType:
        """A field's type; `enum(...)` with its values, `ref(...)` with its entity."""
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
        if tname not in {"enum", "ref"}:
            if args is not None:
                raise self._bad(
                    "syntax", line, type_tok, f"the type `{tname}` takes no values in brackets"
                )
            return m.FieldType(name=tname, values=[], ref=None)
        if args is None:
            raise self._bad(
                "syntax",
                line,
                type_tok,
                f"`{tname}` needs its {'values' if tname == 'enum' else 'entity'} in brackets, as in "
                + ("enum(new, won, lost)" if tname == "enum" else "ref(Account)"),
            )
        if tname == "enum":
            return m.FieldType(name=tname, values=self._enum_values(line, type_tok, args), ref=None)
        if len(args) != 1 or args[0].type != "WORD" or args[0].value.count(".") > 1:
            raise self._bad(
                "syntax",
                line,
                args[0] if args else type_tok,
                "`ref` names one entity, as in ref(Account) or ref(salesforce.Account)",
            )
        return m.FieldType(
            name=tname, values=[], ref=_ref(args[0].value, self._span(line, args[0]))
        )

    def _enum_values(self, line: Line, type_tok: Token, args: list[Token]) -> list[str]:
        """The values of `enum(...)`: at least one, none twice."""
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
        return values

    def _field_flags(self, line: Line, toks: list[Token], attrs: dict[str, Any]) -> None:
        """The flags after a field's type, each at most once."""
        for tok in toks:
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

    def _quoted_name(
        self, line: Line, toks: list[Token], attrs: dict[str, Any], attr: str, message: str
    ) -> int:
        """The string right after the keyword (a title, a path, a KPI's name)."""
        if len(toks) < 2 or toks[1].type != "STRING":
            raise self._expected(line, toks, 1, message)
        attrs[attr] = self._string(line, toks[1])
        return 2
