"""Patches: a small list of text replacements in one or more files, and their exact inverse.

Offsets and line:column positions refer to a file's text as `crmdsl` reads it
(`SourceText.text`: no BOM, newline line endings), the same text `Analysis.sources` holds and
diagnostics point into. `Patch.apply(texts)` returns the new texts; `Patch.inverse()` is
the patch that gives the old texts back, byte for byte. `write_patch` applies a patch to
files on disk, keeping each file's BOM and line endings, writing atomically.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from crmdsl.errors import CrmdslError
from crmdsl.fileio import write_atomic
from crmdsl.language.source import SourceText, decode

__all__ = [
    "EditError",
    "Patch",
    "Replacement",
    "StalePatchError",
    "common_ends",
    "diff_patch",
    "write_patch",
]


class EditError(CrmdslError):
    """An edit cannot be made as asked (unknown id, bad value, still referenced, ...)."""


class StalePatchError(EditError):
    """The text a patch replaces is not there any more (the file changed since)."""


@dataclass(frozen=True, slots=True)
class Replacement:
    """Replace `old` at `start:end` of `file` by `new`.

    `start_line:start_col` and `end_line:end_col` (1-based, columns in code points, end
    exclusive) are the same places as the offsets, in the text before the replacement.
    """

    file: str
    start: int
    end: int
    old: str
    new: str
    start_line: int
    start_col: int
    end_line: int
    end_col: int


def _advance(line: int, col: int, text: str) -> tuple[int, int]:
    """The position just after `text` written at `line:col`."""
    breaks = text.count("\n")
    if not breaks:
        return line, col + len(text)
    return line + breaks, len(text) - text.rfind("\n")


def _point(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


@dataclass(frozen=True, slots=True)
class Patch:
    """Replacements sorted by file and offset, never overlapping; `description` says what."""

    replacements: tuple[Replacement, ...] = ()
    description: str = ""

    @classmethod
    def build(
        cls,
        texts: Mapping[str, str],
        edits: Iterable[tuple[str, int, int, str]],
        description: str = "",
    ) -> Patch:
        """A patch from `(file, start, end, new)` edits on `texts`.

        Identical edits collapse into one; an edit inside a removal is dropped (the removal
        covers it); overlapping removals become one; other overlaps are an error.
        """
        ordered = sorted(
            set(edits), key=lambda e: (e[0], e[1], e[2] - e[1] if e[3] else -(e[2] - e[1]))
        )
        kept: list[tuple[str, int, int, str]] = []
        for edit in ordered:
            if kept and kept[-1][0] == edit[0] and edit[1] < kept[-1][2]:
                last = kept[-1]
                if last[3] == "" and edit[2] <= last[2]:
                    continue  # inside a removal
                if last[3] == "" and edit[3] == "":
                    kept[-1] = (last[0], last[1], edit[2], "")  # two removals: their union
                    continue
                if edit[3] == "" and edit[1] <= last[1] and edit[2] >= last[2]:
                    kept[-1] = edit  # a removal that covers the edit before it
                    continue
                raise EditError(f"two changes overlap in {edit[0]} at offset {edit[1]}")
            kept.append(edit)
        from crmdsl.edit.formatting import tidy_removals  # it imports this module

        reps = []
        for file, start, end, new in tidy_removals(texts, kept):
            text = texts[file]
            if start == end and not new:
                continue
            sl, sc = _point(text, start)
            el, ec = _point(text, end)
            reps.append(Replacement(file, start, end, text[start:end], new, sl, sc, el, ec))
        return cls(tuple(reps), description)

    def __bool__(self) -> bool:
        return bool(self.replacements)

    @property
    def files(self) -> list[str]:
        """The files the patch changes, in order."""
        return sorted({r.file for r in self.replacements})

    def only(self, file: str) -> Patch:
        """The part of the patch that changes one file."""
        return Patch(tuple(r for r in self.replacements if r.file == file), self.description)

    def apply(self, texts: Mapping[str, str]) -> dict[str, str]:
        """The texts after the patch (every file of `texts`, changed or not)."""
        out = dict(texts)
        for file in self.files:
            if file not in out:
                raise StalePatchError(f"the patch changes {file}, which is not among the texts")
            text = out[file]
            pieces: list[str] = []
            pos = 0
            for r in (r for r in self.replacements if r.file == file):
                if text[r.start : r.end] != r.old:
                    raise StalePatchError(
                        f"{file}:{r.start_line}:{r.start_col} no longer holds the text the patch "
                        "replaces; the file changed since the edit was made"
                    )
                pieces.append(text[pos : r.start])
                pieces.append(r.new)
                pos = r.end
            pieces.append(text[pos:])
            out[file] = "".join(pieces)
        return out

    def inverse(self) -> Patch:
        """The patch that undoes this one exactly (apply it to the texts this one produced)."""
        reps: list[Replacement] = []
        for file in self.files:
            shift = 0
            line_shift = 0
            last_line = -1
            col_shift = 0
            for r in (r for r in self.replacements if r.file == file):
                start = r.start + shift
                sl = r.start_line + line_shift
                sc = r.start_col + (col_shift if r.start_line == last_line else 0)
                el, ec = _advance(sl, sc, r.new)
                reps.append(
                    Replacement(file, start, start + len(r.new), r.new, r.old, sl, sc, el, ec)
                )
                shift += len(r.new) - len(r.old)
                line_shift = el - r.end_line
                col_shift = ec - r.end_col
                last_line = r.end_line
        return Patch(tuple(reps), f"undo: {self.description}" if self.description else "undo")

    def then(self, texts: Mapping[str, str], other: Patch) -> Patch:
        """One patch doing this one, then `other` (made on this one's output), on `texts`."""
        after = other.apply(self.apply(texts))
        description = "; ".join(d for d in (self.description, other.description) if d)
        return diff_patch(texts, after, description)


def common_ends(old: Sequence[object], new: Sequence[object]) -> tuple[int, int]:
    """How many items two sequences share at the start, and then at the end (not overlapping).

    `old[head : len(old) - tail]` became `new[head : len(new) - tail]`: the one changed
    middle, for texts (characters) or lists of lines alike.
    """
    limit = min(len(old), len(new))
    head = 0
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return head, tail


def diff_patch(before: Mapping[str, str], after: Mapping[str, str], description: str = "") -> Patch:
    """The patch from one set of texts to another: one replacement per run of changed lines."""
    import difflib

    edits = []
    for file in sorted(set(before) | set(after)):
        old, new = before.get(file, ""), after.get(file, "")
        if old == new:
            continue
        a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
        starts = [0]
        for line in a:
            starts.append(starts[-1] + len(line))
        matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal":
                edits.append((file, starts[i1], starts[i2], "".join(b[j1:j2])))
    return Patch.build(before, edits, description)


def write_patch(patch: Patch, root: str | os.PathLike[str] = ".") -> list[str]:
    """Apply a patch to files on disk (paths relative to `root`), keeping BOM and line ends.

    Every file is read and checked before any is written; returns the files written.
    """
    staged: list[tuple[Path, str]] = []
    for file in patch.files:
        path = Path(root) / file
        source, problem = decode(path.read_bytes(), file)
        if source is None:
            raise StalePatchError(problem.message if problem else f"cannot read {file}")
        new = patch.only(file).apply({file: source.text})[file]
        staged.append((path, _encode(source, new)))
    for path, data in staged:
        write_atomic(path, data)
    return patch.files


def _encode(source: SourceText, text: str) -> str:
    if source.newline != "\n":
        text = text.replace("\n", source.newline)
    return ("\ufeff" if source.bom else "") + text
