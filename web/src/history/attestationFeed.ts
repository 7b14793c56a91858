// Keeps a document's attestations current while its history is shown: asks
// the server once whether it attributes changes at all (`GET /api/me`), then
// fetches the document's history, and again at most every few seconds
// while the document changes.
import { signal, type Signal } from "@preact/signals"

import {
  NO_ATTESTATIONS,
  fetchAttestations,
  sameAttestations,
  fetchAuthMode,
  type AttestationState,
  type AuthMode,
} from "./attestations"

/** How long after a change the history is fetched again. */
export const REFETCH_DELAY_MS = 2000

/** The attestations of one document, kept current. */
export class AttestationFeed {
  /** Where the attestations stand. */
  readonly state: Signal<AttestationState> = signal({ state: "loading", attestations: NO_ATTESTATIONS })
  readonly #documentId: string
  readonly #fetcher: typeof fetch
  readonly #delay: number
  #mode: AuthMode | null = null
  #timer: ReturnType<typeof setTimeout> | null = null
  #inFlight: AbortController | null = null
  #changedMeanwhile = false
  #stopped = false

  constructor(documentId: string, fetcher: typeof fetch = (...args) => fetch(...args), delayMs = REFETCH_DELAY_MS) {
    this.#documentId = documentId
    this.#fetcher = fetcher
    this.#delay = delayMs
  }

  /** Starts: learns whether the server attributes changes, then fetches. */
  async start(): Promise<void> {
    const mode = await fetchAuthMode(this.#fetcher)
    if (this.#stopped) return
    this.#mode = mode
    if (mode === "open") this.state.value = { state: "open", attestations: NO_ATTESTATIONS }
    else if (mode === "signedOut") this.state.value = { state: "signedOut", attestations: NO_ATTESTATIONS }
    else await this.#fetch()
  }

  /** Says the document changed: the history is fetched again shortly. */
  changed(): void {
    if (this.#stopped || this.#mode === null || this.#mode === "open" || this.#mode === "signedOut") return
    if (this.#inFlight) {
      this.#changedMeanwhile = true
      return
    }
    if (this.#timer !== null) return
    this.#timer = setTimeout(() => {
      this.#timer = null
      void this.#fetch()
    }, this.#delay)
  }

  /** Stops fetching. */
  stop(): void {
    this.#stopped = true
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
    this.#inFlight?.abort()
  }

  async #fetch(): Promise<void> {
    const abort = new AbortController()
    this.#inFlight = abort
    this.#changedMeanwhile = false
    try {
      const answer = await fetchAttestations(this.#documentId, abort.signal, this.#fetcher)
      if (this.#stopped) return
      const previous = this.state.peek().attestations
      if (answer.state === "ready") {
        const attestations = sameAttestations(previous, answer.attestations) ? previous : answer.attestations
        this.state.value = { state: "ready", attestations }
      } else if (answer.state === "error") {
        this.state.value = { state: "error", attestations: previous }
      } else {
        this.#mode = answer.state
        this.state.value = { state: answer.state, attestations: NO_ATTESTATIONS }
      }
    } catch {
      // Aborted: stopped.
    } finally {
      if (this.#inFlight === abort) this.#inFlight = null
    }
    if (this.#changedMeanwhile) this.changed()
  }
}
