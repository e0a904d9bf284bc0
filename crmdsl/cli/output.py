"""How the command line writes: diagnostics to a console, output to a file.

The plain words come from `crmdsl.errors.render_diagnostic`; this module only adds
colour. Colour follows `--color auto|always|never` (`set_color`); under `auto` it is on
for a terminal, off under `NO_COLOR`, and on under `FORCE_COLOR` even in a pipe or a CI
log. `write_output` writes a command's `-o FILE`: missing folders are created, and a
folder, an unwritable path or a read-only place is a `UsageError` in words.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from crmdsl.errors import Diagnostic, UsageError, render_diagnostic

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "not_a_file",
    "COLOR_MODES",
    "PlainConsole",
    "console",
    "print_diagnostic",
    "read_stdin",
    "rich_console",
    "set_color",
    "use_color",
    "write_output",
]

#: The values of `--color`.
COLOR_MODES = ("auto", "always", "never")
_mode = {"color": "auto"}

_STYLES = {"error": "bold red", "warning": "bold yellow", "info": "bold blue", "note": "bold cyan"}


class PlainConsole:
    """A console for output that is not coloured: plain lines, and no rich to import.

    A check in CI or a pipe prints the same words as on a terminal, without paying for
    rich (a tenth of a cold start).
    """

    def __init__(self, file: TextIO) -> None:
        self.file = file

    def print(self, *objects: object, **_: object) -> None:
        """Write the objects' text and a newline."""
        self.file.write(" ".join(str(o) for o in objects) + "\n")


def console(
    stderr: bool = False, file: TextIO | None = None, *, rich: bool = False
) -> Console | PlainConsole:
    """A console that colours only a terminal, and never under NO_COLOR.

    Without colour it is a `PlainConsole`, unless `rich` asks for rich's own (tables,
    progress bars).
    """
    stream = file or (sys.stderr if stderr else sys.stdout)
    if not rich and _no_color(stream):
        return PlainConsole(stream)
    return rich_console(stream)


def set_color(mode: str) -> None:
    """Set the colour mode of this run: auto, always or never."""
    if mode not in COLOR_MODES:
        raise UsageError(f"--color takes {', '.join(COLOR_MODES)}, not `{mode}`")
    _mode["color"] = mode


def use_color(stream: TextIO) -> bool:
    """Whether to colour `stream`: `--color`, then NO_COLOR, FORCE_COLOR, then a terminal."""
    mode = _mode["color"]
    if mode != "auto":
        return mode == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except ValueError:  # a closed stream
        return False


def _no_color(stream: TextIO) -> bool:
    return not use_color(stream)


def rich_console(stream: TextIO) -> Console:
    """Rich's own console on `stream` (for tables, progress bars), coloured as `console`."""
    from rich.console import Console

    no_color = _no_color(stream)
    return Console(
        file=stream,
        no_color=no_color,
        force_terminal=not no_color,
        color_system=None if no_color else "auto",
        highlight=False,
        soft_wrap=True,
        emoji=False,
        markup=False,
    )


def print_diagnostic(
    out: Console | PlainConsole,
    diag: Diagnostic,
    lines_of: Mapping[str, Sequence[str]],
    label: str | None = None,
) -> None:
    """Print one diagnostic with its source excerpt and caret."""
    plain = render_diagnostic(diag, lines_of, label=label)
    if isinstance(out, PlainConsole):
        out.print(plain)
        return
    from rich.text import Text

    style = _STYLES.get(diag.severity, "bold")
    for number, raw in enumerate(plain.split("\n")):
        text = Text(raw)
        if number == 0:
            head = raw.split(":", 1)[0]
            text.stylize(style, 0, len(head))
            text.stylize("bold", len(head))
        elif raw.lstrip().startswith("-->"):
            text.stylize("blue", 0, raw.index("-->") + 3)
        elif "|" in raw and ("^" in raw) and raw.split("|", 1)[1].strip().startswith("^"):
            bar = raw.index("|")
            text.stylize("blue", 0, bar + 1)
            text.stylize(style, bar + 1)
        elif "|" in raw[:12]:
            text.stylize("blue", 0, raw.index("|") + 1)
        elif raw.lstrip().startswith("="):
            text.stylize("bold", 0, raw.index("=") + 1)
        out.print(text)


def read_stdin() -> bytes:
    """All of stdin, for `-`; a closed stdin is a `UsageError`."""
    try:
        if sys.stdin is None:
            raise ValueError("no stdin")
        return sys.stdin.buffer.read()
    except (OSError, ValueError, AttributeError):
        raise UsageError("- reads from stdin, but stdin is closed") from None


def write_output(output: str | os.PathLike[str], data: str | bytes) -> None:
    """Write a command's output file; create its folder; raise `UsageError` when it cannot.

    A device or a FIFO (`-o /dev/null`) is written in place, a regular file atomically.
    """
    from crmdsl.fileio import write_atomic

    path = Path(output)
    shown = str(output)
    try:
        mode = path.stat().st_mode
    except OSError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise UsageError(f"{shown} is a folder; give the name of a file to write")
    try:
        if mode is not None and not stat.S_ISREG(mode):
            _write_in_place(path, data.encode("utf-8") if isinstance(data, str) else data)
            return
        _make_folder(path.parent, shown)
        write_atomic(path, data)
    except OSError as exc:
        raise UsageError(f"cannot write {shown}: {_reason(exc)}") from None


def _write_in_place(path: Path, data: bytes) -> None:
    """Write to a device or a FIFO; a FIFO that nobody reads is an error, not a hang."""
    try:
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise UsageError(f"cannot write {path}: nothing reads from that pipe") from None
        raise
    os.set_blocking(fd, True)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _make_folder(folder: Path, shown: str) -> None:
    if not str(folder) or folder.is_dir():
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UsageError(f"cannot write {shown}: {folder} is a file, not a folder") from None
    except OSError as exc:
        raise UsageError(f"cannot create the folder {folder} for {shown}: {_reason(exc)}") from None


def _reason(exc: OSError) -> str:
    """An OSError in words: its strerror, lower-cased as a clause."""
    words = exc.strerror or str(exc)
    return words[:1].lower() + words[1:]


def not_a_file(path: str | os.PathLike[str]) -> str:
    """Why `path`, which is no regular file, cannot be read: missing, a folder, or special."""
    given = Path(path)
    if not given.exists():
        return f"no such file: {path}"
    if given.is_dir():
        return f"{path} is a folder, not a file"
    return f"{path} is not a regular file"
