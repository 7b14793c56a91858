import * as A from "@automerge/automerge"
import { describe, expect, it } from "vitest"

import { scalar, str } from "../model/values"
import { newPartner } from "./factories"
import { isReferenced, partnerReferences, removePartner } from "./partners"
import { testCharter } from "./testCharter"

describe("partnerReferences", () => {
  it("counts roles, owned goals, duties and what the partner is named for", () => {
    const { doc } = testCharter()
    expect(partnerReferences(doc, "p-city")).toEqual({ roles: 2, goals: 1, duties: 1, owned: 3 })
    expect(partnerReferences(doc, "p-ngo")).toEqual({ roles: 1, goals: 1, duties: 0, owned: 1 })
  })

  it("finds nothing for a partner nothing refers to", () => {
    const { doc } = testCharter()
    const next = A.change(doc, (d) => {
      d.partners.push({ ...newPartner("New"), id: scalar("p-new") })
    })
    expect(isReferenced(partnerReferences(next, "p-new"))).toBe(false)
    expect(isReferenced(partnerReferences(next, "p-city"))).toBe(true)
  })
})

describe("removePartner", () => {
  it("removes the partner and every reference to it in one change", () => {
    const { doc } = testCharter()
    const changesBefore = A.getHistory(doc).length
    const next = A.change(doc, (d) => removePartner(d, "p-city"))
    expect(next.partners.map((p) => str(p.id))).toEqual(["p-ngo", "p-campus"])
    expect(next.roles.map((r) => str(r.partnerId))).toEqual(["p-ngo", "p-campus"])
    expect(next.goals[0].ownerIds.map(str)).toEqual(["p-ngo"])
    expect(next.goals[1].ownerIds.map(str)).toEqual(["p-campus"])
    expect(next.communication.informationDuties.map((d) => str(d.partnerId))).toEqual(["p-campus"])
    expect(next.communication.channels.map((c) => c.ownerPartnerId && str(c.ownerPartnerId))).toEqual([null, "p-ngo"])
    expect(next.risks[0].mitigations.map((m) => m.ownerPartnerId && str(m.ownerPartnerId))).toEqual([null, "p-campus"])
    expect(next.resources[0].partnerId).toBeNull()
    expect(partnerReferences(next, "p-city")).toEqual({ roles: 0, goals: 0, duties: 0, owned: 0 })
    expect(A.getHistory(next).length - changesBefore).toBe(1)
  })

  it("leaves other partners' references alone", () => {
    const { doc } = testCharter()
    const next = A.change(doc, (d) => removePartner(d, "p-campus"))
    expect(partnerReferences(next, "p-city")).toEqual(partnerReferences(doc, "p-city"))
    expect(partnerReferences(next, "p-ngo")).toEqual(partnerReferences(doc, "p-ngo"))
  })

  it("cleans up an owner reference added concurrently with the removal when removed again", () => {
    const { doc } = testCharter()
    const removed = A.change(A.clone(doc), (d) => removePartner(d, "p-ngo"))
    const edited = A.change(A.clone(doc), (d) => {
      d.goals[1].ownerIds.push(scalar("p-ngo"))
    })
    const merged = A.merge(removed, edited)
    expect(partnerReferences(merged, "p-ngo").goals).toBe(1)
    const again = A.change(merged, (d) => removePartner(d, "p-ngo"))
    expect(partnerReferences(again, "p-ngo")).toEqual({ roles: 0, goals: 0, duties: 0, owned: 0 })
  })
})
