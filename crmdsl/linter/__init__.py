"""The linter: a loaded map, a config and a date in; weighed, suppressed, sorted findings out.

`lint` runs the rules of `crmdsl.rules` that the config enables, gives each finding the
severity the config says (preset, then per-code setting), drops what suppression
comments silence, then runs the rules that read the suppression pass (M005, unused
suppressions) and sorts the rest in the one order of findings (`finding_order`: file,
line, column, code). The rules and their safe fixes live in `crmdsl/rules/`;
`crmdsl.linter.fixes` turns a fix into a `Patch`; the output formats are in
`crmdsl.linter.formats` and `crmdsl.linter.sarif`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from crmdsl.errors import Diagnostic, LoadError, finding_order
from crmdsl.linter.config import ConfigError, LintConfig
from crmdsl.linter.suppress import find_suppressions, silence
from crmdsl.model import CrmMap

if TYPE_CHECKING:
    from crmdsl.language.loader import Analysis

__all__ = ["ConfigError", "LintConfig", "LintResult", "lint", "lint_states", "registry"]


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
    from crmdsl.rules import RuleContext, SuppressionPass, run_rules

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

    codes = [code for code in rules if enabled(code)]
    ctx = RuleContext(
        crm_map,
        today,
        max_review_age=config.max_review_age,
        max_handoffs=config.max_handoffs,
        max_measurement_age=config.max_measurement_age,
        standalone=standalone,
    )
    first = [code for code in codes if not rules[code].after_suppressions]
    found = [weigh(d) for d in run_rules(ctx, first) if d.code in rules and enabled(d.code)]
    suppressions = find_suppressions(crm_map, lines_of)
    silenced = silence(found, suppressions)
    kept = [d for d, hit in zip(found, silenced, strict=True) if not hit]
    dropped = len(found) - len(kept)
    # M005 reads which suppressions silenced something; a suppression may silence it too
    ctx.suppressions = SuppressionPass(suppressions, rules.keys(), enabled)
    after = [weigh(d) for d in run_rules(ctx, [c for c in codes if c not in first])]
    for diag, hit in zip(after, silence(after, suppressions), strict=True):
        if hit:
            dropped += 1
        else:
            kept.append(diag)
    kept.sort(key=finding_order)
    return LintResult(kept, dropped, config, today)


def lint_states(
    crm_map: CrmMap,
    config: LintConfig | None = None,
    today: dt.date | None = None,
    standalone: bool = False,
) -> tuple[list[Diagnostic], list[Diagnostic]] | None:
    """The findings of the as-is map and of the to-be map; None when the map has no plan.

    What the report's "From as-is to to-be" compares: the findings the plan clears and
    the ones it brings.
    """
    from crmdsl.query.lifecycle import lifecycles, select_state

    if not lifecycles(crm_map):
        return None
    as_is = lint(select_state(crm_map, "as-is"), config, today, standalone=standalone)
    to_be = lint(select_state(crm_map, "to-be"), config, today, standalone=standalone)
    return as_is.findings, to_be.findings
