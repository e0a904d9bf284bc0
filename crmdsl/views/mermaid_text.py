"""Mermaid text safety: user text in, labels, ids and limits Mermaid cannot misread out.

- Labels: every character outside ASCII letters, digits and space becomes a Mermaid
  decimal entity code (``#35;`` for ``#``), see `encode_label`. Line breaks become
  ``<br>`` in flowchart and erDiagram labels; journeys cannot break lines and show a
  space. A space after the word ``direction`` is encoded too: Mermaid's flowchart and
  erDiagram lexers take any line containing ``direction LR`` (TB, BT, RL, TD) for a
  direction statement and drop the rest of it.
- Ids: `SafeIds` maps user ids to ``<prefix>_<body>`` with a reversible, lower-case
  body, so case-only differences stay distinct, no id is a Mermaid keyword, and the id
  depends on nothing but the user id.
- `check_limits` enforces Mermaid's default limits (500 edges, 50,000 characters).

The diagram builders that use all this are in `crmdsl.views.mermaid_safe`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from crmdsl.errors import CrmdslError

__all__ = [
    "EDGE_HEADS",
    "EDGE_SHAPES",
    "EXTENDED_SHAPES",
    "ER_CARDINALITIES",
    "JOURNEY_KEYWORDS",
    "MAX_EDGES",
    "MAX_TEXT_SIZE",
    "MERMAID_KEYWORDS",
    "NODE_SHAPES",
    "MermaidInputError",
    "MermaidLimitError",
    "SafeIds",
    "check_limits",
    "decode_label",
    "encode_journey_text",
    "encode_label",
    "encode_multiline_label",
    "is_invisible",
    "er_token",
    "journey_score",
    "sanitize_text",
]

MAX_EDGES = 500
MAX_TEXT_SIZE = 50_000

#: Words with a meaning somewhere in flowchart, erDiagram or journey syntax. No id
#: produced here can equal one: every id contains ``_`` after its prefix.
MERMAID_KEYWORDS: frozenset[str] = frozenset(
    """graph flowchart flowchart-elk subgraph end style linkStyle classDef class click
    call href default direction interpolate accTitle accDescr erDiagram journey section
    title to optionally one only many zero more PK FK UK TB BT RL LR TD BR v o x
    _self _blank _parent _top""".split()
)

#: A journey task or section starting with one of these (any case) is read as it.
JOURNEY_KEYWORDS = ("journey", "title", "section", "acctitle", "accdescr")

#: Flowchart node shapes, by mermaid-py's names.
NODE_SHAPES = (
    "normal",
    "round-edge",
    "stadium-shape",
    "subroutine-shape",
    "cylindrical",
    "circle",
    "label-shape",
    "rhombus",
    "hexagon",
    "parallelogram",
    "parallelogram-alt",
    "trapezoid",
    "trapezoid-alt",
    "double-circle",
)
#: Shapes written in Mermaid 11.3's ``id@{ shape: ... }`` syntax, with the classic
#: shape used for older hosts.
EXTENDED_SHAPES: dict[str, tuple[str, str]] = {
    "document": ("doc", "normal"),
    "documents": ("docs", "subroutine-shape"),
}
EDGE_SHAPES = ("normal", "dotted", "thick", "hidden")
#: Allowed (left, right) arrow heads; Mermaid has no left-only heads.
EDGE_HEADS = (
    ("none", "none"),
    ("none", "arrow"),
    ("none", "bullet"),
    ("none", "cross"),
    ("left-arrow", "arrow"),
    ("bullet", "bullet"),
    ("cross", "cross"),
)
ER_CARDINALITIES = ("zero-or-one", "exactly-one", "zero-or-more", "one-or-more")
EdgeShape = Literal["normal", "dotted", "thick", "hidden"]

_OLDEST_SUPPORTED = (10, 0)
_ER_ALIASES_SINCE = (10, 5)
_ER_LINE_BREAKS_SINCE = (11, 0)
_EXTENDED_SHAPES_SINCE = (11, 3)
#: `classDef` and `class` in an erDiagram (a later minor than the ER redesign, to be safe)
_ER_CLASSES_SINCE = (11, 6)


class MermaidLimitError(CrmdslError):
    """A diagram is bigger than Mermaid draws by default."""


class MermaidInputError(CrmdslError, ValueError):
    """A view asked for something Mermaid cannot show (bad score, unknown id, ...).

    Also a `ValueError`, as it was before `CrmdslError` became the one root.
    """


# --- text ---------------------------------------------------------------------------

# Characters no SVG can hold (XML 1.0 forbids C0 controls but tab, LF and CR, and
# U+FFFE/U+FFFF; lone surrogates cannot be encoded) or that HTML re-maps when written
# as a character reference (U+0080..U+009F become Windows-1252 letters: #128; is €).
_UNREPRESENTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x80-\x9f\ud800-\udfff\ufffe\uffff]")
_PLAIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ")
_DIRECTION_SPACE = re.compile("(?<=direction) ", re.IGNORECASE)
_ENTITY = re.compile(r"#(\d+);")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


# Mermaid swaps entity codes for these placeholders before parsing and swaps them back
# in the finished SVG, where it cannot tell them from the same characters typed by a
# user: an invisible WORD JOINER (U+2060) keeps the user's from being decoded.
_PLACEHOLDERS = re.compile("(?<=\ufb02)(?=\u00b0)|(?<=\u00b6)(?=\u00df)")


def sanitize_text(text: str) -> str:
    """Make text showable in an SVG through Mermaid.

    Characters no SVG can hold become U+FFFD (the replacement character), and a WORD
    JOINER (U+2060, invisible) splits ``ﬂ°`` and ``¶ß``, the placeholders Mermaid
    would otherwise decode as entity codes.
    """
    return _PLACEHOLDERS.sub("\u2060", _UNREPRESENTABLE.sub("\ufffd", text))


def encode_label(text: str) -> str:
    """Encode text for any Mermaid label: only ``[A-Za-z0-9 #;]`` remains.

    Every other character becomes ``#<code point>;`` (``#`` → ``#35;``, ``😀`` →
    ``#128512;``, a line feed → ``#10;``), and so does a space right after
    ``direction``. Characters no SVG can hold are replaced first (`sanitize_text`).
    `decode_label` gives the text back.
    """
    clean = sanitize_text(text)
    direction_spaces = {match.start() for match in _DIRECTION_SPACE.finditer(clean)}
    return "".join(
        char if char in _PLAIN and index not in direction_spaces else f"#{ord(char)};"
        for index, char in enumerate(clean)
    )


def encode_multiline_label(text: str) -> str:
    """Encode a flowchart or erDiagram label; each line break becomes ``<br>``."""
    return "<br>".join(encode_label(line) for line in _LINE_BREAK.split(text))


def decode_label(encoded: str) -> str:
    """Invert `encode_label` and `encode_multiline_label` (``<br>`` → line feed)."""
    return _ENTITY.sub(lambda match: chr(int(match.group(1))), encoded.replace("<br>", "\n"))


# Separators, controls, format characters (zero-width space, soft hyphen, direction
# marks) and lone combining marks draw nothing.
_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Me"})


def is_invisible(text: str) -> bool:
    """Whether text draws nothing (empty, spaces, zero-width characters only).

    Mermaid cannot lay out such labels: an empty one is a parse error, and a blank
    edge label puts ``NaN`` into the SVG. The builders drop blank edge labels and
    comments, and show other blank labels as one space.
    """
    return all(unicodedata.category(char) in _INVISIBLE_CATEGORIES for char in text)


def _visible_label(text: str, *, line_breaks: bool = True) -> str:
    if is_invisible(text):
        return "#32;"
    return encode_multiline_label(text) if line_breaks else encode_label(text)


def encode_journey_text(text: str) -> str:
    """Encode a journey title, section, task or actor name.

    Like `encode_label`, plus: leading and trailing spaces are encoded (Mermaid would
    trim them, and a name of spaces only would vanish), and the first letter is
    encoded when the text starts with a journey keyword (``section``, ``title``,
    ``journey``, ...), which Mermaid would otherwise read as that keyword. A journey
    cannot break lines: a line feed shows as a space.
    """
    if text == "":
        raise MermaidInputError("a journey title, section, task or actor cannot be empty")
    encoded = encode_label(text)
    if text.lower().startswith(JOURNEY_KEYWORDS):
        encoded = f"#{ord(text[0])};{encoded[1:]}"
    body = encoded.strip(" ")
    leading = len(encoded) - len(encoded.lstrip(" "))
    trailing = len(encoded) - len(encoded.rstrip(" ")) if body else 0
    return "#32;" * leading + body + "#32;" * trailing


def journey_score(score: object) -> int:
    """Return a journey score as an int from 1 to 5, or raise `MermaidInputError`.

    Mermaid draws any other value silently wrong (a missing face, or ``NaN``
    coordinates), so nothing else may reach a diagram.
    """
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise MermaidInputError(
            f"a journey score must be a whole number from 1 to 5, not {score!r}"
        )
    return score


_ER_TOKEN_BAD = re.compile(r"[^A-Za-z0-9_]+")
_ER_KEY_WORDS = frozenset({"pk", "fk", "uk"})


def er_token(text: str) -> str:
    """Make an erDiagram attribute name or type from user text (lossy, readable).

    Runs of characters other than ASCII letters, digits and ``_`` become one ``_``;
    a leading digit or an empty result gets a leading ``_``; the key words ``PK``,
    ``FK``, ``UK`` get a trailing ``_``. Put the exact text in the attribute comment
    when the difference matters.
    """
    token = _ER_TOKEN_BAD.sub("_", text)
    if not token or token[0].isdigit():
        token = "_" + token
    if token.lower() in _ER_KEY_WORDS:
        token += "_"
    return token


# --- ids ----------------------------------------------------------------------------

_PREFIX = re.compile(r"[a-z][a-z0-9]*")
_SAFE_ID_BODY = re.compile(r"(?:[a-z0-9]|__|_[a-z]|_[0-9]+_)*")


@dataclass(frozen=True)
class SafeIds:
    """Safe, stable Mermaid ids for user ids: ``SafeIds("n")("Lead") == "n__lead"``.

    The id is ``<prefix>_<body>``; the body keeps ``a-z`` and ``0-9``, writes ``_`` as
    ``__``, an upper-case letter as ``_`` + the letter in lower case, and any other
    character as ``_<code point>_`` (``crm-sync`` → ``n_crm_45_sync``). So ids are
    lower-case (mermaid-py lowercases ids; the output survives that), case-only
    differences stay distinct, the mapping is reversible (`decode`), depends on nothing
    but the user id, and ids of different prefixes never meet. No id is a Mermaid
    keyword (each contains ``_``, no keyword does).
    """

    prefix: str = "n"

    def __post_init__(self) -> None:
        """Check that the prefix is lower-case letters and digits."""
        if not _PREFIX.fullmatch(self.prefix):
            raise MermaidInputError(
                f"an id prefix must be lower-case letters and digits, not {self.prefix!r}"
            )

    def __call__(self, user_id: str) -> str:
        """Return the Mermaid id for a user id."""
        if user_id == "":
            raise MermaidInputError("an id cannot be empty")
        return f"{self.prefix}_{_encode_id_body(user_id)}"

    def decode(self, safe_id: str) -> str:
        """Return the user id a Mermaid id was made from."""
        head, separator, body = safe_id.partition("_")
        if head != self.prefix or not separator or not body or not _SAFE_ID_BODY.fullmatch(body):
            raise MermaidInputError(f"{safe_id!r} is not an id made by {self!r}")
        return _ID_ESCAPE.sub(_decode_id_escape, body)


_ID_ESCAPE = re.compile(r"__|_([a-z])|_([0-9]+)_")


def _decode_id_escape(match: re.Match[str]) -> str:
    letter, code = match.groups()
    if letter:
        return letter.upper()
    if code:
        return chr(int(code))
    return "_"


@functools.lru_cache(maxsize=65536)
def _encode_id_body(user_id: str) -> str:
    parts: list[str] = []
    for char in user_id:
        if "a" <= char <= "z" or "0" <= char <= "9":
            parts.append(char)
        elif "A" <= char <= "Z":
            parts.append("_" + char.lower())
        elif char == "_":
            parts.append("__")
        else:
            parts.append(f"_{ord(char)}_")
    return "".join(parts)


# --- limits, versions -----------------------------------------------------------------


def check_limits(
    text: str, edges: int, *, max_edges: int = MAX_EDGES, max_text_size: int = MAX_TEXT_SIZE
) -> None:
    """Raise `MermaidLimitError` when Mermaid would refuse the diagram by default."""
    if edges > max_edges:
        raise MermaidLimitError(
            f"the diagram has {edges} edges; Mermaid draws at most {max_edges} by default "
            "(its maxEdges setting): show a smaller part of the map"
        )
    if len(text) > max_text_size:
        raise MermaidLimitError(
            f"the diagram is {len(text)} characters long; Mermaid reads at most "
            f"{max_text_size} by default (its maxTextSize setting): show a smaller part "
            "of the map, or shorten its labels"
        )
