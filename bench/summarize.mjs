// Summarises the JSON lines bench/run.sh collected (one per mitra-bench run,
// with `id` (the workload), `server` and `round` added; a failed run has
// `failed`) into a Markdown report: per workload, the median over rounds of
// each figure per server, ratios against the raw relay and the JavaScript
// server, Mitra's targets, and two SVG plots (hand-written: no plotting
// package is needed).
//
// Usage: node bench/summarize.mjs results.jsonl --out FILE.md --svg-dir DIR
//          [--command "bench/run.sh"] [--rounds N] [--pinning TEXT]

import fs from "node:fs"
import os from "node:os"
import path from "node:path"

function parseArgs(argv) {
  const opts = { file: null, out: null, svgDir: null, command: "bench/run.sh", rounds: "", pinning: "" }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`)
      return argv[++i]
    }
    if (a === "--out") opts.out = value()
    else if (a === "--svg-dir") opts.svgDir = value()
    else if (a === "--command") opts.command = value()
    else if (a === "--rounds") opts.rounds = value()
    else if (a === "--pinning") opts.pinning = value()
    else if (!opts.file) opts.file = a
    else throw new Error(`unknown argument ${a}`)
  }
  if (!opts.file || !opts.out || !opts.svgDir) {
    throw new Error("usage: node summarize.mjs results.jsonl --out FILE.md --svg-dir DIR")
  }
  return opts
}

let opts
try {
  opts = parseArgs(process.argv.slice(2))
} catch (e) {
  console.error(`summarize.mjs: ${e.message}`)
  process.exit(2)
}

const runs = fs
  .readFileSync(opts.file, "utf8")
  .split("\n")
  .filter((l) => l.trim().startsWith("{"))
  .map((l) => JSON.parse(l))
for (const r of runs) if (typeof r.bytes_in === "number") r.received_mib = r.bytes_in / 2 ** 20

const SERVERS = ["mitra", "js", "samod", "relay"]
const NAMES = { mitra: "Mitra", js: "JS server", samod: "samod", relay: "raw relay" }
const COLORS = { mitra: "#d1495b", js: "#edae49", samod: "#00798c", relay: "#66615b" }

const median = (xs) => {
  const v = xs.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b)
  if (v.length === 0) return null
  const m = Math.floor(v.length / 2)
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2
}
const fmt = (x, digits = 1) => (x === null || x === undefined ? "–" : x.toFixed(digits))
const ratio = (a, b) => {
  if (a === null || b === null || b === 0) return "–"
  const r = a / b
  return `${r !== 0 && Math.abs(r) < 0.1 ? r.toPrecision(2) : r.toFixed(2)}×`
}

/** Runs of one workload, grouped by server: { server: { ok: [runs], failed: [msgs] } }. */
function byServer(id) {
  const out = {}
  for (const r of runs.filter((r) => r.id === id)) {
    out[r.server] ??= { ok: [], failed: [] }
    if (r.failed) out[r.server].failed.push(r.failed)
    else out[r.server].ok.push(r)
  }
  return out
}
const med = (group, key) => (group ? median(group.ok.map((r) => r[key])) : null)
const sum = (group, key) => (group ? group.ok.reduce((t, r) => t + (r[key] ?? 0), 0) : 0)

/**
 * A Markdown table of one workload: a row per server, the medians of
 * `columns` ([header, key, digits]), then the ratios of `ratioKeys` to the
 * relay and to the JS server.
 */
function table(id, columns, ratioKeys, extra = () => []) {
  const groups = byServer(id)
  const present = SERVERS.filter((s) => groups[s])
  if (present.length === 0) return "_not run_\n"
  const ratioHeads = ratioKeys.flatMap(([h]) => [`${h} vs relay`, `${h} vs JS`])
  const head = ["server", "runs", ...columns.map(([h]) => h), ...ratioHeads, ...extra(null).map(([h]) => h)]
  const lines = [`| ${head.join(" | ")} |`, `| ${head.map((_, i) => (i < 1 ? "---" : "---:")).join(" | ")} |`]
  for (const s of present) {
    const g = groups[s]
    const cells = [NAMES[s], `${g.ok.length}${g.failed.length ? ` (+${g.failed.length} failed)` : ""}`]
    for (const [, key, d] of columns) cells.push(fmt(med(g, key), d))
    for (const [, key] of ratioKeys) {
      cells.push(ratio(med(g, key), med(groups.relay, key)))
      cells.push(ratio(med(g, key), med(groups.js, key)))
    }
    for (const [, v] of extra(g)) cells.push(v)
    lines.push(`| ${cells.join(" | ")} |`)
  }
  const failures = present.flatMap((s) => groups[s].failed.map((f) => `${NAMES[s]}: ${f}`))
  const uniq = [...new Set(failures)]
  let text = lines.join("\n") + "\n"
  if (uniq.length) text += "\n" + uniq.map((f) => `- failed: ${f.replace(/\|/g, "\\|")}`).join("\n") + "\n"
  return text
}

const lost = (g) => [["lost", g ? `${sum(g, "changes_lost")}/${sum(g, "changes_measured")}` : ""]]
const errors = (g) => [["errors", g ? String(sum(g, "errors")) : ""]]

/** Mitra's target for one workload: "met", "missed" or "no data". */
function verdict(ok, detail) {
  if (ok === null) return `no data`
  return `${ok ? "**met**" : "**missed**"} (${detail})`
}

// ---------------------------------------------------------------- plots

function svgFrame(w, h, body, title) {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="12">
<rect width="${w}" height="${h}" fill="white"/>
<text x="${w / 2}" y="18" text-anchor="middle" font-size="14">${title}</text>
${body}
</svg>
`
}

function axes({ x0, y0, x1, y1, xTicks, yTicks, xLabel, yLabel }) {
  let s = `<line x1="${x0}" y1="${y0}" x2="${x1}" y2="${y0}" stroke="black"/>
<line x1="${x0}" y1="${y0}" x2="${x0}" y2="${y1}" stroke="black"/>\n`
  for (const [pos, label] of xTicks) {
    s += `<line x1="${pos}" y1="${y0}" x2="${pos}" y2="${y0 + 4}" stroke="black"/><text x="${pos}" y="${y0 + 16}" text-anchor="middle">${label}</text>
<line x1="${pos}" y1="${y0}" x2="${pos}" y2="${y1}" stroke="#ddd"/>\n`
  }
  for (const [pos, label] of yTicks) {
    s += `<line x1="${x0 - 4}" y1="${pos}" x2="${x0}" y2="${pos}" stroke="black"/><text x="${x0 - 6}" y="${pos + 4}" text-anchor="end">${label}</text>
<line x1="${x0}" y1="${pos}" x2="${x1}" y2="${pos}" stroke="#ddd"/>\n`
  }
  s += `<text x="${(x0 + x1) / 2}" y="${y0 + 34}" text-anchor="middle">${xLabel}</text>
<text x="14" y="${(y0 + y1) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(y0 + y1) / 2})">${yLabel}</text>\n`
  return s
}

function legend(x, y, servers) {
  return servers
    .map(
      (s, i) =>
        `<line x1="${x}" y1="${y + i * 16}" x2="${x + 18}" y2="${y + i * 16}" stroke="${COLORS[s]}" stroke-width="2.5"/><text x="${x + 24}" y="${y + i * 16 + 4}">${NAMES[s]}</text>`,
    )
    .join("\n")
}

const logTicks = (lo, hi) => {
  const out = []
  for (let p = Math.floor(Math.log10(lo)); p <= Math.ceil(Math.log10(hi)); p++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** p
      if (v >= lo && v <= hi) out.push(v)
    }
  }
  return out
}
const fmtTick = (v) => (v >= 1000 ? `${v / 1000}k` : v >= 1 ? String(v) : v.toString())

/** Change-to-all latency distributions of one workload, one line per server (log x). */
function latencyPlot(id, title) {
  const groups = byServer(id)
  const lines = {}
  for (const s of SERVERS) {
    const ok = groups[s]?.ok.filter((r) => Array.isArray(r.all_distribution_ms) && r.all_distribution_ms.length)
    if (!ok?.length) continue
    const at = ok[0].distribution_at
    lines[s] = at.map((p, i) => [Math.max(0.05, median(ok.map((r) => r.all_distribution_ms[i]))), p])
  }
  const servers = Object.keys(lines)
  if (!servers.length) return null
  const all = servers.flatMap((s) => lines[s].map(([x]) => x))
  const lo = 10 ** Math.floor(Math.log10(Math.min(...all)))
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all)))
  const [W, H, x0, y0, x1, y1] = [640, 380, 60, 330, 620, 40]
  const X = (v) => x0 + ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (x1 - x0)
  const Y = (p) => y0 - (p / 100) * (y0 - y1)
  let body = axes({
    x0, y0, x1, y1,
    xTicks: logTicks(lo, hi).map((v) => [X(v), fmtTick(v)]),
    yTicks: [0, 25, 50, 75, 90, 99, 100].map((p) => [Y(p), `${p}`]),
    xLabel: "change-to-all latency (ms, log scale)",
    yLabel: "percentile of changes",
  })
  for (const s of servers) {
    const pts = lines[s].map(([x, p]) => `${X(x).toFixed(1)},${Y(p).toFixed(1)}`).join(" ")
    body += `<polyline fill="none" stroke="${COLORS[s]}" stroke-width="2.5" points="${pts}"/>\n`
  }
  body += legend(x0 + 16, y1 + 14, servers)
  return svgFrame(W, H, body, title)
}

/** Deliveries/s against clients, over every live typing run (W1, W1-200, sweep). */
function throughputPlot(title) {
  const ids = [...new Set(runs.map((r) => r.id))].filter((id) => id === "w1" || id === "w1-200" || id.startsWith("sweep-"))
  const series = {}
  const offered = {}
  for (const id of ids) {
    const groups = byServer(id)
    for (const s of SERVERS) {
      const g = groups[s]
      if (!g?.ok.length) continue
      const n = median(g.ok.map((r) => r.clients))
      series[s] ??= []
      series[s].push([n, med(g, "deliveries_per_s")])
      offered[n] = median(g.ok.map((r) => r.offered_deliveries_per_s))
    }
  }
  const servers = Object.keys(series)
  if (!servers.length) return null
  for (const s of servers) series[s].sort((a, b) => a[0] - b[0])
  const xs = Object.keys(offered).map(Number).sort((a, b) => a - b)
  const ys = [...servers.flatMap((s) => series[s].map(([, y]) => y)), ...Object.values(offered)].filter((y) => y > 0)
  const [W, H, x0, y0, x1, y1] = [640, 380, 70, 330, 620, 40]
  const xlo = Math.max(1, xs[0] / 1.5), xhi = xs[xs.length - 1] * 1.5
  const ylo = 10 ** Math.floor(Math.log10(Math.min(...ys))), yhi = 10 ** Math.ceil(Math.log10(Math.max(...ys)))
  const X = (v) => x0 + ((Math.log10(v) - Math.log10(xlo)) / (Math.log10(xhi) - Math.log10(xlo))) * (x1 - x0)
  const Y = (v) => y0 - ((Math.log10(Math.max(v, ylo)) - Math.log10(ylo)) / (Math.log10(yhi) - Math.log10(ylo))) * (y0 - y1)
  let body = axes({
    x0, y0, x1, y1,
    xTicks: xs.map((v) => [X(v), String(v)]),
    yTicks: logTicks(ylo, yhi).filter((v, i, a) => a.length < 8 || [1, 10].includes(v / 10 ** Math.floor(Math.log10(v)))).map((v) => [Y(v), fmtTick(v)]),
    xLabel: "clients (each typing 5 characters/s; log scale)",
    yLabel: "deliveries/s (log scale)",
  })
  const off = xs.map((n) => `${X(n).toFixed(1)},${Y(offered[n]).toFixed(1)}`).join(" ")
  body += `<polyline fill="none" stroke="#999" stroke-dasharray="5,4" stroke-width="1.5" points="${off}"/>\n`
  for (const s of servers) {
    const pts = series[s].map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(" ")
    body += `<polyline fill="none" stroke="${COLORS[s]}" stroke-width="2.5" points="${pts}"/>\n`
    for (const [x, y] of series[s]) body += `<circle cx="${X(x).toFixed(1)}" cy="${Y(y).toFixed(1)}" r="3" fill="${COLORS[s]}"/>\n`
  }
  body += legend(x0 + 16, y1 + 14, servers)
  body += `<line x1="${x0 + 16}" y1="${y1 + 14 + servers.length * 16}" x2="${x0 + 34}" y2="${y1 + 14 + servers.length * 16}" stroke="#999" stroke-dasharray="5,4"/><text x="${x0 + 40}" y="${y1 + 18 + servers.length * 16}">offered</text>`
  return svgFrame(W, H, body, title)
}

// ---------------------------------------------------------------- report

const cpuModel = (() => {
  try {
    const m = fs.readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/)
    return m ? m[1].trim() : os.arch()
  } catch {
    return os.arch()
  }
})()

const mitra = (id) => byServer(id).mitra
/** A field of the first successful run of a workload, whichever server. */
const size = (id, key) => runs.find((r) => r.id === id && !r.failed && r[key] !== undefined)?.[key]
const relayOf = (id) => byServer(id).relay
let md = `# Benchmarks

Mitra against the official JavaScript sync server (automerge-repo 2.5.6,
WebSocket server adapter, filesystem storage), samod 0.16 as a server and a
raw relay that forwards bytes with no CRDT work (the limit), on the same
machine, interleaved in rounds. How the workloads and the servers are set
up: [bench/README.md](../bench/README.md).

- command: \`${opts.command}\` (${opts.rounds || "?"} round(s); every figure
  is the median over rounds; a ratio is server ÷ relay or server ÷ JS
  server, below 1 is better except for deliveries/s)
- machine: ${os.cpus().length} × ${cpuModel}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB,
  ${opts.pinning || "no CPU pinning"}; generated ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC
- latency *to all* is, per change, the time from a typist sending it to
  the last other client holding it; server CPU and memory come from
  /proc (utime + stime of all threads; VmRSS, VmHWM)

The machine is shared and noisy (2 cores: the server gets one, the load
generator the other): compare ratios within one report, not absolute
figures across reports.
${opts.command.includes("--quick") ? "\n**This report comes from `--quick` sizes** (fewer clients, shorter windows): Mitra's targets are stated for the full sizes, so the verdicts below only say how it fares at these sizes.\n" : ""}
`

// W1
const w1Cols = [
  ["p50 ms", "all_p50_ms", 1],
  ["p99 ms", "all_p99_ms", 1],
  ["deliveries/s", "deliveries_per_s", 0],
  ["server CPU %", "server_cpu_pct", 0],
  ["peak RSS MiB", "server_peak_rss_mib", 0],
]
const w1 = mitra("w1")
const w1p99 = med(w1, "all_p99_ms")
const w1Typists = size("w1", "typists")
md += `## W1 meeting: ${w1Typists ?? "N"} typists on one meeting-notes document, 5 characters/s each

Target for Mitra: p99 change-to-all < 30 ms — ${verdict(w1p99 === null ? null : w1p99 < 30 && sum(w1, "changes_lost") === 0, `p99 ${fmt(w1p99)} ms`)}.

${table("w1", w1Cols, [["p99", "all_p99_ms"], ["deliveries/s", "deliveries_per_s"]], lost)}
![W1 latency distribution](bench/w1-latency.svg)

`
const w1b = mitra("w1-200")
const w1bP99 = med(w1b, "all_p99_ms")
const w1bDel = med(w1b, "deliveries_per_s")
const relayDel = med(relayOf("w1-200"), "deliveries_per_s")
const w1bTypists = size("w1-200", "typists")
md += `## W1-200: ${w1bTypists ?? "N"} typists at 5 characters/s

Targets for Mitra: p99 < 100 ms and deliveries/s ≥ 1/3 of the raw relay's —
${verdict(w1bP99 === null ? null : w1bP99 < 100, `p99 ${fmt(w1bP99)} ms`)};
${verdict(w1bDel === null || relayDel === null ? null : w1bDel >= relayDel / 3, `${fmt(w1bDel, 0)} vs relay ${fmt(relayDel, 0)} deliveries/s`)}.

${table("w1-200", w1Cols, [["p99", "all_p99_ms"], ["deliveries/s", "deliveries_per_s"]], lost)}
![W1-200 latency distribution](bench/w1-200-latency.svg)

![deliveries/s against clients](bench/deliveries.svg)

`
const sweeps = [...new Set(runs.map((r) => r.id))].filter((id) => id.startsWith("sweep-"))
if (sweeps.length) {
  md += `### More typist counts (for the plot)\n\n`
  for (const id of sweeps.sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)))) {
    md += `**${id.slice(6)} typists**\n\n${table(id, w1Cols, [["deliveries/s", "deliveries_per_s"]], lost)}\n`
  }
}

// W2
const w2Cols = [
  ["p50 ms", "all_p50_ms", 1],
  ["p99 ms", "all_p99_ms", 1],
  ["server CPU s", "server_cpu_s", 2],
  ["peak RSS MiB", "server_peak_rss_mib", 0],
  ["readers' fetch s", "clients_fetch_s", 1],
]
md += `## W2 history independence: one writer, ${size("w2-small", "readers") ?? "N"} readers

Target for Mitra: p99 and server CPU on the paper trace within 2× of the
small document.

**Small document** (synthetic, 51 changes)

${table("w2-small", w2Cols, [["p99", "all_p99_ms"]], lost)}
**Paper trace** (259,779 changes)

${table("w2-paper", w2Cols, [["p99", "all_p99_ms"]], lost)}
**Paper trace ÷ small document**

| server | p99 | server CPU |
| --- | ---: | ---: |
`
for (const s of SERVERS) {
  const a = byServer("w2-small")[s], b = byServer("w2-paper")[s]
  if (!a && !b) continue
  md += `| ${NAMES[s]} | ${ratio(med(b, "all_p99_ms"), med(a, "all_p99_ms"))} | ${ratio(med(b, "server_cpu_s"), med(a, "server_cpu_s"))} |\n`
}
{
  const a = mitra("w2-small"), b = mitra("w2-paper")
  const rp = med(b, "all_p99_ms") / med(a, "all_p99_ms"), rc = med(b, "server_cpu_s") / med(a, "server_cpu_s")
  md += `\nMitra: ${verdict(Number.isFinite(rp) && Number.isFinite(rc) ? rp <= 2 && rc <= 2 : null, `p99 ×${fmt(rp, 2)}, CPU ×${fmt(rc, 2)}`)}.\n\n`
}

// W3
const w3 = mitra("w3")
const w3Rss = med(w3, "server_rss_mib")
const w3Cpu = med(w3, "server_cpu_pct")
md += `## W3 idle scale: ${size("w3", "docs") ?? "N"} documents, ${size("w3", "conns") ?? "N"} connections over ${size("w3", "sources") ?? "N"} loopback source addresses

Targets for Mitra: RSS < 1 GiB, idle CPU near zero —
${verdict(w3Rss === null ? null : w3Rss < 1024, `${fmt(w3Rss, 0)} MiB`)};
${verdict(w3Cpu === null ? null : w3Cpu < 2, `${fmt(w3Cpu, 2)} % of a core`)}.

${table(
  "w3",
  [
    ["RSS MiB", "server_rss_mib", 0],
    ["idle CPU % of a core", "server_cpu_pct", 2],
    ["setup s", "setup_s", 1],
    ["connections up", "ready", 0],
  ],
  [["RSS", "server_rss_mib"]],
  errors,
)}
`

// W4
const w4 = mitra("w4")
const w4T = med(w4, "heads_s"), w4C = med(w4, "server_cpu_s"), w4M = med(w4, "server_peak_rss_mib")
md += `## W4 cold load: the paper trace stored, the server restarted, a fresh client syncs it

Targets for Mitra: < 1.5 s to identical heads, server CPU < 0.3 s, peak RSS
< 64 MB — ${verdict(w4T === null ? null : w4T < 1.5, `${fmt(w4T, 2)} s`)};
${verdict(w4C === null ? null : w4C < 0.3, `${fmt(w4C, 2)} s CPU`)};
${verdict(w4M === null ? null : w4M * 1.048576 < 64, `${fmt(w4M, 0)} MiB`)}.
The relay stores nothing and has no cold load.

${table(
  "w4",
  [
    ["identical heads s", "heads_s", 2],
    ["first data s", "first_data_s", 2],
    ["server CPU s", "server_cpu_s", 2],
    ["peak RSS MiB", "server_peak_rss_mib", 0],
    ["received MiB", "bytes_in", 1],
  ].map(([h, k, d]) => (k === "bytes_in" ? [h, "received_mib", d] : [h, k, d])),
  [["time", "heads_s"]],
  (g) => [["answer", g ? (g.ok.some((r) => r.whole_document) ? "whole document" : "changes") : ""]],
)}
`

// W5
const w5 = mitra("w5")
const w5T = med(w5, "all_back_s")
md += `## W5 reconnect storm: ${size("w5", "clients") ?? "N"} clients on one document drop and reconnect at once

Target for Mitra: all back in sync < 5 s, no errors —
${verdict(w5T === null ? null : w5T < 5 && sum(w5, "errors") === 0, `${fmt(w5T, 2)} s, ${sum(w5, "errors")} errors`)}.

${table(
  "w5",
  [
    ["all back s", "all_back_s", 2],
    ["each p50 ms", "each_p50_ms", 0],
    ["each p99 ms", "each_p99_ms", 0],
    ["server CPU s", "server_cpu_s", 2],
    ["peak RSS MiB", "server_peak_rss_mib", 0],
  ],
  [["all back", "all_back_s"]],
  errors,
)}`

// Files.
fs.mkdirSync(opts.svgDir, { recursive: true })
const plots = [
  ["w1-latency.svg", latencyPlot("w1", "W1: change-to-all latency distribution")],
  ["w1-200-latency.svg", latencyPlot("w1-200", "W1-200: change-to-all latency distribution")],
  ["deliveries.svg", throughputPlot("Deliveries/s against clients (W1 runs)")],
]
for (const [name, svg] of plots) if (svg) fs.writeFileSync(path.join(opts.svgDir, name), svg)
// Links in the report point at bench/NAME.svg beside it.
const rel = path.relative(path.dirname(path.resolve(opts.out)), path.resolve(opts.svgDir)) || "."
md = md.replaceAll("](bench/", `](${rel}/`)
fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true })
fs.writeFileSync(opts.out, md)
