"""crmdsl: a company's CRM map as text, checked, rendered to Mermaid, kept current.

This module is the public API; everything else in the package is private and may
change. Names are imported on first use (PEP 562), so `import crmdsl` costs almost
nothing and loads no parser, pydantic, rich or typer until a function is called.

Loading (text in, resolved map out):
    `load(path)`, `loads(text, path=None)` -> `CrmMap` (raise `LoadError`);
    `analyze(text, path=None)`, `analyze_path(path)`, `analyze_bytes(data, path=None)`
    -> `Analysis` (never raise for bad input; bounded by `Limits`).
Checking: `lint(map_or_analysis, config=None, today=None)` -> `LintResult`;
    `config_for(path)` -> the `LintConfig` that applies to a map;
    `fixes_for(finding, analysis)` -> a `Patch` or None; `fix_all(findings, analysis)`.
Drawing: `render(map, view, id=None)` -> `Diagram`; `VIEWS` the view names;
    `view_subjects(map, view)` -> what each view can draw.
Formatting: `format_text(text, path="<string>")` -> the canonical text.
Reporting: `report(map, findings=None, today=None, path=None)` -> Markdown;
    `markdown_inline`, `markdown_cell`, `markdown_heading`, `html_text`: user text made
    inert for Markdown and HTML.
Changing: `crmdsl.edit`, the edit operations (each returns a `Patch`).
Comparing: `diff_maps(old, new)` -> `MapDiff`, what changed in meaning (`crmdsl diff`).
Navigating (for editors): `symbol_at`, `definition_of`, `references_to`, `hover_text`,
    `completions_at`, `document_symbols`, on an `Analysis` and a position.

See docs/api.md.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crmdsl import edit
    from crmdsl.diffing import MapDiff, diff_maps
    from crmdsl.edit.patch import Patch
    from crmdsl.errors import (
        CrmdslError,
        Diagnostic,
        LoadError,
        Span,
        UsageError,
        render_diagnostic,
    )
    from crmdsl.errors import Diagnostic as Finding
    from crmdsl.fileio import write_atomic
    from crmdsl.formatter import NotFormattable, format_text
    from crmdsl.language.limits import Limits
    from crmdsl.language.loader import Analysis, analyze, analyze_bytes, analyze_path, load, loads
    from crmdsl.language.schema import FIELD_FLAGS, FIELD_TYPES, KNOWN_WORDS
    from crmdsl.linter import LintResult, lint
    from crmdsl.linter.config import ConfigError, LintConfig, config_for
    from crmdsl.linter.fixes import fix_all, fixes_for
    from crmdsl.model import CrmMap
    from crmdsl.query.lifecycle import effective_lifecycle, select_state
    from crmdsl.query.navigation import (
        Completion,
        Occurrence,
        OutlineItem,
        Symbol,
        completions_at,
        definition_of,
        document_symbols,
        hover_text,
        references_to,
        symbol_at,
    )
    from crmdsl.query.overlay import analyze_texts
    from crmdsl.query.returns import GoalReturn, goal_return
    from crmdsl.reporting.facts import lineage, longest_path, rule_info
    from crmdsl.reporting.processes import handoffs
    from crmdsl.views import render
    from crmdsl.views.common import Diagram, ViewError
    from crmdsl.views.markup import html_text, markdown_cell, markdown_heading, markdown_inline
    from crmdsl.views.svg import MermaidRenderer, render_svgs

    VIEWS: tuple[str, ...]

from crmdsl.version import __version__

#: public name -> the private module that defines it.
_EXPORTS: dict[str, str] = {
    "Analysis": "crmdsl.language.loader",
    "analyze": "crmdsl.language.loader",
    "analyze_bytes": "crmdsl.language.loader",
    "analyze_path": "crmdsl.language.loader",
    "load": "crmdsl.language.loader",
    "loads": "crmdsl.language.loader",
    "Limits": "crmdsl.language.limits",
    "CrmMap": "crmdsl.model",
    "MapDiff": "crmdsl.diffing",
    "diff_maps": "crmdsl.diffing",
    "CrmdslError": "crmdsl.errors",
    "Diagnostic": "crmdsl.errors",
    "LoadError": "crmdsl.errors",
    "Span": "crmdsl.errors",
    "UsageError": "crmdsl.errors",
    "render_diagnostic": "crmdsl.errors",
    "lint": "crmdsl.linter",
    "LintResult": "crmdsl.linter",
    "ConfigError": "crmdsl.linter.config",
    "LintConfig": "crmdsl.linter.config",
    "config_for": "crmdsl.linter.config",
    "fix_all": "crmdsl.linter.fixes",
    "fixes_for": "crmdsl.linter.fixes",
    "format_text": "crmdsl.formatter",
    "NotFormattable": "crmdsl.formatter",
    "render": "crmdsl.views",
    "Diagram": "crmdsl.views.common",
    "ViewError": "crmdsl.views.common",
    "markdown_inline": "crmdsl.views.markup",
    "markdown_cell": "crmdsl.views.markup",
    "markdown_heading": "crmdsl.views.markup",
    "html_text": "crmdsl.views.markup",
    "Patch": "crmdsl.edit.patch",
    "KNOWN_WORDS": "crmdsl.language.schema",
    "FIELD_FLAGS": "crmdsl.language.schema",
    "FIELD_TYPES": "crmdsl.language.schema",
    "render_svgs": "crmdsl.views.svg",
    "MermaidRenderer": "crmdsl.views.svg",
    "write_atomic": "crmdsl.fileio",
    "lineage": "crmdsl.reporting.facts",
    "longest_path": "crmdsl.reporting.facts",
    "rule_info": "crmdsl.reporting.facts",
    "handoffs": "crmdsl.reporting.processes",
    "goal_return": "crmdsl.query.returns",
    "GoalReturn": "crmdsl.query.returns",
    "effective_lifecycle": "crmdsl.query.lifecycle",
    "select_state": "crmdsl.query.lifecycle",
    "Symbol": "crmdsl.query.navigation",
    "Occurrence": "crmdsl.query.navigation",
    "Completion": "crmdsl.query.navigation",
    "OutlineItem": "crmdsl.query.navigation",
    "symbol_at": "crmdsl.query.navigation",
    "definition_of": "crmdsl.query.navigation",
    "references_to": "crmdsl.query.navigation",
    "hover_text": "crmdsl.query.navigation",
    "completions_at": "crmdsl.query.navigation",
    "document_symbols": "crmdsl.query.navigation",
    "analyze_texts": "crmdsl.query.overlay",
}

# Written out (not built from `_EXPORTS`) so that type checkers and linters see the
# public names; tests/test_architecture.py checks it names `_EXPORTS` and the rest.
__all__ = [
    "Analysis",
    "Completion",
    "ConfigError",
    "CrmMap",
    "CrmdslError",
    "Diagnostic",
    "Diagram",
    "FIELD_FLAGS",
    "FIELD_TYPES",
    "Finding",
    "GoalReturn",
    "KNOWN_WORDS",
    "Limits",
    "LintConfig",
    "LintResult",
    "LoadError",
    "MapDiff",
    "MermaidRenderer",
    "NotFormattable",
    "Occurrence",
    "OutlineItem",
    "Patch",
    "Span",
    "Symbol",
    "UsageError",
    "VIEWS",
    "ViewError",
    "__version__",
    "analyze",
    "analyze_bytes",
    "analyze_path",
    "analyze_texts",
    "completions_at",
    "config_for",
    "definition_of",
    "diff_maps",
    "document_symbols",
    "edit",
    "effective_lifecycle",
    "fix_all",
    "fixes_for",
    "format_text",
    "goal_return",
    "handoffs",
    "hover_text",
    "html_text",
    "lineage",
    "lint",
    "load",
    "loads",
    "longest_path",
    "markdown_cell",
    "markdown_heading",
    "markdown_inline",
    "references_to",
    "render",
    "render_diagnostic",
    "render_svgs",
    "report",
    "rule_info",
    "select_state",
    "symbol_at",
    "view_subjects",
    "write_atomic",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
    elif name == "VIEWS":
        value = tuple(import_module("crmdsl.views").VIEWS)
    elif name == "Finding":
        value = import_module("crmdsl.errors").Diagnostic
    elif name == "edit":
        value = import_module("crmdsl.edit")
    else:
        raise AttributeError(f"module 'crmdsl' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


def report(
    crm_map: CrmMap,
    findings: Sequence[Diagnostic] | None = None,
    today: _dt.date | None = None,
    path: str | None = None,
    *,
    diagrams: bool = False,
    plan: bool = True,
) -> str:
    """The stakeholder report of a map as Markdown (what `crmdsl report` writes).

    `findings` are listed in its last section (e.g. `lint(map).findings`); `today`
    dates the page and the review checks (default: today); `path` names the map.
    `diagrams` embeds the diagrams as `mermaid` blocks (as `crmdsl report` does);
    `plan` lints the as-is and the to-be map (default config) for "From as-is to
    to-be", when the map has planned or retiring elements.
    """
    from crmdsl.linter import lint_states
    from crmdsl.reporting.report import render_report

    day = today or _dt.date.today()
    states = lint_states(crm_map, None, day) if plan else None
    return render_report(crm_map, findings, day, path=path, states=states, diagrams=diagrams)


def view_subjects(crm_map: CrmMap, view: str) -> list[str | None]:
    """What `view` can draw for this map: every journey, process or pii field, or the map."""
    from crmdsl.views import subjects

    return subjects(crm_map, view)
