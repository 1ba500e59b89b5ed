#!/usr/bin/env bash
# Installs code-server (a real VS Code served to a browser) for the end-to-end tests, outside the repo's
# node_modules so `npm ci` never touches it. Idempotent; run as root on a fresh CI machine after
# install-system-deps.sh (it needs libkrb5-dev, ripgrep and a C++ toolchain for code-server's native modules).
#
# Why each step:
# - code-server@4.100.3 is the last release that runs on Node 20 (its postinstall refuses other majors).
# - Its postinstall runs `npm install` inside lib/vscode; as root npm needs unsafe-perm for that to work.
# - @vscode/ripgrep's postinstall downloads rg from GitHub, which these machines cannot reach; it first looks
#   for a cached tarball in $TMPDIR, so we seed that cache with Debian's /usr/bin/rg.
# - npm 11 gates install scripts by an allowScripts policy; we allow code-server's explicitly and then verify
#   that its postinstall really produced lib/vscode/node_modules, so a silently skipped script fails here.
#
# Result: $CODE_SERVER_HOME/node_modules/.bin/code-server (the E2E harness looks there by default).
set -euo pipefail

VERSION="4.100.3"
CODE_SERVER_HOME="${CODE_SERVER_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/model-studio/code-server-$VERSION}"
BIN="$CODE_SERVER_HOME/node_modules/.bin/code-server"

installed_ok() {
  [ -x "$BIN" ] &&
    [ -d "$CODE_SERVER_HOME/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin" ] &&
    [ -e "$CODE_SERVER_HOME/node_modules/code-server/lib/vscode/node_modules.asar" ] &&
    [ -d "$CODE_SERVER_HOME/node_modules/code-server/lib/vscode/extensions/node_modules" ] &&
    "$BIN" --version >/dev/null 2>&1
}

if installed_ok; then
  echo "code-server $("$BIN" --version | head -1) already at $BIN"
  exit 0
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" != "20" ]; then
  echo "code-server $VERSION needs Node 20; this is Node $(node --version)" >&2
  exit 1
fi
command -v rg >/dev/null || { echo "ripgrep missing: run .ci/install-system-deps.sh first" >&2; exit 1; }

# Pre-seed @vscode/ripgrep's download cache (v1.15.11 fetches ripgrep v13.0.0-10 for x86_64 musl).
tmp_root="${TMPDIR:-/tmp}"
rg_cache="$tmp_root/vscode-ripgrep-cache-1.15.11"
rg_tarball="$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -s "$rg_tarball" ]; then
  mkdir -p "$rg_cache"
  staging="$(mktemp -d)"
  cp "$(command -v rg)" "$staging/rg"
  tar -C "$staging" -czf "$rg_tarball" rg
  rm -rf "$staging"
fi

rm -rf "$CODE_SERVER_HOME"
mkdir -p "$CODE_SERVER_HOME"
# A private manifest gives npm an allowScripts policy for code-server's postinstall (npm 11 reads it;
# older npm ignores the field and runs scripts anyway).
cat >"$CODE_SERVER_HOME/package.json" <<JSON
{
  "name": "model-studio-e2e-code-server",
  "private": true,
  "dependencies": { "code-server": "$VERSION" },
  "allowScripts": { "code-server": true, "argon2": true }
}
JSON

export npm_config_unsafe_perm=true
export npm_config_yes=true
export npm_config_fund=false
export npm_config_audit=false
export npm_config_update_notifier=false
(cd "$CODE_SERVER_HOME" && npm install --no-package-lock --foreground-scripts)

if ! installed_ok; then
  echo "code-server's postinstall did not complete (lib/vscode dependencies missing) in $CODE_SERVER_HOME" >&2
  exit 1
fi
echo "code-server $("$BIN" --version | head -1) installed at $BIN"
