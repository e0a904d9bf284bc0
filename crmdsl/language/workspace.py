"""Which maps to check: paths in, one entry per map (a root with its fragments) out.

docs/language.md, "Files and includes": checking a folder checks each root once with its
fragments; a fragment named on its own is checked through every root under the current
folder that includes it, and alone (with a note saying so) when none does.

Finding files (docs/cli.md, "Finding files"): folders are walked without recursion (a
folder a thousand deep is fine); hidden folders, `node_modules` and `__pycache__` are
passed by, and so is what a `.gitignore` or `.ignore` file ignores (read with
`pathspec`, from the walked folder and every folder above it up to the repository root).
`FileFilter` adds exclude patterns (gitignore syntax, relative to the folder of the
config file that names them). A file or folder named on the command line is taken even
if excluded, unless `force_exclude` says otherwise. A folder that cannot be read is
passed by, and a note in `FileFilter.notes` says so.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmdsl.errors import UsageError
from crmdsl.language.limits import limits_for
from crmdsl.language.loader import Analysis, analyze_path
from crmdsl.language.source import read_regular

__all__ = [
    "FileFilter",
    "MapRun",
    "collect_files",
    "covered",
    "find_maps",
    "is_root_text",
    "walk",
]

_HEADER = re.compile(r'^\ufeff?map[ \t]+"', re.MULTILINE)


def is_root_text(text: str) -> bool:
    """True when the text has a `map "Title"` header line (a cheap look, no parse)."""
    return _HEADER.search(text) is not None


@dataclass(slots=True)
class MapRun:
    """One map to report on: its root file, its analysis, and why it was checked so."""

    path: str
    analysis: Analysis
    notes: list[str] = field(default_factory=list)
    fragment_alone: bool = False


@dataclass(slots=True)
class FileFilter:
    """What a walk leaves out, and the notes it has to tell.

    `exclude`: pairs of a folder and gitignore-style patterns relative to it (the folder
    of the config file that names them, or the current folder for the command line).
    `gitignore`: whether `.gitignore` and `.ignore` files count. `force_exclude`: exclude
    a named file or folder too. `notes`: what the walk passed by and why.
    """

    exclude: Sequence[tuple[str, Sequence[str]]] = ()
    gitignore: bool = True
    force_exclude: bool = False
    notes: list[str] = field(default_factory=list)


def collect_files(
    paths: Iterable[str], filters: FileFilter | None = None, suffix: str = ".crm"
) -> list[str]:
    """Expand folders to the files ending in `suffix` under them (sorted); keep files as given."""
    filters = filters or FileFilter()
    out: list[str] = []
    seen: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if filters.force_exclude and path.exists() and covered(path, filters):
            continue
        if path.is_dir():
            found = walk(path, suffix, filters)
            if not found:
                raise UsageError(f"no {suffix} files in the folder {raw}")
            files = [_shown(p) for p in found]
        elif path.exists():
            files = [raw]
        else:
            raise UsageError(f"no such file or folder: {raw}")
        for f in files:
            key = os.path.realpath(f)
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def covered(path: Path, filters: FileFilter) -> bool:
    """Whether an exclude pattern or an ignore file covers a named path (for `force_exclude`)."""
    return _Ignores(filters, path.parent).covers(path)


def walk(folder: Path, suffix: str, filters: FileFilter | None = None) -> list[Path]:
    """Every file ending in `suffix` under `folder`, sorted, walked with a stack (no recursion)."""
    filters = filters or FileFilter()
    ignores = _Ignores(filters, folder)
    found: list[Path] = []
    stack = [folder]
    while stack:
        here = stack.pop()
        try:
            with os.scandir(here) as entries:
                listed = sorted(entries, key=lambda e: e.name)
        except OSError as exc:
            filters.notes.append(f"skipped the folder {_shown(here)}: {_reason(exc)}")
            continue
        ignores.enter(here)
        for entry in listed:
            child = here / entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if entry.name in _SKIPPED or entry.name.startswith("."):
                    continue
                if not ignores.excluded(child, True):
                    stack.append(child)
            elif entry.name.endswith(suffix) and _is_file(entry):
                if not ignores.excluded(child, False):
                    found.append(child)
    return sorted(found)


_SKIPPED = frozenset({"node_modules", "__pycache__"})
_IGNORE_FILES = (".gitignore", ".ignore")


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _reason(exc: OSError) -> str:
    words = exc.strerror or str(exc)
    return words[:1].lower() + words[1:]


class _Ignores:
    """The exclude patterns and ignore files that apply under a walked folder.

    An entry is left out when a pattern matches it and not already its parent folder (so
    a folder named on the command line is walked even if a pattern covers it). Among
    ignore files the deepest one that says anything about an entry decides, as in git.
    """

    def __init__(self, filters: FileFilter, start: Path) -> None:
        self.filters = filters
        self.specs: list[tuple[Path, Any]] = []
        self.exclude = [
            (Path(os.path.abspath(base)), _spec(list(patterns)))
            for base, patterns in filters.exclude
            if patterns
        ]
        if filters.gitignore:
            for folder in reversed(_up_to_repository(Path(os.path.abspath(start)))):
                self._read(folder)

    def enter(self, folder: Path) -> None:
        """Read the ignore files of a folder the walk goes into."""
        if self.filters.gitignore:
            self._read(Path(os.path.abspath(folder)))

    def _read(self, folder: Path) -> None:
        if any(base == folder for base, _ in self.specs):
            return
        lines: list[str] = []
        for name in _IGNORE_FILES:
            try:
                lines += (folder / name).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                continue
        if lines:
            self.specs.append((folder, _spec(lines)))

    def excluded(self, path: Path, is_dir: bool) -> bool:
        """Whether the walk leaves this file or folder out."""
        full = Path(os.path.abspath(path))
        if self._says(full, is_dir) and not self._says(full.parent, True):
            return True
        return False

    def covers(self, path: Path) -> bool:
        """Whether a pattern or an ignore file covers this path (itself or a folder above it)."""
        return self._says(Path(os.path.abspath(path)), path.is_dir())

    def _says(self, full: Path, is_dir: bool) -> bool:
        for base, spec in self.exclude:
            rel = _relative(full, base, is_dir)
            if rel is not None and spec.match_file(rel):
                return True
        decision: bool | None = None
        for base, spec in self.specs:
            rel = _relative(full, base, is_dir)
            if rel is not None:
                said = _said(spec, rel)
                if said is not None:
                    decision = said
        return bool(decision)


def _said(spec: Any, rel: str) -> bool | None:
    """True: ignored, False: un-ignored by a `!` pattern, None: the spec says nothing."""
    check = getattr(spec, "check_file", None)
    if check is not None:
        include: bool | None = check(rel).include
        return include
    return True if spec.match_file(rel) else None  # pragma: no cover - pathspec < 0.12.1


def _spec(lines: list[str]) -> Any:
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _relative(full: Path, base: Path, is_dir: bool) -> str | None:
    try:
        rel = full.relative_to(base).as_posix()
    except ValueError:
        return None
    if rel == ".":
        return None
    return rel + "/" if is_dir else rel


def _up_to_repository(folder: Path) -> list[Path]:
    """The folders from `folder` up to the repository root holding it (just `folder` outside one)."""
    chain = []
    for parent in (folder, *folder.parents):
        chain.append(parent)
        if (parent / ".git").exists():
            return chain
    return [folder]


def find_maps(
    paths: Sequence[str], search_root: str = ".", filters: FileFilter | None = None
) -> list[MapRun]:
    """Analyse every map the paths name, each root once, fragments through their roots."""
    filters = filters or FileFilter()
    files = collect_files(paths, filters)
    runs: list[MapRun] = []
    covered: set[str] = set()
    roots: list[str] = []
    fragments: list[str] = []
    for f in files:
        (roots if _is_root(f) else fragments).append(f)
    for root in roots:
        if os.path.realpath(root) in covered:
            continue
        run = MapRun(root, analyze_path(root))
        covered.update(_reached(run.analysis))
        runs.append(run)
    pending = [f for f in fragments if os.path.realpath(f) not in covered]
    if pending:
        exclude = {os.path.realpath(r) for r in roots}
        others = _roots_under(search_root, exclude, filters)
        for fragment in pending:
            real = os.path.realpath(fragment)
            if real in covered:
                continue
            through = []
            for root in others:
                analysis = others[root]
                if real in _reached(analysis):
                    through.append(root)
            if through:
                for root in through:
                    if os.path.realpath(root) not in {os.path.realpath(r.path) for r in runs}:
                        runs.append(
                            MapRun(root, others[root], [f"{fragment} is checked through {root}"])
                        )
                        covered.update(_reached(others[root]))
            else:
                note = f"{fragment} has no map header and no map under {search_root} includes it; checked alone"
                runs.append(MapRun(fragment, analyze_path(fragment), [note], fragment_alone=True))
                covered.add(real)
    return runs


def _is_root(path: str) -> bool:
    head = read_regular(Path(path), path, limits_for(path).max_file_size)
    if not isinstance(head, bytes):
        return True  # not a regular file, too large, unreadable: let the loader report it
    return is_root_text(head.decode("utf-8", errors="replace"))


def _reached(analysis: Analysis) -> set[str]:
    return {os.path.realpath(p) for p in analysis.sources}


def _roots_under(folder: str, exclude: set[str], filters: FileFilter) -> dict[str, Analysis]:
    found: dict[str, Analysis] = {}
    quiet = FileFilter(filters.exclude, filters.gitignore)
    for p in walk(Path(folder), ".crm", quiet):
        shown = _shown(p)
        if os.path.realpath(shown) in exclude or not _is_root(shown):
            continue
        found[shown] = analyze_path(shown)
    return found


def _shown(p: Path) -> str:
    text = str(p)
    return text[2:] if text.startswith("./") else text
