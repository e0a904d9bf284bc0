"""Questions about positions: protocol requests in, answers from the navigation API out.

Hover, go to definition, references, document highlight, the outline (document
symbols), workspace symbols, completion, folding ranges and semantic tokens. Each
answers from the latest analysis of the file's map (`CrmServer.latest`); a file whose
map was never analysed is analysed first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from lsprotocol import types as t

import crmdsl
from crmdsl.lsp.convert import KIND_OF_COMPLETION, KIND_OF_SYMBOL
from crmdsl.lsp.server import CrmServer
from crmdsl.lsp.state import MapResult

__all__ = ["TOKEN_TYPES", "register", "semantic_tokens"]

#: The semantic token legend: what each kind of word is coloured as.
TOKEN_TYPES = ["keyword", "string", "number", "comment", "variable", "type", "operator"]
_LEXEME = re.compile(
    r'(?P<comment>#.*)|(?P<string>"(?:[^"\\]|\\.)*"?)|(?P<operator><->|->)'
    r"|(?P<number>[+-]?\d[\d_]*(?:\.\d+)?(?:%|[a-z]{1,2}\b)?(?:-\d\d-\d\d)?)"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_.\-]*)"
)
_PARTIAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*\Z")


async def _at(
    ls: CrmServer, document: t.TextDocumentIdentifier, position: t.Position
) -> tuple[MapResult, str, int, int] | None:
    """The result, the analysis's name of the file, and the 1-based line and column."""
    path = ls.path_of(document.uri)
    if path is None:
        return None
    result = ls.latest(path) or await ls.fresh(path)
    if path not in result.files:
        return None
    line, col = ls.positions.from_client(path, position)
    return result, result.files[path], line, col


async def _outline_of(ls: CrmServer, uri: str) -> tuple[str, list[crmdsl.OutlineItem]]:
    """The analysis's name of a file and its outline (nothing for a file that is not one)."""
    path = ls.path_of(uri)
    if path is None:
        return "", []
    result = ls.latest(path) or await ls.fresh(path)
    name = result.files.get(path, path)
    return name, crmdsl.document_symbols(result.analysis, name)


async def hover(ls: CrmServer, params: t.HoverParams) -> t.Hover | None:
    found = await _at(ls, params.text_document, params.position)
    if found is None:
        return None
    result, name, line, col = found
    text = crmdsl.hover_text(result.analysis, name, line, col)
    occurrence = crmdsl.symbol_at(result.analysis, name, line, col)
    if text is None or occurrence is None:
        return None
    markup = t.MarkupContent(kind=t.MarkupKind.Markdown, value=text)
    return t.Hover(contents=markup, range=ls.positions.range(occurrence.span))


async def definition(ls: CrmServer, params: t.DefinitionParams) -> t.Location | None:
    found = await _at(ls, params.text_document, params.position)
    symbol = crmdsl.definition_of(found[0].analysis, *found[1:]) if found else None
    if symbol is None or symbol.span.line <= 0:
        return None
    return ls.positions.location(symbol.span)


async def references(ls: CrmServer, params: t.ReferenceParams) -> list[t.Location]:
    found = await _at(ls, params.text_document, params.position)
    if found is None:
        return []
    spans = crmdsl.references_to(
        found[0].analysis, *found[1:], include_definition=params.context.include_declaration
    )
    return [ls.positions.location(s) for s in spans if s.line > 0]


async def highlight(ls: CrmServer, params: t.DocumentHighlightParams) -> list[t.DocumentHighlight]:
    found = await _at(ls, params.text_document, params.position)
    if found is None:
        return []
    result, name, line, col = found
    spans = crmdsl.references_to(result.analysis, name, line, col)
    occurrence = crmdsl.symbol_at(result.analysis, name, line, col)
    definition = occurrence.symbol.span if occurrence else None
    return [
        t.DocumentHighlight(
            range=ls.positions.range(s),
            kind=t.DocumentHighlightKind.Write if s == definition else t.DocumentHighlightKind.Read,
        )
        for s in spans
        if s.file == name
    ]


async def outline(ls: CrmServer, params: t.DocumentSymbolParams) -> list[t.DocumentSymbol]:
    _, items = await _outline_of(ls, params.text_document.uri)
    return [_symbol(ls, item) for item in items]


def workspace_symbols(ls: CrmServer, params: t.WorkspaceSymbolParams) -> list[t.WorkspaceSymbol]:
    wanted = params.query.lower()
    out: list[t.WorkspaceSymbol] = []
    for result in list(ls.state.results.values()):
        for item, container in _flat(crmdsl.document_symbols(result.analysis), None):
            if wanted in item.id.lower() or wanted in (item.label or "").lower():
                out.append(
                    t.WorkspaceSymbol(
                        name=item.id,
                        kind=KIND_OF_SYMBOL.get(item.kind, t.SymbolKind.Object),
                        location=ls.positions.location(item.span),
                        container_name=container,
                    )
                )
    return out


async def completion(ls: CrmServer, params: t.CompletionParams) -> t.CompletionList:
    found = await _at(ls, params.text_document, params.position)
    if found is None:
        return t.CompletionList(is_incomplete=False, items=[])
    result, name, line, col = found
    text = ls.text_of(params.text_document.uri)
    items = crmdsl.completions_at(result.analysis, text, name, line, col)
    before = text.split("\n")[line - 1][: col - 1] if line <= text.count("\n") + 1 else ""
    match = _PARTIAL.search(before)
    start = t.Position(
        line=params.position.line,
        character=params.position.character - len(match.group(0) if match else ""),
    )
    span = t.Range(start=start, end=params.position)
    return t.CompletionList(is_incomplete=False, items=[_item(c, span) for c in items])


async def folding(ls: CrmServer, params: t.FoldingRangeParams) -> list[t.FoldingRange]:
    name, items = await _outline_of(ls, params.text_document.uri)
    return [
        t.FoldingRange(start_line=i.statement.line - 1, end_line=i.statement.end_line - 1)
        for i, _ in _flat(items, None)
        if i.statement.end_line > i.statement.line and i.statement.file == name
    ]


def tokens(ls: CrmServer, params: t.SemanticTokensParams) -> t.SemanticTokens:
    lines = ls.text_of(params.text_document.uri).split("\n")
    return t.SemanticTokens(data=semantic_tokens(lines, ls.positions.utf16))


def tokens_in_range(ls: CrmServer, params: t.SemanticTokensRangeParams) -> t.SemanticTokens:
    """The tokens of the whole lines the range touches (a line is read on its own)."""
    first, last = params.range.start.line, params.range.end.line
    lines = ls.text_of(params.text_document.uri).split("\n")[first : last + 1]
    return t.SemanticTokens(data=semantic_tokens(lines, ls.positions.utf16, first=first))


_LEGEND = t.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=[])
_HANDLERS: tuple[tuple[str, Any, Callable[..., Any]], ...] = (
    (t.TEXT_DOCUMENT_HOVER, None, hover),
    (t.TEXT_DOCUMENT_DEFINITION, None, definition),
    (t.TEXT_DOCUMENT_REFERENCES, None, references),
    (t.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT, None, highlight),
    (t.TEXT_DOCUMENT_DOCUMENT_SYMBOL, None, outline),
    (t.WORKSPACE_SYMBOL, None, workspace_symbols),
    (
        t.TEXT_DOCUMENT_COMPLETION,
        t.CompletionOptions(trigger_characters=[" ", ".", ",", ">", "("]),
        completion,
    ),
    (t.TEXT_DOCUMENT_FOLDING_RANGE, None, folding),
    (t.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, _LEGEND, tokens),
    (t.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE, _LEGEND, tokens_in_range),
)


def register(server: CrmServer) -> None:
    """Register the question handlers."""
    for method, options, handler in _HANDLERS:
        server.feature(method, options)(handler)


def _item(c: crmdsl.Completion, span: t.Range) -> t.CompletionItem:
    snippet = c.kind == "snippet"
    return t.CompletionItem(
        label=c.label,
        kind=KIND_OF_COMPLETION.get(c.kind, t.CompletionItemKind.Text),
        detail=c.detail,
        text_edit=t.TextEdit(range=span, new_text=c.insert_text),
        insert_text_format=t.InsertTextFormat.Snippet if snippet else t.InsertTextFormat.PlainText,
        filter_text=c.label if not snippet else c.label.split(" ")[0],
    )


def _symbol(ls: CrmServer, item: crmdsl.OutlineItem) -> t.DocumentSymbol:
    detail = " · ".join([*([item.label] if item.label else []), *item.marks])
    return t.DocumentSymbol(
        name=item.id,
        detail=detail or None,
        kind=KIND_OF_SYMBOL.get(item.kind, t.SymbolKind.Object),
        range=ls.positions.range(item.statement),
        selection_range=ls.positions.range(item.span),
        children=[_symbol(ls, child) for child in item.children],
    )


def _flat(
    items: list[crmdsl.OutlineItem] | tuple[crmdsl.OutlineItem, ...], container: str | None
) -> Iterator[tuple[crmdsl.OutlineItem, str | None]]:
    for item in items:
        yield item, container
        yield from _flat(item.children, item.id)


def semantic_tokens(lines: list[str], utf16: bool = True, first: int = 0) -> list[int]:
    """The semantic tokens of a text, encoded as the protocol wants (relative positions).

    `lines` may be a slice of the document starting at its line `first`.
    """
    words = crmdsl.KNOWN_WORDS
    types = set(crmdsl.FIELD_TYPES) | set(crmdsl.FIELD_FLAGS)
    data: list[int] = []
    last_line = last_start = 0
    for number, text in enumerate(lines, start=first):
        for match in _LEXEME.finditer(text):
            kind = match.lastgroup or "word"
            value = match.group(0)
            if kind == "word":
                kind = "keyword" if value in words else "type" if value in types else "variable"
            start, length = match.start(), len(value)
            if utf16 and not text.isascii():
                start = len(text[:start].encode("utf-16-le")) // 2
                length = len(value.encode("utf-16-le")) // 2
            delta_line = number - last_line
            delta_start = start - last_start if delta_line == 0 else start
            data += [delta_line, delta_start, length, TOKEN_TYPES.index(kind), 0]
            last_line, last_start = number, start
    return data
