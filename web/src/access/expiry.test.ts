import { describe, expect, it } from "vitest"

import { DEFAULT_EXPIRY_DAYS, daysToHours, MAX_EXPIRY_DAYS, MIN_EXPIRY_DAYS, parseExpiryDays } from "./expiry"

describe("invitation expiry", () => {
  it("converts days to the hours the API takes, within its 1 to 720 hours", () => {
    expect(daysToHours(DEFAULT_EXPIRY_DAYS)).toBe(168)
    expect(daysToHours(MIN_EXPIRY_DAYS)).toBe(24)
    expect(daysToHours(MAX_EXPIRY_DAYS)).toBe(720)
  })

  it("accepts whole numbers of days from 1 to 30", () => {
    expect(parseExpiryDays("1")).toBe(1)
    expect(parseExpiryDays(" 14 ")).toBe(14)
    expect(parseExpiryDays("30")).toBe(30)
  })

  it("refuses anything else", () => {
    for (const text of ["", "0", "31", "-3", "2.5", "1e1", "seven", "7 days"]) {
      expect(parseExpiryDays(text), text).toBeNull()
    }
  })
})
