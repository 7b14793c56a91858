// What the client remembers on this device between visits (localStorage),
// as a small interface so tests can pass their own.

/** A key-value store like `localStorage`. */
export type Store = Pick<Storage, "getItem" | "setItem" | "removeItem">

/** This device's store (`localStorage`), when there is one. */
export function deviceStore(): Store | undefined {
  try {
    return globalThis.localStorage ?? undefined
  } catch {
    // Storage can be blocked by the browser's settings.
    return undefined
  }
}

/** Reads the JSON value saved under `key`, or null when absent or unreadable. */
export function readJson(store: Store | undefined, key: string): unknown {
  try {
    const raw = store?.getItem(key)
    return raw ? (JSON.parse(raw) as unknown) : null
  } catch {
    return null
  }
}

/** Saves `value` as JSON under `key` (null removes it). */
export function writeJson(store: Store | undefined, key: string, value: unknown): void {
  try {
    if (value === null) store?.removeItem(key)
    else store?.setItem(key, JSON.stringify(value))
  } catch {
    // A full or blocked store only costs the offline fallback.
  }
}
