#!/usr/bin/env bash
# Runs every check and test of the project, the same way locally and in CI:
# formatting, lints, Rust unit/simulation/integration tests (samod as a
# client), the web client's type check, unit tests and build, the official
# JavaScript client against the real server, then the browser client in real
# headless Chromium against the real server.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Build everything once (the mitra binary included, with the same features the tests use)"
cargo build --workspace --all-targets --locked

step "Release build of the server (scripts/build-server.sh, exactly as the Dockerfile runs it)"
./scripts/build-server.sh

step "Deployment files (compose setup and profiles, Dockerfile, Caddyfile, Prometheus configuration)"
MITRA_BIN="$PWD/target/debug/mitra" ./scripts/check-compose.sh

step "Rust tests (unit, simulation, samod interop, bad input, lifecycle; storage on SQLite and on a throwaway PostgreSQL)"
if [ -n "${CI:-}" ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null; then
  ./scripts/with-postgres.sh cargo test --workspace --locked
else
  echo "PostgreSQL is not installed: its tests say they are skipped (apt-get install postgresql)"
  cargo test --workspace --locked
fi

step "Web client: install, type check (types generated from crates/mitra-model), unit tests, build"
(
  cd web
  npm ci --no-audit --no-fund
  npm run typecheck
  npm test
)
./scripts/build-web.sh

step "JavaScript interop tests (automerge-repo 2.5.6 against target/debug/mitra)"
(
  cd tests/interop
  npm ci --no-audit --no-fund
  MITRA_BIN="$PWD/../../target/debug/mitra" npm test
)

step "Browser end-to-end tests (headless Chromium against target/debug/mitra; screenshots in web/e2e-artifacts)"
(
  cd web
  MITRA_BIN="$PWD/../target/debug/mitra" npm run e2e
)
