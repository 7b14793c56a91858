import * as A from "@automerge/automerge"
import { describe, expect, it } from "vitest"

import { editItem, findById, indexById, moveById, removeById, removeWhere, setHas, setMember } from "./lists"
import { scalar, str } from "./values"

function principle(title: string) {
  return { id: scalar(title.toLowerCase()), title: scalar(title), description: scalar("") }
}

function principles(...titles: string[]) {
  return A.from({ principles: titles.map(principle) })
}
const titles = (doc: { principles: readonly { title: unknown }[] }) => doc.principles.map((p) => str(p.title))

describe("items by id", () => {
  it("finds an item by its scalar id", () => {
    const doc = principles("Trust", "Inclusion")
    expect(str(findById(doc.principles, "inclusion")?.title)).toBe("Inclusion")
    expect(findById(doc.principles, "missing")).toBeUndefined()
    expect(findById(undefined, "trust")).toBeUndefined()
    expect(indexById(doc.principles, "inclusion")).toBe(1)
    expect(indexById(doc.principles, "missing")).toBe(-1)
    expect(indexById(undefined, "trust")).toBe(-1)
  })

  it("edits the item with the id even after another peer inserted before it", () => {
    const doc = principles("Trust", "Inclusion")
    const other = A.change(A.clone(doc), (d) => {
      d.principles.unshift(principle("Transparency"))
    })
    // Rendered when "inclusion" was at index 1; edited after the merge moved it to 2.
    const merged = A.merge(A.clone(doc), other)
    const next = A.change(merged, (d) => {
      expect(editItem(d.principles, "inclusion", (p) => (p.title = scalar("Inclusion of residents")))).toBe(true)
    })
    expect(titles(next)).toEqual(["Transparency", "Trust", "Inclusion of residents"])
  })

  it("does nothing to an item deleted meanwhile", () => {
    const doc = principles("Trust")
    const next = A.change(doc, (d) => {
      expect(editItem(d.principles, "gone", (p) => (p.title = scalar("x")))).toBe(false)
    })
    expect(titles(next)).toEqual(["Trust"])
  })

  it("removes the item with the id", () => {
    const doc = principles("Trust", "Inclusion", "Accountability")
    const next = A.change(doc, (d) => {
      expect(removeById(d.principles, "inclusion")).toBe(1)
    })
    expect(titles(next)).toEqual(["Trust", "Accountability"])
  })

  it("removes every copy of an item that two partners moved at once", () => {
    const doc = principles("A", "B", "C")
    const one = A.change(A.clone(doc), (d) => moveById(d.principles, "c", -1))
    const other = A.change(A.clone(doc), (d) => moveById(d.principles, "c", -1))
    const merged = A.merge(one, other)
    expect(titles(merged).filter((t) => t === "C")).toHaveLength(2)
    const next = A.change(merged, (d) => {
      expect(removeById(d.principles, "c")).toBe(2)
      expect(removeById(d.principles, "missing")).toBe(0)
    })
    expect(titles(next)).toEqual(["A", "B"])
  })

  it("removes what matches, by item and index", () => {
    const doc = principles("A", "B", "A2", "C")
    const next = A.change(doc, (d) => {
      expect(removeWhere(d.principles, (p, index) => str(p.title).startsWith("A") && index > 0)).toBe(1)
    })
    expect(titles(next)).toEqual(["A", "B", "C"])
    expect(removeWhere(undefined, () => true)).toBe(0)
  })

  it("moves an item up and down by one place, not past the ends, and says whether it moved", () => {
    let doc = principles("A", "B", "C")
    doc = A.change(doc, (d) => void expect(moveById(d.principles, "c", -1)).toBe(true))
    expect(titles(doc)).toEqual(["A", "C", "B"])
    doc = A.change(doc, (d) => void expect(moveById(d.principles, "a", 1)).toBe(true))
    expect(titles(doc)).toEqual(["C", "A", "B"])
    const heads = A.getHeads(doc)
    doc = A.change(doc, (d) => {
      expect(moveById(d.principles, "c", -1)).toBe(false)
      expect(moveById(d.principles, "b", 1)).toBe(false)
      expect(moveById(d.principles, "missing", 1)).toBe(false)
    })
    expect(titles(doc)).toEqual(["C", "A", "B"])
    expect(A.getHeads(doc)).toEqual(heads)
    expect(doc.principles[0].title).toBeInstanceOf(A.ImmutableString)
  })
})

describe("sets of scalar strings", () => {
  it("adds a member once and removes every copy", () => {
    let doc = A.from({ types: [] as string[] })
    doc = A.change(doc, (d) => setMember(d.types, "advocacy", true))
    doc = A.change(doc, (d) => setMember(d.types, "advocacy", true))
    expect(doc.types.map(str)).toEqual(["advocacy"])
    expect(doc.types[0]).toBeInstanceOf(A.ImmutableString)
    expect(setHas(doc.types, "advocacy")).toBe(true)

    const a = A.change(A.clone(doc), (d) => setMember(d.types, "research", true))
    const b = A.change(A.clone(doc), (d) => setMember(d.types, "research", true))
    let merged = A.merge(a, b)
    expect(merged.types.map(str)).toEqual(["advocacy", "research", "research"])
    merged = A.change(merged, (d) => setMember(d.types, "research", false))
    expect(merged.types.map(str)).toEqual(["advocacy"])
    expect(setHas(merged.types, "research")).toBe(false)
  })

  it("tidies copies left by concurrent additions when the member is added again", () => {
    const doc = A.from({ owners: [] as string[] })
    const a = A.change(A.clone(doc), (d) => setMember(d.owners, "dlh", true))
    const b = A.change(A.clone(doc), (d) => setMember(d.owners, "dlh", true))
    const merged = A.merge(a, b)
    expect(merged.owners).toHaveLength(2)
    const tidied = A.change(merged, (d) => setMember(d.owners, "dlh", true))
    expect(tidied.owners.map(str)).toEqual(["dlh"])
  })
})
