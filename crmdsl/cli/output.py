"""How diagnostics look on a terminal: rich text in, written to a console.

The plain words come from `crmdsl.errors.render_diagnostic`; this module only adds
colour, and none at all when the output is not a terminal or `NO_COLOR` is set.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from crmdsl.errors import Diagnostic, render_diagnostic

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["PlainConsole", "console", "print_diagnostic", "rich_console"]

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


def _no_color(stream: TextIO) -> bool:
    return bool(os.environ.get("NO_COLOR")) or not stream.isatty()


def rich_console(stream: TextIO) -> Console:
    """Rich's own console on `stream` (for tables, progress bars), coloured as `console`."""
    from rich.console import Console

    no_color = _no_color(stream)
    return Console(
        file=stream,
        no_color=no_color,
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
