"""Where things are in the text: an `Analysis` in, offsets, lines and block ranges out.

`Doc` wraps an analysis for the edit operations: it turns line:column into offsets,
finds the parsed line of a model node, the range of lines a statement owns (the comments
right above it, its block, comments indented into the end of its block), and checks a
changed top-level block by parsing and building it on its own.
"""

from __future__ import annotations

import weakref
from bisect import bisect_right
from itertools import accumulate
from operator import attrgetter
from typing import Any

from crmdsl import model as m
from crmdsl.edit.patch import EditError
from crmdsl.formatter.layout import INDENT
from crmdsl.language.build.statements import build_file
from crmdsl.language.loader import Analysis
from crmdsl.language.parse import Line, parse_source
from crmdsl.language.schema import STATEMENTS, StatementSpec
from crmdsl.language.source import SourceText

__all__ = ["LINENO", "Doc", "map_index"]

_INDEXES: dict[int, tuple[weakref.ref[m.CrmMap], dict[str, Any]]] = {}


def map_index(crm_map: m.CrmMap) -> dict[str, Any]:
    """A cache of what is worked out once per loaded map.

    Symbols by lower case, keys by node, references by target: edits never change a
    loaded map, so the cache stays valid as long as the map lives.
    """
    hit = _INDEXES.get(id(crm_map))
    if hit is not None and hit[0]() is crm_map:
        return hit[1]
    if len(_INDEXES) >= 8:
        _INDEXES.clear()
    index: dict[str, Any] = {}
    _INDEXES[id(crm_map)] = (weakref.ref(crm_map), index)
    return index


#: what `bisect` compares parsed lines by
LINENO = attrgetter("lineno")


class Doc:
    """An analysis seen as text to edit."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.map = analysis.map
        self.texts = {path: src.text for path, src in analysis.sources.items()}
        self._starts: dict[str, list[int]] = {}

    # -- symbols -------------------------------------------------------------------

    def _symbols(self) -> dict[str, Any]:
        index = map_index(self.map)
        if "symbols" not in index:
            symbols = self.map.symbols()
            index["symbols"] = symbols
            lower: dict[str, list[str]] = {}
            for key, obj in symbols.items():
                if not (isinstance(obj, m.Channel) and obj.builtin):
                    lower.setdefault(key.lower(), []).append(key)
            index["lower"] = lower
            index["key_of"] = {id(obj): key for key, obj in symbols.items()}
        return index

    def taken(self, key: str, but: str = "") -> str | None:
        """A declared key equal to `key` ignoring case (other than `but`), if any."""
        for existing in self._symbols()["lower"].get(key.lower(), []):
            if existing != but:
                return str(existing)
        return None

    def key_of(self, node: Any) -> str | None:
        """The reference key of a declared node (`sales`, `journey.stage`, `sys.E.f`)."""
        found = self._symbols()["key_of"].get(id(node))
        return None if found is None else str(found)

    # -- offsets -------------------------------------------------------------------

    def starts(self, file: str) -> list[int]:
        """Offsets where each line starts (worked out once per loaded map)."""
        found = self._starts.get(file)
        if found is None:
            cache = map_index(self.map).setdefault("starts", {})
            text = self.texts[file]
            hit = cache.get(file)
            if hit is not None and hit[0] is text:
                found = hit[1]
            else:
                source = self.analysis.sources.get(file)
                lines = (
                    source.lines if source is not None and source.text is text else text.split("\n")
                )
                found = [0, *accumulate(len(line) + 1 for line in lines)][: len(lines)]
                cache[file] = (text, found)
            self._starts[file] = found
        return found

    def offset(self, file: str, line: int, col: int) -> int:
        """The offset of `line:col` (1-based)."""
        return self.starts(file)[line - 1] + col - 1

    def line_start(self, file: str, line: int) -> int:
        """The offset where a line starts."""
        return self.starts(file)[line - 1]

    def line_end(self, file: str, line: int) -> int:
        """The offset of a line's newline (or the end of the text)."""
        starts = self.starts(file)
        return starts[line] - 1 if line < len(starts) else len(self.texts[file])

    def line_text(self, file: str, line: int) -> str:
        """A line without its newline."""
        return self.texts[file][self.line_start(file, line) : self.line_end(file, line)]

    def line_count(self, file: str) -> int:
        """How many lines the file has (a final newline opens an empty last line)."""
        return len(self.starts(file))

    # -- parsed lines --------------------------------------------------------------

    def _path(self, file: str, lineno: int) -> list[Line]:
        """The lines from the top-level one down to the line at `lineno` (empty: none)."""
        path: list[Line] = []
        siblings = self.analysis.parsed[file].roots_at(lineno)
        while siblings:
            i = bisect_right(siblings, lineno, key=LINENO) - 1
            if i < 0:
                return []
            line = siblings[i]
            path.append(line)
            if line.lineno == lineno:
                return path
            siblings = line.children
        return []

    def line(self, file: str, lineno: int) -> Line:
        """The parsed line at `lineno`."""
        path = self._path(file, lineno)
        if not path:
            raise EditError(f"{file}:{lineno} holds no statement")
        return path[-1]

    def parent(self, file: str, line: Line) -> Line | None:
        """The line whose block holds `line`."""
        path = self._path(file, line.lineno)
        return path[-2] if len(path) >= 2 else None

    def node_line(self, node: m.Node) -> Line:
        """The parsed line where a model node's statement is written."""
        return self.line(node.span.file, node.span.line)

    def child_indent(self, line: Line) -> int:
        """The indentation of the block under `line` (its own, or the house style)."""
        return line.child_indent if line.child_indent > 0 else line.indent + INDENT

    # -- ranges --------------------------------------------------------------------

    def last_line(self, line: Line) -> int:
        """The last line of a statement's block (not counting comments)."""
        while line.children:
            line = line.children[-1]
        return line.lineno

    def own_range(self, file: str, line: Line) -> tuple[int, int]:
        """The first and last line a statement owns.

        That is the comments right above it, its block, and comments indented into the end
        of its block.
        """
        first = line.lineno
        while first > 1 and self.line_text(file, first - 1).lstrip().startswith("#"):
            first -= 1
        last = self.last_line(line)
        total = self.line_count(file)
        while last < total:
            raw = self.line_text(file, last + 1)
            stripped = raw.lstrip()
            if stripped.startswith("#") and len(raw) - len(stripped) > line.indent:
                last += 1
            else:
                break
        return first, last

    def removal(self, file: str, first: int, last: int) -> tuple[int, int]:
        """Offsets that remove whole lines `first..last`.

        One blank line that would be left doubled goes too.
        """
        start = self.line_start(file, first)
        total = self.line_count(file)
        end = self.line_start(file, last + 1) if last < total else len(self.texts[file])
        before_blank = first == 1 or not self.line_text(file, first - 1).strip()
        at_end = last + 1 >= total and not self.line_text(file, total).strip()
        if at_end:
            if first > 1 and before_blank:
                start = self.line_start(file, first - 1)
        elif before_blank and not self.line_text(file, last + 1).strip():
            end = self.line_start(file, last + 2)
        return start, end

    # -- meaning -------------------------------------------------------------------

    def spec_of(self, node: Any) -> StatementSpec:
        """The table entry of a model node's statement."""
        return STATEMENTS[node.statement]


def check_text(text: str, file: str = "<edit>", before: str | None = None) -> None:
    """Parse and build a piece of text on its own; a load error becomes an `EditError`.

    With `before` (the text the edit started from), only errors it did not have already
    count: an edit elsewhere in a block that has a mistake is still allowed.
    """
    built = build_file(parse_source(SourceText.from_text(text, file)))
    if not built.diagnostics:
        return
    known: set[str] = set()
    if before is not None:
        old = build_file(parse_source(SourceText.from_text(before, file)))
        known = {d.message for d in old.diagnostics}
    for diag in built.diagnostics:
        if diag.message not in known:
            hint = f" ({diag.hint})" if diag.hint else ""
            raise EditError(f"the edit would not load: {diag.message}{hint}")
