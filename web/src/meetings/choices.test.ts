import * as A from "@automerge/automerge"
import { afterEach, describe, expect, it } from "vitest"

import type { CharterDocument, Partner } from "../generated/model"
import { locale } from "../i18n"
import { newCharter, newGoal } from "../model/create"
import { scalar } from "../model/values"
import {
  actionStatusChoices,
  actionStatusLabel,
  decisionMethodLabel,
  goalChoices,
  labelOf,
  matchPartner,
  partnerChoices,
  timeZoneOptions,
  withCurrent,
} from "./choices"

afterEach(() => {
  locale.value = "en"
})

function partner(id: string, name: string): Partner {
  return { id: scalar(id), name: scalar(name), sector: scalar("government"), contributions: [], representatives: [] }
}

function charter(): A.Doc<CharterDocument> {
  return A.change(A.from(newCharter("Clean air", "id")), (d) => {
    d.partners.push(partner("dlh", "Sukamaju City Environment Agency (DLH)"))
    d.partners.push(partner("ngo", "Udara Kita Foundation"))
    d.goals.push(newGoal("Lower PM2.5"))
  })
}

describe("enumeration labels", () => {
  it("speaks both languages", () => {
    expect(actionStatusLabel("inProgress")).toBe("In progress")
    expect(decisionMethodLabel("vote")).toBe("Vote")
    locale.value = "id"
    expect(actionStatusLabel("inProgress")).toBe("Sedang dikerjakan")
    expect(decisionMethodLabel("consensus")).toBe("Musyawarah mufakat")
    expect(actionStatusChoices().map((c) => c.value)).toEqual(["open", "inProgress", "done", "cancelled"])
  })

  it("shows values a newer client wrote as they are", () => {
    expect(actionStatusLabel("blocked")).toBe("blocked")
    expect(decisionMethodLabel("lottery")).toBe("lottery")
  })
})

describe("charter choices", () => {
  it("lists partners and goals by id", () => {
    const doc = charter()
    expect(partnerChoices(doc)).toEqual([
      { value: "dlh", label: "Sukamaju City Environment Agency (DLH)" },
      { value: "ngo", label: "Udara Kita Foundation" },
    ])
    expect(goalChoices(doc).map((g) => g.label)).toEqual(["Lower PM2.5"])
    expect(labelOf(partnerChoices(doc), "ngo")).toBe("Udara Kita Foundation")
    expect(labelOf(partnerChoices(doc), "gone")).toBe("gone")
  })

  it("keeps a stored value that is not a choice", () => {
    const choices = partnerChoices(charter())
    expect(withCurrent(choices, "")).toHaveLength(2)
    expect(withCurrent(choices, "dlh")).toHaveLength(2)
    expect(withCurrent(choices, "gone").at(-1)).toEqual({ value: "gone", label: "gone (unknown)" })
  })

  it("finds the partner a person's organisation names", () => {
    const doc = charter()
    expect(matchPartner(doc, " udara kita  foundation ")).toBe("ngo")
    expect(matchPartner(doc, "DLH")).toBe("dlh")
    expect(matchPartner(doc, "Another NGO")).toBeNull()
    expect(matchPartner(doc, "")).toBeNull()
  })

  it("labels time zones readably", () => {
    expect(timeZoneOptions("Asia/Jakarta")).toContainEqual({ value: "America/New_York", label: "America/New York" })
  })
})
