#!/usr/bin/env bash
# Builds the browser client into web/dist (what `mitra serve` serves at /).
# The one way it is built: by scripts/serve.sh, scripts/test-all.sh and the
# Dockerfile. `--if-needed` skips the build when web/dist is newer than every
# source file.
set -euo pipefail
cd "$(dirname "$0")/../web"

if [ "${1:-}" = "--if-needed" ] && [ -f dist/index.html ] \
  && [ -z "$(find src index.html package-lock.json vite.config.ts -newer dist/index.html -print -quit)" ]; then
  exit 0
fi
# Install exactly the locked packages, unless they already are.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build
