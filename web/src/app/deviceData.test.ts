// @vitest-environment node
import { describe, expect, it, vi } from "vitest"

import {
  databaseName,
  deleteDatabase,
  deviceUser,
  forgetUserData,
  keepDataOf,
  recentKey,
  type Databases,
} from "./deviceData"
import { recentPartnerships, rememberRecent } from "./recent"
import { memoryStore } from "./testStores"

/** What a fake `deleteDatabase` request does once asked. */
type Outcome = "success" | "error" | "blocked"

/** An `indexedDB` whose deletions end as `outcome`, recording the names asked. */
function fakeDatabases(outcome: Outcome): Databases & { deleted: string[] } {
  const deleted: string[] = []
  return {
    deleted,
    deleteDatabase(name) {
      deleted.push(name)
      const request = { error: outcome === "error" ? new Error("refused") : null } as unknown as IDBOpenDBRequest
      queueMicrotask(() => {
        const event = new Event(outcome)
        if (outcome === "success") request.onsuccess?.(event)
        else if (outcome === "error") request.onerror?.(event)
        else request.onblocked?.(event as IDBVersionChangeEvent)
      })
      return request
    },
  }
}

describe("per-account names", () => {
  it("keeps open mode in `mitra` and each account in its own database and recent list", () => {
    expect(databaseName(null)).toBe("mitra")
    expect(databaseName("usr_ayu")).toBe("mitra-usr_ayu")
    expect(databaseName("usr_budi")).not.toBe(databaseName("usr_ayu"))
    expect(recentKey(null)).toBe("mitra.recent")
    expect(recentKey("usr_ayu")).toBe("mitra.recent.usr_ayu")
  })

  it("keeps the data of the first person the page learns of, and refuses another", () => {
    expect(deviceUser.value).toBeUndefined()
    expect(keepDataOf("usr_ayu")).toBe(true)
    expect(deviceUser.value).toBe("usr_ayu")
    expect(keepDataOf("usr_ayu")).toBe(true)
    expect(keepDataOf("usr_budi")).toBe(false)
    expect(keepDataOf(null)).toBe(false)
    expect(deviceUser.value).toBe("usr_ayu")
  })
})

describe("recent partnerships", () => {
  it("are listed per account, most recent first, without repeats", () => {
    const store = memoryStore()
    rememberRecent("usr_ayu", "automerge:a", "Air Bersih", store)
    rememberRecent("usr_ayu", "automerge:b", "Sekolah Hijau", store)
    rememberRecent("usr_ayu", "automerge:a", "Air Bersih Desa", store)
    rememberRecent("usr_budi", "automerge:c", "Pasar Rakyat", store)
    rememberRecent(null, "automerge:d", "Open", store)
    expect(recentPartnerships("usr_ayu", store)).toEqual([
      { url: "automerge:a", name: "Air Bersih Desa" },
      { url: "automerge:b", name: "Sekolah Hijau" },
    ])
    expect(recentPartnerships("usr_budi", store)).toEqual([{ url: "automerge:c", name: "Pasar Rakyat" }])
    expect(recentPartnerships(null, store)).toEqual([{ url: "automerge:d", name: "Open" }])
  })

  it("keep ten, and ignore what is not a list of partnerships", () => {
    const store = memoryStore()
    for (let i = 0; i < 12; i++) rememberRecent(null, `automerge:${i}`, `P${i}`, store)
    expect(recentPartnerships(null, store).map((r) => r.name)).toEqual(
      ["P11", "P10", "P9", "P8", "P7", "P6", "P5", "P4", "P3", "P2"],
    )
    store.setItem("mitra.recent", JSON.stringify([{ url: 1 }, { url: "automerge:x", name: "X" }]))
    expect(recentPartnerships(null, store)).toEqual([{ url: "automerge:x", name: "X" }])
    store.setItem("mitra.recent", "{broken")
    expect(recentPartnerships(null, store)).toEqual([])
  })
})

describe("forgetting an account's data", () => {
  it("deletes its database and its recent list, and nobody else's", async () => {
    const store = memoryStore()
    rememberRecent("usr_ayu", "automerge:a", "Air Bersih", store)
    rememberRecent("usr_budi", "automerge:c", "Pasar Rakyat", store)
    rememberRecent(null, "automerge:d", "Open", store)
    const databases = fakeDatabases("success")
    await forgetUserData("usr_ayu", store, databases)
    expect(databases.deleted).toEqual(["mitra-usr_ayu"])
    expect(store.keys().sort()).toEqual(["mitra.recent", "mitra.recent.usr_budi"])
  })

  it("fails when the browser refuses to delete", async () => {
    await expect(deleteDatabase("mitra-usr_ayu", fakeDatabases("error"))).rejects.toThrow("refused")
  })

  it("goes on after a while when another tab keeps the database open", async () => {
    vi.useFakeTimers()
    try {
      let done = false
      const deletion = deleteDatabase("mitra-usr_ayu", fakeDatabases("blocked"), 3000).then(() => (done = true))
      await vi.advanceTimersByTimeAsync(2000)
      expect(done).toBe(false)
      await vi.advanceTimersByTimeAsync(1000)
      await deletion
      expect(done).toBe(true)
    } finally {
      vi.useRealTimers()
    }
  })

  it("has nothing to delete where the browser has no IndexedDB", async () => {
    await expect(deleteDatabase("mitra-usr_ayu", undefined)).resolves.toBeUndefined()
  })
})
