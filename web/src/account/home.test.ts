import { generateAutomergeUrl } from "@automerge/automerge-repo"
import { describe, expect, it } from "vitest"

import type { Me, Partnership } from "../app/api"
import { documentId } from "../app/route"
import { createdBySetup, homeOf, partnershipHash } from "./home"

const charter = documentId(generateAutomergeUrl())

function me(partnerships: Partnership[]): Me {
  return {
    auth: "required",
    user: { id: "usr_1", username: "ayu", display_name: "Ayu", organisation: "Yayasan Air", created_at: "2026-01-01T00:00:00Z" },
    partnerships,
  }
}

describe("where partnerships open", () => {
  it("opens a charter, or the start page while there is none", () => {
    expect(partnershipHash(charter)).toBe(`#/p/${charter}/charter`)
    expect(partnershipHash(null)).toBe("#/")
    expect(partnershipHash("not a document")).toBe("#/")
  })

  it("finds the partnership an invitation joined", () => {
    const account = me([
      { id: "prt_a", name: "A", charter, role: "viewer" },
      { id: "prt_b", name: "B", charter: null, role: "editor" },
    ])
    expect(homeOf(account, "prt_a")).toBe(`#/p/${charter}/charter`)
    expect(homeOf(account, "prt_b")).toBe("#/")
    expect(homeOf(account, "prt_unknown")).toBe("#/")
  })

  it("tells the partnership setup created from the demo it also got", () => {
    const account = me([
      { id: "prt_demo", name: "Demo", charter, role: "owner" },
      { id: "prt_new", name: "Kemitraan Air Bersih", charter: null, role: "owner" },
    ])
    expect(createdBySetup(account, " Kemitraan Air Bersih ")?.id).toBe("prt_new")
    expect(createdBySetup(me([]), "x")).toBeNull()
  })
})
