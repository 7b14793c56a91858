// What an indicator's chart draws: the measurements over time and the
// baseline and target as horizontal lines across the same time span.
import type { Indicator } from "../generated/model"
import { num, str } from "../model/values"
import { sortedMeasurements } from "./progress"

/** A point of the chart: x is a day (ms since the epoch, UTC midnight), y a value. */
export type Point = { x: number; y: number }

/** The lines of an indicator's chart. */
export type ChartSeries = {
  /** The measurements, oldest first (those with an unreadable date or value left out). */
  measured: Point[]
  /** The baseline across the time span, or `null` without a baseline or any date. */
  baseline: Point[] | null
  /** The target across the time span, or `null` without a target or any date. */
  target: Point[] | null
}

/** Half the span shown around a single day, so that a lone point is not on the edge. */
const PAD_MS = 15 * 24 * 60 * 60 * 1000

/** The day of a `YYYY-MM-DD` date as ms since the epoch (UTC), or `null` when it is not one. */
export function dayValue(date: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!match) return null
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const ms = Date.UTC(y, m - 1, d)
  const back = new Date(ms)
  return back.getUTCFullYear() === y && back.getUTCMonth() === m - 1 && back.getUTCDate() === d ? ms : null
}

/**
 * The chart's lines. The reference lines span from the first measurement
 * to the last one or the target date, whichever is later.
 */
export function chartSeries(indicator: Indicator): ChartSeries {
  const measured: Point[] = []
  for (const m of sortedMeasurements(indicator)) {
    const x = dayValue(str(m.date))
    const y = num(m.value)
    if (x !== null && y !== null) measured.push({ x, y })
  }
  const days = measured.map((p) => p.x)
  const targetDay = dayValue(str(indicator.targetDate))
  if (targetDay !== null) days.push(targetDay)
  const span = timeSpan(days)
  const across = (value: number | null): Point[] | null =>
    value === null || span === null ? null : [{ x: span[0], y: value }, { x: span[1], y: value }]
  return { measured, baseline: across(num(indicator.baseline)), target: across(num(indicator.target)) }
}

/** The first and last of `days`, widened around a single day; `null` for none. */
function timeSpan(days: number[]): [number, number] | null {
  if (days.length === 0) return null
  const first = Math.min(...days)
  const last = Math.max(...days)
  return first === last ? [first - PAD_MS, last + PAD_MS] : [first, last]
}

/** Month steps the time axis may use, in months. */
const MONTH_STEPS = [1, 2, 3, 6, 12, 24, 60]

/**
 * Ticks for a time axis from `min` to `max` (ms): the first days of months
 * (UTC), every 1, 2, 3, 6, 12… months so that there are at most `most`,
 * aligned on the calendar (quarters start in January, April…).
 */
export function monthTicks(min: number, max: number, most = 6): number[] {
  if (!(max >= min)) return []
  const start = new Date(min)
  const end = new Date(max)
  // Months counted from year 0; the first one starting on or after `min`.
  let first = start.getUTCFullYear() * 12 + start.getUTCMonth()
  if (monthStart(first) < min) first += 1
  const last = end.getUTCFullYear() * 12 + end.getUTCMonth()
  const months = last - first + 1
  const step = MONTH_STEPS.find((s) => Math.ceil(months / s) <= most) ?? Math.ceil(months / most)
  const ticks: number[] = []
  for (let m = Math.ceil(first / step) * step; m <= last; m += step) ticks.push(monthStart(m))
  return ticks
}

/** The first day (UTC) of the month counted from year 0. */
function monthStart(month: number): number {
  return Date.UTC(Math.floor(month / 12), month % 12, 1)
}
