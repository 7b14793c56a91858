// What this device keeps of a person's work: the documents (an IndexedDB
// database) and the partnerships opened lately (a list in localStorage).
// Signed in, both are the account's own, so a shared device never shows
// one person's partnerships to the next, nor sends one person's unsynced
// edits under another's session; signing out deletes them. Without
// accounts (open mode) there is one set, as before accounts existed.
import { signal } from "@preact/signals"

import { writeJson, type Store } from "./storage"

/**
 * Whose data this page load keeps on the device: a user id (signed in),
 * null (open mode) or undefined (not known yet: the page opens no database
 * until the session says). Set once per page load; another person later
 * means loading the page again.
 */
export const deviceUser = signal<string | null | undefined>(undefined)

/**
 * Makes this page load keep the data of `user` (null: open mode), unless it
 * already keeps someone else's. Returns false in that case: the page must be
 * loaded again to open the right database.
 */
export function keepDataOf(user: string | null): boolean {
  const current = deviceUser.peek()
  if (current === undefined) deviceUser.value = user
  return current === undefined || current === user
}

/** The IndexedDB database of the documents of `user` (null: open mode). */
export function databaseName(user: string | null): string {
  return user === null ? "mitra" : `mitra-${user}`
}

/** The localStorage key of the partnerships `user` opened lately (null: open mode). */
export function recentKey(user: string | null): string {
  return user === null ? "mitra.recent" : `mitra.recent.${user}`
}

/** The part of `indexedDB` deleting needs (tests pass their own). */
export type Databases = Pick<IDBFactory, "deleteDatabase">

/** How long to wait for another tab to let go of a database being deleted. */
const BLOCKED_WAIT_MS = 3000

/**
 * Deletes the IndexedDB database `name`. Resolves once it is gone, or after
 * `blockedWaitMs` when another tab keeps it open (the browser deletes it
 * when that tab lets go); rejects when the browser refuses.
 */
export function deleteDatabase(
  name: string,
  databases: Databases | undefined = globalThis.indexedDB,
  blockedWaitMs = BLOCKED_WAIT_MS,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!databases) return resolve()
    const request = databases.deleteDatabase(name)
    request.onsuccess = () => resolve()
    request.onerror = () => reject(request.error ?? new Error(`could not delete the database ${name}`))
    request.onblocked = () => setTimeout(resolve, blockedWaitMs)
  })
}

/** Deletes what this device keeps of the account `user`: its documents and its recent partnerships. */
export async function forgetUserData(user: string, store: Store | undefined, databases?: Databases): Promise<void> {
  writeJson(store, recentKey(user), null)
  await deleteDatabase(databaseName(user), databases)
}
