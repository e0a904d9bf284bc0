"""Output is the same bytes in two processes with different hash seeds.

Within one process `set` and `dict` orders of strings are fixed, so comparing two runs
there cannot show an output that follows hash order. Here one child process per
`PYTHONHASHSEED` produces every user-facing output of the example maps: `crmdsl check`
in each format, `crmdsl report` in each format (HTML without its diagrams, which
Chromium draws), `crmdsl fmt`, every view of every subject, and `crmdsl
explain`; the children's outputs must be identical.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-11-23"

CHILD = f"""
import json, sys
from typer.testing import CliRunner
import crmdsl
from crmdsl.cli.app import app

out = {{}}
def run(*args):
    result = CliRunner().invoke(app, list(args))
    out[" ".join(args)] = (result.exit_code, result.output)

for fmt in ("text", "concise", "json", "sarif", "github"):
    run("check", "examples", "--format", fmt, "--today", "{TODAY}")
for path in ("examples/acme.crm", "examples/b2b_support.crm", "examples/shop/shop.crm"):
    run("report", path, "--today", "{TODAY}")
    run("report", path, "--today", "{TODAY}", "--format", "json")
    run("report", path, "--today", "{TODAY}", "--format", "html", "--no-diagrams")
    run("fmt", "--diff", path)
    crm_map = crmdsl.load(path)
    for view in crmdsl.VIEWS:
        for subject in crmdsl.view_subjects(crm_map, view) or [None]:
            try:
                out[f"{{path}} {{view}} {{subject}}"] = crmdsl.render(crm_map, view, subject).text
            except crmdsl.ViewError as error:
                out[f"{{path}} {{view}} {{subject}}"] = f"error: {{error}}"
run("explain", "D303")
json.dump(out, sys.stdout, sort_keys=True)
"""


def outputs(seed: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "NO_COLOR": "1", "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.mark.slow
def test_outputs_do_not_depend_on_the_hash_seed() -> None:
    """Catches output that follows the iteration order of a set or dict of strings (for
    instance a message listing `set(...)` items), which a comparison inside one process,
    like the lint-format test's, cannot see."""
    first, second = outputs("1"), outputs("2")
    assert len(first) > 40
    assert first.keys() == second.keys()
    differing = [key for key in first if first[key] != second[key]]
    assert not differing, f"these outputs depend on the hash seed: {differing}"
