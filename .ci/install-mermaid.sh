#!/usr/bin/env bash
# Install the local Mermaid renderer used by `crmdsl render --format svg` and by the
# tests marked `mermaid`: Debian's Chromium plus mermaid-cli, pinned in
# tools/mermaid/package-lock.json (no browser download: puppeteer uses Chromium).
# Idempotent: it installs only what is missing or out of date.
#
#   .ci/install-mermaid.sh                                  # from anywhere in the checkout
#   CRMDSL_CHROMIUM=/opt/chrome/chrome .ci/install-mermaid.sh  # use that browser, skip apt
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
chromium="${CRMDSL_CHROMIUM:-/usr/bin/chromium}"

if [ ! -x "$chromium" ]; then
    if [ -n "${CRMDSL_CHROMIUM:-}" ]; then
        echo "CRMDSL_CHROMIUM=$chromium is not an executable file" >&2
        exit 1
    fi
    as_root=()
    if [ "$(id -u)" -ne 0 ]; then
        as_root=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    # Refresh the package lists when they do not know chromium yet, and retry once
    # after a refresh when they are stale (a 404 on a superseded .deb).
    if ! apt-cache show chromium >/dev/null 2>&1; then
        "${as_root[@]}" apt-get update
    fi
    if ! "${as_root[@]}" apt-get install -y --no-install-recommends chromium; then
        "${as_root[@]}" apt-get update
        "${as_root[@]}" apt-get install -y --no-install-recommends chromium
    fi
fi
"$chromium" --version

cd "$repo_root/tools/mermaid"
stamp="node_modules/.crmdsl-installed-from"
wanted="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -x node_modules/.bin/mmdc ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
    echo "mermaid-cli is installed in $(pwd)/node_modules"
else
    PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund
    echo "$wanted" > "$stamp"
fi
echo "mermaid-cli $(node -p 'require("./node_modules/@mermaid-js/mermaid-cli/package.json").version')"
