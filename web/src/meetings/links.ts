// The charter's list of meetings: each a link to the meeting's own document,
// with the title and start the list shows, kept in step with the meeting.
import type { CharterDocument, MeetingLink } from "../generated/model"
import { toUrl } from "../app/route"
import { list, scalar, str } from "../model/values"

/** Whether two automerge URLs (or document ids) name the same document. */
export function sameDocument(a: string, b: string): boolean {
  const ua = toUrl(a)
  return ua !== null && ua === toUrl(b)
}

/** The charter's meeting links, newest first; links without a valid start last, by title. */
export function sortMeetingLinks(links: readonly MeetingLink[]): MeetingLink[] {
  const time = (link: MeetingLink) => {
    const t = Date.parse(str(link.start))
    return Number.isNaN(t) ? -Infinity : t
  }
  return [...links].sort((a, b) => time(b) - time(a) || str(a.title).localeCompare(str(b.title)))
}

/** Adds a meeting link to the charter (inside `charterHandle.change`). */
export function addMeetingLink(charter: CharterDocument, link: MeetingLink): void {
  if (!Array.isArray(charter.meetings)) charter.meetings = []
  charter.meetings.push(link)
}

/**
 * Updates the title and/or start the charter shows for the meeting at `url`
 * (inside `charterHandle.change`). Returns whether a link was changed.
 */
export function updateMeetingLink(
  charter: CharterDocument,
  url: string,
  patch: { title?: string; start?: string },
): boolean {
  let changed = false
  for (const link of list(charter.meetings)) {
    if (!sameDocument(str(link.url), url)) continue
    if (patch.title !== undefined && str(link.title) !== patch.title) {
      link.title = scalar(patch.title)
      changed = true
    }
    if (patch.start !== undefined && str(link.start) !== patch.start) {
      link.start = scalar(patch.start)
      changed = true
    }
  }
  return changed
}
