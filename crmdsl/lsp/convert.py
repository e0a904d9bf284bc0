"""Between crmdsl and the protocol: spans, diagnostics, symbols and patches in, lsprotocol values out.

crmdsl counts lines from 1 and columns in code points; the protocol counts both from 0,
and columns in the client's code units (UTF-16 unless it asks for another). `Positions`
converts with the text of each line (the editor's for open files, the analysis's
otherwise), fast when a line is ASCII.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from lsprotocol import types as t

import crmdsl

__all__ = [
    "KIND_OF_COMPLETION",
    "KIND_OF_SYMBOL",
    "Positions",
    "docs_base",
    "lsp_diagnostic",
    "resolved",
    "to_uri",
]

#: The symbol kind shown for each kind of crmdsl statement.
KIND_OF_SYMBOL: dict[str, t.SymbolKind] = {
    "map": t.SymbolKind.File,
    "include": t.SymbolKind.File,
    "team": t.SymbolKind.Class,
    "persona": t.SymbolKind.Interface,
    "channel": t.SymbolKind.EnumMember,
    "system": t.SymbolKind.Module,
    "entity": t.SymbolKind.Struct,
    "field": t.SymbolKind.Field,
    "journey": t.SymbolKind.Namespace,
    "stage": t.SymbolKind.Package,
    "touchpoint": t.SymbolKind.Event,
    "kpi": t.SymbolKind.Number,
    "process": t.SymbolKind.Namespace,
    "step": t.SymbolKind.Function,
    "decision": t.SymbolKind.Operator,
    "outcome": t.SymbolKind.Key,
    "end": t.SymbolKind.Constant,
    "integration": t.SymbolKind.Interface,
    "map-line": t.SymbolKind.Property,
    "goal": t.SymbolKind.Object,
    "metric": t.SymbolKind.Number,
}

KIND_OF_COMPLETION: dict[str, t.CompletionItemKind] = {
    "keyword": t.CompletionItemKind.Keyword,
    "clause": t.CompletionItemKind.Property,
    "id": t.CompletionItemKind.Reference,
    "channel": t.CompletionItemKind.EnumMember,
    "value": t.CompletionItemKind.Value,
    "snippet": t.CompletionItemKind.Snippet,
}

_SEVERITY = {
    "error": t.DiagnosticSeverity.Error,
    "warning": t.DiagnosticSeverity.Warning,
    "info": t.DiagnosticSeverity.Information,
}


def resolved(path: str) -> str:
    """A path as the server keys files: absolute and resolved."""
    return str(Path(path).resolve())


def to_uri(path: str) -> str:
    """The file URI of a path."""
    return Path(resolved(path)).as_uri()


def docs_base() -> str:
    """Where the rule and error pages are: the docs folder next to the package, else PyPI."""
    folder = Path(crmdsl.__file__).resolve().parents[1] / "docs"
    if (folder / "rules.md").is_file():
        return folder.as_uri()
    return "https://pypi.org/project/crmdsl"


class Positions:
    """Converts crmdsl positions to the client's and back, with the lines of each file."""

    def __init__(self, lines_of: Callable[[str], Sequence[str]], utf16: bool = True) -> None:
        self.lines_of = lines_of
        self.utf16 = utf16

    def character(self, line_text: str, col: int) -> int:
        """The client's character offset of a 1-based code-point column."""
        head = line_text[: col - 1]
        if not self.utf16 or head.isascii():
            return col - 1
        return len(head.encode("utf-16-le")) // 2

    def column(self, line_text: str, character: int) -> int:
        """The 1-based code-point column of a client character offset."""
        if not self.utf16 or line_text.isascii():
            return character + 1
        units = 0
        for index, ch in enumerate(line_text):
            if units >= character:
                return index + 1
            units += 2 if ord(ch) > 0xFFFF else 1
        return len(line_text) + 1

    def _line(self, lines: Sequence[str], line: int) -> str:
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def position(self, path: str, line: int, col: int) -> t.Position:
        """A client position from a 1-based line and column of a file."""
        text = self._line(self.lines_of(path), line)
        return t.Position(line=max(line - 1, 0), character=self.character(text, max(col, 1)))

    def range(self, span: crmdsl.Span | None) -> t.Range:
        """The client range of a span (the file's start for none)."""
        if span is None or span.line <= 0:
            return t.Range(
                start=t.Position(line=0, character=0), end=t.Position(line=0, character=0)
            )
        path = resolved(span.file)
        return t.Range(
            start=self.position(path, span.line, span.col),
            end=self.position(path, span.end_line, span.end_col),
        )

    def location(self, span: crmdsl.Span) -> t.Location:
        """The client location of a span."""
        return t.Location(uri=to_uri(span.file), range=self.range(span))

    def from_client(self, path: str, position: t.Position) -> tuple[int, int]:
        """The 1-based line and column of a client position in a file."""
        line = position.line + 1
        return line, self.column(self._line(self.lines_of(path), line), position.character)

    def workspace_edit(self, patch: crmdsl.Patch) -> t.WorkspaceEdit:
        """A patch as one workspace edit (its lines are those the patch was made on)."""
        changes: dict[str, list[t.TextEdit]] = {}
        for rep in patch.replacements:
            path = resolved(rep.file)
            start = self.position(path, rep.start_line, rep.start_col)
            end = self.position(path, rep.end_line, rep.end_col)
            edit = t.TextEdit(range=t.Range(start=start, end=end), new_text=rep.new)
            changes.setdefault(to_uri(path), []).append(edit)
        return t.WorkspaceEdit(changes=changes)


@lru_cache(maxsize=512)
def _href(code: str, kind: str, base: str) -> str:
    """The page and anchor that explain a lint rule or a load error."""
    if code:
        info = crmdsl.rule_info(code)
        name = info[1] if info is not None else ""
        return f"{base}/rules.md#{code.lower()}-{name}".rstrip("-")
    return f"{base}/errors.md#{kind}"


def lsp_diagnostic(diag: crmdsl.Diagnostic, positions: Positions, base: str) -> t.Diagnostic:
    """A load error or lint finding as a protocol diagnostic, with its other places."""
    related = [
        t.DiagnosticRelatedInformation(location=positions.location(n.span), message=n.message)
        for n in diag.notes
        if n.span is not None and n.span.line > 0
    ]
    message = diag.message + (f" ({diag.hint})" if diag.hint else "")
    return t.Diagnostic(
        range=positions.range(diag.span),
        message=message,
        severity=_SEVERITY.get(diag.severity, t.DiagnosticSeverity.Error),
        code=diag.code or diag.kind,
        code_description=t.CodeDescription(href=_href(diag.code, diag.kind, base)),
        source="crmdsl",
        related_information=related or None,
    )
