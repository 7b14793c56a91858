// The session: whether this server has accounts at all (open mode) and who
// is signed in. Loaded at start from `GET /api/me`; when the server cannot
// be reached, the last answer saved on this device keeps the person working
// with their local documents (edits sync later) instead of locking them out.
import { computed, signal, type ReadonlySignal } from "@preact/signals"

import { api, ApiError, type Me, type MeAnswer } from "./api"
import { forgetUserData, keepDataOf, type Databases } from "./deviceData"
import { forgetAccess } from "./documentAccess"
import { adoptAccount } from "./identity"
import { t } from "./messages"
import type { ConnectionState } from "./repo"
import { deviceStore, readJson, writeJson, type Store } from "./storage"

/** Where the session stands. */
export type Session =
  /** Asking the server. */
  | { state: "loading" }
  /** The server has no accounts (`auth = open`): everyone reads and edits. */
  | { state: "open" }
  /** Accounts are required and nobody is signed in here. */
  | { state: "signed-out"; setupNeeded: boolean }
  /** Signed in; `offline` when the server could not confirm it (last known answer). */
  | { state: "signed-in"; me: Me; offline: boolean }
  /** The server cannot be reached and this device has never heard from it. */
  | { state: "unreachable" }

const ME_KEY = "mitra.me"

/** The last answer of `GET /api/me` saved on this device, if it looks right. */
export function cachedAnswer(store: Store | undefined): MeAnswer | null {
  const value = readJson(store, ME_KEY) as Partial<Me> | { auth: "open" } | null
  if (!value || typeof value !== "object") return null
  if (value.auth === "open") return { auth: "open" }
  const me = value as Partial<Me>
  if (me.auth === "required" && typeof me.user?.id === "string" && Array.isArray(me.partnerships)) return me as Me
  return null
}

/** Saves (or, with null, forgets) the answer of `GET /api/me` on this device. */
export function cacheAnswer(store: Store | undefined, answer: MeAnswer | null): void {
  writeJson(store, ME_KEY, answer)
}

/** The session an answer of `GET /api/me` means. */
function fromAnswer(answer: MeAnswer, offline: boolean): Session {
  return answer.auth === "open" ? { state: "open" } : { state: "signed-in", me: answer, offline }
}

/**
 * Asks the server who is signed in. When it cannot say (no connection, the
 * server failing), falls back to the last answer saved in `store`.
 */
export async function resolveSession(store: Store | undefined = deviceStore()): Promise<Session> {
  try {
    const answer = await api.me()
    cacheAnswer(store, answer)
    return fromAnswer(answer, false)
  } catch (error) {
    if (!(error instanceof ApiError)) throw error
    if (error.status === 401) {
      cacheAnswer(store, null)
      return { state: "signed-out", setupNeeded: error.body.setup_needed === true }
    }
    // A server from before accounts has no API (a bare 404, not an API
    // error): it is open.
    if (error.status === 404 && error.code.startsWith("http_")) {
      cacheAnswer(store, { auth: "open" })
      return { state: "open" }
    }
    const last = cachedAnswer(store)
    return last ? fromAnswer(last, true) : { state: "unreachable" }
  }
}

/** The current session. */
export const session = signal<Session>({ state: "loading" })

/** Whether documents may sync with the server now (open mode, or signed in). */
export const syncAllowed = computed(() => {
  const state = session.value.state
  return state === "open" || state === "signed-in"
})

/**
 * Makes `next` the current session, and the account (or this device's
 * identity) the current identity. The first session that says who uses the
 * page chooses whose data it keeps; a session of someone else later (signed
 * in as another person in another tab, the server switched to or from
 * accounts) loads the page again, which then opens their data.
 */
export function showSession(next: Session): void {
  const user = next.state === "open" ? null : next.state === "signed-in" ? next.me.user.id : undefined
  if (user !== undefined && !keepDataOf(user)) {
    reloadAt(location.hash || "#/")
    return
  }
  session.value = next
  adoptAccount(next.state === "signed-in" ? next.me.user : null)
}

/**
 * Asks the server again and updates the session. A session that ended
 * meanwhile (signed out elsewhere, expired) loads the page again: its
 * socket must not keep knocking with a cookie the server refuses.
 */
export async function refreshSession(): Promise<Session> {
  const before = session.peek()
  const next = await resolveSession()
  if (before.state === "signed-in" && next.state === "signed-out") {
    reloadAt(location.hash || "#/")
    return next
  }
  showSession(next)
  return next
}

/**
 * Saves who signed in (after signing in, setting up or accepting an
 * invitation); a page that keeps nobody's data yet keeps theirs from now on
 * (setting up creates the first charter before the page loads again).
 */
export function rememberMe(me: Me, store: Store | undefined = deviceStore()): void {
  cacheAnswer(store, me)
  keepDataOf(me.user.id)
}

/** How many open documents have edits the server does not have yet; see {@link countPendingEditsWith}. */
let pendingEdits: () => number = () => 0

/** Tells signing out where to read how many documents have edits waiting for the server (the header's count). */
export function countPendingEditsWith(count: ReadonlySignal<number>): void {
  pendingEdits = () => count.peek()
}

/**
 * While the server could not be reached, asks again when the browser comes
 * back online and every `intervalMs`. Returns the function that stops.
 */
export function followReachability(intervalMs = 15_000): () => void {
  const retry = () => {
    const current = session.peek()
    if (current.state === "unreachable" || (current.state === "signed-in" && current.offline)) void refreshSession()
  }
  window.addEventListener("online", retry)
  const timer = setInterval(retry, intervalMs)
  return () => {
    window.removeEventListener("online", retry)
    clearInterval(timer)
  }
}

/**
 * Follows the WebSocket's state (pass each new state to the returned
 * function): a socket that connects confirms an offline session with the
 * server; a socket that drops may mean the session ended, so ask.
 */
export function connectionFollower(): (state: ConnectionState) => void {
  let before: ConnectionState | undefined
  return (state) => {
    const previous = before
    before = state
    const current = session.peek()
    if (previous === undefined || previous === state || current.state !== "signed-in") return
    if (state === "connected" ? current.offline : previous === "connected") void refreshSession()
  }
}

/** What signing out uses of the device; tests pass their own. */
export type SignOutDevice = {
  /** Where the session and the recent partnerships are saved. */
  store?: Store
  /** The IndexedDB databases. */
  databases?: Databases
  /** Asks the person to confirm (true: go on). */
  confirm?: (question: string) => boolean
  /** Loads the client again at a fragment. */
  reload?: (hash: string) => void
}

/**
 * Signs out on the server, deletes what this device keeps of the account
 * (its documents and recent partnerships, so the next person on a shared
 * device finds nothing of it) and starts the client again at its start
 * page. While edits have not reached the server yet, it first asks the
 * person whether to lose them, and does nothing if not. Throws when the
 * server cannot be reached (the session cookie can only be ended there).
 */
export async function signOut({
  store = deviceStore(),
  databases,
  confirm = (question) => window.confirm(question),
  reload = reloadAt,
}: SignOutDevice = {}): Promise<void> {
  if (pendingEdits() > 0 && !confirm(t("signOutLosesEdits"))) return
  try {
    await api.signOut()
  } catch (error) {
    // A session that already ended is as good as signed out.
    if (!(error instanceof ApiError) || error.status !== 401) throw error
  }
  cacheAnswer(store, null)
  forgetAccess(store)
  const current = session.peek()
  if (current.state === "signed-in") {
    // Signed out all the same: what could not be deleted is only logged.
    await forgetUserData(current.me.user.id, store, databases).catch((error: unknown) =>
      console.warn("could not delete this account's documents on this device", error),
    )
  }
  reload("#/")
}

/**
 * Loads the client again at `hash` (replacing the current history entry):
 * the new page's WebSocket carries the session cookie set since, and
 * nothing of the previous person's session stays in memory.
 */
export function reloadAt(hash: string): void {
  history.replaceState(null, "", hash)
  location.reload()
}
