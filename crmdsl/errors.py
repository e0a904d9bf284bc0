"""Errors and diagnostics: what went wrong, where, and in words.

In: a kind (or a lint code), a message and a source span. Out: `Diagnostic` values that
the loader collects, `LoadError` that carries all of a map's diagnostics, and
`render_diagnostic` that turns one into the text a user reads (file:line:col, the line,
a caret under the spot, the hint). Every user-facing error goes through that one function.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "LOAD_ERROR_KINDS",
    "CrmdslError",
    "Diagnostic",
    "LoadError",
    "Span",
    "UsageError",
    "finding_order",
    "render_diagnostic",
]

#: The stable kinds of load errors (docs/errors.md), plus `io` for a file that cannot be read.
LOAD_ERROR_KINDS = (
    "syntax",
    "tab-indent",
    "unknown-reference",
    "duplicate-id",
    "case-collision",
    "clause-not-allowed",
    "bad-value",
    "include-outside-root",
    "include-cycle",
    "include-missing",
    "map-in-fragment",
    "too-many-errors",
    "io",
)


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of source: 1-based line and column (code points), end exclusive."""

    file: str
    line: int
    col: int
    end_line: int
    end_col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Note:
    """A secondary message, optionally pointing at another place."""

    message: str
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in a map: a load error (kind) or, later, a lint finding (code).

    `hint` is the short text printed after the caret ("did you mean `salesforce`?").
    """

    kind: str
    message: str
    span: Span | None
    hint: str = ""
    notes: tuple[Note, ...] = ()
    severity: str = "error"
    code: str = ""
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        """Order by file, line, column, then message."""
        if self.span is None:
            return ("", 0, 0, self.message)
        return (self.span.file, self.span.line, self.span.col, self.message)

    def to_json(self) -> dict[str, object]:
        """The stable JSON form of a load error (see docs/cli.md)."""
        out: dict[str, object] = {"kind": self.kind, "message": self.message}
        if self.span is not None:
            out.update(
                file=self.span.file,
                line=self.span.line,
                column=self.span.col,
                end_line=self.span.end_line,
                end_column=self.span.end_col,
            )
        else:
            out.update(file=None, line=None, column=None, end_line=None, end_column=None)
        out["hint"] = self.hint or None
        out["notes"] = [
            {
                "message": n.message,
                **(
                    {"file": n.span.file, "line": n.span.line, "column": n.span.col}
                    if n.span
                    else {}
                ),
            }
            for n in self.notes
        ]
        return out


class CrmdslError(Exception):
    """The root of every exception crmdsl defines: `except CrmdslError` catches them all.

    A test walks the package's modules and fails on an exception class that does not
    derive from it.
    """


class UsageError(CrmdslError):
    """The command was used wrongly (a missing path, a bad option value)."""


class LoadError(CrmdslError):
    """A map could not be loaded; `diagnostics` holds every load error, in file order."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=lambda d: d.sort_key)
        first = self.diagnostics[0] if self.diagnostics else None
        if first is None:
            summary = "load failed"
        else:
            summary = f"{first.span}: {first.message}" if first.span else first.message
        more = len(self.diagnostics) - 1
        super().__init__(summary + (f" (and {more} more)" if more > 0 else ""))


_MAX_SHOWN = 200  # characters of a source line shown around the caret


def _excerpt(text: str, col: int, end_col: int) -> tuple[str, int, int]:
    """Cut a very long line to a window around the caret; return text and new columns."""
    if len(text) <= _MAX_SHOWN:
        return text, col, end_col
    start = max(0, col - 1 - _MAX_SHOWN // 2)
    stop = min(len(text), start + _MAX_SHOWN)
    prefix = "…" if start > 0 else ""
    suffix = "…" if stop < len(text) else ""
    shown = prefix + text[start:stop] + suffix
    shift = start - len(prefix)
    return shown, col - shift, min(end_col, stop + 1) - shift


def _printable(text: str) -> str:
    """Replace control characters so a line of binary junk cannot upset a terminal."""
    return "".join(
        ch if ch.isprintable() or ch == " " else ("→" if ch == "\t" else "\ufffd") for ch in text
    )


def render_diagnostic(
    diag: Diagnostic,
    lines_of: Mapping[str, Sequence[str]] | None = None,
    *,
    label: str | None = None,
) -> str:
    """Render one diagnostic as plain text, in the layout docs/errors.md shows.

    `lines_of` maps a file path to its source lines, for the excerpt. `label` replaces the
    leading `error[kind]` (lint findings pass `warning[P207]`).
    """
    head = label or f"{diag.severity}[{diag.kind}]"
    out = [f"{head}: {diag.message}"]
    span = diag.span
    pad = "  "  # notes line up with the excerpt's `|` when there is one
    if span is not None:
        out.append(f"  --> {span.file}:{span.line}:{span.col}")
        lines = (lines_of or {}).get(span.file)
        if lines is not None and 1 <= span.line <= len(lines):
            raw = lines[span.line - 1]
            end_col = span.end_col if span.end_line == span.line else len(raw) + 1
            end_col = max(end_col, span.col + 1)
            text, col, end = _excerpt(raw, span.col, end_col)
            text = _printable(text)
            gutter = " " * len(str(span.line))
            caret = " " * (col - 1) + "^" * max(1, end - col)
            hint = f" {diag.hint}" if diag.hint else ""
            pad = gutter + " "
            out.append(f"{gutter} |")
            out.append(f"{span.line} | {text}".rstrip())
            out.append(f"{gutter} | {caret}{hint}")
            out.append(f"{gutter} |")
        elif diag.hint:
            out.append(f"  = help: {diag.hint}")
    elif diag.hint:
        out.append(f"  = help: {diag.hint}")
    for note in diag.notes:
        where = f" ({note.span.file}:{note.span.line}:{note.span.col})" if note.span else ""
        out.append(f"{pad}= note: {note.message}{where}")
    return "\n".join(out)


def finding_order(diag: Diagnostic) -> tuple[str, int, int, str, str]:
    """The order of lint findings everywhere: file, line, column, code, message."""
    span = diag.span
    if span is None:
        return ("", 0, 0, diag.code, diag.message)
    return (span.file, span.line, span.col, diag.code, diag.message)


def sorted_diagnostics(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics in file order, without exact repeats."""
    seen: set[tuple[object, ...]] = set()
    out: list[Diagnostic] = []
    for d in sorted(diags, key=lambda d: d.sort_key):
        key = (d.kind, d.message, d.span)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out
