// Test helpers: start the sync server under test as a child process, make
// client repos with the official automerge-repo WebSocket client, and wait for
// conditions with timeouts that fail with a clear message.
//
// Environment:
//   MITRA_BIN     path to the mitra binary (default ../../target/debug/mitra,
//                 relative to tests/interop)
//   MITRA_SERVER  "js" to run against test/js-server.mjs, the official JS
//                 server used as a stand-in (default: the mitra binary)
//   MITRA_TEST_ECHO  "1" to echo the server's stdout/stderr while tests run
//                 (the server's own log filter is MITRA_LOG, passed through)

import { spawn } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { Repo } from "@automerge/automerge-repo"
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket"

const here = path.dirname(fileURLToPath(import.meta.url))
export const interopDir = path.resolve(here, "..")

export const serverKind = process.env.MITRA_SERVER === "js" ? "js" : "mitra"

const START_TIMEOUT_MS = 15_000
const URL_RE = /http:\/\/127\.0\.0\.1:(\d+)/

function mitraBin() {
  return path.resolve(interopDir, process.env.MITRA_BIN ?? "../../target/debug/mitra")
}

function command(dataDir, port) {
  const args = ["serve", "--listen", `127.0.0.1:${port}`, "--data-dir", dataDir]
  if (serverKind === "js") {
    return { cmd: process.execPath, args: [path.join(here, "js-server.mjs"), ...args] }
  }
  const bin = mitraBin()
  if (!fs.existsSync(bin)) {
    throw new Error(
      `mitra binary not found at ${bin}: build it (cargo build -p mitra) or set MITRA_BIN ` +
        `(or MITRA_SERVER=js to use the JS stand-in)`,
    )
  }
  return { cmd: bin, args }
}

/** Start one server process on `dataDir`; resolves once it printed its URL. */
function spawnServer(dataDir, log, port) {
  const { cmd, args } = command(dataDir, port)
  // Plain logs in diagnostics: the server's log output is not a terminal.
  const env = { NO_COLOR: "1", ...process.env }
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env })
  const exited = new Promise(resolve => {
    child.once("exit", (code, signal) => resolve({ code, signal }))
  })
  child.stdout.setEncoding("utf8")
  child.stderr.setEncoding("utf8")
  const echo = process.env.MITRA_TEST_ECHO === "1"
  child.stderr.on("data", d => {
    log.push(d)
    if (echo) process.stderr.write(`[server stderr] ${d}`)
  })

  const started = new Promise((resolve, reject) => {
    let buf = ""
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(
        new Error(
          `server did not print its URL within ${START_TIMEOUT_MS} ms\n` +
            `command: ${cmd} ${args.join(" ")}\nstdout: ${buf}\nstderr: ${log.join("")}`,
        ),
      )
    }, START_TIMEOUT_MS)
    child.stdout.on("data", d => {
      log.push(d)
      if (echo) process.stderr.write(`[server stdout] ${d}`)
      if (buf === null) return
      buf += d
      const m = URL_RE.exec(buf)
      if (m) {
        buf = null
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    })
    child.once("error", err => {
      clearTimeout(timer)
      reject(new Error(`failed to start ${cmd}: ${err.message}`))
    })
    exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(
        new Error(
          `server exited before printing its URL (code ${code}, signal ${signal})\n` +
            `command: ${cmd} ${args.join(" ")}\noutput: ${log.join("")}`,
        ),
      )
    })
  })
  return { child, exited, started }
}

const live = new Set()

/**
 * Start the server on a fresh temporary data directory.
 *
 * Returns {port, url, wsUrl, dataDir, kind, pid, kill(signal), restart(), stop(),
 * exited, output()}. `restart()` starts a new process on the same data dir (the
 * previous one must have exited or is killed with SIGKILL first) and updates
 * port/url/wsUrl in place; it also returns the new port.
 */
export async function startServer({ dataDir } = {}) {
  const ownsDir = !dataDir
  dataDir ??= fs.mkdtempSync(path.join(os.tmpdir(), "mitra-interop-"))
  const log = []
  const server = {
    kind: serverKind,
    dataDir,
    port: 0,
    url: "",
    wsUrl: "",
    pid: 0,
    child: null,
    exited: null,
    /** Everything the server printed so far (stdout and stderr, interleaved). */
    output: () => log.join(""),
    /** Send a signal; resolves with {code, signal} once the process exited. */
    async kill(signal = "SIGKILL") {
      const { child, exited } = server
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
    /**
     * SIGTERM and wait for exit, with SIGKILL after `graceMs` (default 10 s).
     * Resolves with {code, signal}: signal "SIGKILL" means it did not stop in time.
     */
    async stop({ graceMs = 10_000 } = {}) {
      const { child, exited } = server
      if (child.exitCode !== null || child.signalCode !== null) return exited
      child.kill("SIGTERM")
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs)
      try {
        return await exited
      } finally {
        clearTimeout(timer)
      }
    },
    /**
     * Start again on the same data dir. Returns the new port, which differs
     * from the old one unless `samePort` is set.
     */
    async restart({ samePort = false } = {}) {
      if (server.child && server.child.exitCode === null && server.child.signalCode === null) {
        await server.kill("SIGKILL")
      }
      log.push(`\n----- restart -----\n`)
      await launch(samePort ? server.port : 0)
      return server.port
    },
    /**
     * Stop the process (if running; SIGKILL after 3 s: graceful shutdown has
     * its own test) and remove the data dir if we made it.
     */
    async dispose() {
      try {
        if (server.child) await server.stop({ graceMs: 3_000 })
      } finally {
        live.delete(server)
        if (ownsDir) fs.rmSync(dataDir, { recursive: true, force: true })
      }
    },
  }

  async function launch(listenPort) {
    const { child, exited, started } = spawnServer(dataDir, log, listenPort)
    server.child = child
    server.pid = child.pid
    server.exited = exited
    const port = await started
    server.port = port
    server.url = `http://127.0.0.1:${port}`
    server.wsUrl = `ws://127.0.0.1:${port}/sync`
  }

  live.add(server)
  try {
    await launch(0)
  } catch (err) {
    live.delete(server)
    if (ownsDir) fs.rmSync(dataDir, { recursive: true, force: true })
    throw err
  }
  return server
}

// Last-resort cleanup if a test file exits without running its after hooks.
process.on("exit", () => {
  for (const s of live) {
    try {
      s.child?.kill("SIGKILL")
    } catch {}
  }
})

/** Tracks client repos so that a test can shut all of them down in `after`. */
export class Clients {
  repos = new Set()

  /** A client repo with one WebSocket client adapter and no storage. */
  repo(wsUrl, { peerId } = {}) {
    const repo = new Repo({
      network: [new WebSocketClientAdapter(wsUrl)],
      ...(peerId ? { peerId } : {}),
    })
    this.repos.add(repo)
    return repo
  }

  /** Shut one repo down (closes its socket, stops its retry timer). */
  async close(repo) {
    if (!this.repos.delete(repo)) return
    await shutdownRepo(repo)
  }

  async closeAll() {
    const repos = [...this.repos]
    this.repos.clear()
    await Promise.allSettled(repos.map(shutdownRepo))
  }
}

async function shutdownRepo(repo) {
  try {
    await withTimeout(repo.shutdown(), 5_000, "repo.shutdown()")
  } catch {
    // The adapter asserts it has a socket; a repo whose socket never opened
    // may throw here. Nothing else to clean up.
  } finally {
    // WebSocketClientAdapter 2.5.6: a reconnect scheduled by a socket close
    // (setTimeout in onClose) is not cancelled by disconnect(), so a shut-down
    // repo would connect again 5 s later (with the same peer id, replacing a
    // newer connection). Make any such late reconnect a no-op.
    for (const adapter of repo.networkSubsystem.adapters) adapter.connect = () => {}
  }
}

/** Reject after `ms` with a clear message, otherwise settle like `promise`. */
export function withTimeout(promise, ms, what) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Poll `pred` (sync or async) until truthy; fails with `what` and `detail()`. */
export async function until(pred, { timeout = 10_000, interval = 20, what = "condition", detail } = {}) {
  const deadline = Date.now() + timeout
  for (;;) {
    const v = await pred()
    if (v) return v
    if (Date.now() > deadline) {
      const extra = detail ? `\n${detail()}` : ""
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${extra}`)
    }
    await sleep(interval)
  }
}

/** Wait until the repo has completed the handshake with the server. */
export async function connected(repo, { timeout = 10_000 } = {}) {
  await until(() => repo.peers.length > 0, {
    timeout,
    what: `repo ${repo.peerId} to complete the handshake with the server`,
  })
  return repo.peers[0]
}

/** `repo.find(url)` with a timeout and a clear failure message. */
export async function find(repo, url, { timeout = 10_000 } = {}) {
  return withTimeout(repo.find(url), timeout, `repo ${repo.peerId}: find(${url})`)
}

/**
 * Wait until `pred(doc)` holds for the handle's document, re-checking on every
 * change and by polling. Fails with `what` and the last document seen.
 */
export async function waitForDoc(handle, pred, { timeout = 10_000, what = "document predicate" } = {}) {
  const check = () => {
    try {
      const doc = handle.isReady() ? handle.doc() : undefined
      return doc !== undefined && pred(doc)
    } catch {
      return false
    }
  }
  if (check()) return handle.doc()
  await new Promise((resolve, reject) => {
    const onChange = () => {
      if (check()) done(null)
    }
    const poll = setInterval(onChange, 50)
    const timer = setTimeout(() => {
      let last
      try {
        last = JSON.stringify(handle.isReady() ? handle.doc() : `<handle state ${handle.state}>`)
      } catch (e) {
        last = `<unprintable: ${e.message}>`
      }
      if (last && last.length > 2000) last = last.slice(0, 2000) + "..."
      done(
        new Error(`timed out after ${timeout} ms waiting for ${what} on ${handle.url}; last document: ${last}`),
      )
    }, timeout)
    function done(err) {
      clearInterval(poll)
      clearTimeout(timer)
      handle.off("change", onChange)
      err ? reject(err) : resolve()
    }
    handle.on("change", onChange)
  })
  return handle.doc()
}

/** Wait until the handle's heads equal `heads` (order-insensitive). */
export async function waitForHeads(handle, heads, { timeout = 10_000, what } = {}) {
  const want = [...heads].sort().join(",")
  await until(() => handle.isReady() && [...handle.heads()].sort().join(",") === want, {
    timeout,
    what: what ?? `heads of ${handle.url} to equal [${want}]`,
    detail: () => `last heads: [${handle.isReady() ? [...handle.heads()].sort().join(",") : handle.state}]`,
  })
}

export const sortedHeads = handle => [...handle.heads()].sort()

export const sleep = ms => new Promise(r => setTimeout(r, ms))

/**
 * Per-test fixture: `test(name, opts, withServer(async (t, {server, clients}) => ...))`.
 * Starts a fresh server on a fresh data dir and gives a client registry; both
 * are cleaned up in the test's `after` hook whatever the outcome. When the test
 * fails, the server's output is attached as a diagnostic.
 */
export function withServer(fn) {
  return async t => {
    const server = await startServer()
    const clients = new Clients()
    t.after(async () => {
      await clients.closeAll()
      await server.dispose()
    })
    try {
      await fn(t, { server, clients })
    } catch (err) {
      const out = server.output()
      const tail = out.length > 6000 ? "...\n" + out.slice(-6000) : out
      for (const line of `server (${server.kind}) output:\n${tail}`.split("\n")) t.diagnostic(line)
      throw err
    }
  }
}

/**
 * The JS client adapter rethrows any socket error other than ECONNREFUSED from
 * inside an event listener, i.e. as an uncaught exception. When the server is
 * killed, a connection can end with ECONNRESET; this swaps the adapter's error
 * listener on the current socket for one that records such resets instead.
 * Returns the list of recorded errors.
 */
export function tolerateConnectionReset(repo) {
  const seen = []
  for (const adapter of repo.networkSubsystem.adapters) {
    const socket = adapter.socket
    if (!socket) continue
    socket.removeEventListener("error", adapter.onError)
    socket.addEventListener("error", event => {
      const code = event?.error?.code
      if (code === "ECONNRESET" || code === "EPIPE") seen.push(code)
      else adapter.onError(event)
    })
  }
  return seen
}
