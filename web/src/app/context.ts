// What every component of an open partnership can reach.
import type { DocHandle, Repo } from "@automerge/automerge-repo"
import type { Doc } from "@automerge/automerge"
import { createContext } from "preact"
import { useCallback, useContext } from "preact/hooks"

import type { CharterDocument } from "../generated/model"
import type { DocPresence } from "../presence/docPresence"
import type { PendingTracker } from "./pending"
import type { Workspace } from "./repo"

/** The browser's repo and its connection, for the whole client. */
export type AppServices = Workspace & { pending: PendingTracker }

/** The open partnership. */
export type Partnership = {
  /** The browser's services. */
  services: AppServices
  /** The browser's automerge-repo peer. */
  repo: Repo
  /** The charter document's handle. */
  charterHandle: DocHandle<CharterDocument>
  /** The charter as it is now. */
  charter: Doc<CharterDocument>
  /** Presence on the charter: who is here and where. */
  presence: DocPresence | undefined
}

/** Provides the browser's services. */
export const ServicesContext = createContext<AppServices | null>(null)
/** Provides the open partnership. */
export const PartnershipContext = createContext<Partnership | null>(null)

/**
 * True where the person may only read (a viewer in the partnership): inputs
 * are disabled and collaborative texts do not take typing.
 */
export const ReadOnlyContext = createContext(false)

/** The browser's services (inside `ServicesContext`). */
export function useServices(): AppServices {
  const services = useContext(ServicesContext)
  if (!services) throw new Error("useServices outside ServicesContext")
  return services
}

/** The open partnership (inside `PartnershipContext`). */
export function usePartnership(): Partnership {
  const partnership = useContext(PartnershipContext)
  if (!partnership) throw new Error("usePartnership outside PartnershipContext")
  return partnership
}

/** A function that applies an edit to the open charter, in one change (one step in its history). */
export type CharterChange = (edit: (draft: CharterDocument) => void) => void

/** Edits the open partnership's charter (inside `PartnershipContext`). */
export function useCharterChange(): CharterChange {
  const { charterHandle } = usePartnership()
  return useCallback((edit) => charterHandle.change(edit), [charterHandle])
}
