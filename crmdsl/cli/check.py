"""`crmdsl check`: paths and options in; load errors and findings out, with an exit code.

Maps are found by `crmdsl.language.workspace` (each root once, fragments through their roots).
A map that does not load shows every load error and is not linted; exit 2 wins. A map
that loads is linted with the nearest config file (or `--config`), the flags put over it.
Formats: text (rich, colour on a terminal), concise, json, sarif, github; the last four
come from `crmdsl.linter.formats` and `crmdsl.linter.sarif`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from crmdsl.cli.discover import Discovery, file_filter, print_notes
from crmdsl.cli.output import (
    PlainConsole,
    console,
    not_a_file,
    print_diagnostic,
    read_stdin,
)
from crmdsl.errors import Span, UsageError
from crmdsl.language.loader import Analysis, analyze_bytes
from crmdsl.language.workspace import FileFilter, MapRun, find_maps
from crmdsl.model import CrmMap

if TYPE_CHECKING:
    from crmdsl.linter import LintConfig, LintResult
    from crmdsl.linter.formats import CheckedMap

__all__ = [
    "CheckOptions",
    "config_for",
    "in_state",
    "load_or_report",
    "maps_from_args",
    "parse_today",
    "run_check",
    "statistics_lines",
]


@dataclass(slots=True)
class CheckOptions:
    """The lint flags of `crmdsl check` (None or empty: not given, the config decides)."""

    config_file: str | None = None
    select: list[str] | None = None
    ignore: list[str] | None = None
    preset: str | None = None
    max_review_age: int | None = None
    max_handoffs: int | None = None
    max_measurement_age: int | None = None
    fail_on: str | None = None
    state: str | None = None  # "as-is" or "to-be": lint that state's map alone
    severity: list[str] = field(default_factory=list)
    today: str | None = None
    show_info: bool = False
    fix: bool = False
    output_file: str | None = None
    statistics: bool = False
    exit_zero: bool = False
    verbose: bool = False
    discovery: Discovery = field(default_factory=Discovery)


def maps_from_args(
    paths: Sequence[str], stdin_filename: str | None, filters: FileFilter | None = None
) -> list[MapRun]:
    """The maps named on the command line; `-` reads one map from stdin."""
    runs: list[MapRun] = []
    files = [p for p in paths if p != "-"]
    if "-" in paths:
        name = stdin_filename or "<stdin>"
        runs.append(MapRun(name, analyze_bytes(read_stdin(), name)))
    if files:
        runs.extend(find_maps(files, filters=filters))
    return runs


def load_or_report(path: str, stdin_filename: str | None = None) -> CrmMap | None:
    """Load one map, or print its load errors to stderr and return None."""
    from crmdsl.linter.formats import CheckedMap, summary_line

    run = maps_from_args([path], stdin_filename)[0]
    if run.analysis.diagnostics:
        out = console(stderr=True)
        for diag in run.analysis.diagnostics:
            print_diagnostic(out, diag, run.analysis.lines_of())
        checked = CheckedMap(run.path, [], {}, run.analysis.diagnostics)
        out.print(summary_line([checked], False))
        return None
    return run.analysis.map


def in_state(analysis: Analysis, state: str | None) -> Analysis:
    """The analysis with its map cut to one state (`as-is`, `to-be`), or as it is (None).

    The texts stay, so suppression comments and fixes still find their lines.
    """
    if state is None:
        return analysis
    from dataclasses import replace

    from crmdsl.query.lifecycle import State, select_state

    chosen: State = "as-is" if state == "as-is" else "to-be"
    return replace(analysis, map=select_state(analysis.map, chosen))


def parse_today(value: str | None) -> dt.date:
    """`--today 2026-11-23` as a date; today's date when not given."""
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--today expects a date such as 2026-11-23 (got `{value}`)") from None


class _Configs:
    """The config of each map: `--config FILE` for all, else the nearest file, cached."""

    def __init__(self, options: CheckOptions, known: list[str]) -> None:
        from crmdsl.linter.config import LintConfig, load_config, parse_severity_flag, split_codes

        self.known = known
        self.cache: dict[Path | None, LintConfig] = {}
        self.fixed: LintConfig | None = None
        if options.config_file is not None:
            if not Path(options.config_file).is_file():
                raise UsageError(f"--config: {not_a_file(options.config_file)}")
            self.fixed = load_config(options.config_file, known, shown=options.config_file)
        self.overrides = {
            "select": split_codes(options.select, known, "--select") if options.select else None,
            "ignore": split_codes(options.ignore, known, "--ignore") if options.ignore else None,
            "preset": options.preset,
            "max_review_age": options.max_review_age,
            "max_handoffs": options.max_handoffs,
            "max_measurement_age": options.max_measurement_age,
            "fail_on": options.fail_on,
            "severity": parse_severity_flag(options.severity, known) if options.severity else None,
        }
        self._default = LintConfig

    def for_path(self, path: str) -> LintConfig:
        from crmdsl.linter.config import find_config, load_config

        if self.fixed is not None:
            base = self.fixed
        else:
            start = Path(path).parent if path not in ("<stdin>", "<string>") else Path.cwd()
            found = find_config(start if str(start) else Path.cwd())
            if found not in self.cache:
                self.cache[found] = (
                    load_config(found, self.known) if found is not None else self._default()
                )
            base = self.cache[found]
        return base.with_overrides(**self.overrides)


def config_for(path: str, options: CheckOptions | None = None) -> LintConfig:
    """The lint config that `crmdsl check` would use for the map at `path`."""
    from crmdsl.linter import registry

    return _Configs(options or CheckOptions(), list(registry())).for_path(path)


def run_check(
    paths: Sequence[str],
    output_format: str,
    stdin_filename: str | None,
    *,
    quiet: bool,
    options: CheckOptions | None = None,
) -> int:
    """Check the maps; print in the chosen format; return the exit code."""
    from crmdsl.linter import lint, registry
    from crmdsl.linter.formats import CheckedMap, exit_code

    options = options or CheckOptions()
    paths = list(paths) or ["."]
    today = parse_today(options.today)
    rules = registry()
    configs = _Configs(options, list(rules))
    options.discovery.config_file = options.config_file
    filters = file_filter(options.discovery)
    if options.fix:
        from crmdsl.cli.fix_cmd import apply_fixes

        def lint_one(run: MapRun) -> LintResult:
            standalone = run.fragment_alone or run.analysis.map.header is None
            target = in_state(run.analysis, options.state)
            return lint(target, configs.for_path(run.path), today, standalone=standalone)

        apply_fixes(paths, lint_one, quiet=quiet, filters=filters)
    runs = maps_from_args(paths, stdin_filename, filters)
    if not quiet:
        print_notes(filters)
    checked: list[CheckedMap] = []
    for run in runs:
        analysis = run.analysis
        item = CheckedMap(
            run.path,
            sorted(analysis.sources),
            analysis.lines_of(),
            list(analysis.diagnostics),
            list(run.notes),
        )
        if not analysis.diagnostics:
            config = configs.for_path(run.path)
            standalone = run.fragment_alone or analysis.map.header is None
            target = in_state(analysis, options.state)
            item.result = lint(target, config, today, standalone=standalone)
            item.fixable = _fixable(item.result, run)
        if options.verbose:
            _verbose(item, configs, run)
        checked.append(item)
    code = exit_code(checked)
    if options.exit_zero and code == 1:
        code = 0
    if quiet:
        return code
    if options.output_file is not None:
        from crmdsl.cli.output import write_output

        buffer = io.StringIO()
        _emit(checked, output_format, options, today, rules, buffer)
        write_output(options.output_file, buffer.getvalue())
    else:
        _emit(checked, output_format, options, today, rules, sys.stdout)
    return code


def _fixable(result: LintResult, run: MapRun) -> set[tuple[str, Span | None, str]]:
    """The findings of a map that `--fix` would fix (a rule with a fix that applies)."""
    from crmdsl.linter.fixes import fixes_for
    from crmdsl.linter.formats import fix_key
    from crmdsl.rules import RULES

    out = set()
    for finding in result.findings:
        rule = RULES.get(finding.code)
        if getattr(rule, "fix", None) is not None and fixes_for(finding, run.analysis):
            out.add(fix_key(finding))
    return out


def _verbose(item: CheckedMap, configs: _Configs, run: MapRun) -> None:
    """`--verbose`: which map, which files, which config, on stderr."""
    files = ", ".join(item.files) or run.path
    source = configs.for_path(run.path).source or "defaults"
    state = "did not load" if item.load_errors else f"config {source}"
    console(stderr=True).print(f"checked {run.path} ({files}; {state})")


def _emit(
    checked: list[CheckedMap],
    output_format: str,
    options: CheckOptions,
    today: dt.date,
    rules: Mapping[str, Any],
    stream: TextIO,
) -> None:
    from crmdsl.linter import formats

    if options.statistics:
        _lines(stream, statistics_lines(checked, options.show_info, rules))
    elif output_format == "json":
        report = formats.json_report(checked, today.isoformat())
        stream.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    elif output_format == "sarif":
        from crmdsl.linter.sarif import sarif_log

        log = sarif_log(checked, rules)
        stream.write(json.dumps(log, indent=2, ensure_ascii=False) + "\n")
    elif output_format == "concise":
        _lines(stream, formats.concise_lines(checked, options.show_info))
    elif output_format == "github":
        _lines(stream, formats.github_lines(checked, options.show_info))
    else:
        _text(checked, options.show_info, stream)


def _lines(stream: TextIO, lines: list[str]) -> None:
    if lines:
        stream.write("\n".join(lines) + "\n")


def statistics_lines(
    checked: Sequence[CheckedMap], show_info: bool, rules: Mapping[str, Any]
) -> list[str]:
    """`--statistics`: one line per code (or load-error kind), most frequent first.

    `COUNT  CODE  [*] name`, where `[*]` marks a code whose findings here are all fixable.
    """
    from crmdsl.linter.formats import shown_findings

    counts: Counter[str] = Counter()
    fixable: Counter[str] = Counter()
    for item in checked:
        counts.update(f"error[{d.kind}]" for d in item.load_errors)
        for diag in shown_findings(item, show_info):
            counts[diag.code] += 1
            fixable[diag.code] += item.can_fix(diag)
    if not counts:
        return []
    width = max(len(str(n)) for n in counts.values())
    code_width = max(len(code) for code in counts)
    out = []
    for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        mark = "[*]" if fixable[code] == n else "   "
        rule = rules.get(code)
        name = rule.name if rule is not None else "load error"
        out.append(f"{n:>{width}}  {code:<{code_width}}  {mark} {name}")
    return out


def _text(checked: list[CheckedMap], show_info: bool, stream: TextIO) -> None:
    from crmdsl.linter.formats import shown_findings, summary_line

    out = console(file=stream) if stream is sys.stdout else PlainConsole(stream)
    for item in checked:
        for diag in item.load_errors:
            print_diagnostic(out, diag, item.lines_of)
        for diag in shown_findings(item, show_info):
            mark = " [*]" if item.can_fix(diag) else ""
            label = f"{diag.severity}[{diag.code}]{mark}"
            print_diagnostic(out, diag, item.lines_of, label=label)
    err = console(stderr=True)
    for item in checked:
        for note in item.notes:
            err.print(f"note: {note}")
    out.print(summary_line(checked, show_info))
