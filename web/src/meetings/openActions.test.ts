import * as A from "@automerge/automerge"
import { describe, expect, it } from "vitest"

import type { MeetingDocument } from "../generated/model"
import { newAction, newMeeting } from "../model/create"
import { scalar } from "../model/values"
import { addItem } from "./edit"
import {
  collectOpenActions,
  filterOpenActions,
  isOpenStatus,
  isOverdue,
  NONE,
  type MeetingSource,
} from "./openActions"

const CHARTER = "automerge:4NMNnkMhL8jXrdJ9jamS58PAVdXu"
const URL_Q3 = "automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ"
const URL_DEC = "automerge:3Z2nqgKJ2SWxWDkCe5sbyb3u2Dpo"

type Spec = { task: string; status?: string; owner?: string; due?: string; goal?: string }

function meetingWith(title: string, start: string, actions: Spec[]): A.Doc<MeetingDocument> {
  return A.change(A.from(newMeeting(title, start, "Asia/Jakarta", CHARTER)), (d) => {
    for (const spec of actions) {
      const action = newAction(spec.task)
      if (spec.status) action.status = scalar(spec.status)
      if (spec.owner) action.ownerPartnerId = scalar(spec.owner)
      if (spec.due) action.due = scalar(spec.due)
      if (spec.goal) action.goalId = scalar(spec.goal)
      addItem(d, "actions", action)
    }
  })
}

function sources(): MeetingSource[] {
  const q3 = meetingWith("Q3 steering", "2025-09-16T09:30:00+07:00", [
    { task: "Budget proposal", status: "done", owner: "dlh", due: "2025-10-15" },
    { task: "Consent form", status: "inProgress", owner: "campus", due: "2025-10-10", goal: "pm25" },
    { task: "Power survey", status: "cancelled", owner: "residents", due: "2025-10-31" },
    { task: "Undated follow-up", owner: "ngo" },
  ])
  const dec = meetingWith("Year-end review", "2025-12-09T13:00:00+07:00", [
    { task: "Sanitation letter", owner: "dlh", due: "2026-01-09", goal: "pm25" },
    { task: "Select schools", owner: "campus", due: "2026-02-27", goal: "schools" },
    { task: "Funder report", status: "inProgress", owner: "ngo", due: "2026-01-09" },
    { task: "Future status", status: "blocked", owner: "ngo", due: "2026-01-01" },
  ])
  return [
    { url: URL_DEC, title: "Link title", start: "2025-12-09T13:00:00+07:00", doc: dec },
    { url: URL_Q3, title: "Q3", start: "2025-09-16T09:30:00+07:00", doc: q3 },
    { url: "automerge:unopened", title: "Not yet open", start: "2026-01-01T09:00:00+07:00", doc: undefined },
  ]
}

describe("collectOpenActions", () => {
  it("keeps open and in-progress actions of the opened meetings, soonest due first, undated last", () => {
    const actions = collectOpenActions(sources())
    expect(actions.map((a) => a.task)).toEqual([
      "Consent form",
      "Funder report",
      "Sanitation letter",
      "Select schools",
      "Undated follow-up",
    ])
  })

  it("carries the meeting and the action's fields as plain strings", () => {
    const consent = collectOpenActions(sources())[0]
    expect(consent).toMatchObject({
      meetingUrl: URL_Q3,
      meetingTitle: "Q3 steering",
      meetingStart: "2025-09-16T09:30:00+07:00",
      ownerPartnerId: "campus",
      due: "2025-10-10",
      status: "inProgress",
      goalId: "pm25",
    })
    const undated = collectOpenActions(sources()).at(-1)!
    expect(undated.due).toBeNull()
    expect(undated.goalId).toBeNull()
  })

  it("follows changes to the meeting documents", () => {
    const all = sources()
    all[0].doc = A.change(all[0].doc!, (d) => {
      d.actions[0].status = scalar("done")
    })
    expect(collectOpenActions(all).map((a) => a.task)).not.toContain("Sanitation letter")
  })
})

describe("filterOpenActions", () => {
  const actions = collectOpenActions(sources())
  const tasks = (partner: string, goal: string) => filterOpenActions(actions, { partner, goal }).map((a) => a.task)

  it("shows everything without filters", () => {
    expect(tasks("", "")).toHaveLength(5)
  })

  it("filters by owner, by goal and by both", () => {
    expect(tasks("campus", "")).toEqual(["Consent form", "Select schools"])
    expect(tasks("", "pm25")).toEqual(["Consent form", "Sanitation letter"])
    expect(tasks("campus", "pm25")).toEqual(["Consent form"])
    expect(tasks("dlh", "schools")).toEqual([])
  })

  it("filters for actions without a goal or owner", () => {
    expect(tasks("", NONE)).toEqual(["Funder report", "Undated follow-up"])
    expect(tasks(NONE, "")).toEqual([])
  })
})

describe("status and overdue", () => {
  it("knows which statuses are open", () => {
    expect(isOpenStatus("open")).toBe(true)
    expect(isOpenStatus("inProgress")).toBe(true)
    expect(isOpenStatus("done")).toBe(false)
    expect(isOpenStatus("cancelled")).toBe(false)
  })

  it("is overdue only after the due date", () => {
    expect(isOverdue("2026-01-09", "2026-01-10")).toBe(true)
    expect(isOverdue("2026-01-09", "2026-01-09")).toBe(false)
    expect(isOverdue("2026-01-09", "2025-12-31")).toBe(false)
    expect(isOverdue(null, "2026-01-10")).toBe(false)
  })
})
