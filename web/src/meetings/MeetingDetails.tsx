// The meeting's heading, when it starts (in its own time zone, and in the
// reader's when that differs), and the fields that change them. The
// charter's link to the meeting follows the title and start.
import { usePartnership } from "../app/context"
import { formatDateTime } from "../i18n"
import { scalar, str } from "../model/values"
import { TextField } from "../ui/fields"
import { setMeetingTime } from "./edit"
import { updateMeetingLink } from "./links"
import type { SectionProps } from "./MeetingSection"
import { t } from "./messages"
import { rfc3339ToLocalInput, zonedToRfc3339 } from "./time"
import { TimeZoneField } from "./TimeZoneField"

/** The meeting's title and time, shown and edited. */
export function MeetingDetails({ editor, meeting }: SectionProps) {
  const { charterHandle } = usePartnership()
  const url = editor.handle.url
  const title = str(meeting.title)
  const start = str(meeting.start)
  const zone = str(meeting.timeZone)
  const local = rfc3339ToLocalInput(start, zone)
  const inZone = formatDateTime(start, zone || undefined)
  const forReader = formatDateTime(start)

  const rename = (next: string) => {
    editor.handle.change((d) => {
      if (str(d.title) !== next) d.title = scalar(next)
    })
    charterHandle.change((c) => void updateMeetingLink(c, url, { title: next }))
  }
  const reschedule = (nextLocal: string, nextZone: string) => {
    const next = zonedToRfc3339(nextLocal, nextZone)
    if (next === null) return
    editor.handle.change((d) => void setMeetingTime(d, nextLocal, nextZone))
    charterHandle.change((c) => void updateMeetingLink(c, url, { start: next }))
  }

  return (
    <header class="meeting-header">
      <h2 id="meeting-heading" data-testid="meeting-heading">
        {title || t("untitled")}
      </h2>
      <p class="meeting-when">
        <time dateTime={start}>{t("startsAt", { time: inZone, zone: zone.replace(/_/g, " ") })}</time>
        {forReader !== inZone && <span class="muted"> · {t("startsAtViewer", { time: forReader })}</span>}
      </p>
      <div class="meeting-fields" role="group" aria-label={t("details")}>
        <TextField label={t("meetingTitle")} class="meeting-title-field" value={title} testId="meeting-title" onCommit={rename} />
        <TextField
          label={t("meetingStart")}
          type="datetime-local"
          value={local}
          testId="meeting-start"
          onCommit={(v) => reschedule(v, zone)}
        />
        {/* Changing the zone keeps the wall-clock time: the meeting was planned in that zone. */}
        <TimeZoneField value={zone} testId="meeting-time-zone" onSelect={(z) => reschedule(local, z)} />
      </div>
    </header>
  )
}
