"""Parse: source text in, a tree of statement lines and the file's comments out.

The file is cut into top-level blocks (a line at column 0 with its indented body; the
comments and blank lines before it go with it). Each block is parsed on its own by the
Lark grammar in `grammar/crmdsl.lark`; a block that does not parse is parsed again line by
line, so that every bad line is reported and the good lines of the same block still load.
Nesting comes from indentation. Parse results are cached by block text, which makes a
re-check after a small edit cheap.

What comes out knows nothing of statements and clauses: `crmdsl.language.build.statements` gives lines their
meaning from the clause table.
"""

from __future__ import annotations

import marshal
import os
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from lark.exceptions import UnexpectedInput

from crmdsl.errors import Diagnostic, Span
from crmdsl.language.grammar import Tok, grammar_parser, grammar_path, parse_text, syntax_message
from crmdsl.language.source import SourceText

__all__ = [
    "Comment",
    "Line",
    "ParsedFile",
    "Tok",
    "clear_cache",
    "clear_with_cache",
    "grammar_path",
    "parse_source",
]


@dataclass(slots=True)
class Comment:
    """A `#` comment: where it is, its text (with the `#`), and whether it has a line of its own."""

    line: int
    col: int
    text: str
    own_line: bool


@dataclass(slots=True)
class Line:
    """One statement line and the lines indented under it.

    `toks` are `Tok`s (`type`, `value`, `column`, `end_column`; their `line` is relative
    to the block, use `lineno`). A field line (`name: type flags`) keeps its name in
    `toks[0]`, its type in `ftype` and its flags in `toks[1:]`. A line that did not parse
    has `bad` set: it and its children are dropped by the builder.
    """

    lineno: int
    indent: int
    toks: list[Tok]
    ftype: tuple[Tok, list[Tok] | None] | None = None
    bad: bool = False
    end_col: int = 0
    children: list[Line] = field(default_factory=list)
    child_indent: int = -1


@dataclass(slots=True)
class Block:
    """A top-level block: its first line (comments before it included), last line, text.

    Lines are 0-based indexes into the file's lines; `text` is the block's lines joined,
    each ended by a newline (what the parse and build caches are keyed by).
    """

    first: int
    statement: int
    last: int
    text: str = ""


@dataclass(slots=True)
class ParsedFile:
    """The parse of one file: top-level lines with children, comments, blocks, errors.

    The lines of a block are made when first asked for (`block_roots`, `roots`): a
    load that reuses what an unchanged block built before never needs them. Every
    error is found when the file is parsed.
    """

    source: SourceText
    comments: list[Comment]
    blocks: list[Block]
    diagnostics: list[Diagnostic]
    _block_roots: list[list[Line] | None] = field(default_factory=list, repr=False)
    _roots: list[Line] | None = field(default=None, repr=False)

    def block_roots(self, index: int) -> list[Line]:
        """The top-level lines of block `index`, with their children."""
        found = self._block_roots[index]
        if found is None:
            block = self.blocks[index]
            found = _block_lines(self.source.path, self.source.lines, block, [])
            self._block_roots[index] = found
        return found

    def roots_at(self, lineno: int) -> list[Line]:
        """The top-level lines of the block that holds line `lineno` (1-based); [] if none."""
        i = bisect_right(self.blocks, lineno - 1, key=_FIRST) - 1
        return self.block_roots(i) if i >= 0 and lineno - 1 <= self.blocks[i].last else []

    def next_root(self, lineno: int) -> Line | None:
        """The first top-level line after line `lineno` (1-based), if any."""
        start = max(0, bisect_right(self.blocks, lineno - 1, key=_FIRST) - 1)
        for i in range(start, len(self.blocks)):
            for line in self.block_roots(i):
                if line.lineno > lineno:
                    return line
        return None

    @property
    def roots(self) -> list[Line]:
        """The file's top-level lines, with their children."""
        if self._roots is None:
            self._roots = [line for i in range(len(self.blocks)) for line in self.block_roots(i)]
        return self._roots


_FIRST = attrgetter("first")

_CACHE: dict[
    str, tuple[list[Any], list[tuple[int, int, str]], list[tuple[int, int, int, str, str, str]]]
] = {}
_CACHE_LIMIT = 50_000


#: what else is kept by block text (the builder's blocks), forgotten with the parses
_KEPT_ELSEWHERE: list[Callable[[], None]] = []


def clear_cache() -> None:
    """Forget every cached block parse and built block (benchmarks measure cold loads)."""
    _CACHE.clear()
    _WELL_INDENTED.clear()
    for forget in _KEPT_ELSEWHERE:
        forget()


def clear_with_cache(forget: Callable[[], None]) -> None:
    """Have `clear_cache` call `forget` too."""
    _KEPT_ELSEWHERE.append(forget)


def _parse_block(
    text: str,
) -> tuple[list[Any], list[tuple[int, int, str]], list[tuple[int, int, int, str, str, str]]]:
    """Parse a block; on failure, line by line. Lines carry block-relative line numbers."""
    hit = _CACHE.get(text)
    if hit is not None:
        return hit
    errors: list[tuple[int, int, int, str, str, str]] = []
    try:
        parsed, comments = parse_text(text)
        lines = [(toks[0].line, toks, ftype) for toks, ftype in parsed]
    except UnexpectedInput:
        lines, comments = [], []
        for number, line_text in enumerate(text.split("\n"), start=1):
            stripped = line_text.strip()
            if not stripped:
                continue
            try:
                parsed, line_comments = parse_text(line_text + "\n")
            except UnexpectedInput as exc:
                col, end, message, hint = syntax_message(exc, line_text)
                errors.append((number, col, end, message, hint, "syntax"))
                before = _tokens_before(line_text, col)
                if before is not None:  # the builder checks what precedes the bad token
                    lines.append((number, before, None))
                    continue
                indent = len(line_text) - len(line_text.lstrip(" \t"))
                lines.append((number, None, indent))
                hash_at = _comment_start(line_text)
                if hash_at is not None:
                    comments.append((number, hash_at + 1, line_text[hash_at:]))
                continue
            comments.extend((number, c, t) for _, c, t in line_comments)
            for toks, ftype in parsed:
                lines.append((number, toks, ftype))
    result = (lines, comments, errors)
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[text] = result
    return result


_QUOTES = frozenset("\"\u201c\u201d\u201e\u2018\u2019\u00ab\u00bb'")


def _tokens_before(line_text: str, col: int) -> list[Tok] | None:
    """The tokens of a line before its syntax error, for the builder to check.

    So a second mistake left of it is reported in the same run (`takes 5 minutes sla
    10min`). Only a bad value (a digit or a quote starts it) is cut off so, with the word
    before it (the clause whose value it was): a stray character may stand where the
    line needs more, which would be a second, false error. A line with less than a
    keyword, an id and one more token left, or with a comment, is not kept.
    """
    text = line_text[: col - 1]
    bad = line_text[col - 1 : col]
    if not (bad.isdigit() or bad in _QUOTES):
        return None
    if "#" in text or not text.strip():
        return None
    try:
        parsed, _ = parse_text(text + "\n")
    except UnexpectedInput:
        return None
    if len(parsed) != 1 or parsed[0][1] is not None:
        return None
    toks: list[Tok] = list(parsed[0][0])
    if toks and toks[-1].type == "WORD":
        toks.pop()
    return toks if len(toks) >= 3 else None


def _split_blocks(lines: list[str]) -> list[Block]:
    """Cut lines into top-level blocks; comments and blank lines join the next block."""
    blocks: list[Block] = []
    trivia_start = 0
    current: Block | None = None
    for index, text in enumerate(lines):
        stripped = text.lstrip(" \t\f")
        if not stripped or stripped.startswith("#"):
            continue
        if text[0] not in " \t\f" or current is None:
            if current is not None:
                trivia_start = current.last + 1
            current = Block(trivia_start, index, index)
            blocks.append(current)
        else:
            current.last = index
    tail_start = blocks[-1].last + 1 if blocks else 0
    if tail_start < len(lines) and any(s.strip() for s in lines[tail_start:]):
        blocks.append(Block(tail_start, -1, len(lines) - 1))
    return blocks


def _parse_blocks(texts: list[str]) -> None:
    """Parse uncached blocks into the cache, all in one call of the parser when it can.

    A call of Lark's parser costs some 80 µs before the first token, as much as a block of
    two lines; and the grammar has nothing that crosses lines, so the blocks of a file
    read one after another parse exactly as they do one by one. When the text has an
    error, each block is parsed on its own, so that the error costs only its block.
    """
    todo = [t for t in dict.fromkeys(texts) if t not in _CACHE]
    batch: list[str] = []
    size = 0
    for text in todo:
        batch.append(text)
        size += text.count("\n")
        if size >= _BATCH_LINES:
            _parse_batch(batch)
            batch, size = [], 0
    _parse_batch(batch)


#: Lines per call of the parser: enough to make the call's own cost vanish, few enough
#: that its working memory stays small (a call over 50,000 lines runs a third slower).
_BATCH_LINES = 2_000


def _parse_batch(todo: list[str]) -> None:
    if len(todo) < 2:
        for text in todo:
            _parse_block(text)
        return
    try:
        parsed, comments = parse_text("".join(todo))
    except UnexpectedInput:
        for text in todo:
            _parse_block(text)
        return
    starts: list[int] = []  # the line each block starts on, counting from 1
    line = 1
    for text in todo:
        starts.append(line)
        line += text.count("\n")
    lines: list[list[Any]] = [[] for _ in todo]
    notes: list[list[tuple[int, int, str]]] = [[] for _ in todo]
    for toks, ftype in parsed:
        at = bisect_right(starts, toks[0].line) - 1
        lines[at].append((toks[0].line - starts[at] + 1, toks, ftype))
    for number, col, text in comments:
        at = bisect_right(starts, number) - 1
        notes[at].append((number - starts[at] + 1, col, text))
    if len(_CACHE) + len(todo) >= _CACHE_LIMIT:
        _CACHE.clear()
    for text, block_lines, block_comments in zip(todo, lines, notes, strict=True):
        _CACHE[text] = (block_lines, block_comments, [])


#: Below this many lines to parse, one process does it all (a fork costs more than it saves).
PARALLEL_MIN_LINES = 3_000


def _jobs() -> int:
    """How many processes may parse: CRMDSL_JOBS, else the cores this process may use."""
    wanted = os.environ.get("CRMDSL_JOBS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _parse_blocks_in_parallel(texts: list[str], jobs: int) -> None:
    """Parse uncached blocks on several cores: forked children fill this process's cache.

    Blocks are independent until resolve, so each child parses a share of them and sends
    back the results (plain tuples through `marshal`, far cheaper than pickle). A child
    that fails costs nothing: its blocks are parsed here afterwards.
    """
    todo = [t for t in dict.fromkeys(texts) if t not in _CACHE]
    size = sum(t.count("\n") for t in todo)
    if jobs < 2 or size < PARALLEL_MIN_LINES or not hasattr(os, "fork"):
        return
    grammar_parser()  # build the parser once, before forking
    shares: list[list[str]] = [[] for _ in range(jobs)]
    share_size = size / jobs
    done = 0
    for text in todo:
        shares[min(jobs - 1, int(done / share_size))].append(text)
        done += text.count("\n")
    children = []
    for share in shares[1:]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            code = 0
            try:
                os.close(read_end)
                _parse_blocks(share)
                payload = marshal.dumps([(t, _plain(_parse_block(t))) for t in share])
                with os.fdopen(write_end, "wb") as out:
                    out.write(payload)
            except BaseException:
                code = 1
            os._exit(code)
        os.close(write_end)
        children.append((pid, read_end))
    _parse_blocks(shares[0])
    for pid, read_end in children:
        with os.fdopen(read_end, "rb") as stream:
            data = stream.read()
        os.waitpid(pid, 0)
        try:
            results = marshal.loads(data) if data else []
        except Exception:  # pragma: no cover - a child died half-way
            results = []
        for text, result in results:
            _CACHE[text] = _unplain(result)


def _plain(result: Any) -> Any:
    """A block's parse as nothing but tuples, strings and numbers (for `marshal`)."""
    return _map_tokens(result, tuple)


def _unplain(result: Any) -> Any:
    """Undo `_plain`."""
    return _map_tokens(result, Tok._make)


def _map_tokens(result: Any, convert: Any) -> Any:
    """A block's parse with `convert` applied to every token (lines, field types)."""
    lines, comments, errors = result
    out: list[tuple[Any, Any, Any]] = []
    for rel, toks, extra in lines:
        if toks is None:
            out.append((rel, None, extra))
            continue
        ftype = None
        if extra is not None:
            args = None if extra[1] is None else [convert(t) for t in extra[1]]
            ftype = (convert(extra[0]), args)
        out.append((rel, [convert(t) for t in toks], ftype))
    return out, comments, errors


def parse_source(source: SourceText, jobs: int | None = None) -> ParsedFile:
    """Parse a decoded file into top-level lines with their children, comments and errors.

    Large files are parsed on `jobs` cores (default: every core this process may use).
    """
    path = source.path
    all_lines = source.lines
    diagnostics: list[Diagnostic] = []
    comments: list[Comment] = []
    blocks = _split_blocks(all_lines)
    texts = ["\n".join(all_lines[block.first : block.last + 1]) + "\n" for block in blocks]
    _parse_blocks_in_parallel(texts, jobs if jobs is not None else _jobs())
    _parse_blocks(texts)
    block_roots: list[list[Line] | None] = []
    for block, text in zip(blocks, texts, strict=True):
        block.text = text
        base = block.first
        _, block_comments, errors = _parse_block(text)
        for rel, col, end, message, hint, kind in errors:
            n = base + rel
            diagnostics.append(Diagnostic(kind, message, Span(path, n, col, n, end), hint=hint))
        for rel, col, value in block_comments:
            n = base + rel
            before = all_lines[n - 1][: col - 1]
            comments.append(Comment(n, col, value, not before.strip()))
        if text in _WELL_INDENTED:
            block_roots.append(None)  # no error in its indentation: its lines when asked
            continue
        found = len(diagnostics)
        block_roots.append(_block_lines(path, all_lines, block, diagnostics))
        if len(diagnostics) == found:
            if len(_WELL_INDENTED) >= _CACHE_LIMIT:
                _WELL_INDENTED.clear()
            _WELL_INDENTED.add(text)
    comments.sort(key=lambda c: (c.line, c.col))
    return ParsedFile(source, comments, blocks, diagnostics, block_roots)


#: block texts whose indentation has no error (no tab, every line lined up)
_WELL_INDENTED: set[str] = set()


def _block_lines(
    path: str, all_lines: list[str], block: Block, diagnostics: list[Diagnostic]
) -> list[Line]:
    """A block's lines, nested by indentation; errors of indentation go to `diagnostics`.

    A block starts at column 1 (but for an indented start of the file), where every
    open block of the lines before it ends: nesting it on its own is nesting the file.
    """
    flat: list[Line] = []
    base = block.first
    for rel, toks, extra in _parse_block(block.text)[0]:
        n = base + rel
        raw = all_lines[n - 1]
        lead = raw[: len(raw) - len(raw.lstrip(" \t\f"))]
        if toks is None:
            flat.append(Line(n, int(extra), [], bad=True))
            continue
        line = Line(n, toks[0].column - 1, toks, extra, end_col=_content_end(raw))
        if "\t" in lead or "\f" in lead:
            bad_col = next(i for i, ch in enumerate(lead, start=1) if ch != " ")
            diagnostics.append(
                Diagnostic(
                    "tab-indent",
                    "a tab in the indentation; indent with spaces",
                    Span(path, n, bad_col, n, bad_col + 1),
                    hint="replace the tab with spaces",
                )
            )
            line.bad = True
            line.indent = len(lead)
        flat.append(line)
    return _nest(flat, path, diagnostics)


def _content_end(raw: str) -> int:
    """The column just after a line's last character that is not a comment or space."""
    hash_at = _comment_start(raw)
    return len((raw if hash_at is None else raw[:hash_at]).rstrip()) + 1


def _comment_start(raw: str) -> int | None:
    """The index of the `#` that starts a line's comment (not one inside a string)."""
    if "#" not in raw:
        return None
    in_string = escaped = False
    for i, ch in enumerate(raw):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "#":
            return i
    return None


def _nest(flat: list[Line], path: str, diagnostics: list[Diagnostic]) -> list[Line]:
    """Give lines their children by indentation, as Python does."""
    roots: list[Line] = []
    stack: list[Line] = []
    for line in flat:
        while stack and stack[-1].indent > line.indent:
            stack.pop()
        if stack and stack[-1].indent == line.indent:
            stack.pop()
        if not stack:
            if line.indent > 0 and not line.bad:
                expected = roots[-1].child_indent if roots and roots[-1].child_indent > 0 else 0
                diagnostics.append(_indent_error(path, line, expected, roots))
                line.bad = True
            roots.append(line)
        else:
            parent = stack[-1]
            if parent.child_indent < 0 and _sibling_too_deep(line, parent, stack):
                diagnostics.append(_sibling_error(path, line, parent, stack))
                line.bad = True  # dropped with what is under it: one error, not a cascade
                stack.pop()  # it is the sibling of that line, indented off
                (stack[-1].children if stack else roots).append(line)
                stack.append(line)
                continue
            if parent.child_indent < 0:
                parent.child_indent = line.indent
            elif parent.child_indent != line.indent and not line.bad:
                diagnostics.append(_indent_error(path, line, parent.child_indent, roots))
                line.bad = True
            parent.children.append(line)
        stack.append(line)
    return roots


def _word(line: Line, index: int) -> str | None:
    return str(line.toks[index].value) if len(line.toks) > index else None


def _sibling_too_deep(line: Line, parent: Line, stack: list[Line]) -> bool:
    """Whether a line is a sibling indented wrong, not a child of the line above it.

    It is when it is of the same kind and deeper by less than a block's step.
    """
    if line.bad or parent.bad or line.ftype is not None or parent.ftype is not None:
        return False
    if _word(line, 0) != _word(parent, 0):
        return False
    step = parent.indent - (stack[-2].indent if len(stack) > 1 else 0)
    return 0 < line.indent - parent.indent < step


def _plural(word: str) -> str:
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


def _sibling_error(path: str, line: Line, parent: Line, stack: list[Line]) -> Diagnostic:
    keyword = _word(line, 0) or ""
    name = _word(line, 1)
    shown = f"`{keyword} {name}`" if name else f"`{keyword}`"
    owner = _word(stack[-2], 1) if len(stack) > 1 else None
    whose = f" of `{owner}`" if owner else ""
    message = (
        f"{shown} is indented {line.indent} spaces; the {_plural(keyword)}{whose} "
        f"are at {parent.indent}"
    )
    return Diagnostic(
        "syntax",
        message,
        Span(path, line.lineno, 1, line.lineno, line.indent + 1),
        hint=f"indent it {parent.indent} spaces",
    )


def _indent_error(path: str, line: Line, expected: int, roots: list[Line]) -> Diagnostic:
    if not roots and expected == 0:
        message = "this line is indented, but there is no statement above it to belong to"
        hint = "top-level statements start at column 1"
    else:
        message = (
            f"this line is indented {line.indent} spaces, which lines up with no block above "
            f"(its siblings are indented {expected})"
        )
        hint = (
            f"indent it {expected} spaces"
            if expected
            else "line it up with the block it belongs to"
        )
    return Diagnostic(
        "syntax", message, Span(path, line.lineno, 1, line.lineno, line.indent + 1), hint=hint
    )
