"""Packaging is ready to publish: `python -m build` makes an sdist and a wheel, and
`twine check` passes them (metadata, the README as the long description)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _needs(module: str) -> None:
    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True)
    if done.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"{module} is not installed (pip install -e '.[dev]')")
        pytest.skip(f"{module} is not installed")


def test_build_and_twine_check(tmp_path: Path) -> None:
    _needs("build")
    _needs("twine")
    source = tmp_path / "src"
    skip = shutil.ignore_patterns(".*", "__pycache__", "*.egg-info", "node_modules", "dist")
    shutil.copytree(ROOT, source, ignore=skip)
    out = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    files = sorted(p.name for p in out.iterdir())
    assert any(f.endswith(".whl") for f in files) and any(f.endswith(".tar.gz") for f in files)
    checked = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, out.iterdir())],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2
