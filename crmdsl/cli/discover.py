"""Which files a command walks: the paths and the exclude options in, a `FileFilter` out.

`exclude` and `extend-exclude` come from the config file nearest to the current folder
(or `--config`), as gitignore-style patterns relative to that file's folder;
`--exclude` on the command line replaces the file's `exclude`, `--extend-exclude` adds
to both (relative to the current folder). `.gitignore` and `.ignore` files always count.
A named file is taken even if excluded, unless `--force-exclude` (as pre-commit passes
file names, ruff users set it there). The walk itself is `crmdsl.language.workspace`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from crmdsl.cli.output import console
from crmdsl.errors import UsageError
from crmdsl.language.workspace import FileFilter

__all__ = ["Discovery", "file_filter", "paths_or_stdin", "print_notes"]


@dataclass(slots=True)
class Discovery:
    """The file-finding flags of `check`, `fmt` and `docs` (None or empty: not given)."""

    exclude: list[str] | None = None
    extend_exclude: list[str] = field(default_factory=list)
    force_exclude: bool = False
    config_file: str | None = None


def file_filter(flags: Discovery | None = None) -> FileFilter:
    """The filter for this run: the config file's patterns with the flags put over them."""
    from crmdsl.linter.config import excludes_of, find_config

    flags = flags or Discovery()
    found = Path(flags.config_file) if flags.config_file else find_config(Path.cwd())
    exclude: list[str] | None = None
    extend: list[str] = []
    base = "."
    if found is not None and found.is_file():
        exclude, extend = excludes_of(found)
        base = str(found.parent)
    pairs: list[tuple[str, Sequence[str]]] = [(base, extend)]
    if flags.exclude is not None:
        pairs.append((".", _split(flags.exclude)))
    elif exclude is not None:
        pairs.append((base, exclude))
    pairs.append((".", _split(flags.extend_exclude)))
    return FileFilter(
        exclude=tuple((b, tuple(p)) for b, p in pairs if p), force_exclude=flags.force_exclude
    )


def _split(values: Sequence[str]) -> list[str]:
    """`--exclude a,b --exclude c` to `[a, b, c]`."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def print_notes(filters: FileFilter) -> None:
    """Print what the walk passed by (`note: skipped the folder …`) on stderr."""
    if filters.notes:
        err = console(stderr=True)
        for note in filters.notes:
            err.print(f"note: {note}")


def paths_or_stdin(paths: Sequence[str], what: str) -> tuple[list[str], bool]:
    """The paths (none: the current folder), and whether `-` asks for stdin instead.

    `-` with other paths is a `UsageError` (`what` names them: "file paths").
    """
    named = list(paths) or ["."]
    if "-" not in named:
        return named, False
    if len(named) > 1:
        raise UsageError(f"`-` (stdin) cannot be mixed with {what}")
    return named, True
