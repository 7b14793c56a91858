// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from "vitest"

import type { Me } from "./api"
import { cachedAnswer, resolveSession } from "./session"
import type { Store } from "./storage"
import { TestApiServer } from "./testApiServer"

/** A store like localStorage, in memory. */
function memoryStore(): Store & { keys: () => string[] } {
  const data = new Map<string, string>()
  return {
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
    keys: () => [...data.keys()],
  }
}

const ME: Me = {
  auth: "required",
  user: {
    id: "usr_ayu",
    username: "ayu",
    display_name: "Ayu Lestari",
    organisation: "Yayasan Air",
    created_at: "2026-01-05T03:00:00Z",
  },
  partnerships: [{ id: "prt_1", name: "Kemitraan Air Bersih", charter: "2ZKbLxXx3dYZ7bfDn7RxZGX3H8a5", role: "owner" }],
}

const unauthenticated = (setupNeeded: boolean) => ({
  status: 401,
  body: { error: "unauthenticated", message: "sign in first", setup_needed: setupNeeded },
})

let server: TestApiServer
let store: ReturnType<typeof memoryStore>

beforeEach(async () => {
  server = await TestApiServer.start()
  store = memoryStore()
})
afterEach(() => server.stop())

describe("resolveSession", () => {
  it("is open when the server has no accounts, and remembers it", async () => {
    server.on("GET /api/me", { status: 200, body: { auth: "open" } })
    expect(await resolveSession(store)).toEqual({ state: "open" })
    expect(cachedAnswer(store)).toEqual({ auth: "open" })
  })

  it("is signed in with the server's answer, and remembers it", async () => {
    server.on("GET /api/me", { status: 200, body: ME })
    expect(await resolveSession(store)).toEqual({ state: "signed-in", me: ME, offline: false })
    expect(cachedAnswer(store)).toEqual(ME)
  })

  it("is signed out, saying whether setup is needed, and forgets the last account", async () => {
    server.on("GET /api/me", { status: 200, body: ME })
    await resolveSession(store)
    server.on("GET /api/me", unauthenticated(false))
    expect(await resolveSession(store)).toEqual({ state: "signed-out", setupNeeded: false })
    expect(cachedAnswer(store)).toBeNull()
    server.on("GET /api/me", unauthenticated(true))
    expect(await resolveSession(store)).toEqual({ state: "signed-out", setupNeeded: true })
  })

  it("keeps working offline with the last account when the server cannot be reached", async () => {
    server.on("GET /api/me", { status: 200, body: ME })
    await resolveSession(store)
    await server.stop()
    expect(await resolveSession(store)).toEqual({ state: "signed-in", me: ME, offline: true })
  })

  it("uses the last answer too when the server fails", async () => {
    server.on("GET /api/me", { status: 200, body: { auth: "open" } })
    await resolveSession(store)
    server.on("GET /api/me", { status: 503, body: { error: "unavailable", message: "try again" } })
    expect(await resolveSession(store)).toEqual({ state: "open" })
  })

  it("is unreachable when the server cannot be reached and nothing is known here", async () => {
    await server.stop()
    expect(await resolveSession(store)).toEqual({ state: "unreachable" })
  })

  it("takes a server without the API (a bare 404) as open", async () => {
    // No handler for /api/me: the test server answers 404 without an API body.
    server.on("GET /api/me", { status: 404 })
    expect(await resolveSession(store)).toEqual({ state: "open" })
  })

  it("ignores a saved answer it cannot read", () => {
    store.setItem("mitra.me", "{not json")
    expect(cachedAnswer(store)).toBeNull()
    store.setItem("mitra.me", JSON.stringify({ auth: "required", user: null }))
    expect(cachedAnswer(store)).toBeNull()
  })
})
