"""`.pre-commit-hooks.yaml`: the hooks exist, run real commands, and check maps whole."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from crmdsl.cli.app import app

HOOKS = Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml"


def hooks() -> dict[str, dict[str, str]]:
    """A small reader for the flat YAML list of the hooks file (no YAML library needed)."""
    out: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for raw in HOOKS.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        if line.startswith("- id:"):
            current = {}
            out[line.split(":", 1)[1].strip()] = current
            continue
        assert current is not None and line.startswith("  "), raw
        key, _, value = line.strip().partition(":")
        current[key] = value.strip()
    return out


def test_hooks() -> None:
    found = hooks()
    assert list(found) == ["crmdsl-check", "crmdsl-check-changed", "crmdsl-format"]
    check = found["crmdsl-check"]
    assert check["entry"] == "crmdsl check"
    assert check["files"] == r"\.crm$"
    assert check["pass_filenames"] == "false"
    assert "args" not in check  # `crmdsl check` with no path checks `.`; users add [--fix]
    assert found["crmdsl-check-changed"]["entry"] == "crmdsl check --force-exclude"
    assert found["crmdsl-format"]["entry"] == "crmdsl fmt --force-exclude"
    for hook in found.values():
        assert hook["language"] == "python"


def test_hook_commands_exist() -> None:
    for command in ("check", "fmt"):
        result = CliRunner().invoke(app, [command, "--help"])
        assert result.exit_code == 0, command
