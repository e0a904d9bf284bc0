"""The pipeline leaves no reference cycles: reference counting frees each analysis at once.

The editor and the language server analyse a map at every pause in typing; garbage in
cycles piles up until Python's cyclic collector runs, and its pass over a 10k-line map
holds the event loop for hundreds of milliseconds. Deliberate bugs caught: the builder
keeping its bound head readers (builder -> dict -> method -> builder, holding every node
it built), and the flowchart writer's recursive inner function (function -> cell ->
function, holding the chart).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable
from pathlib import Path

import pytest

import crmdsl

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 23)


def _cycles_left_by(work: Callable[[], object]) -> int:
    """Objects in reference cycles that `work` leaves (run once before, to fill caches)."""
    work()
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        work()
        return gc.collect()
    finally:
        if enabled:
            gc.enable()


def _everything(path: Path) -> None:
    analysis = crmdsl.analyze_path(path)
    findings = crmdsl.lint(analysis, today=TODAY).findings
    crm_map = analysis.map
    for view in crmdsl.VIEWS:
        for subject in crmdsl.view_subjects(crm_map, view) or [None]:
            crmdsl.render(crm_map, view, subject)
    crmdsl.report(crm_map, findings, TODAY, str(path))
    crmdsl.format_text(path.read_text(encoding="utf-8"))
    root = str(path)
    crmdsl.symbol_at(analysis, root, 5, 5)
    crmdsl.hover_text(analysis, root, 5, 5)
    list(crmdsl.document_symbols(analysis))
    crmdsl.completions_at(analysis, path.read_text(encoding="utf-8"), root, 5, 3)


@pytest.mark.parametrize("example", ["acme.crm", "shop/shop.crm"])
def test_analysing_linting_rendering_and_navigating_leave_no_cycles(example: str) -> None:
    path = ROOT / "examples" / example
    assert _cycles_left_by(lambda: _everything(path)) == 0
