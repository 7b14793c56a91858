// What the Members tab shows, loaded from the API: the members for everyone,
// and for owners also the invitations, API tokens and audit log.
import { useCallback, useEffect, useRef, useState } from "preact/hooks"

import { api, type ApiError, type AuditEvent, type Invitation, type Member, type Token } from "../app/api"
import { toApiError } from "./errors"

/** One list as loaded: not yet, loaded, or failed with the API's error. */
export type Loaded<T> = { state: "loading" } | { state: "ready"; value: T } | { state: "failed"; error: ApiError }

/** The lists of the Members tab. */
export type AccessLists = {
  members: Loaded<Member[]>
  invitations: Loaded<Invitation[]>
  tokens: Loaded<Token[]>
  audit: Loaded<AuditEvent[]>
}

/** The lists, and how to load them again after a change. */
export type AccessData = AccessLists & {
  /** Loads every list again (the lists shown stay until the new ones arrive). */
  reload: () => Promise<void>
}

const LOADING: Loaded<never> = { state: "loading" }

/** The outcome of a request as a {@link Loaded}. */
async function settle<T>(request: Promise<T>): Promise<Loaded<T>> {
  try {
    return { state: "ready", value: await request }
  } catch (e) {
    return { state: "failed", error: toApiError(e) }
  }
}

/** The value of a loaded list, or an empty one. */
export function loadedOr<T>(loaded: Loaded<T[]>): T[] {
  return loaded.state === "ready" ? loaded.value : []
}

/**
 * Loads the partnership's members (and, for owners, its invitations, tokens
 * and audit log), again on `reload` and when the device comes back online.
 * An answer older than the latest request is dropped.
 */
export function useAccessData(partnershipId: string, owner: boolean): AccessData {
  const [lists, setLists] = useState<AccessLists>({
    members: LOADING,
    invitations: LOADING,
    tokens: LOADING,
    audit: LOADING,
  })
  const latest = useRef(0)

  const reload = useCallback(async () => {
    const request = ++latest.current
    const ownerOnly = <T,>(load: () => Promise<T[]>): Promise<Loaded<T[]>> =>
      owner ? settle(load()) : Promise.resolve({ state: "ready", value: [] })
    const [members, invitations, tokens, audit] = await Promise.all([
      settle(api.members(partnershipId)),
      ownerOnly(() => api.invitations(partnershipId)),
      ownerOnly(() => api.tokens(partnershipId)),
      ownerOnly(() => api.audit(partnershipId)),
    ])
    if (request === latest.current) setLists({ members, invitations, tokens, audit })
  }, [partnershipId, owner])

  useEffect(() => {
    setLists({ members: LOADING, invitations: LOADING, tokens: LOADING, audit: LOADING })
    void reload()
    const online = () => void reload()
    window.addEventListener("online", online)
    return () => {
      window.removeEventListener("online", online)
      latest.current++
    }
  }, [reload])

  return { ...lists, reload }
}
