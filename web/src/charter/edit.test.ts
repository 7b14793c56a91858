import * as A from "@automerge/automerge"
import { describe, expect, it } from "vitest"

import { scalar, str } from "../model/values"
import { editItem, findById, moveById, removeById, setHas, setMember } from "./edit"
import { newPrinciple } from "./factories"

function principles(...titles: string[]) {
  return A.from({ principles: titles.map((title) => ({ ...newPrinciple(title), id: scalar(title.toLowerCase()) })) })
}
const titles = (doc: { principles: readonly { title: unknown }[] }) => doc.principles.map((p) => str(p.title))

describe("items by id", () => {
  it("finds an item by its scalar id", () => {
    const doc = principles("Trust", "Inclusion")
    expect(str(findById(doc.principles, "inclusion")?.title)).toBe("Inclusion")
    expect(findById(doc.principles, "missing")).toBeUndefined()
    expect(findById(undefined, "trust")).toBeUndefined()
  })

  it("edits the item with the id even after another peer inserted before it", () => {
    const doc = principles("Trust", "Inclusion")
    const other = A.change(A.clone(doc), (d) => {
      d.principles.unshift(newPrinciple("Transparency"))
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

  it("moves an item up and down by one place, not past the ends", () => {
    let doc = principles("A", "B", "C")
    doc = A.change(doc, (d) => moveById(d.principles, "c", -1))
    expect(titles(doc)).toEqual(["A", "C", "B"])
    doc = A.change(doc, (d) => moveById(d.principles, "a", 1))
    expect(titles(doc)).toEqual(["C", "A", "B"])
    doc = A.change(doc, (d) => moveById(d.principles, "c", -1))
    doc = A.change(doc, (d) => moveById(d.principles, "b", 1))
    expect(titles(doc)).toEqual(["C", "A", "B"])
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
})
