"""`crmdsl report MAP`: a map in; its report out (Markdown, JSON or HTML), on stdout or to `-o FILE`.

The map is loaded (load errors: printed to stderr, exit 2) and linted with the config
that `crmdsl check` would use; a map with a plan (`planned` or `retiring` elements) is
also linted as its as-is and its to-be map, for what the plan clears and introduces.
Then `crmdsl.reporting` writes it:

- `md` (the default): Markdown, with the diagrams as `mermaid` blocks (`--no-diagrams`
  leaves them out);
- `json`: the report's figures for tools;
- `html`: one self-contained page, the diagrams drawn to inline SVG by the local Mermaid
  renderer (`crmdsl render`'s: mermaid-cli in headless Chromium; missing: a message
  with the install commands, exit 2); `--no-diagrams` needs no renderer.

The exit code is 0 whatever the findings: the report shows them, it does not judge them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from crmdsl.cli.check import CheckOptions, config_for, load_or_report, parse_today
from crmdsl.errors import UsageError

__all__ = ["REPORT_FORMATS", "run_report"]

REPORT_FORMATS = ("md", "json", "html")


def _html(markdown: str, title: str, chromium: str | None, mermaid_cli: str | None) -> str:
    """The Markdown report as one HTML page, its diagrams rendered to SVG in one browser."""
    from crmdsl.reporting.html import markdown_to_html, mermaid_blocks
    from crmdsl.views.svg import MermaidRenderer, RendererNotFoundError, RenderError

    blocks = mermaid_blocks(markdown)
    if not blocks:
        return markdown_to_html(markdown, title, [])
    try:
        with MermaidRenderer(chromium=chromium, cli_dir=mermaid_cli) as renderer:
            results = renderer.render_many(blocks, "svg")
    except RendererNotFoundError as error:
        raise UsageError(str(error)) from None
    except RenderError as error:
        raise UsageError(f"the Mermaid renderer failed: {error}") from None
    failed = [r.error for r in results if not r.ok or r.svg is None]
    if failed:
        raise UsageError(
            f"Mermaid could not render a diagram of the report: {failed[0]}\n"
            "(this is a bug in crmdsl; please report it with the map)"
        )
    return markdown_to_html(markdown, title, [r.svg or "" for r in results])


def run_report(
    path: str,
    output: Path | None,
    today: str | None,
    config_file: str | None,
    stdin_filename: str | None,
    *,
    fmt: str = "md",
    diagrams: bool = True,
    chromium: str | None = None,
    mermaid_cli: str | None = None,
    quiet: bool = False,
) -> int:
    """Write the report; return the exit code (`quiet`: no `wrote FILE` line)."""
    from crmdsl.linter import lint, lint_states
    from crmdsl.reporting.report import render_report, report_data

    if fmt not in REPORT_FORMATS:
        raise UsageError(f"--format must be one of {', '.join(REPORT_FORMATS)}, not {fmt}")
    day = parse_today(today)
    crm_map = load_or_report(path, stdin_filename)
    if crm_map is None:
        return 2
    # the root file: a fragment named on the command line is reported through its root
    shown = crm_map.root or stdin_filename or ("<stdin>" if path == "-" else path)
    config = config_for(shown, CheckOptions(config_file=config_file))
    standalone = crm_map.header is None
    result = lint(crm_map, config, day, standalone=standalone)
    states = lint_states(crm_map, config, day, standalone)
    if fmt == "json":
        data = report_data(
            crm_map, result.findings, day, path=shown, suppressed=result.suppressed, states=states
        )
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = render_report(
            crm_map,
            result.findings,
            day,
            path=shown,
            suppressed=result.suppressed,
            states=states,
            diagrams=diagrams,
        )
        if fmt == "html":
            text = _html(text, f"{crm_map.title or shown}: CRM map report", chromium, mermaid_cli)
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        return 0
    from crmdsl.cli.output import write_output

    write_output(output, text)
    if not quiet:
        print(f"wrote {output}", file=sys.stderr)
    return 0
