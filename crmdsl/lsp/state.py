"""What the language server knows: open texts in, each map's analysis and problems out.

Files are named by absolute resolved paths. A file with a `map "..."` header is a root;
a fragment belongs to the root under the workspace folders (or its own folder) that
includes it, or stands alone when none does. `analyse(root)` loads the map with the
open texts in place of the files on disk (`crmdsl.analyze_texts`), then lints it when
it loaded, as the live editor does, with the config that applies to the map (its nearest
config file). Nothing here imports pygls.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import crmdsl

__all__ = ["MapResult", "State", "is_root_text"]

_HEADER = re.compile(r'^\ufeff?map[ \t]+"', re.MULTILINE)
_SKIPPED = {"node_modules", "__pycache__", ".git", ".venv"}


def is_root_text(text: str) -> bool:
    """True when the text has a `map "Title"` header line (a cheap look, no parse)."""
    return _HEADER.search(text) is not None


@dataclass(slots=True)
class MapResult:
    """One analysis of a map: its files (resolved path -> the name spans use), problems."""

    root: str
    analysis: crmdsl.Analysis
    problems: list[crmdsl.Diagnostic]
    files: dict[str, str]
    seconds: float


@dataclass(slots=True)
class State:
    """Open texts, the root of each file, and the latest result of each map."""

    folders: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    roots: dict[str, str] = field(default_factory=dict)
    results: dict[str, MapResult] = field(default_factory=dict)
    config: crmdsl.LintConfig | None = None

    def open(self, path: str, text: str) -> None:
        """A file was opened or changed in the editor."""
        self.texts[path] = text

    def forget(self, path: str) -> None:
        """Look for the root of a file again next time (a saved file may be included now)."""
        self.roots.pop(path, None)

    def close(self, path: str) -> None:
        """A file was closed: its text comes from the disk again."""
        self.texts.pop(path, None)

    def root_of(self, path: str) -> str:
        """The root of the map a file belongs to (itself for a root or a lone fragment)."""
        text = self.texts.get(path)
        if text is None:
            try:
                text = Path(path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
        if is_root_text(text):
            self.roots[path] = path
            return path
        known = self.roots.get(path)
        if known is not None and known in self.results and path in self.results[known].files:
            return known  # found before (itself, for a fragment that no root includes)
        for root in self._candidates(path):
            result = self.analyse(root)
            if path in result.files:
                return root
        self.roots[path] = path
        return path

    def _candidates(self, path: str) -> list[str]:
        """Root files under the workspace folders that hold `path` (or its own folder)."""
        here = Path(path).parent
        folders = [Path(f) for f in self.folders if here.is_relative_to(f)] or [here]
        found: list[str] = []
        for folder in folders:
            for candidate in sorted(folder.rglob("*.crm")):
                if _SKIPPED & set(candidate.relative_to(folder).parts[:-1]):
                    continue
                real = str(candidate.resolve())
                text = self.texts.get(real)
                if text is None:
                    try:
                        text = candidate.read_text(encoding="utf-8", errors="replace")
                    except OSError:
                        continue
                if real != path and is_root_text(text):
                    found.append(real)
        return found

    def analyse(self, root: str) -> MapResult:
        """Load and lint the map at `root` with the open texts; never raises for a bad map."""
        start = time.perf_counter()
        analysis = crmdsl.analyze_texts(root, self.texts)
        problems = list(analysis.diagnostics)
        if analysis.ok:
            problems = list(crmdsl.lint(analysis, self._config(root)).findings)
        files = {str(Path(name).resolve()): name for name in analysis.sources}
        result = MapResult(root, analysis, problems, files, time.perf_counter() - start)
        self.results[root] = result
        for real in files:
            self.roots[real] = root
        return result

    def _config(self, root: str) -> crmdsl.LintConfig | None:
        """The config that applies to a map (its nearest config file); defaults when broken."""
        if self.config is not None:
            return self.config
        try:
            return crmdsl.config_for(root)
        except crmdsl.CrmdslError:
            return None
