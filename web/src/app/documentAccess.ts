// A document's partnership and the signed-in person's role there, as the
// server says (`GET /api/documents/:id`). Asked once per page load and
// remembered on this device, so a partnership opened offline still knows
// the person's role (the last one known).
import { useEffect, useState } from "preact/hooks"

import { api, ApiError, type DocumentAccess } from "./api"
import { deviceStore, readJson, writeJson, type Store } from "./storage"

const STORE_KEY = "mitra.access"

/** What is known of a document's access. */
export type AccessState =
  /** Asking the server, nothing known yet. */
  | { state: "loading" }
  /** The partnership and role; `confirmed` once the server said so in this page load. */
  | { state: "known"; access: DocumentAccess; confirmed: boolean }
  /** The server says the document does not exist or is not the person's to see. */
  | { state: "denied" }
  /** The server cannot be reached and this device never learnt it. */
  | { state: "unknown" }

type Remembered = Record<string, DocumentAccess>

function remembered(store: Store | undefined): Remembered {
  const value = readJson(store, STORE_KEY)
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Remembered) : {}
}

function remember(store: Store | undefined, documentId: string, access: DocumentAccess | null): void {
  const all = remembered(store)
  if (access) all[documentId] = access
  else delete all[documentId]
  writeJson(store, STORE_KEY, all)
}

/** The access last known on this device for a document, if any. */
export function lastKnownAccess(documentId: string, store: Store | undefined = deviceStore()): DocumentAccess | null {
  const access = remembered(store)[documentId]
  return access && typeof access.partnership?.id === "string" ? access : null
}

/** Forgets every document's access (signing out). */
export function forgetAccess(store: Store | undefined = deviceStore()): void {
  asked.clear()
  writeJson(store, STORE_KEY, null)
}

/** The answers of this page load, by document id (failures are not kept). */
const asked = new Map<string, Promise<DocumentAccess>>()

/** Asks the server once per page load (a failure is asked again next time). */
function askServer(documentId: string, store: Store | undefined): Promise<DocumentAccess> {
  let answer = asked.get(documentId)
  if (!answer) {
    answer = api.document(documentId)
    asked.set(documentId, answer)
    answer.then(
      (access) => remember(store, documentId, access),
      (error: unknown) => {
        asked.delete(documentId)
        if (error instanceof ApiError && error.status === 404) remember(store, documentId, null)
      },
    )
  }
  return answer
}

/**
 * The document's partnership and the person's role there. Asks the server
 * once per page load; when it cannot be reached, answers with the last
 * access known on this device. Throws the server's refusal (404 when the
 * document is not the person's to see) or, with nothing known, the network
 * error.
 */
export async function documentAccess(documentId: string, store: Store | undefined = deviceStore()): Promise<DocumentAccess> {
  try {
    return await askServer(documentId, store)
  } catch (error) {
    const last = error instanceof ApiError && error.isNetwork ? lastKnownAccess(documentId, store) : null
    if (last) return last
    throw error
  }
}

/**
 * The access to a document, kept current: the last known at once, then what
 * the server says. `documentId` null means there are no accounts (open
 * mode): nothing is asked.
 */
export function useDocumentAccess(documentId: string | null): AccessState {
  const initial = (): AccessState => {
    if (documentId === null) return { state: "unknown" }
    const last = lastKnownAccess(documentId)
    return last ? { state: "known", access: last, confirmed: false } : { state: "loading" }
  }
  const [state, setState] = useState<AccessState>(initial)
  useEffect(() => {
    setState(initial())
    if (documentId === null) return
    let live = true
    askServer(documentId, deviceStore()).then(
      (access) => live && setState({ state: "known", access, confirmed: true }),
      (error: unknown) => {
        if (!live) return
        if (error instanceof ApiError && (error.status === 404 || error.status === 403)) {
          setState({ state: "denied" })
          return
        }
        const last = lastKnownAccess(documentId)
        setState(last ? { state: "known", access: last, confirmed: false } : { state: "unknown" })
      },
    )
    return () => {
      live = false
    }
    // `initial` reads only `documentId`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [documentId])
  return state
}
