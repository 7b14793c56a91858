import { Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from "chart.js"
import { useEffect, useMemo, useRef } from "preact/hooks"

import type { Indicator } from "../generated/model"
import { locale } from "../i18n"
import { str } from "../model/values"
import { chartConfig } from "./chartConfig"
import { chartSeries, type Point } from "./series"

// Only what a line chart on linear scales needs, so the rest stays out of the bundle.
Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip)

/**
 * An indicator's progress chart: measurements over time against the
 * baseline and the target. Updated in place when the indicator changes.
 * `label` is the chart's accessible name (its data is also in a table).
 */
export function IndicatorChart({ indicator, label }: { indicator: Indicator; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null)
  const chart = useRef<Chart<"line", Point[]> | null>(null)
  const language = locale.value
  const config = useMemo(() => chartConfig(chartSeries(indicator), str(indicator.unit)), [indicator, language])
  const latest = useRef(config)
  latest.current = config

  useEffect(() => {
    const el = canvas.current
    // No 2D context (an old browser, a test DOM): the table below still has the data.
    if (!el || !el.getContext("2d")) return
    const created = new Chart(el, latest.current)
    chart.current = created
    return () => {
      created.destroy()
      chart.current = null
    }
  }, [])

  useEffect(() => {
    const current = chart.current
    if (!current) return
    // Keep the dataset objects, so the lines move to their new places.
    current.data.datasets.forEach((dataset, i) => {
      const next = config.data.datasets[i]
      if (!next) return
      dataset.data = next.data
      dataset.label = next.label
    })
    current.options = config.options ?? {}
    current.update()
  }, [config])

  return (
    <div class="indicator-chart">
      <canvas ref={canvas} role="img" aria-label={label} data-testid="indicator-chart" />
    </div>
  )
}
