// Helpers for the history's tests: documents edited by several devices at
// chosen times, as real automerge documents.
import * as A from "@automerge/automerge"

import type { Attestation } from "./attestations"
import { ChangeLog } from "./changeLog"
import { SessionBuilder, type Session } from "./sessions"

/** 2025-03-04 09:00 UTC, in seconds: the tests' clock starts here. */
export const T0 = Date.UTC(2025, 2, 4, 9, 0) / 1000

/** Actor ids of the tests' devices (hex, as automerge wants them). */
export const DEVICE = { ayu: "a1a1a1a1", budi: "b2b2b2b2", ayuPhone: "a3a3a3a3" } as const

/**
 * One device's edit of a shared document at `minutes` after {@link T0}:
 * the change is made on a fork with the device's actor and merged back.
 */
export function edit<T>(doc: A.Doc<T>, device: string, minutes: number, fn: A.ChangeFn<T>): A.Doc<T> {
  const fork = A.clone(doc, { actor: device })
  const changed = A.change(fork, { time: T0 + minutes * 60 }, fn)
  return A.merge(A.clone(doc), changed)
}

/** A new document written by `device` at {@link T0}. */
export function created<T extends Record<string, unknown>>(value: T, device: string): A.Doc<T> {
  return A.change(A.init<T>({ actor: device }), { time: T0 }, (d) => Object.assign(d, value))
}

/** The sessions of `doc` from scratch, with `attestations`. */
export function sessionsOf(doc: A.Doc<unknown>, attestations: ReadonlyMap<string, Attestation> = new Map()): readonly Session[] {
  const log = new ChangeLog()
  log.update(doc)
  return new SessionBuilder().update(log.changes, attestations, (h) => log.indexOf(h))
}

/** An attestation by `name` of `organisation` at `minutes` after {@link T0}. */
export function attested(name: string, organisation: string, minutes: number, userId: string | null = `usr_${name}`): Attestation {
  return { at: (T0 + minutes * 60) * 1000, userId, tokenId: null, name, organisation }
}
