#!/bin/sh
# axe-core, pinned, from the npm registry, into .venv/node (git-ignored with the venv): the
# accessibility engine the browser tests inject into every app page and the static site.
# Usage: sh tests/tools/install_axe.sh  (does nothing when the pinned version is there)
set -eu
AXE_VERSION=4.14.1
PREFIX="${AXE_PREFIX:-.venv/node}"
PACKAGE="$PREFIX/node_modules/axe-core/package.json"
if [ -f "$PACKAGE" ] && grep -q "\"version\": \"$AXE_VERSION\"" "$PACKAGE"; then
  exit 0
fi
# Debian's npm (with its node) when it is missing, as the Makefile installs chromium and nginx.
if ! command -v npm >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update && \
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends npm || true
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is missing (apt-get install npm): the axe-core test will be skipped" >&2
  exit 0
fi
mkdir -p "$PREFIX"
npm install --prefix "$PREFIX" --no-save --no-audit --no-fund --ignore-scripts \
  "axe-core@$AXE_VERSION"
