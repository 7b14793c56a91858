// @vitest-environment node
// The workspace on a real (in-memory) IndexedDB: each account's documents in
// its own database, opened once the session says who, and deleted whole on
// signing out.
import "fake-indexeddb/auto"
import type { AutomergeUrl } from "@automerge/automerge-repo"
import { signal } from "@preact/signals"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"

import type { Me } from "./api"
import { deleteDatabase, deviceUser } from "./deviceData"
import { createWorkspace, type Workspace } from "./repo"
import { resolveSession, showSession } from "./session"
import { TestApiServer } from "./testApiServer"
import { memoryStore } from "./testStores"

const ME: Me = {
  auth: "required",
  user: { id: "usr_ayu", username: "ayu", display_name: "Ayu", organisation: "Yayasan Air", created_at: "2026-01-05T03:00:00Z" },
  partnerships: [],
}

/** A workspace that never connects, for `user`. */
function workspaceOf(user: ReturnType<typeof signal<string | null | undefined>>): Workspace {
  return createWorkspace("ws://127.0.0.1:9/sync", signal(false), user)
}

/** The names of the IndexedDB databases on this "device". */
async function databases(): Promise<string[]> {
  return (await indexedDB.databases()).map((d) => d.name ?? "").sort()
}

beforeAll(() => {
  vi.stubGlobal("window", new EventTarget())
  vi.stubGlobal("navigator", { onLine: false })
})
afterAll(() => {
  vi.unstubAllGlobals()
})

describe("the workspace's database", () => {
  it("is opened only once the session says whose it is, one per account, `mitra` without accounts", async () => {
    const user = signal<string | null | undefined>(undefined)
    const { repo } = workspaceOf(user)
    const handle = repo.create({ title: "Air Bersih" })
    await new Promise((r) => setTimeout(r, 20))
    expect(await databases()).toEqual([])
    user.value = "usr_budi"
    await repo.flush([handle.documentId])
    expect(await databases()).toEqual(["mitra-usr_budi"])
    await repo.shutdown()

    const open = workspaceOf(signal(null))
    const shared = open.repo.create({ title: "Terbuka" })
    await open.repo.flush([shared.documentId])
    expect(await databases()).toEqual(["mitra", "mitra-usr_budi"])
    await open.repo.shutdown()
  })

  it("is deleted on signing out although this page has it open, and another account never sees its documents", async () => {
    const ayu = workspaceOf(signal("usr_ayu"))
    const handle = ayu.repo.create({ title: "Rahasia Ayu" })
    await ayu.repo.flush([handle.documentId])
    expect(await databases()).toContain("mitra-usr_ayu")

    // (Repos holding an unavailable document cannot shut down; they stay open.)
    const budi = workspaceOf(signal("usr_budi"))
    await expect(findTitle(budi, handle.url)).rejects.toThrow("unavailable")

    // Ayu's page still has the database open; that would block deleting it
    // for the 60 s given here, but the page lets go at once.
    await deleteDatabase("mitra-usr_ayu", indexedDB, 60_000)
    expect(await databases()).not.toContain("mitra-usr_ayu")
    const again = workspaceOf(signal("usr_ayu"))
    await expect(findTitle(again, handle.url)).rejects.toThrow("unavailable")
  }, 10_000)

  it("is the same per-account database when the page loads again offline with the last session known", async () => {
    const store = memoryStore()
    const server = await TestApiServer.start()
    server.on("GET /api/me", { status: 200, body: ME })
    const first = workspaceOf(deviceUser)
    showSession(await resolveSession(store))
    const handle = first.repo.create({ title: "Catatan rapat" })
    await first.repo.flush([handle.documentId])
    expect(await databases()).toContain("mitra-usr_ayu")

    // The page loaded again (the service worker serves the client) with no server.
    await server.stop()
    deviceUser.value = undefined
    const offline = workspaceOf(deviceUser)
    const session = await resolveSession(store)
    expect(session).toMatchObject({ state: "signed-in", offline: true })
    showSession(session)
    expect(await findTitle(offline, handle.url)).toBe("Catatan rapat")
    await Promise.all([first.repo.shutdown(), offline.repo.shutdown()])
  })
})

/** The title of a document found in a workspace's repo (throws when it is unavailable). */
async function findTitle(workspace: Workspace, url: AutomergeUrl): Promise<string> {
  const handle = await workspace.repo.find<{ title: string }>(url)
  return handle.doc().title
}
