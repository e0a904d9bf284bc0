"""The typer app of the `crmdsl` command: the command line in; text, files and an exit code out.

The commands: `check` (load errors and lint findings; `--fix` applies safe fixes),
`rules` and `explain` (the lint rules), `report` (a Markdown analysis), `fmt` (the
canonical layout), `render` (diagrams), `docs` (fills generated blocks of Markdown
files), `schema` (the JSON Schema of the export), `export json`, `edit` (the live
editor) and `ask` (the assistant), plus `--version`. Longer commands keep their body in
`crmdsl/cli/<name>_cmd.py` (`check` in `check.py`); this module declares their options.

Exit codes everywhere: 0 clean, 1 findings at or above the failing severity, 2 a load
error or a usage error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crmdsl.cli.conventions import CrmdslGroup
from crmdsl.errors import CrmdslError, UsageError
from crmdsl.version import __version__

if TYPE_CHECKING:
    from crmdsl.cli.discover import Discovery

__all__ = ["app", "run"]

app = typer.Typer(
    name="crmdsl",
    help="Keep a company's CRM map as text: check it, render it to Mermaid, keep docs current.\n\n"
    "Example: crmdsl check examples",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=CrmdslGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
)
export_app = typer.Typer(help="Write the resolved map in another form.", no_args_is_help=True)
app.add_typer(export_app, name="export")


class CheckFormat(StrEnum):
    """Output formats of `crmdsl check`."""

    text = "text"
    concise = "concise"
    json = "json"
    sarif = "sarif"
    github = "github"


class Preset(StrEnum):
    """Lint presets."""

    recommended = "recommended"
    strict = "strict"


class LintState(StrEnum):
    """Which state's map `crmdsl check --state` lints."""

    as_is = "as-is"
    to_be = "to-be"


class FailOn(StrEnum):
    """The lowest severity that makes `crmdsl check` exit 1."""

    error = "error"
    warning = "warning"
    info = "info"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"crmdsl {__version__}")
        raise typer.Exit(0)


class Color(StrEnum):
    """When to colour the output."""

    auto = "auto"
    always = "always"
    never = "never"


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "-V", "--version", callback=_version, is_eager=True, help="Print the version."
        ),
    ] = False,
    color: Annotated[
        Color,
        typer.Option(
            "--color",
            help="Colour the output: auto (a terminal, unless NO_COLOR; FORCE_COLOR forces it), "
            "always or never. May follow the command.",
        ),
    ] = Color.auto,
) -> None:
    """Keep a company's CRM map as text."""
    from crmdsl.cli.output import set_color

    set_color(color.value)


# The file-finding options of `check`, `fmt` and `docs` (docs/cli.md, "Finding files").
_Exclude = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude", help="Leave out files matching these patterns (replaces the config's exclude)."
    ),
]
_ExtendExclude = Annotated[
    list[str] | None,
    typer.Option("--extend-exclude", help="Leave out files matching these patterns too."),
]
_ForceExclude = Annotated[
    bool,
    typer.Option("--force-exclude", help="Leave out excluded files even when named (pre-commit)."),
]
_Watch = Annotated[
    bool, typer.Option("--watch", "-w", help="Run again whenever a file changes; ctrl+c stops.")
]


def _discovery(
    exclude: list[str] | None, extend: list[str] | None, force: bool, config: str | None = None
) -> Discovery:
    from crmdsl.cli.discover import Discovery

    return Discovery(exclude, list(extend or []), force, config)


@app.command()
def check(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files or folders of .crm files (default: the current folder); - reads stdin.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        CheckFormat, typer.Option("--format", help="Output format.")
    ] = CheckFormat.text,
    stdin_filename: Annotated[
        str | None, typer.Option("--stdin-filename", help="The name of the map read from stdin.")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("-q", "--quiet", help="Print nothing; exit code only.")
    ] = False,
    show_info: Annotated[
        bool, typer.Option("--show-info", help="Show info findings too (text, concise, github).")
    ] = False,
    config: Annotated[
        str | None,
        typer.Option("--config", help="Use this config file instead of the nearest one."),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option("--select", help="Run only these codes or group letters (P,J101)."),
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option("--ignore", help="Skip these codes or group letters.")
    ] = None,
    preset: Annotated[
        Preset | None, typer.Option("--preset", help="recommended or strict.")
    ] = None,
    severity: Annotated[
        list[str] | None,
        typer.Option("--severity", help="CODE=LEVEL (error|warning|info|off); repeatable."),
    ] = None,
    max_review_age: Annotated[
        int | None,
        typer.Option("--max-review-age", min=1, help="Months before a map is stale (M002)."),
    ] = None,
    max_handoffs: Annotated[
        int | None,
        typer.Option("--max-handoffs", min=0, help="Hand-offs allowed on a path (P206)."),
    ] = None,
    max_measurement_age: Annotated[
        int | None,
        typer.Option(
            "--max-measurement-age", min=1, help="Months before an actual is stale (G507)."
        ),
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option("--fail-on", help="Lowest severity that exits 1 (default warning)."),
    ] = None,
    state: Annotated[
        LintState | None,
        typer.Option(
            "--state",
            help="Lint the as-is map (without what is planned) or the to-be map (without "
            "what is retiring).",
        ),
    ] = None,
    today: Annotated[
        str | None, typer.Option("--today", help="Take this date (YYYY-MM-DD) as today.")
    ] = None,
    fix: Annotated[
        bool, typer.Option("--fix", help="Apply safe fixes (D302, M005) to the files, then check.")
    ] = False,
    output_file: Annotated[
        str | None, typer.Option("--output-file", help="Write the output to this file.")
    ] = None,
    statistics: Annotated[
        bool, typer.Option("--statistics", help="Count the findings per code instead.")
    ] = False,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 despite findings (load errors still 2).")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("-v", "--verbose", help="Say which maps, files and config were used.")
    ] = False,
    exclude: _Exclude = None,
    extend_exclude: _ExtendExclude = None,
    force_exclude: _ForceExclude = False,
    watch: _Watch = False,
) -> None:
    """Check maps: load errors (exit 2) and lint findings (exit 1).

    Example: crmdsl check examples --format concise
    """
    from crmdsl.cli.check import CheckOptions, run_check

    paths = list(paths or [])

    options = CheckOptions(
        config_file=config,
        select=select,
        ignore=ignore,
        preset=preset.value if preset else None,
        max_review_age=max_review_age,
        max_handoffs=max_handoffs,
        max_measurement_age=max_measurement_age,
        fail_on=fail_on.value if fail_on else None,
        state=state.value if state else None,
        severity=list(severity or []),
        today=today,
        show_info=show_info,
        fix=fix,
        output_file=output_file,
        statistics=statistics,
        exit_zero=exit_zero,
        verbose=verbose,
        discovery=_discovery(exclude, extend_exclude, force_exclude),
    )
    work = lambda: run_check(  # noqa: E731 - run once, or again on each change
        paths, output_format.value, stdin_filename, quiet=quiet, options=options
    )
    raise typer.Exit(_watching(work, paths or ["."], config) if watch else _guard(work))


@app.command("rules")
def rules_command(
    config: Annotated[
        str | None,
        typer.Option("--config", help="Use this config file instead of the nearest one."),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="table (the default) or json.")
    ] = "table",
) -> None:
    """List every lint rule: code, name, severity and whether it is on under the config.

    Example: crmdsl rules
    """
    from crmdsl.cli.rules_cmd import run_rules_list

    raise typer.Exit(_guard(lambda: run_rules_list(config, output_format)))


@app.command("explain")
def explain_command(
    code: Annotated[str, typer.Argument(help="A rule code, such as P207.")],
) -> None:
    """Explain a lint rule: what it does, why it matters, an example and its fix.

    Example: crmdsl explain P207
    """
    from crmdsl.cli.rules_cmd import run_explain

    raise typer.Exit(_guard(lambda: run_explain(code)))


@app.command("report")
def report_command(
    path: Annotated[str, typer.Argument(help="The map's root file (or - for stdin).")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")
    ] = None,
    today: Annotated[
        str | None, typer.Option("--today", help="Take this date (YYYY-MM-DD) as today.")
    ] = None,
    config: Annotated[
        str | None,
        typer.Option("--config", help="Use this config file instead of the nearest one."),
    ] = None,
    stdin_filename: Annotated[
        str | None, typer.Option("--stdin-filename", help="The name of the map read from stdin.")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="md (Markdown), json (for tools) or html (one page).")
    ] = "md",
    no_diagrams: Annotated[
        bool, typer.Option("--no-diagrams", help="Leave the diagrams out (md and html).")
    ] = False,
    chromium: Annotated[
        str | None, typer.Option("--chromium", help="The Chromium that draws html diagrams.")
    ] = None,
    mermaid_cli: Annotated[
        str | None,
        typer.Option("--mermaid-cli", help="A node_modules folder holding mermaid-cli."),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("-q", "--quiet", help="No `wrote FILE` line after -o.")
    ] = False,
) -> None:
    """Write an analysis of a map for stakeholders: Markdown, JSON or one HTML page.

    Example: crmdsl report examples/acme.crm -o report.md
    """
    from crmdsl.cli.report_cmd import run_report

    raise typer.Exit(
        _guard(
            lambda: run_report(
                path,
                output,
                today,
                config,
                stdin_filename,
                fmt=fmt,
                diagrams=not no_diagrams,
                chromium=chromium,
                mermaid_cli=mermaid_cli,
                quiet=quiet,
            )
        )
    )


@app.command("fmt")
def fmt_command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files or folders of .crm files, and Markdown pages whose crm blocks to "
            "format (default: the current folder); - formats stdin to stdout.",
            show_default=False,
        ),
    ] = None,
    check_only: Annotated[
        bool,
        typer.Option("--check", help="Write nothing; exit 1 listing the files that would change."),
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Write nothing; print unified diffs; exit 1 if any.")
    ] = False,
    stdin_filename: Annotated[
        str | None, typer.Option("--stdin-filename", help="The name of the file read from stdin.")
    ] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No summary line.")] = False,
    exclude: _Exclude = None,
    extend_exclude: _ExtendExclude = None,
    force_exclude: _ForceExclude = False,
) -> None:
    """Rewrite .crm files in the canonical layout (docs/format.md); meaning never changes.

    Example: crmdsl fmt examples --check
    """
    from crmdsl.cli.fmt_cmd import run_fmt

    discovery = _discovery(exclude, extend_exclude, force_exclude)
    raise typer.Exit(
        _guard(
            lambda: run_fmt(
                list(paths or []),
                check=check_only,
                diff=diff,
                stdin_filename=stdin_filename,
                quiet=quiet,
                discovery=discovery,
            )
        )
    )


@app.command("render")
def render_command(
    path: Annotated[str, typer.Argument(help="The map's root file (or - for stdin).")],
    view: Annotated[
        str | None,
        typer.Option(
            "--view",
            help="journey, process, integrations, entities, lineage, blueprint, overview, "
            "goals or scores.",
            autocompletion=_complete_view,
        ),
    ] = None,
    subject: Annotated[
        str | None,
        typer.Option(
            "--id",
            help="What to draw: a journey, a process, a system (to narrow to), a field or a goal.",
            autocompletion=_complete_id,
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "-o", "--output", help="A file (.mmd .md .svg .png) or, with --all, a folder."
        ),
    ] = None,
    every: Annotated[
        bool,
        typer.Option("--all", help="Every subject of --view; with no --view, every view."),
    ] = False,
    fmt: Annotated[
        str | None, typer.Option("--format", help="mmd, md, svg or png (default: from -o).")
    ] = None,
    mermaid_version: Annotated[
        str | None,
        typer.Option("--mermaid-version", help="Write for an older Mermaid host, e.g. 10.7."),
    ] = None,
    chromium: Annotated[
        str | None, typer.Option("--chromium", help="The Chromium for SVG and PNG.")
    ] = None,
    mermaid_cli: Annotated[
        str | None,
        typer.Option("--mermaid-cli", help="A node_modules folder holding mermaid-cli."),
    ] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No summary line.")] = False,
    state: Annotated[
        str,
        typer.Option(
            "--state",
            help="as-is (without what is planned), to-be (without what is retiring) or both "
            "(the plan marked).",
        ),
    ] = "both",
    watch: _Watch = False,
) -> None:
    """Draw a view of a map as Mermaid text, Markdown, SVG or PNG.

    Example: crmdsl render examples/acme.crm --view process --id lead_to_cash -o lead_to_cash.svg
    """
    from crmdsl.cli.render_cmd import run_render

    work = lambda: run_render(  # noqa: E731 - run once, or again on each change
        path,
        view=view,
        subject=subject,
        output=output,
        every=every,
        fmt=fmt,
        mermaid_version=mermaid_version,
        chromium=chromium,
        mermaid_cli=mermaid_cli,
        quiet=quiet,
        state=state,
    )
    raise typer.Exit(_watching(work, [path], None) if watch else _guard(work))


@app.command("edit")
def edit_command(
    path: Annotated[
        str, typer.Argument(help="The map: a .crm file (new or not), a folder, a fragment.")
    ],
    serve: Annotated[
        bool, typer.Option("--serve", help="Serve the editor as a web page instead.")
    ] = False,
    host: Annotated[str, typer.Option("--host", help="With --serve: the address.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="With --serve: the port.")] = 8000,
) -> None:
    """Edit a map with live problems, outline and diagram preview (needs crmdsl[tui]).

    Example: crmdsl edit examples/acme.crm
    """
    from crmdsl.cli.edit_cmd import run_edit

    raise typer.Exit(_guard(lambda: run_edit(path, serve=serve, host=host, port=port)))


_MODEL_HELP = "(the assistant's language model; default: [tool.crmdsl.assistant])"


@app.command("ask")
def ask_command(
    path: Annotated[str, typer.Argument(help="The map's file.")],
    question: Annotated[str, typer.Argument(help="A question or a change, in plain words.")],
    apply: Annotated[
        bool, typer.Option("--apply", help="Make the proposed change in the file.")
    ] = False,
    output_format: Annotated[
        str, typer.Option("--format", help="text (Markdown, the default) or json.")
    ] = "text",
    today: Annotated[
        str | None, typer.Option("--today", help="Take this date (YYYY-MM-DD) as today.")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Model server " + _MODEL_HELP)
    ] = None,
    model: Annotated[str | None, typer.Option("--model", help="Model name " + _MODEL_HELP)] = None,
    api_key_env: Annotated[
        str | None, typer.Option("--api-key-env", help="Env var of the API key " + _MODEL_HELP)
    ] = None,
    timeout: Annotated[
        float | None, typer.Option("--timeout", help="Seconds to wait for the model.")
    ] = None,
    offline: Annotated[bool, typer.Option("--offline", help="Never use a model.")] = False,
) -> None:
    """Ask the assistant once: an answer with references, or a proposed edit as a diff.

    Example: crmdsl ask examples/acme.crm "who owns lead_sync"
    """
    from crmdsl.cli.chat_cmd import ModelFlags, run_ask

    flags = ModelFlags(base_url, model, api_key_env, timeout, offline)
    raise typer.Exit(
        _guard(
            lambda: run_ask(
                path, question, apply=apply, output_format=output_format, today=today, flags=flags
            )
        )
    )


@app.command("chat")
def chat_command(
    path: Annotated[str, typer.Argument(help="The map's file (with --interview: the new map).")],
    interview: Annotated[
        bool, typer.Option("--interview", help="Map a CRM by a guided interview.")
    ] = False,
    today: Annotated[
        str | None, typer.Option("--today", help="Take this date (YYYY-MM-DD) as today.")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Model server " + _MODEL_HELP)
    ] = None,
    model: Annotated[str | None, typer.Option("--model", help="Model name " + _MODEL_HELP)] = None,
    api_key_env: Annotated[
        str | None, typer.Option("--api-key-env", help="Env var of the API key " + _MODEL_HELP)
    ] = None,
    timeout: Annotated[
        float | None, typer.Option("--timeout", help="Seconds to wait for the model.")
    ] = None,
    offline: Annotated[bool, typer.Option("--offline", help="Never use a model.")] = False,
) -> None:
    """Talk with the assistant about a map: questions, edits as diffs, /undo, /save.

    Example: crmdsl chat examples/acme.crm
    """
    from crmdsl.cli.chat_cmd import ModelFlags, run_chat

    flags = ModelFlags(base_url, model, api_key_env, timeout, offline)
    raise typer.Exit(_guard(lambda: run_chat(path, interview=interview, today=today, flags=flags)))


@app.command("docs")
def docs_command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Markdown pages or folders of pages (default: the current folder); "
            "- reads a page from stdin and writes it to stdout.",
            show_default=False,
        ),
    ] = None,
    check_only: Annotated[
        bool, typer.Option("--check", help="Write nothing; show stale blocks; exit 1 if any.")
    ] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No summary line.")] = False,
    exclude: _Exclude = None,
    extend_exclude: _ExtendExclude = None,
    force_exclude: _ForceExclude = False,
    watch: _Watch = False,
) -> None:
    """Fill the <!-- crmdsl:begin ... --> blocks of Markdown pages with current diagrams.

    Example: crmdsl docs docs/ --check
    """
    from crmdsl.cli.docs_cmd import run_docs

    named = list(paths or [])
    discovery = _discovery(exclude, extend_exclude, force_exclude)
    work = lambda: run_docs(  # noqa: E731 - run once, or again on each change
        named, check=check_only, quiet=quiet, discovery=discovery
    )
    raise typer.Exit(_watching(work, named or ["."], None) if watch else _guard(work))


@export_app.command("json")
def export_json(
    path: Annotated[str, typer.Argument(help="The map's root file (or - for stdin).")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")
    ] = None,
    stdin_filename: Annotated[
        str | None, typer.Option("--stdin-filename", help="The name of the map read from stdin.")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("-q", "--quiet", help="No `wrote FILE` line after -o.")
    ] = False,
) -> None:
    """Write the resolved map as JSON (its schema: `crmdsl schema`).

    Example: crmdsl export json examples/acme.crm -o acme.json
    """
    from crmdsl.cli.check import load_or_report
    from crmdsl.model import to_json

    def work() -> int:
        crm_map = load_or_report(path, stdin_filename)
        if crm_map is None:
            return 2
        _write(output, to_json(crm_map) + "\n")
        if output is not None and str(output) != "-" and not quiet:
            typer.echo(f"wrote {output}", err=True)
        return 0

    raise typer.Exit(_guard(work))


from crmdsl.cli.diff_cmd import diff_command  # noqa: E402 - options live with the body

app.command("diff")(diff_command)

from crmdsl.cli.lsp_cmd import lsp_command  # noqa: E402 - options live with the body

app.command("lsp")(lsp_command)


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Print the JSON Schema of `crmdsl export json`.

    Example: crmdsl schema -o crmdsl-map.schema.json
    """
    from crmdsl.model import json_schema

    def work() -> int:
        _write(output, json.dumps(json_schema(), indent=2, sort_keys=True) + "\n")
        return 0

    raise typer.Exit(_guard(work))


def _write(output: Path | None, text: str) -> None:
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        return
    from crmdsl.cli.output import write_output

    write_output(output, text)


def _watching(work: Callable[[], int], paths: list[str], config: str | None) -> int:
    """`--watch`: run `work` (guarded) now and again whenever a file of the run changes."""
    from crmdsl.cli.watch import run_watching

    def files() -> list[str]:
        from crmdsl.cli.watch import files_of

        return files_of(paths, config)

    return run_watching(lambda: _guard(work), files)


def _complete_view(incomplete: str) -> list[str]:
    """Shell completion of `--view`: the view names."""
    from crmdsl.cli.complete import view_names

    return view_names(incomplete)


def _complete_id(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion of `--id`: the subjects of the map named before (of `--view`, if given)."""
    from crmdsl.cli.complete import subjects_of

    # while completing, click leaves the map's path among the unparsed arguments
    path = ctx.params.get("path") or next(iter(ctx.args), None)
    return subjects_of(path, ctx.params.get("view"), incomplete) if isinstance(path, str) else []


def _guard(work: object) -> int:
    """Run a command body; a `CrmdslError` becomes a clear message and exit 2."""
    assert callable(work)
    try:
        code = work()
        return int(code)
    except UsageError as exc:
        typer.echo(f"error: {exc}", err=True)
        return 2
    except CrmdslError as exc:
        typer.echo(f"error: {exc}", err=True)
        return 2
    except BrokenPipeError:  # pragma: no cover - `crmdsl ... | head`
        return 0
    except OSError as exc:  # a file or folder the command could not read or write
        where = f"{exc.filename}: " if exc.filename else ""
        typer.echo(f"error: {where}{exc.strerror or exc}", err=True)
        return 2


def run() -> None:
    """Entry point: a bug in a command is one line and exit 3 (`crmdsl.cli.crash`)."""
    from crmdsl.cli.crash import guarded

    guarded(app)
