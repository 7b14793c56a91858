#!/usr/bin/env bash
# Builds the release `mitra` binary into target/release/mitra (or
# $CARGO_TARGET_DIR/release/mitra). The one way it is built for shipping: by
# the Dockerfile's build stage and by scripts/test-all.sh, so CI runs exactly
# what the image build runs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p mitra
