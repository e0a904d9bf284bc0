"""What the editor tests share: the documented snippets, the tools, an editor's environment.

`snippet(section, language, index)` is a fenced block of that language under a heading
of docs/editors.md; `tool(name, found)` is the path of an editor or of Node.js, or skips
the test with the reason (fails it under CI, which installs them: .ci/install-editors.sh);
`editor_env(home)` is the environment an editor is started in, with the venv's `crmdsl`
on PATH as a user's shell has it, and a private home so no user configuration counts.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

__all__ = ["DOC", "ROOT", "VSCODE", "editor_env", "node_modules", "snippet", "tool"]

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "editors.md"
VSCODE = ROOT / "editors" / "vscode"


def snippet(section: str, language: str, index: int = 0) -> str:
    """The index-th ```language block under the `## section` heading of docs/editors.md."""
    text = DOC.read_text(encoding="utf-8")
    part = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert part, f"docs/editors.md has no section {section!r}"
    blocks = re.findall(rf"^```{language}\n(.*?)^```", part.group(1), re.S | re.M)
    assert len(blocks) > index, f"docs/editors.md's {section!r} has too few {language} blocks"
    return str(blocks[index])


#: Where .ci/install-editors.sh puts a tool, for a PATH without /usr/local/bin.
_ELSEWHERE = {"nvim": (Path("/usr/local/bin/nvim"), Path("/opt/crmdsl-tools/neovim/bin/nvim"))}


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI installs it with .ci/install-editors.sh")
    pytest.skip(f"{reason} (.ci/install-editors.sh installs it)")


def tool(name: str, version_at_least: tuple[int, int] | None = None) -> str:
    """The path of a program on PATH, of at least that version (the first x.y of --version)."""
    path = shutil.which(name) or next(
        (str(p) for p in _ELSEWHERE.get(name, ()) if p.is_file()), None
    )
    if path is None:
        _missing(f"{name} is not installed")
    assert path is not None
    if version_at_least is not None:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
        found = re.search(r"(\d+)\.(\d+)", out.stdout)
        version = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
        if version < version_at_least:
            wanted = ".".join(map(str, version_at_least))
            _missing(f"{path} is version {version[0]}.{version[1]}; the set-up needs {wanted}")
    return path


def node_modules() -> Path:
    """editors/vscode/node_modules, installed by `npm ci` there."""
    folder = VSCODE / "node_modules"
    if not (folder / "vscode-textmate").is_dir():
        _missing("editors/vscode/node_modules is not installed (npm ci in editors/vscode)")
    return folder


def editor_env(home: Path) -> dict[str, str]:
    """An editor's environment: this venv's `crmdsl` first on PATH, a private empty home."""
    venv_bin = str(Path(sys.executable).parent)
    path = os.pathsep.join([venv_bin, os.environ.get("PATH", "")])
    xdg = {f"XDG_{k}_HOME": str(home / k.lower()) for k in ("CONFIG", "DATA", "STATE", "CACHE")}
    return {**os.environ, "PATH": path, "HOME": str(home), "PYTHONPATH": str(ROOT), **xdg}
