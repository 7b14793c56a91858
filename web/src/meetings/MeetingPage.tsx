// One meeting, opened from its own document: details, live notes written
// together, agenda, attendees, decisions and action items.
import type { AutomergeUrl, DocHandle } from "@automerge/automerge-repo"
import type { ComponentChildren } from "preact"
import { useEffect, useMemo } from "preact/hooks"

import { usePartnership } from "../app/context"
import { identity } from "../app/identity"
import { routeHash } from "../app/route"
import { CollaborativeText } from "../editor/CollaborativeText"
import type { MeetingDocument } from "../generated/model"
import { useDoc, useHandle } from "../model/handles"
import { str } from "../model/values"
import { useDocPresence } from "../presence/docPresence"
import { presenceFor } from "../ui/PartnershipPage"
import { ActionItemsSection } from "./ActionItemsSection"
import { AgendaSection } from "./AgendaSection"
import { AttendeesSection } from "./AttendeesSection"
import { DecisionsSection } from "./DecisionsSection"
import { meetingEditor } from "./edit"
import { MeetingDetails } from "./MeetingDetails"
import { t } from "./messages"

/** The link back to the list of meetings. */
export function BackToMeetings() {
  const { charterHandle } = usePartnership()
  return (
    <p class="back-link">
      <a
        href={routeHash({ page: "partnership", charter: charterHandle.url, tab: "meetings", meeting: null })}
        data-testid="meetings-back"
      >
        <span aria-hidden="true">← </span>
        {t("allMeetings")}
      </a>
    </p>
  )
}

/** A message in place of the meeting, with the way back. */
function Notice({ alert, children }: { alert?: boolean; children: ComponentChildren }) {
  return (
    <div class="meeting-notice" aria-busy={alert ? undefined : "true"} data-testid="meeting-notice">
      <p role={alert ? "alert" : "status"}>{children}</p>
      <BackToMeetings />
    </div>
  )
}

/** Opens the meeting document at `url` and shows it. */
export function MeetingPage({ url }: { url: AutomergeUrl }) {
  const { repo } = usePartnership()
  const opened = useHandle<MeetingDocument>(repo, url)
  if (opened.state === "loading") return <Notice>{t("openingMeeting")}</Notice>
  if (opened.state === "unavailable") return <Notice alert>{t("meetingUnavailable")}</Notice>
  return <OpenMeeting key={url} handle={opened.handle} />
}

/** Checks that the document is a meeting before showing it. */
function OpenMeeting({ handle }: { handle: DocHandle<MeetingDocument> }) {
  const meeting = useDoc(handle)
  if (str(meeting?.docType) !== "meeting") return <Notice alert>{t("meetingUnavailable")}</Notice>
  return <Meeting handle={handle} meeting={meeting} />
}

function Meeting({ handle, meeting }: { handle: DocHandle<MeetingDocument>; meeting: MeetingDocument }) {
  const { services } = usePartnership()
  const editor = useMemo(() => meetingEditor(handle), [handle])
  const presence = useDocPresence(handle as DocHandle<unknown>, () => presenceFor("meeting"))
  useEffect(() => services.pending.track(handle as DocHandle<unknown>), [services, handle])
  // Say who we are again when the person changes their name.
  const me = identity.value
  useEffect(() => {
    if (me) presence?.set("user", { name: me.name, organisation: me.organisation, colour: me.colour })
  }, [presence, me])

  return (
    <article class="meeting" aria-labelledby="meeting-heading" data-testid="meeting">
      <BackToMeetings />
      <MeetingDetails editor={editor} meeting={meeting} />
      <div class="meeting-layout">
        <section class="meeting-section meeting-notes" aria-labelledby="notes-heading">
          <h3 id="notes-heading">{t("notes")}</h3>
          <CollaborativeText
            handle={handle as DocHandle<unknown>}
            path={["notes"]}
            field="notes"
            label={t("notes")}
            presence={presence}
            placeholder={t("notesPlaceholder")}
            testId="meeting-notes"
          />
        </section>
        <div class="meeting-side">
          <AgendaSection editor={editor} meeting={meeting} />
          <AttendeesSection editor={editor} meeting={meeting} />
        </div>
      </div>
      <DecisionsSection editor={editor} meeting={meeting} />
      <ActionItemsSection editor={editor} meeting={meeting} />
    </article>
  )
}
