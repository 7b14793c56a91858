import type { AutomergeUrl } from "@automerge/automerge-repo"

import { MeetingList } from "./MeetingList"
import { MeetingPage } from "./MeetingPage"
import { NewMeetingForm } from "./NewMeetingForm"
import "./meetings.css"

/** The meetings section: the list and the form to plan one, or the meeting at `meeting`. */
export function MeetingsView({ meeting }: { meeting: AutomergeUrl | null }) {
  if (meeting) return <MeetingPage url={meeting} />
  return (
    <div class="meetings">
      <MeetingList />
      <NewMeetingForm />
    </div>
  )
}
