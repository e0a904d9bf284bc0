"""One run of the live analysis: the editor's text in, a `Snapshot` (map, problems) out.

`analyse(job)` loads the map with the text being edited (the root's, or an included
file's: the other files come from disk), then lints it when it loaded. The
editor runs it in a worker thread and tags each run with a generation number, so a
result that arrives after a newer edit is dropped. Nothing here imports Textual.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import crmdsl

__all__ = ["SEVERITIES", "Job", "Snapshot", "analyse", "counts"]

#: Severities from worst to mildest; load errors are `error`.
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Job:
    """What to analyse: the root's path, the open file's text, and which file that is.

    `file` None means the open file is the root; `text` None reads everything from disk.
    """

    generation: int
    root: Path
    text: str | None
    config: crmdsl.LintConfig | None = None
    file: Path | None = None


@dataclass(slots=True)
class Snapshot:
    """What one analysis gave: the analysis, every problem in file order, and its cost."""

    generation: int
    analysis: crmdsl.Analysis
    problems: list[crmdsl.Diagnostic] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def loaded(self) -> bool:
        """True when the map loaded without a load error (outline and preview are current)."""
        return self.analysis.ok


def analyse(job: Job) -> Snapshot:
    """Load and lint the map of `job`; never raises for a bad map."""
    start = time.perf_counter()
    analysis = _load(job)
    problems = list(analysis.diagnostics)
    if analysis.ok:
        problems = list(crmdsl.lint(analysis, job.config).findings)
    return Snapshot(job.generation, analysis, problems, time.perf_counter() - start)


def _load(job: Job) -> crmdsl.Analysis:
    shown = str(job.root)
    if job.text is None:
        return crmdsl.analyze_path(shown)
    if job.file is None:
        return crmdsl.analyze(job.text, shown)
    try:
        analyze_texts = crmdsl.analyze_texts  # type: ignore[attr-defined,unused-ignore]
    except (AttributeError, ImportError):  # an older crmdsl: the saved text of the file
        return crmdsl.analyze_path(shown)
    return analyze_texts(shown, {str(job.file.resolve()): job.text})  # type: ignore[no-any-return,unused-ignore]


def counts(problems: list[crmdsl.Diagnostic]) -> dict[str, int]:
    """Problems by severity: `{"error": n, "warning": n, "info": n}`."""
    out = dict.fromkeys(SEVERITIES, 0)
    for problem in problems:
        out[problem.severity] = out.get(problem.severity, 0) + 1
    return out
