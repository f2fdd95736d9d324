#!/bin/sh
# Lighthouse, pinned, from the npm registry, into .venv/node/lighthouse (git-ignored with the
# venv; a folder of its own, so that npm does not prune axe-core from .venv/node, see
# tests/tools/install_axe.sh): what the benchmark's lighthouse part runs against Debian's
# chromium. 12.x is the last line that runs on Debian's node 20 (13 needs node 22).
# Usage: sh bench/tools/install_lighthouse.sh  (does nothing when the pinned version is there;
# without npm it fails: the lighthouse part cannot run)
set -eu
LIGHTHOUSE_VERSION=12.8.2
exec sh "$(dirname "$0")/../../tests/tools/install_npm_package.sh" lighthouse \
  "$LIGHTHOUSE_VERSION" "${LIGHTHOUSE_PREFIX:-.venv/node/lighthouse}" 1 \
  "the lighthouse part cannot run"
