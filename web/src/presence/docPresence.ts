// One document's presence: our state broadcast to the other peers of the
// document, and theirs, kept in a signal the interface reads.
import { Presence, type DocHandle, type PeerId } from "@automerge/automerge-repo"
import { signal, type Signal } from "@preact/signals"
import { useEffect, useState } from "preact/hooks"

import { HEARTBEAT_MS, PEER_TTL_MS, REFRESH_MS, type PresenceState } from "./state"

/** Another peer's presence. */
export type Peer = {
  /** Their automerge-repo peer id (one per browser tab). */
  peerId: PeerId
  /** What they last said. */
  state: PresenceState
  /** When we last heard from them (ms since the epoch). */
  lastSeenAt: number
}

/** The presence of one document handle. */
export class DocPresence {
  /** The other peers present on this document, oldest first. */
  readonly peers: Signal<Peer[]> = signal([])
  readonly #presence: Presence<PresenceState>
  readonly #refresh: ReturnType<typeof setInterval>
  readonly #update = () => {
    const states = this.#presence.getPeerStates().value
    this.peers.value = Object.values(states)
      .filter((p) => isPresenceState(p.value))
      .map((p) => ({ peerId: p.peerId, state: p.value, lastSeenAt: p.lastSeenAt }))
      .sort((a, b) => String(a.peerId).localeCompare(String(b.peerId)))
  }

  constructor(handle: DocHandle<unknown>, initialState: PresenceState) {
    this.#presence = new Presence<PresenceState>({ handle })
    for (const event of ["update", "snapshot", "heartbeat", "goodbye", "pruning"] as const) {
      this.#presence.on(event, this.#update)
    }
    this.#presence.start({ initialState, heartbeatMs: HEARTBEAT_MS, peerTtlMs: PEER_TTL_MS })
    // Repeat the whole state now and then, so a peer that missed our greeting
    // (it joined just after, or a message was lost) still learns who we are.
    this.#refresh = setInterval(() => {
      const local = this.#presence.getLocalState()
      for (const key of Object.keys(local) as (keyof PresenceState)[]) this.set(key, local[key])
    }, REFRESH_MS)
  }

  /** Tells the others a new value of one part of our state. */
  set<K extends keyof PresenceState>(key: K, value: PresenceState[K]): void {
    if (this.#presence.running) this.#presence.broadcast(key, value)
  }

  /** Our own state as last broadcast. */
  get local(): PresenceState {
    return this.#presence.getLocalState()
  }

  /** Says goodbye (the others forget us at once) and stops listening. */
  stop(): void {
    clearInterval(this.#refresh)
    if (this.#presence.running) this.#presence.stop()
    this.peers.value = []
  }
}

/** Checks that a peer's state has the shape we broadcast (peers run other versions). */
export function isPresenceState(value: unknown): value is PresenceState {
  if (!value || typeof value !== "object") return false
  const v = value as Partial<PresenceState>
  return (
    !!v.user &&
    typeof v.user === "object" &&
    typeof v.user.name === "string" &&
    typeof v.user.colour === "string" &&
    typeof v.section === "string"
  )
}

/**
 * Presence on `handle` while the component is mounted, said goodbye to when
 * it unmounts or the page is hidden for good.
 */
export function useDocPresence(
  handle: DocHandle<unknown> | undefined,
  initialState: () => PresenceState,
): DocPresence | undefined {
  const [presence, setPresence] = useState<DocPresence>()
  useEffect(() => {
    if (!handle) return
    const p = new DocPresence(handle, initialState())
    setPresence(p)
    const onPageHide = () => p.stop()
    window.addEventListener("pagehide", onPageHide)
    return () => {
      window.removeEventListener("pagehide", onPageHide)
      p.stop()
      setPresence(undefined)
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [handle])
  return presence
}
