"""Which maps to check: paths in, one entry per map (a root with its fragments) out.

docs/language.md, "Files and includes": checking a folder checks each root once with its
fragments; a fragment named on its own is checked through every root under the current
folder that includes it, and alone (with a note saying so) when none does.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from crmdsl.errors import UsageError
from crmdsl.language.loader import Analysis, analyze_path

__all__ = ["MapRun", "collect_files", "find_maps", "is_root_text"]

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


def collect_files(paths: Iterable[str]) -> list[str]:
    """Expand folders to the `.crm` files under them (sorted); keep files as given."""
    out: list[str] = []
    seen: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*.crm") if p.is_file() and not _hidden(p.relative_to(path))
            )
            if not found:
                raise UsageError(f"no .crm files in the folder {raw}")
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


def find_maps(paths: Sequence[str], search_root: str = ".") -> list[MapRun]:
    """Analyse every map the paths name, each root once, fragments through their roots."""
    files = collect_files(paths)
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
        others = _roots_under(search_root, exclude={os.path.realpath(r) for r in roots})
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
    try:
        head = Path(path).read_bytes()
    except OSError:
        return True  # let the loader report it
    return is_root_text(head.decode("utf-8", errors="replace"))


def _reached(analysis: Analysis) -> set[str]:
    return {os.path.realpath(p) for p in analysis.sources}


def _roots_under(folder: str, exclude: set[str]) -> dict[str, Analysis]:
    found: dict[str, Analysis] = {}
    for p in sorted(Path(folder).rglob("*.crm")):
        if _hidden(p.relative_to(folder)) or not p.is_file():
            continue
        shown = _shown(p)
        if os.path.realpath(shown) in exclude or not _is_root(shown):
            continue
        found[shown] = analyze_path(shown)
    return found


def _hidden(rel: Path) -> bool:
    return any(
        part.startswith(".") or part in {"node_modules", "__pycache__"} for part in rel.parts[:-1]
    )


def _shown(p: Path) -> str:
    text = str(p)
    return text[2:] if text.startswith("./") else text
