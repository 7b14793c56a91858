// New meeting list items and charter meeting links, shaped as the Rust model
// writes them (crates/mitra-model/src/meeting.rs): every field present,
// `null` for absent optionals, plain strings as automerge scalars.
import type { AgendaItem, Attendee, Decision, MeetingLink } from "../generated/model"
import { newId, optScalar, scalar } from "../model/values"

/** A new attendee. */
export function newAttendee(name: string, organisation: string, partnerId: string | null): Attendee {
  return { id: scalar(newId()), name: scalar(name), organisation: scalar(organisation), partnerId: optScalar(partnerId) }
}

/** A new agenda item, not yet dealt with. */
export function newAgendaItem(title: string): AgendaItem {
  return { id: scalar(newId()), title: scalar(title), presenter: scalar(""), durationMinutes: null, done: false }
}

/** A new decision taken on `date` (`YYYY-MM-DD`), by consensus until said otherwise. */
export function newDecision(text: string, date: string): Decision {
  return { id: scalar(newId()), text: scalar(text), method: scalar("consensus"), date: scalar(date), goalId: null }
}

/** The charter's link to the meeting document at `url`. */
export function newMeetingLink(url: string, title: string, start: string): MeetingLink {
  return { id: scalar(newId()), url: scalar(url), title: scalar(title), start: scalar(start) }
}
