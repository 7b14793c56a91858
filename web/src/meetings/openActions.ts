// The open action items of all a partnership's meetings: collected from the
// meeting documents, sorted by due date, filtered by owner and goal.
import type { MeetingDocument } from "../generated/model"
import { list, optStr, str } from "../model/values"

/** The statuses of an action item that still needs doing. */
export const OPEN_STATUSES: readonly string[] = ["open", "inProgress"]

/** Whether an action item with this status still needs doing. */
export function isOpenStatus(status: string): boolean {
  return OPEN_STATUSES.includes(status)
}

/** Whether an action due on `due` (`YYYY-MM-DD`) is late on `today` (`YYYY-MM-DD`). */
export function isOverdue(due: string | null, today: string): boolean {
  return due !== null && due !== "" && due < today
}

/** A meeting as the charter lists it, with its document once opened. */
export type MeetingSource = {
  /** The meeting document's URL. */
  url: string
  /** The title the charter shows (used until the document is open). */
  title: string
  /** The start the charter shows (used until the document is open). */
  start: string
  /** The meeting document, once opened. */
  doc: MeetingDocument | undefined
}

/** An open action item with the meeting it comes from. */
export type OpenAction = {
  /** The action item's id in its meeting. */
  id: string
  /** The meeting document's URL. */
  meetingUrl: string
  /** The meeting's title. */
  meetingTitle: string
  /** When the meeting started (RFC 3339). */
  meetingStart: string
  /** What is to be done. */
  task: string
  /** The owning partner's id. */
  ownerPartnerId: string | null
  /** When it is due (`YYYY-MM-DD`). */
  due: string | null
  /** `open` or `inProgress`. */
  status: string
  /** The goal it serves. */
  goalId: string | null
}

/** Orders by due date (none last), then by meeting start, then by task. */
export function compareOpenActions(a: OpenAction, b: OpenAction): number {
  if (a.due !== b.due) {
    if (a.due === null) return 1
    if (b.due === null) return -1
    return a.due < b.due ? -1 : 1
  }
  const startA = Date.parse(a.meetingStart)
  const startB = Date.parse(b.meetingStart)
  if (startA !== startB && !Number.isNaN(startA) && !Number.isNaN(startB)) return startA - startB
  return a.task.localeCompare(b.task)
}

/** The open action items of the opened meetings, sorted by {@link compareOpenActions}. */
export function collectOpenActions(meetings: readonly MeetingSource[]): OpenAction[] {
  const out: OpenAction[] = []
  for (const m of meetings) {
    if (!m.doc) continue
    const meetingTitle = str(m.doc.title) || m.title
    const meetingStart = str(m.doc.start) || m.start
    for (const a of list(m.doc.actions)) {
      const status = str(a.status)
      if (!isOpenStatus(status)) continue
      out.push({
        id: str(a.id),
        meetingUrl: m.url,
        meetingTitle,
        meetingStart,
        task: str(a.task),
        ownerPartnerId: optStr(a.ownerPartnerId),
        due: optStr(a.due),
        status,
        goalId: optStr(a.goalId),
      })
    }
  }
  return out.sort(compareOpenActions)
}

/** The filter value meaning "none set" (no owner, no goal); ids never look like this. */
export const NONE = "\u0000none"

/** Which open actions to show: a partner id / goal id, "" for all, {@link NONE} for none set. */
export type ActionFilter = {
  /** The owning partner. */
  partner: string
  /** The goal. */
  goal: string
}

function matches(wanted: string, value: string | null): boolean {
  if (wanted === "") return true
  if (wanted === NONE) return value === null
  return value === wanted
}

/** The open actions that pass `filter`, in the same order. */
export function filterOpenActions(actions: readonly OpenAction[], filter: ActionFilter): OpenAction[] {
  return actions.filter((a) => matches(filter.partner, a.ownerPartnerId) && matches(filter.goal, a.goalId))
}
