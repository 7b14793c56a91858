import { useCallback } from "preact/hooks"

import { usePartnership } from "../app/context"
import type { CharterDocument } from "../generated/model"

/** A function that runs an edit (from `./edit`) on the open charter. */
export type CharterChange = (edit: (doc: CharterDocument) => void) => void

/** Edits the open partnership's charter. */
export function useCharterChange(): CharterChange {
  const { charterHandle } = usePartnership()
  return useCallback((edit) => charterHandle.change(edit), [charterHandle])
}
