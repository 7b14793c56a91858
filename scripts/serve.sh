#!/usr/bin/env bash
# Runs Mitra from the repository with embedded defaults: builds the browser
# client when its sources changed, then starts `mitra serve` (release build)
# on http://127.0.0.1:8080 with its data in ./mitra-data. Extra arguments go
# to `mitra serve` (see `cargo run -p mitra -- serve --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build-web.sh --if-needed
exec cargo run --release --locked -p mitra -- serve --web-dir web/dist "$@"
