// Every change of a document, read once: the metadata of each automerge
// change (not its operations), in the document's causal order, extended
// with only the new changes whenever the document moves on.
import * as A from "@automerge/automerge"

import { sameHeads } from "../app/pending"

/** One change, as its author's device wrote it (nothing here is verified). */
export type ChangeInfo = {
  /** The change's hash. */
  hash: string
  /** The automerge actor (hex), chosen by the device. */
  actor: string
  /** Its sequence number for the actor. */
  seq: number
  /** When the device says it made the change (ms since the epoch), or `null` when it did not say. */
  time: number | null
  /** The changes it builds on. */
  deps: readonly string[]
  /** The message the device attached, if any. */
  message: string | null
}

/** The changes of one document, extended as the document grows. */
export class ChangeLog {
  readonly #changes: ChangeInfo[] = []
  readonly #index = new Map<string, number>()
  #heads: A.Heads = []

  /** The changes read so far, in causal order (every change after the changes it depends on). */
  get changes(): readonly ChangeInfo[] {
    return this.#changes
  }

  /** The heads of the document version last read. */
  get heads(): A.Heads {
    return this.#heads
  }

  /** The position of the change with `hash`, or `undefined` when it is not (yet) here. */
  indexOf(hash: string): number | undefined {
    return this.#index.get(hash)
  }

  /** Reads the changes `doc` has that this log does not; returns how many were added. */
  update(doc: A.Doc<unknown>): number {
    const heads = A.getHeads(doc)
    if (sameHeads(heads, this.#heads)) return 0
    const added = A.getChangesMetaSince(doc, this.#heads)
    for (const meta of added) {
      if (this.#index.has(meta.hash)) continue
      this.#index.set(meta.hash, this.#changes.length)
      this.#changes.push({
        hash: meta.hash,
        actor: meta.actor,
        seq: meta.seq,
        time: meta.time > 0 ? meta.time * 1000 : null,
        deps: meta.deps,
        message: meta.message || null,
      })
    }
    this.#heads = heads
    return added.length
  }
}
