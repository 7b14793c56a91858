#!/usr/bin/env bash
# Compares Mitra with the reference JavaScript automerge-repo sync server under
# mitra-bench's fan-out workload (one writer, N readers of one document).
#
# Usage: bench/run.sh
# Settings (environment variables, defaults in brackets):
#   READERS        reader counts to try              ["10 100"]
#   REPEATS        runs per server and reader count  [3]; the order alternates
#   RATE           writer changes per second         [20]
#   DURATION       measured seconds per run          [30]
#   WARMUP         warm-up seconds per run           [5]
#   SEED_DOC       document to upload and edit       [../shared/data/monday-meeting-notes.automerge]
#   SERVERS        which servers                     ["mitra js"]
#   SETUP_TIMEOUT  seconds for upload / each reader  [120]
#   LOSS_TIMEOUT   seconds before a change is lost   [10]
#   OUT            directory for logs and results    [a new temporary directory]
#
# Every server listens on 127.0.0.1 only and is stopped after its run; every
# step is bounded in time. A missing or non-starting mitra binary is skipped
# with a message; the JS server must work.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="$ROOT/bench"
READERS="${READERS:-10 100}"
REPEATS="${REPEATS:-3}"
RATE="${RATE:-20}"
DURATION="${DURATION:-30}"
WARMUP="${WARMUP:-5}"
SEED_DOC="${SEED_DOC:-$ROOT/../shared/data/monday-meeting-notes.automerge}"
SERVERS="${SERVERS:-mitra js}"
SETUP_TIMEOUT="${SETUP_TIMEOUT:-120}"
LOSS_TIMEOUT="${LOSS_TIMEOUT:-10}"
OUT="${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/mitra-bench.XXXXXX")}"

log() { printf '[run.sh] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

is_number() { [[ "$1" =~ ^[0-9]+([.][0-9]+)?$ ]]; }
for v in RATE DURATION WARMUP SETUP_TIMEOUT LOSS_TIMEOUT; do
  is_number "${!v}" || die "$v must be a number, not '${!v}'"
done
[[ "$REPEATS" =~ ^[1-9][0-9]*$ ]] || die "REPEATS must be a positive integer"
for n in $READERS; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "READERS must be positive integers, not '$n'"
done
for s in $SERVERS; do
  [[ "$s" == mitra || "$s" == js ]] || die "SERVERS may hold only 'mitra' and 'js', not '$s'"
done
[[ -f "$SEED_DOC" ]] || die "seed document $SEED_DOC not found (set SEED_DOC)"
command -v node >/dev/null || die "node is needed (JS server and summary)"
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: >"$RESULTS"

# Many readers need many sockets.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

wants() { [[ " $SERVERS " == *" $1 "* ]]; }

# ---------------------------------------------------------------- build
cd "$ROOT"
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
log "building mitra-bench and mitra (release; the shared target dir may be locked for a while)"
MITRA_OK=0
if wants mitra; then
  if timeout 3600 cargo build --release -p mitra-bench -p mitra; then
    MITRA_OK=1
  else
    log "building mitra failed: building mitra-bench alone, mitra will be skipped"
    timeout 3600 cargo build --release -p mitra-bench
  fi
else
  timeout 3600 cargo build --release -p mitra-bench
fi
BENCH_BIN="$TARGET_DIR/release/mitra-bench"
MITRA_BIN="$TARGET_DIR/release/mitra"
[[ -x "$BENCH_BIN" ]] || die "$BENCH_BIN was not built"
if wants mitra && [[ "$MITRA_OK" == 1 && ! -x "$MITRA_BIN" ]]; then
  log "no mitra binary at $MITRA_BIN: skipping mitra"
  MITRA_OK=0
fi

if wants js; then
  log "installing the JS server's packages (npm ci)"
  (cd "$BENCH_DIR/js-server" && timeout 600 npm ci --no-audit --no-fund --loglevel=error) ||
    die "npm ci in bench/js-server failed"
fi

# ---------------------------------------------------------------- servers
SERVER_PID=""
SERVER_URL=""
SERVER_DATA=""

stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      kill -TERM "$SERVER_PID" 2>/dev/null || true
      for _ in $(seq 1 50); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
      done
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
  if [[ -n "$SERVER_DATA" ]]; then
    rm -rf "$SERVER_DATA"
    SERVER_DATA=""
  fi
}
trap stop_server EXIT
trap 'stop_server; exit 130' INT TERM

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# start_server NAME LOGFILE: sets SERVER_PID and SERVER_URL, or returns 1.
start_server() {
  local name="$1" logfile="$2" url=""
  SERVER_DATA="$(mktemp -d "${TMPDIR:-/tmp}/mitra-bench-$name-data.XXXXXX")"
  : >"$logfile"
  case "$name" in
    mitra)
      local port
      port="$(free_port)"
      "$MITRA_BIN" serve --no-demo --listen "127.0.0.1:$port" --data-dir "$SERVER_DATA" >"$logfile" 2>&1 &
      ;;
    js)
      node "$BENCH_DIR/js-server/server.mjs" --port 0 --data-dir "$SERVER_DATA" >"$logfile" 2>&1 &
      ;;
  esac
  SERVER_PID=$!
  for _ in $(seq 1 200); do
    url="$(grep -oE 'ws://127\.0\.0\.1:[0-9]+/sync' "$logfile" | head -n 1 || true)"
    if [[ -n "$url" ]]; then
      SERVER_URL="$url"
      return 0
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      log "$name exited before announcing its sync endpoint; its last output:"
      tail -n 5 "$logfile" >&2 || true
      stop_server
      return 1
    fi
    sleep 0.1
  done
  log "$name did not announce a ws://127.0.0.1:PORT/sync endpoint within 20 s"
  stop_server
  return 1
}

BUDGET="$(awk -v s="$SETUP_TIMEOUT" -v w="$WARMUP" -v d="$DURATION" -v l="$LOSS_TIMEOUT" \
  'BEGIN { printf "%d", 2 * s + w + d + l + 60 }')"

# run_one SERVER N REP: one server start, one bench run, one stop.
run_one() {
  local name="$1" n="$2" rep="$3"
  local tag="$name-n$n-r$rep"
  if [[ "$name" == mitra && "$MITRA_OK" != 1 ]]; then
    return 0
  fi
  log "[$tag] starting $name"
  if ! start_server "$name" "$OUT/$tag.server.log"; then
    if [[ "$name" == mitra ]]; then
      log "skipping mitra from now on (does 'mitra serve' exist yet?)"
      MITRA_OK=0
      return 0
    fi
    die "the JS server did not start (see $OUT/$tag.server.log)"
  fi
  log "[$tag] $name pid $SERVER_PID at $SERVER_URL: $n readers, $RATE changes/s, ${WARMUP}+${DURATION} s"
  local rc=0
  timeout "$BUDGET" "$BENCH_BIN" --url "$SERVER_URL" --readers "$n" --rate "$RATE" \
    --duration "$DURATION" --warmup "$WARMUP" --seed-doc "$SEED_DOC" \
    --server-pid "$SERVER_PID" --label "$name" --json \
    --setup-timeout "$SETUP_TIMEOUT" --loss-timeout "$LOSS_TIMEOUT" \
    >"$OUT/$tag.bench.txt" 2>"$OUT/$tag.bench.err" || rc=$?
  stop_server
  if [[ "$rc" != 0 ]]; then
    log "[$tag] mitra-bench failed (exit $rc):"
    tail -n 5 "$OUT/$tag.bench.err" >&2 || true
    return 0
  fi
  grep -v '^{' "$OUT/$tag.bench.txt" >&2 || true
  local json
  json="$(grep '^{' "$OUT/$tag.bench.txt" | tail -n 1 || true)"
  if [[ -n "$json" ]]; then
    printf '{"server":"%s","n":%d,"rep":%d,%s\n' "$name" "$n" "$rep" "${json#\{}" >>"$RESULTS"
  fi
  sleep 1
}

# ---------------------------------------------------------------- runs
log "results and logs go to $OUT"
for n in $READERS; do
  for rep in $(seq 1 "$REPEATS"); do
    if ((rep % 2)); then order="mitra js"; else order="js mitra"; fi
    for name in $order; do
      if wants "$name"; then
        run_one "$name" "$n" "$rep"
      fi
    done
  done
done

[[ -s "$RESULTS" ]] || die "no run produced results (logs in $OUT)"
echo
node "$BENCH_DIR/summarize.mjs" "$RESULTS"
echo
echo "Per-run JSON lines: $RESULTS"
