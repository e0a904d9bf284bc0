"""The pydantic model of a config table: a TOML table in, checked settings (or `ConfigError`) out.

Kept apart from `config.py` so that pydantic is imported only when a config file exists.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from crmdsl.language.limits import parse_size
from crmdsl.language.suggest import did_you_mean
from crmdsl.linter.config import ConfigError, check_code

__all__ = ["validate"]


class ConfigModel(BaseModel):
    """`[tool.crmdsl]` / `crmdsl.toml`: every key crmdsl reads, nothing else."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=False)

    severity: dict[str, Literal["error", "warning", "info", "off"]] = Field(default_factory=dict)
    select: list[str] | None = None
    ignore: list[str] = Field(default_factory=list)
    preset: Literal["recommended", "strict"] = "recommended"
    max_review_age: int = Field(12, alias="max-review-age", ge=1, le=1200)
    max_handoffs: int = Field(6, alias="max-handoffs", ge=0, le=10_000)
    max_measurement_age: int = Field(6, alias="max-measurement-age", ge=1, le=1200)
    fail_on: Literal["error", "warning", "info"] = Field("warning", alias="fail-on")
    # How much a load reads and reports; read by `crmdsl.language.limits` (bytes or "64 MB").
    max_file_size: int | str = Field(16 * 1024 * 1024, alias="max-file-size")
    max_errors: int = Field(200, alias="max-errors", ge=1)
    # Which files a folder walk leaves out (gitignore-style patterns); read by `excludes_of`.
    exclude: list[str] | None = None
    extend_exclude: list[str] = Field(default_factory=list, alias="extend-exclude")
    # `crmdsl edit` reads and checks its own sub-table (keys, theme); the linter passes it by.
    tui: dict[str, Any] = Field(default_factory=dict)
    # The chat assistant reads its own sub-table (base_url, model, api_key_env, timeout).
    assistant: dict[str, Any] = Field(default_factory=dict)

    @field_validator("max_file_size")
    @classmethod
    def _a_size(cls, value: int | str) -> int | str:
        if parse_size(value) is None:
            raise ValueError('expected a number of bytes or a size such as "64 MB"')
        return value


_KEYS = [f.alias or name for name, f in ConfigModel.model_fields.items()]


def validate(
    data: dict[str, Any], known_codes: list[str] | Any, *, where: str, table: str
) -> dict[str, Any]:
    """Check a config table; return keyword arguments for `LintConfig`."""
    try:
        model = ConfigModel.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_message(exc, where, table)) from None
    codes = list(known_codes)
    for code in model.severity:
        check_code(code, codes, f"{where}: {table} severity", group_ok=False)
    for key, entries in (("select", model.select or []), ("ignore", model.ignore)):
        for entry in entries:
            check_code(entry, codes, f"{where}: {table} {key}")
    return {
        "severity": dict(sorted(model.severity.items())),
        "select": tuple(model.select) if model.select is not None else None,
        "ignore": tuple(model.ignore),
        "preset": model.preset,
        "max_review_age": model.max_review_age,
        "max_handoffs": model.max_handoffs,
        "max_measurement_age": model.max_measurement_age,
        "fail_on": model.fail_on,
    }


def _message(exc: ValidationError, where: str, table: str) -> str:
    """The first problem, in words: which key, what was wrong, what would be right."""
    lines = []
    for err in exc.errors():
        loc = [str(part) for part in err["loc"]]
        key = ".".join(loc)
        if err["type"] == "extra_forbidden":
            hint = did_you_mean(loc[-1], _KEYS) if len(loc) == 1 else ""
            known = ", ".join(f"`{k}`" for k in _KEYS)
            tail = f"; {hint}" if hint else f"; the keys are {known}"
            lines.append(f"{where}: unknown key `{key}` in {table}{tail}")
        else:
            got = err.get("input")
            lines.append(f"{where}: bad value for `{key}` in {table}: {_words(err)} (got {got!r})")
    return "\n".join(lines)


def _words(err: Any) -> str:
    """Pydantic's message, in the config's words."""
    ctx = err.get("ctx") or {}
    if err["type"] == "literal_error":
        return f"expected {ctx.get('expected', 'one of the allowed values')}"
    return str(err["msg"]).lower()
