import * as A from "@automerge/automerge"
import { describe, expect, test } from "vitest"

import { newCharter } from "./create"
import { moveItem, num, parseNumber, scalar, str } from "./values"

describe("document values", () => {
  test("plain strings are stored as scalars and collaborative text as text", () => {
    const doc = A.load<ReturnType<typeof newCharter>>(A.save(A.from(newCharter("Udara Bersih", "id"))))
    expect(doc.name).toBeInstanceOf(A.ImmutableString)
    expect(str(doc.name)).toBe("Udara Bersih")
    expect(typeof doc.purpose).toBe("string")
    expect(str(doc.language)).toBe("id")
    expect(str(undefined)).toBe("")
  })

  test("moving a list item keeps its content, text included", () => {
    let doc = A.from(newCharter("P", "en"))
    doc = A.change(doc, (d) => {
      for (const title of ["one", "two", "three"]) {
        d.principles.push({ id: scalar(title), title: scalar(title), description: scalar(`about ${title}`) })
      }
    })
    doc = A.change(doc, (d) => moveItem(d.principles, 0, 2))
    expect(doc.principles.map((p) => str(p.id))).toEqual(["two", "three", "one"])
    expect(str(doc.principles[2]!.description)).toBe("about one")
    expect(doc.principles[2]!.title).toBeInstanceOf(A.ImmutableString)
    // Out of range moves change nothing.
    const heads = A.getHeads(doc)
    doc = A.change(doc, (d) => moveItem(d.principles, 0, 5))
    expect(A.getHeads(doc)).toEqual(heads)
  })

  test("numbers read whether stored as float, int or unsigned (bigint)", () => {
    const doc = A.load<{ f: number; i: number }>(A.save(A.from({ f: 1.5, i: 3 })))
    expect([num(doc.f), num(doc.i), num(45n)]).toEqual([1.5, 3, 45])
    expect(num("7")).toBeNull()
    expect(num(null)).toBeNull()
    expect(num(Number.NaN)).toBeNull()
  })

  test("numbers typed with a comma or spaces parse; junk does not", () => {
    expect(parseNumber(" 12,5 ")).toBe(12.5)
    expect(parseNumber("")).toBeNull()
    expect(parseNumber("abc")).toBeNull()
  })
})
