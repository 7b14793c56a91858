#!/usr/bin/env bash
# The benchmark suite: runs the workloads of issue 7 (W1 ... W5) against
# Mitra, the official JavaScript server, samod and a raw relay, interleaved
# in rounds, and summarises the medians into docs/benchmarks.md with plots
# in docs/bench/. See bench/README.md.
#
# Usage: bench/run.sh [--quick] [--write-docs|--no-docs]
#   --quick       every workload at small scale (a few minutes): checks that
#                 the suite works; writes its report into $OUT, not docs/
#   --write-docs  also write docs/benchmarks.md and docs/bench/*.svg (the
#                 default without --quick)
# Settings (environment variables):
#   SERVERS    which servers, in this order            ["mitra js samod relay"]
#   WORKLOADS  which workloads                         ["w1 w1-200 sweep w2 w3 w4 w5"]
#   ROUNDS     rounds; each runs every workload on every server, the server
#              order rotating from round to round      [3; quick: 1]
#   SWEEP      typist counts for the deliveries/s plot ["10 100"; quick: "5"]
#   PIN        1: pin servers and mitra-bench to different cores with
#              taskset (when there are at least 2)     [1]
#   OUT        where logs and results.jsonl go         [a new temporary directory]
#   DATA       the shared data directory               [../shared/data]
#
# Every server listens on 127.0.0.1 only, starts fresh (empty data directory)
# for each workload and is stopped after it; every step is bounded in time.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="$ROOT/bench"
QUICK=0
WRITE_DOCS=""
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    --write-docs) WRITE_DOCS=1 ;;
    --no-docs) WRITE_DOCS=0 ;;
    *)
      echo "usage: bench/run.sh [--quick] [--write-docs|--no-docs]" >&2
      exit 2
      ;;
  esac
done
[[ -n "$WRITE_DOCS" ]] || WRITE_DOCS=$((1 - QUICK))

SERVERS="${SERVERS:-mitra js samod relay}"
WORKLOADS="${WORKLOADS:-w1 w1-200 sweep w2 w3 w4 w5}"
PIN="${PIN:-1}"
DATA="${DATA:-$ROOT/../shared/data}"
OUT="${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/mitra-bench.XXXXXX")}"
MEETING="$DATA/monday-meeting-notes.automerge"
PAPER="$DATA/paper-trace-per-edit.automerge"

# Scales: full, or quick.
if [[ "$QUICK" == 1 ]]; then
  ROUNDS="${ROUNDS:-1}"
  SWEEP="${SWEEP:-5}"
  W1_TYPISTS=10 W1_BIG_TYPISTS=20 RATE=5 DURATION=5 WARMUP=1
  W2_READERS=10 W2_RATE=10
  W3_DOCS=200 W3_CONNS=400 W3_WINDOW=3
  W5_CLIENTS=50
else
  ROUNDS="${ROUNDS:-3}"
  SWEEP="${SWEEP:-10 100}"
  W1_TYPISTS=50 W1_BIG_TYPISTS=200 RATE=5 DURATION=30 WARMUP=5
  W2_READERS=100 W2_RATE=10
  W3_DOCS=10000 W3_CONNS=20000 W3_WINDOW=30
  W5_CLIENTS=500
fi

log() { printf '[run.sh] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer"
for n in $SWEEP; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "SWEEP must hold positive integers, not '$n'"
done
for s in $SERVERS; do
  case "$s" in mitra | js | samod | relay) ;; *) die "SERVERS may hold mitra, js, samod and relay, not '$s'" ;; esac
done
for w in $WORKLOADS; do
  case "$w" in w1 | w1-200 | sweep | w2 | w3 | w4 | w5) ;; *) die "unknown workload '$w'" ;; esac
done
[[ -f "$MEETING" && -f "$PAPER" ]] || die "the documents are not in $DATA (set DATA)"
command -v node >/dev/null || die "node is needed (JS server and summary)"
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: >"$RESULTS"

# Thousands of connections need thousands of descriptors (servers inherit this).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# Cores: the server on the first half, mitra-bench on the rest.
CORES="$(nproc)"
SERVER_CPUS="" BENCH_CPUS=""
if [[ "$PIN" == 1 && "$CORES" -ge 2 ]] && command -v taskset >/dev/null; then
  half=$((CORES / 2))
  SERVER_CPUS="0-$((half - 1))"
  BENCH_CPUS="$half-$((CORES - 1))"
  log "pinning servers to CPUs $SERVER_CPUS and mitra-bench to $BENCH_CPUS"
fi
# Run in a background subshell: exec, so that $! is the server's own pid.
exec_on_server_cpus() { if [[ -n "$SERVER_CPUS" ]]; then exec taskset -c "$SERVER_CPUS" "$@"; else exec "$@"; fi; }
on_bench_cpus() { if [[ -n "$BENCH_CPUS" ]]; then taskset -c "$BENCH_CPUS" "$@"; else "$@"; fi; }
wants() { [[ " $SERVERS " == *" $1 "* ]]; }

# ---------------------------------------------------------------- build
cd "$ROOT"
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
log "building (release; the shared target directory may be locked for a while)"
timeout 3600 cargo build --release -p mitra-bench -p mitra || die "building mitra-bench and mitra failed"
BENCH_BIN="$TARGET_DIR/release/mitra-bench"
MITRA_BIN="$TARGET_DIR/release/mitra"
if wants samod; then
  timeout 3600 cargo build --release --locked --manifest-path "$BENCH_DIR/samod-server/Cargo.toml" \
    --target-dir "$TARGET_DIR/bench-samod" || die "building bench/samod-server failed"
fi
if wants relay; then
  timeout 3600 cargo build --release --locked --manifest-path "$BENCH_DIR/raw-relay/Cargo.toml" \
    --target-dir "$TARGET_DIR/bench-relay" || die "building bench/raw-relay failed"
fi
SAMOD_BIN="$TARGET_DIR/bench-samod/release/mitra-bench-samod-server"
RELAY_BIN="$TARGET_DIR/bench-relay/release/mitra-bench-raw-relay"
if wants js; then
  log "installing the JS server's packages (npm ci)"
  (cd "$BENCH_DIR/js-server" && timeout 600 npm ci --no-audit --no-fund --loglevel=error) ||
    die "npm ci in bench/js-server failed"
fi

# ---------------------------------------------------------------- servers
SERVER_PID=""
SERVER_URL=""
SERVER_DATA=""
# Mitra's API token for this run: handed to mitra-bench only, in its
# environment (BENCH_SYNC_TOKEN), never on a command line or in a log.
TOKEN=""

stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      kill -TERM "$SERVER_PID" 2>/dev/null || true
      for _ in $(seq 1 150); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
      done
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
cleanup() {
  stop_server
  if [[ -n "$SERVER_DATA" ]]; then
    rm -rf "$SERVER_DATA"
    SERVER_DATA=""
  fi
  TOKEN=""
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

# fresh_data NAME: a new empty data directory (and, for Mitra, a partnership
# and an editor API token, as a script or sensor would use).
fresh_data() {
  local name="$1"
  SERVER_DATA="$(mktemp -d "${TMPDIR:-/tmp}/mitra-bench-$name-data.XXXXXX")"
  TOKEN=""
  if [[ "$name" == mitra ]]; then
    local partnership
    partnership="$("$MITRA_BIN" partnership create --data-dir "$SERVER_DATA" --name "mitra-bench" 2>/dev/null)" ||
      die "mitra partnership create failed"
    TOKEN="$("$MITRA_BIN" token create --data-dir "$SERVER_DATA" --partnership "$partnership" \
      --role editor --label "mitra-bench" 2>/dev/null)" || die "mitra token create failed"
  fi
}

# start_server NAME LOGFILE: starts NAME on SERVER_DATA; sets SERVER_PID and SERVER_URL.
start_server() {
  local name="$1" logfile="$2" url=""
  : >"$logfile"
  case "$name" in
    mitra)
      # Sign-in required (the default): mitra-bench connects with the token.
      # An operator expecting 20,000 connections raises max_connections.
      exec_on_server_cpus "$MITRA_BIN" serve --no-demo --listen 127.0.0.1:0 --data-dir "$SERVER_DATA" \
        --max-connections 50000 --log warn >"$logfile" 2>&1 &
      ;;
    js) exec_on_server_cpus node "$BENCH_DIR/js-server/server.mjs" --port 0 --data-dir "$SERVER_DATA" >"$logfile" 2>&1 & ;;
    samod) exec_on_server_cpus "$SAMOD_BIN" --port 0 --data-dir "$SERVER_DATA" >"$logfile" 2>&1 & ;;
    relay) exec_on_server_cpus "$RELAY_BIN" --port 0 >"$logfile" 2>&1 & ;;
  esac
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    url="$(grep -oE 'ws://127\.0\.0\.1:[0-9]+/sync' "$logfile" | head -n 1 || true)"
    if [[ -n "$url" ]]; then
      SERVER_URL="$url"
      return 0
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      log "$name exited before announcing its sync endpoint; its last output:"
      tail -n 5 "$logfile" | grep -v mitra_setup_ >&2 || true
      SERVER_PID=""
      return 1
    fi
    sleep 0.1
  done
  log "$name did not announce a ws://127.0.0.1:PORT/sync endpoint within 30 s"
  stop_server
  return 1
}

# record ID SERVER ROUND FILE: appends the last JSON line of FILE to the results.
record() {
  local id="$1" name="$2" round="$3" file="$4" json
  json="$(grep '^{' "$file" | tail -n 1 || true)"
  if [[ -n "$json" ]]; then
    printf '{"id":"%s","server":"%s","round":%d,%s\n' "$id" "$name" "$round" "${json#\{}" >>"$RESULTS"
  else
    record_failure "$id" "$name" "$round" "no result"
  fi
}
record_failure() {
  local msg="${4//\"/\'}"
  printf '{"id":"%s","server":"%s","round":%d,"failed":"%s"}\n' "$1" "$2" "$3" "$msg" >>"$RESULTS"
}

# bench ID SERVER ROUND BUDGET ARGS...: one mitra-bench run against the running server.
bench() {
  local id="$1" name="$2" round="$3" budget="$4" tag="$1-$2-r$3"
  shift 4
  local rc=0
  BENCH_SYNC_TOKEN="$TOKEN" on_bench_cpus timeout "$budget" "$BENCH_BIN" "$@" --url "$SERVER_URL" --server-pid "$SERVER_PID" \
    --label "$name" --json >"$OUT/$tag.txt" 2>"$OUT/$tag.err" || rc=$?
  grep -v '^{' "$OUT/$tag.txt" >&2 || true
  if [[ "$rc" != 0 ]]; then
    local why
    why="$(tail -n 1 "$OUT/$tag.err" 2>/dev/null || true)"
    log "[$tag] mitra-bench failed (exit $rc): $why"
    record_failure "$id" "$name" "$round" "exit $rc: ${why:0:300}"
    return 0
  fi
  record "$id" "$name" "$round" "$OUT/$tag.txt"
}

# run_workload ID SERVER ROUND: a fresh server, one workload, stop.
run_workload() {
  local id="$1" name="$2" round="$3" tag="$1-$2-r$3"
  if [[ "$id" == w4 && "$name" == relay ]]; then
    record_failure "$id" "$name" "$round" "skipped: the relay stores nothing"
    return 0
  fi
  fresh_data "$name"
  if ! start_server "$name" "$OUT/$tag.server.log"; then
    record_failure "$id" "$name" "$round" "the server did not start"
    cleanup
    return 0
  fi
  log "[$tag] $name (pid $SERVER_PID)"
  local live=(live --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" --seed-doc "$MEETING")
  case "$id" in
    w1) bench "$id" "$name" "$round" 600 "${live[@]}" --typists "$W1_TYPISTS" ;;
    w1-200) bench "$id" "$name" "$round" 900 "${live[@]}" --typists "$W1_BIG_TYPISTS" --connect-batch 100 ;;
    sweep-*) bench "$id" "$name" "$round" 900 "${live[@]}" --typists "${id#sweep-}" --connect-batch 100 ;;
    w2-small)
      bench "$id" "$name" "$round" 900 live --rate "$W2_RATE" --duration "$DURATION" --warmup "$WARMUP" \
        --typists 1 --readers "$W2_READERS"
      ;;
    w2-paper)
      bench "$id" "$name" "$round" 1800 live --rate "$W2_RATE" --duration "$DURATION" --warmup "$WARMUP" \
        --typists 1 --readers "$W2_READERS" --seed-doc "$PAPER" --setup-timeout 600 --connect-batch 10
      ;;
    w3)
      bench "$id" "$name" "$round" 1800 idle --docs "$W3_DOCS" --conns "$W3_CONNS" --sources 4 \
        --window "$W3_WINDOW" --setup-timeout 300
      ;;
    w4)
      local docid="$OUT/$tag.docid" rc=0
      BENCH_SYNC_TOKEN="$TOKEN" on_bench_cpus timeout 900 "$BENCH_BIN" seed --url "$SERVER_URL" --seed-doc "$PAPER" \
        --doc-id-file "$docid" --setup-timeout 600 >"$OUT/$tag.seed.txt" 2>"$OUT/$tag.seed.err" || rc=$?
      if [[ "$rc" != 0 ]]; then
        record_failure "$id" "$name" "$round" "seeding failed: $(tail -n 1 "$OUT/$tag.seed.err")"
      else
        sleep 1
        stop_server
        if start_server "$name" "$OUT/$tag.restart.log"; then
          sleep 1
          bench "$id" "$name" "$round" 300 cold --doc-id "$(cat "$docid")" --seed-doc "$PAPER" --timeout 120
        else
          record_failure "$id" "$name" "$round" "the server did not restart"
        fi
      fi
      ;;
    w5) bench "$id" "$name" "$round" 600 storm --clients "$W5_CLIENTS" --seed-doc "$MEETING" --timeout 60 ;;
  esac
  cleanup
  sleep 1
}

# ---------------------------------------------------------------- runs
IDS=()
for w in $WORKLOADS; do
  case "$w" in
    sweep) for n in $SWEEP; do IDS+=("sweep-$n"); done ;;
    w2) IDS+=(w2-small w2-paper) ;;
    *) IDS+=("$w") ;;
  esac
done
read -r -a ORDER <<<"$SERVERS"
log "results and logs go to $OUT; $ROUNDS round(s) of: ${IDS[*]}"
STARTED=$(date +%s)
for round in $(seq 1 "$ROUNDS"); do
  for id in "${IDS[@]}"; do
    # Rotate the server order from round to round (and workload to workload).
    shift_by=$(((round - 1) % ${#ORDER[@]}))
    servers=("${ORDER[@]:$shift_by}" "${ORDER[@]:0:$shift_by}")
    for name in "${servers[@]}"; do
      run_workload "$id" "$name" "$round"
    done
  done
done
log "all runs done in $(($(date +%s) - STARTED)) s"

[[ -s "$RESULTS" ]] || die "no run produced results (logs in $OUT)"
MODE="bench/run.sh"
[[ "$QUICK" == 1 ]] && MODE="bench/run.sh --quick"
SUMMARY_ARGS=(--command "$MODE" --rounds "$ROUNDS" --pinning "${SERVER_CPUS:+servers on CPUs $SERVER_CPUS, mitra-bench on $BENCH_CPUS}")
if [[ "$WRITE_DOCS" == 1 ]]; then
  node "$BENCH_DIR/summarize.mjs" "$RESULTS" --out "$ROOT/docs/benchmarks.md" --svg-dir "$ROOT/docs/bench" "${SUMMARY_ARGS[@]}"
  log "wrote docs/benchmarks.md and docs/bench/*.svg"
fi
node "$BENCH_DIR/summarize.mjs" "$RESULTS" --out "$OUT/benchmarks.md" --svg-dir "$OUT/bench" "${SUMMARY_ARGS[@]}"
cat "$OUT/benchmarks.md"
echo
echo "Per-run JSON lines: $RESULTS; report: $OUT/benchmarks.md"
