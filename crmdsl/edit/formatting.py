"""Formatting as an edit, and edits that keep a formatted file formatted.

`format_patch`: an `Analysis` and a file in, a `Patch` that puts the file in the canonical
layout out. The editor and the assistant format through this, so that formatting is one
undoable step like any other edit; the patch holds one replacement per run of changed
lines.

`tidy_removals`: the edits of an operation in, the same edits out, with each removal of
whole lines widened by one blank line where it would otherwise leave two blank lines in
a row, or a blank line at the start or the end of the file. `Patch.build` applies it, so
that removing a statement from a formatted file leaves a formatted file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from crmdsl.edit.doc import Doc
from crmdsl.edit.patch import EditError, Patch, diff_patch
from crmdsl.formatter.printer import format_parsed
from crmdsl.language.build.statements import build_file
from crmdsl.language.loader import Analysis

__all__ = ["format_patch", "tidy_removals"]

#: An edit: (file, start offset, end offset, new text).
_Edit = tuple[str, int, int, str]


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


def tidy_removals(texts: Mapping[str, str], edits: Sequence[_Edit]) -> list[_Edit]:
    """The edits, each removal of whole lines widened by one blank line where needed.

    Needed: the removal would leave a blank line right before a blank line, or at the
    start or the end of the file. Removals that meet become one; an edit that another
    edit touches is left as it is. `edits` are in the order of their files and offsets.
    """
    out: list[_Edit] = []
    for edit in edits:  # removals that meet are one removal here
        if (
            out
            and not edit[3]
            and not out[-1][3]
            and out[-1][0] == edit[0]
            and out[-1][2] == edit[1]
        ):
            out[-1] = (edit[0], out[-1][1], edit[2], "")
        else:
            out.append(edit)
    for i, (file, start, end, new) in enumerate(out):
        text = texts[file]
        if new or start == end or not _whole_lines(text, start, end):
            continue
        wider = _widened(text, start, end)
        if wider is None:
            continue
        touched = any(
            f == file and j != i and s <= wider[1] and e >= wider[0]
            for j, (f, s, e, _) in enumerate(out)
        )
        if not touched:
            out[i] = (file, wider[0], wider[1], "")
    return out


def _whole_lines(text: str, start: int, end: int) -> bool:
    return (start == 0 or text[start - 1] == "\n") and (end == len(text) or text[end - 1] == "\n")


def _widened(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The removal with the blank line it must take along, or None when it needs none."""
    before = text.rfind("\n", 0, start - 1) + 1 if start > 0 else None  # line before
    blank_before = before is None or not text[before:start].strip()
    nxt = text.find("\n", end)
    after_end = len(text) if nxt < 0 else nxt + 1
    blank_after = end == len(text) or not text[end:after_end].strip()
    if not (blank_before and blank_after) or (start == 0 and end == len(text)):
        return None
    if end < len(text):
        return (start, after_end)
    assert before is not None
    return (before, end)
