// One session in the timeline: who (attested or not), when, how many
// changes, what changed field by field (on request), and the way to see
// the document as it was right after it.
import { useId, useState } from "preact/hooks"

import { initials } from "../ui/Header"
import type { FieldChange } from "./fieldChanges"
import { t } from "./messages"
import { formatSpan, isoTime, who } from "./present"
import { changeCount, type Session } from "./sessions"
import type { History } from "./useHistory"

/** A session of the timeline. */
export function SessionCard({
  history,
  session,
  initiallyOpen,
  onView,
}: {
  history: History
  session: Session
  initiallyOpen: boolean
  onView: (session: Session) => void
}) {
  const [open, setOpen] = useState(initiallyOpen)
  const fieldsId = useId()
  const person = who(session.author, history.ownActor)
  const when = formatSpan(session.start, session.end)
  const count = changeCount(session)
  const attested = session.author.attested

  return (
    <li
      class={`history-session${attested ? "" : " unattested"}`}
      style={{ "--colour": person.colour }}
      data-testid="history-session"
      data-person={person.name}
      data-organisation={person.organisation}
      data-attested={attested ? "true" : "false"}
    >
      <div class="history-session-head">
        <span class="avatar" aria-hidden="true">
          {attested ? initials(person.name) : "?"}
        </span>
        <div class="history-session-summary">
          <p class="history-who">
            <strong>{person.name}</strong>
            {person.organisation && <span> · {person.organisation}</span>}
            {!attested && (
              <span class="history-unattested" title={t("notAttestedHint")}>
                {t("notAttested")}
                <span class="visually-hidden">: {t("notAttestedHint")}</span>
              </span>
            )}
          </p>
          <p class="muted history-when">
            {session.end !== null ? <time dateTime={isoTime(session.end)}>{when}</time> : when}
            {" · "}
            {count === 1 ? t("oneChange") : t("changes", { count })}
          </p>
          {session.messages.length > 0 && <p class="muted history-messages">{session.messages.join(" · ")}</p>}
        </div>
      </div>
      <div class="row history-actions">
        <button
          type="button"
          class="secondary"
          aria-expanded={open}
          aria-controls={fieldsId}
          data-testid="history-toggle"
          onClick={() => setOpen(!open)}
        >
          {open ? t("hideFields") : t("showFields")}
        </button>
        <button
          type="button"
          class="secondary"
          aria-label={t("viewAsItWasLabel", { name: person.name, date: when })}
          data-testid="history-view-as-it-was"
          data-view-session={session.id}
          onClick={() => onView(session)}
        >
          {t("viewAsItWas")}
        </button>
      </div>
      <div id={fieldsId}>{open && <FieldList fields={history.fields(session)} />}</div>
    </li>
  )
}

/** What a session changed. */
function FieldList({ fields }: { fields: FieldChange[] }) {
  if (fields.length === 0) return <p class="muted history-fields">{t("noFieldChanges")}</p>
  return (
    <ul class="history-fields" aria-label={t("fieldsOf")}>
      {fields.map((field) => (
        <li key={`${field.verb}:${field.label}`} data-testid="history-field" data-verb={field.verb}>
          <span class="history-field-label">{field.label}</span>
          {field.verb !== "changed" && (
            <>
              {" "}
              <span class={`history-verb verb-${field.verb}`}>{t(`verb.${field.verb}`)}</span>
            </>
          )}
        </li>
      ))}
    </ul>
  )
}
