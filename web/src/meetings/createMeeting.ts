// Planning a new meeting: its own document, linked from the charter.
import type { DocHandle, Repo } from "@automerge/automerge-repo"

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

/**
 * Creates the meeting document and appends its link to the charter in one
 * change. Returns the new meeting's handle, or what is wrong with the plan
 * (then nothing is created).
 */
export function createMeeting(
  repo: Repo,
  charterHandle: DocHandle<CharterDocument>,
  plan: MeetingPlan,
): DocHandle<MeetingDocument> | PlanProblem {
  const title = plan.title.trim()
  const start = zonedToRfc3339(plan.local, plan.timeZone)
  if (title === "") return "titleRequired"
  if (start === null) return "startInvalid"
  const handle = repo.create<MeetingDocument>(newMeeting(title, start, plan.timeZone, charterHandle.url))
  charterHandle.change((charter) => addMeetingLink(charter, newMeetingLink(handle.url, title, start)))
  return handle
}
