"""crmdsl highlighting, one line at a time: a line of text in, styled spans out.

`line_tokens(line)` splits a line into `(start, end, kind)` spans by a single regular
expression scan (no parser): comments, quoted labels, dates, quantities (numbers,
percents, durations, money), arrows, keywords, the id a statement declares, and other
names (references). Offsets are characters. The editor styles these in `get_line`, so
only the lines being drawn are ever tokenized (a few microseconds a line).
"""

from __future__ import annotations

import re
from functools import lru_cache

import crmdsl

__all__ = ["DECLARING", "STYLES", "TokenKind", "line_tokens"]

TokenKind = str

#: Statement keywords whose next word is the id they declare.
DECLARING = frozenset(
    "team persona channel system entity journey stage touchpoint process step decision end "
    "integration goal".split()
)

#: Rich style of each token kind (the theme's colours are the terminal's 16 colours,
#: so the highlighting reads on dark and light backgrounds alike).
STYLES: dict[TokenKind, str] = {
    "comment": "italic bright_black",
    "label": "green",
    "date": "magenta",
    "quantity": "magenta",
    "arrow": "bold cyan",
    "keyword": "bold blue",
    "id": "bold yellow",
    "reference": "cyan",
}

_TOKEN = re.compile(
    r"""
    (?P<comment>\#.*)
  | (?P<label>"(?:[^"\\]|\\.)*"?)
  | (?P<date>\b\d{4}-\d{2}-\d{2}\b)
  | (?P<quantity>[-+]?\d[\d_,]*(?:\.\d+)?(?:%|mo\b|[mhdwy]\b)?(?:\s[A-Z]{3}\b)?)
  | (?P<arrow><->|->)
  | (?P<word>[A-Za-z_](?:\w|-(?!>))*(?:\.[A-Za-z_](?:\w|-(?!>))*)*:?)
    """,
    re.VERBOSE,
)


@lru_cache(maxsize=1)
def _keywords() -> frozenset[str]:
    words = set(crmdsl.KNOWN_WORDS) | set(crmdsl.FIELD_FLAGS) | set(crmdsl.FIELD_TYPES)
    return frozenset(words | {"yes", "no", "per", "year", "month", "once", "enum", "ref"})


def line_tokens(line: str) -> list[tuple[int, int, TokenKind]]:
    """The highlighted spans of one line of a map, left to right."""
    keywords = _keywords()
    out: list[tuple[int, int, TokenKind]] = []
    words_seen = 0
    declaring = False
    for match in _TOKEN.finditer(line):
        kind = match.lastgroup or ""
        start, end = match.span()
        if kind != "word":
            out.append((start, end, kind))
            continue
        word = match.group()
        if word.endswith(":") and words_seen == 0:
            out.append((start, end - 1, "id"))  # `name: type` in an entity
        elif declaring:
            out.append((start, end, "id"))
            declaring = False
        elif word in keywords:
            out.append((start, end, "keyword"))
            declaring = words_seen == 0 and word in DECLARING
        else:
            out.append((start, end, "reference"))
        words_seen += 1
    return out
