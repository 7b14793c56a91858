import * as A from "@automerge/automerge"
import { describe, expect, it } from "vitest"

import { str } from "../model/values"
import { raciMatrix, setRaci } from "./raci"
import { testCharter } from "./testCharter"

const pairs = (doc: { roles: readonly { goalId: unknown; partnerId: unknown; raci: unknown }[] }) =>
  doc.roles.map((r) => [r.goalId === null ? null : str(r.goalId), str(r.partnerId), str(r.raci)])

describe("raciMatrix", () => {
  it("has the partnership as a whole first, then the goals, and the partners as columns", () => {
    const { doc } = testCharter()
    const matrix = raciMatrix(doc)
    expect(matrix.rows).toEqual([
      { goalId: null, title: "" },
      { goalId: "g-air", title: "Cut PM2.5" },
      { goalId: "g-schools", title: "Cleaner air at schools" },
    ])
    expect(matrix.columns.map((c) => c.partnerId)).toEqual(["p-city", "p-ngo", "p-campus"])
  })

  it("finds each cell's assignment, telling the whole partnership from a goal", () => {
    const { doc } = testCharter()
    const matrix = raciMatrix(doc)
    expect(str(matrix.cell(null, "p-city")?.raci)).toBe("accountable")
    expect(str(matrix.cell("g-air", "p-ngo")?.raci)).toBe("consulted")
    expect(matrix.cell(null, "p-ngo")).toBeUndefined()
    expect(matrix.cell("g-schools", "p-city")).toBeUndefined()
  })
})

describe("setRaci", () => {
  it("adds an assignment for an empty cell", () => {
    const { doc } = testCharter()
    const next = A.change(doc, (d) => setRaci(d, "g-schools", "p-ngo", "informed"))
    expect(pairs(next)).toContainEqual(["g-schools", "p-ngo", "informed"])
    expect(next.roles).toHaveLength(doc.roles.length + 1)
    expect(str(raciMatrix(next).cell("g-schools", "p-ngo")?.raci)).toBe("informed")
  })

  it("changes the part of an existing assignment and keeps its id and description", () => {
    const { doc } = testCharter()
    const before = raciMatrix(doc).cell("g-air", "p-city")!
    const next = A.change(doc, (d) => setRaci(d, "g-air", "p-city", "responsible"))
    const after = raciMatrix(next).cell("g-air", "p-city")!
    expect(str(after.raci)).toBe("responsible")
    expect(str(after.id)).toBe(str(before.id))
    expect(str(after.description)).toBe("Enforces the ban on open burning")
    expect(next.roles).toHaveLength(doc.roles.length)
  })

  it("removes the assignment when the cell is cleared, and only that one", () => {
    const { doc } = testCharter()
    const next = A.change(doc, (d) => setRaci(d, "g-air", "p-city", null))
    expect(raciMatrix(next).cell("g-air", "p-city")).toBeUndefined()
    expect(str(raciMatrix(next).cell(null, "p-city")?.raci)).toBe("accountable")
    expect(next.roles).toHaveLength(doc.roles.length - 1)
  })

  it("writes scalar strings, as the Rust model does", () => {
    const { doc } = testCharter()
    const next = A.change(doc, (d) => setRaci(d, null, "p-ngo", "responsible"))
    const added = next.roles[next.roles.length - 1]
    expect(added.raci).toBeInstanceOf(A.ImmutableString)
    expect(added.partnerId).toBeInstanceOf(A.ImmutableString)
    expect(added.goalId).toBeNull()
  })

  it("shows the first of duplicates left by concurrent edits and cleans them up on the next write", () => {
    const { doc } = testCharter()
    const alice = A.change(A.clone(doc), (d) => setRaci(d, "g-schools", "p-ngo", "responsible"))
    const bob = A.change(A.clone(doc), (d) => setRaci(d, "g-schools", "p-ngo", "consulted"))
    const merged = A.merge(alice, bob)
    const duplicates = merged.roles.filter((r) => str(r.goalId) === "g-schools" && str(r.partnerId) === "p-ngo")
    expect(duplicates).toHaveLength(2)
    expect(raciMatrix(merged).cell("g-schools", "p-ngo")?.raci).toEqual(duplicates[0].raci)

    const cleaned = A.change(merged, (d) => setRaci(d, "g-schools", "p-ngo", "informed"))
    const left = cleaned.roles.filter((r) => str(r.goalId) === "g-schools" && str(r.partnerId) === "p-ngo")
    expect(left).toHaveLength(1)
    expect(str(left[0].id)).toBe(str(duplicates[0].id))
    expect(str(left[0].raci)).toBe("informed")
  })

  it("clears every duplicate of a pair", () => {
    const { doc } = testCharter()
    const alice = A.change(A.clone(doc), (d) => setRaci(d, null, "p-campus", "responsible"))
    const bob = A.change(A.clone(doc), (d) => setRaci(d, null, "p-campus", "informed"))
    const cleared = A.change(A.merge(alice, bob), (d) => setRaci(d, null, "p-campus", null))
    expect(raciMatrix(cleared).cell(null, "p-campus")).toBeUndefined()
    expect(cleared.roles).toHaveLength(doc.roles.length)
  })
})
