// Editing a meeting document inside `handle.change`: list items are found by
// their id, never by the index they had when the page was drawn, so an edit
// lands on the right item even when someone else reordered the list since.
import { ImmutableString } from "@automerge/automerge"

import type { DocHandle } from "@automerge/automerge-repo"

import type { Attendee, MeetingDocument } from "../generated/model"
import { findById, moveById, removeById } from "../model/lists"
import { optScalar, scalar, str } from "../model/values"
import { zonedToRfc3339 } from "./time"

/** The lists of a meeting document. */
export type MeetingListName = "attendees" | "agenda" | "decisions" | "actions"

/** An item of one of the meeting's lists. */
export type MeetingItem<L extends MeetingListName> = MeetingDocument[L][number]

/** The items of a list in a draft, creating the list when a document lacks it. */
function itemsOf<L extends MeetingListName>(doc: MeetingDocument, name: L): MeetingItem<L>[] {
  if (!Array.isArray(doc[name])) (doc as Record<L, unknown[]>)[name] = []
  return doc[name] as MeetingItem<L>[]
}

/** Appends `item` to a list. */
export function addItem<L extends MeetingListName>(doc: MeetingDocument, name: L, item: MeetingItem<L>): void {
  itemsOf(doc, name).push(item)
}

function isStringLike(value: unknown): boolean {
  return typeof value === "string" || value instanceof ImmutableString
}

/** Whether two stored values are the same (strings compared by content, scalar or text). */
function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (isStringLike(a) && isStringLike(b) && str(a) === str(b))
}

/**
 * Sets one field of the item with `id`; does nothing (and records no change)
 * when the item is gone or already has that value. Returns whether it wrote.
 */
export function setItemField<L extends MeetingListName, K extends keyof MeetingItem<L> & string>(
  doc: MeetingDocument,
  name: L,
  id: string,
  key: K,
  value: MeetingItem<L>[K],
): boolean {
  const item = findById(itemsOf(doc, name), id)
  if (!item || sameValue(item[key], value)) return false
  item[key] = value
  return true
}

/** Deletes the item with `id` (and any copy of it). Returns whether it was there. */
export function removeItem(doc: MeetingDocument, name: MeetingListName, id: string): boolean {
  return removeById(itemsOf(doc, name), id) > 0
}

/** Moves the item with `id` by `delta` places (-1: up). Returns whether it moved. */
export function moveItemBy(doc: MeetingDocument, name: MeetingListName, id: string, delta: number): boolean {
  return moveById(itemsOf(doc, name), id, delta)
}

/** A person's or organisation's name as compared: ignoring case and spacing. */
export function normaliseName(text: string): string {
  return text.trim().replace(/\s+/g, " ").toLocaleLowerCase()
}

/** Whether someone with this name is already among the attendees (ignoring case and spacing). */
export function hasAttendee(doc: MeetingDocument, name: string): boolean {
  const wanted = normaliseName(name)
  return (doc.attendees ?? []).some((a) => normaliseName(str(a.name)) === wanted)
}

/**
 * Sets when the meeting starts: the wall-clock time `local`
 * (`YYYY-MM-DDTHH:mm`) in `timeZone`. Returns the new start (RFC 3339 with
 * offset), or null when the time or zone is not valid (nothing written).
 */
export function setMeetingTime(doc: MeetingDocument, local: string, timeZone: string): string | null {
  const start = zonedToRfc3339(local, timeZone)
  if (start === null) return null
  if (str(doc.start) !== start) doc.start = scalar(start)
  if (str(doc.timeZone) !== timeZone) doc.timeZone = scalar(timeZone)
  return start
}

/** Adds `attendee` unless someone with the same name attends already. Returns whether it added. */
export function addAttendeeOnce(doc: MeetingDocument, attendee: Attendee): boolean {
  if (hasAttendee(doc, str(attendee.name))) return false
  addItem(doc, "attendees", attendee)
  return true
}

/**
 * Sets the partner an attendee belongs to ("" for none), filling in their
 * organisation with the partner's name when it was left empty.
 */
export function setAttendeePartner(doc: MeetingDocument, id: string, partnerId: string, partnerName: string): void {
  setItemField(doc, "attendees", id, "partnerId", optScalar(partnerId))
  const attendee = findById(doc.attendees, id)
  if (attendee && partnerId && !str(attendee.organisation) && partnerName) {
    attendee.organisation = scalar(partnerName)
  }
}

/** The edits the meeting page makes, each one change of the meeting document. */
export type MeetingEditor = {
  /** The meeting document. */
  handle: DocHandle<MeetingDocument>
  /** Sets one field of an item (see {@link setItemField}). */
  set<L extends MeetingListName, K extends keyof MeetingItem<L> & string>(
    name: L,
    id: string,
    key: K,
    value: MeetingItem<L>[K],
  ): void
  /** Appends an item. */
  add<L extends MeetingListName>(name: L, item: MeetingItem<L>): void
  /** Deletes an item. */
  remove(name: MeetingListName, id: string): void
  /** Moves an item by `delta` places. */
  move(name: MeetingListName, id: string, delta: number): void
}

/** The {@link MeetingEditor} of the meeting document behind `handle`. */
export function meetingEditor(handle: DocHandle<MeetingDocument>): MeetingEditor {
  return {
    handle,
    set: (name, id, key, value) => handle.change((d) => void setItemField(d, name, id, key, value)),
    add: (name, item) => handle.change((d) => addItem(d, name, item)),
    remove: (name, id) => handle.change((d) => void removeItem(d, name, id)),
    move: (name, id, delta) => handle.change((d) => void moveItemBy(d, name, id, delta)),
  }
}
