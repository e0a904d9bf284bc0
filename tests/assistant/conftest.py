"""Fixtures of the assistant's tests: copies of the example maps and engines over them."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmdsl.assistant.engine import Engine
from crmdsl.cli.app import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TODAY = dt.date(2026, 10, 1)


@pytest.fixture
def maps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding copies of the example maps (acme.crm, b2b_support.crm); the cwd."""
    for name in ("acme.crm", "b2b_support.crm"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def engine_for(maps: Path) -> Callable[[str], Engine]:
    """An engine over a copied example map, by file name, dated TODAY."""
    return lambda name: Engine.open(name, today=TODAY)


def ask_cli(*args: str, stdin: str | None = None) -> tuple[int, str]:
    """Run `crmdsl ...` in-process; (exit code, stdout and stderr)."""
    result = CliRunner().invoke(app, list(args), input=stdin)
    return result.exit_code, result.output
