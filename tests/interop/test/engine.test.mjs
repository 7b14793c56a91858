// The change-graph engine (issue 7) against the official JS client: a fresh
// peer joining a document with a 259,779-change history, a peer lost its
// data, a peer reconnecting with saved sync state after offline edits, and
// a document whose stored changes fail to load (quarantined, never served).
//
// Mitra only where the JS stand-in cannot do it (each skip says why).

import assert from "node:assert/strict"
import fs from "node:fs"
import path from "node:path"
import { test } from "node:test"
import { next as Am } from "@automerge/automerge"
import { Repo } from "@automerge/automerge-repo"
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket"
import {
  Clients,
  connected,
  find,
  interopDir,
  observeConnection,
  serverKind,
  sleep,
  sortedHeads,
  until,
  waitForDoc,
  waitForHeads,
  withServer,
} from "./server.mjs"

const PAPER_TRACE = path.resolve(interopDir, "../../../shared/data/paper-trace-per-edit.automerge")
const PAPER_TRACE_CHANGES = 259_779

/** Skip reason when the paper trace is missing (a failure under CI=true). */
function paperTraceMissing() {
  if (fs.existsSync(PAPER_TRACE)) return false
  const message = `the paper trace is missing: expected ${PAPER_TRACE} (the shared data directory next to the repository)`
  if (process.env.CI === "true") throw new Error(message)
  return message
}

/** One sample of the Prometheus text at /metrics (0 when absent). */
async function metric(server, sample) {
  const res = await fetch(`${server.url}/metrics`)
  const text = await res.text()
  for (const line of text.split("\n")) {
    if (line.startsWith(sample + " ")) return Number(line.slice(sample.length + 1).trim().split(" ")[0])
  }
  return 0
}

const seconds = ms => `${(ms / 1000).toFixed(1)} s`

// A fresh peer joining a document with the paper trace's history. The
// document is uploaded once by a client that loaded the saved file (the
// server takes one big message: its message limit is raised for this), the
// server restarts, and a client with an empty repo finds it, served from
// storage.
test(
  "a fresh peer joins a document with a 259,779-change history and reaches identical heads",
  { timeout: 600_000 },
  async t => {
    const missing = paperTraceMissing()
    if (missing) return t.skip(missing)
    await withServer(
      async (t, { server, clients }) => {
        const bytes = fs.readFileSync(PAPER_TRACE)
        const source = Am.load(bytes)
        const want = [...Am.getHeads(source)].sort()
        assert.equal(Am.getAllChanges(source).length, PAPER_TRACE_CHANGES)

        let started = Date.now()
        const uploader = clients.repo(server.wsUrl)
        await connected(uploader)
        const handle = uploader.import(bytes)
        const persisted = await metric(server, "mitra_change_batches_persisted_total")
        await until(async () => (await metric(server, "mitra_change_batches_persisted_total")) > persisted, {
          timeout: 300_000,
          interval: 250,
          what: "the server to persist the uploaded paper trace",
        })
        const uploadMs = Date.now() - started
        await clients.close(uploader)
        const stopped = await server.stop()
        assert.equal(stopped.code, 0, `the server stops cleanly (${JSON.stringify(stopped)})`)
        await server.restart()

        started = Date.now()
        const fresh = clients.repo(server.wsUrl2)
        const found = await find(fresh, handle.url, { timeout: 300_000 })
        // automerge's heads are hex; automerge-repo's handle.heads() base58.
        await until(() => found.isReady() && [...Am.getHeads(found.doc())].sort().join(",") === want.join(","), {
          timeout: 300_000,
          interval: 100,
          what: "the fresh peer to reach the paper trace's heads",
        })
        const joinMs = Date.now() - started
        assert.equal(found.doc().text?.length ?? Am.toJS(found.doc()).text?.length, Am.toJS(source).text?.length)
        t.diagnostic(`upload of the paper trace: ${seconds(uploadMs)}; fresh peer to identical heads: ${seconds(joinMs)}`)
        console.log(`# paper trace: upload ${seconds(uploadMs)}, fresh peer joined in ${seconds(joinMs)}`)
      },
      { env: { MITRA_MAX_MESSAGE_BYTES: String(256 * 1024 * 1024) } },
    )(t)
  },
)

/**
 * An in-memory automerge-repo storage adapter (what NodeFS or IndexedDB
 * keep, in a Map): the repo stores its documents, its storage id and the
 * sync state with every peer that has a storage id in it. `copy()` gives a
 * new adapter with the same contents (a repo restarted on the same disk),
 * `keepOnly(prefix)` one with only the keys under a prefix.
 */
class MemoryStorage {
  constructor(entries = new Map()) {
    this.data = entries
  }
  static key(key) {
    return key.join("\u0000")
  }
  async load(key) {
    return this.data.get(MemoryStorage.key(key))?.data
  }
  async save(key, data) {
    this.data.set(MemoryStorage.key(key), { key, data: new Uint8Array(data) })
  }
  async remove(key) {
    this.data.delete(MemoryStorage.key(key))
  }
  #matching(prefix) {
    return [...this.data.values()].filter(({ key }) => prefix.every((p, i) => key[i] === p))
  }
  async loadRange(prefix) {
    return this.#matching(prefix).map(({ key, data }) => ({ key, data }))
  }
  async removeRange(prefix) {
    for (const { key } of this.#matching(prefix)) this.data.delete(MemoryStorage.key(key))
  }
  copy() {
    return new MemoryStorage(new Map(this.data))
  }
  keepOnly(prefix) {
    return new MemoryStorage(new Map(this.#matching(prefix).map(e => [MemoryStorage.key(e.key), e])))
  }
}

/** A repo with `storage`, connected to `wsUrl` (or offline without one). */
function storedRepo(clients, storage, { wsUrl, peerId } = {}) {
  const repo = new Repo({
    storage,
    network: wsUrl ? [new WebSocketClientAdapter(wsUrl)] : [],
    ...(peerId ? { peerId } : {}),
  })
  clients.repos.add(repo)
  return repo
}

// A peer with storage edits, goes away, edits offline while another peer
// edits too, and comes back with the sync state it saved with the server:
// both converge, and the server sends it only what it missed, not the
// document's whole history.
test(
  "a peer reconnecting with saved sync state after offline edits converges without resending the history",
  { timeout: 120_000 },
  withServer(async (t, { server, clients }) => {
    const HISTORY = 300
    const OTHERS_OFFLINE_EDITS = 5
    const storage = new MemoryStorage()
    const a = storedRepo(clients, storage, { wsUrl: server.wsUrl })
    await connected(a)
    const handle = a.create({ n: 0, log: [] })
    for (let i = 1; i <= HISTORY; i++) handle.change(d => {
      d.n = i
    })
    const b = clients.repo(server.wsUrl2)
    const hb = await find(b, handle.url)
    await waitForHeads(hb, sortedHeads(handle), { what: "the other peer to get the history" })
    // Both sides save their sync state with the other (the repo throttles
    // its saves); then A goes away.
    await sleep(1_500)
    await clients.close(a)
    assert.ok(
      [...storage.data.values()].some(({ key }) => key[1] === "sync-state"),
      `the JS repo saved a sync state with the server (keys: ${[...storage.data.values()].map(({ key }) => key.slice(1, 2))})`,
    )

    // Offline edits on A (its storage, no network) while B edits too.
    const offline = storedRepo(clients, storage)
    const ho = await find(offline, handle.url)
    ho.change(d => {
      d.log.push("offline on A")
    })
    await clients.close(offline)
    for (let i = 0; i < OTHERS_OFFLINE_EDITS; i++) hb.change(d => {
      d.log.push(`B ${i}`)
    })

    // A comes back on the storage the offline repo left.
    const back = storedRepo(clients, storage, { wsUrl: server.wsUrl })
    t.diagnostic("reconnecting A")
    await connected(back)
    const seen = observeConnection(back)
    const hback = await find(back, handle.url)
    const converged = doc =>
      doc.log.includes("offline on A") && OTHERS_OFFLINE_EDITS === doc.log.filter(e => e.startsWith("B ")).length
    await waitForDoc(hback, converged, { what: "A to get B's edits and keep its own" })
    await waitForDoc(hb, converged, { what: "B to get A's offline edit" })
    await waitForHeads(hback, sortedHeads(hb), { what: "A and B to converge" })
    const sentToA = seen.received.filter(m => m.documentId === handle.documentId)
    const changes = sentToA.reduce((n, m) => n + m.changes, 0)
    t.diagnostic(`server -> reconnected A: ${sentToA.length} sync messages, ${changes} changes (history ${HISTORY + 1})`)
    assert.ok(changes >= OTHERS_OFFLINE_EDITS, `A received B's ${OTHERS_OFFLINE_EDITS} edits (${changes} changes)`)
    assert.ok(
      changes <= OTHERS_OFFLINE_EDITS + 2,
      `the reconnect resent ${changes} changes; only B's ${OTHERS_OFFLINE_EDITS} were missing (history ${HISTORY + 1})`,
    )
  }),
)

// A peer that lost its data (same peer id and storage id, empty storage)
// finds the document again: the server, which saved shared heads with that
// storage id, must send it everything.
test(
  "a peer that lost its data gets the whole document again and keeps syncing",
  { timeout: 60_000 },
  withServer(async (t, { server, clients }) => {
    const storage = new MemoryStorage()
    const a = storedRepo(clients, storage, { wsUrl: server.wsUrl })
    await connected(a)
    const peerId = a.peerId
    const handle = a.create({ title: "charter", items: [] })
    for (let i = 0; i < 20; i++) handle.change(d => {
      d.items.push(`item ${i}`)
    })
    const b = clients.repo(server.wsUrl2)
    const hb = await find(b, handle.url)
    await waitForHeads(hb, sortedHeads(handle))
    // Let both sides save their sync state, then lose everything but the
    // storage id.
    await sleep(1_500)
    await clients.close(a)
    const emptied = storage.keepOnly(["storage-adapter-id"])
    assert.equal(emptied.data.size, 1, "the storage id survives, nothing else")

    const again = storedRepo(clients, emptied, { wsUrl: server.wsUrl, peerId })
    await connected(again)
    const found = await find(again, handle.url)
    await waitForHeads(found, sortedHeads(hb), { what: "the peer that lost its data to get everything again" })
    assert.equal(found.doc().items.length, 20)
    found.change(d => {
      d.items.push("after the loss")
    })
    await waitForDoc(hb, d => d.items.includes("after the loss"), { what: "B to get the recovered peer's edit" })
    hb.change(d => {
      d.title = "charter v2"
    })
    await waitForDoc(found, d => d.title === "charter v2", { what: "the recovered peer to get B's edit" })
    await waitForHeads(found, sortedHeads(hb))
  }),
)

/**
 * Flips one byte of `marker` wherever it occurs in the server's SQLite files
 * (database and WAL, if any). Returns how many occurrences it damaged.
 */
function damageStoredBytes(dataDir, marker) {
  const needle = Buffer.from(marker, "utf8")
  let damaged = 0
  for (const name of ["mitra.sqlite3", "mitra.sqlite3-wal"]) {
    const file = path.join(dataDir, name)
    if (!fs.existsSync(file)) continue
    const bytes = fs.readFileSync(file)
    let at = bytes.indexOf(needle)
    while (at !== -1) {
      bytes[at + needle.length - 1] ^= 0x01
      damaged++
      at = bytes.indexOf(needle, at + needle.length)
    }
    fs.writeFileSync(file, bytes)
  }
  return damaged
}

// A document whose stored change bytes are damaged on disk: after a restart
// a client asking for it is told it is unavailable (never a half-loaded
// document), other documents keep working on the same connection, and the
// server logs an error naming the document and counts it in /metrics.
test(
  "a document whose stored changes fail to load is quarantined: unavailable, logged, counted",
  {
    timeout: 60_000,
    skip: serverKind === "js" ? "the JS stand-in stores documents in its own files, not Mitra's SQLite schema" : false,
  },
  withServer(async (t, { server, clients }) => {
    const marker = `quarantine-marker-${Math.random().toString(36).slice(2)}-${Date.now()}`
    const a = clients.repo(server.wsUrl)
    await connected(a)
    const bad = a.create({ note: marker })
    const good = a.create({ note: "intact" })
    const b = clients.repo(server.wsUrl2)
    for (const h of [bad, good]) await waitForHeads(await find(b, h.url), sortedHeads(h))
    await clients.closeAll()
    const stopped = await server.stop()
    assert.equal(stopped.code, 0)
    const damaged = damageStoredBytes(server.dataDir, marker)
    assert.ok(damaged >= 1, "the marker's stored change was found in the SQLite files")
    await server.restart()

    const c = clients.repo(server.wsUrl2)
    await connected(c)
    await assert.rejects(find(c, bad.url), /unavailable/, "a damaged document is never served")
    const g = await find(c, good.url)
    await waitForHeads(g, sortedHeads(good))
    assert.equal(g.doc().note, "intact")
    // Asking again (a new repo) gets the same answer, not a reload loop.
    const d = clients.repo(server.wsUrl)
    await connected(d)
    await assert.rejects(find(d, bad.url), /unavailable/)
    assert.equal(await metric(server, "mitra_documents_quarantined_total"), 1)
    const logged = server
      .output()
      .split("\n")
      .filter(l => l.includes("ERROR") && l.includes(bad.documentId) && l.includes("quarantined"))
    assert.equal(logged.length, 1, `one error line names the quarantined document:\n${server.output().slice(-3000)}`)
  }),
)
