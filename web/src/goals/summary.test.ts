import { afterEach, describe, expect, it } from "vitest"

import { locale } from "../i18n"
import { indicatorSummary, withUnit } from "./summary"
import { indicatorWith } from "./testing"

afterEach(() => {
  locale.value = "en"
})

describe("indicatorSummary", () => {
  it("says the latest value, the target and the progress", () => {
    locale.value = "en"
    const s = indicatorSummary(indicatorWith(0, 20000, [["2025-11-30", 10420], ["2025-12-31", 11390]], "2026-12-31"))
    expect(s.latest).toBe("Latest: 11,390 households on 31 Dec 2025")
    expect(s.target).toBe("Target: 20,000 households by 31 Dec 2026")
    expect(s.progress).toBe("57% of the way from the baseline to the target")
    expect(s.fraction).toBeCloseTo(0.5695)
  })

  it("speaks Indonesian, with Indonesian number formats", () => {
    locale.value = "id"
    const s = indicatorSummary(indicatorWith(41.2, 30, [["2025-12-31", 37.2]]))
    expect(s.latest).toMatch(/^Terakhir: 37,2 households pada 31 Des 2025$/)
    expect(s.target).toBe("Target: 30 households")
    expect(s.progress).toBe("36% dari nilai awal menuju target")
  })

  it("says what is missing", () => {
    locale.value = "en"
    const s = indicatorSummary(indicatorWith(null, null, []))
    expect([s.latest, s.target, s.fraction]).toEqual(["No measurements yet", "No target set", null])
    expect(s.progress).toMatch(/baseline, a target and a measurement/)
  })
})

describe("withUnit", () => {
  it("puts percentages right after the number", () => {
    locale.value = "en"
    expect(withUnit(84, "%")).toBe("84%")
    expect(withUnit(37.25, "µg/m³")).toBe("37.25 µg/m³")
    expect(withUnit(3, "")).toBe("3")
  })
})
