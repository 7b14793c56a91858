import { describe, expect, test } from "vitest"

import { sameHeads } from "./pending"

describe("sameHeads", () => {
  test("compares heads as sets", () => {
    expect(sameHeads(["a", "b"], ["b", "a"])).toBe(true)
    expect(sameHeads(["a"], ["a", "b"])).toBe(false)
    expect(sameHeads(["a", "c"], ["a", "b"])).toBe(false)
    expect(sameHeads([], [])).toBe(true)
  })

  test("unknown heads (no server yet) are never the same", () => {
    expect(sameHeads(undefined, ["a"])).toBe(false)
    expect(sameHeads(["a"], undefined)).toBe(false)
  })
})
