"""Build, values: the tokens after a clause's keyword in, a model value or a precise error out.

`ValueReader` reads every kind of value of the clause table (references, strings with
their escapes, numbers, durations, dates, money and other quantities, choices) and says
in words what was expected where it finds something else; `_READERS` maps each value
kind to its reader. `crmdsl.language.build.statements` drives it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, NamedTuple, cast

from crmdsl import model as m
from crmdsl.errors import CrmdslError, Diagnostic, Span
from crmdsl.language.currencies import CURRENCIES
from crmdsl.language.parse import Line
from crmdsl.language.parse import Tok as Token
from crmdsl.language.schema import ClauseSpec, StatementSpec, ValueKind
from crmdsl.language.suggest import did_you_mean

__all__ = ["ValueReader"]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\Z")
_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n"}
_DURATION = re.compile(r"(\d[\d_]*)(mo|m|h|d|w|y)\Z")
_MAX_DIGITS = 18  # more digits than any count or duration means; `int()` refuses 4,300+
_REF_PARTS = {
    "team": 1,
    "persona": 1,
    "channel": 1,
    "system": 1,
    "node": 1,
    "field": 3,
    "backstage": 2,
}


#: Duration clauses that may not be zero, and the hint that says why.
_NOT_ZERO = {"horizon": "the return is counted over the horizon: give it at least 1mo"}

_ARTICLE = {
    "entity": "an",
    "end": "an",
    "integration": "an",
    "outcome": "an",
    "include": "an",
    "idea": "an",
}


def _a(word: str) -> str:
    return f"{_ARTICLE.get(word, 'a')} {word if word != 'map-line' else '`map` line'}"


class _Bad(CrmdslError):
    """A line could not be built; carries the diagnostic (caught by the builder, never raised out)."""

    def __init__(self, diag: Diagnostic) -> None:
        self.diag = diag


def m_note(message: str, span: Span | None) -> Any:
    """A note for a diagnostic."""
    from crmdsl.errors import Note

    return Note(message, span)


def _ref(text: str, span: Span) -> m.Ref:
    return m.Ref(text=text, span=span, target=None)


_NOUNS = {
    ValueKind.DURATION: "a duration",
    ValueKind.DATE: "a date",
    ValueKind.SCORE: "a score",
    ValueKind.INTEGER: "a whole number",
    ValueKind.STRING: "a text in quotes",
    ValueKind.QUANTITY: "a value",
    ValueKind.PERCENT: "a percent",
    ValueKind.RATE: "a percent per year",
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


class _Ask(NamedTuple):
    """One clause value to read: where it stands and how to say what was expected."""

    spec: StatementSpec
    clause: ClauseSpec
    line: Line
    toks: list[Token]
    i: int
    tok: Token | None
    expects: str
    noun_hint: str


class ValueReader:
    """Reads clause values from a line's tokens; errors are raised as `_Bad`."""

    path: str

    def _value(
        self, spec: StatementSpec, clause: ClauseSpec, line: Line, toks: list[Token], i: int
    ) -> tuple[Any, int]:
        """The value of a clause from token `i` on, and the index after it.

        The reader is chosen by the clause's value kind (`_READERS`); each raises `_Bad`
        saying what was expected where it finds something else.
        """
        if clause.value is ValueKind.FLAG:
            return clause.flag_value, i
        tok = toks[i] if i < len(toks) else None
        kind = clause.value
        noun_hint = f"not {_NOUNS[kind]}" if kind in _NOUNS and tok is not None else ""
        expects = f"expected {clause.expects()} after `{clause.keyword}`"
        ask = _Ask(spec, clause, line, toks, i, tok, expects, noun_hint)
        return _READERS[kind](self, ask)

    def _read_word(self, ask: _Ask) -> tuple[Any, int]:
        """A reference or a name (`ref`, `ident`): one word."""
        tok, kw = ask.tok, ask.clause.keyword
        if tok is None or tok.type != "WORD":
            raise self._expected(ask.line, ask.toks, ask.i, ask.expects, hint=ask.noun_hint)
        if ask.clause.value is ValueKind.IDENT:
            if not _IDENT.match(tok.value):
                raise self._bad(
                    "syntax",
                    ask.line,
                    tok,
                    f"{ask.expects}; `{_shorten(tok.value)}` is not a name",
                )
            return tok.value, ask.i + 1
        words = ask.clause.expects() + f" after `{kw}`"
        return self._ref_tok(ask.line, tok, ask.clause.ref, words), ask.i + 1

    def _read_list(self, ask: _Ask) -> tuple[Any, int]:
        """References or names separated by commas (`refs`, `names`)."""
        line, toks, i, kw = ask.line, ask.toks, ask.i, ask.clause.keyword
        values: list[Any] = []
        while True:
            tok = toks[i] if i < len(toks) else None
            if tok is None or tok.type != "WORD":
                more = f"expected another item after `,` in the `{kw}` list"
                raise self._expected(line, toks, i, more if values else ask.expects)
            if ask.clause.value is ValueKind.NAMES:
                if not _IDENT.match(tok.value):
                    raise self._bad(
                        "syntax", line, tok, f"{ask.expects}; `{_shorten(tok.value)}` is not a name"
                    )
                values.append(m.Name(value=tok.value, span=self._span(line, tok)))
            else:
                words = ask.clause.expects() + f" after `{kw}`"
                values.append(self._ref_tok(line, tok, ask.clause.ref, words))
            i += 1
            if i < len(toks) and toks[i].type == "COMMA":
                i += 1
                continue
            return values, i

    def _read_string(self, ask: _Ask) -> tuple[Any, int]:
        """A text in quotes, its escapes undone."""
        tok = ask.tok
        if tok is None or tok.type != "STRING":
            raise self._expected(ask.line, ask.toks, ask.i, ask.expects, hint=ask.noun_hint)
        return self._string(ask.line, tok), ask.i + 1

    def _read_whole(self, ask: _Ask) -> tuple[Any, int]:
        """A whole number (`integer`), or one from 1 to 5 (`score`)."""
        tok, line = ask.tok, ask.line
        if tok is None or tok.type != "NUMBER":
            raise self._expected(line, ask.toks, ask.i, ask.expects, hint=ask.noun_hint)
        text = tok.value.replace("_", "")
        if not text.lstrip("+-").isdigit() or text.startswith(("-", "+")):
            found = f"{ask.expects}, found `{_shorten(tok.value)}`"
            raise self._bad("bad-value", line, tok, found)
        number = self._whole(line, tok, text)
        if ask.clause.value is ValueKind.SCORE and not 1 <= number <= 5:
            raise self._bad(
                "bad-value",
                line,
                tok,
                f"a score is a whole number from 1 to 5, not {tok.value}",
                hint="1 is bad, 5 is great",
            )
        return number, ask.i + 1

    def _read_duration(self, ask: _Ask) -> tuple[Any, int]:
        """A duration such as `4h`; a bare number is told it needs a unit."""
        tok = ask.tok
        if tok is None or tok.type != "DURATION":
            hint = (
                "a number needs a unit: m, h, d, w, mo or y"
                if tok is not None and tok.type == "NUMBER"
                else ask.noun_hint
            )
            raise self._expected(ask.line, ask.toks, ask.i, ask.expects, hint=hint)
        duration = self._duration(ask.line, tok)
        if duration.amount == 0 and ask.clause.keyword in _NOT_ZERO:
            raise self._bad(
                "bad-value",
                ask.line,
                tok,
                f"a {ask.clause.keyword} of {tok.value} is no time at all",
                hint=_NOT_ZERO[ask.clause.keyword],
            )
        return duration, ask.i + 1

    def _read_date(self, ask: _Ask) -> tuple[Any, int]:
        """A date `YYYY-MM-DD` that exists."""
        tok = ask.tok
        if tok is None or tok.type != "DATE":
            raise self._expected(ask.line, ask.toks, ask.i, ask.expects, hint=ask.noun_hint)
        return self._date(ask.line, tok), ask.i + 1

    def _read_quantity(self, ask: _Ask) -> tuple[Any, int]:
        """A number, a percent, a duration or money (`quantity`)."""
        tok = ask.tok
        if tok is None or tok.type not in {"NUMBER", "PERCENT", "DURATION"}:
            raise self._expected(ask.line, ask.toks, ask.i, ask.expects, hint=ask.noun_hint)
        return self._quantity(ask.line, ask.toks, ask.i, ask.clause.keyword)

    def _read_percent(self, ask: _Ask) -> tuple[Any, int]:
        """A percent from 0% to 100%, unsigned (`percent`: a margin)."""
        tok = ask.tok
        if tok is None or tok.type != "PERCENT":
            raise self._expected(ask.line, ask.toks, ask.i, ask.expects, hint=ask.noun_hint)
        value, j = self._quantity(ask.line, ask.toks, ask.i, ask.clause.keyword)
        if value.signed or not 0 <= value.value <= 100:
            raise self._bad(
                "bad-value",
                ask.line,
                tok,
                f"a {ask.clause.keyword} is a percent from 0% to 100%, not {tok.value}",
                hint="the share of the change that is profit, such as 40%",
            )
        return value, j

    def _read_rate(self, ask: _Ask) -> tuple[Any, int]:
        """A percent per year (`rate`: an entity's growth): `10% per year`, `-5% per year`."""
        tok, toks, i = ask.tok, ask.toks, ask.i
        if tok is None or tok.type != "PERCENT":
            raise self._expected(ask.line, toks, i, ask.expects, hint=ask.noun_hint)
        value, j = self._quantity(ask.line, toks, i, ask.clause.keyword)
        for offset, word in enumerate(("per", "year")):
            if j + offset >= len(toks) or toks[j + offset].value != word:
                raise self._expected(ask.line, toks, j + offset, ask.expects)
        return value, j + 2

    def _read_choice(self, ask: _Ask) -> tuple[Any, int]:
        """One of the clause's choices; another word names the closest."""
        tok, clause = ask.tok, ask.clause
        if tok is None or tok.type != "WORD":
            raise self._expected(ask.line, ask.toks, ask.i, ask.expects, hint=ask.noun_hint)
        if tok.value not in clause.choices:
            hint = did_you_mean(tok.value, clause.choices) or "one of " + ", ".join(clause.choices)
            raise self._bad(
                "bad-value",
                ask.line,
                tok,
                f"`{_shorten(tok.value)}` is not a {clause.keyword} of {_a(ask.spec.keyword)}",
                hint=hint,
            )
        return tok.value, ask.i + 1

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


#: The reader of each value kind of the clause table (a flag takes no value).
_READERS: dict[ValueKind, Callable[[ValueReader, _Ask], tuple[Any, int]]] = {
    ValueKind.IDENT: ValueReader._read_word,
    ValueKind.REF: ValueReader._read_word,
    ValueKind.REFS: ValueReader._read_list,
    ValueKind.NAMES: ValueReader._read_list,
    ValueKind.STRING: ValueReader._read_string,
    ValueKind.INTEGER: ValueReader._read_whole,
    ValueKind.SCORE: ValueReader._read_whole,
    ValueKind.DURATION: ValueReader._read_duration,
    ValueKind.DATE: ValueReader._read_date,
    ValueKind.QUANTITY: ValueReader._read_quantity,
    ValueKind.PERCENT: ValueReader._read_percent,
    ValueKind.RATE: ValueReader._read_rate,
    ValueKind.CHOICE: ValueReader._read_choice,
}
