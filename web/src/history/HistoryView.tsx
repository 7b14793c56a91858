// The history section: pick the charter or one of the meetings, and see
// who changed what, and when, session by session.
import type { DocHandle } from "@automerge/automerge-repo"
import { useEffect, useState } from "preact/hooks"

import { usePartnership, useServices } from "../app/context"
import { sameDocument } from "../meetings/links"
import { useHandle } from "../model/handles"
import { list, str } from "../model/values"
import { DocumentHistory } from "./DocumentHistory"
import { CHARTER_CHOICE, DocumentPicker } from "./DocumentPicker"
import { t } from "./messages"
import "./history.css"

/** The history view of the open partnership. */
export function HistoryView() {
  const { charter, charterHandle } = usePartnership()
  const [chosen, setChosen] = useState<string>(CHARTER_CHOICE)
  const meetings = list(charter.meetings)
  // A meeting removed from the charter meanwhile falls back to the charter.
  const current = chosen === CHARTER_CHOICE || meetings.some((m) => sameDocument(str(m.url), chosen)) ? chosen : CHARTER_CHOICE

  return (
    <section class="history" data-testid="history-view" aria-labelledby="history-title">
      <h2 id="history-title">{t("title")}</h2>
      <p class="muted history-intro">{t("intro")}</p>
      <DocumentPicker links={meetings} value={current} onChange={setChosen} />
      {current === CHARTER_CHOICE ? (
        <DocumentHistory key={CHARTER_CHOICE} handle={charterHandle as DocHandle<unknown>} kind="charter" />
      ) : (
        <MeetingHistory key={current} url={current} />
      )}
    </section>
  )
}

/** Opens a meeting's document and shows its history. */
function MeetingHistory({ url }: { url: string }) {
  const services = useServices()
  const opened = useHandle<unknown>(services.repo, url)
  const handle = opened.state === "ready" ? opened.handle : null
  useEffect(() => (handle ? services.pending.track(handle) : undefined), [services, handle])
  if (opened.state === "loading") {
    return (
      <p class="muted" role="status" aria-busy="true">
        {t("openingDocument")}
      </p>
    )
  }
  if (!handle) return <p role="alert">{t("documentUnavailable")}</p>
  return <DocumentHistory handle={handle} kind="meeting" />
}
