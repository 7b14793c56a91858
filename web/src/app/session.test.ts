// @vitest-environment node
import { signal } from "@preact/signals"
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"

import type { Me } from "./api"
import { deviceUser, type Databases } from "./deviceData"
import { recentPartnerships, rememberRecent } from "./recent"
import {
  cachedAnswer,
  countPendingEditsWith,
  rememberMe,
  resolveSession,
  session,
  showSession,
  signOut,
  type SignOutDevice,
} from "./session"
import { TestApiServer } from "./testApiServer"
import { memoryStore } from "./testStores"

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

describe("signing out", () => {
  const pending = signal(0)
  countPendingEditsWith(pending)

  /** A device signed in as Ayu, with recent partnerships of Ayu and of Budi. */
  function signedInDevice() {
    store.setItem("mitra.me", JSON.stringify(ME))
    rememberRecent("usr_ayu", "automerge:a", "Kemitraan Air Bersih", store)
    rememberRecent("usr_budi", "automerge:b", "Pasar Rakyat", store)
    const deleted: string[] = []
    const databases: Databases = {
      deleteDatabase(name) {
        deleted.push(name)
        const request = {} as IDBOpenDBRequest
        queueMicrotask(() => request.onsuccess?.(new Event("success")))
        return request
      },
    }
    const device = { store, databases, confirm: vi.fn(() => true), reload: vi.fn() } satisfies SignOutDevice
    return { device, deleted }
  }

  beforeEach(() => {
    pending.value = 0
    server.on("DELETE /api/session", { status: 204 })
    showSession({ state: "signed-in", me: ME, offline: false })
  })

  it("keeps the account's data in its own database from the moment the session says who", () => {
    expect(deviceUser.value).toBe("usr_ayu")
    // Signing in again as the same person keeps the same data.
    rememberMe(ME, store)
    expect(deviceUser.value).toBe("usr_ayu")
  })

  it("ends the session and deletes the account's documents and recent list, and no one else's", async () => {
    const { device, deleted } = signedInDevice()
    await signOut(device)
    expect(server.received.map((r) => `${r.method} ${r.path}`)).toEqual(["DELETE /api/session"])
    expect(device.confirm).not.toHaveBeenCalled()
    expect(deleted).toEqual(["mitra-usr_ayu"])
    expect(recentPartnerships("usr_ayu", store)).toEqual([])
    expect(recentPartnerships("usr_budi", store)).toHaveLength(1)
    expect(cachedAnswer(store)).toBeNull()
    expect(device.reload).toHaveBeenCalledWith("#/")
  })

  it("asks before losing edits the server does not have, and does nothing when the person declines", async () => {
    const { device, deleted } = signedInDevice()
    pending.value = 2
    device.confirm.mockReturnValue(false)
    await signOut(device)
    expect(device.confirm).toHaveBeenCalledWith(expect.stringContaining("Edits not yet on the server will be lost"))
    expect(server.received).toEqual([])
    expect(deleted).toEqual([])
    expect(recentPartnerships("usr_ayu", store)).toHaveLength(1)
    expect(cachedAnswer(store)).toEqual(ME)
    expect(device.reload).not.toHaveBeenCalled()

    device.confirm.mockReturnValue(true)
    await signOut(device)
    expect(deleted).toEqual(["mitra-usr_ayu"])
    expect(device.reload).toHaveBeenCalledWith("#/")
  })

  it("keeps everything when the server cannot be reached (the session cookie ends only there)", async () => {
    const { device, deleted } = signedInDevice()
    await server.stop()
    await expect(signOut(device)).rejects.toMatchObject({ code: "network" })
    expect(deleted).toEqual([])
    expect(cachedAnswer(store)).toEqual(ME)
    expect(device.reload).not.toHaveBeenCalled()
  })

  it("loads the page again when the session turns out to be someone else's", () => {
    const reload = vi.fn()
    const replaceState = vi.fn()
    vi.stubGlobal("location", { hash: "#/p/x/goals", reload })
    vi.stubGlobal("history", { replaceState })
    try {
      const budi: Me = { ...ME, user: { ...ME.user, id: "usr_budi", username: "budi" } }
      showSession({ state: "signed-in", me: budi, offline: false })
      expect(replaceState).toHaveBeenCalledWith(null, "", "#/p/x/goals")
      expect(reload).toHaveBeenCalled()
      // This page still shows (and keeps) Ayu's until it loads again.
      expect(session.value).toMatchObject({ me: { user: { id: "usr_ayu" } } })
      expect(deviceUser.value).toBe("usr_ayu")
    } finally {
      vi.unstubAllGlobals()
    }
  })
})
