"""`crmdsl docs`: fill the marked diagram blocks of Markdown pages from their maps.

Pages (or folders of pages) in; the pages that changed are rewritten, and one summary
line is printed. With `--check` nothing is written: each stale block is listed with
its page and line, a unified diff follows, and the exit code is 1. A bad marker is an
error with file:line (exit 2, which wins). The work is `crmdsl.docs_sync`.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Sequence

from crmdsl.docs_sync import SyncResult, sync

__all__ = ["run_docs"]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def run_docs(paths: Sequence[str], *, check: bool, quiet: bool = False) -> int:
    """Sync or check the pages; print what happened; return the exit code."""
    result = sync(paths, check=check)
    for error in result.errors:
        print(f"error: {error}", file=sys.stderr)
    code = 2 if result.errors else 0
    if check:
        return max(code, _report_check(result, paths, quiet))
    if not quiet:
        blocks = sum(len(p.blocks) for p in result.pages)
        changed = len(result.stale)
        if changed:
            print(
                f"updated {_plural(changed, 'block')} in {_plural(len(result.written), 'page')}"
                f" ({_plural(blocks, 'block')} in {_plural(len(result.pages), 'page')} looked at)."
            )
        else:
            print(
                f"{_plural(blocks, 'block')} in {_plural(len(result.pages), 'page')}: all current."
            )
    return code


def _report_check(result: SyncResult, paths: Sequence[str], quiet: bool) -> int:
    stale_pages = [p for p in result.pages if p.stale]
    if not stale_pages:
        if not quiet:
            blocks = sum(len(p.blocks) for p in result.pages)
            print(
                f"{_plural(blocks, 'block')} in {_plural(len(result.pages), 'page')}: all current."
            )
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
            f"{_plural(count, 'stale block')} in {_plural(len(stale_pages), 'page')}; "
            f"run `crmdsl docs {again}` to update."
        )
    return 1
