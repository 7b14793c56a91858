// Who is editing. Until sign-in exists, a person sets a display name and an
// organisation on this device. This module is the one place the rest of the
// client asks "who am I"; sign-in (the access-control work) replaces
// `loadIdentity`/`saveIdentity` with the signed-in account, and nothing else
// changes.
import { signal } from "@preact/signals"

/** The person using this browser. */
export type Identity = {
  /** Display name. */
  name: string
  /** Their organisation, as they give it. */
  organisation: string
  /** The colour that marks them in presence and cursors (CSS colour). */
  colour: string
}

const STORAGE_KEY = "mitra.identity"

/** Colours with enough contrast on white for names and cursors. */
export const COLOURS = [
  "#b3261e", "#0b57d0", "#146c2e", "#8e24aa", "#b06000", "#00696b", "#c2185b", "#5d4037",
] as const

/** A colour picked from the palette by a string's hash (stable per name). */
export function colourFor(seed: string): string {
  let hash = 0
  for (const ch of seed) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0
  return COLOURS[hash % COLOURS.length]
}

/** Reads the identity saved on this device, if any. */
export function loadIdentity(): Identity | null {
  try {
    const raw = globalThis.localStorage?.getItem(STORAGE_KEY)
    if (!raw) return null
    const value = JSON.parse(raw) as Partial<Identity>
    if (typeof value.name !== "string" || value.name.trim() === "") return null
    return {
      name: value.name,
      organisation: typeof value.organisation === "string" ? value.organisation : "",
      colour: typeof value.colour === "string" ? value.colour : colourFor(value.name),
    }
  } catch {
    return null
  }
}

/** The current identity (null until the person has said who they are). */
export const identity = signal<Identity | null>(loadIdentity())

/** Saves the identity on this device and makes it current. */
export function saveIdentity(next: { name: string; organisation: string; colour?: string }): void {
  const value: Identity = {
    name: next.name.trim(),
    organisation: next.organisation.trim(),
    colour: next.colour ?? identity.value?.colour ?? colourFor(next.name.trim()),
  }
  globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(value))
  identity.value = value
}
