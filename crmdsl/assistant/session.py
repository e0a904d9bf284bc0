"""A conversation's map: the text in memory, proposals, undo and redo, and an atomic save.

In: the path of a map (or its text). Out: the current `Analysis` and lint findings, and
`Proposal`s: a `crmdsl.Patch` made against a known version of the text, applied to a
copy and checked again before anyone sees it. A proposal that adds a load error is
refused (`Refused`, with the error); one shows as a unified diff plus the findings it
adds and clears; `accept` applies it only if the text is still the one it was made
against. `undo` and `redo` restore the exact text; nothing reaches the disk until
`save`, which writes through `crmdsl.edit.write_patch` (atomic, BOM and line endings
kept, refused when the file changed on disk meanwhile).

A map of several files (`include`) is one session: a change may touch any of its files
(a rename reaches every file that names the thing), and the texts of every file changed
are kept, undone and saved together. The editor's pane opens its session on one file
(`one_file=True`): a change that reaches another file is refused there, with the files
it would touch, for `crmdsl chat` to make.
"""

from __future__ import annotations

import datetime as dt
import difflib
import gc
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import crmdsl
from crmdsl.assistant.names import NameIndex

__all__ = ["Proposal", "Refused", "Session", "finding_key", "new_diagnostics"]


class Refused(crmdsl.CrmdslError):
    """A change the session will not make; the message says why."""


def finding_key(d: crmdsl.Diagnostic) -> tuple[str, str]:
    """What identifies a finding across edits (its place moves, its words do not)."""
    return (d.code or d.kind, d.message)


@dataclass(slots=True)
class Proposal:
    """A checked, not yet applied change: patch, texts before and after, what it does."""

    patch: crmdsl.Patch
    before: dict[str, str]
    after: dict[str, str]
    diff: str
    added: list[crmdsl.Diagnostic] = field(default_factory=list)
    cleared: list[crmdsl.Diagnostic] = field(default_factory=list)
    #: load errors of the text before that the change removes
    errors_cleared: list[crmdsl.Diagnostic] = field(default_factory=list)

    @property
    def description(self) -> str:
        """What the patch does, in words."""
        return self.patch.description or "edit"

    def summary(self) -> str:
        """The findings added and cleared, one line each, for the answer under the diff."""
        lines = [f"- adds {d.code} {d.message} ({d.span})" for d in self.added]
        lines += [f"- clears {d.code} {d.message}" for d in self.cleared]
        lines += [f"- clears the load error: {d.message}" for d in self.errors_cleared]
        return "\n".join(lines) if lines else "- no finding added or cleared"


_CONTEXT = 3
_HUNK = re.compile(r"^@@ -(\d+)((?:,\d+)?) \+(\d+)((?:,\d+)?) @@")


def unified_diff(before: dict[str, str], after: dict[str, str]) -> str:
    """The unified diff of every file that changed, `a/` and `b/` prefixed."""
    out: list[str] = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name, ""), after.get(name, "")
        if old != new:
            out += _file_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), name)
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def _file_diff(old: list[str], new: list[str], name: str) -> list[str]:
    """The unified diff of two files' lines, compared only where they differ (one edit).

    The lines both texts share at the start and at the end are left out of the
    comparison (but for the context lines), and the hunks' line numbers shifted back.
    """
    start, end = crmdsl.edit.common_ends(old, new)
    skip = max(0, start - _CONTEXT)
    keep = max(0, end - _CONTEXT)
    lines = list(
        difflib.unified_diff(
            old[skip : len(old) - keep], new[skip : len(new) - keep], f"a/{name}", f"b/{name}"
        )
    )

    def shifted(found: re.Match[str]) -> str:
        a, b = int(found.group(1)) + skip, int(found.group(3)) + skip
        return f"@@ -{a}{found.group(2)} +{b}{found.group(4)} @@"

    return [_HUNK.sub(shifted, line) if line.startswith("@@") else line for line in lines]


_Texts = tuple[tuple[str, str], ...]


class Session:
    """The map being talked about, in memory: the text of its root and of each file changed."""

    def __init__(
        self,
        path: str,
        text: str | None = None,
        *,
        today: dt.date | None = None,
        one_file: bool = False,
    ) -> None:
        self.path = path
        self.today = today
        self.one_file = one_file
        if text is None:
            first = crmdsl.analyze_path(path)
            source = first.sources.get(path)
            text = source.text if source is not None else ""
        #: the text of the root and of every included file a change touched
        self.texts: dict[str, str] = {path: text}
        #: the same files as they are on disk (as read)
        self.saved: dict[str, str] = dict(self.texts)
        self.undo_stack: list[crmdsl.Patch] = []
        self.redo_stack: list[crmdsl.Patch] = []
        self.pending: Proposal | None = None
        self._cache: dict[_Texts, tuple[crmdsl.Analysis, list[crmdsl.Diagnostic]]] = {}
        self._names: tuple[_Texts, NameIndex] | None = None
        try:
            self.config: crmdsl.LintConfig | None = crmdsl.config_for(path)
        except crmdsl.CrmdslError:
            self.config = None

    @property
    def text(self) -> str:
        """The current text of the map's file."""
        return self.texts[self.path]

    def set_text(self, text: str) -> None:
        """Take a new text from outside (an editor); a pending proposal goes stale."""
        self.texts[self.path] = text

    def check(
        self, texts: dict[str, str] | None = None
    ) -> tuple[crmdsl.Analysis, list[crmdsl.Diagnostic]]:
        """The analysis and lint findings of the map with `texts` (the last few are kept).

        `texts` defaults to the session's; a file not in them is read from disk.

        Loading and linting make no reference cycles, and what they make lives while the
        session keeps it: it is frozen out of the cyclic collector's passes
        (`gc.freeze`), which would otherwise walk every kept map again and again.
        Reference counting still frees it when it is dropped.
        """
        key = _key(self.texts if texts is None else texts)
        hit = self._cache.get(key)
        if hit is None:
            enabled = gc.isenabled()
            gc.disable()
            try:
                analysis = self._analyze(dict(key))
                # a map with load errors is not linted: its load errors are what is wrong
                findings = (
                    crmdsl.lint(analysis, self.config, self.today).findings if analysis.ok else []
                )
            finally:
                gc.freeze()
                if enabled:
                    gc.enable()
            hit = (analysis, findings)
            if len(self._cache) > 8:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = hit
        return hit

    def _analyze(self, texts: dict[str, str]) -> crmdsl.Analysis:
        if len(texts) == 1:
            return crmdsl.analyze(texts[self.path], self.path)
        return crmdsl.analyze_texts(
            self.path, {str(Path(name).resolve()): text for name, text in texts.items()}
        )

    def names(self) -> NameIndex:
        """The forgiving name index of the current texts (built once per texts)."""
        key = _key(self.texts)
        if self._names is None or self._names[0] != key:
            self._names = (key, NameIndex(self.analysis.map))
        return self._names[1]

    @property
    def analysis(self) -> crmdsl.Analysis:
        """The analysis of the current texts."""
        return self.check()[0]

    @property
    def findings(self) -> list[crmdsl.Diagnostic]:
        """The lint findings of the current texts."""
        return self.check()[1]

    def texts_for(self, files: list[str]) -> dict[str, str]:
        """The session's texts, with those of `files` it does not hold yet as loaded."""
        out = dict(self.texts)
        sources = self.analysis.sources
        for name in files:
            if name not in out:
                source = sources.get(name)
                if source is None:
                    raise Refused(f"{name} is not a file of this map")
                out[name] = source.text
        return out

    def propose(self, patch: crmdsl.Patch) -> Proposal:
        """Apply `patch` to a copy and check it; `Refused` when it would not load."""
        if not patch:
            raise Refused("nothing to change: the map already says that")
        others = [f for f in patch.files if f != self.path]
        if others and self.one_file:
            raise Refused(
                f"this change is also in {', '.join(others)}, included by this map; "
                "open that file to change it there, or make it with `crmdsl chat`"
            )
        before = self.texts_for(patch.files)
        try:
            after = patch.apply(before)
        except crmdsl.edit.StalePatchError as exc:
            raise Refused(f"the text changed since the change was made: {exc}") from None
        old_analysis, old_findings = self.check()
        new_analysis, new_findings = self.check(after)
        new_errors = new_diagnostics(new_analysis.diagnostics, old_analysis.diagnostics)
        if new_errors:
            first = new_errors[0]
            raise Refused(
                f"{patch.description or 'this change'} would break the map: "
                f"{first.span}: {first.message}" + (f" ({first.hint})" if first.hint else "")
            )
        proposal = Proposal(
            patch,
            before,
            after,
            unified_diff(before, after),
            new_diagnostics(new_findings, old_findings),
            new_diagnostics(old_findings, new_findings),
            new_diagnostics(old_analysis.diagnostics, new_analysis.diagnostics),
        )
        self.pending = proposal
        return proposal

    def accept(self, proposal: Proposal | None = None) -> str:
        """Apply a proposal (the pending one by default) if the text is still its base."""
        chosen = proposal or self.pending
        if chosen is None:
            raise Refused("there is no proposed change to accept")
        if any(self.texts.get(name, text) != text for name, text in chosen.before.items()):
            self.pending = None
            raise Refused("the map changed since this change was proposed; ask again")
        for name, text in chosen.before.items():
            self.saved.setdefault(name, text)  # a file first changed: as it is on disk
        self.texts = {**self.texts, **chosen.after}
        self.undo_stack.append(chosen.patch)
        self.redo_stack.clear()
        self.pending = None
        return f"applied: {chosen.description}"

    def reject(self) -> str:
        """Drop the pending proposal."""
        had = self.pending is not None
        self.pending = None
        return "dropped the proposed change" if had else "there is no proposed change"

    def undo(self) -> str:
        """Undo the last accepted change, to the exact text before it."""
        if not self.undo_stack:
            return "nothing to undo"
        patch = self.undo_stack.pop()
        self.texts = patch.inverse().apply(self.texts)
        self.redo_stack.append(patch)
        self.pending = None
        return f"undone: {patch.description}"

    def redo(self) -> str:
        """Redo the last undone change."""
        if not self.redo_stack:
            return "nothing to redo"
        patch = self.redo_stack.pop()
        self.texts = patch.apply(self.texts)
        self.undo_stack.append(patch)
        self.pending = None
        return f"redone: {patch.description}"

    def unsaved_diff(self) -> str:
        """The unified diff between the file on disk (as read) and the text now."""
        return unified_diff(self.saved, self.texts)

    def save(self) -> str:
        """Write the changes to disk atomically; refused if the file changed on disk."""
        if self.texts == self.saved:
            return "nothing to save"
        changed = sorted(name for name, text in self.texts.items() if self.saved.get(name) != text)
        if not Path(self.path).exists():
            from crmdsl.assistant.files import write_new

            write_new(self.path, self.text)
        else:
            patch = crmdsl.edit.diff_patch(self.saved, self.texts, "save")
            try:
                crmdsl.edit.write_patch(patch)
            except crmdsl.edit.StalePatchError:
                raise Refused(
                    f"{', '.join(changed)} changed on disk since it was read; nothing written"
                ) from None
        self.saved = dict(self.texts)
        return f"saved {', '.join(changed)}"


def _key(texts: dict[str, str]) -> _Texts:
    """What identifies a set of texts in the session's cache."""
    return tuple(sorted(texts.items()))


def new_diagnostics(
    these: list[crmdsl.Diagnostic], those: list[crmdsl.Diagnostic]
) -> list[crmdsl.Diagnostic]:
    """The findings of `these` that `those` does not have (as many times as it has them)."""
    left = Counter(finding_key(d) for d in those)
    out = []
    for d in these:
        key = finding_key(d)
        if left[key]:
            left[key] -= 1
        else:
            out.append(d)
    return out
