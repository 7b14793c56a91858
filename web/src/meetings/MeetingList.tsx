// The partnership's meetings, newest first, each a link to its page.
import { usePartnership } from "../app/context"
import { routeHash, toUrl } from "../app/route"
import { formatDateTime } from "../i18n"
import { list, str } from "../model/values"
import { sortMeetingLinks } from "./links"
import { t } from "./messages"

/** The list of the charter's meetings. */
export function MeetingList() {
  const { charter, charterHandle } = usePartnership()
  const links = sortMeetingLinks(list(charter.meetings))
  return (
    <section class="meeting-list-section" aria-labelledby="meetings-heading">
      <h2 id="meetings-heading">{t("meetingsTitle")}</h2>
      {links.length === 0 ? (
        <p class="muted" data-testid="no-meetings">
          {t("noMeetings")}
        </p>
      ) : (
        <ul class="meeting-list">
          {links.map((link) => {
            const url = toUrl(str(link.url))
            const title = str(link.title) || t("untitled")
            const start = str(link.start)
            return (
              <li key={str(link.id)}>
                {url ? (
                  <a
                    href={routeHash({ page: "partnership", charter: charterHandle.url, tab: "meetings", meeting: url })}
                    data-testid="meeting-link"
                  >
                    {title}
                  </a>
                ) : (
                  <span>{title}</span>
                )}
                <time class="muted" dateTime={start}>
                  {formatDateTime(start)}
                </time>
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}
