// Summarises the JSON lines that bench/run.sh collected (one per mitra-bench
// run, with the fields `server`, `n` and `rep` added) into one table: per
// reader count and server, the median over repetitions of each figure, and
// the Mitra/JS ratios.
//
// Usage: node bench/summarize.mjs results.jsonl

import fs from "node:fs"

const file = process.argv[2]
if (!file) {
  console.error("usage: node summarize.mjs results.jsonl")
  process.exit(2)
}

const runs = fs
  .readFileSync(file, "utf8")
  .split("\n")
  .filter((l) => l.trim().startsWith("{"))
  .map((l) => JSON.parse(l))

const median = (xs) => {
  const v = xs.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b)
  if (v.length === 0) return null
  const m = Math.floor(v.length / 2)
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2
}
const fmt = (x, digits = 1) => (x === null || x === undefined ? "-" : x.toFixed(digits))
const ratio = (a, b) => (a === null || b === null || b === 0 ? "-" : (a / b).toFixed(2))

const columns = [
  ["p50 ms", "all_p50_ms", 1],
  ["p99 ms", "all_p99_ms", 1],
  ["deliv/s", "deliveries_per_s", 0],
  ["CPU s", "server_cpu_s", 2],
  ["peak RSS MiB", "server_peak_rss_mib", 1],
]

const ns = [...new Set(runs.map((r) => r.n))].sort((a, b) => a - b)
const servers = ["mitra", "js"]
const rows = []
for (const n of ns) {
  const stats = {}
  for (const server of servers) {
    const mine = runs.filter((r) => r.n === n && r.server === server)
    if (mine.length === 0) continue
    const s = { runs: mine.length }
    for (const [, key] of columns) s[key] = median(mine.map((r) => r[key]))
    s.lost = mine.reduce((t, r) => t + (r.changes_lost ?? 0), 0)
    s.measured = mine.reduce((t, r) => t + (r.changes_measured ?? 0), 0)
    s.errors = mine.reduce((t, r) => t + (r.reader_errors ?? 0), 0)
    stats[server] = s
    rows.push([
      String(n),
      server,
      String(s.runs),
      ...columns.map(([, key, d]) => fmt(s[key], d)),
      `${s.lost}/${s.measured}`,
    ])
  }
  if (stats.mitra && stats.js) {
    rows.push([
      String(n),
      "mitra/js",
      "",
      ...columns.map(([, key]) => ratio(stats.mitra[key], stats.js[key])),
      "",
    ])
  }
}

const header = ["readers", "server", "runs", ...columns.map(([h]) => h), "lost"]
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")
console.log("Medians over runs; latency = change sent by the writer -> held by the LAST reader.")
console.log("CPU s and peak RSS are the server's (CPU over the measured window).")
console.log(line(header))
console.log(widths.map((w) => "-".repeat(w)).join("  "))
for (const r of rows) console.log(line(r))
