"""The formatter: a map's text in, the same map in one canonical layout out.

`printer` lays out statements, clauses and comments; `layout` decides the order and
wrapping of clauses; `check` proves the result means the same as the input (the same
model once loaded), so that formatting never changes a map's meaning.
"""

from crmdsl.formatter.printer import FormatterBug, NotFormattable, format_source, format_text

__all__ = ["FormatterBug", "NotFormattable", "format_source", "format_text"]
