// Who is editing. Signed in, that is the account (its display name and
// organisation, a colour from its user id); on a server without accounts
// (open mode) a person sets a name and an organisation on this device. This
// module is the one place the rest of the client asks "who am I".
import { signal } from "@preact/signals"

import type { User } from "./api"

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

/** The identity of a signed-in account. */
export function identityOf(user: User): Identity {
  return { name: user.display_name, organisation: user.organisation, colour: colourFor(user.id) }
}

/**
 * Makes the account current (signed in), or the identity saved on this
 * device when there is no account (`null`: open mode or signed out).
 */
export function adoptAccount(user: User | null): void {
  identity.value = user ? identityOf(user) : loadIdentity()
}
