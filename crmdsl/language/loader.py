"""The public entry points: a path or a text in, a resolved map (or its load errors) out.

`load` and `loads` return the resolved `CrmMap` or raise one `LoadError` carrying every
diagnostic. `analyze` and `analyze_path` never raise for bad input: they return what did
load together with the diagnostics (what an editor stands on).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from crmdsl.errors import Diagnostic, LoadError, Note, Span, sorted_diagnostics
from crmdsl.gcpause import paused_gc
from crmdsl.language.build.statements import BuiltFile, build_file
from crmdsl.language.parse import ParsedFile, parse_source
from crmdsl.language.resolve import resolve
from crmdsl.language.source import SourceText, decode, read_lossy, read_source
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


def load(path: str | os.PathLike[str]) -> CrmMap:
    """Load the map whose root (or fragment) is at `path`; raise `LoadError` on any error."""
    analysis = analyze_path(path)
    if analysis.diagnostics:
        raise LoadError(analysis.diagnostics)
    return analysis.map


def loads(text: str, path: str | None = None) -> CrmMap:
    """Load a map from text (`path` names it in messages and anchors its includes)."""
    analysis = analyze(text, path)
    if analysis.diagnostics:
        raise LoadError(analysis.diagnostics)
    return analysis.map


def analyze(text: str, path: str | None = None) -> Analysis:
    """Load what can be loaded from `text`; never raises for bad input."""
    shown = path if path is not None else "<string>"
    source = SourceText.from_text(text, shown)
    base = Path(path).parent if path is not None else Path(".")
    return _Loader(base).run(source)


def analyze_path(path: str | os.PathLike[str]) -> Analysis:
    """Load what can be loaded from the file at `path`; never raises for bad input."""
    shown = os.fspath(path)
    source, problem = read_source(Path(shown), shown)
    loader = _Loader(Path(shown).parent)
    if source is None:
        assert problem is not None
        empty = SourceText.from_text("", shown)
        analysis = loader.run(empty)
        analysis.diagnostics = [problem]
        if problem.kind != "io":
            analysis.sources[shown] = read_lossy(Path(shown), shown)
        return analysis
    return loader.run(source)


def analyze_bytes(data: bytes, path: str | None = None) -> Analysis:
    """Load what can be loaded from raw bytes (stdin): bad UTF-8 is a load error, as in a file."""
    shown = path if path is not None else "<string>"
    base = Path(path).parent if path is not None else Path(".")
    source, problem = decode(data, shown)
    if source is not None:
        return _Loader(base).run(source)
    assert problem is not None
    analysis = _Loader(base).run(SourceText.from_text("", shown))
    analysis.diagnostics = [problem]
    analysis.sources[shown] = SourceText.from_text(data.decode("utf-8", errors="replace"), shown)
    return analysis


class _Loader:
    """Follows includes from a root: each file once, never outside the root's folder."""

    def __init__(self, base: Path) -> None:
        self.root_dir = base.resolve()
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
        real = (self.root_dir / Path(root.path).name).resolve() if root.path != "<string>" else None
        self._file(root, real, [], included_from=None)
        mp, resolve_diags = resolve(self.built, root.path)
        if self.broken_include:
            resolve_diags = [d for d in resolve_diags if d.kind != "unknown-reference"]
        return Analysis(
            mp, sorted_diagnostics([*self.diags, *resolve_diags]), self.sources, self.parsed
        )

    def _file(
        self, source: SourceText, real: Path | None, stack: list[Path], included_from: Span | None
    ) -> None:
        if real is not None:
            self.done.add(real)
        self.sources[source.path] = source
        parsed = parse_source(source)
        self.parsed[source.path] = parsed
        built = build_file(parsed)
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

    def _include(self, inc: object, here: Path, shown_dir: str, chain: list[Path]) -> None:
        from crmdsl.model import Include

        assert isinstance(inc, Include)
        span = inc.span
        target = (here / inc.path).resolve()
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
        source, problem = read_source(target, shown)
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
                self.sources[shown] = read_lossy(target, shown)
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
