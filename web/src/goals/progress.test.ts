import { describe, expect, it } from "vitest"

import { newGoal } from "../model/create"
import { num, str } from "../model/values"
import { clampProgress, goalProgress, indicatorProgress, latestMeasurement, sortedMeasurements } from "./progress"
import { indicatorWith } from "./testing"

describe("latestMeasurement", () => {
  it("takes the latest date, whatever the list order", () => {
    const i = indicatorWith(0, 100, [["2025-03-31", 30], ["2025-12-31", 90], ["2025-06-30", 60]])
    expect(num(latestMeasurement(i)?.value)).toBe(90)
  })

  it("takes the last of equal dates, like the Rust model", () => {
    const i = indicatorWith(0, 100, [["2025-06-30", 60], ["2025-06-30", 61], ["2025-01-31", 10]])
    expect(num(latestMeasurement(i)?.value)).toBe(61)
  })

  it("is null without measurements", () => {
    expect(latestMeasurement(indicatorWith(0, 100, []))).toBeNull()
  })
})

describe("indicatorProgress", () => {
  it("is the share of the way from baseline to target", () => {
    expect(indicatorProgress(indicatorWith(0, 20000, [["2025-12-31", 11390]]))).toBeCloseTo(0.5695)
  })

  it("works for targets below the baseline (a reduction)", () => {
    // PM2.5 from 41.2 down to 30; measured 37.2.
    expect(indicatorProgress(indicatorWith(41.2, 30, [["2025-12-31", 37.2]]))).toBeCloseTo(4 / 11.2)
  })

  it("may go below 0 and above 1", () => {
    expect(indicatorProgress(indicatorWith(0, 120, [["2025-12-31", 123]]))).toBeCloseTo(1.025)
    expect(indicatorProgress(indicatorWith(18.5, 12, [["2025-07-31", 19.2]]))).toBeCloseTo(-0.7 / 6.5)
  })

  it("is null without baseline, target or measurement, or when baseline equals target", () => {
    expect(indicatorProgress(indicatorWith(null, 10, [["2025-01-31", 5]]))).toBeNull()
    expect(indicatorProgress(indicatorWith(0, null, [["2025-01-31", 5]]))).toBeNull()
    expect(indicatorProgress(indicatorWith(0, 10, []))).toBeNull()
    expect(indicatorProgress(indicatorWith(10, 10, [["2025-01-31", 5]]))).toBeNull()
  })
})

describe("sortedMeasurements", () => {
  it("orders by date and keeps the list order of equal dates", () => {
    const i = indicatorWith(0, 1, [["2025-02-28", 2], ["2025-01-31", 1], ["2025-02-28", 3]])
    expect(sortedMeasurements(i).map((m) => [str(m.date), num(m.value)])).toEqual([
      ["2025-01-31", 1],
      ["2025-02-28", 2],
      ["2025-02-28", 3],
    ])
  })
})

describe("goalProgress", () => {
  it("averages the indicators that have progress, each limited to 0–1", () => {
    const goal = newGoal("Clean air")
    goal.indicators = [
      indicatorWith(0, 100, [["2025-12-31", 150]]), // 1.5 → 1
      indicatorWith(0, 100, [["2025-12-31", 50]]), // 0.5
      indicatorWith(null, 100, [["2025-12-31", 50]]), // none
    ]
    expect(goalProgress(goal)).toEqual({ fraction: 0.75, indicators: 2 })
  })

  it("is null when no indicator has progress", () => {
    expect(goalProgress(newGoal("Clean air"))).toBeNull()
  })

  it("clamps", () => {
    expect(clampProgress(-0.2)).toBe(0)
    expect(clampProgress(0.4)).toBe(0.4)
    expect(clampProgress(1.3)).toBe(1)
  })
})
