"""How diagnostics look on a terminal: rich text in, written to a console.

The plain words come from `crmdsl.errors.render_diagnostic`; this module only adds
colour, and none at all when the output is not a terminal or `NO_COLOR` is set.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

from rich.console import Console
from rich.text import Text

from ..errors import Diagnostic, render_diagnostic

__all__ = ["console", "print_diagnostic"]

_STYLES = {"error": "bold red", "warning": "bold yellow", "info": "bold blue", "note": "bold cyan"}


def console(stderr: bool = False, file: TextIO | None = None) -> Console:
    """A console that colours only a terminal, and never under NO_COLOR."""
    stream = file or (sys.stderr if stderr else sys.stdout)
    no_color = bool(os.environ.get("NO_COLOR")) or not stream.isatty()
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
    out: Console,
    diag: Diagnostic,
    lines_of: Mapping[str, Sequence[str]],
    label: str | None = None,
) -> None:
    """Print one diagnostic with its source excerpt and caret."""
    plain = render_diagnostic(diag, lines_of, label=label)
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
