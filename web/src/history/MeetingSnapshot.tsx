// A past version of a meeting, read only: title, time, agenda, notes,
// decisions and action items.
import type { MeetingDocument } from "../generated/model"
import { formatDate, formatDateTime } from "../i18n"
import { ACTION_STATUS, DECISION_METHOD } from "../meetings/choices"
import { list, num, str } from "../model/values"
import { t } from "./messages"
import { Paragraphs, Part } from "./SnapshotParts"

/** The meeting as it was. */
export function MeetingSnapshot({ meeting }: { meeting: MeetingDocument }) {
  const agenda = list(meeting.agenda)
  const decisions = list(meeting.decisions)
  const actions = list(meeting.actions)
  const zone = str(meeting.timeZone)
  return (
    <article class="history-meeting" aria-label={str(meeting.title)}>
      <p class="history-past-title" data-testid="history-snapshot-name">
        {str(meeting.title) || t("untitledMeeting")}
      </p>
      <p>
        {t("starts")}: {formatDateTime(str(meeting.start), zone || undefined)}
        {zone && <span class="muted"> ({zone})</span>}
      </p>
      <Part title={t("agenda")} empty={agenda.length === 0}>
        <ol>
          {agenda.map((item) => {
            const minutes = num(item.durationMinutes)
            const details = [str(item.presenter), minutes !== null ? t("minutes", { minutes }) : "", item.done ? t("done") : ""]
            return (
              <li key={str(item.id)}>
                {str(item.title)}
                {details.some(Boolean) && <span class="muted"> · {details.filter(Boolean).join(" · ")}</span>}
              </li>
            )
          })}
        </ol>
      </Part>
      <Part title={t("notes")} empty={!str(meeting.notes).trim()}>
        <Paragraphs text={str(meeting.notes)} />
      </Part>
      <Part title={t("decisions")} empty={decisions.length === 0}>
        <ul>
          {decisions.map((d) => (
            <li key={str(d.id)}>
              {str(d.text)}{" "}
              <span class="muted">
                · {DECISION_METHOD.label(d.method)}
                {str(d.date) && ` · ${formatDate(str(d.date))}`}
              </span>
            </li>
          ))}
        </ul>
      </Part>
      <Part title={t("actions")} empty={actions.length === 0}>
        <ul>
          {actions.map((a) => (
            <li key={str(a.id)}>
              {str(a.task)} <span class="history-status">{ACTION_STATUS.label(a.status)}</span>
              {str(a.due) && <span class="muted"> · {t("due", { date: formatDate(str(a.due)) })}</span>}
            </li>
          ))}
        </ul>
      </Part>
    </article>
  )
}
