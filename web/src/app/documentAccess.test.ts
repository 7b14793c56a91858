// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from "vitest"

import { ApiError, type DocumentAccess } from "./api"
import { documentAccess, forgetAccess, lastKnownAccess } from "./documentAccess"
import type { Store } from "./storage"
import { TestApiServer } from "./testApiServer"
import { memoryStore } from "./testStores"

const DOC = "2ZKbLxXx3dYZ7bfDn7RxZGX3H8a5"
const ACCESS: DocumentAccess = {
  document: DOC,
  partnership: { id: "prt_1", name: "Kemitraan Air Bersih", charter: DOC, role: "viewer" },
  role: "viewer",
}

let server: TestApiServer
let store: Store

beforeEach(async () => {
  server = await TestApiServer.start()
  store = memoryStore()
  forgetAccess(store)
})
afterEach(() => server.stop())

describe("documentAccess", () => {
  it("asks the server once per page load and remembers the answer on this device", async () => {
    server.on(`GET /api/documents/${DOC}`, { status: 200, body: ACCESS })
    expect(await documentAccess(DOC, store)).toEqual(ACCESS)
    expect(await documentAccess(DOC, store)).toEqual(ACCESS)
    expect(server.received.filter((r) => r.path === `/api/documents/${DOC}`)).toHaveLength(1)
    expect(lastKnownAccess(DOC, store)).toEqual(ACCESS)
  })

  it("answers with the last known access when the server cannot be reached", async () => {
    server.on(`GET /api/documents/${DOC}`, { status: 200, body: ACCESS })
    await documentAccess(DOC, store)
    forgetAccessOfThisPageOnly()
    await server.stop()
    expect(await documentAccess(DOC, store)).toEqual(ACCESS)
  })

  it("throws the refusal and forgets the document when the server says it is not the person's", async () => {
    server.on(`GET /api/documents/${DOC}`, { status: 200, body: ACCESS })
    await documentAccess(DOC, store)
    forgetAccessOfThisPageOnly()
    server.on(`GET /api/documents/${DOC}`, { status: 404, body: { error: "not_found", message: "no such document" } })
    const error = await documentAccess(DOC, store).catch((e: unknown) => e)
    expect((error as ApiError).status).toBe(404)
    expect(lastKnownAccess(DOC, store)).toBeNull()
  })

  it("throws the network error when nothing is known here", async () => {
    await server.stop()
    const error = await documentAccess(DOC, store).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).isNetwork).toBe(true)
  })
})

/** A new page load: the answers in memory are gone, the device's store stays. */
function forgetAccessOfThisPageOnly(): void {
  const saved = store.getItem("mitra.access")
  forgetAccess(store)
  if (saved) store.setItem("mitra.access", saved)
}
