"""Navigation for editors: an `Analysis` and a position in, symbols, places and texts out.

The one navigation API the live editor and the language server share. Positions are
1-based lines and columns in code points, like `Span`; `file` is a path as the analysis
names it (as in `Span.file`). Everything works on an analysis with load errors: what
loaded can be navigated.

- `symbol_at` -> the `Occurrence` at a position (the symbol, the token, definition or not);
- `definition_of` -> the `Symbol` a position names;
- `references_to` -> every place that names it (across the map's files);
- `hover_text` -> Markdown about it;
- `completions_at` -> what may be typed at a position (from the clause table);
- `document_symbols` -> the outline of a file (or of the whole map).

Each question is answered from an index built once per loaded map (`symbol_index`).
"""

from __future__ import annotations

from crmdsl.errors import Span
from crmdsl.language.loader import Analysis
from crmdsl.query.completion import completions_at
from crmdsl.query.hover import hover_markdown
from crmdsl.query.outline import document_symbols
from crmdsl.query.symbols import Completion, Occurrence, OutlineItem, Symbol, symbol_index

__all__ = [
    "Completion",
    "Occurrence",
    "OutlineItem",
    "Symbol",
    "completions_at",
    "definition_of",
    "document_symbols",
    "hover_text",
    "references_to",
    "symbol_at",
]


def symbol_at(analysis: Analysis, file: str, line: int, col: int) -> Occurrence | None:
    """The symbol written at `file:line:col` (right after a token counts), or None."""
    index = symbol_index(analysis)
    found = index.at(file, line, col)
    if found is None:
        return None
    key, span, is_definition = found
    symbol = index.symbol(key)
    return None if symbol is None else Occurrence(symbol, span, is_definition)


def definition_of(analysis: Analysis, file: str, line: int, col: int) -> Symbol | None:
    """The declaration that the id at a position names (itself, at a definition)."""
    found = symbol_at(analysis, file, line, col)
    return None if found is None else found.symbol


def references_to(
    analysis: Analysis, file: str, line: int, col: int, *, include_definition: bool = True
) -> list[Span]:
    """Every place that names the symbol at a position, in file order.

    The definition's id token comes first when `include_definition` is true. An include
    line's references are the include lines of that file (its definition is the file).
    """
    found = symbol_at(analysis, file, line, col)
    if found is None:
        return []
    index = symbol_index(analysis)
    spans = list(index.refs.get(index.key_of_symbol(found.symbol), ()))
    if include_definition and found.symbol.kind != "include":
        spans.insert(0, found.symbol.span)
    return spans


def hover_text(analysis: Analysis, file: str, line: int, col: int) -> str | None:
    """Markdown about the symbol at a position, or None where there is none.

    Its kind, id and label, where it is declared and who owns it, how often and where
    it is used, and for a step its durations, for a field its type and flags, for a
    goal its metrics and costs.
    """
    found = symbol_at(analysis, file, line, col)
    if found is None:
        return None
    return hover_markdown(analysis, found.symbol)
