#!/usr/bin/env bash
# Install tmux, the real terminal the editor's end-to-end test types into.
# Idempotent: it installs nothing when tmux is already there.
set -euo pipefail

if command -v tmux >/dev/null 2>&1; then
    tmux -V
    exit 0
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then
    as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
if ! "${as_root[@]}" apt-get install -y --no-install-recommends tmux; then
    "${as_root[@]}" apt-get update
    "${as_root[@]}" apt-get install -y --no-install-recommends tmux
fi
tmux -V
