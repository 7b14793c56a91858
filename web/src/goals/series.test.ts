import { describe, expect, it } from "vitest"

import { chartSeries, dayValue, monthTicks } from "./series"
import { indicatorWith } from "./testing"

const day = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)))

describe("dayValue", () => {
  it("reads real dates only", () => {
    expect(dayValue("2025-02-28")).toBe(day("2025-02-28"))
    expect(dayValue("2025-02-30")).toBeNull()
    expect(dayValue("28/02/2025")).toBeNull()
    expect(dayValue("")).toBeNull()
  })
})

describe("chartSeries", () => {
  it("sorts the measurements by date and spans the reference lines to the target date", () => {
    const s = chartSeries(indicatorWith(0, 120, [["2025-03-31", 24], ["2025-01-31", 8], ["2025-02-28", 15]], "2025-12-31"))
    expect(s.measured).toEqual([
      { x: day("2025-01-31"), y: 8 },
      { x: day("2025-02-28"), y: 15 },
      { x: day("2025-03-31"), y: 24 },
    ])
    expect(s.baseline).toEqual([{ x: day("2025-01-31"), y: 0 }, { x: day("2025-12-31"), y: 0 }])
    expect(s.target).toEqual([{ x: day("2025-01-31"), y: 120 }, { x: day("2025-12-31"), y: 120 }])
  })

  it("ends the lines at the last measurement when it is after the target date", () => {
    const s = chartSeries(indicatorWith(0, 10, [["2025-01-31", 1], ["2025-06-30", 12]], "2025-03-31"))
    expect(s.target?.map((p) => p.x)).toEqual([day("2025-01-31"), day("2025-06-30")])
  })

  it("leaves out measurements with an unreadable date", () => {
    const s = chartSeries(indicatorWith(0, 10, [["someday", 1], ["2025-06-30", 2]]))
    expect(s.measured).toEqual([{ x: day("2025-06-30"), y: 2 }])
  })

  it("widens a single day so the lines have a length", () => {
    const s = chartSeries(indicatorWith(5, 10, [["2025-06-30", 7]]))
    const [from, to] = s.baseline!.map((p) => p.x)
    expect(from).toBeLessThan(day("2025-06-30"))
    expect(to).toBeGreaterThan(day("2025-06-30"))
  })

  it("draws no reference line without its value or without any date", () => {
    expect(chartSeries(indicatorWith(null, 10, [["2025-06-30", 7]])).baseline).toBeNull()
    const empty = chartSeries(indicatorWith(0, 10, []))
    expect(empty).toEqual({ measured: [], baseline: null, target: null })
  })
})

describe("monthTicks", () => {
  it("puts a tick on the first of each month when few months are shown", () => {
    expect(monthTicks(day("2025-01-15"), day("2025-04-30"))).toEqual([
      day("2025-02-01"),
      day("2025-03-01"),
      day("2025-04-01"),
    ])
  })

  it("starts on the first day itself when the span begins on one", () => {
    expect(monthTicks(day("2025-01-01"), day("2025-02-01"))[0]).toBe(day("2025-01-01"))
  })

  it("spaces the ticks to at most six, on calendar half-years, quarters…", () => {
    const ticks = monthTicks(day("2025-01-31"), day("2026-12-31"))
    expect(ticks.length).toBeLessThanOrEqual(6)
    expect(ticks).toEqual([day("2025-07-01"), day("2026-01-01"), day("2026-07-01")])
  })

  it("uses two-month steps for a year", () => {
    expect(monthTicks(day("2025-01-31"), day("2025-12-31"))).toEqual(
      ["2025-03-01", "2025-05-01", "2025-07-01", "2025-09-01", "2025-11-01"].map(day),
    )
  })

  it("has none for an empty span", () => {
    expect(monthTicks(day("2025-01-02"), day("2025-01-20"))).toEqual([])
    expect(monthTicks(10, 5)).toEqual([])
  })
})
