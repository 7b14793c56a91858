// Builders of realistic goal data for this folder's tests.
import * as A from "@automerge/automerge"

import type { Indicator } from "../generated/model"
import { newIndicator } from "../model/create"
import { newMeasurement } from "./create"

/**
 * An indicator with a baseline, a target and measurements given as
 * `[date, value]`, read back from an automerge document (so its values
 * have the types a real document gives).
 */
export function indicatorWith(
  baseline: number | null,
  target: number | null,
  measurements: [string, number][],
  targetDate: string | null = null,
): Indicator {
  const indicator: Indicator = {
    ...newIndicator("Households reached", "households"),
    baseline,
    target,
    targetDate,
    measurements: measurements.map(([date, value]) => newMeasurement(date, value, "Cadre visit logs", "")),
  }
  return A.from({ indicator }).indicator
}
