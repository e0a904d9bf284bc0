"""The pre-commit hooks as a user installs them: a scratch repository commits through them.

The hook repository is a git copy of this checkout (as pre-commit clones a tag); the
user's `.pre-commit-config.yaml` writes `args: [--fix]` on `crmdsl-check` the way ruff
users do. pre-commit builds the hooks' environment with pip, once per test session.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.maps import FIXABLE as MAP

ROOT = Path(__file__).resolve().parents[2]
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"

pytestmark = pytest.mark.slow


CONFIG = """\
repos:
  - repo: {repo}
    rev: {rev}
    hooks:
      - id: crmdsl-check
        args: [--fix]
      - id: crmdsl-format
"""


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-c", "user.email=t@example.org", "-c", "user.name=t", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PRE_COMMIT_HOME": str(cwd.parent / "pre-commit-home")},
    )


def _hook_repo(base: Path) -> tuple[Path, str]:
    """A git repository holding this checkout's package and hooks, and its commit."""
    repo = base / "crmdsl-hooks"
    skip = shutil.ignore_patterns(".*", "__pycache__", "*.egg-info", "node_modules")
    for name in ("crmdsl", "grammar"):
        shutil.copytree(ROOT / name, repo / name, ignore=skip)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, repo / name)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    assert git(repo, "commit", "-q", "-m", "hooks").returncode == 0
    return repo, git(repo, "rev-parse", "HEAD").stdout.strip()


def test_check_fix_and_format_hooks_commit(tmp_path: Path) -> None:
    if not PRE_COMMIT.exists():
        if os.environ.get("CI"):
            pytest.fail("pre-commit is not installed (pip install -e '.[dev]')")
        pytest.skip("pre-commit is not installed")
    hooks, rev = _hook_repo(tmp_path)
    work = tmp_path / "maps"
    work.mkdir()
    git(work, "init", "-q")
    (work / ".pre-commit-config.yaml").write_text(
        CONFIG.format(repo=hooks, rev=rev), encoding="utf-8"
    )
    (work / "m.crm").write_text(MAP, encoding="utf-8")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    installed = subprocess.run(
        [str(PRE_COMMIT), "install"], cwd=work, capture_output=True, text=True, env=env
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    git(work, "add", ".")
    first = git(work, "commit", "-m", "a map")
    # the fix rewrote the staged map: pre-commit stops the commit, as with ruff --fix
    assert first.returncode != 0, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout + first.stderr
    assert "mobile: phone pii" in (work / "m.crm").read_text(encoding="utf-8")
    git(work, "add", ".")
    second = git(work, "commit", "-m", "a map")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Missing argument" not in first.stdout + first.stderr
