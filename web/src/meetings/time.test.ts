import { describe, expect, it } from "vitest"

import {
  dateInZone,
  formatOffset,
  instantToRfc3339,
  isValidTimeZone,
  nextFullHourInput,
  offsetMinutesAt,
  rfc3339ToLocalInput,
  timeZoneChoices,
  zonedToRfc3339,
} from "./time"

describe("zonedToRfc3339", () => {
  it("uses the zone's fixed offset", () => {
    expect(zonedToRfc3339("2025-03-04T09:30", "Asia/Jakarta")).toBe("2025-03-04T09:30:00+07:00")
    expect(zonedToRfc3339("2025-03-04T09:30", "Asia/Kolkata")).toBe("2025-03-04T09:30:00+05:30")
    expect(zonedToRfc3339("2025-03-04T09:30:15", "UTC")).toBe("2025-03-04T09:30:15+00:00")
  })

  it("uses the offset in force at that date in zones with daylight saving", () => {
    expect(zonedToRfc3339("2025-01-15T10:00", "Europe/Berlin")).toBe("2025-01-15T10:00:00+01:00")
    expect(zonedToRfc3339("2025-07-15T10:00", "Europe/Berlin")).toBe("2025-07-15T10:00:00+02:00")
    expect(zonedToRfc3339("2025-07-15T10:00", "America/Sao_Paulo")).toBe("2025-07-15T10:00:00-03:00")
    expect(zonedToRfc3339("2025-07-15T10:00", "America/New_York")).toBe("2025-07-15T10:00:00-04:00")
    expect(zonedToRfc3339("2025-12-15T10:00", "America/New_York")).toBe("2025-12-15T10:00:00-05:00")
  })

  it("takes the earlier of a time that occurs twice", () => {
    // Clocks go back from 03:00 to 02:00 on 26 October 2025 in Berlin.
    expect(zonedToRfc3339("2025-10-26T02:30", "Europe/Berlin")).toBe("2025-10-26T02:30:00+02:00")
  })

  it("moves a time skipped by the clocks forward by the gap", () => {
    // Clocks go forward from 02:00 to 03:00 on 30 March 2025 in Berlin.
    expect(zonedToRfc3339("2025-03-30T02:30", "Europe/Berlin")).toBe("2025-03-30T03:30:00+02:00")
  })

  it("gives a timestamp that denotes the intended instant", () => {
    const out = zonedToRfc3339("2025-09-16T09:30", "Asia/Jakarta")!
    expect(Date.parse(out)).toBe(Date.UTC(2025, 8, 16, 2, 30))
  })

  it("refuses invalid input and unknown zones", () => {
    expect(zonedToRfc3339("", "Asia/Jakarta")).toBeNull()
    expect(zonedToRfc3339("2025-02-30T09:00", "Asia/Jakarta")).toBeNull()
    expect(zonedToRfc3339("2025-02-03T25:00", "Asia/Jakarta")).toBeNull()
    expect(zonedToRfc3339("2025-02-03 09:00", "Asia/Jakarta")).toBeNull()
    expect(zonedToRfc3339("2025-02-03T09:00", "Mars/Olympus")).toBeNull()
  })
})

describe("offsets and instants", () => {
  it("computes offsets in minutes", () => {
    expect(offsetMinutesAt(Date.UTC(2025, 0, 1), "Asia/Jakarta")).toBe(420)
    expect(offsetMinutesAt(Date.UTC(2025, 0, 1), "America/St_Johns")).toBe(-210)
    expect(offsetMinutesAt(Date.UTC(2025, 0, 1), "UTC")).toBe(0)
  })

  it("formats offsets", () => {
    expect(formatOffset(420)).toBe("+07:00")
    expect(formatOffset(-210)).toBe("-03:30")
    expect(formatOffset(0)).toBe("+00:00")
  })

  it("writes an instant in a zone", () => {
    expect(instantToRfc3339(Date.UTC(2025, 8, 16, 2, 30), "Asia/Makassar")).toBe("2025-09-16T10:30:00+08:00")
  })
})

describe("rfc3339ToLocalInput", () => {
  it("gives the wall time in the meeting's zone", () => {
    expect(rfc3339ToLocalInput("2025-09-16T09:30:00+07:00", "Asia/Jakarta")).toBe("2025-09-16T09:30")
    expect(rfc3339ToLocalInput("2025-09-16T09:30:00+07:00", "Europe/London")).toBe("2025-09-16T03:30")
  })

  it("falls back to the timestamp's own wall time for an unknown zone", () => {
    expect(rfc3339ToLocalInput("2025-09-16T09:30:00+07:00", "Nowhere/Else")).toBe("2025-09-16T09:30")
  })

  it("gives an empty value for an invalid timestamp", () => {
    expect(rfc3339ToLocalInput("soon", "Asia/Jakarta")).toBe("")
  })

  it("round-trips with zonedToRfc3339", () => {
    const start = zonedToRfc3339("2025-12-09T13:00", "Asia/Jayapura")!
    expect(rfc3339ToLocalInput(start, "Asia/Jayapura")).toBe("2025-12-09T13:00")
  })
})

describe("helpers", () => {
  it("gives the date in a zone", () => {
    expect(dateInZone("2025-09-16T01:00:00+07:00", "Asia/Jakarta")).toBe("2025-09-16")
    expect(dateInZone("2025-09-16T01:00:00+07:00", "UTC")).toBe("2025-09-15")
    expect(dateInZone("not a time", "UTC")).toBeNull()
  })

  it("knows valid zones", () => {
    expect(isValidTimeZone("Asia/Jakarta")).toBe(true)
    expect(isValidTimeZone("")).toBe(false)
    expect(isValidTimeZone("Asia/Nowhere")).toBe(false)
  })

  it("offers the zones, keeping the current one", () => {
    const zones = timeZoneChoices("Custom/Zone")
    expect(zones).toContain("Asia/Jakarta")
    expect(zones).toContain("UTC")
    expect(zones).toContain("Custom/Zone")
    expect([...zones].sort()).toEqual(zones)
  })

  it("proposes the next full hour", () => {
    expect(nextFullHourInput(new Date(2025, 2, 4, 9, 30))).toBe("2025-03-04T10:00")
    expect(nextFullHourInput(new Date(2025, 11, 31, 23, 5))).toBe("2026-01-01T00:00")
  })
})
