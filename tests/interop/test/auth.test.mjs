// Access control as the official JS client (2.5.6) meets it: Mitra runs with
// `--auth required`, partnerships and tokens are made with the `mitra`
// command line, and clients connect to /sync?token=SECRET. Mitra only: the
// JS stand-in has no authentication, so these tests are skipped there.
//
// The tests share one server (restarted by the viewer test), except the
// log test, which starts its own with verbose logging.

import { test } from "node:test"
import assert from "node:assert/strict"
import { next as Am } from "@automerge/automerge"
import {
  assertNoSecretsLogged,
  Clients,
  connected,
  find,
  observeConnection,
  pushLastLocalChange,
  skipWithoutAuth,
  sleep,
  sortedHeads,
  tryUpgrade,
  until,
  waitForDoc,
  waitForHeads,
  withServer,
  useSharedServer,
  withTimeout,
} from "./server.mjs"

const T = { timeout: 45_000, skip: skipWithoutAuth }

const shared = useSharedServer({ partnershipName: "Partnership A" }, { skip: Boolean(skipWithoutAuth) })

/** Expect `find` to reject as unavailable; returns how long it took. */
async function assertUnavailable(repo, url, what) {
  const started = Date.now()
  await assert.rejects(withTimeout(repo.find(url), 10_000, `${what}: find(${url}) to settle`), err => {
    assert.match(err.message, /is unavailable/, what)
    return true
  })
  return Date.now() - started
}

test(
  "without a token (or with a wrong one) the upgrade gets 401 and no protocol message",
  T,
  shared(async (t, { server }) => {
    const none = await tryUpgrade(server.bareWsUrl)
    t.diagnostic(`no token: HTTP ${none.status} ${JSON.stringify(none.body.trim())}`)
    assert.equal(none.status, 401, "an upgrade without credentials is refused with 401")
    assert.equal(none.opened, false, "no WebSocket is opened")
    assert.equal(none.messages, 0, "no protocol message is sent")

    // A well-formed token the server does not know.
    const wrong = await tryUpgrade(server.syncUrl("mitra_tok_NotARealToken0000000000000000000000000000000"))
    assert.equal(wrong.status, 401, "an unknown token is refused with 401")
    assert.equal(wrong.opened, false)
    assert.equal(wrong.messages, 0)

    // The same endpoint with a valid token opens (so 401 is about the token).
    const valid = await tryUpgrade(server.wsUrl, { listenMs: 100 })
    assert.equal(valid.status, 101, "a valid token upgrades")
    assert.equal(valid.opened, true)
    assert.equal(valid.messages, 0, "the server speaks only after the client's join")
  }),
)

test(
  "a client of partnership B cannot find or overwrite a document of partnership A while A's clients sync it",
  T,
  shared(async (t, { server, clients }) => {
    const partnershipB = await server.createPartnership("Partnership B")
    const tokenB = await server.createToken({ partnership: partnershipB, role: "editor", label: "B editor" })

    const a1 = clients.repo(server.wsUrl)
    const a2 = clients.repo(server.wsUrl2)
    const b = clients.repo(server.syncUrl(tokenB.secret))
    await Promise.all([connected(a1), connected(a2), connected(b)])

    const ha1 = a1.create({ owner: "A", log: ["a1"] })
    const ha2 = await find(a2, ha1.url)
    await waitForHeads(ha2, sortedHeads(ha1), { what: "A's second client to receive A's document" })

    const elapsed = await assertUnavailable(b, ha1.url, "B's find of A's document")
    t.diagnostic(`B's find of A's document rejected after ${elapsed} ms`)

    // A keeps editing; A's other client follows; B never gets anything.
    ha1.change(d => {
      d.log.push("a1 after B asked")
    })
    await waitForDoc(ha2, d => d.log.includes("a1 after B asked"), { what: "A's second client to see the edit" })
    ha2.change(d => {
      d.log.push("a2 reply")
    })
    await waitForDoc(ha1, d => d.log.includes("a2 reply"), { what: "A's first client to see A's second client's edit" })
    assert.equal(b.handles[ha1.documentId]?.state, "unavailable", "B's handle stays unavailable")

    // A B client that knows the URL uploads its own content under that id:
    // the server refuses it (the document belongs to A).
    const forger = clients.repo(server.syncUrl(tokenB.secret))
    await connected(forger)
    const forged = forger.import(Am.save(Am.from({ owner: "B", forged: true })), { docId: ha1.documentId })
    forged.change(d => {
      d.log = ["forged by B"]
    })
    // Fence: a later A edit makes the round trip, and a fresh A client
    // gets exactly A's heads.
    await sleep(300)
    ha1.change(d => {
      d.log.push("a1 after the forgery")
    })
    await waitForDoc(ha2, d => d.log.includes("a1 after the forgery"), { what: "A's second client to see A's edit" })
    await waitForHeads(ha2, sortedHeads(ha1))
    const a3 = clients.repo(server.wsUrl2)
    await connected(a3)
    const ha3 = await find(a3, ha1.url)
    await waitForHeads(ha3, sortedHeads(ha1), { what: "a fresh A client to get A's heads" })
    for (const [who, h] of [["A1", ha1], ["A2", ha2], ["fresh A", ha3]]) {
      assert.equal(h.doc().owner, "A", `${who} keeps A's owner`)
      assert.equal(h.doc().forged, undefined, `${who} never sees B's forged content`)
      assert.deepEqual(h.doc().log, ["a1", "a1 after B asked", "a2 reply", "a1 after the forgery"], who)
    }
    assert.equal(forged.doc().forged, true, "the forger still holds only its own content")
    assert.equal(forged.doc().log.includes("a1 after the forgery"), false, "the forger receives none of A's edits")

    // And the other way round: B's own document is B's alone.
    const hb = b.create({ owner: "B" })
    const bPeer = clients.repo(server.syncUrl(tokenB.secret))
    await connected(bPeer)
    await waitForHeads(await find(bPeer, hb.url), sortedHeads(hb), { what: "B's other client to get B's document" })
    await assertUnavailable(a1, hb.url, "A's find of B's document")
  }),
)

test(
  "a viewer receives the document and live changes; its own change is never relayed or stored",
  T,
  shared(async (t, { server, clients }) => {
    const viewerToken = await server.createToken({ role: "viewer", label: "interop viewer" })
    const e1 = clients.repo(server.wsUrl)
    const e2 = clients.repo(server.wsUrl2)
    const v = clients.repo(server.syncUrl(viewerToken.secret))
    await Promise.all([connected(e1), connected(e2), connected(v)])

    const he1 = e1.create({ title: "minutes", log: ["e1 created"] })
    const he2 = await find(e2, he1.url)
    const hv = await find(v, he1.url)
    await waitForHeads(hv, sortedHeads(he1), { what: "the viewer to receive the document" })
    await waitForHeads(he2, sortedHeads(he1))

    he1.change(d => {
      d.log.push("e1 live")
    })
    await waitForDoc(hv, d => d.log.includes("e1 live"), { what: "the viewer to receive a live change" })

    // The viewer changes its copy. The JS client announces its new head
    // (and may send the change once); the server strips it and answers
    // that the document is read-only for this connection.
    const viewerSocket = observeConnection(v)
    hv.change(d => {
      d.title = "defaced by the viewer"
      d.log.push("viewer edit")
      d.viewerWasHere = true
    })
    const [viewerHead] = Am.getHeads(hv.doc()).filter(h => !Am.hasHeads(he1.doc(), [h]))
    assert.ok(viewerHead, "the viewer's change is a new head on its side")
    await until(() => viewerSocket.sent.some(m => m.documentId === hv.documentId && m.heads.includes(viewerHead)), {
      timeout: 5_000,
      what: "the viewer to announce its change to the server",
    })
    const pushedBefore = viewerSocket.sent.filter(m => m.changes > 0).length
    t.diagnostic(`sync messages the JS viewer sent carrying changes: ${pushedBefore}`)
    // A client that pushes the change anyway is told it is read-only.
    const pushed = pushLastLocalChange(v, hv)
    assert.equal(pushed, viewerHead)
    await until(() => viewerSocket.errors.some(m => /read-only/i.test(m)), {
      timeout: 5_000,
      what: "the server to tell the viewer that pushed a change that the document is read-only for it",
      detail: () => `errors received: ${JSON.stringify(viewerSocket.errors)}`,
    })
    t.diagnostic(`the viewer was told: ${viewerSocket.errors[0]}`)

    // The editors keep syncing normally, both ways, and the viewer follows.
    he2.change(d => {
      d.log.push("e2 after the viewer's edit")
    })
    await waitForDoc(he1, d => d.log.includes("e2 after the viewer's edit"), { what: "e1 to see e2's edit" })
    he1.change(d => {
      d.log.push("e1 after the viewer's edit")
    })
    await waitForDoc(he2, d => d.log.includes("e1 after the viewer's edit"), { what: "e2 to see e1's edit" })
    await waitForHeads(he2, sortedHeads(he1))
    const editorsEdits = d => d.log.includes("e1 after the viewer's edit") && d.log.includes("e2 after the viewer's edit")
    await waitForDoc(hv, editorsEdits, {
      what: "the viewer to keep receiving the editors' changes after its refused edit",
    })
    assert.equal(v.peers.length, 1, "the viewer is not disconnected")
    assert.equal(viewerSocket.closes.length, 0, "the viewer's socket stayed open")

    const expected = {
      title: "minutes",
      log: ["e1 created", "e1 live", "e2 after the viewer's edit", "e1 after the viewer's edit"],
    }
    for (const [who, h] of [["e1", he1], ["e2", he2]]) {
      assert.deepEqual(h.doc(), expected, `${who} never sees the viewer's change`)
      assert.equal(Am.hasHeads(h.doc(), [viewerHead]), false, `${who} does not have the viewer's change`)
    }
    assert.equal(Am.hasHeads(hv.doc(), [viewerHead]), true, "the viewer keeps its own change locally")
    const editorHeads = sortedHeads(he1)

    // Not stored: after a restart, a fresh editor loads exactly the editors' document.
    await clients.closeAll()
    const exit = await server.stop()
    assert.equal(exit.code, 0, "the server stopped cleanly")
    await server.restart()
    const fresh = clients.repo(server.wsUrl)
    await connected(fresh)
    const hf = await find(fresh, he1.url)
    await waitForHeads(hf, editorHeads, { what: "a fresh editor after the restart to load the editors' heads" })
    assert.deepEqual(hf.doc(), expected, "the stored document has no trace of the viewer's change")
    assert.equal(Am.hasHeads(hf.doc(), [viewerHead]), false, "the viewer's change was not stored")

    // A viewer cannot create documents either: nobody else can find one.
    const v2 = clients.repo(server.syncUrl(viewerToken.secret))
    await connected(v2)
    const created = v2.create({ byViewer: true })
    await sleep(300)
    await assertUnavailable(fresh, created.url, "an editor's find of a document a viewer created")
  }),
)

test(
  "a token revoked while connected is disconnected within 2 s and cannot reconnect",
  T,
  shared(async (t, { server, clients }) => {
    const doomed = await server.createToken({ role: "editor", label: "interop doomed" })
    const r = clients.repo(server.syncUrl(doomed.secret))
    const e = clients.repo(server.wsUrl)
    await Promise.all([connected(r), connected(e)])

    const hr = r.create({ log: ["r before revocation"] })
    const he = await find(e, hr.url)
    await waitForHeads(he, sortedHeads(hr))

    const rSocket = observeConnection(r)
    const eSocket = observeConnection(e)
    const started = Date.now()
    await server.revokeToken(doomed.id)
    const revoked = Date.now()
    await until(() => rSocket.closes.length > 0, {
      timeout: 3_000,
      interval: 10,
      what: "the server to close the revoked token's connection",
    })
    const close = rSocket.closes[0]
    // The JS client would retry in 5 s (and throw on the 401): stop it.
    await clients.close(r)
    t.diagnostic(
      `closed ${close.at - revoked} ms after \`mitra token revoke\` returned ` +
        `(${close.at - started} ms after it started), code ${close.code} ${JSON.stringify(close.reason)}`,
    )
    assert.ok(close.at - started <= 2_000, `closed ${close.at - started} ms after the revocation started`)
    assert.equal(close.code, 1008, "closed with 1008 (policy)")
    assert.match(close.reason, /revoked/)

    // Reconnecting with the revoked token fails.
    const again = await tryUpgrade(server.syncUrl(doomed.secret))
    assert.equal(again.status, 401, "the revoked token is refused")
    assert.equal(again.opened, false)

    // Another token's connection of the same partnership is untouched.
    assert.equal(eSocket.closes.length, 0, "the other token's connection stays open")
    assert.equal(e.peers.length, 1)
    he.change(d => {
      d.log.push("e after revocation")
    })
    const e2 = clients.repo(server.wsUrl2)
    await connected(e2)
    const he2 = await find(e2, hr.url)
    await waitForDoc(he2, d => d.log.includes("e after revocation"), { what: "the other editor to keep syncing" })
    assert.deepEqual(he2.doc().log, ["r before revocation", "e after revocation"])
  }),
)

test(
  "token secrets never appear in the server's output, even at trace level",
  T,
  withServer(
    async (t, { server, clients }) => {
      const viewer = await server.createToken({ role: "viewer", label: "interop log viewer" })
      const revoked = await server.createToken({ role: "editor", label: "interop log revoked" })
      const wrong = "mitra_tok_WrongButPlausible00000000000000000000000000"

      // Valid editors sync a document; a viewer reads it and tries to write.
      const a = clients.repo(server.wsUrl)
      const b = clients.repo(server.wsUrl2)
      const v = clients.repo(server.syncUrl(viewer.secret))
      const r = clients.repo(server.syncUrl(revoked.secret))
      await Promise.all([connected(a), connected(b), connected(v), connected(r)])
      const ha = a.create({ log: ["a"] })
      await waitForHeads(await find(b, ha.url), sortedHeads(ha))
      const hv = await find(v, ha.url)
      await waitForHeads(hv, sortedHeads(ha))
      const vSocket = observeConnection(v)
      hv.change(d => {
        d.log.push("viewer")
      })
      pushLastLocalChange(v, hv)
      await until(() => vSocket.errors.length > 0, { timeout: 5_000, what: "the viewer's refusal" })

      // Failed upgrades: none, wrong, revoked (while connected, then again).
      assert.equal((await tryUpgrade(server.bareWsUrl)).status, 401)
      assert.equal((await tryUpgrade(server.syncUrl(wrong))).status, 401)
      const rSocket = observeConnection(r)
      await server.revokeToken(revoked.id)
      await until(() => rSocket.closes.length > 0, { timeout: 3_000, what: "the revoked connection to close" })
      await clients.close(r)
      assert.equal((await tryUpgrade(server.syncUrl(revoked.secret))).status, 401)

      await clients.closeAll()
      await server.stop()
      const out = server.output()
      const lines = out.split("\n").length
      t.diagnostic(`checked ${lines} lines of server output`)
      // The check must have something to look at: trace logging was on and
      // the refusals were logged (with the address only).
      assert.ok(lines > 50, `expected verbose output, got ${lines} lines`)
      assert.match(out, /without valid credentials/, "the refused upgrades are logged")
      assert.match(out, /access revoked/, "the revocation is logged")
      assertNoSecretsLogged(server, [wrong])
      for (const s of [server.token.secret, server.token2.secret, viewer.secret, revoked.secret, wrong]) {
        assert.equal(out.includes(s), false, "a token secret appears in the server's output")
        // Nor its random part alone (e.g. logged after the prefix was cut).
        assert.equal(out.includes(s.slice("mitra_tok_".length)), false, "a token's random part appears in the output")
      }
    },
    { env: { MITRA_LOG: "trace" } },
  ),
)
