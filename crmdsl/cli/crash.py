"""The last line of defence: an unexpected exception in a command in, one line and exit 3 out.

Bad input never gets here (it is a load, usage or config error, exit 2); what does is a
bug in crmdsl. Instead of a traceback the user gets one line on stderr saying that
crmdsl failed, what it was running, and how to report it, and the run exits with
`CRASH_EXIT` (3), which CI tells apart from findings (1) and bad input (2). `--debug`
anywhere on the command line (or `CRMDSL_DEBUG=1`) shows the traceback as well.
Ctrl-C ends a run with exit 130 and the word "interrupted".
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable

__all__ = ["CRASH_EXIT", "INTERRUPTED_EXIT", "crash_line", "guarded", "take_debug_flag"]

#: The exit code of a run that failed on a bug in crmdsl.
CRASH_EXIT = 3
#: The exit code of a run stopped with Ctrl-C (128 + SIGINT, as shells do).
INTERRUPTED_EXIT = 130
_SHOWN_ARGS = 6  # words of the command line repeated in the message
_SHOWN_CHARS = 40  # characters of each word


def take_debug_flag(argv: list[str]) -> bool:
    """Remove `--debug` from `argv` (before a `--`); True when it was there or set in the env."""
    end = argv.index("--") if "--" in argv else len(argv)
    found = "--debug" in argv[1:end]
    if found:
        argv[1:end] = [a for a in argv[1:end] if a != "--debug"]
    return found or os.environ.get("CRMDSL_DEBUG", "") not in ("", "0")


def crash_line(exc: BaseException, argv: list[str]) -> str:
    """The one line a user sees for a bug: what failed, while doing what, and what to do."""
    words = [_short(word) for word in argv[1 : 1 + _SHOWN_ARGS]]
    more = " …" if len(argv) > 1 + _SHOWN_ARGS else ""
    doing = " ".join(["crmdsl", *words]) + more
    what = type(exc).__name__ + (f": {_short(str(exc), 120)}" if str(exc) else "")
    return (
        f"crmdsl failed: an internal error ({what}) while running `{doing}`. "
        "This is a bug in crmdsl, not in your files: please report it to the crmdsl "
        "maintainers with this line, the output of `crmdsl --version` and, if you can, "
        "the map; run again with --debug to see the traceback."
    )


def _short(text: str, limit: int = _SHOWN_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def guarded(app: Callable[[], object], argv: list[str] | None = None) -> None:
    """Run the command line `app`; a bug becomes one line and exit 3 (see the module doc)."""
    args = sys.argv if argv is None else argv
    debug = take_debug_flag(args)
    try:
        app()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(INTERRUPTED_EXIT)
    except Exception as exc:  # noqa: BLE001 - the point: anything a command did not expect
        if debug:
            traceback.print_exception(exc, file=sys.stderr)
        print(crash_line(exc, args), file=sys.stderr)
        sys.exit(CRASH_EXIT)
