#!/bin/sh
# axe-core, pinned, from the npm registry, into .venv/node (git-ignored with the venv): the
# accessibility engine the browser tests inject into every app page and the static site.
# Usage: sh tests/tools/install_axe.sh  (does nothing when the pinned version is there; without
# npm it says so and exits 0: the axe-core test is then skipped)
set -eu
AXE_VERSION=4.14.1
exec sh "$(dirname "$0")/install_npm_package.sh" axe-core "$AXE_VERSION" \
  "${AXE_PREFIX:-.venv/node}" 0 "the axe-core test will be skipped"
