// A document's history while it is shown: its changes read once and then
// as they arrive, the server's attestations kept current, the sessions
// they make, and what each session changed (worked out when asked, once).
import * as A from "@automerge/automerge"
import type { DocHandle } from "@automerge/automerge-repo"
import { useEffect, useMemo, useState } from "preact/hooks"

import { documentId } from "../app/route"
import { locale } from "../i18n"
import { useDoc } from "../model/handles"
import { AttestationFeed } from "./attestationFeed"
import type { AttestationState } from "./attestations"
import { ChangeLog } from "./changeLog"
import { changedFields, type FieldChange } from "./fieldChanges"
import type { DocKind } from "./schema"
import { SessionBuilder, type Session } from "./sessions"

/** A document's history. */
export type History = {
  /** The document as it is now. */
  doc: A.Doc<unknown>
  /** What kind of document it is. */
  kind: DocKind
  /** Its sessions, oldest first; `null` while the changes are first read. */
  sessions: readonly Session[] | null
  /** The server's attestations. */
  attestation: AttestationState
  /** This device's actor id for the document (its changes here are "this device"). */
  ownActor: string | null
  /** What a session changed, field by field. */
  fields: (session: Session) => FieldChange[]
}

/** How many sessions' field changes are remembered. */
const FIELD_CACHE_SIZE = 200

/** The history of the document behind `handle`, kept current while mounted. */
export function useHistory(handle: DocHandle<unknown>, kind: DocKind): History {
  const doc = useDoc(handle)
  const log = useMemo(() => new ChangeLog(), [handle])
  const builder = useMemo(() => new SessionBuilder(), [handle])
  const feed = useMemo(() => new AttestationFeed(documentId(handle.url)), [handle])
  const fieldCache = useMemo(() => new Map<string, FieldChange[]>(), [handle])

  useEffect(() => {
    void feed.start()
    return () => feed.stop()
  }, [feed])
  useEffect(() => feed.changed(), [feed, doc])

  // Read the changes after the first paint, so that a long history shows
  // "reading" rather than a frozen page.
  const [started, setStarted] = useState(false)
  useEffect(() => {
    setStarted(false)
    const timer = setTimeout(() => setStarted(true), 0)
    return () => clearTimeout(timer)
  }, [log])

  const attestation = feed.state.value
  const sessions = useMemo(() => {
    if (!started) return null
    log.update(doc)
    return builder.update(log.changes, attestation.attestations, (hash) => log.indexOf(hash))
  }, [started, log, builder, doc, attestation.attestations])

  const language = locale.value
  const fields = (session: Session): FieldChange[] => {
    const key = `${language}|${session.headsBefore.join(",")}|${session.headsAfter.join(",")}`
    let found = fieldCache.get(key)
    if (!found) {
      found = changedFields(doc, kind, session.headsBefore, session.headsAfter)
      if (fieldCache.size >= FIELD_CACHE_SIZE) fieldCache.delete(fieldCache.keys().next().value!)
      fieldCache.set(key, found)
    }
    return found
  }

  return { doc, kind, sessions, attestation, ownActor: actorOf(doc), fields }
}

function actorOf(doc: A.Doc<unknown>): string | null {
  try {
    return A.getActorId(doc)
  } catch {
    return null
  }
}
