"""The public entry points: a path or a text in, a resolved map (or its load errors) out.

`load` and `loads` return the resolved `CrmMap` or raise one `LoadError` carrying every
diagnostic. `analyze` and `analyze_path` never raise for bad input: they return what did
load together with the diagnostics (what an editor stands on).

A load is bounded by `Limits` (`crmdsl.language.limits`): files larger than
`max_file_size` are not read, and past `max_errors` load errors in a file the rest are
counted in one `too-many-errors` diagnostic. `analyze_path` and `load` take the limits of
the map's config file; `analyze` and `loads` the defaults unless given. Text that is not
Unicode characters (lone surrogates, which only a `str` can hold) is a `syntax` load
error at each place, and is read as U+FFFD.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from crmdsl.errors import Diagnostic, LoadError, Note, Span, sorted_diagnostics
from crmdsl.gcpause import paused_gc
from crmdsl.language.build.statements import BuiltFile, build_file, keep_built
from crmdsl.language.limits import Limits, limits_for
from crmdsl.language.parse import ParsedFile, parse_source
from crmdsl.language.resolve import resolve_built
from crmdsl.language.source import SourceText, decode, non_scalar, read_lossy, read_source
from crmdsl.model import CrmMap

__all__ = ["Analysis", "analyze", "analyze_bytes", "analyze_path", "load", "loads"]


@dataclass(slots=True)
class Analysis:
    """What loading a map gave: the map (as much as loaded), diagnostics and sources."""

    map: CrmMap
    diagnostics: list[Diagnostic]
    sources: dict[str, SourceText] = field(default_factory=dict)
    parsed: dict[str, ParsedFile] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the map loaded without a load error."""
        return not self.diagnostics

    def lines_of(self) -> dict[str, list[str]]:
        """Each file's lines, for rendering diagnostics."""
        return {path: src.lines for path, src in self.sources.items()}


def load(path: str | os.PathLike[str], *, limits: Limits | None = None) -> CrmMap:
    """Load the map whose root (or fragment) is at `path`; raise `LoadError` on any error."""
    analysis = analyze_path(path, limits=limits)
    if analysis.diagnostics:
        raise LoadError(analysis.diagnostics)
    return analysis.map


def loads(text: str, path: str | None = None, *, limits: Limits | None = None) -> CrmMap:
    """Load a map from text (`path` names it in messages and anchors its includes)."""
    analysis = analyze(text, path, limits=limits)
    if analysis.diagnostics:
        raise LoadError(analysis.diagnostics)
    return analysis.map


def analyze(text: str, path: str | None = None, *, limits: Limits | None = None) -> Analysis:
    """Load what can be loaded from `text`; never raises for bad input."""
    shown = path if path is not None else "<string>"
    source = SourceText.from_text(text, shown)
    base = Path(path).parent if path is not None else Path(".")
    return _Loader(base, limits).run(source)


def analyze_path(path: str | os.PathLike[str], *, limits: Limits | None = None) -> Analysis:
    """Load what can be loaded from the file at `path`; never raises for bad input."""
    shown = os.fspath(path)
    limits = limits if limits is not None else limits_for(shown)
    source, problem = read_source(Path(shown), shown, limits.max_file_size)
    loader = _Loader(Path(shown).parent, limits)
    if source is None:
        assert problem is not None
        empty = SourceText.from_text("", shown)
        analysis = loader.run(empty)
        analysis.diagnostics = [problem]
        if problem.kind != "io":
            analysis.sources[shown] = read_lossy(Path(shown), shown, limits.max_file_size)
        return analysis
    return loader.run(source)


def analyze_bytes(
    data: bytes, path: str | None = None, *, limits: Limits | None = None
) -> Analysis:
    """Load what can be loaded from raw bytes (stdin): bad UTF-8 is a load error, as in a file."""
    shown = path if path is not None else "<string>"
    base = Path(path).parent if path is not None else Path(".")
    source, problem = decode(data, shown)
    if source is not None:
        return _Loader(base, limits).run(source)
    assert problem is not None
    analysis = _Loader(base, limits).run(SourceText.from_text("", shown))
    analysis.diagnostics = [problem]
    if problem.kind != "io":
        lossy = data.decode("utf-8", errors="replace")
        analysis.sources[shown] = SourceText.from_text(lossy, shown)
    return analysis


def _resolved(path: Path) -> Path | None:
    """`path.resolve()`, or None for what cannot be a path or cannot be followed.

    A NUL character or a lone surrogate cannot be in a file name; links may loop.
    """
    try:
        return path.resolve()
    except (OSError, ValueError, RuntimeError):
        return None


def _escaped(path: str) -> str:
    """A path as written, or with escapes (a NUL as a backslash, x, 00) if it is no file name."""
    if _path_problem(path) is None:
        return path
    return path.encode("unicode_escape").decode("ascii")


def _path_problem(path: str) -> str | None:
    """Why an include path cannot name a file, in words; None when it can."""
    if "\x00" in path:
        return "it holds a NUL character"
    try:
        os.fsencode(path)
    except UnicodeError:
        return "it holds characters that cannot be a file name"
    return None


class _Loader:
    """Follows includes from a root: each file once, never outside the root's folder."""

    def __init__(self, base: Path, limits: Limits | None = None) -> None:
        self.root_dir = _resolved(base) or Path(os.path.abspath(os.fspath(base)))
        self.limits = limits if limits is not None else Limits()
        self.built: list[BuiltFile] = []
        self.sources: dict[str, SourceText] = {}
        self.parsed: dict[str, ParsedFile] = {}
        self.diags: list[Diagnostic] = []
        self.done: set[Path] = set()
        self.broken_include = False

    def run(self, root: SourceText) -> Analysis:
        with paused_gc():
            return self._run(root)

    def _run(self, root: SourceText) -> Analysis:
        named = root.path != "<string>"
        real = _resolved(self.root_dir / Path(root.path).name) if named else None
        self._file(root, real, [], included_from=None)
        mp, resolve_diags, conflicts = resolve_built(self.built, root.path)
        if conflicts:  # statements of an earlier load whose references now resolve otherwise
            self.built = [self._rebuilt(built, conflicts) for built in self.built]
            mp, resolve_diags, conflicts = resolve_built(self.built, root.path)
            assert not conflicts, "a statement built again is never shared"
        for built in self.built:
            keep_built(built)
        if self.broken_include:
            resolve_diags = [d for d in resolve_diags if d.kind != "unknown-reference"]
        found = sorted_diagnostics([*self.diags, *resolve_diags])
        return Analysis(mp, at_most(found, self.limits.max_errors), self.sources, self.parsed)

    def _file(
        self, source: SourceText, real: Path | None, stack: list[Path], included_from: Span | None
    ) -> None:
        if real is not None:
            self.done.add(real)
        source, problems = non_scalar(source)  # only a str can hold them: analyze, an editor
        self.diags.extend(problems)
        self.sources[source.path] = source
        parsed = parse_source(source)
        self.parsed[source.path] = parsed
        built = build_file(parsed, reuse=True)
        self.diags.extend(built.diagnostics)
        if included_from is not None and built.header is not None:
            self.diags.append(
                Diagnostic(
                    "map-in-fragment",
                    f"`{source.path}` is included by another file, so it may not have a `map` header",
                    Span(
                        source.path,
                        built.header.span.line,
                        built.header.span.col,
                        built.header.span.line,
                        built.header.span.col + 3,
                    ),
                    hint="remove the header, or check this file as a map of its own instead of including it",
                    notes=(Note("it is included here", included_from),),
                )
            )
            built.header = None
        self.built.append(built)
        here = real.parent if real is not None else self.root_dir
        shown_dir = os.path.dirname(source.path) if source.path != "<string>" else ""
        chain = [*stack, real] if real is not None else stack
        for inc in built.includes:
            self._include(inc, here, shown_dir, chain)

    def _rebuilt(self, built: BuiltFile, conflicts: set[int]) -> BuiltFile:
        """A file built again where it shares a statement in `conflicts` (same problems)."""
        if not built.shared & conflicts:
            return built
        again = build_file(self.parsed[built.path], reuse=True, fresh=conflicts)
        if built.header is None:  # an included file's header, reported when first built
            again.header = None
        return again

    def _include(self, inc: object, here: Path, shown_dir: str, chain: list[Path]) -> None:
        from crmdsl.model import Include

        assert isinstance(inc, Include)
        span = inc.span
        why = _path_problem(inc.path)
        target = _resolved(here / inc.path) if why is None else None
        if target is None:
            self.broken_include = True
            self.diags.append(
                Diagnostic(
                    "include-missing",
                    f"cannot include `{_escaped(inc.path)}`: {why or 'the path cannot be followed'}",
                    span,
                    hint="check the path; it is relative to the including file",
                    notes=(Note("references to what it declares are not checked"),),
                )
            )
            return
        shown = os.path.normpath(os.path.join(shown_dir, inc.path))
        if not target.is_relative_to(self.root_dir):
            self.broken_include = True
            self.diags.append(
                Diagnostic(
                    "include-outside-root",
                    f"`{inc.path}` is outside the map's folder",
                    span,
                    hint="an include may not leave the folder of the root file",
                    notes=(Note(f"the map's folder is {self._shown_root()}"),),
                )
            )
            return
        if target in chain:
            start = chain.index(target)
            names = [self._rel(p) for p in chain[start:]] + [self._rel(target)]
            self.diags.append(
                Diagnostic(
                    "include-cycle",
                    "these files include each other in a circle: " + " -> ".join(names),
                    span,
                    hint="remove one of the includes",
                )
            )
            return
        inc.file = shown
        if target in self.done:
            return
        source, problem = read_source(target, shown, self.limits.max_file_size)
        if source is None:
            assert problem is not None
            self.broken_include = True
            missing = problem.kind == "io"
            self.diags.append(
                Diagnostic(
                    "include-missing" if missing else problem.kind,
                    f"cannot include `{inc.path}`: {problem.message}"
                    if missing
                    else problem.message,
                    span if missing else problem.span,
                    hint="check the path; it is relative to the including file"
                    if missing
                    else problem.hint,
                    notes=(Note("references to what it declares are not checked"),),
                )
            )
            self.done.add(target)
            if not missing:
                self.sources[shown] = read_lossy(target, shown, self.limits.max_file_size)
            return
        self._file(source, target, chain, span)

    def _rel(self, p: Path) -> str:
        try:
            return p.relative_to(self.root_dir).as_posix()
        except ValueError:  # pragma: no cover - chain members are inside the root
            return str(p)

    def _shown_root(self) -> str:
        try:
            return os.path.relpath(self.root_dir) or "."
        except ValueError:  # pragma: no cover - another drive on Windows
            return str(self.root_dir)


def at_most(diagnostics: list[Diagnostic], limit: int) -> list[Diagnostic]:
    """The first `limit` diagnostics of each file (in order), then one saying how many more."""
    kept: list[Diagnostic] = []
    counts: dict[str, int] = {}
    more: dict[str, list[Diagnostic]] = {}
    for diag in diagnostics:
        file = diag.span.file if diag.span is not None else ""
        counts[file] = counts.get(file, 0) + 1
        if counts[file] <= limit or diag.span is None:
            kept.append(diag)
        else:
            more.setdefault(file, []).append(diag)
    for file, rest in more.items():
        kept.append(_and_more(file, rest, limit))
    return sorted_diagnostics(kept) if more else kept


def _and_more(file: str, rest: list[Diagnostic], limit: int) -> Diagnostic:
    """The `too-many-errors` diagnostic; `extra["more"]` is how many it stands for."""
    first = rest[0].span
    assert first is not None
    return Diagnostic(
        "too-many-errors",
        f"and {len(rest)} more load errors in {file} (only the first {limit} are shown)",
        Span(first.file, first.line, first.col, first.line, first.col),
        hint="fix these first, or raise `max-errors` in the config",
        extra={"more": len(rest)},
    )
