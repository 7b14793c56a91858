// Which document's history is shown: the charter, or one of the meetings
// (newest first, by title and date).
import type { MeetingLink } from "../generated/model"
import { formatDateTime } from "../i18n"
import { sortMeetingLinks } from "../meetings/links"
import { str } from "../model/values"
import { t } from "./messages"

/** The picker's value for the charter (meetings are chosen by their URL). */
export const CHARTER_CHOICE = "charter"

/** A select of the charter and its meetings. */
export function DocumentPicker({
  links,
  value,
  onChange,
}: {
  links: readonly MeetingLink[]
  value: string
  onChange: (value: string) => void
}) {
  return (
    <label class="history-picker">
      {t("document")}
      <select
        value={value}
        data-testid="history-document"
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        <option value={CHARTER_CHOICE}>{t("charterDocument")}</option>
        {sortMeetingLinks(links).map((link) => (
          <option key={str(link.id)} value={str(link.url)}>
            {t("meetingOption", {
              title: str(link.title) || t("untitledMeeting"),
              date: formatDateTime(str(link.start)),
            })}
          </option>
        ))}
      </select>
    </label>
  )
}
