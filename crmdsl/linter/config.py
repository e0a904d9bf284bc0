"""Lint configuration: a `crmdsl.toml` or `[tool.crmdsl]` in `pyproject.toml` in, `LintConfig` out.

The nearest config file to a map wins: walk up from the map's folder; in each folder a
`crmdsl.toml` (top-level keys) comes before a `pyproject.toml` that has a `[tool.crmdsl]`
table (a `pyproject.toml` without one is passed over). The file is validated by a
pydantic model with unknown keys forbidden; pydantic is imported only when there is a
file to validate, so a check without config starts fast. Command-line flags override
the file key by key (`with_overrides`). Problems raise `ConfigError` (exit 2) naming the
key and the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from crmdsl.errors import UsageError
from crmdsl.language.suggest import did_you_mean

__all__ = [
    "CONFIG_FILES",
    "FAIL_ON_LEVELS",
    "LEVELS",
    "PRESETS",
    "SEVERITY_RANK",
    "ConfigError",
    "LintConfig",
    "config_for",
    "excludes_of",
    "find_config",
    "load_config",
    "parse_config",
    "check_code",
    "parse_severity_flag",
    "split_codes",
]

#: Severity levels a rule can be set to.
LEVELS = ("error", "warning", "info", "off")
#: Levels `fail-on` accepts.
FAIL_ON_LEVELS = ("error", "warning", "info")
#: Presets: `recommended` keeps the defaults, `strict` raises every info to warning.
PRESETS = ("recommended", "strict")
#: Rank of a severity; higher is worse.
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
#: The config files looked for in each folder, nearest first; a `pyproject.toml` counts
#: only when it has a `[tool.crmdsl]` table.
CONFIG_FILES = ("crmdsl.toml", "pyproject.toml")


class ConfigError(UsageError):
    """A config file or a config flag is wrong; the message names the key and the file."""


@dataclass(frozen=True, slots=True)
class LintConfig:
    """What the linter runs and how it weighs findings.

    `select` is None for "every rule"; `severity` maps a code to error|warning|info|off;
    `source` is the file the settings came from (None for defaults and flags only).
    """

    severity: Mapping[str, str] = field(default_factory=dict)
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    preset: str = "recommended"
    max_review_age: int = 12
    max_handoffs: int = 6
    max_measurement_age: int = 6
    fail_on: str = "warning"
    source: str | None = None

    def with_overrides(self, **flags: Any) -> LintConfig:
        """A copy with the command-line values that were given (not None) put over these."""
        given = {k: v for k, v in flags.items() if v is not None}
        if "severity" in given:
            given["severity"] = {**self.severity, **given["severity"]}
        for key in ("select", "ignore"):
            if key in given:
                given[key] = tuple(given[key])
        return replace(self, **given)

    def severity_of(self, code: str, default: str) -> str:
        """The severity a rule's findings get: the preset first, then the per-code setting."""
        level = default
        if self.preset == "strict" and level == "info":
            level = "warning"
        return self.severity.get(code, level)

    def enabled(self, code: str, default: str) -> bool:
        """Whether a rule runs: selected, not ignored (the more specific entry wins), not off."""
        if self.severity_of(code, default) == "off":
            return False
        chosen = _specificity(code, self.select) if self.select is not None else 0
        ignored = _specificity(code, self.ignore)
        if self.select is not None and chosen < 0:
            return False
        return ignored < 0 or chosen > ignored

    def fails(self, severity: str) -> bool:
        """Whether a finding of this severity makes the run exit 1."""
        return SEVERITY_RANK.get(severity, -1) >= SEVERITY_RANK[self.fail_on]


def _specificity(code: str, entries: Iterable[str]) -> int:
    """2 when the code is listed, 1 when its group letter is, -1 when neither."""
    best = -1
    for entry in entries:
        if entry == code:
            best = max(best, 2)
        elif len(entry) == 1 and code.startswith(entry):
            best = max(best, 1)
    return best


def find_config(start: str | Path) -> Path | None:
    """The nearest config file at or above `start` (a folder or a file), or None."""
    here = Path(start).resolve()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_tool_table(candidate)):
                return candidate
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if "crmdsl" not in text:  # cheap look before parsing TOML
        return False
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    tool = data.get("tool")
    return isinstance(tool, dict) and "crmdsl" in tool


def load_config(
    path: str | Path, known_codes: Sequence[str], shown: str | None = None
) -> LintConfig:
    """Read and validate a config file; raise `ConfigError` naming the key and the file."""
    path = Path(path)
    name = shown or _shown(path)
    data, table = _read_table(path, name)
    return parse_config(data, known_codes, where=name, table=table)


def _read_table(path: Path, name: str) -> tuple[dict[str, Any], str]:
    """The crmdsl table of a config file, and how to name it in a message."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the config file {name}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"the config file {name} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{name} is not valid TOML: {exc}") from None
    table = "crmdsl.toml"
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        data = tool.get("crmdsl", {}) if isinstance(tool, dict) else {}
        table = "[tool.crmdsl]"
        if not isinstance(data, dict):
            raise ConfigError(f"{name}: [tool.crmdsl] must be a table")
    return data, table


_WALK_KEYS = frozenset({"exclude", "extend-exclude"})


def excludes_of(path: str | Path) -> tuple[list[str] | None, list[str]]:
    """`exclude` (None when not set) and `extend-exclude` of a config file.

    Both are gitignore-style patterns relative to the file's folder; a value that is not
    a list of strings raises `ConfigError`.
    """
    path = Path(path)
    name = _shown(path)
    data, table = _read_table(path, name)
    found: list[list[str] | None] = []
    for key in ("exclude", "extend-exclude"):
        value = data.get(key)
        if value is not None and (
            not isinstance(value, list) or not all(isinstance(v, str) for v in value)
        ):
            raise ConfigError(f"{name}: `{key}` in {table} must be a list of patterns")
        found.append(value)
    return found[0], found[1] or []


def parse_config(
    data: Mapping[str, Any], known_codes: Sequence[str], *, where: str, table: str = ""
) -> LintConfig:
    """Validate a config table (as read from TOML) with the pydantic model.

    A table that only says which files to leave out (checked by `excludes_of`) sets no
    lint setting, and costs no pydantic import.
    """
    if set(data) <= _WALK_KEYS:
        return LintConfig(source=where)
    from crmdsl.linter._model import validate

    settings = validate(dict(data), known_codes, where=where, table=table)
    return LintConfig(**settings, source=where)


def parse_severity_flag(values: Iterable[str], known_codes: Sequence[str]) -> dict[str, str]:
    """`--severity P207=error` values to a code → level table; raise `ConfigError` if wrong."""
    out: dict[str, str] = {}
    for raw in values:
        code, sep, level = raw.partition("=")
        code, level = code.strip(), level.strip().lower()
        if not sep or not code or not level:
            raise ConfigError(f"--severity expects CODE=LEVEL, such as P207=error (got `{raw}`)")
        check_code(code, known_codes, "--severity", group_ok=False)
        if level not in LEVELS:
            raise ConfigError(
                f"--severity {code}: `{level}` is not a level; use one of {', '.join(LEVELS)}"
            )
        out[code] = level
    return out


def split_codes(values: Iterable[str], known_codes: Sequence[str], flag: str) -> list[str]:
    """`--select P,J101` (repeatable, comma-separated) to a list of checked codes or letters."""
    out: list[str] = []
    for raw in values:
        for part in raw.split(","):
            part = part.strip()
            if part:
                check_code(part, known_codes, flag)
                out.append(part)
    return out


def check_code(code: str, known_codes: Sequence[str], where: str, *, group_ok: bool = True) -> None:
    """Raise `ConfigError` unless `code` is a rule code (or, where allowed, a group letter)."""
    from crmdsl.rules.registry import GROUPS  # the rule groups, by letter

    if code in known_codes or (group_ok and code in GROUPS):
        return
    pool = [*known_codes, *(GROUPS if group_ok else ())]
    hint = did_you_mean(code, pool)
    what = "a rule code or a group letter" if group_ok else "a rule code"
    raise ConfigError(f"{where}: `{code}` is not {what}" + (f"; {hint}" if hint else ""))


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def config_for(path: str | Path) -> LintConfig:
    """The config that applies to a map at `path`: the nearest config file, or the defaults.

    Raises `ConfigError` when the nearest config file is not valid.
    """
    from crmdsl.rules import RULES

    found = find_config(path)
    return load_config(found, list(RULES)) if found is not None else LintConfig()
