"""The linter: a loaded map, a config and a date in; weighed, suppressed, sorted findings out.

`lint` runs the rules of `crmdsl.rules` that the config enables, gives each finding the
severity the config says (preset, then per-code setting), drops what suppression
comments silence, adds M005 for suppressions that silence nothing, and sorts the rest
by file, line, column and code. The rules themselves live in `crmdsl/rules/`; the output
formats in `crmdsl.linter.formats` and `crmdsl.linter.sarif`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from crmdsl.errors import Diagnostic, LoadError, Span
from crmdsl.linter.config import ConfigError, LintConfig
from crmdsl.linter.suppress import Suppression, apply_suppressions, find_suppressions, silence
from crmdsl.model import CrmMap

if TYPE_CHECKING:
    from crmdsl.language.loader import Analysis

__all__ = ["ConfigError", "LintConfig", "LintResult", "finding_sort_key", "lint", "registry"]

UNUSED_SUPPRESSION = "M005"


def registry() -> Mapping[str, Any]:
    """Every rule by code, in code order (`crmdsl.rules.RULES`)."""
    from crmdsl.rules import RULES

    return RULES


@dataclass(slots=True)
class LintResult:
    """What `lint` found: the findings to show and how many suppressions silenced."""

    findings: list[Diagnostic]
    suppressed: int
    config: LintConfig
    today: dt.date

    def counts(self) -> dict[str, int]:
        """Findings by severity: `{"error": n, "warning": n, "info": n}`."""
        out = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            out[f.severity] = out.get(f.severity, 0) + 1
        return out

    @property
    def failed(self) -> bool:
        """True when some finding is at or above the config's `fail-on`."""
        return any(self.config.fails(f.severity) for f in self.findings)


def finding_sort_key(d: Diagnostic) -> tuple[str, int, int, str, str]:
    """File, line, column, code, message."""
    s = d.span
    if s is None:
        return ("", 0, 0, d.code, d.message)
    return (s.file, s.line, s.col, d.code, d.message)


def lint(
    target: Analysis | CrmMap,
    config: LintConfig | None = None,
    today: dt.date | None = None,
    standalone: bool = False,
) -> LintResult:
    """Lint a loaded map (or an `Analysis` without load errors).

    `standalone` says the file is checked on its own, not through a root (M001).
    Raises `LoadError` when given an analysis with load errors: such a map is not linted.
    """
    from crmdsl.rules import RuleContext, run_rules

    config = config or LintConfig()
    today = today or dt.date.today()
    if isinstance(target, CrmMap):
        crm_map, lines_of = target, None
    else:
        if target.diagnostics:
            raise LoadError(target.diagnostics)
        crm_map, lines_of = target.map, target.lines_of()
    rules = registry()

    def enabled(code: str) -> bool:
        rule = rules.get(code)
        return rule is not None and config.enabled(code, rule.severity)

    def weigh(diag: Diagnostic) -> Diagnostic:
        rule = rules[diag.code]
        return replace(diag, kind=rule.name, severity=config.severity_of(diag.code, rule.severity))

    codes = [code for code in rules if code != UNUSED_SUPPRESSION and enabled(code)]
    ctx = RuleContext(
        crm_map,
        today,
        max_review_age=config.max_review_age,
        max_handoffs=config.max_handoffs,
        standalone=standalone,
    )
    found = [weigh(d) for d in run_rules(ctx, codes) if d.code in rules and enabled(d.code)]
    suppressions = find_suppressions(crm_map, lines_of)

    def unused(s: Suppression, message: str, span: Span, codes: list[str]) -> Diagnostic:
        rule = rules.get(UNUSED_SUPPRESSION)
        name = rule.name if rule is not None else "unused-suppression"
        default = rule.severity if rule is not None else "info"
        return Diagnostic(
            name,
            message,
            span,
            hint="remove it, or name the code of a finding on this statement",
            severity=config.severity_of(UNUSED_SUPPRESSION, default),
            code=UNUSED_SUPPRESSION,
            extra={"codes": codes, "whole_file": s.whole_file},
        )

    kept, dropped, idle = apply_suppressions(found, suppressions, rules.keys(), enabled, unused)
    if enabled(UNUSED_SUPPRESSION):
        for diag, hit in zip(idle, silence(idle, suppressions), strict=True):
            if hit:
                dropped += 1
            else:
                kept.append(diag)
    kept.sort(key=finding_sort_key)
    return LintResult(kept, dropped, config, today)
