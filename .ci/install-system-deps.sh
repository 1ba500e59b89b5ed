#!/usr/bin/env bash
# System packages the tests need, from Debian only (the machines reach no other source):
# Chromium for the webview and VS Code tests, ripgrep and libkrb5-dev for code-server's install
# (.ci/install-code-server.sh), and Mesa's software Vulkan from bookworm-backports for the WebGPU engine
# (bookworm's own Mesa 22 is too old for Dawn). Idempotent, and quick when all is
# there: it asks apt only about what is missing.
#   bash .ci/install-system-deps.sh          install what is missing (as root, or through sudo)
#   bash .ci/install-system-deps.sh --check  only say what is missing; exit 1 if anything is
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

PACKAGES=(chromium ripgrep libkrb5-dev)
BACKPORTS=(mesa-vulkan-drivers libvulkan1)
MESA_MIN=24 # Dawn needs a Mesa newer than bookworm's 22

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
for p in "${PACKAGES[@]}" "${BACKPORTS[@]}"; do installed "$p" || missing+=("$p"); done
if installed mesa-vulkan-drivers &&
  ! dpkg --compare-versions "$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)" ge "$MESA_MIN"; then
  missing+=("mesa-vulkan-drivers (>= $MESA_MIN, from bookworm-backports)")
fi

if [ "${#missing[@]}" = 0 ]; then
  echo "system deps: all there ($(chromium --version 2>/dev/null | head -1); mesa $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers))"
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  echo "system deps missing: ${missing[*]}"
  exit 1
fi

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  # Same Debian host as the main suite.
  $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports "${BACKPORTS[@]}" >/dev/null
echo "system deps: $(chromium --version 2>/dev/null | head -1); mesa $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)"
