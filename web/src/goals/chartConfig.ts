// The Chart.js configuration of an indicator's chart: the measurements as a
// line over time, the baseline and target as dashed horizontal lines, dates
// on the x axis (a linear scale of days, so no date adapter is needed) and
// the unit on the y axis.
import type { ChartConfiguration, ChartDataset, Scale } from "chart.js"

import { formatDate, intlLocale } from "../i18n"
import { t } from "./messages"
import { monthTicks, type ChartSeries, type Point } from "./series"
import { withUnit } from "./summary"

/** The configuration of an indicator's line chart. */
export type IndicatorChartConfig = ChartConfiguration<"line", Point[]>

/** The colours of the lines (those of styles.css: accent, muted, ok). */
const COLOURS = { measured: "#0b57d0", baseline: "#57606a", target: "#146c2e" }

/** The room a date label on the time axis needs, in pixels. */
const TICK_WIDTH_PX = 80

/** A day (ms, UTC midnight) as `YYYY-MM-DD`. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** The chart's configuration; always three datasets (measured, baseline, target), some maybe empty. */
export function chartConfig(series: ChartSeries, unit: string): IndicatorChartConfig {
  const hasDates = series.measured.length > 0 || series.baseline !== null || series.target !== null
  const reference = (label: string, colour: string, points: Point[] | null): ChartDataset<"line", Point[]> => ({
    label,
    data: points ?? [],
    borderColor: colour,
    backgroundColor: colour,
    borderDash: [6, 4],
    borderWidth: 2,
    pointRadius: 0,
    pointHoverRadius: 0,
    pointHitRadius: 0,
  })
  return {
    type: "line",
    data: {
      datasets: [
        {
          label: t("chartMeasured"),
          data: series.measured,
          borderColor: COLOURS.measured,
          backgroundColor: COLOURS.measured,
          borderWidth: 2,
          pointRadius: 3,
          tension: 0,
        },
        reference(t("baseline"), COLOURS.baseline, series.baseline),
        reference(t("target"), COLOURS.target, series.target),
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "nearest", intersect: false },
      scales: {
        x: {
          type: "linear",
          afterBuildTicks: (axis: Scale) => {
            const most = Math.max(2, Math.floor(axis.width / TICK_WIDTH_PX))
            axis.ticks = hasDates ? monthTicks(axis.min, axis.max, most).map((value) => ({ value })) : []
          },
          ticks: {
            callback: (value) =>
              new Date(Number(value)).toLocaleDateString(intlLocale(), { month: "short", year: "numeric", timeZone: "UTC" }),
          },
        },
        y: {
          title: { display: unit !== "", text: unit },
          ticks: { callback: (value) => Number(value).toLocaleString(intlLocale()) },
        },
      },
      plugins: {
        legend: {
          position: "bottom",
          labels: {
            // Drawn as short lines, dashed like the reference lines.
            boxWidth: 28,
            boxHeight: 2,
            filter: (item, data) => (data.datasets[item.datasetIndex ?? 0]?.data.length ?? 0) > 0,
          },
        },
        tooltip: {
          callbacks: {
            title: (items) => (items[0] ? formatDate(isoDay(items[0].parsed.x ?? 0)) : ""),
            label: (item) => `${item.dataset.label ?? ""}: ${withUnit(item.parsed.y ?? 0, unit)}`,
          },
        },
      },
    },
  }
}
