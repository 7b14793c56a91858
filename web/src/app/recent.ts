// The partnerships opened lately on this device, most recent first, for the
// start page; one list per account (see deviceData.ts).
import { recentKey } from "./deviceData"
import { deviceStore, readJson, writeJson, type Store } from "./storage"

/** A partnership opened on this device. */
export type Recent = { url: string; name: string }

/** How many partnerships the list keeps. */
const KEPT = 10

/** The partnerships `user` (null: open mode) opened on this device, most recent first. */
export function recentPartnerships(user: string | null, store: Store | undefined = deviceStore()): Recent[] {
  const value = readJson(store, recentKey(user))
  return Array.isArray(value)
    ? value.filter((r): r is Recent => typeof r?.url === "string" && typeof r?.name === "string")
    : []
}

/** Puts a partnership first in the list of `user` (null: open mode). */
export function rememberRecent(user: string | null, url: string, name: string, store: Store | undefined = deviceStore()): void {
  const next = [{ url, name }, ...recentPartnerships(user, store).filter((r) => r.url !== url)].slice(0, KEPT)
  writeJson(store, recentKey(user), next)
}
