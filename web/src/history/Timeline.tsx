// The sessions of a document, newest first, a page at a time: a long
// history shows its most recent sessions and more on request.
import { useState } from "preact/hooks"

import { t } from "./messages"
import { SessionCard } from "./SessionCard"
import type { Session } from "./sessions"
import type { History } from "./useHistory"

/** How many sessions are shown at first, and added by "show older". */
export const PAGE_SIZE = 25

/** The list of sessions, newest first. */
export function Timeline({
  history,
  sessions,
  onView,
}: {
  history: History
  sessions: readonly Session[]
  onView: (session: Session) => void
}) {
  const [limit, setLimit] = useState(PAGE_SIZE)
  if (sessions.length === 0) return <p class="muted">{t("noChanges")}</p>
  const shown = sessions.slice(Math.max(0, sessions.length - limit)).reverse()
  return (
    <div class="history-timeline">
      <h3 id="history-sessions">{t("sessions")}</h3>
      <ol class="history-sessions" aria-labelledby="history-sessions">
        {shown.map((session, i) => (
          <SessionCard key={session.id} history={history} session={session} initiallyOpen={i === 0} onView={onView} />
        ))}
      </ol>
      <div class="row history-more">
        <p class="muted">{t("sessionCount", { shown: shown.length, total: sessions.length })}</p>
        {sessions.length > limit && (
          <button type="button" class="secondary" data-testid="history-older" onClick={() => setLimit(limit + PAGE_SIZE)}>
            {t("showOlder")}
          </button>
        )}
      </div>
    </div>
  )
}
