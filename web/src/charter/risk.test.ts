import { describe, expect, it } from "vitest"

import { levelWeight, MAX_RISK_SCORE, riskRating } from "./risk"

describe("riskRating", () => {
  it("multiplies likelihood and impact weights", () => {
    expect(levelWeight("low")).toBe(1)
    expect(levelWeight("high")).toBe(3)
    expect(riskRating("high", "high")).toEqual({ score: 9, severity: "high" })
    expect(riskRating("medium", "high")).toEqual({ score: 6, severity: "high" })
    expect(riskRating("medium", "medium")).toEqual({ score: 4, severity: "medium" })
    expect(riskRating("low", "high")).toEqual({ score: 3, severity: "medium" })
    expect(riskRating("low", "medium")).toEqual({ score: 2, severity: "low" })
    expect(riskRating("low", "low")).toEqual({ score: 1, severity: "low" })
    expect(MAX_RISK_SCORE).toBe(9)
  })

  it("is symmetric", () => {
    expect(riskRating("high", "low")).toEqual(riskRating("low", "high"))
  })

  it("does not rate levels this version does not know", () => {
    expect(levelWeight("critical")).toBeNull()
    expect(riskRating("critical", "high")).toBeNull()
    expect(riskRating("low", "")).toBeNull()
  })
})
