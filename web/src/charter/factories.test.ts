import * as A from "@automerge/automerge"
import { describe, expect, it } from "vitest"

import { newCharter } from "../model/create"
import {
  newChannel,
  newContribution,
  newInformationDuty,
  newMitigation,
  newPartner,
  newPrinciple,
  newRepresentative,
  newResource,
  newRisk,
  newRoleAssignment,
} from "./factories"

/** Every string in a value (deep) that automerge would store as text rather than a scalar. */
function textStrings(value: unknown, path = ""): string[] {
  if (typeof value === "string") return [path]
  if (Array.isArray(value)) return value.flatMap((v, i) => textStrings(v, `${path}[${i}]`))
  if (value && typeof value === "object" && !(value instanceof A.ImmutableString)) {
    return Object.entries(value).flatMap(([k, v]) => textStrings(v, `${path}.${k}`))
  }
  return []
}

describe("factories", () => {
  const items = {
    principle: newPrinciple("Trust"),
    partner: newPartner("City"),
    contribution: newContribution(),
    representative: newRepresentative("Rina"),
    role: newRoleAssignment("g-1", "p-1", "accountable"),
    wholeRole: newRoleAssignment(null, "p-1", "informed"),
    channel: newChannel("p-1"),
    duty: newInformationDuty("p-1"),
    risk: newRisk("Funding ends"),
    mitigation: newMitigation(),
    resource: newResource(),
  }

  it("write plain strings as scalars, never as text", () => {
    for (const [name, item] of Object.entries(items)) expect(textStrings(item), name).toEqual([])
  })

  it("give every item a fresh id", () => {
    const ids = new Set(Object.values(items).map((i) => String(i.id)))
    expect(ids.size).toBe(Object.keys(items).length)
  })

  it("use the Rust model's defaults and nulls for absent optionals", () => {
    expect(String(items.partner.sector)).toBe("nonprofit")
    expect(String(items.contribution.kind)).toBe("expertise")
    expect(String(items.risk.category)).toBe("lackOfResources")
    expect(String(items.risk.likelihood)).toBe("medium")
    expect(String(items.resource.kind)).toBe("pooledFunding")
    expect(items.representative.email).toBeNull()
    expect(items.wholeRole.goalId).toBeNull()
    expect(items.mitigation.ownerPartnerId).toBeNull()
    expect([items.resource.partnerId, items.resource.amount, items.resource.currency]).toEqual([null, null, null])
  })

  it("store in a charter as scalar strings", () => {
    const doc = A.change(A.from(newCharter("Clean Air", "en")), (d) => {
      d.partners.push(items.partner)
      d.risks.push(items.risk)
    })
    expect(doc.partners[0].name).toBeInstanceOf(A.ImmutableString)
    expect(doc.risks[0].impact).toBeInstanceOf(A.ImmutableString)
  })
})
