#!/bin/sh
# One npm package, pinned, from the npm registry, into a prefix folder (git-ignored with the
# venv): what install_axe.sh (the browser tests) and bench/tools/install_lighthouse.sh (the
# benchmark) both do. Does nothing when the pinned version is there; installs Debian's npm
# (with its node) when it is missing, as the Makefile installs chromium and nginx.
# Usage: sh tests/tools/install_npm_package.sh NAME VERSION PREFIX MISSING_NPM_EXIT WHAT
#   MISSING_NPM_EXIT: the exit status when npm cannot be had (0: the caller skips, 1: fails);
#   WHAT: the end of the message said then ("the axe-core test will be skipped").
set -eu
NAME="$1"
VERSION="$2"
PREFIX="$3"
MISSING_NPM_EXIT="$4"
WHAT="$5"
PACKAGE="$PREFIX/node_modules/$NAME/package.json"
if [ -f "$PACKAGE" ] && grep -q "\"version\": \"$VERSION\"" "$PACKAGE"; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update && \
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends npm || true
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is missing (apt-get install npm): $WHAT" >&2
  exit "$MISSING_NPM_EXIT"
fi
mkdir -p "$PREFIX"
npm install --prefix "$PREFIX" --no-save --no-audit --no-fund --ignore-scripts \
  "$NAME@$VERSION"
