"""`crmdsl report MAP`: a map in; its Markdown report out, on stdout or to `-o FILE`.

The map is loaded (load errors: printed to stderr, exit 2), linted with the config that
`crmdsl check` would use, and rendered by `crmdsl.reporting.report`. The exit code is 0 whatever
the findings: the report shows them, it does not judge them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from crmdsl.cli.check import CheckOptions, config_for, load_or_report, parse_today

__all__ = ["run_report"]


def run_report(
    path: str,
    output: Path | None,
    today: str | None,
    config_file: str | None,
    stdin_filename: str | None,
) -> int:
    """Write the report; return the exit code."""
    from crmdsl.linter import lint
    from crmdsl.reporting.report import render_report

    day = parse_today(today)
    crm_map = load_or_report(path, stdin_filename)
    if crm_map is None:
        return 2
    # the root file: a fragment named on the command line is reported through its root
    shown = crm_map.root or stdin_filename or ("<stdin>" if path == "-" else path)
    config = config_for(shown, CheckOptions(config_file=config_file))
    result = lint(crm_map, config, day, standalone=crm_map.header is None)
    text = render_report(crm_map, result.findings, day, path=shown, suppressed=result.suppressed)
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        return 0
    from crmdsl.cli.output import write_output

    write_output(output, text)
    print(f"wrote {output}", file=sys.stderr)
    return 0
