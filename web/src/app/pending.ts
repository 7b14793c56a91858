// "Saved on the server" or "waiting to reach the server", per document: a
// document has edits waiting while its heads differ from the heads the
// server last acknowledged. Mitra acknowledges only what it has made
// durable, so "saved" means saved.
import type { DocHandle, StorageId, UrlHeads } from "@automerge/automerge-repo"
import { computed, effect, signal, type Signal } from "@preact/signals"

/** Whether two sets of heads are the same. */
export function sameHeads(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false
  const set = new Set(a)
  return b.every((h) => set.has(h))
}

/** Follows which open documents have edits the server has not acknowledged. */
export class PendingTracker {
  readonly #pending: Signal<ReadonlyMap<string, boolean>> = signal(new Map())
  readonly #serverStorageId: Signal<StorageId | undefined>

  /** How many open documents have edits waiting for the server. */
  readonly count = computed(() => [...this.#pending.value.values()].filter(Boolean).length)

  constructor(serverStorageId: Signal<StorageId | undefined>) {
    this.#serverStorageId = serverStorageId
  }

  /** Follows `handle` until the returned function is called. */
  track(handle: DocHandle<unknown>): () => void {
    const check = () => {
      const storageId = this.#serverStorageId.value
      const server: UrlHeads | undefined = storageId
        ? handle.getSyncInfo(storageId)?.lastHeads
        : undefined
      const local = handle.isReady() ? handle.heads() : undefined
      this.#set(handle.documentId, !sameHeads(local, server))
    }
    handle.on("heads-changed", check)
    handle.on("remote-heads", check)
    const stopEffect = effect(check)
    return () => {
      handle.off("heads-changed", check)
      handle.off("remote-heads", check)
      stopEffect()
      this.#set(handle.documentId, undefined)
    }
  }

  #set(documentId: string, pending: boolean | undefined): void {
    const current = this.#pending.peek()
    if (current.get(documentId) === pending) return
    const next = new Map(current)
    if (pending === undefined) next.delete(documentId)
    else next.set(documentId, pending)
    this.#pending.value = next
  }
}
