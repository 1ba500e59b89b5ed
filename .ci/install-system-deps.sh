#!/usr/bin/env bash
# System packages the tests need, from Debian only (the machines reach no other source):
# Chromium for the webview and VS Code tests, and Mesa's software Vulkan from bookworm-backports for the
# WebGPU engine (bookworm's own Mesa 22 is too old for Dawn; see DESIGN.md). Idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
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
$SUDO apt-get install -y -qq --no-install-recommends chromium ripgrep libkrb5-dev >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null
echo "system deps: $(chromium --version 2>/dev/null | head -1); mesa $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)"
