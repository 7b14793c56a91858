// What each peer tells the others about itself, through automerge-repo's
// ephemeral messages (the `Presence` class): who they are, which section
// they are looking at, and where their cursor is in which text field.
import type { Cursor } from "@automerge/automerge"

/** One peer's presence. */
export type PresenceState = {
  /** Who they are. */
  user: { name: string; organisation: string; colour: string }
  /** The section they are in (see `sectionLabel`), e.g. "goals". */
  section: string
  /**
   * Their selection in a collaborative text field, as automerge cursors
   * (stable under concurrent edits), or null when not editing text.
   */
  selection: TextSelection | null
}

/** A selection in one text field of the document. */
export type TextSelection = {
  /**
   * A stable name for the text field (list items by id, not index), e.g.
   * "purpose", "goal:<goal id>:description" or "notes".
   */
  field: string
  /** Where the selection starts (the anchor). */
  anchor: Cursor
  /** Where it ends (the caret). */
  head: Cursor
}

/** How often a peer says it is still here, in milliseconds. */
export const HEARTBEAT_MS = 1000
/** How long without a word before a peer counts as gone, in milliseconds. */
export const PEER_TTL_MS = 4000
/**
 * How often a peer repeats its whole state, in milliseconds. Ephemeral
 * messages may be lost (a reconnect, a peer that joined just after our
 * greeting); repeating the state lets everyone converge within seconds.
 */
export const REFRESH_MS = 3000
