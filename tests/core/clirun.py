"""Running `crmdsl` as a user does, in a child process with a time limit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

__all__ = ["REPO", "cli", "python"]

REPO = Path(__file__).resolve().parents[2]


def python(
    cwd: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`python ARGS` in `cwd` with this checkout importable and no colour.

    `env` replaces the environment (this process's by default); a hang fails the test
    after `timeout` seconds.
    """
    base = dict(os.environ) if env is None else env
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**base, "PYTHONPATH": str(REPO), "NO_COLOR": "1"},
        timeout=timeout,
        check=False,
    )


def cli(cwd: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`crmdsl ARGS` in `cwd`."""
    return python(cwd, "-m", "crmdsl", *args, timeout=timeout)
