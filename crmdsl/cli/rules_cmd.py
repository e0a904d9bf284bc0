"""`crmdsl rules` and `crmdsl explain CODE`: the rule registry in, a table or a rule's words out.

`rules` shows each rule's code, name, severity and whether it runs under the config that
`crmdsl check` would use here (the nearest config file to the current folder, or
`--config`): a rich table on a terminal, plain columns in a pipe. `explain` prints a
rule's docstring in the layout of docs/rules.md; an unknown code is a usage error with the
closest codes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmdsl.cli.output import console, not_a_file
from crmdsl.errors import UsageError
from crmdsl.language.suggest import did_you_mean

if TYPE_CHECKING:
    from crmdsl.linter import LintConfig

__all__ = ["find_rule", "run_explain", "run_rules_list"]


def _config(config_file: str | None) -> LintConfig:
    from crmdsl.linter import LintConfig, registry
    from crmdsl.linter.config import find_config, load_config

    known = list(registry())
    if config_file is not None:
        if not Path(config_file).is_file():
            raise UsageError(f"--config: {not_a_file(config_file)}")
        return load_config(config_file, known, shown=config_file)
    found = find_config(Path.cwd())
    return load_config(found, known) if found is not None else LintConfig()


def run_rules_list(config_file: str | None, output_format: str = "table") -> int:
    """Print the rule table; return the exit code."""
    from crmdsl.linter import registry

    if output_format not in ("table", "json"):
        raise UsageError(f"--format: `{output_format}` is not a format; use table or json")
    config = _config(config_file)
    rows = []
    for code, rule in registry().items():
        level = config.severity_of(code, rule.severity)
        on = config.enabled(code, rule.severity)
        rows.append((code, rule.name, rule.severity, level, on))
    if output_format == "json":
        data = {
            "config": config.source,
            "rules": [
                {"code": c, "name": n, "default": d, "severity": s, "enabled": on}
                for c, n, d, s, on in rows
            ],
        }
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return 0
    out = console(rich=sys.stdout.isatty())
    shown = [(c, n, s if s != "off" else d, "on" if on else "off") for c, n, d, s, on in rows]
    if sys.stdout.isatty():
        from rich.table import Table

        table = Table(
            title=f"crmdsl rules ({config.source or 'default config'})", title_justify="left"
        )
        for head in ("code", "name", "severity", "on"):
            table.add_column(head)
        for row in shown:
            table.add_row(*row, style=None if row[3] == "on" else "dim")
        out.print(table)
        return 0
    widths = [
        max(len(r[i]) for r in [("code", "name", "severity", "on"), *shown]) for i in range(4)
    ]
    for row in [("code", "name", "severity", "on"), *shown]:
        out.print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return 0


def find_rule(code: str) -> tuple[str, Any]:
    """The rule with this code (any case) or kebab-case name; `UsageError` with did-you-mean."""
    from crmdsl.linter import registry

    rules = registry()
    wanted = code.strip()
    if wanted.upper() in rules:
        return wanted.upper(), rules[wanted.upper()]
    for c, rule in rules.items():
        if rule.name == wanted.lower():
            return c, rule
    pool = [*rules, *(r.name for r in rules.values())]
    hint = did_you_mean(
        wanted.upper() if wanted[:1].isalpha() and len(wanted) == 4 else wanted, pool
    )
    raise UsageError(
        f"no rule `{code}`" + (f"; {hint}" if hint else "") + " (`crmdsl rules` lists them all)"
    )


def run_explain(code: str) -> int:
    """Print one rule's explanation; return the exit code."""
    from crmdsl.linter.ruledoc import explain_text

    found, rule = find_rule(code)
    text = explain_text(found, rule.name, rule.severity, rule.doc)
    out = console()
    lines = text.rstrip("\n").split("\n")
    from rich.text import Text

    for number, line in enumerate(lines):
        styled = Text(line)
        if number == 0:
            styled.stylize("bold", 0, len(found))
        elif line.startswith(("What it does:", "Why it matters:", "Example:", "Fix:")):
            styled.stylize("bold", 0, line.index(":") + 1)
        out.print(styled)
    return 0
