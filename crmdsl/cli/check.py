"""`crmdsl check`: paths in, load errors (and later findings) out, with an exit code.

Maps are found by `crmdsl.workspace` (each root once, fragments through their roots).
A map that does not load shows every load error and is not linted; exit 2 wins.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

from ..api import Analysis, analyze
from ..errors import Diagnostic
from ..model import CrmMap
from ..workspace import MapRun, find_maps
from .output import console, print_diagnostic

__all__ = ["load_or_report", "maps_from_args", "run_check"]


def maps_from_args(paths: Sequence[str], stdin_filename: str | None) -> list[MapRun]:
    """The maps named on the command line; `-` reads one map from stdin."""
    runs: list[MapRun] = []
    files = [p for p in paths if p != "-"]
    if "-" in paths:
        text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
        name = stdin_filename or "<stdin>"
        runs.append(MapRun(name, analyze(text, name)))
    if files:
        runs.extend(find_maps(files))
    return runs


def load_or_report(path: str, stdin_filename: str | None = None) -> CrmMap | None:
    """Load one map, or print its load errors to stderr and return None."""
    run = maps_from_args([path], stdin_filename)[0]
    if run.analysis.diagnostics:
        out = console(stderr=True)
        for diag in run.analysis.diagnostics:
            print_diagnostic(out, diag, run.analysis.lines_of())
        _summary_load(out, [run])
        return None
    return run.analysis.map


def run_check(paths: Sequence[str], output_format: str, stdin_filename: str | None, *, quiet: bool) -> int:
    """Check the maps; print in the chosen format; return the exit code."""
    runs = maps_from_args(paths, stdin_filename)
    code = 2 if any(r.analysis.diagnostics for r in runs) else 0
    if quiet:
        return code
    if output_format == "json":
        sys.stdout.write(json.dumps(_json_report(runs), indent=2) + "\n")
        return code
    out = console()
    for run in runs:
        for diag in run.analysis.diagnostics:
            print_diagnostic(out, diag, run.analysis.lines_of())
    err = console(stderr=True)
    for run in runs:
        for note in run.notes:
            err.print(f"note: {note}")
    _summary_load(out, runs)
    return code


def _summary_load(out: object, runs: Sequence[MapRun]) -> None:
    from rich.console import Console

    assert isinstance(out, Console)
    failed = [r for r in runs if r.analysis.diagnostics]
    files = sum(len(r.analysis.sources) or 1 for r in runs)
    maps = f"{len(runs)} map" + ("s" if len(runs) != 1 else "")
    if failed:
        count = sum(len(r.analysis.diagnostics) for r in failed)
        bad_files = len({d.span.file for r in failed for d in r.analysis.diagnostics if d.span} or {""})
        noun = "load error" + ("s" if count != 1 else "")
        tail = "the map was not linted" if len(failed) == 1 else "those maps were not linted"
        out.print(f"{count} {noun} in {bad_files} file{'s' if bad_files != 1 else ''}; {tail}.")
    else:
        out.print(f"{maps} ({files} file{'s' if files != 1 else ''}) loaded; no load errors.")


def _json_report(runs: Sequence[MapRun]) -> dict[str, object]:
    return {
        "version": 1,
        "maps": [_json_map(r) for r in runs],
        "summary": {
            "maps": len(runs),
            "load_errors": sum(len(r.analysis.diagnostics) for r in runs),
        },
    }


def _json_map(run: MapRun) -> dict[str, object]:
    analysis: Analysis = run.analysis
    return {
        "path": run.path,
        "files": sorted(analysis.sources),
        "loaded": not analysis.diagnostics,
        "notes": run.notes,
        "load_errors": [d.to_json() for d in analysis.diagnostics],
    }


