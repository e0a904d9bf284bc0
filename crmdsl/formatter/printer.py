"""The formatter: the text of one `.crm` file in, the same map in the canonical layout out.

`format_text(text)` returns the formatted text (keeping a BOM, CRLF line endings and the
final newline as they were); `format_source(source)` works on a decoded `SourceText` and
returns text with newline line endings. Both refuse, with `NotFormattable` carrying the
load errors, a file whose own text does not parse or build, and check every result: the
file built again from the output must say what the input said (`crmdsl.formatter.check`),
or `FormatterBug` is raised and nothing is written. The layout is described, with
examples, in `docs/format.md`; the layout of one line is in `crmdsl.formatter.layout`.

Comments stay with their statement: own-line comments above a statement go with it; an
end-of-line comment stays at the end of its line; an own-line comment indented deeper
than the next statement stays at the end of the block it is indented into.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from crmdsl.errors import CrmdslError, Diagnostic
from crmdsl.formatter.check import file_meaning, same_meaning
from crmdsl.formatter.layout import (
    INDENT,
    LINE_WIDTH,
    ClausePart,
    FormatBug,
    classify,
    header_eligible,
    join_tokens,
    render_field,
    split_line,
)
from crmdsl.gcpause import paused_gc
from crmdsl.language.build.statements import BuiltFile, build_file
from crmdsl.language.grammar import Tok as Token
from crmdsl.language.parse import Line, ParsedFile, parse_source
from crmdsl.language.schema import StatementSpec
from crmdsl.language.source import SourceText

__all__ = [
    "FormatterBug",
    "NotFormattable",
    "encode_like",
    "format_parsed",
    "format_source",
    "format_text",
]

#: A pending own-line comment (its indentation, text and line) or a blank line (None).
_Trivia = tuple[int, str, int] | None


class NotFormattable(CrmdslError):
    """The file's text does not parse or build; `diagnostics` says why."""

    def __init__(self, path: str, diagnostics: Sequence[Diagnostic], lines: list[str]) -> None:
        self.path = path
        self.diagnostics = list(diagnostics)
        self.lines = lines
        count = len(self.diagnostics)
        super().__init__(
            f"{path} was not formatted: {count} load error{'s' if count != 1 else ''} in its text"
        )


class FormatterBug(CrmdslError):
    """Formatting would have changed what the file says: a bug in crmdsl, nothing written."""

    def __init__(self, path: str, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(
            f"formatting {path} would change what it says ({detail}); this is a bug in "
            "crmdsl fmt, please report it. The file was left alone."
        )


@dataclass(slots=True, eq=False)
class _Item:
    """A line of the file with the comments and blank lines that belong to it."""

    line: Line
    spec: StatementSpec
    is_statement: bool
    depth: int
    header: list[Token]
    parts: list[ClausePart]
    parent: _Item | None
    children: list[_Item] = field(default_factory=list)
    leading: list[_Trivia] = field(default_factory=list)
    eol: str | None = None
    trailing: list[_Trivia] = field(default_factory=list)
    last: int = 0

    @property
    def commented(self) -> bool:
        return self.eol is not None or any(self.leading) or any(self.trailing)


def format_text(text: str, path: str = "<string>") -> str:
    """Format a file's text; a BOM, CRLF line endings and the final newline are kept."""
    source = SourceText.from_text(text, path)
    return encode_like(source, format_source(source))


def encode_like(source: SourceText, text: str) -> str:
    """Text with newline line endings written back with the source's BOM and line endings."""
    if source.newline != "\n":
        text = text.replace("\n", source.newline)
    return ("\ufeff" if source.bom else "") + text


def format_source(source: SourceText) -> str:
    """Format a decoded file; the result has newline line endings and no BOM."""
    with paused_gc():
        return _format_source(source)


def _format_source(source: SourceText) -> str:
    parsed = parse_source(source)
    built = build_file(parsed)
    return format_parsed(parsed, built)


def format_parsed(parsed: ParsedFile, built: BuiltFile) -> str:
    """Format a file already parsed and built; refuses and checks as `format_source`."""
    source = parsed.source
    if built.diagnostics:
        raise NotFormattable(source.path, built.diagnostics, source.lines)
    try:
        formatter = _Formatter(parsed)
        out = formatter.run()
    except FormatBug as exc:
        raise FormatterBug(source.path, str(exc)) from None
    if out != source.text:
        difference = _check_meaning(formatter, built, out)
        if difference is not None:
            raise FormatterBug(source.path, difference)
    return out


def _check_meaning(formatter: _Formatter, built: BuiltFile, out: str) -> str | None:
    """None when the output says what the input said; else where it differs.

    The changed top-level chunks of the output are built on their own and compared with
    the same statements of the input; unchanged chunks are the input's own text.
    """
    path = formatter.parsed.source.path
    written = [line for line in out.split("\n") if line.strip()]
    if written != [line for _, _, chunk in formatter.chunks for line in chunk if line.strip()]:
        return "the output is not the text that was checked"
    changed = formatter.changed_chunks()
    if not changed:
        return None
    text = "\n".join(line for _, _, chunk in changed for line in chunk) + "\n"
    again = file_meaning(SourceText.from_text(text, path))
    if again.diagnostics:
        return "the output does not load: " + again.diagnostics[0].message
    inside = {n for first, last, _ in changed for n in range(first, last + 1)}

    def within(line: int) -> bool:
        return line in inside

    def nodes(b: BuiltFile, keep: Any) -> list[Any]:
        found = [*([b.header] if b.header is not None else []), *b.includes, *b.declarations]
        return sorted((n for n in found if keep(n.span.line)), key=lambda n: n.span.line)

    before = BuiltFile(path, declarations=nodes(built, within))
    before.comments = [c for c in built.comments if within(c.line)]
    after = BuiltFile(path, declarations=nodes(again, lambda _: True), comments=again.comments)
    return same_meaning(before, after)


class _Formatter:
    def __init__(self, parsed: ParsedFile) -> None:
        self.parsed = parsed
        self.by_line: dict[int, _Item] = {}
        self.tops = [self._item(root, None, None, 0) for root in parsed.roots]
        self.trailer: list[_Trivia] = []

    # -- reading -------------------------------------------------------------------

    def _item(
        self, line: Line, parent_spec: StatementSpec | None, parent: _Item | None, depth: int
    ) -> _Item:
        spec, is_statement = classify(parent_spec, line)
        if not is_statement:
            header, parts = split_line(spec, line, start=0)
        elif line.ftype is not None:
            header, parts = [], []
        else:
            header, parts = split_line(spec, line)
        item = _Item(line, spec, is_statement, depth, header, parts, parent, last=line.lineno)
        self.by_line[line.lineno] = item
        for child in line.children:
            if not is_statement:
                raise FormatBug(f"line {child.lineno}: a clause line has no block")
            item.children.append(self._item(child, spec, item, depth + 1))
        if item.children:
            item.last = item.children[-1].last
        return item

    def _attach_comments(self) -> None:
        lines = self.parsed.source.lines
        own = {}
        for c in self.parsed.comments:
            if c.own_line:
                own[c.line] = (c.col - 1, c.text.rstrip(), c.line)
            else:
                self.by_line[c.line].eol = c.text.rstrip()
        pending: list[_Trivia] = []
        prev: _Item | None = None
        for n in range(1, len(lines) + 1):
            item = self.by_line.get(n)
            if item is not None:
                item.leading = self._settle(pending, prev, item.line.indent)
                pending, prev = [], item
            elif n in own:
                pending.append(own[n])
            elif not lines[n - 1].strip():
                pending.append(None)
            else:
                raise FormatBug(f"line {n} is neither a statement, a comment nor blank")
        self.trailer = self._settle(pending, prev, 0)

    def _settle(self, pending: list[_Trivia], prev: _Item | None, indent: int) -> list[_Trivia]:
        """Give comments indented into the block above to that block; return the rest."""
        cut = 0
        if prev is not None:
            for index, trivia in enumerate(pending):
                if trivia is None:
                    continue
                if trivia[0] <= indent:
                    break
                cut = index + 1
        if cut:
            chain: list[_Item] = []
            node: _Item | None = prev
            while node is not None:
                chain.append(node)
                node = node.parent
            owner: _Item | None = None
            for trivia in pending[:cut]:
                if trivia is None:
                    if owner is not None:
                        owner.trailing.append(None)
                    continue
                found = next(i for i in chain if i.line.indent < trivia[0] or i.parent is None)
                if owner is None or found.depth < owner.depth:
                    owner = found
                owner.trailing.append(trivia)
                top = owner
                while top.parent is not None:
                    top = top.parent
                top.last = max(top.last, trivia[2])
        return pending[cut:]

    # -- writing -------------------------------------------------------------------

    def run(self) -> str:
        self._attach_comments()
        out: list[str] = []
        self.chunks: list[tuple[int, int, list[str]]] = []
        prev_multi = False
        region = 1
        for top in self.tops:
            blank_before = bool(top.leading) and top.leading[0] is None
            chunk: list[str] = []
            self._emit_trivia(_collapse(top.leading, drop_first=True), 0, chunk)
            body: list[str] = []
            self._emit_body(top, body)
            chunk.extend(body)
            multi = len(body) > 1
            if out and (blank_before or multi or prev_multi):
                out.append("")
            out.extend(chunk)
            self.chunks.append((region, top.last, chunk))
            region = top.last + 1
            prev_multi = multi
        if any(self.trailer):
            blank_before = self.trailer[0] is None
            chunk = []
            self._emit_trivia(_collapse(self.trailer, drop_first=True), 0, chunk)
            if out and blank_before:
                out.append("")
            out.extend(chunk)
            self.chunks.append((region, len(self.parsed.source.lines), chunk))
        if not out:
            return ""
        text = "\n".join(out)
        return text + "\n" if self.parsed.source.final_newline else text

    def changed_chunks(self) -> list[tuple[int, int, list[str]]]:
        """The top-level chunks whose text the formatter changed (blank lines around aside)."""
        lines = self.parsed.source.lines
        changed = []
        for first, last, chunk in self.chunks:
            a, b = first - 1, last
            while a < b and not lines[a].strip():
                a += 1
            while b > a and not lines[b - 1].strip():
                b -= 1
            if b - a != len(chunk) or lines[a:b] != chunk:
                changed.append((first, last, chunk))
        return changed

    def _emit_trivia(self, trivia: list[_Trivia], depth: int, out: list[str]) -> None:
        pad = " " * (INDENT * depth)
        for t in trivia:
            out.append("" if t is None else pad + t[1])

    def _emit(self, item: _Item, out: list[str], first: bool) -> None:
        self._emit_trivia(_collapse(item.leading, drop_first=first), item.depth, out)
        self._emit_body(item, out)

    def _emit_body(self, item: _Item, out: list[str]) -> None:
        pad = " " * (INDENT * item.depth)
        spec, line = item.spec, item.line
        head = render_field(line) if line.ftype is not None else join_tokens(item.header)
        free: list[tuple[tuple[int, int, int], ClausePart]] = []
        units: list[tuple[tuple[int, int, int], ClausePart, _Item | None]] = []
        for k, part in enumerate(item.parts):
            free.append(((part.index, line.lineno, k), part))
        statements: list[_Item] = []
        for child in item.children:
            if child.is_statement:
                statements.append(child)
                continue
            for k, part in enumerate(child.parts):
                key = (part.index, child.line.lineno, k)
                if k == 0 and child.commented:
                    units.append((key, part, child))
                else:
                    free.append((key, part))
        free.sort(key=lambda x: x[0])
        width = len(pad) + len(head)
        stopped = False
        for key, part in free:
            text = part.text
            if not stopped and header_eligible(spec, part.spec):
                if width + 1 + len(text) <= LINE_WIDTH:
                    head += " " + text
                    width += 1 + len(text)
                    continue
                stopped = True
            units.append((key, part, None))
        out.append(pad + head + (f"  {item.eol}" if item.eol else ""))
        units.sort(key=lambda x: x[0])
        inner = " " * (INDENT * (item.depth + 1))
        first = True
        for _, part, owner in units:
            if owner is None:
                out.append(inner + part.text)
            else:
                self._emit_trivia(_collapse(owner.leading, drop_first=first), item.depth + 1, out)
                out.append(inner + part.text + (f"  {owner.eol}" if owner.eol else ""))
                self._emit_trivia(_collapse(owner.trailing, drop_first=True), item.depth + 2, out)
            first = False
        for child in statements:
            self._emit(child, out, first)
            first = False
        self._emit_trivia(_collapse(item.trailing, drop_first=True), item.depth + 1, out)


def _collapse(trivia: list[_Trivia], drop_first: bool) -> list[_Trivia]:
    """At most one blank line in a row, and none first when `drop_first`."""
    out: list[_Trivia] = []
    for t in trivia:
        if t is None and ((not out and drop_first) or (out and out[-1] is None)):
            continue
        out.append(t)
    return out
