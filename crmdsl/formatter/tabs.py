"""Tabs in the indentation: a file whose only load errors are tabs in, formatted text out.

A tab stands for no fixed number of spaces, so the file is read with tabs 2, 4 and 8
columns wide. When it loads every way and every statement gets the same indentation (its
blocks do not depend on the width of a tab), the text formatted with 4 is the answer
(comments, which mean nothing, go where a tab of 4 puts them): the tabs became spaces, and the
meaning check of each run guarded it. Otherwise `NotFormattable` says at which line the
blocks depend on the width of a tab, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from crmdsl.errors import Diagnostic, Span
from crmdsl.language.build.statements import BuiltFile, build_file
from crmdsl.language.parse import ParsedFile, parse_source
from crmdsl.language.source import SourceText

__all__ = ["TAB_WIDTHS", "expand_indent", "format_detabbed"]

#: The widths of a tab that must all give the same blocks; the first one places
#: end-of-line comments (which keep their column when it is right of the code).
TAB_WIDTHS = (4, 2, 8)

Formatter = Callable[[ParsedFile, BuiltFile], str]


def expand_indent(line: str, width: int) -> str:
    """A line with the tabs of its indentation replaced by spaces to the next tab stop.

    A form feed in the indentation sets the column back to 0 (as in Python).
    """
    body = line.lstrip(" \t\f")
    lead = line[: len(line) - len(body)]
    if "\t" not in lead and "\f" not in lead:
        return line
    col = 0
    for ch in lead:
        if ch == "\t":
            col = (col // width + 1) * width
        elif ch == "\f":
            col = 0
        else:
            col += 1
    return " " * col + body


def _detabbed(source: SourceText, width: int) -> SourceText:
    lines = [expand_indent(line, width) for line in source.lines]
    text = "\n".join(lines)
    return SourceText(source.path, text, source.bom, source.newline, source.final_newline, lines)


def format_detabbed(
    source: SourceText, diagnostics: Sequence[Diagnostic], format_checked: Formatter
) -> str:
    """The formatted text of a file indented with tabs, when the width of a tab does not matter.

    `diagnostics` are the file's load errors as written (shown when no width loads).
    """
    from crmdsl.formatter.printer import NotFormattable, layout_lines

    results: list[tuple[str, list[tuple[int, int]]]] = []
    failed: list[int] = []
    seen: dict[tuple[int, str], Diagnostic] = {}
    for diag in diagnostics:
        seen.setdefault(_key(diag), diag)
    for width in TAB_WIDTHS:
        parsed = parse_source(_detabbed(source, width))
        built = build_file(parsed)
        if built.diagnostics:
            failed.append(_key(built.diagnostics[0])[0])
            for diag in built.diagnostics:
                seen.setdefault(_key(diag), diag)
            continue
        shape = [
            (n, len(line) - len(line.lstrip()))
            for n, line in layout_lines(parsed)
            if line and not line.lstrip().startswith("#")
        ]
        results.append((format_checked(parsed, built), shape))
    if not results:
        shown = sorted(seen.values(), key=_key)
        raise NotFormattable(source.path, shown, source.lines)
    if not failed and all(shape == results[0][1] for _, shape in results):
        return results[0][0]
    lines = [*failed]
    first = results[0][1]
    for _, other in results[1:]:
        lines.extend(a[0] for a, b in zip(first, other, strict=False) if a != b)
    at = min(lines) if lines else 1
    raise NotFormattable(source.path, [_ambiguous(source, at)], source.lines)


def _key(diag: Diagnostic) -> tuple[int, str]:
    return (diag.span.line if diag.span is not None else 0, diag.message)


def _ambiguous(source: SourceText, line: int) -> Diagnostic:
    raw = source.lines[line - 1] if 0 < line <= len(source.lines) else ""
    lead = raw[: len(raw) - len(raw.lstrip(" \t\f"))]
    col = lead.find("\t") + 1 if "\t" in lead else 1
    return Diagnostic(
        "tab-indent",
        "tabs and spaces are mixed in the indentation, so which block this line belongs to "
        "depends on how wide a tab is; fmt replaces tabs only when every width gives the "
        "same blocks",
        Span(source.path, line, col, line, col + 1),
        hint="indent this block with spaces only (or with tabs only)",
    )
