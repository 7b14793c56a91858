// Interop: the official automerge-repo JS client (2.5.6) syncing through the
// server under test. The tests share one server; each has fresh client repos.
// Against Mitra the server requires authentication: peer A connects with one
// editor token and peer B with another of the same partnership, so every
// test also shows that a partnership's members share its documents.

import { test } from "node:test"
import assert from "node:assert/strict"
import { next as Am } from "@automerge/automerge"
import { generateAutomergeUrl, parseAutomergeUrl } from "@automerge/automerge-repo"
import {
  connected,
  find,
  sortedHeads,
  until,
  waitForDoc,
  waitForHeads,
  useSharedServer,
  withTimeout,
} from "./server.mjs"

const T = { timeout: 30_000 }
const shared = useSharedServer()

test(
  "a document created on A is found by B asked right after the create (5 rounds)",
  T,
  shared(async (t, { server, clients }) => {
    for (let round = 0; round < 5; round++) {
      const a = clients.repo(server.wsUrl)
      const b = clients.repo(server.wsUrl2)
      await Promise.all([connected(a), connected(b)])

      const ha = a.create({ title: `round ${round}`, items: [] })
      ha.change(d => {
        d.items.push(round)
      })
      // No waiting between A's create/change and B's find: this is the race.
      let hb
      try {
        hb = await find(b, ha.url)
      } catch (err) {
        throw new Error(`round ${round}: B's find of A's new document failed: ${err.message}`)
      }
      const doc = await waitForDoc(hb, d => d.title === `round ${round}` && d.items?.length === 1, {
        what: `round ${round}: B to see A's title and first item`,
      })
      assert.deepEqual(doc, { title: `round ${round}`, items: [round] })
      await waitForHeads(hb, sortedHeads(ha))

      await Promise.all([clients.close(a), clients.close(b)])
    }
  }),
)

test(
  "live changes flow both ways between two connected peers",
  T,
  shared(async (t, { server, clients }) => {
    const a = clients.repo(server.wsUrl)
    const b = clients.repo(server.wsUrl2)
    await Promise.all([connected(a), connected(b)])

    const ha = a.create({ log: [] })
    const hb = await find(b, ha.url)
    await waitForHeads(hb, sortedHeads(ha))

    for (let i = 0; i < 3; i++) {
      ha.change(d => {
        d.log.push(`a${i}`)
        d.lastWriter = "A"
      })
      await waitForDoc(hb, d => d.log.includes(`a${i}`), { what: `B to see A's edit a${i}` })
      assert.equal(hb.doc().lastWriter, "A")

      hb.change(d => {
        d.log.push(`b${i}`)
        d.lastWriter = "B"
      })
      await waitForDoc(ha, d => d.log.includes(`b${i}`), { what: `A to see B's edit b${i}` })
      assert.equal(ha.doc().lastWriter, "B")
    }
    await waitForHeads(hb, sortedHeads(ha))
    assert.deepEqual(hb.doc(), ha.doc())
    assert.deepEqual(ha.doc().log, ["a0", "b0", "a1", "b1", "a2", "b2"])
  }),
)

test(
  "concurrent edits to different and same keys converge on both peers",
  T,
  shared(async (t, { server, clients }) => {
    const a = clients.repo(server.wsUrl)
    const b = clients.repo(server.wsUrl2)
    await Promise.all([connected(a), connected(b)])

    const ha = a.create({ shared: "initial", counter: 0 })
    const hb = await find(b, ha.url)
    await waitForHeads(hb, sortedHeads(ha))

    // Interleave changes on both sides without waiting for any sync.
    for (let i = 0; i < 10; i++) {
      ha.change(d => {
        d[`a${i}`] = i
        d.shared = `A${i}`
        d.counter = (d.counter ?? 0) + 1
      })
      hb.change(d => {
        d[`b${i}`] = i
        d.shared = `B${i}`
        d.counter = (d.counter ?? 0) + 1
      })
    }

    const bothSides = d => {
      for (let i = 0; i < 10; i++) if (d[`a${i}`] !== i || d[`b${i}`] !== i) return false
      return true
    }
    await waitForDoc(ha, bothSides, { what: "A to have all of A's and B's keys" })
    await waitForDoc(hb, bothSides, { what: "B to have all of A's and B's keys" })
    await until(() => sortedHeads(ha).join() === sortedHeads(hb).join(), {
      what: "A and B to reach the same heads",
      detail: () => `A: ${sortedHeads(ha)}\nB: ${sortedHeads(hb)}`,
    })
    assert.deepEqual(ha.doc(), hb.doc())
    assert.ok(["A9", "B9"].includes(ha.doc().shared), `shared resolved to ${ha.doc().shared}`)
    // Both merged the other's last change: heads have two branches' tips merged.
    assert.equal(sortedHeads(ha).length, 2, "one head per concurrent branch")
  }),
)

test(
  "concurrent text splices from two peers converge to the same text",
  T,
  shared(async (t, { server, clients }) => {
    const a = clients.repo(server.wsUrl)
    const b = clients.repo(server.wsUrl2)
    await Promise.all([connected(a), connected(b)])

    const ha = a.create({ text: "" })
    ha.change(d => {
      Am.splice(d, ["text"], 0, 0, "Hello world")
    })
    const hb = await find(b, ha.url)
    await waitForDoc(hb, d => d.text === "Hello world", { what: "B to see the initial text" })

    // Concurrent splices, no sync in between.
    for (let i = 0; i < 5; i++) {
      ha.change(d => {
        Am.splice(d, ["text"], 5, 0, `[A${i}]`)
      })
      hb.change(d => {
        Am.splice(d, ["text"], 0, 0, `<B${i}>`)
        Am.splice(d, ["text"], d.text.length, 0, `{b${i}}`)
      })
    }
    // And one concurrent deletion on each side.
    ha.change(d => {
      Am.splice(d, ["text"], d.text.indexOf("world"), 1, "W")
    })
    hb.change(d => {
      Am.splice(d, ["text"], d.text.indexOf("Hello"), 1, "h")
    })

    const tokens = []
    for (let i = 0; i < 5; i++) tokens.push(`[A${i}]`, `<B${i}>`, `{b${i}}`)
    const hasAll = d => tokens.every(tok => d.text.includes(tok)) && d.text.includes("Wor") && d.text.includes("hello")
    await waitForDoc(ha, hasAll, { what: "A to contain both peers' insertions" })
    await waitForDoc(hb, hasAll, { what: "B to contain both peers' insertions" })
    await until(() => ha.doc().text === hb.doc().text, {
      what: "A and B to have identical text",
      detail: () => `A: ${ha.doc().text}\nB: ${hb.doc().text}`,
    })
    assert.equal(ha.doc().text.length, "Hello world".length + tokens.join("").length)
    await waitForHeads(hb, sortedHeads(ha))
  }),
)

test(
  "ephemeral messages are relayed to the other peers with the author's sender id",
  T,
  shared(async (t, { server, clients }) => {
    const a = clients.repo(server.wsUrl)
    const b = clients.repo(server.wsUrl2)
    const c = clients.repo(server.wsUrl)
    await Promise.all([connected(a), connected(b), connected(c)])

    const ha = a.create({ title: "presence" })
    const hb = await find(b, ha.url)
    const hc = await find(c, ha.url)
    await waitForHeads(hb, sortedHeads(ha))
    await waitForHeads(hc, sortedHeads(ha))

    const received = { a: [], b: [], c: [] }
    ha.on("ephemeral-message", m => received.a.push(m))
    hb.on("ephemeral-message", m => received.b.push(m))
    hc.on("ephemeral-message", m => received.c.push(m))

    const payload = { cursor: { line: 3, col: 14 }, user: "alice", tags: ["x", "y"], n: 1.5 }
    ha.broadcast(payload)
    await until(() => received.b.length > 0 && received.c.length > 0, {
      timeout: 5_000,
      what: "B and C to receive A's ephemeral message",
      detail: () => JSON.stringify({ b: received.b.length, c: received.c.length }),
    })
    for (const [who, msgs] of [["B", received.b], ["C", received.c]]) {
      assert.equal(msgs.length, 1, `${who} received exactly one message`)
      assert.deepEqual(msgs[0].message, payload, `${who} got A's payload`)
      assert.equal(msgs[0].senderId, a.peerId, `${who} sees A's peer id as the sender`)
      assert.equal(msgs[0].handle.documentId, ha.documentId)
    }

    // And the other way round.
    hb.broadcast({ from: "bob" })
    await until(() => received.a.length > 0 && received.c.length > 1, {
      timeout: 5_000,
      what: "A and C to receive B's ephemeral message",
    })
    assert.deepEqual(received.a[0].message, { from: "bob" })
    assert.equal(received.a[0].senderId, b.peerId)
    assert.equal(received.c[1].senderId, b.peerId)

    // Nobody gets their own message echoed back.
    await new Promise(r => setTimeout(r, 200))
    assert.ok(
      received.a.every(m => m.senderId !== a.peerId),
      "A must not receive its own ephemeral message",
    )
    assert.ok(
      received.b.every(m => m.senderId !== b.peerId),
      "B must not receive its own ephemeral message",
    )
    // Each JS client forwards a received ephemeral message to its other peers,
    // i.e. straight back to the server, still carrying the author's senderId.
    // The server must drop those echoes quietly, not relay them again and not
    // close the connection.
    assert.equal(received.b.length, 1, "B got A's message exactly once")
    assert.equal(received.c.length, 2, "C got each message exactly once")
    for (const [who, repo] of [["A", a], ["B", b], ["C", c]]) {
      assert.equal(repo.peers.length, 1, `${who} is still connected after the ephemeral exchange`)
    }
    hc.change(d => {
      d.after = "ephemeral"
    })
    await waitForDoc(ha, d => d.after === "ephemeral", { what: "A to still receive document changes" })
  }),
)

test(
  "an unknown document is reported unavailable",
  T,
  shared(async (t, { server, clients }) => {
    const a = clients.repo(server.wsUrl)
    const b = clients.repo(server.wsUrl2)
    await Promise.all([connected(a), connected(b)])
    // Give the server something else to hold, so "unavailable" is specific.
    const known = a.create({ known: true })
    await waitForHeads(await find(b, known.url), sortedHeads(known))

    const url = generateAutomergeUrl()
    const started = Date.now()
    await assert.rejects(withTimeout(b.find(url), 10_000, `find(${url}) to settle`), err => {
      assert.match(err.message, /is unavailable/)
      return true
    })
    const elapsed = Date.now() - started
    t.diagnostic(`find() of an unknown document rejected after ${elapsed} ms`)
    const { documentId } = parseAutomergeUrl(url)
    assert.equal(b.handles[documentId]?.state, "unavailable")
  }),
)

test(
  "a document that appears after being reported unavailable reaches the peer that asked",
  T,
  shared(async (t, { server, clients }) => {
    const a = clients.repo(server.wsUrl)
    const b = clients.repo(server.wsUrl2)
    await Promise.all([connected(a), connected(b)])

    const url = generateAutomergeUrl()
    const { documentId } = parseAutomergeUrl(url)
    await assert.rejects(withTimeout(b.find(url), 10_000, `find(${url})`), /is unavailable/)

    // A now brings a document with exactly that id. (With authentication,
    // the server refused B's request before the document existed; it must
    // still deliver the document to B once A's upload makes it a document
    // of B's partnership.)
    const bytes = Am.save(Am.from({ late: "arrival", n: 42 }))
    const ha = a.import(bytes, { docId: documentId })
    ha.change(d => {
      d.n = 43
    })

    const hb = b.handles[documentId]
    assert.ok(hb, "B keeps a handle for the document it asked for")
    await waitForDoc(hb, d => d.late === "arrival" && d.n === 43, {
      timeout: 10_000,
      what: "B's unavailable handle to receive the document once A uploads it",
    })
    assert.equal(hb.state, "ready")
    await waitForHeads(hb, sortedHeads(ha))
  }),
)

test(
  "50 documents created on A all reach B",
  { timeout: 60_000 },
  shared(async (t, { server, clients }) => {
    const a = clients.repo(server.wsUrl)
    const b = clients.repo(server.wsUrl2)
    await Promise.all([connected(a), connected(b)])

    const created = []
    for (let i = 0; i < 50; i++) {
      const h = a.create({ index: i, name: `doc-${i}`, body: "x".repeat(i * 10) })
      h.change(d => {
        d.touched = true
      })
      created.push(h)
    }
    const found = await Promise.all(created.map(h => find(b, h.url, { timeout: 20_000 })))
    await Promise.all(
      found.map((hb, i) =>
        waitForDoc(hb, d => d.index === i && d.touched === true, {
          timeout: 20_000,
          what: `document ${i} to be complete on B`,
        }),
      ),
    )
    for (let i = 0; i < 50; i++) {
      assert.deepEqual(found[i].doc(), created[i].doc(), `document ${i} matches`)
      assert.deepEqual(sortedHeads(found[i]), sortedHeads(created[i]), `document ${i} heads match`)
    }
  }),
)
