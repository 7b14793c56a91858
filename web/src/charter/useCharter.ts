// The open charter, as the charter section's components edit it.
import type { DocHandle } from "@automerge/automerge-repo"
import type { Doc } from "@automerge/automerge"

import { useCharterChange, usePartnership, type CharterChange } from "../app/context"
import type { CharterDocument } from "../generated/model"
import type { DocPresence } from "../presence/docPresence"

/** The open charter and how to change it. */
export type CharterEditing = {
  /** The charter as it is now. */
  charter: Doc<CharterDocument>
  /** Applies `edit` to the charter in one change (one step in its history). */
  change: CharterChange
  /** The charter's handle, for collaborative text fields. */
  handle: DocHandle<unknown>
  /** Presence on the charter, for remote cursors. */
  presence: DocPresence | undefined
}

/** The open partnership's charter, for reading and editing. */
export function useCharter(): CharterEditing {
  const { charter, charterHandle, presence } = usePartnership()
  const change = useCharterChange()
  return { charter, change, handle: charterHandle as unknown as DocHandle<unknown>, presence }
}
