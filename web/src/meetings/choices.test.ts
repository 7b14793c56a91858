import * as A from "@automerge/automerge"
import { afterEach, describe, expect, it } from "vitest"

import type { CharterDocument, Partner } from "../generated/model"
import { locale } from "../i18n"
import { newCharter, newGoal } from "../model/create"
import { scalar, str } from "../model/values"
import { ACTION_STATUS, DECISION_METHOD, goalChoices, matchPartner, timeZoneOptions } from "./choices"

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
    expect(ACTION_STATUS.label("inProgress")).toBe("In progress")
    expect(DECISION_METHOD.label("vote")).toBe("Vote")
    locale.value = "id"
    expect(ACTION_STATUS.label("inProgress")).toBe("Sedang dikerjakan")
    expect(DECISION_METHOD.label("consensus")).toBe("Musyawarah mufakat")
    expect(ACTION_STATUS.values).toEqual(["open", "inProgress", "done", "cancelled"])
  })

  it("shows values a newer client wrote as they are", () => {
    expect(ACTION_STATUS.label("blocked")).toBe("blocked")
    expect(DECISION_METHOD.label("lottery")).toBe("lottery")
  })
})

describe("charter choices", () => {
  it("lists goals by id", () => {
    const doc = charter()
    expect(goalChoices(doc).map((g) => g.label)).toEqual(["Lower PM2.5"])
    expect(goalChoices(doc)[0].value).toBe(str(doc.goals[0].id))
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
