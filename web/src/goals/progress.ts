// How far goals and their indicators are: the same rules as the Rust model
// (`Indicator::latest` and `Indicator::progress` in
// crates/mitra-model/src/charter.rs), so every client shows the same number.
import type { Goal, Indicator, Measurement } from "../generated/model"
import { list, num, str } from "../model/values"

/** The measurements ordered by date, oldest first (equal dates keep their order). */
export function sortedMeasurements(indicator: Indicator): Measurement[] {
  return list(indicator.measurements)
    .map((m, position) => ({ m, position, date: str(m.date) }))
    .sort((a, b) => compareStrings(a.date, b.date) || a.position - b.position)
    .map(({ m }) => m)
}

/** The most recent measurement: the latest date, and of equal dates the last one in the list. */
export function latestMeasurement(indicator: Indicator): Measurement | null {
  let latest: Measurement | null = null
  for (const m of list(indicator.measurements)) {
    if (latest === null || compareStrings(str(m.date), str(latest.date)) >= 0) latest = m
  }
  return latest
}

/**
 * How far the latest measurement is from the baseline towards the target,
 * as a fraction: 0 at the baseline, 1 at the target, possibly below 0 or
 * above 1. `null` without a baseline, a target or a measurement, or when
 * baseline and target are equal.
 */
export function indicatorProgress(indicator: Indicator): number | null {
  const baseline = num(indicator.baseline)
  const target = num(indicator.target)
  if (baseline === null || target === null) return null
  const latest = num(latestMeasurement(indicator)?.value)
  if (latest === null) return null
  const span = target - baseline
  return span === 0 ? null : (latest - baseline) / span
}

/** A progress fraction limited to what a progress bar shows (0 to 1). */
export function clampProgress(fraction: number): number {
  return Math.min(1, Math.max(0, fraction))
}

/** A goal's progress: the mean over its indicators that have one, each limited to 0–1. */
export type GoalProgress = { fraction: number; indicators: number }

/** The goal's overall progress, or `null` when no indicator has progress yet. */
export function goalProgress(goal: Goal): GoalProgress | null {
  const fractions = list(goal.indicators)
    .map(indicatorProgress)
    .filter((p): p is number => p !== null)
    .map(clampProgress)
  if (fractions.length === 0) return null
  const sum = fractions.reduce((a, b) => a + b, 0)
  return { fraction: sum / fractions.length, indicators: fractions.length }
}

/** Compares `YYYY-MM-DD` dates as text, as the Rust model does. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
