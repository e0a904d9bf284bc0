"""How much a load reads and reports: a map's path in, the `Limits` that apply to it out.

Two limits keep a load bounded whatever it is given: `max_file_size` (bytes; a larger
file is not read: an `io` load error) and `max_errors` (load errors kept per file; the
rest are counted in one `too-many-errors` diagnostic, "and N more"). Their defaults are
16 MB and 200; the nearest config file (`crmdsl.toml`, or `[tool.crmdsl]` in a
`pyproject.toml`, found as the linter finds it) sets them with `max-file-size` (a number
of bytes, or a text such as "64 MB") and `max-errors`. A value that is not valid is
passed over here: the linter's config check reports it.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crmdsl.language.source import DEFAULT_MAX_FILE_SIZE

__all__ = ["DEFAULT_MAX_ERRORS", "Limits", "limits_for", "parse_size"]

#: Load errors kept per file before "and N more".
DEFAULT_MAX_ERRORS = 200
_CONFIG_FILES = ("crmdsl.toml", "pyproject.toml")
_UNITS = {"": 1, "B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30}
_SIZE = re.compile(r"^\s*(\d+)\s*([KMG]?B?)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Limits:
    """The bounds of one load: the largest file read, the load errors kept per file."""

    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    max_errors: int = DEFAULT_MAX_ERRORS


def parse_size(value: object) -> int | None:
    """`1048576`, `"64 MB"`, `"512KB"` as a number of bytes; None when it is not a size."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if not isinstance(value, str):
        return None
    found = _SIZE.match(value)
    if found is None:
        return None
    unit = found.group(2).upper()
    unit = unit if unit.endswith("B") or not unit else unit + "B"
    size = int(found.group(1)) * _UNITS[unit]
    return size if size > 0 else None


def limits_for(path: str | os.PathLike[str]) -> Limits:
    """The limits for a map at `path`: its nearest config file's, or the defaults."""
    table = _nearest_table(Path(os.path.abspath(os.fspath(path))).parent)
    if not table:
        return Limits()
    size = parse_size(table.get("max-file-size"))
    errors = table.get("max-errors")
    if not isinstance(errors, int) or isinstance(errors, bool) or errors <= 0:
        errors = DEFAULT_MAX_ERRORS
    return Limits(
        max_file_size=size if size is not None else DEFAULT_MAX_FILE_SIZE, max_errors=errors
    )


def _nearest_table(folder: Path) -> dict[str, Any]:
    """The crmdsl settings of the nearest config file at or above `folder` (or {})."""
    for here in (folder, *folder.parents):
        for name in _CONFIG_FILES:
            table = _settings(here / name)
            if table is not None:
                return table
    return {}


def _settings(candidate: Path) -> dict[str, Any] | None:
    """A config file's crmdsl table; None when the file is not a crmdsl config."""
    try:
        info = candidate.stat()
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return _parsed(str(candidate), info.st_mtime_ns, info.st_size)


@functools.lru_cache(maxsize=64)
def _parsed(path: str, mtime_ns: int, size: int) -> dict[str, Any] | None:
    """The crmdsl table of a config file, parsed once per version of the file."""
    candidate = Path(path)
    try:
        text = candidate.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None
    if candidate.name == "pyproject.toml" and "crmdsl" not in text:
        return None
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {} if candidate.name == "crmdsl.toml" else None
    if candidate.name == "crmdsl.toml":
        return data
    tool = data.get("tool")
    table = tool.get("crmdsl") if isinstance(tool, dict) else None
    return table if isinstance(table, dict) else None
