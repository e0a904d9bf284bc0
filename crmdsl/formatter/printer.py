"""The formatter: the text of one `.crm` file in, the same map in the canonical layout out.

`format_text(text)` returns the formatted text (keeping a BOM, the line endings and the
final newline as they were); `format_source(source)` works on a decoded `SourceText` and
returns text with newline line endings. Both refuse, with `NotFormattable` carrying the
load errors, a file whose own text does not parse or build, and check every result: the
file built again from the output must say what the input said (`crmdsl.formatter.check`),
or `FormatterBug` is raised and nothing is written. The layout is described, with
examples, in `docs/format.md`.

The formatter keeps every line where its author put it: a clause on the header line stays
there, a clause on a line of its own stays on its own line, and nothing changes order. It
normalises what is around the words: indentation (two spaces a level), the spaces between
tokens, blank lines, the place of comments and the line endings. Tabs in the indentation
become spaces when the blocks are the same whatever the width of a tab (`tabs`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from crmdsl.errors import CrmdslError, Diagnostic
from crmdsl.formatter.check import file_meaning, same_meaning
from crmdsl.formatter.layout import INDENT, FormatBug, join_tokens, render_field
from crmdsl.gcpause import paused_gc
from crmdsl.language.build.statements import BuiltFile, build_file
from crmdsl.language.parse import Comment, Line, ParsedFile, parse_source
from crmdsl.language.source import SourceText

__all__ = [
    "FormatterBug",
    "NotFormattable",
    "encode_like",
    "format_parsed",
    "format_source",
    "format_text",
    "layout_lines",
]


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


def format_text(text: str, path: str = "<string>") -> str:
    """Format a file's text; a BOM, the line endings and the final newline are kept."""
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
        parsed = parse_source(source)
        return format_parsed(parsed, build_file(parsed))


def format_parsed(parsed: ParsedFile, built: BuiltFile) -> str:
    """Format a file already parsed and built; refuses and checks as `format_source`."""
    source = parsed.source
    if built.diagnostics:
        if any(d.kind == "tab-indent" for d in built.diagnostics):
            from crmdsl.formatter.tabs import format_detabbed

            return format_detabbed(source, built.diagnostics, _format_checked)
        raise NotFormattable(source.path, built.diagnostics, source.lines)
    return _format_checked(parsed, built)


def _format_checked(parsed: ParsedFile, built: BuiltFile) -> str:
    """The formatted text of a file that loads, after the meaning check."""
    source = parsed.source
    try:
        out = layout_lines(parsed)
    except FormatBug as exc:
        raise FormatterBug(source.path, str(exc)) from None
    text = "\n".join(line for _, line in out)
    if text and source.final_newline:
        text += "\n"
    if text != source.text:
        difference = _check_meaning(parsed, built, out)
        if difference is not None:
            raise FormatterBug(source.path, difference)
    return text


# -- the layout of the lines -------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class _Code:
    """A statement or clause line: its indentation as written, its depth, its parent."""

    line: Line
    depth: int
    parent: _Code | None


def layout_lines(parsed: ParsedFile) -> list[tuple[int, str]]:
    """The lines of the formatted file, each with the line of the input it comes from.

    A blank line carries the number of the line after it. The file must load.
    """
    code: dict[int, _Code] = {}

    # Depth first, in file order, with a stack (a recursive inner function would be a
    # reference cycle holding every line until the cyclic collector runs).
    stack: list[tuple[Line, int, _Code | None]] = [(r, 0, None) for r in reversed(parsed.roots)]
    while stack:
        line, depth, parent = stack.pop()
        placed = code[line.lineno] = _Code(line, depth, parent)
        stack.extend((child, depth + 1, placed) for child in reversed(line.children))
    eol = {c.line: c for c in parsed.comments if not c.own_line}
    own = {c.line: c for c in parsed.comments if c.own_line}
    nexts = _next_code(len(parsed.source.lines), code)
    out: list[tuple[int, str]] = []
    prev: _Code | None = None
    gap = False
    for n, raw in enumerate(parsed.source.lines, start=1):
        here = code.get(n)
        if here is not None:
            text = _pad(here.depth) + _code_text(here.line)
            if n in eol:
                text = _with_comment(text, here.line, eol[n])
        elif n in own:
            depth = _comment_depth(own[n].col - 1, prev, nexts[n])
            text = _pad(depth) + own[n].text.rstrip()
        elif not raw.strip():
            gap = True
            continue
        else:
            raise FormatBug(f"line {n} is neither a statement, a comment nor blank")
        if gap and out:
            out.append((n, ""))
        gap = False
        out.append((n, text))
        if here is not None:
            prev = here
    return out


def _with_comment(code: str, line: Line, comment: Comment) -> str:
    """A code line with its end-of-line comment, two spaces after the code at least.

    A wider gap, as written, is kept: comments aligned in a column stay aligned when
    their block is indented again.
    """
    gap = max(2, comment.col - line.end_col)
    return code + " " * gap + comment.text.rstrip()


def _pad(depth: int) -> str:
    return " " * (INDENT * depth)


def _code_text(line: Line) -> str:
    return render_field(line) if line.ftype is not None else join_tokens(line.toks)


def _next_code(total: int, code: dict[int, _Code]) -> list[_Code | None]:
    """For each line number, the first statement or clause line at or after it."""
    found: list[_Code | None] = [None] * (total + 2)
    after: _Code | None = None
    for n in range(total, 0, -1):
        after = code.get(n, after)
        found[n] = after
    return found


def _comment_depth(col: int, prev: _Code | None, nxt: _Code | None) -> int:
    """The depth of an own-line comment written at column `col` (0-based).

    A comment indented no deeper than the next statement goes with it and takes its
    depth; one indented deeper belongs to the end of the block above that it is
    indented into (the innermost open statement indented less than the comment).
    """
    below = nxt.line.indent if nxt is not None else 0
    if col <= below or prev is None:
        return nxt.depth if nxt is not None else 0
    owner = prev
    while owner.parent is not None and owner.line.indent >= col:
        owner = owner.parent
    return owner.depth + 1


# -- the meaning check ----------------------------------------------------------------------


def _check_meaning(parsed: ParsedFile, built: BuiltFile, out: list[tuple[int, str]]) -> str | None:
    """None when the output says what the input said; else where it differs.

    The top-level blocks whose words changed are built again on their own and compared
    with the same statements of the input; blank lines carry no meaning.
    """
    path = parsed.source.path
    lines = parsed.source.lines
    written: dict[int, str] = {n: text for n, text in out if text}
    changed: list[tuple[int, int]] = []
    for block in parsed.blocks:
        first, last = block.first + 1, block.last + 1
        was = [lines[n - 1] for n in range(first, last + 1) if lines[n - 1].strip()]
        now = [written[n] for n in range(first, last + 1) if n in written]
        if was != now:
            changed.append((first, last))
    if not changed:
        return None
    text = "\n".join(written[n] for a, b in changed for n in range(a, b + 1) if n in written)
    again = file_meaning(SourceText.from_text(text + "\n", path))
    if again.diagnostics:
        return "the output does not load: " + again.diagnostics[0].message

    inside = {n for a, b in changed for n in range(a, b + 1)}

    def within(line: int) -> bool:
        return line in inside

    def nodes(b: BuiltFile, keep: Any) -> list[Any]:
        found = [*([b.header] if b.header is not None else []), *b.includes, *b.declarations]
        return sorted((n for n in found if keep(n.span.line)), key=lambda n: n.span.line)

    before = BuiltFile(path, declarations=nodes(built, within))
    before.comments = [c for c in built.comments if within(c.line)]
    after = BuiltFile(path, declarations=nodes(again, lambda _: True), comments=again.comments)
    return same_meaning(before, after)
