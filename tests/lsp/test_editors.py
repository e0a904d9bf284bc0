"""The editor set-ups of docs/editors.md, tried: each editor runs headless with the
documented configuration, opens a map with a duplicate id, and must show the server's
diagnostic for it. Helix's and VS Code's settings are checked for shape only (neither
editor runs here; the VS Code extension has its own tests in test_vscode_extension.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from editortools import ROOT, editor_env, snippet, tool

pytestmark = pytest.mark.slow

#: The problem every editor must show: line 85 of the copied acme.crm, a second `revops`.
DUPLICATE = 'team revops "Revenue Operations again"\n'

NVIM_CHECK = """\
local ok = vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 20)
local lines = { "filetype " .. vim.bo.filetype, "commentstring " .. vim.bo.commentstring }
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(lines, string.format("%d %s %s", d.lnum + 1, tostring(d.code), d.message))
end
vim.fn.writefile(lines, "result.txt")
vim.cmd("qall!")
"""

EMACS_CHECK = """\
(require 'eglot)
(find-file "acme.crm")
(let ((deadline (+ (float-time) 30)) (found nil) (lines nil))
  (while (and (not found) (< (float-time) deadline))
    (run-hooks 'post-command-hook)  ; batch Emacs runs no commands: eglot-ensure waits on one
    (accept-process-output nil 0.02)
    (setq found (and (bound-and-true-p flymake-mode) (flymake-diagnostics))))
  (setq lines (cons (format "mode %s" major-mode)
                    (mapcar (lambda (d)
                              (format "%d %s" (line-number-at-pos (flymake-diagnostic-beg d))
                                      (flymake-diagnostic-text d)))
                            found)))
  (write-region (mapconcat #'identity lines "\\n") nil "result.txt"))
(kill-emacs 0)
"""


def _map_with_duplicate(folder: Path) -> int:
    """acme.crm copied into `folder` with a duplicate team at its end; that line's number."""
    text = (ROOT / "examples" / "acme.crm").read_text(encoding="utf-8")
    text = text if text.endswith("\n") else text + "\n"
    (folder / "acme.crm").write_text(text + DUPLICATE, encoding="utf-8")
    return text.count("\n") + 1


def _run(command: list[str], folder: Path) -> list[str]:
    """Run a headless editor in `folder`; the lines it wrote to result.txt."""
    done = subprocess.run(
        command,
        cwd=folder,
        env=editor_env(folder / "home"),
        capture_output=True,
        text=True,
        timeout=90,
        stdin=subprocess.DEVNULL,
    )
    result = folder / "result.txt"
    assert result.exists(), f"{command[0]} wrote nothing:\n{done.stdout}\n{done.stderr}"
    return result.read_text(encoding="utf-8").splitlines()


def test_neovim_shows_the_servers_diagnostic(tmp_path: Path) -> None:
    nvim = tool("nvim", version_at_least=(0, 11))
    line = _map_with_duplicate(tmp_path)
    (tmp_path / "init.lua").write_text(snippet("Neovim", "lua"), encoding="utf-8")
    ftplugin = tmp_path / "home" / "config" / "nvim" / "after" / "ftplugin" / "crmdsl.lua"
    ftplugin.parent.mkdir(parents=True)
    ftplugin.write_text(snippet("Neovim", "lua", 1), encoding="utf-8")
    (tmp_path / "check.lua").write_text(NVIM_CHECK, encoding="utf-8")
    out = _run([nvim, "--headless", "-u", "init.lua", "-i", "NONE",
                "acme.crm", "-c", "luafile check.lua"], tmp_path)  # fmt: skip
    assert out[:2] == ["filetype crmdsl", "commentstring # %s"]
    assert f"{line} duplicate-id `revops` is declared twice" in "\n".join(out[2:])


def test_emacs_eglot_shows_the_servers_diagnostic(tmp_path: Path) -> None:
    emacs = tool("emacs")
    line = _map_with_duplicate(tmp_path)
    (tmp_path / "init.el").write_text(snippet("Emacs (eglot)", "elisp"), encoding="utf-8")
    (tmp_path / "check.el").write_text(EMACS_CHECK, encoding="utf-8")
    out = _run([emacs, "--batch", "-l", "init.el", "-l", "check.el"], tmp_path)
    assert out[0] == "mode crmdsl-mode"
    assert f"{line} crmdsl [duplicate-id]: `revops` is declared twice" in "\n".join(out[1:])


def test_helix_languages_toml_starts_crmdsl_lsp_for_crm_files() -> None:
    config = tomllib.loads(snippet("Helix", "toml"))
    server = config["language-server"]["crmdsl"]
    assert [server["command"], *server["args"]] == ["crmdsl", "lsp"]
    (language,) = config["language"]
    assert language["file-types"] == ["crm"]
    assert language["language-servers"] == ["crmdsl"]
    assert language["comment-token"] == "#"
    if shutil.which("hx"):  # Helix is not packaged for this machine; where it is, ask it.
        health = subprocess.run(["hx", "--health", "crmdsl"], capture_output=True, text=True)
        assert "crmdsl" in health.stdout


def test_vscode_settings_are_json() -> None:
    settings = json.loads(snippet("VS Code", "json"))
    assert settings["crmdsl.server.path"].endswith("/.venv/bin/crmdsl")
    manifest = json.loads((ROOT / "editors" / "vscode" / "package.json").read_text("utf-8"))
    assert set(settings) <= set(manifest["contributes"]["configuration"]["properties"])
