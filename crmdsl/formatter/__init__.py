"""The formatter: a map's text in, the same map in the canonical layout out.

`printer` writes every line where its author put it, with indentation, spacing, blank
lines, comments and line endings normalised; `layout` writes one line's tokens (and lays
out new statements for the edit engine); `tabs` turns tabs in the indentation into spaces
when the blocks do not depend on a tab's width; `markdown` formats the `crm` blocks of a
Markdown page; `check` proves the result means the same as the input (the same model once
loaded), so that formatting never changes a map's meaning.
"""

from crmdsl.formatter.printer import FormatterBug, NotFormattable, format_source, format_text

__all__ = ["FormatterBug", "NotFormattable", "format_source", "format_text"]
