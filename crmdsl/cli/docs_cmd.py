"""`crmdsl docs`: fill the marked diagram blocks of Markdown pages from their maps.

Pages (or folders of pages; none named: the current folder) in; the pages that changed
are rewritten, and one summary line is printed. `-` reads one page from stdin and
writes it, brought up to date, to stdout (its maps relative to the current folder).
With `--check` nothing is written: each stale block is listed with its page and line,
a unified diff follows, and the exit code is 1. Every bad marker of every page is an
error with file:line (exit 2, which wins); a page with one is left as it was, and the
summary never calls such a run current. The work is `crmdsl.docs_sync`.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from crmdsl.cli.discover import Discovery, file_filter, paths_or_stdin, print_notes
from crmdsl.cli.output import read_stdin
from crmdsl.docs_sync import SyncResult, sync, sync_text

__all__ = ["run_docs"]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def run_docs(
    paths: Sequence[str],
    *,
    check: bool,
    quiet: bool = False,
    discovery: Discovery | None = None,
) -> int:
    """Sync or check the pages; print what happened; return the exit code."""
    paths, stdin = paths_or_stdin(paths, "page paths")
    if stdin:
        return _stdin(check=check)
    filters = file_filter(discovery)
    result = sync(paths, check=check, filters=filters)
    if not quiet:
        print_notes(filters)
    for error in result.errors:
        print(f"error: {error}", file=sys.stderr)
    code = 2 if result.errors else 0
    if check:
        return max(code, _report_check(result, paths, quiet))
    if not quiet:
        changed = len(result.stale)
        if changed:
            head = f"updated {_plural(changed, 'block')} in {_plural(len(result.written), 'page')}"
            print(f"{head} ({_looked_at(result)} looked at){_errors_tail(result)}.")
        elif result.errors:
            print(f"{_errors_line(result)}; {_looked_at(result)} current.")
        else:
            print(f"{_looked_at(result)}: all current.")
    return code


def _looked_at(result: SyncResult) -> str:
    blocks = sum(len(p.blocks) for p in result.pages)
    return f"{_plural(blocks, 'block')} in {_plural(len(result.pages), 'page')}"


def _errors_line(result: SyncResult) -> str:
    pages = len({e.path for e in result.errors})
    return (
        f"{_plural(len(result.errors), 'bad marker')} in {_plural(pages, 'page')} "
        "(left as they were)"
    )


def _errors_tail(result: SyncResult) -> str:
    return f"; {_errors_line(result)}" if result.errors else ""


def _stdin(*, check: bool) -> int:
    """`crmdsl docs -`: a page from stdin, brought up to date, to stdout."""
    text = read_stdin().decode("utf-8", errors="replace")
    page = sync_text(text, Path.cwd(), "<stdin>")
    for error in page.errors:
        print(f"error: {error}", file=sys.stderr)
    if page.errors:
        if not check:
            sys.stdout.write(text)
        return 2
    if check:
        for block in page.stale:
            print(f"{block.page}:{block.line}  stale: {block.what} (map {block.map})")
        sys.stdout.write(page.diff())
        return 1 if page.stale else 0
    sys.stdout.write(page.new_text)
    return 0


def _report_check(result: SyncResult, paths: Sequence[str], quiet: bool) -> int:
    stale_pages = [p for p in result.pages if p.stale]
    if not stale_pages:
        if not quiet:
            if result.errors:
                print(f"{_errors_line(result)}; {_looked_at(result)} current.")
            else:
                print(f"{_looked_at(result)}: all current.")
        return 0
    if not quiet:
        for page in stale_pages:
            for block in page.stale:
                print(f"{block.page}:{block.line}  stale: {block.what} (map {block.map})")
        for page in stale_pages:
            sys.stdout.write(page.diff())
        again = " ".join(shlex.quote(p) for p in paths)
        count = len(result.stale)
        print(
            f"{_plural(count, 'stale block')} in {_plural(len(stale_pages), 'page')}"
            f"{_errors_tail(result)}; run `crmdsl docs {again}` to update."
        )
    return 1
