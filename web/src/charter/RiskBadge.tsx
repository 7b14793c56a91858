// A picture of how serious a risk is: a coloured badge with its level and a
// small likelihood × impact grid, with the whole sentence for screen readers.
import { LEVELS } from "../generated/model"
import { str } from "../model/values"
import { LEVEL } from "./labels"
import { t } from "./messages"
import { MAX_RISK_SCORE, riskRating } from "./risk"

/** A risk's level badge for its likelihood and impact. */
export function RiskBadge({ likelihood, impact }: { likelihood: unknown; impact: unknown }) {
  const l = str(likelihood)
  const i = str(impact)
  const rating = riskRating(l, i)
  const text = rating
    ? t("riskRating", {
        severity: LEVEL.label(rating.severity),
        score: rating.score,
        max: MAX_RISK_SCORE,
        likelihood: LEVEL.label(l),
        impact: LEVEL.label(i),
      })
    : t("riskUnrated")
  return (
    <div
      class={`risk-badge risk-${rating?.severity ?? "unrated"}`}
      role="img"
      aria-label={text}
      title={text}
      data-testid="risk-level"
      data-score={rating?.score ?? ""}
    >
      <RiskGrid likelihood={l} impact={i} />
      <span class="risk-badge-text">
        <strong>{rating ? LEVEL.label(rating.severity) : "?"}</strong>
        {rating && (
          <span class="risk-score">
            {rating.score}/{MAX_RISK_SCORE}
          </span>
        )}
      </span>
    </div>
  )
}

/** The 3 × 3 grid: likelihood left to right, impact bottom to top; the risk's cell marked. */
function RiskGrid({ likelihood, impact }: { likelihood: string; impact: string }) {
  const rows = [...LEVELS].reverse()
  return (
    <span class="risk-grid">
      {rows.map((imp) =>
        LEVELS.map((lik) => {
          const cell = riskRating(lik, imp)
          const here = lik === likelihood && imp === impact
          return <span key={`${imp}-${lik}`} class={`risk-grid-cell risk-${cell?.severity}${here ? " here" : ""}`} />
        }),
      )}
    </span>
  )
}
