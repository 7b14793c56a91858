import * as A from "@automerge/automerge"
import { describe, expect, it } from "vitest"

import type { MeetingDocument } from "../generated/model"
import { newAction, newMeeting } from "../model/create"
import { indexById } from "../model/lists"
import { scalar, str } from "../model/values"
import { addAttendeeOnce, addItem, hasAttendee, setAttendeePartner, setMeetingTime, moveItemBy, removeItem, setItemField } from "./edit"
import { newAgendaItem, newAttendee, newDecision } from "./items"

const CHARTER = "automerge:4NMNnkMhL8jXrdJ9jamS58PAVdXu"

function meeting(): A.Doc<MeetingDocument> {
  return A.from(newMeeting("Steering", "2025-09-16T09:30:00+07:00", "Asia/Jakarta", CHARTER))
}

function withAgenda(...titles: string[]): A.Doc<MeetingDocument> {
  return A.change(meeting(), (d) => {
    for (const title of titles) addItem(d, "agenda", newAgendaItem(title))
  })
}

const titles = (doc: MeetingDocument) => doc.agenda.map((a) => str(a.title))
const idOf = (doc: MeetingDocument, title: string) => str(doc.agenda.find((a) => str(a.title) === title)!.id)

describe("meeting edits by id", () => {
  it("adds items shaped as the Rust model writes them", () => {
    let doc = meeting()
    doc = A.change(doc, (d) => {
      addItem(d, "attendees", newAttendee("Rina Wulandari", "DLH", "dlh"))
      addItem(d, "decisions", newDecision("Publish totals", "2025-09-16"))
      addItem(d, "actions", newAction("Buy batteries"))
    })
    expect(doc.attendees[0].name).toBeInstanceOf(A.ImmutableString)
    expect(str(doc.attendees[0].partnerId)).toBe("dlh")
    expect(str(doc.decisions[0].method)).toBe("consensus")
    expect(str(doc.decisions[0].date)).toBe("2025-09-16")
    expect(doc.decisions[0].goalId).toBeNull()
    expect(str(doc.actions[0].status)).toBe("open")
  })

  it("sets a field of the item with the id, as a scalar", () => {
    let doc = withAgenda("Indicators", "Funding")
    const id = idOf(doc, "Funding")
    doc = A.change(doc, (d) => {
      expect(setItemField(d, "agenda", id, "presenter", scalar("Dewi"))).toBe(true)
      expect(setItemField(d, "agenda", id, "durationMinutes", 25)).toBe(true)
      expect(setItemField(d, "agenda", id, "done", true)).toBe(true)
    })
    const item = doc.agenda[1]
    expect(item.presenter).toBeInstanceOf(A.ImmutableString)
    expect(str(item.presenter)).toBe("Dewi")
    expect(item.durationMinutes).toBe(25)
    expect(item.done).toBe(true)
    expect(str(doc.agenda[0].presenter)).toBe("")
  })

  it("records no change when the value is the same or the item is gone", () => {
    const doc = withAgenda("Indicators")
    const id = idOf(doc, "Indicators")
    const heads = A.getHeads(doc)
    const same = A.change(doc, (d) => {
      expect(setItemField(d, "agenda", id, "title", scalar("Indicators"))).toBe(false)
      expect(setItemField(d, "agenda", "missing", "title", scalar("x"))).toBe(false)
    })
    expect(A.getHeads(same)).toEqual(heads)
  })

  it("edits the item seen on screen after someone inserted above it", () => {
    const base = withAgenda("One", "Two")
    // The page showed "Two" at index 1 and remembers its id.
    const id = idOf(base, "Two")
    const theirs = A.change(A.clone(base), (d) => {
      d.agenda.unshift(newAgendaItem("Zero"))
    })
    const current = A.merge(A.clone(base), theirs)
    const edited = A.change(current, (d) => setItemField(d, "agenda", id, "done", true))
    expect(titles(edited)).toEqual(["Zero", "One", "Two"])
    expect(edited.agenda.map((a) => a.done)).toEqual([false, false, true])
  })

  it("keeps concurrent edits of different fields of one item", () => {
    const base = withAgenda("One")
    const id = idOf(base, "One")
    const a = A.change(A.clone(base), (d) => setItemField(d, "agenda", id, "presenter", scalar("Siti")))
    const b = A.change(A.clone(base), (d) => setItemField(d, "agenda", id, "durationMinutes", 30))
    const merged = A.merge(a, b)
    expect(str(merged.agenda[0].presenter)).toBe("Siti")
    expect(merged.agenda[0].durationMinutes).toBe(30)
  })

  it("moves items up and down, refusing to go past the ends", () => {
    let doc = withAgenda("One", "Two", "Three")
    doc = A.change(doc, (d) => {
      expect(moveItemBy(d, "agenda", idOf(d, "Three"), -1)).toBe(true)
      expect(moveItemBy(d, "agenda", idOf(d, "One"), -1)).toBe(false)
      expect(moveItemBy(d, "agenda", idOf(d, "One"), 1)).toBe(true)
      expect(moveItemBy(d, "agenda", idOf(d, "Two"), 1)).toBe(false)
    })
    expect(titles(doc)).toEqual(["Three", "One", "Two"])
    // Ids survive the move.
    expect(indexById(doc.agenda, idOf(doc, "Two"))).toBe(2)
  })

  it("removes the item with the id", () => {
    let doc = withAgenda("One", "Two")
    doc = A.change(doc, (d) => {
      expect(removeItem(d, "agenda", idOf(d, "One"))).toBe(true)
      expect(removeItem(d, "agenda", "missing")).toBe(false)
    })
    expect(titles(doc)).toEqual(["Two"])
  })

  it("knows who is already attending", () => {
    const doc = A.change(meeting(), (d) => addItem(d, "attendees", newAttendee("Nur  Aini", "FWPU", null)))
    expect(hasAttendee(doc, " nur aini ")).toBe(true)
    expect(hasAttendee(doc, "Joko Susilo")).toBe(false)
  })

  it("adds the same person once", () => {
    let doc = meeting()
    doc = A.change(doc, (d) => {
      expect(addAttendeeOnce(d, newAttendee("Dewi Lestari", "Udara Kita Foundation", "ngo"))).toBe(true)
      expect(addAttendeeOnce(d, newAttendee("dewi lestari", "", null))).toBe(false)
    })
    expect(doc.attendees).toHaveLength(1)
  })

  it("sets an attendee's partner, filling in an empty organisation", () => {
    let doc = A.change(meeting(), (d) => {
      addItem(d, "attendees", newAttendee("Joko", "", null))
      addItem(d, "attendees", newAttendee("Maya", "APHS members", null))
    })
    const [joko, maya] = doc.attendees.map((a) => str(a.id))
    doc = A.change(doc, (d) => {
      setAttendeePartner(d, joko, "residents", "Residents' Forum")
      setAttendeePartner(d, maya, "aphs", "Green Business Association")
    })
    expect(str(doc.attendees[0].partnerId)).toBe("residents")
    expect(str(doc.attendees[0].organisation)).toBe("Residents' Forum")
    expect(doc.attendees[0].organisation).toBeInstanceOf(A.ImmutableString)
    expect(str(doc.attendees[1].organisation)).toBe("APHS members")
    doc = A.change(doc, (d) => setAttendeePartner(d, joko, "", ""))
    expect(doc.attendees[0].partnerId).toBeNull()
    expect(str(doc.attendees[0].organisation)).toBe("Residents' Forum")
  })

  it("moves the meeting to a wall-clock time in a zone", () => {
    let doc = meeting()
    doc = A.change(doc, (d) => {
      expect(setMeetingTime(d, "2025-09-17T10:00", "Asia/Makassar")).toBe("2025-09-17T10:00:00+08:00")
      expect(setMeetingTime(d, "tomorrow", "Asia/Makassar")).toBeNull()
    })
    expect(str(doc.start)).toBe("2025-09-17T10:00:00+08:00")
    expect(doc.start).toBeInstanceOf(A.ImmutableString)
    expect(str(doc.timeZone)).toBe("Asia/Makassar")
  })
})
