// Test helpers: start the sync server under test as a child process, make
// client repos with the official automerge-repo WebSocket client, and wait for
// conditions with timeouts that fail with a clear message.
//
// Against Mitra, every server runs with authentication on, as a real
// deployment does: `mitra serve --auth required`, with a partnership and an
// editor token created with the command line before the server starts, and
// clients connecting to ws://127.0.0.1:PORT/sync?token=SECRET.
//
// Environment:
//   MITRA_BIN     path to the mitra binary (default ../../target/debug/mitra,
//                 relative to tests/interop)
//   MITRA_SERVER  "js" to run against test/js-server.mjs, the official JS
//                 server used as a stand-in (default: the mitra binary)
//   MITRA_TEST_ECHO  "1" to echo the server's stdout/stderr while tests run
//                 (the server's own log filter is MITRA_LOG, passed through)

import { execFile, spawn } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { after, before } from "node:test"
import { fileURLToPath } from "node:url"
import { next as Am } from "@automerge/automerge"
import { Repo, cbor } from "@automerge/automerge-repo"
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket"
import WebSocket from "ws"

const here = path.dirname(fileURLToPath(import.meta.url))
export const interopDir = path.resolve(here, "..")

export const serverKind = process.env.MITRA_SERVER === "js" ? "js" : "mitra"

/** Whether the server under test authenticates connections (Mitra does; the JS stand-in cannot). */
export const authEnabled = serverKind === "mitra"
/** Why auth-only tests are skipped against the JS stand-in (false against Mitra). */
export const skipWithoutAuth = authEnabled
  ? false
  : "the JS stand-in server has no authentication (auth tests run against mitra only)"

const START_TIMEOUT_MS = 15_000
const CLI_TIMEOUT_MS = 15_000
const URL_RE = /http:\/\/127\.0\.0\.1:(\d+)/

function mitraBin() {
  const bin = path.resolve(interopDir, process.env.MITRA_BIN ?? "../../target/debug/mitra")
  if (!fs.existsSync(bin)) {
    throw new Error(
      `mitra binary not found at ${bin}: build it (cargo build -p mitra) or set MITRA_BIN ` +
        `(or MITRA_SERVER=js to use the JS stand-in)`,
    )
  }
  return bin
}

function command(dataDir, port) {
  const args = ["serve", "--listen", `127.0.0.1:${port}`, "--data-dir", dataDir]
  if (serverKind === "js") {
    return { cmd: process.execPath, args: [path.join(here, "js-server.mjs"), ...args] }
  }
  // Explicitly, whatever the default or MITRA_AUTH says.
  return { cmd: mitraBin(), args: [...args, "--auth", "required"] }
}

/**
 * Run one `mitra` command-line command (not `serve`); resolves with
 * {stdout, stderr} once it exited 0, rejects with its output otherwise.
 */
export function mitraCli(args) {
  const bin = mitraBin()
  return new Promise((resolve, reject) => {
    const options = { timeout: CLI_TIMEOUT_MS, env: { NO_COLOR: "1", ...process.env } }
    execFile(bin, args, options, (err, stdout, stderr) => {
      if (err) {
        // The command's own output names the problem; a secret is only
        // ever on stdout of a successful `token create`.
        reject(new Error(`mitra ${args.slice(0, 2).join(" ")} failed (${err.code ?? err.signal}): ${stderr.trim()}`))
      } else {
        resolve({ stdout, stderr })
      }
    })
  })
}

/** `mitra partnership create`: returns the new partnership's id. */
async function createPartnership(dataDir, name) {
  const { stdout } = await mitraCli(["partnership", "create", "--data-dir", dataDir, "--name", name])
  const id = stdout.trim()
  if (!/^\S+$/.test(id)) throw new Error(`mitra partnership create printed ${JSON.stringify(stdout)}, not an id`)
  return id
}

const TOKEN_CREATED_RE = /created (\w+) token (\S+) for partnership (\S+);/

/**
 * `mitra token create`: returns {id, secret, role, partnership, label}. The
 * secret is the only line on stdout; the id comes from the confirmation on
 * stderr.
 */
async function createToken(dataDir, { partnership, role = "editor", label = `interop ${role}` }) {
  const { stdout, stderr } = await mitraCli([
    "token",
    "create",
    "--data-dir",
    dataDir,
    "--partnership",
    partnership,
    "--role",
    role,
    "--label",
    label,
  ])
  const secret = stdout.trim()
  const m = TOKEN_CREATED_RE.exec(stderr)
  if (!m || !/^\S+$/.test(secret)) {
    throw new Error(`unexpected output of mitra token create: stderr ${JSON.stringify(stderr)}`)
  }
  secrets.add(secret)
  return { id: m[2], secret, role: m[1], partnership: m[3], label }
}

/** Every token secret created by this process (for the never-logged check). */
const secrets = new Set()

/** The secrets created so far that appear in `text`. */
function secretsIn(text) {
  return [...secrets].filter(s => text.includes(s))
}

/** Start one server process on `dataDir`; resolves once it printed its URL. */
function spawnServer(dataDir, log, port, extraEnv) {
  const { cmd, args } = command(dataDir, port)
  // Plain logs in diagnostics: the server's log output is not a terminal.
  const env = { NO_COLOR: "1", ...process.env, ...extraEnv }
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
 * Against Mitra, first creates (with the command line, on that data dir) the
 * partnership `partnershipName` and two editor tokens of it, then starts
 * `mitra serve --auth required`. `env` adds environment variables for the
 * server process (e.g. MITRA_LOG).
 *
 * Returns {port, url, wsUrl, wsUrl2, bareWsUrl, syncUrl(secret), partnership,
 * token, token2, dataDir, kind, auth, pid, kill(signal), restart(), stop(),
 * exited, output(), createPartnership(name), createToken({partnership, role,
 * label}), revokeToken(id)}. `wsUrl` and `wsUrl2` are the sync endpoint with
 * two different editor tokens of the partnership (the bare endpoint against
 * the JS stand-in); `token` and `token2` are {id, secret, role, partnership,
 * label} (null against the stand-in). `restart()` starts a new process on
 * the same data dir (the previous one must have exited or is killed with
 * SIGKILL first; partnerships and tokens live on in it) and updates the port
 * and URLs in place; it also returns the new port.
 */
export async function startServer({ dataDir, env = {}, partnershipName = "Interop" } = {}) {
  const ownsDir = !dataDir
  dataDir ??= fs.mkdtempSync(path.join(os.tmpdir(), "mitra-interop-"))
  const log = []
  const requireAuth = () => {
    if (!authEnabled) throw new Error("the JS stand-in server has no access control")
  }
  const server = {
    kind: serverKind,
    auth: authEnabled,
    dataDir,
    port: 0,
    url: "",
    /** The sync endpoint with the default editor token (bare against the JS stand-in). */
    wsUrl: "",
    /** The sync endpoint with a second editor token of the same partnership. */
    wsUrl2: "",
    /** The sync endpoint without credentials. */
    bareWsUrl: "",
    /** The default partnership's id (null against the JS stand-in). */
    partnership: null,
    /** The default editor token of `partnership` (null against the JS stand-in). */
    token: null,
    /** A second editor token of `partnership` (null against the JS stand-in). */
    token2: null,
    pid: 0,
    child: null,
    exited: null,
    /** Everything the server printed so far (stdout and stderr, interleaved). */
    output: () => log.join(""),
    /** The sync endpoint with `secret` as its token (URL-encoded). */
    syncUrl(secret) {
      return `${server.bareWsUrl}?token=${encodeURIComponent(secret)}`
    },
    /** `mitra partnership create` on this server's data dir; returns the id. */
    async createPartnership(name) {
      requireAuth()
      return createPartnership(dataDir, name)
    },
    /**
     * `mitra token create` on this server's data dir (works while it runs).
     * Returns {id, secret, role, partnership, label}.
     */
    async createToken({ partnership = server.partnership, role = "editor", label } = {}) {
      requireAuth()
      return createToken(dataDir, { partnership, role, label })
    },
    /** `mitra token revoke` on this server's data dir, while it runs. */
    async revokeToken(id) {
      requireAuth()
      await mitraCli(["token", "revoke", "--data-dir", dataDir, id])
    },
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
    const { child, exited, started } = spawnServer(dataDir, log, listenPort, env)
    server.child = child
    server.pid = child.pid
    server.exited = exited
    const port = await started
    server.port = port
    server.url = `http://127.0.0.1:${port}`
    server.bareWsUrl = `ws://127.0.0.1:${port}/sync`
    server.wsUrl = server.token ? server.syncUrl(server.token.secret) : server.bareWsUrl
    server.wsUrl2 = server.token2 ? server.syncUrl(server.token2.secret) : server.bareWsUrl
  }

  live.add(server)
  try {
    if (authEnabled) {
      server.partnership = await createPartnership(dataDir, partnershipName)
      server.token = await createToken(dataDir, {
        partnership: server.partnership,
        role: "editor",
        label: "interop editor 1",
      })
      server.token2 = await createToken(dataDir, {
        partnership: server.partnership,
        role: "editor",
        label: "interop editor 2",
      })
    }
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
 * Starts a fresh server on a fresh data dir (`startOptions` go to
 * `startServer`) and gives a client registry; both are cleaned up in the
 * test's `after` hook whatever the outcome. When the test passed, checks that
 * no token secret ever appeared in the server's output. When the test fails,
 * the server's output is attached as a diagnostic.
 */
export function withServer(fn, startOptions = {}) {
  return async t => {
    const server = await startServer(startOptions)
    const clients = new Clients()
    t.after(async () => {
      await clients.closeAll()
      await server.dispose()
    })
    await diagnosed(t, server, async () => {
      await fn(t, { server, clients })
      assertNoSecretsLogged(server)
    })
  }
}

/**
 * One server for every test of a file: call at the top level; starts the
 * server in `before` (unless `skip`) and disposes of it in `after`. Returns
 * the per-test fixture `shared(async (t, {server, clients}) => ...)`: a
 * fresh client registry closed after the test, the server's output attached
 * as a diagnostic when the test fails, and the never-logged check of token
 * secrets when it passed.
 */
export function useSharedServer(startOptions = {}, { skip = false } = {}) {
  let server
  before(async () => {
    if (!skip) server = await startServer(startOptions)
  })
  after(async () => {
    await server?.dispose()
  })
  return fn => async t => {
    if (!server) throw new Error("the shared server did not start")
    const clients = new Clients()
    t.after(() => clients.closeAll())
    await diagnosed(t, server, async () => {
      await fn(t, { server, clients })
      assertNoSecretsLogged(server)
    })
  }
}

/** Run `fn`; if it throws, attach the tail of the server's output to `t`. */
async function diagnosed(t, server, fn) {
  try {
    await fn()
  } catch (err) {
    const out = server.output()
    const tail = out.length > 6000 ? "...\n" + out.slice(-6000) : out
    for (const line of `server (${server.kind}) output:\n${tail}`.split("\n")) t.diagnostic(line)
    throw err
  }
}

/**
 * Fails if the server's captured output (stdout and stderr, every restart)
 * contains any token secret this process created, any of `presented` (e.g.
 * invalid tokens a test tried) or anything that looks like a token
 * (`mitra_tok_`). The message gives line numbers, never the secret.
 */
export function assertNoSecretsLogged(server, presented = []) {
  const out = server.output()
  const needles = [...secretsIn(out), ...presented.filter(p => out.includes(p))]
  const lines = out.split("\n")
  const bad = lines
    .map((line, i) => [i + 1, line])
    .filter(([, line]) => line.includes("mitra_tok_") || needles.some(n => line.includes(n)))
    .map(([n]) => n)
  if (bad.length) {
    throw new Error(
      `the server's output (${lines.length} lines) contains a token secret or token-like text ` +
        `on line(s) ${bad.slice(0, 20).join(", ")}`,
    )
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

/**
 * One raw WebSocket upgrade of `url` with the `ws` package, to see what the
 * JS client adapter hides: resolves with {status, body, opened, messages}
 * (`status` is the HTTP status of the answer: 101 when it opened, `messages`
 * counts frames received within `listenMs` after opening, with nothing
 * sent). The socket is closed before resolving.
 */
export function tryUpgrade(url, { timeout = 5_000, listenMs = 300 } = {}) {
  return new Promise((resolve, reject) => {
    const result = { status: null, body: "", opened: false, messages: 0 }
    let settled = false
    const ws = new WebSocket(url)
    const finish = err => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate()
      err ? reject(err) : resolve(result)
    }
    const timer = setTimeout(
      () => finish(new Error(`timed out after ${timeout} ms: upgrade of ${redact(url)}`)),
      timeout,
    )
    // After settling, errors from tearing the socket down are expected.
    ws.on("error", err => finish(new Error(`upgrade of ${redact(url)} failed: ${err.message}`)))
    ws.on("unexpected-response", (req, res) => {
      result.status = res.statusCode
      res.setEncoding("utf8")
      res.on("data", d => {
        result.body += d
      })
      res.on("end", () => finish())
      res.on("error", () => finish())
    })
    ws.on("upgrade", res => {
      result.status = res.statusCode
    })
    ws.on("message", () => {
      result.messages++
    })
    ws.on("open", () => {
      result.opened = true
      setTimeout(() => finish(), listenMs)
    })
  })
}

/** `url` with the value of its `token` parameter replaced (for messages). */
export function redact(url) {
  return url.replace(/([?&]token=)[^&]*/, "$1<redacted>")
}

/**
 * Follows a repo's current WebSocket (the JS adapter's `socket`): records
 * its close ({code, reason, at}), every `error` protocol message the server
 * sends on it (which the JS adapter only logs) and every `sync` message the
 * repo sends and every `sync` message it receives ({documentId, heads,
 * changes}, decoded; `changes` is how many). Returns {closes, errors, sent,
 * received}.
 */
export function observeConnection(repo) {
  const seen = { closes: [], errors: [], sent: [], received: [] }
  for (const adapter of repo.networkSubsystem.adapters) {
    const socket = adapter.socket
    if (!socket) throw new Error(`repo ${repo.peerId} has no socket to observe`)
    socket.addEventListener("close", event => {
      seen.closes.push({ code: event.code, reason: String(event.reason ?? ""), at: Date.now() })
    })
    socket.addEventListener("message", event => {
      try {
        const message = cbor.decode(new Uint8Array(event.data))
        if (message?.type === "error") seen.errors.push(String(message.message))
        if (message?.type === "sync") {
          const decoded = Am.decodeSyncMessage(message.data)
          seen.received.push({ documentId: message.documentId, heads: decoded.heads, changes: decoded.changes.length })
        }
      } catch {
        // Not ours to judge: the adapter logs undecodable messages.
      }
    })
    const send = socket.send.bind(socket)
    socket.send = data => {
      try {
        const message = cbor.decode(new Uint8Array(data))
        if (message?.type === "sync" || message?.type === "request") {
          const decoded = Am.decodeSyncMessage(message.data)
          seen.sent.push({ documentId: message.documentId, heads: decoded.heads, changes: decoded.changes.length })
        }
      } catch {
        // Recording is best effort; sending is not affected.
      }
      send(data)
    }
  }
  return seen
}

/**
 * Sends the handle's last local change to the server in a sync message of
 * its own, on the repo's connection, as a client that ignores the server's
 * read-only marking would (the JS client, told read-only, only announces
 * its heads).
 */
export function pushLastLocalChange(repo, handle) {
  const doc = handle.doc()
  const change = Am.getLastLocalChange(doc)
  if (!change) throw new Error(`no local change on ${handle.url} to push`)
  const [adapter] = repo.networkSubsystem.adapters
  const [server] = repo.peers
  if (!server) throw new Error(`repo ${repo.peerId} is not connected`)
  adapter.send({
    type: "sync",
    senderId: repo.peerId,
    targetId: server,
    documentId: handle.documentId,
    data: Am.encodeSyncMessage({ heads: Am.getHeads(doc), need: [], have: [], changes: [change] }),
  })
  return Am.decodeChange(change).hash
}
