// Working sessions: consecutive changes (in the document's causal order) by
// the same person and organisation, as the server attests them, or by the
// same device when it does not, with no pause of 15 minutes or more. Each
// session knows the document's heads before and after it, so what it
// changed and how the document looked after it can be asked of automerge.
import { sameAttestation, type Attestation, type Attestations } from "./attestations"
import type { ChangeInfo } from "./changeLog"

/** Changes further apart than this start a new session. */
export const SESSION_GAP_MS = 15 * 60 * 1000

/** Who made a session's changes. */
export type Author =
  /** Attested by the server: the account (or token) that delivered the changes. */
  | { attested: true; key: string; name: string; organisation: string; userId: string | null; tokenId: string | null }
  /** Not attested: only the device's automerge actor id is known, and it proves nothing. */
  | { attested: false; key: string; actor: string }

/** A run of changes by one author. */
export type Session = {
  /** Stable id: the hash of its first change. */
  readonly id: string
  /** Who made the changes. */
  readonly author: Author
  /** The position of its first change in the change list. */
  readonly first: number
  /** The position of its last change (inclusive). */
  readonly last: number
  /** Earliest time of its changes (ms; server time when attested, else the device's claim), if any is known. */
  readonly start: number | null
  /** Latest time of its changes, if any is known. */
  readonly end: number | null
  /** The document's heads before the session (empty for the first). */
  readonly headsBefore: readonly string[]
  /** The document's heads right after the session. */
  readonly headsAfter: readonly string[]
  /** The distinct messages its changes carry, in order (at most five). */
  readonly messages: readonly string[]
}

/** A session while it is being built. */
type Draft = { -readonly [K in keyof Session]: Session[K] } & { messages: string[] }

/** How many changes a session holds. */
export function changeCount(session: Session): number {
  return session.last - session.first + 1
}

/** The author of a change: the attesting account when there is one, else the device. */
export function authorOf(change: ChangeInfo, attestation: Attestation | undefined): Author {
  if (!attestation) return { attested: false, key: `actor:${change.actor}`, actor: change.actor }
  const who = attestation.userId ? `user:${attestation.userId}` : attestation.tokenId ? `token:${attestation.tokenId}` : `name:${attestation.name}`
  return {
    attested: true,
    key: `${who}|${attestation.organisation}`,
    name: attestation.name,
    organisation: attestation.organisation,
    userId: attestation.userId,
    tokenId: attestation.tokenId,
  }
}

/** When a change was made: the server's time when attested, else the device's claim. */
export function timeOf(change: ChangeInfo, attestation: Attestation | undefined): number | null {
  return attestation ? attestation.at : change.time
}

/**
 * Groups changes into sessions incrementally: new changes extend the last
 * session or start new ones, and when attestations change only the sessions
 * from the first affected change on are rebuilt.
 */
export class SessionBuilder {
  #sessions: Session[] = []
  #heads = new Set<string>()
  #next = 0
  #lastTime: number | null = null
  #attestations: Attestations | null = null
  readonly #gap: number

  constructor(gapMs: number = SESSION_GAP_MS) {
    this.#gap = gapMs
  }

  /**
   * Brings the sessions up to date with `changes` (which only ever grow) and
   * `attestations`; `indexOf` gives a change's position by hash. Returns the
   * sessions, oldest first: a new array whenever they changed.
   */
  update(changes: readonly ChangeInfo[], attestations: Attestations, indexOf: (hash: string) => number | undefined): readonly Session[] {
    if (attestations !== this.#attestations) {
      if (this.#attestations !== null) {
        const from = firstDifference(this.#attestations, attestations, indexOf)
        if (from !== null) this.#rewind(from)
      }
      this.#attestations = attestations
    }
    if (this.#next >= changes.length) return this.#sessions
    const sessions: Session[] = [...this.#sessions]
    // The session being extended: a fresh copy, so earlier arrays stay as they were.
    let open: Draft | null = null
    for (let i = this.#next; i < changes.length; i++) {
      const change = changes[i]
      const attestation = attestations.get(change.hash)
      const author = authorOf(change, attestation)
      const time = timeOf(change, attestation)
      const last = sessions[sessions.length - 1]
      if (last && last.author.key === author.key && !this.#paused(time)) {
        if (open !== last) {
          open = { ...last, messages: [...last.messages] }
          sessions[sessions.length - 1] = open
        }
        open.last = i
        open.start = minTime(open.start, time)
        open.end = maxTime(open.end, time)
        addMessage(open.messages, change.message)
      } else {
        if (open) open.headsAfter = [...this.#heads]
        open = {
          id: change.hash,
          author,
          first: i,
          last: i,
          start: time,
          end: time,
          headsBefore: [...this.#heads],
          headsAfter: [],
          messages: [],
        }
        addMessage(open.messages, change.message)
        sessions.push(open)
      }
      for (const dep of change.deps) this.#heads.delete(dep)
      this.#heads.add(change.hash)
      if (time !== null) this.#lastTime = time
    }
    if (open) open.headsAfter = [...this.#heads]
    this.#next = changes.length
    this.#sessions = sessions
    return sessions
  }

  #paused(time: number | null): boolean {
    return time !== null && this.#lastTime !== null && Math.abs(time - this.#lastTime) >= this.#gap
  }

  /** Forgets the sessions from the one holding change `index` on, to rebuild them. */
  #rewind(index: number): void {
    if (index >= this.#next) return
    let keep = this.#sessions.length
    while (keep > 0 && this.#sessions[keep - 1].last >= index) keep--
    const dropped = this.#sessions[keep]
    if (!dropped) return
    this.#sessions = this.#sessions.slice(0, keep)
    this.#heads = new Set(dropped.headsBefore)
    this.#next = dropped.first
    this.#lastTime = null
    const previous = this.#sessions[keep - 1]
    if (previous) this.#lastTime = previous.end
  }
}

/** The position of the earliest change whose attestation differs between `a` and `b`, or `null`. */
export function firstDifference(
  a: Attestations,
  b: Attestations,
  indexOf: (hash: string) => number | undefined,
): number | null {
  let first: number | null = null
  const consider = (hash: string) => {
    const index = indexOf(hash)
    if (index !== undefined && (first === null || index < first)) first = index
  }
  for (const [hash, attestation] of b) {
    if (!sameAttestation(a.get(hash), attestation)) consider(hash)
  }
  for (const hash of a.keys()) if (!b.has(hash)) consider(hash)
  return first
}

function minTime(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b)
}

function maxTime(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b)
}

/** The most messages a session keeps. */
const MAX_MESSAGES = 5

function addMessage(messages: string[], message: string | null): void {
  if (message && messages.length < MAX_MESSAGES && !messages.includes(message)) messages.push(message)
}
