"""`crmdsl diff`: two maps (files, or git revisions) in; what changed in meaning out.

Forms: `crmdsl diff OLD NEW` (two map files), `crmdsl diff --base REV [PATH]` (PATH at
REV against the work tree), `crmdsl diff REV1 REV2 [PATH]` (two revisions), and
`crmdsl diff --git-external PATH OLD-FILE OLD-HEX OLD-MODE NEW-FILE NEW-HEX NEW-MODE`
(git's external diff driver). PATH is a map's root file, a fragment (compared through
the roots that include it) or a folder (every root under it; default: the current one).

Exit codes: 0 the maps mean the same, 1 they differ (with `--fail-on-new LEVEL`: 1 only
when a finding at or above LEVEL is introduced), 2 a load error on either side (reported
like `crmdsl check` does, naming the side) or a usage error. Under `--git-external` the
exit code is 0 unless the command is misused, as git stops at an external diff that
fails.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crmdsl.cli.output import not_a_file
from crmdsl.errors import UsageError

if TYPE_CHECKING:
    from crmdsl.diffing import MapDiff
    from crmdsl.language.loader import Analysis

__all__ = ["DiffOptions", "diff_command", "run_diff"]

_SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
_COLOURS = {"head": "bold", "added": "green", "removed": "red", "changed": "yellow", "dim": "dim"}


@dataclass(slots=True)
class DiffOptions:
    """The options of `crmdsl diff`."""

    base: str | None = None
    output_format: str = "text"
    semantic: bool = False
    fail_on_new: str | None = None
    config: str | None = None
    today: str | None = None
    git_external: bool = False
    views: bool = True


@dataclass(slots=True)
class _Pair:
    """One map to compare: its two sides, their names, and the path for its config."""

    old: Analysis | None
    new: Analysis | None
    old_name: str
    new_name: str
    config_path: str


def _empty(name: str) -> Analysis:
    from crmdsl.language.loader import analyze

    return analyze("", name)


def _work_tree(path: str) -> Analysis | None:
    from crmdsl.language.workspace import find_maps

    if not Path(path).exists():
        return None
    return find_maps([path])[0].analysis


def _roots(folder: str, rev: str | None) -> list[str]:
    """The roots under a folder: in the work tree (rev None) or at a revision."""
    from crmdsl.diffing.git import list_roots_at
    from crmdsl.language.workspace import collect_files, is_root_text

    if rev is not None:
        return list_roots_at(rev, folder)
    files = collect_files([folder]) if Path(folder).is_dir() else []
    return [f for f in files if is_root_text(Path(f).read_text(encoding="utf-8", errors="replace"))]


def _root_of(path: str) -> str:
    """A fragment's root (the first under the work tree that includes it); else the path."""
    from crmdsl.diffing.git import git_top
    from crmdsl.language.workspace import find_maps, is_root_text

    file = Path(path)
    if not file.is_file() or is_root_text(file.read_text(encoding="utf-8", errors="replace")):
        return path
    run = find_maps([path], search_root=str(git_top()))[0]
    return path if run.fragment_alone else os.path.relpath(run.path)


def _at(rev: str | None, path: str) -> Analysis | None:
    from crmdsl.diffing.git import analyze_at

    return _work_tree(path) if rev is None else analyze_at(rev, path)


def _git_pairs(old_rev: str, new_rev: str | None, path: str) -> list[_Pair]:
    from crmdsl.diffing.git import git_top, resolve_revision

    resolve_revision(old_rev)
    top = git_top()
    if not Path(path).resolve().is_relative_to(top):
        raise UsageError(f"{path} is outside the git repository ({top})")
    if new_rev is not None:
        resolve_revision(new_rev)
    new_label = new_rev or "work tree"
    folder = Path(path).is_dir() or (not Path(path).suffix and new_rev is not None)
    paths = (
        sorted(set(_roots(path, old_rev)) | set(_roots(path, new_rev)))
        if folder
        else [_root_of(path)]
    )
    if not paths:
        raise UsageError(f"no map (a .crm file with a `map` header) under {path}")
    pairs = [
        _Pair(_at(old_rev, p), _at(new_rev, p), f"{p} ({old_rev})", f"{p} ({new_label})", p)
        for p in paths
    ]
    for pair in pairs:
        if pair.old is None and pair.new is None:
            where = f"at {old_rev} or {new_rev}" if new_rev else f"at {old_rev} or in the work tree"
            raise UsageError(f"no file {pair.config_path} {where}")
    return pairs


def _file_pair(old: str, new: str) -> _Pair:
    for p in (old, new):
        if not Path(p).is_file():
            raise UsageError(f"no such file: {p}")
    return _Pair(_work_tree(old), _work_tree(new), old, new, new)


def _external_pair(args: Sequence[str]) -> _Pair:
    """Git's seven arguments: path old-file old-hex old-mode new-file new-hex new-mode."""
    from crmdsl.diffing.git import analyze_overlay
    from crmdsl.language.workspace import find_maps, is_root_text

    if len(args) < 7:
        raise UsageError(
            "--git-external takes the seven arguments git passes to an external diff driver"
        )
    path, old_file, new_file = args[0], args[1], args[4]

    def read(name: str) -> bytes | None:
        return None if name == "/dev/null" else Path(name).read_bytes()

    old_data, new_data = read(old_file), read(new_file)
    root = path
    sample = (new_data or old_data or b"").decode("utf-8", errors="replace")
    if old_data is not None and new_data is not None and not is_root_text(sample):
        run = find_maps([path])[0] if Path(path).exists() else None
        root = path if run is None or run.fragment_alone else run.path
    # A file added or deleted is compared on its own: the other side has no such file.
    old = analyze_overlay(root, {path: old_data}) if old_data is not None else None
    new = analyze_overlay(root, {path: new_data}) if new_data is not None else None
    return _Pair(old, new, f"a/{path}", f"b/{path}", path)


def _pairs(args: Sequence[str], options: DiffOptions) -> list[_Pair]:
    from crmdsl.diffing.git import is_revision

    if options.git_external:
        return [_external_pair(args)]
    if options.base is not None:
        if len(args) > 1:
            raise UsageError("--base REV takes at most one PATH")
        return _git_pairs(options.base, None, args[0] if args else ".")
    if len(args) == 2 and all(Path(a).is_file() for a in args):
        return [_file_pair(args[0], args[1])]
    if len(args) in (2, 3):
        missing = [a for a in args[:2] if not Path(a).is_file()]
        if missing and len(args) == 2 and any(Path(a).exists() for a in args):
            raise UsageError(not_a_file(missing[0]))
        if is_revision(args[0]) and is_revision(args[1]):
            return _git_pairs(args[0], args[1], args[2] if len(args) == 3 else ".")
        _ensure_git()
        bad = args[0] if not is_revision(args[0]) else args[1]
        raise UsageError(f"`{bad}` is neither a map file nor a git revision")
    raise UsageError(
        "give two map files (crmdsl diff OLD NEW), --base REV [PATH], or REV1 REV2 [PATH]"
    )


def _ensure_git() -> None:
    from crmdsl.diffing.git import git_top

    git_top()


def _compare(pair: _Pair, options: DiffOptions) -> MapDiff:
    from crmdsl.cli.check import CheckOptions, config_for, parse_today
    from crmdsl.diffing import diff_maps

    config = config_for(pair.config_path, CheckOptions(config_file=options.config))
    old = pair.old or _empty(pair.old_name)
    new = pair.new or _empty(pair.new_name)
    return diff_maps(
        old,
        new,
        config=config,
        today=parse_today(options.today),
        views=options.views,
        old_name=pair.old_name,
        new_name=pair.new_name,
    )


def _report_errors(pair: _Pair) -> None:
    from crmdsl.cli.output import console, print_diagnostic

    err = console(stderr=True)
    for side, analysis, name in (
        ("old", pair.old, pair.old_name),
        ("new", pair.new, pair.new_name),
    ):
        if analysis is None or not analysis.diagnostics:
            continue
        err.print(f"the {side} map, {name}, has load errors:")
        for d in analysis.diagnostics:
            print_diagnostic(err, d, analysis.lines_of())


def _exit_code(diffs: Sequence[MapDiff], options: DiffOptions) -> int:
    if any(d.load_failed for d in diffs):
        return 2
    if options.fail_on_new is not None:
        floor = _SEVERITY_RANK[options.fail_on_new]
        new = [f for d in diffs for f in d.findings if f.status == "introduced"]
        return int(any(_SEVERITY_RANK.get(f.severity, 0) >= floor for f in new))
    return 0 if all(d.same for d in diffs) else 1


def _print(diffs: Sequence[MapDiff], options: DiffOptions) -> None:
    from crmdsl.cli.output import console
    from crmdsl.diffing.output import markdown, text_lines, to_json

    if options.output_format == "json":
        data = to_json(diffs, options.semantic)
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    elif options.output_format == "md":
        sys.stdout.write(markdown(diffs, options.semantic))
    else:
        out = console()
        for style, line in text_lines(diffs, options.semantic):
            colour = _COLOURS.get(style)
            out.print(line, style=colour) if colour else out.print(line)


def run_diff(args: Sequence[str], options: DiffOptions) -> int:
    """Compare the maps the arguments name; print the diff; return the exit code."""
    if options.fail_on_new is not None and options.fail_on_new not in _SEVERITY_RANK:
        raise UsageError("--fail-on-new takes error, warning or info")
    if options.output_format not in ("text", "md", "json"):
        raise UsageError("--format takes text, md or json")
    if options.config is not None and not Path(options.config).is_file():
        raise UsageError(f"--config: no such file: {options.config}")
    pairs = _pairs(args, options)
    diffs = [_compare(p, options) for p in pairs]
    for pair in pairs:
        _report_errors(pair)
    _print(diffs, options)
    code = _exit_code(diffs, options)
    if options.git_external:
        return 0
    return code


def diff_command(
    args: Annotated[
        list[str] | None,
        typer.Argument(help="OLD NEW (two map files), or REV1 REV2 [PATH], or [PATH] with --base."),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option("--base", help="Compare PATH at this git revision with the work tree."),
    ] = None,
    output_format: Annotated[
        str,
        typer.Option("--format", help="text (the default), md (a pull-request comment) or json."),
    ] = "text",
    semantic: Annotated[
        bool, typer.Option("--semantic", help="Leave out order-only and layout-only changes.")
    ] = False,
    fail_on_new: Annotated[
        str | None,
        typer.Option(
            "--fail-on-new", help="Exit 1 only when a finding at this level or above is new."
        ),
    ] = None,
    config: Annotated[
        str | None, typer.Option("--config", help="Lint both maps with this config file.")
    ] = None,
    today: Annotated[
        str | None, typer.Option("--today", help="Take this date (YYYY-MM-DD) as today.")
    ] = None,
    no_views: Annotated[
        bool, typer.Option("--no-views", help="Do not compare the diagrams (quicker).")
    ] = False,
    git_external: Annotated[
        bool,
        typer.Option("--git-external", help="Act as git's external diff driver (7 arguments)."),
    ] = False,
    json_schema: Annotated[
        bool, typer.Option("--json-schema", help="Print the JSON Schema of --format json.")
    ] = False,
) -> None:
    """Show what changed in a map's meaning: elements, clauses, renames, findings, views.

    Example: crmdsl diff --base main examples/acme.crm --format md
    """
    from crmdsl.cli.app import _guard

    if json_schema:
        from crmdsl.diffing.output import JSON_SCHEMA

        sys.stdout.write(json.dumps(JSON_SCHEMA, indent=2, sort_keys=True) + "\n")
        raise typer.Exit(0)
    options = DiffOptions(
        base=base,
        output_format=output_format,
        semantic=semantic,
        fail_on_new=fail_on_new,
        config=config,
        today=today,
        git_external=git_external,
        views=not no_views,
    )
    raise typer.Exit(_guard(lambda: run_diff(args or [], options)))
