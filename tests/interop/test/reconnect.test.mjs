// Interop: a client coming back with the same peer id (automerge-repo#206).
// The server must drop the old connection's sync state for that peer, or it
// believes the new (empty) client already has everything. Against Mitra the
// observer C holds a different editor token of the same partnership.

import { test } from "node:test"
import assert from "node:assert/strict"
import { connected, find, sortedHeads, until, waitForDoc, waitForHeads, useSharedServer } from "./server.mjs"

const T = { timeout: 30_000 }
const shared = useSharedServer()

test(
  "a peer reconnecting with the same peer id after shutting down keeps syncing",
  T,
  shared(async (t, { server, clients }) => {
    const c = clients.repo(server.wsUrl2, { peerId: "c-observer" })
    const first = clients.repo(server.wsUrl, { peerId: "p1" })
    await Promise.all([connected(c), connected(first)])

    const h1 = first.create({ log: ["p1 first session"] })
    h1.change(d => {
      d.log.push("p1 edit 2")
    })
    const hc = await find(c, h1.url)
    await waitForHeads(hc, sortedHeads(h1), { what: "C to have everything p1 wrote in its first session" })
    await clients.close(first)

    // Same peer id, brand-new repo with no storage: it has nothing.
    const second = clients.repo(server.wsUrl, { peerId: "p1" })
    await connected(second)
    const h2 = await find(second, h1.url)
    await waitForDoc(h2, d => d.log?.length === 2, {
      what: "p1's second session to receive the document p1 wrote in its first session",
    })
    assert.deepEqual(h2.doc(), hc.doc())

    h2.change(d => {
      d.log.push("p1 second session")
    })
    await waitForDoc(hc, d => d.log.includes("p1 second session"), {
      what: "C to see p1's edit from its second session",
    })
    hc.change(d => {
      d.log.push("C reply")
    })
    await waitForDoc(h2, d => d.log.includes("C reply"), { what: "p1's second session to see C's edit" })

    // A document created in the second session reaches C as well.
    const fresh = second.create({ created: "in p1's second session" })
    const freshOnC = await find(c, fresh.url)
    await waitForHeads(freshOnC, sortedHeads(fresh))
    assert.deepEqual(freshOnC.doc(), { created: "in p1's second session" })
  }),
)

test(
  "a second connection with the same peer id replaces the first, which is still open",
  T,
  shared(async (t, { server, clients }) => {
    const c = clients.repo(server.wsUrl2, { peerId: "c-observer" })
    const old = clients.repo(server.wsUrl, { peerId: "p2" })
    await Promise.all([connected(c), connected(old)])

    const hOld = old.create({ log: ["from old p2"] })
    const hc = await find(c, hOld.url)
    await waitForHeads(hc, sortedHeads(hOld))

    // The newer connection opens while the old one is still up.
    const newer = clients.repo(server.wsUrl, { peerId: "p2" })
    await connected(newer)
    const started = Date.now()
    // The server closes the old socket (the JS client then drops its peer).
    // Note: the JS client would retry after 5 s and in turn replace the newer
    // connection; that is client behaviour, so we close the old repo below.
    await until(() => old.peers.length === 0, {
      timeout: 5_000,
      what: "the server to close the older connection of peer p2",
    })
    t.diagnostic(`old connection dropped ${Date.now() - started} ms after the new one's handshake`)

    const hNew = await find(newer, hOld.url)
    await waitForDoc(hNew, d => d.log?.includes("from old p2"), {
      what: "the newer p2 connection to receive the document",
    })
    hNew.change(d => {
      d.log.push("from new p2")
    })
    await waitForDoc(hc, d => d.log.includes("from new p2"), {
      timeout: 4_000,
      what: "C to see the edit made over the newer p2 connection",
    })

    await clients.close(old)
    hc.change(d => {
      d.log.push("from C")
    })
    await waitForDoc(hNew, d => d.log.includes("from C"), { what: "the newer p2 connection to see C's edit" })
    await waitForHeads(hNew, sortedHeads(hc))
    assert.deepEqual(hNew.doc().log, ["from old p2", "from new p2", "from C"])
  }),
)
