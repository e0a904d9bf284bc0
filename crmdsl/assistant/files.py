"""Writing a file atomically: a path and a text in, the file on disk out."""

from __future__ import annotations

from pathlib import Path

import crmdsl

__all__ = ["write_new"]


def write_new(path: str, text: str) -> None:
    """Write `text` to `path` (its folder made if needed) with `crmdsl.write_atomic`."""
    Path(path).resolve().parent.mkdir(parents=True, exist_ok=True)
    crmdsl.write_atomic(path, text)
