// For tests: the stores the client uses, kept in memory.
import type { Chunk, StorageAdapterInterface, StorageKey } from "@automerge/automerge-repo"

import type { Store } from "./storage"

/** A store like localStorage, in memory, that can list its keys. */
export function memoryStore(): Store & { keys: () => string[] } {
  const data = new Map<string, string>()
  return {
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
    keys: () => [...data.keys()],
  }
}

/** Automerge-repo storage kept in memory, shared by the repos of one test. */
export class MemoryStorage implements StorageAdapterInterface {
  readonly #data = new Map<string, { key: StorageKey; data: Uint8Array }>()

  /** The keys saved, joined with "/". */
  keys(): string[] {
    return [...this.#data.keys()]
  }
  async load(key: StorageKey): Promise<Uint8Array | undefined> {
    return this.#data.get(key.join("/"))?.data
  }
  async save(key: StorageKey, data: Uint8Array): Promise<void> {
    this.#data.set(key.join("/"), { key, data })
  }
  async remove(key: StorageKey): Promise<void> {
    this.#data.delete(key.join("/"))
  }
  async loadRange(prefix: StorageKey): Promise<Chunk[]> {
    return [...this.#data.values()].filter((e) => startsWith(e.key, prefix))
  }
  async removeRange(prefix: StorageKey): Promise<void> {
    for (const [k, e] of this.#data) if (startsWith(e.key, prefix)) this.#data.delete(k)
  }
}

function startsWith(key: StorageKey, prefix: StorageKey): boolean {
  return prefix.every((part, i) => key[i] === part)
}
