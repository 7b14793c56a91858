import { formatPercent } from "./numbers"
import { clampProgress } from "./progress"

/**
 * A progress fraction as a bar and a percentage. The bar stops at 0 and
 * 100%; the percentage shows the real value (a target overshot: 103%).
 */
export function ProgressBar({ fraction, label, testId }: { fraction: number; label: string; testId?: string }) {
  const percent = formatPercent(fraction)
  return (
    <span class="progress-line" data-testid={testId} data-progress={fraction.toFixed(4)}>
      <progress max={100} value={Math.round(clampProgress(fraction) * 100)} aria-label={label} aria-valuetext={percent} />
      <span class="progress-percent" aria-hidden="true">
        {percent}
      </span>
    </span>
  )
}
