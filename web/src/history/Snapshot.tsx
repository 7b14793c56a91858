// The document as it was right after a session: a read-only view of the
// past version (automerge keeps every version; nothing is written), under a
// banner that says which version it is and leads back to now.
import * as A from "@automerge/automerge"
import { useEffect, useMemo, useRef } from "preact/hooks"

import type { CharterDocument, MeetingDocument } from "../generated/model"
import { CharterSnapshot } from "./CharterSnapshot"
import { MeetingSnapshot } from "./MeetingSnapshot"
import { t } from "./messages"
import { formatSpan, who } from "./present"
import type { Session } from "./sessions"
import type { History } from "./useHistory"

/** The document as it was after `session`. */
export function Snapshot({ history, session, onBack }: { history: History; session: Session; onBack: () => void }) {
  // The version stays as it was however the document moves on meanwhile.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const past = useMemo(() => A.view(history.doc, [...session.headsAfter]), [session])
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => heading.current?.focus(), [session])

  const person = who(session.author, history.ownActor)
  const name = person.organisation ? `${person.name} · ${person.organisation}` : person.name
  const date = formatSpan(session.end, session.end)
  return (
    <section class="history-snapshot" data-testid="history-snapshot" aria-labelledby="history-snapshot-title">
      <div class="history-banner" style={{ "--colour": person.colour }}>
        <h3 id="history-snapshot-title" tabIndex={-1} ref={heading}>
          {t("snapshotBanner", {
            document: history.kind === "charter" ? t("snapshotCharter") : t("snapshotMeeting"),
            date,
            name,
          })}
        </h3>
        <p class="muted">
          {t("readOnly")}
          {!session.author.attested && ` ${t("notAttestedHint")}`}
        </p>
        <button type="button" data-testid="history-back" onClick={onBack}>
          {t("backToNow")}
        </button>
      </div>
      <div class="history-past">
        {history.kind === "charter" ? (
          <CharterSnapshot charter={past as A.Doc<CharterDocument>} />
        ) : (
          <MeetingSnapshot meeting={past as A.Doc<MeetingDocument>} />
        )}
      </div>
      {/* The way back again at the end, for a long document on a small screen. */}
      <button type="button" class="secondary history-back-again" onClick={onBack}>
        {t("backToNow")}
      </button>
    </section>
  )
}
