import * as A from "@automerge/automerge"
import { beforeEach, describe, expect, it } from "vitest"

import { newPartner, newPrinciple } from "../charter/factories"
import { newMeasurement } from "../goals/create"
import type { CharterDocument, MeetingDocument } from "../generated/model"
import { locale } from "../i18n"
import { newAction, newCharter, newGoal, newIndicator, newMeeting } from "../model/create"
import { moveItem, scalar } from "../model/values"
import { changedFields, shorten, type FieldChange } from "./fieldChanges"
import { DEVICE, created, edit, sessionsOf } from "./testing"

/** What the last session of `doc` changed. */
function lastSession(doc: A.Doc<unknown>, kind: "charter" | "meeting"): FieldChange[] {
  const sessions = sessionsOf(doc)
  const last = sessions[sessions.length - 1]
  return changedFields(doc, kind, last.headsBefore, last.headsAfter)
}

/** A charter with a principle, a partner and a goal with an indicator, written by Ayu. */
function charter(): A.Doc<CharterDocument> {
  const base = newCharter("Air Bersih", "en")
  const goal = newGoal("Clean water for 5 villages")
  goal.indicators.push(newIndicator("Villages with clean water", "villages"))
  base.goals.push(goal, newGoal("Schools"))
  base.principles.push(newPrinciple("Transparency"), newPrinciple("Mutual benefit"))
  base.partners.push(newPartner("Kota Sukamaju"))
  return created(base, DEVICE.ayu)
}

beforeEach(() => {
  locale.value = "en"
})

describe("changedFields", () => {
  it("tells the first session as the document's creation", () => {
    const doc = charter()
    expect(lastSession(doc, "charter")).toEqual([{ label: "The charter", verb: "created" }])
  })

  it("names a changed field by its item", () => {
    const doc = edit(charter(), DEVICE.budi, 5, (d) => {
      d.goals[0].title = scalar("Clean water for 6 villages")
      d.goals[0].status = scalar("agreed")
    })
    expect(lastSession(doc, "charter").sort(byLabel)).toEqual([
      { label: 'Goal "Clean water for 6 villages" › status', verb: "changed" },
      { label: 'Goal "Clean water for 6 villages" › title', verb: "changed" },
    ])
  })

  it("tells text edits once per field, however many keystrokes", () => {
    let doc = charter()
    for (const [i, text] of ["C", "Cl", "Clean", "Clean water"].entries()) {
      doc = edit(doc, DEVICE.budi, 5 + i, (d) => A.updateText(d, ["purpose"], text))
    }
    expect(lastSession(doc, "charter")).toEqual([{ label: "Purpose", verb: "changed" }])
  })

  it("tells added and removed items by name, and a reordering as a move", () => {
    const doc = edit(charter(), DEVICE.budi, 5, (d) => {
      d.partners.push(newPartner("Yayasan Air"))
      d.principles.splice(0, 1)
      moveItem(d.goals, 1, 0)
    })
    const fields = lastSession(doc, "charter")
    expect(fields).toContainEqual({ label: 'Partner "Yayasan Air"', verb: "added" })
    expect(fields).toContainEqual({ label: 'Principle "Transparency"', verb: "removed" })
    expect(fields).toContainEqual({ label: 'Goal "Schools"', verb: "moved" })
    expect(fields).not.toContainEqual(expect.objectContaining({ label: expect.stringContaining("Mutual benefit") }))
    expect(fields).toHaveLength(3)
  })

  it("finds the removed item among earlier insertions in the same list", () => {
    const doc = edit(charter(), DEVICE.budi, 5, (d) => {
      d.principles.unshift(newPrinciple("Shared leadership"))
      d.principles.splice(2, 1)
    })
    expect(lastSession(doc, "charter")).toEqual([
      { label: 'Principle "Shared leadership"', verb: "added" },
      { label: 'Principle "Mutual benefit"', verb: "removed" },
    ])
  })

  it("does not list the fields of an item added in the same session", () => {
    const doc = edit(charter(), DEVICE.budi, 5, (d) => {
      d.goals.push(newGoal("Fewer floods"))
      d.goals[2].title = scalar("Fewer floods in Sukamaju")
    })
    expect(lastSession(doc, "charter")).toEqual([{ label: 'Goal "Fewer floods in Sukamaju"', verb: "added" }])
  })

  it("follows nested lists: partner contributions, indicator measurements", () => {
    const doc = edit(charter(), DEVICE.budi, 5, (d) => {
      d.partners[0].contributions.push({ id: scalar("c1"), kind: scalar("funding"), description: scalar("") })
      d.goals[0].indicators[0].measurements.push(newMeasurement("2025-06-30", 3, "survey", ""))
      d.goals[0].smart.specific = scalar("Wells in five villages")
    })
    const expected: FieldChange[] = [
      { label: 'Partner "Kota Sukamaju" › Contribution "Funding"', verb: "added" },
      { label: 'Goal "Clean water for 5 villages" › Indicator "Villages with clean water" › Measurement "2025-06-30: 3"', verb: "added" },
      { label: 'Goal "Clean water for 5 villages" › SMART › specific', verb: "changed" },
    ]
    expect(lastSession(doc, "charter").sort(byLabel)).toEqual(expected.sort(byLabel))
  })

  it("finds an item removed from a nested list in the version before", () => {
    let doc = edit(charter(), DEVICE.ayu, 1, (d) => {
      d.partners.unshift(newPartner("Yayasan Air"))
      d.partners[1].contributions.push(
        { id: scalar("c1"), kind: scalar("funding"), description: scalar("Sensors") },
        { id: scalar("c2"), kind: scalar("expertise"), description: scalar("Data analysis") },
      )
    })
    doc = edit(doc, DEVICE.budi, 5, (d) => {
      d.partners.splice(0, 1)
      d.partners[0].contributions.splice(0, 1)
    })
    expect(lastSession(doc, "charter")).toEqual([
      { label: 'Partner "Yayasan Air"', verb: "removed" },
      { label: 'Partner "Kota Sukamaju" › Contribution "Sensors"', verb: "removed" },
    ])
  })

  it("labels meetings from their own table, in both languages", () => {
    let doc = created(newMeeting("Monthly meeting", "2025-03-04T09:30:00+07:00", "Asia/Jakarta", "automerge:x"), DEVICE.ayu)
    doc = edit(doc, DEVICE.ayu, 1, (d: MeetingDocument) => {
      d.actions.push(newAction("Buy sensors"), newAction("Call the school"))
    })
    doc = edit(doc, DEVICE.budi, 5, (d: MeetingDocument) => {
      A.updateText(d, ["notes"], "We met.")
      d.actions[1].status = scalar("done")
    })
    expect(lastSession(doc, "meeting").sort(byLabel)).toEqual([
      { label: 'Action "Call the school" › status', verb: "changed" },
      { label: "Notes", verb: "changed" },
    ])
    locale.value = "id"
    expect(lastSession(doc, "meeting").map((f) => f.label).sort()).toEqual(["Notulen", 'Tindak lanjut "Call the school" › status'])
  })

  it("shows unknown fields (from newer clients) by their name", () => {
    const doc = edit(charter(), DEVICE.budi, 5, (d) => {
      ;(d as unknown as Record<string, unknown>).budget = 5
    })
    expect(lastSession(doc, "charter")).toEqual([{ label: "budget", verb: "changed" }])
  })
})

describe("shorten", () => {
  it("keeps names on one line and cuts long ones", () => {
    expect(shorten("  Clean\nwater  ")).toBe("Clean water")
    expect(shorten("x".repeat(100))).toHaveLength(60)
  })
})

function byLabel(a: FieldChange, b: FieldChange): number {
  return a.label.localeCompare(b.label)
}
