"""`--watch`: run a command, then run it again whenever one of its files changes.

In: the command's body (a function returning an exit code) and a function naming the
files it read (the map's files, the pages, the config). Out: the command's output once
per change, on a cleared screen when stdout is a terminal, each run closed by a line on
stderr with its time; ctrl+c ends the watch with exit code 0. Changes are seen by
`watchfiles` (in the folders of those files, not below them), which
`pip install 'crmdsl[watch]'` brings.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from crmdsl.errors import UsageError

__all__ = ["WATCHED_SUFFIXES", "files_of", "run_watching"]

#: Changes to files with these endings start a new run.
WATCHED_SUFFIXES = (".crm", ".md", ".toml", ".gitignore", ".ignore")


def run_watching(
    work: Callable[[], int], files: Callable[[], Iterable[str]], *, clear: bool = True
) -> int:
    """Run `work` now and after each change to `files()` (asked again after every run)."""
    try:
        from watchfiles import watch
    except ImportError:
        raise UsageError(
            "--watch needs the watchfiles package: pip install 'crmdsl[watch]'"
        ) from None
    try:
        while True:
            folders = _folders(files())
            changes = watch(
                *folders,
                watch_filter=_relevant,
                recursive=False,
                raise_interrupt=True,
                yield_on_timeout=True,
                rust_timeout=100,
            )
            next(changes)  # the watcher runs from here on: no change during the run is lost
            _run_once(work, clear, len(folders))
            for found in changes:
                if found:
                    break
            changes.close()
    except KeyboardInterrupt:
        return 0


def _run_once(work: Callable[[], int], clear: bool, folders: int) -> None:
    """One run: a cleared screen on a terminal, the output, a line with the time."""
    if clear and sys.stdout.isatty():
        sys.stdout.write("\x1b[2J\x1b[H")
    code = work()
    stamp = dt.datetime.now().strftime("%H:%M:%S")
    sys.stdout.flush()
    print(
        f"[{stamp}] exit code {code}; watching {folders} "
        f"folder{'s' if folders != 1 else ''} for changes (ctrl+c to stop)",
        file=sys.stderr,
        flush=True,
    )


def _folders(files: Iterable[str]) -> list[str]:
    """The folders to watch: each named folder, and the folder of each named file."""
    out: dict[str, None] = {}
    for name in files:
        path = Path(name)
        if path.is_dir():
            out[str(path.resolve())] = None
        elif path.parent.is_dir():
            out[str(path.parent.resolve())] = None
    return sorted(out) or [str(Path.cwd())]


def _relevant(_change: object, path: str) -> bool:
    name = Path(path).name
    if name in (".gitignore", ".ignore"):
        return True
    return not name.startswith(".") and name.endswith(WATCHED_SUFFIXES)


def files_of(paths: Iterable[str], config: str | None = None) -> list[str]:
    """The files a run of `check`, `render` or `docs` on `paths` reads (for `--watch`).

    The named paths, the files of each map they name, the maps that the pages' markers
    name, and the config file.
    """
    from crmdsl.errors import CrmdslError
    from crmdsl.language.workspace import find_maps
    from crmdsl.linter.config import find_config

    named = [p for p in paths if p != "-"]
    out = list(named)
    maps = [p for p in named if not p.endswith(".md")]
    pages = [p for p in named if p.endswith(".md") or Path(p).is_dir()]
    try:
        for run in find_maps(maps) if maps else []:
            out.extend(run.analysis.sources)
    except CrmdslError:
        pass
    out.extend(_marker_maps(pages))
    found = config or find_config(Path.cwd())
    if found is not None:
        out.append(str(found))
    return out


def _marker_maps(pages: Iterable[str]) -> list[str]:
    """The map files that the markers of the pages name."""
    import re

    from crmdsl.docs_sync import find_pages
    from crmdsl.errors import CrmdslError

    out: list[str] = []
    try:
        found = find_pages(list(pages))
    except CrmdslError:
        return out
    for page in found:
        try:
            text = page.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for match in re.finditer(r'crmdsl:begin[^>]*?\bmap=("[^"]*"|\S+)', text):
            out.append(str(page.parent / match.group(1).strip('"')))
    return out
