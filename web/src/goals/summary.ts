// An indicator's state in words, for its card and its chart's accessible
// name: the latest value, the target and the progress between them.
import type { Indicator } from "../generated/model"
import { formatDate } from "../i18n"
import { num, str } from "../model/values"
import { t } from "./messages"
import { formatNumber, formatPercent } from "./numbers"
import { indicatorProgress, latestMeasurement } from "./progress"

/** An indicator's state, in the interface's language. */
export type IndicatorSummary = {
  /** "Latest: 37.2 µg/m³ on 31 Dec 2025", or that there is no measurement. */
  latest: string
  /** "Target: 30 µg/m³ by 31 Dec 2026", or that there is none. */
  target: string
  /** "36% of the way…", or what progress needs. */
  progress: string
  /** The progress fraction (may be below 0 or above 1), or `null`. */
  fraction: number | null
}

/** A value with its unit ("37.2 µg/m³", "84%"). */
export function withUnit(value: number, unit: string): string {
  const n = formatNumber(value)
  if (unit === "") return n
  return unit === "%" ? `${n}%` : `${n} ${unit}`
}

/** Describes an indicator's latest value, target and progress. */
export function indicatorSummary(indicator: Indicator): IndicatorSummary {
  const unit = str(indicator.unit)
  const latest = latestMeasurement(indicator)
  const latestValue = num(latest?.value)
  const target = num(indicator.target)
  const targetDate = str(indicator.targetDate)
  const fraction = indicatorProgress(indicator)
  return {
    latest:
      latest && latestValue !== null
        ? t("latest", { value: withUnit(latestValue, unit), date: formatDate(str(latest.date)) })
        : t("noMeasurements"),
    target:
      target === null
        ? t("noTarget")
        : targetDate
          ? t("targetBy", { value: withUnit(target, unit), date: formatDate(targetDate) })
          : t("targetOnly", { value: withUnit(target, unit) }),
    progress: fraction === null ? t("progressUnknown") : t("progressPercent", { percent: formatPercent(fraction) }),
    fraction,
  }
}
