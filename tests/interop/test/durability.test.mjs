// Durability: what a peer has seen through the server survives the server
// being killed (SIGKILL) or stopped (SIGTERM) and started again on the same
// data directory. Against Mitra, access control (partnership, tokens,
// document ownership in access.sqlite3) survives with the documents: the
// same tokens reconnect and find every document after the restart.

import { test } from "node:test"
import assert from "node:assert/strict"
import {
  connected,
  find,
  sleep,
  sortedHeads,
  tolerateConnectionReset,
  until,
  waitForDoc,
  waitForHeads,
  withServer,
} from "./server.mjs"

const T = { timeout: 45_000 }

/**
 * A writes `edits` changes round-robin across `docCount` new documents and B
 * follows until it has A's exact heads for each. Returns what B saw.
 */
async function writeAndObserve(a, b, { docCount = 3, edits = 20 } = {}) {
  const docs = []
  for (let i = 0; i < docCount; i++) docs.push(a.create({ name: `doc ${i}`, log: [] }))
  for (let k = 0; k < edits; k++) {
    docs[k % docCount].change(d => {
      d.log.push(k)
      d[`k${k}`] = `value ${k}`
    })
    // Let some edits go out as separate sync rounds, others batched.
    if (k % 4 === 3) await sleep(25)
  }
  const onB = await Promise.all(docs.map(h => find(b, h.url)))
  await Promise.all(
    onB.map((hb, i) =>
      waitForHeads(hb, sortedHeads(docs[i]), { what: `B to have all of A's changes to document ${i}` }),
    ),
  )
  const seen = onB.map(hb => ({ url: hb.url, heads: sortedHeads(hb), doc: structuredClone(hb.doc()) }))
  const total = seen.reduce((n, s) => n + s.doc.log.length, 0)
  assert.equal(total, edits, "B saw every edit")
  return seen
}

/** A fresh client (no storage) finds every document and must have exactly what B saw. */
async function assertAllThere(clients, server, seen, when) {
  const c = clients.repo(server.wsUrl)
  await connected(c)
  for (const [i, s] of seen.entries()) {
    let hc
    try {
      hc = await find(c, s.url)
    } catch (err) {
      throw new Error(`${when}: document ${i} (${s.url}) is gone: ${err.message}`)
    }
    try {
      await waitForHeads(hc, s.heads, { timeout: 5_000 })
    } catch (err) {
      const have = hc.isReady() ? hc.doc().log?.length : `none (${hc.state})`
      throw new Error(
        `${when}: document ${i} lost changes: B had seen ${s.doc.log.length} edits, ` +
          `a fresh client gets ${have}\n${err.message}`,
      )
    }
    assert.deepEqual(hc.doc(), s.doc, `${when}: document ${i} content`)
  }
}

test(
  "every change a peer has seen survives kill -9 of the server",
  T,
  withServer(async (t, { server, clients }) => {
    const a = clients.repo(server.wsUrl)
    const b = clients.repo(server.wsUrl2)
    await Promise.all([connected(a), connected(b)])

    const seen = await writeAndObserve(a, b, { docCount: 3, edits: 20 })

    const resets = [tolerateConnectionReset(a), tolerateConnectionReset(b)]
    if (server.kind === "js") {
      // The JS server debounces its saves (automerge-repo#264): give the
      // stand-in time to write. Mitra must pass with no grace period.
      await sleep(1_000)
    }
    // Clients stay connected: the crash happens under them.
    const exit = await server.kill("SIGKILL")
    assert.equal(exit.signal, "SIGKILL")
    t.diagnostic(`connection resets seen by clients: ${resets.flat().length}`)

    await server.restart()
    await assertAllThere(clients, server, seen, "after kill -9 and restart")
  }),
)

test(
  "SIGTERM with clients connected exits 0 within 10 s and keeps every document",
  T,
  withServer(async (t, { server, clients }) => {
    const a = clients.repo(server.wsUrl)
    const b = clients.repo(server.wsUrl2)
    await Promise.all([connected(a), connected(b)])

    const seen = await writeAndObserve(a, b, { docCount: 3, edits: 20 })

    const resets = [tolerateConnectionReset(a), tolerateConnectionReset(b)]
    const started = Date.now()
    const exit = await server.stop() // SIGTERM; SIGKILL after 10 s
    const elapsed = Date.now() - started
    t.diagnostic(`server exited ${elapsed} ms after SIGTERM (code ${exit.code}, signal ${exit.signal})`)
    assert.equal(exit.signal, null, `server did not exit on SIGTERM within 10 s (killed by ${exit.signal})`)
    assert.equal(exit.code, 0, "exit code after SIGTERM")
    assert.ok(elapsed < 10_000, `exit took ${elapsed} ms`)
    await until(() => a.peers.length === 0 && b.peers.length === 0, {
      timeout: 2_000,
      what: "the clients to see their connections closed",
    })
    if (resets.flat().length) t.diagnostic(`connection resets seen by clients: ${resets.flat()}`)

    await server.restart()
    await assertAllThere(clients, server, seen, "after SIGTERM and restart")
  }),
)

test(
  "clients reconnect after a restart on the same port and resume syncing",
  T,
  withServer(async (t, { server, clients }) => {
    const a = clients.repo(server.wsUrl)
    const b = clients.repo(server.wsUrl2)
    await Promise.all([connected(a), connected(b)])

    const ha = a.create({ log: ["before restart"] })
    const hb = await find(b, ha.url)
    await waitForHeads(hb, sortedHeads(ha))

    tolerateConnectionReset(a)
    tolerateConnectionReset(b)
    // SIGKILL, so that this test does not depend on graceful shutdown (which
    // has its own test above).
    await server.kill("SIGKILL")
    // Edits made while the server is away must flow once clients are back.
    ha.change(d => {
      d.log.push("A while server down")
    })
    hb.change(d => {
      d.log.push("B while server down")
    })
    await server.restart({ samePort: true })

    const started = Date.now()
    // The JS client retries every 5 s.
    await until(() => a.peers.length > 0 && b.peers.length > 0, {
      timeout: 15_000,
      what: "both clients to reconnect to the restarted server",
    })
    t.diagnostic(`clients reconnected ${Date.now() - started} ms after the restart`)

    const both = d => d.log.includes("A while server down") && d.log.includes("B while server down")
    await waitForDoc(ha, both, { what: "A to receive B's offline edit after reconnecting" })
    await waitForDoc(hb, both, { what: "B to receive A's offline edit after reconnecting" })

    ha.change(d => {
      d.log.push("A after reconnect")
    })
    await waitForDoc(hb, d => d.log.includes("A after reconnect"), { what: "B to see A's live edit" })
    await until(() => sortedHeads(ha).join() === sortedHeads(hb).join(), {
      what: "A and B to converge",
      detail: () => `A: ${sortedHeads(ha)}\nB: ${sortedHeads(hb)}`,
    })
    assert.deepEqual(ha.doc(), hb.doc())
    assert.equal(ha.doc().log.length, 4)
  }),
)
