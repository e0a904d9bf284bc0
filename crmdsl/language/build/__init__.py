"""Statements to model objects: parsed lines in, model nodes with their spans out.

`statements` builds each top-level block and its children, `heads` reads a header's
shape (keyword, id, quoted name), `values` reads clause values (durations, money,
dates, references) by the value kind of the clause table.
"""

from crmdsl.language.build.statements import BuiltFile, build_file

__all__ = ["BuiltFile", "build_file"]
