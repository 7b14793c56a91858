import { describe, expect, it, vi } from "vitest"

import { AttestationFeed } from "./attestationFeed"
import { fetchAttestations, fetchAuthMode, parseHistory, sameAttestations } from "./attestations"

/** A fake server: answers by path with a status and a JSON body, counting requests. */
function server(routes: Record<string, () => [number, unknown]>) {
  const calls: string[] = []
  const fetcher = vi.fn(async (input: RequestInfo | URL) => {
    const path = String(input)
    calls.push(path)
    const route = routes[path]
    const [status, body] = route ? route() : [404, { error: "not_found", message: "no" }]
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } })
  }) as unknown as typeof fetch
  return { fetcher, calls }
}

const ENTRY = {
  hash: "abc",
  at: "2025-03-04T09:00:00Z",
  user_id: "usr_1",
  token_id: null,
  display_name: "Ayu Lestari",
  organisation: "Yayasan Air",
}

describe("parseHistory", () => {
  it("reads the documented entries and skips malformed ones", () => {
    const parsed = parseHistory({ document: "d", changes: [ENTRY, { hash: "x" }, null, { ...ENTRY, hash: "def", user_id: null, token_id: "tok_1" }] })
    expect([...parsed.keys()]).toEqual(["abc", "def"])
    expect(parsed.get("abc")).toEqual({ at: Date.UTC(2025, 2, 4, 9), userId: "usr_1", tokenId: null, name: "Ayu Lestari", organisation: "Yayasan Air" })
    expect(parsed.get("def")?.tokenId).toBe("tok_1")
    expect(parseHistory({ nothing: true }).size).toBe(0)
  })

  it("compares sets of attestations by what they say", () => {
    const a = parseHistory({ changes: [ENTRY] })
    expect(sameAttestations(a, parseHistory({ changes: [ENTRY] }))).toBe(true)
    expect(sameAttestations(a, parseHistory({ changes: [{ ...ENTRY, organisation: "Other" }] }))).toBe(false)
    expect(sameAttestations(a, new Map())).toBe(false)
  })
})

describe("fetching", () => {
  it("tells open servers, signed-out visitors and servers that attest", async () => {
    expect(await fetchAuthMode(server({ "/api/me": () => [200, { auth: "open" }] }).fetcher)).toBe("open")
    expect(await fetchAuthMode(server({ "/api/me": () => [401, { error: "unauthenticated" }] }).fetcher)).toBe("signedOut")
    expect(await fetchAuthMode(server({ "/api/me": () => [200, { auth: "required", user: {} }] }).fetcher)).toBe("required")
  })

  it("treats a document the server does not know yet as having no attestations", async () => {
    const answer = await fetchAttestations("doc1", undefined, server({}).fetcher)
    expect(answer).toEqual({ state: "ready", attestations: new Map() })
    const open = await fetchAttestations("doc1", undefined, server({ "/api/documents/doc1/history": () => [404, { error: "auth_disabled" }] }).fetcher)
    expect(open).toEqual({ state: "open" })
  })
})

describe("AttestationFeed", () => {
  it("does not ask for history on an open server", async () => {
    const { fetcher, calls } = server({ "/api/me": () => [200, { auth: "open" }] })
    const feed = new AttestationFeed("doc1", fetcher, 5)
    await feed.start()
    feed.changed()
    await new Promise((r) => setTimeout(r, 20))
    expect(feed.state.value.state).toBe("open")
    expect(calls).toEqual(["/api/me"])
  })

  it("fetches at once, then again shortly after changes, keeping identical answers identical", async () => {
    let changes = [ENTRY]
    const { fetcher, calls } = server({
      "/api/me": () => [200, { auth: "required" }],
      "/api/documents/doc1/history": () => [200, { document: "doc1", changes }],
    })
    const feed = new AttestationFeed("doc1", fetcher, 5)
    await feed.start()
    expect(feed.state.value.state).toBe("ready")
    const first = feed.state.value.attestations
    expect(first.get("abc")?.name).toBe("Ayu Lestari")

    feed.changed()
    feed.changed()
    await vi.waitFor(() => expect(calls).toHaveLength(3))
    expect(feed.state.value.attestations).toBe(first)

    changes = [ENTRY, { ...ENTRY, hash: "def" }]
    feed.changed()
    await vi.waitFor(() => expect(feed.state.value.attestations.size).toBe(2))
    feed.stop()
    feed.changed()
    await new Promise((r) => setTimeout(r, 20))
    expect(calls).toHaveLength(4)
  })

  it("keeps what it had when the server fails", async () => {
    let fail = false
    const { fetcher } = server({
      "/api/me": () => [200, { auth: "required" }],
      "/api/documents/doc1/history": () => (fail ? [503, { error: "unavailable" }] : [200, { changes: [ENTRY] }]),
    })
    const feed = new AttestationFeed("doc1", fetcher, 5)
    await feed.start()
    fail = true
    feed.changed()
    await vi.waitFor(() => expect(feed.state.value.state).toBe("error"))
    expect(feed.state.value.attestations.size).toBe(1)
  })
})
