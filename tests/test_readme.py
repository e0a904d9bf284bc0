"""The README is what a new user runs: its commands, its example and its diagram must hold."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from typer.testing import CliRunner

import crmdsl
from crmdsl.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block_after(marker: str) -> str:
    found = re.search(re.escape(marker) + r"\n```sh\n(.*?)\n```", README, re.S)
    assert found, f"no ```sh block under {marker} in README.md"
    return found.group(1)


def test_two_set_up_and_go_commands() -> None:
    run = _block_after("<!-- run-command -->")
    test = _block_after("<!-- test-command -->")
    assert run.endswith("crmdsl check examples") and "pip install" in run
    assert "pip install" in test and test.endswith("pytest")
    assert len(re.findall(r"^```sh$", README, re.M)) == 2


def test_ci_runs_the_readme_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    awk = re.search(r"cmd=\$\((awk .*? README\.md)\)", script)
    assert awk, ".ci/run no longer reads the test command from README.md"
    out = subprocess.run(["bash", "-c", awk.group(1)], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == _block_after("<!-- test-command -->")
    assert "set -euo pipefail" in script  # a failing (or empty, exit 5) test run fails CI


def test_the_example_map_loads() -> None:
    example = re.search(r"## A map\n\n```\n(.*?)```", README, re.S)
    assert example
    analysis = crmdsl.analyze(example.group(1), "README.crm")
    assert [d.message for d in analysis.diagnostics] == []


def test_the_readme_diagram_is_current() -> None:
    result = CliRunner().invoke(app, ["docs", "--check", str(ROOT / "README.md")])
    assert result.exit_code == 0, result.output
