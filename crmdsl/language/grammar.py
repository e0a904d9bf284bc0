"""The grammar: Lark's LALR parser for one block (or one line) of a `.crm` file.

In: the text of a top-level block. Out: its statement lines as lists of `Tok`s (a field
line's type apart), and the comments met on the way; or a Lark error, which
`syntax_message` turns into words. The grammar itself is `grammar/crmdsl.lark`, shipped
inside the wheel; the lexer is one regular expression built from its terminals.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from lark import Lark, Token, Transformer
from lark import __version__ as lark_version
from lark.common import LexerConf
from lark.exceptions import UnexpectedInput
from lark.lexer import Lexer

__all__ = ["Tok", "grammar_parser", "grammar_path", "parse_text", "syntax_message"]


class Tok(NamedTuple):
    """A token of a statement line: its terminal name, text and columns (end exclusive).

    `line` counts from the top of the text the parser read (a block, a run of blocks or
    one line); `Line.lineno` is the line in the file.
    """

    type: str
    value: str
    line: int
    column: int
    end_column: int

    # What Lark's parser reads from a token besides the above (for its end-of-input token
    # and its error messages).
    @property
    def end_line(self) -> int:
        """Tokens never span lines."""
        return self.line

    @property
    def start_pos(self) -> int:
        """Not tracked (columns are)."""
        return 0

    @property
    def end_pos(self) -> int:
        """Not tracked (columns are)."""
        return 0


def grammar_path() -> Path:
    """The grammar file: inside the installed package, or in the checkout's `grammar/`."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (
        package / "grammar" / "crmdsl.lark",
        package.parent / "grammar" / "crmdsl.lark",
    ):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("crmdsl.lark not found next to the crmdsl package")


class _Lines(Transformer[Token, Any]):
    """Inline transformer: turns each line straight into a small tuple, no tree kept."""

    def start(self, items: list[Any]) -> list[Any]:
        return items

    def line(self, items: list[Any]) -> Any:
        return items[0]

    def plain_line(self, items: list[Tok]) -> tuple[list[Tok], None]:
        return items, None

    def field_line(self, items: list[Any]) -> tuple[list[Tok], Any]:
        name, ftype, *flags = items
        return [name, *flags], ftype

    def type_expr(self, items: list[Any]) -> tuple[Tok, list[Tok] | None]:
        if len(items) == 1:
            return items[0], None
        return items[0], [t for t in items[1:] if t is not None]


class _FastLexer(Lexer):
    """One regular expression built from the grammar's own terminals.

    Lark's basic lexer tries terminals in priority order; so does this alternation. It
    records comments (the parser ignores them) for the formatter and the linter.
    """

    def __init__(self, conf: LexerConf) -> None:
        terms = sorted(conf.terminals, key=lambda t: (-t.priority, t.name))
        parts = [f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in terms]
        self.regex = re.compile("|".join([*parts, r"(?P<BAD>.)"]))
        self.skip = frozenset(conf.ignore) - {"COMMENT"}
        self.comments: list[tuple[int, int, str]] = []

    def lex(self, data: Any) -> Iterator[Tok]:  # type: ignore[override]
        text = data if isinstance(data, str) else data.text
        line, line_start = 1, 0
        skip, comments = self.skip, self.comments
        for m in self.regex.finditer(text):
            kind = m.lastgroup or "BAD"
            if kind in skip:
                continue
            start = m.start()
            if kind == "_NL":
                yield Tok("_NL", "\n", line, start - line_start + 1, start - line_start + 2)
                line += 1
                line_start = start + 1
                continue
            value = m.group()
            col = start - line_start + 1
            if kind == "COMMENT":
                comments.append((line, col, value))
                continue
            yield Tok(kind, value, line, col, col + len(value))


def private_cache_dir() -> Path | None:
    """The user's own cache folder for crmdsl, or None when it is not safe to use.

    `$XDG_CACHE_HOME/crmdsl` (else `~/.cache/crmdsl`), created with mode 0700. Lark's
    cache is a pickle, and unpickling runs code: a folder that another user owns or may
    write to (or a symbolic link) is never used, and then the grammar is simply analysed
    again (about 30 ms instead of 5).
    """
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # no ownership to check (Windows): no cache
        return None
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    folder = root / "crmdsl"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except (OSError, RuntimeError):
        return None
    return folder if _owned_and_private(info, getuid(), stat.S_ISDIR) else None


def _owned_and_private(info: os.stat_result, uid: int, is_kind: Callable[[int], bool]) -> bool:
    """True for a file of the expected kind, owned by `uid`, writable by nobody else."""
    return is_kind(info.st_mode) and info.st_uid == uid and not info.st_mode & 0o022


def cache_file_name(grammar: str) -> str:
    """The name of the cached analysis of `grammar` (for this Lark and this Python)."""
    key = hashlib.sha256(f"{grammar}{lark_version}{sys.version_info[:2]}".encode()).hexdigest()
    return f"grammar-{key[:16]}.lark-cache"


def _cache_file(grammar: str) -> str | None:
    """Where Lark may keep the analysed grammar, if that place is private to the user."""
    folder = private_cache_dir()
    if folder is None:
        return None
    path = folder / cache_file_name(grammar)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return str(path)  # Lark writes it there (the folder is 0700)
    except OSError:
        return None
    return str(path) if _owned_and_private(info, os.getuid(), stat.S_ISREG) else None


@lru_cache(maxsize=1)
def grammar_parser() -> Lark:
    """The Lark parser, built once per process (and cached in the user's private folder)."""
    grammar = grammar_path().read_text(encoding="utf-8")
    cache = _cache_file(grammar)
    return Lark(
        grammar,
        parser="lalr",
        lexer=_FastLexer,
        transformer=_Lines(),
        start="start",
        # Never Lark's `cache=True`: that file sits in the shared temp folder under a
        # predictable name and is unpickled before it is checked.
        cache=cache if cache is not None else False,
    )


#: Characters (or pairs) people type by habit from other languages, with what to write.
_BAD_CHARACTERS = {
    "'": ("a text is written in double quotes", "write \"...\" instead of '...'"),
    "=>": ("`=>` is not an arrow", "did you mean `->`?"),
    "=": ("`=` means nothing in crmdsl", "write a clause as a keyword and its value: owner sales"),
    "%": ("a percent sign goes right after its number", "write 10%, not 10 %"),
    **{
        quote: (f"`{quote}` is a curly quote", 'use straight quotes `"`, as in "Sales"')
        for quote in "\u201c\u201d\u201e\u2018\u2019\u00ab\u00bb"
    },
}
#: Digits with slashes or dots between them, as a date is often written elsewhere.
_SLASHED_DATE = re.compile(r"[0-9]{1,4}([/.])[0-9]{1,2}\1[0-9]{1,4}")
_MALFORMED = re.compile(r"[0-9][A-Za-z0-9_.%+-]*")
_WHAT = {
    "STRING": "a string",
    "NUMBER": "a number",
    "PERCENT": "a percent",
    "DURATION": "a duration",
    "DATE": "a date",
    "ARROW": "`->`",
    "BIARROW": "`<->`",
    "COMMA": "`,`",
    "COLON": "`:`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "_NL": "the end of the line",
    "$END": "the end of the line",
}


def _describe(tok: Tok) -> str:
    if tok.type == "WORD":
        return f"`{tok.value}`"
    return _WHAT.get(tok.type, f"`{tok.value}`")


_UNIT_WORDS = {
    "min": "m", "mins": "m", "minute": "m", "minutes": "m",
    "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
    "day": "d", "days": "d", "wk": "w", "week": "w", "weeks": "w",
    "month": "mo", "months": "mo", "yr": "y", "yrs": "y", "year": "y", "years": "y",
}  # fmt: skip
_NUMBER_AND_WORD = re.compile(r"([0-9]+)([A-Za-z]+)")


def _unit_word(text: str) -> str | None:
    """`10min` -> `10m (m is minutes)`; None when the letters are no unit spelled out."""
    match = _NUMBER_AND_WORD.fullmatch(text)
    if match is None or match.group(2).lower() not in _UNIT_WORDS:
        return None
    unit = _UNIT_WORDS[match.group(2).lower()]
    return f"{match.group(1)}{unit}: durations use m, h, d, w, mo and y"


def _slashed_date(line_text: str, col: int) -> tuple[int, int, str, str] | None:
    """`2026/10/01` (the error is at its first `/`): say how dates are written."""
    start = col - 1
    while start > 0 and line_text[start - 1].isdigit():
        start -= 1
    match = _SLASHED_DATE.match(line_text, start)
    if match is None or match.start(1) != col - 1:
        return None
    parts = match.group().split(match.group(1))
    if len(parts[0]) == 4:
        fixed = f"{parts[0]}-{parts[1]:0>2}-{parts[2]:0>2}"
    elif len(parts[2]) == 4:
        fixed = "YYYY-MM-DD"
    else:
        return None
    example = fixed if fixed != "YYYY-MM-DD" else "YYYY-MM-DD, as in 2026-10-01"
    message = f"`{match.group()}` is not a date"
    return start + 1, match.end() + 1, message, f"dates are written {example}"


def syntax_message(exc: UnexpectedInput, line_text: str) -> tuple[int, int, str, str]:
    """Turn a Lark error into (column, end column, message, hint) in a user's words."""
    tok: Tok | None = getattr(exc, "token", None)
    expected = set(getattr(exc, "expected", ()) or ())
    if tok is None or tok.type == "$END":
        col = len(line_text.rstrip()) + 1
        if "RPAR" in expected:
            return col, col + 1, "expected `)` to close the type's list of values", "add `)`"
        if expected <= {"WORD", "COLON", "LPAR"} and "WORD" in expected:
            return (
                col,
                col + 1,
                "expected a type after `:`, such as string, email or enum(a, b)",
                "",
            )
        return col, col + 1, "this line ends too early", ""
    col, end = tok.column, tok.end_column or tok.column + 1
    if tok.type == "BAD":
        ch = tok.value
        if ch == '"':
            return (
                col,
                len(line_text) + 1,
                "this string is not closed",
                'add `"` before the end of the line',
            )
        if ch == "\\":
            return col, col + 1, "a `\\` is only allowed inside a string", ""
        word = _MALFORMED.match(line_text, col - 1)
        if ch.isdigit() and word is not None:
            text = word.group()
            if "_" in text:
                hint = "`_` goes between digits, as in 1_000"
            elif _unit_word(text) is not None:
                hint = f"write {_unit_word(text)}"
            elif text[-1].isalpha():
                hint = "a duration ends in m, h, d, w, mo or y, as in 4h; money is 100 USD"
            else:
                hint = "write it as 42, -3, 3.5, 25%, 4h or 2026-09-01"
            message = f"`{text}` is not a number, percent, duration or date"
            return col, col + len(text), message, hint
        if ch in "/.":
            date = _slashed_date(line_text, col)
            if date is not None:
                return date
        known = _BAD_CHARACTERS.get(line_text[col - 1 : col + 1]) or _BAD_CHARACTERS.get(ch)
        if known is not None:
            width = 2 if line_text[col - 1 : col + 1] in _BAD_CHARACTERS else 1
            return col, col + width, known[0], known[1]
        shown = ch if ch.isprintable() else f"U+{ord(ch):04X}"
        return col, col + 1, f"unexpected character `{shown}`", "not part of the crmdsl language"
    if tok.type == "COLON":
        return col, end, "`:` is only used in an entity's field lines, as in `email: email pii`", ""
    if tok.type in {"LPAR", "RPAR"}:
        return col, end, f"{_describe(tok)} is only used in a field type, as in `enum(a, b)`", ""
    if "RPAR" in expected or "COMMA" in expected and tok.type != "COMMA":
        return (
            col,
            end,
            f"expected `,` or `)` in the type's list of values, found {_describe(tok)}",
            "",
        )
    if (
        expected & {"WORD"}
        and "LPAR" not in expected
        and "RPAR" not in expected
        and "COLON" not in expected
    ):
        return (
            col,
            end,
            f"expected a type after `:`, such as string, email or enum(a, b), found {_describe(tok)}",
            "",
        )
    return col, end, f"unexpected {_describe(tok)}", ""


def parse_text(text: str) -> tuple[list[Any], list[tuple[int, int, str]]]:
    """Parse a block's text: its lines and its comments (line, column, text), or raise."""
    parser = grammar_parser()
    lexer: _FastLexer = parser.parser.lexer.lexer
    lexer.comments = []
    # The inline transformer makes the result a list of lines, not a tree.
    result: list[Any] = parser.parse(text)  # type: ignore[assignment]
    return result, lexer.comments
