"""Lint rules: the registry of every rule (docs/rules.md) and the function that runs them.

In: a resolved map in a `RuleContext`. Out: `Diagnostic` findings (`run_rules`). `RULES`
maps each code to its `Rule` (code, name, default severity, group, docs, check).
"""

from __future__ import annotations

from crmdsl.rules.registry import RULES, Rule, RuleContext, run_rules

__all__ = ["RULES", "Rule", "RuleContext", "run_rules"]
