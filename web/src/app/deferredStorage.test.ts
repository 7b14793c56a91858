// @vitest-environment node
import { Repo } from "@automerge/automerge-repo"
import { describe, expect, it } from "vitest"

import { DeferredStorageAdapter } from "./deferredStorage"
import { MemoryStorage } from "./testStores"

describe("storage chosen later", () => {
  it("keeps a repo's saves waiting until a storage is chosen, then saves them there", async () => {
    const deferred = new DeferredStorageAdapter()
    const repo = new Repo({ network: [], storage: deferred })
    const handle = repo.create({ title: "Air Bersih" })
    let flushed = false
    const flushing = repo.flush([handle.documentId]).then(() => (flushed = true))
    await new Promise((r) => setTimeout(r, 20))
    expect(flushed).toBe(false)
    expect(deferred.opened).toBe(false)

    const chosen = new MemoryStorage()
    deferred.open(chosen)
    await flushing
    expect(deferred.opened).toBe(true)
    expect(chosen.keys().some((k) => k.startsWith(handle.documentId))).toBe(true)

    // The page loaded again reads it from the chosen storage.
    const later = new Repo({ network: [], storage: chosen })
    expect((await later.find<{ title: string }>(handle.url)).doc().title).toBe("Air Bersih")
    await Promise.all([repo.shutdown(), later.shutdown()])
  })

  it("stays with the first storage chosen", async () => {
    const deferred = new DeferredStorageAdapter()
    const first = new MemoryStorage()
    const second = new MemoryStorage()
    deferred.open(first)
    deferred.open(second)
    await deferred.save(["doc", "snapshot", "1"], new Uint8Array([1, 2]))
    expect(first.keys()).toEqual(["doc/snapshot/1"])
    expect(second.keys()).toEqual([])
    expect(await deferred.load(["doc", "snapshot", "1"])).toEqual(new Uint8Array([1, 2]))
    expect(await deferred.loadRange(["doc"])).toHaveLength(1)
    await deferred.removeRange(["doc"])
    expect(first.keys()).toEqual([])
  })
})
