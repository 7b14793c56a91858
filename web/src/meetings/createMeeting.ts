// Planning a new meeting: its own document, linked from the charter. On a
// server with accounts the meeting's id is first claimed for the charter's
// partnership (see app/partnershipDocuments.ts); without accounts it is
// simply created.
import type { DocHandle, Repo } from "@automerge/automerge-repo"

import { documentAccess } from "../app/documentAccess"
import { createInPartnership } from "../app/partnershipDocuments"
import { documentId } from "../app/route"
import type { CharterDocument, MeetingDocument } from "../generated/model"
import { newMeeting } from "../model/create"
import { newMeetingLink } from "./items"
import { addMeetingLink } from "./links"
import { zonedToRfc3339 } from "./time"

/** What a person fills in to plan a meeting. */
export type MeetingPlan = {
  /** The meeting's title. */
  title: string
  /** When it starts, as a `datetime-local` input gives it (`YYYY-MM-DDTHH:mm`). */
  local: string
  /** The IANA time zone that wall-clock time is in. */
  timeZone: string
}

/** Why a plan cannot be created yet. */
export type PlanProblem = "titleRequired" | "startInvalid"

/** A plan checked: its title trimmed and its start as RFC 3339. */
type CheckedPlan = { title: string; start: string; timeZone: string }

function checkPlan(plan: MeetingPlan): CheckedPlan | PlanProblem {
  const title = plan.title.trim()
  const start = zonedToRfc3339(plan.local, plan.timeZone)
  if (title === "") return "titleRequired"
  if (start === null) return "startInvalid"
  return { title, start, timeZone: plan.timeZone }
}

/** Appends the new meeting's link to the charter, in one change. */
function linkFromCharter(
  charterHandle: DocHandle<CharterDocument>,
  meeting: DocHandle<MeetingDocument>,
  plan: CheckedPlan,
): DocHandle<MeetingDocument> {
  charterHandle.change((charter) => addMeetingLink(charter, newMeetingLink(meeting.url, plan.title, plan.start)))
  return meeting
}

/**
 * Creates the meeting document and appends its link to the charter in one
 * change (a server without accounts). Returns the new meeting's handle, or
 * what is wrong with the plan (then nothing is created).
 */
export function createMeeting(
  repo: Repo,
  charterHandle: DocHandle<CharterDocument>,
  plan: MeetingPlan,
): DocHandle<MeetingDocument> | PlanProblem {
  const checked = checkPlan(plan)
  if (typeof checked === "string") return checked
  const handle = repo.create<MeetingDocument>(newMeeting(checked.title, checked.start, checked.timeZone, charterHandle.url))
  return linkFromCharter(charterHandle, handle, checked)
}

/**
 * Like {@link createMeeting}, on a server with accounts: the meeting joins
 * the charter's partnership (claimed on the server before it exists here).
 * Throws the server's `ApiError` (none reachable, or the role does not
 * allow it), and then creates nothing.
 */
export async function createMeetingInPartnership(
  repo: Repo,
  charterHandle: DocHandle<CharterDocument>,
  plan: MeetingPlan,
): Promise<DocHandle<MeetingDocument> | PlanProblem> {
  const checked = checkPlan(plan)
  if (typeof checked === "string") return checked
  const { partnership } = await documentAccess(documentId(charterHandle.url))
  const handle = await createInPartnership<MeetingDocument>(
    repo,
    partnership.id,
    newMeeting(checked.title, checked.start, checked.timeZone, charterHandle.url),
  )
  return linkFromCharter(charterHandle, handle, checked)
}
