"""`crmdsl fmt`: paths (or `-` for stdin) in, files rewritten in the canonical layout out.

Every file is formatted on its own (a fragment as well as a root) by `crmdsl.formatter.printer`,
which refuses a file whose text does not load and checks that the output says what the
input said. Markdown pages named, or found under a folder, have their `crm` blocks
formatted (`crmdsl.formatter.markdown`). Exit codes: 0 done (or nothing to change), 1
`--check`/`--diff` found files that would change, 2 a file was refused (load errors, or
the safety check failed).
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from crmdsl.cli.discover import Discovery, file_filter, paths_or_stdin, print_notes
from crmdsl.cli.output import console, print_diagnostic, read_stdin
from crmdsl.fileio import write_atomic
from crmdsl.formatter.markdown import crm_pages, format_markdown, has_crm_files
from crmdsl.formatter.printer import FormatterBug, NotFormattable, encode_like, format_source
from crmdsl.language.limits import limits_for
from crmdsl.language.source import decode, read_regular
from crmdsl.language.workspace import FileFilter, collect_files

__all__ = ["run_fmt"]


def run_fmt(
    paths: Sequence[str],
    *,
    check: bool = False,
    diff: bool = False,
    stdin_filename: str | None = None,
    quiet: bool = False,
    discovery: Discovery | None = None,
) -> int:
    """Format the files; print what changed; return the exit code."""
    paths, stdin = paths_or_stdin(paths, "file paths")
    if stdin:
        return _stdin(stdin_filename or "<stdin>", check=check, diff=diff)
    filters = file_filter(discovery)
    files = _collect(paths, filters)
    if not quiet:
        print_notes(filters)
    changed: list[str] = []
    refused = 0
    out = console()
    for name in files:
        result = _page(name) if name.endswith(".md") else _one(name)
        if result is None:
            refused += 1
            continue
        before, after = result
        if before == after:
            continue
        changed.append(name)
        if diff:
            sys.stdout.write(_diff(name, before, after))
        elif check:
            out.print(f"would reformat {name}")
        elif not _write(name, after):
            changed.pop()
            refused += 1
    if not quiet:
        _summary(len(files), changed, refused, check or diff)
    if refused:
        return 2
    return 1 if changed and (check or diff) else 0


def _collect(paths: list[str], filters: FileFilter) -> list[str]:
    """The .crm files the paths name, then the Markdown pages with `crm` blocks among them."""
    pages = {raw: crm_pages(raw, filters) for raw in paths}
    crm = [
        raw
        for raw in paths
        if not pages[raw] or (Path(raw).is_dir() and has_crm_files(raw, filters))
    ]
    files = collect_files(crm, filters) if crm else []
    seen = {os.path.realpath(f) for f in files}
    for page in (page for raw in paths for page in pages[raw]):
        if os.path.realpath(page) not in seen:
            seen.add(os.path.realpath(page))
            files.append(page)
    return files


def _page(name: str) -> tuple[str, str] | None:
    """(text before, text after) for a Markdown page (its `crm` blocks formatted), or None."""
    data = read_regular(Path(name), name, limits_for(name).max_file_size)
    if not isinstance(data, bytes):
        console(stderr=True).print(f"error: {data.message}")
        return None
    try:
        text = data.decode("utf-8")
        return text, format_markdown(text, name)
    except UnicodeDecodeError:
        console(stderr=True).print(f"error: {name} is not UTF-8 text; it was left alone")
    except FormatterBug as exc:
        _refuse(exc)
    return None


def _one(name: str) -> tuple[str, str] | None:
    """(text before, text after) for one file, or None when it was refused (reported)."""
    data = read_regular(Path(name), name, limits_for(name).max_file_size)
    if not isinstance(data, bytes):  # not a regular file, too large, unreadable
        console(stderr=True).print(f"error: {data.message}")
        return None
    source, problem = decode(data, name)
    if source is None:
        assert problem is not None
        _refuse(NotFormattable(name, [problem], []))
        return None
    try:
        after = encode_like(source, format_source(source))
    except (NotFormattable, FormatterBug) as exc:
        _refuse(exc)
        return None
    return data.decode("utf-8"), after


def _write(name: str, text: str) -> bool:
    """Write a formatted file; False (reported) when it cannot be written."""
    try:
        write_atomic(name, text.encode("utf-8"))
    except OSError as exc:
        console(stderr=True).print(f"error: cannot write {name}: {exc.strerror or exc}")
        return False
    return True


def _refuse(exc: NotFormattable | FormatterBug) -> None:
    err = console(stderr=True)
    if isinstance(exc, NotFormattable):
        for diag in exc.diagnostics:
            print_diagnostic(err, diag, {exc.path: exc.lines})
    err.print(f"error: {exc}")


def _stdin(name: str, *, check: bool, diff: bool) -> int:
    data = read_stdin()
    source, problem = decode(data, name)
    try:
        if source is None:
            assert problem is not None
            raise NotFormattable(name, [problem], [])
        if name.endswith(".md"):
            after = format_markdown(data.decode("utf-8"), name)
        else:
            after = encode_like(source, format_source(source))
    except (NotFormattable, FormatterBug) as exc:
        _refuse(exc)
        return 2
    before = data.decode("utf-8")
    if diff:
        sys.stdout.write(_diff(name, before, after))
        return 1 if before != after else 0
    if check:
        if before != after:
            console().print(f"would reformat {name}")
            return 1
        return 0
    sys.stdout.buffer.write(after.encode("utf-8"))
    return 0


def _diff(name: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"{name} (before)",
        tofile=f"{name} (formatted)",
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def _summary(total: int, changed: list[str], refused: int, dry: bool) -> None:
    verb = "would reformat" if dry else "reformatted"
    n = len(changed)
    parts = [f"{verb} {n} file{'s' if n != 1 else ''}"]
    same = total - n - refused
    parts.append(f"{same} file{'s' if same != 1 else ''} already formatted")
    if refused:
        parts.append(f"{refused} refused")
    console(stderr=True).print(", ".join(parts) + ".")
