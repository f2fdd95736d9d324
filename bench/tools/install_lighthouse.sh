#!/bin/sh
# Lighthouse, pinned, from the npm registry, into .venv/node/lighthouse (git-ignored with the
# venv; a folder of its own, so that npm does not prune axe-core from .venv/node, see
# tests/tools/install_axe.sh): what the benchmark's lighthouse part runs against Debian's
# chromium. 12.x is the last line that runs on Debian's node 20 (13 needs node 22).
# Usage: sh bench/tools/install_lighthouse.sh  (does nothing when the pinned version is there)
set -eu
LIGHTHOUSE_VERSION=12.8.2
PREFIX="${LIGHTHOUSE_PREFIX:-.venv/node/lighthouse}"
PACKAGE="$PREFIX/node_modules/lighthouse/package.json"
if [ -f "$PACKAGE" ] && grep -q "\"version\": \"$LIGHTHOUSE_VERSION\"" "$PACKAGE"; then
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
  echo "npm is missing (apt-get install npm): the lighthouse part cannot run" >&2
  exit 1
fi
mkdir -p "$PREFIX"
npm install --prefix "$PREFIX" --no-save --no-audit --no-fund --ignore-scripts \
  "lighthouse@$LIGHTHOUSE_VERSION"
