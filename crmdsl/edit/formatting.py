"""Formatting as an edit: an `Analysis` and a file in, a `Patch` that formats it out.

The editor and the assistant format through this, so that formatting is one undoable
step like any other edit. The patch holds one replacement per run of changed lines.
"""

from __future__ import annotations

from crmdsl.edit.doc import Doc
from crmdsl.edit.patch import EditError, Patch, diff_patch
from crmdsl.formatter.printer import format_parsed
from crmdsl.language.build.statements import build_file
from crmdsl.language.loader import Analysis

__all__ = ["format_patch"]


def format_patch(analysis: Analysis, file: str | None = None) -> Patch:
    """The patch that puts `file` (default: the map's root) in the canonical layout.

    Raises `crmdsl.formatter.printer.NotFormattable` when the file does not load, like `crmdsl fmt`.
    """
    doc = Doc(analysis)
    name = file if file is not None else (analysis.map.root or next(iter(doc.texts), None))
    if name is None or name not in analysis.parsed:
        raise EditError(f"{name} is not a file of this map")
    parsed = analysis.parsed[name]
    new = format_parsed(parsed, build_file(parsed))
    old = doc.texts[name]
    if new == old:
        return Patch((), f"format {name}: nothing to change")
    return diff_patch({name: old}, {name: new}, f"format {name}")
