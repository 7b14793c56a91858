// A storage adapter whose real storage is chosen after the repo is made:
// the browser's repo exists from the start, but which database it keeps its
// documents in depends on who signs in (see deviceData.ts). Until then,
// every load and save waits.
import type { Chunk, StorageAdapterInterface, StorageKey } from "@automerge/automerge-repo"

/** Storage that waits for {@link DeferredStorageAdapter.open} and then is the adapter given there. */
export class DeferredStorageAdapter implements StorageAdapterInterface {
  #resolve: (adapter: StorageAdapterInterface) => void = () => {}
  readonly #adapter = new Promise<StorageAdapterInterface>((resolve) => {
    this.#resolve = resolve
  })
  #opened = false

  /** Whether the storage has been chosen. */
  get opened(): boolean {
    return this.#opened
  }

  /** Chooses the storage; the operations waiting so far go there. Only the first call counts. */
  open(adapter: StorageAdapterInterface): void {
    if (this.#opened) return
    this.#opened = true
    this.#resolve(adapter)
  }

  /** @inheritdoc */
  async load(key: StorageKey): Promise<Uint8Array | undefined> {
    return (await this.#adapter).load(key)
  }

  /** @inheritdoc */
  async save(key: StorageKey, data: Uint8Array): Promise<void> {
    return (await this.#adapter).save(key, data)
  }

  /** @inheritdoc */
  async remove(key: StorageKey): Promise<void> {
    return (await this.#adapter).remove(key)
  }

  /** @inheritdoc */
  async loadRange(keyPrefix: StorageKey): Promise<Chunk[]> {
    return (await this.#adapter).loadRange(keyPrefix)
  }

  /** @inheritdoc */
  async removeRange(keyPrefix: StorageKey): Promise<void> {
    return (await this.#adapter).removeRange(keyPrefix)
  }
}
