"""`crmdsl check --fix`: the maps named in, safe fixes written to their files, a report out.

Each round loads and lints every map, applies the safe fixes of `crmdsl.linter.fixes` (one patch
per map, written atomically, keeping BOM and line endings), and goes again until nothing
is left to fix, at most 10 rounds. Then `crmdsl check` reports what remains as usual.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from crmdsl.cli.output import console
from crmdsl.edit.patch import write_patch
from crmdsl.errors import UsageError
from crmdsl.language.workspace import FileFilter, MapRun, find_maps
from crmdsl.linter.fixes import fix_all

if TYPE_CHECKING:
    from crmdsl.linter import LintResult

__all__ = ["MAX_ROUNDS", "apply_fixes"]

MAX_ROUNDS = 10


def apply_fixes(
    paths: Sequence[str],
    lint_run: Callable[[MapRun], LintResult],
    *,
    quiet: bool = False,
    filters: FileFilter | None = None,
) -> int:
    """Fix what can be fixed safely; print "fixed N findings in FILE: CODE ×n"; return the count.

    `lint_run(map_run)` returns the lint result of one map.
    """
    if "-" in paths:
        raise UsageError("--fix rewrites files; it cannot be used with - (stdin)")
    fixed: dict[str, Counter[str]] = {}
    for _ in range(MAX_ROUNDS):
        changed = False
        for run in find_maps(list(paths), filters=filters):
            if run.analysis.diagnostics:
                continue
            patch, done = fix_all(lint_run(run).findings, run.analysis)
            if not patch:
                continue
            write_patch(patch)
            changed = True
            for diag in done:
                if diag.span is not None:
                    fixed.setdefault(diag.span.file, Counter())[diag.code] += 1
        if not changed:
            break
    total = sum(sum(c.values()) for c in fixed.values())
    if not quiet:
        err = console(stderr=True)
        for file in sorted(fixed):
            counts = fixed[file]
            n = sum(counts.values())
            listed = ", ".join(f"{code} ×{k}" for code, k in sorted(counts.items()))
            err.print(f"fixed {n} finding{'s' if n != 1 else ''} in {file}: {listed}")
    return total
