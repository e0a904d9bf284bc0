"""Lint rules: the registry of every rule (docs/rules.md) and the function that runs them.

In: a resolved map in a `RuleContext`. Out: `Diagnostic` findings (`run_rules`). `RULES`
maps each code to its `Rule` (code, name, default severity, group, docs, check, and its
safe fix when it has one: `Rule.fixable`). A fix takes a finding, the map and a
`FixText` (positions in the map's text) and gives a `Fix` (text edits). M005 reads the
linter's `SuppressionPass`, which the linter puts in the context before running it.
"""

from __future__ import annotations

from crmdsl.rules.registry import (
    RULES,
    Fix,
    FixText,
    Rule,
    RuleContext,
    SuppressionPass,
    run_rules,
)

__all__ = ["RULES", "Fix", "FixText", "Rule", "RuleContext", "SuppressionPass", "run_rules"]
