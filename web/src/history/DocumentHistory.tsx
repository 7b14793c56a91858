// One document's history: the timeline of sessions, or the document as it
// was after one of them.
import type { DocHandle } from "@automerge/automerge-repo"
import { useEffect, useRef, useState } from "preact/hooks"

import type { AttestationState } from "./attestations"
import { t } from "./messages"
import type { DocKind } from "./schema"
import type { Session } from "./sessions"
import { Snapshot } from "./Snapshot"
import { Timeline } from "./Timeline"
import { useHistory } from "./useHistory"

/** The history of the document behind `handle`. */
export function DocumentHistory({ handle, kind }: { handle: DocHandle<unknown>; kind: DocKind }) {
  const history = useHistory(handle, kind)
  const [viewing, setViewing] = useState<Session | null>(null)
  // The session whose "view as it was" button gets the focus back.
  const returnTo = useRef<string | null>(null)

  const back = () => {
    returnTo.current = viewing?.id ?? null
    setViewing(null)
  }
  useEffect(() => {
    if (viewing || !returnTo.current) return
    document.querySelector<HTMLElement>(`[data-view-session="${returnTo.current}"]`)?.focus()
    returnTo.current = null
  }, [viewing])

  return (
    <div class="history-document">
      {viewing && <Snapshot history={history} session={viewing} onBack={back} />}
      {/* Hidden, not unmounted, while a snapshot shows: it keeps what was expanded and how far back. */}
      <div hidden={viewing !== null}>
        <AttestationNotice state={history.attestation} />
        {history.sessions === null ? (
          <p class="muted" role="status" aria-busy="true">
            {t("readingHistory")}
          </p>
        ) : (
          <Timeline history={history} sessions={history.sessions} onView={setViewing} />
        )}
      </div>
    </div>
  )
}

/** Why changes are not attributed, when the server does not (or cannot) say. */
function AttestationNotice({ state }: { state: AttestationState }) {
  const message =
    state.state === "open" ? t("openMode") : state.state === "signedOut" ? t("signedOut") : state.state === "error" ? t("attestationError") : null
  if (!message) return null
  return (
    <p class="history-notice" data-testid="history-notice" data-state={state.state}>
      {message}
    </p>
  )
}
