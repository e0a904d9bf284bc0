"""The editor's settings: the `tui` table of the map's config file in, a `TuiConfig` out.

The config file is the one `crmdsl check` uses for the map (`crmdsl.toml`, or
`[tool.crmdsl]` in `pyproject.toml`, the nearest one above the map). Its `tui` table:

    [tool.crmdsl.tui]
    theme = "textual-light"          # any Textual theme
    debounce-ms = 2                  # quiet time after a keystroke before re-analysis
    preview-max-nodes = 60           # larger flowcharts are not drawn in the terminal
    [tool.crmdsl.tui.keys]
    definition = "f12,ctrl+d"        # binding id = keys (see docs/tui.md)

`load_settings(map_path)` returns the lint config and the editor's settings; a problem
in either is reported as words (never raised), and the defaults are used.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import crmdsl
from crmdsl.tui.keymap import KEYS

__all__ = ["Settings", "TuiConfig", "load_settings", "parse_tui"]


@dataclass(frozen=True, slots=True)
class TuiConfig:
    """The `tui` table, checked."""

    theme: str | None = None
    debounce_ms: int = 2
    preview_max_nodes: int = 60
    images: str = "auto"
    keys: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Settings:
    """What the editor runs with, and the problems met while reading it."""

    lint: crmdsl.LintConfig | None
    tui: TuiConfig
    problems: tuple[str, ...] = ()


_INTS = {"debounce-ms": (0, 2000), "preview-max-nodes": (1, 500)}


def parse_tui(table: dict[str, Any], where: str) -> tuple[TuiConfig, list[str]]:
    """Check a `tui` table; unknown or bad entries are reported and left out."""
    problems: list[str] = []
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key == "theme" and isinstance(value, str):
            values["theme"] = value
        elif key == "images" and value in ("auto", "off"):
            values["images"] = value
        elif key in _INTS and isinstance(value, int) and not isinstance(value, bool):
            low, high = _INTS[key]
            if low <= value <= high:
                values[key.replace("-", "_")] = value
            else:
                problems.append(f"{where}: tui {key} must be from {low} to {high} (got {value})")
        elif key == "keys" and isinstance(value, dict):
            values["keys"] = _keys(value, where, problems)
        else:
            known = "theme, debounce-ms, preview-max-nodes, images (auto or off), keys"
            problems.append(
                f"{where}: unknown or bad tui setting `{key}`; the settings are {known}"
            )
    return TuiConfig(**values), problems


def _keys(table: dict[str, Any], where: str, problems: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, keys in table.items():
        if name not in KEYS:
            problems.append(f"{where}: tui keys: no binding `{name}` (see docs/tui.md)")
        elif not isinstance(keys, str) or not keys.strip():
            problems.append(f'{where}: tui keys.{name} must be keys such as "ctrl+d"')
        else:
            out[name] = keys.replace(" ", "")
    return out


def load_settings(map_path: Path) -> Settings:
    """The lint config and the `tui` table that apply to the map at `map_path`."""
    try:
        lint = crmdsl.config_for(map_path)
    except crmdsl.CrmdslError as exc:
        return Settings(None, TuiConfig(), (f"config not used: {exc}",))
    if lint.source is None:
        return Settings(lint, TuiConfig())
    try:
        data = tomllib.loads(Path(lint.source).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Settings(lint, TuiConfig(), (f"{lint.source}: {exc}",))
    if Path(lint.source).name == "pyproject.toml":
        data = data.get("tool", {}).get("crmdsl", {})
    table = data.get("tui", {})
    if not isinstance(table, dict):
        return Settings(lint, TuiConfig(), (f"{lint.source}: tui must be a table",))
    tui, problems = parse_tui(table, lint.source)
    return Settings(lint, tui, tuple(problems))
