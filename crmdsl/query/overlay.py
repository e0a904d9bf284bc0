"""Analysis with open texts: a map's root path and some files' unsaved texts in, an `Analysis` out.

An editor holds files that differ from what is on disk. `analyze_texts(path, texts)`
loads the map at `path` as `analyze_path` does, but reads every file named in `texts`
(by absolute, resolved path) from there: the root and any included fragment. Spans name
files as `analyze_path` does (the root as given, includes relative to it). Never raises
for bad input.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from crmdsl.errors import Span
from crmdsl.language.loader import Analysis, _Loader, _resolved, analyze_path
from crmdsl.language.source import SourceText, read_source

__all__ = ["analyze_texts"]


class _OpenLoader(_Loader):
    """The loader, reading the files it is given from `texts` instead of the disk."""

    def __init__(self, base: Path, texts: Mapping[str, str]) -> None:
        super().__init__(base)
        self.texts = texts

    def _file(
        self, source: SourceText, real: Path | None, stack: list[Path], included_from: Span | None
    ) -> None:
        text = self.texts.get(str(real)) if real is not None else None
        if text is not None:
            source = SourceText.from_text(text, source.path)
        super()._file(source, real, stack, included_from)


def analyze_texts(path: str | os.PathLike[str], texts: Mapping[str, str]) -> Analysis:
    """Load what can be loaded of the map at `path`, taking files' texts from `texts`.

    `texts` maps absolute resolved paths (`str(Path(p).resolve())`) to their current text.
    A root that is neither in `texts` nor readable gives the same `io` error as
    `analyze_path`.
    """
    shown = os.fspath(path)
    resolved = _resolved(Path(shown))  # None for a name no file can have (a NUL)
    real = str(resolved) if resolved is not None else shown
    text = texts.get(real)
    source, _ = (
        (SourceText.from_text(text, shown), None)
        if text is not None
        else read_source(Path(shown), shown)
    )
    if source is None:
        return analyze_path(shown)
    return _OpenLoader(Path(shown).parent, texts).run(source)
