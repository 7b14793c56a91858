// How serious a risk is: likelihood × impact on the model's three levels.
import { LEVELS, type Level } from "../generated/model"

/** A risk's rating: its score (1 to 9) and the band it falls in. */
export type RiskRating = {
  /** Likelihood weight × impact weight, each 1 (low) to 3 (high). */
  score: number
  /** The band: low (1–2), medium (3–4) or high (6–9). */
  severity: "low" | "medium" | "high"
}

/** The highest score a risk can have. */
export const MAX_RISK_SCORE = LEVELS.length * LEVELS.length

/** The weight of a level: 1 for low, 2 for medium, 3 for high; null for a level this version does not know. */
export function levelWeight(level: Level | string): number | null {
  const index = (LEVELS as readonly string[]).indexOf(level)
  return index < 0 ? null : index + 1
}

/** Rates a risk; null when its likelihood or impact is a level this version does not know. */
export function riskRating(likelihood: Level | string, impact: Level | string): RiskRating | null {
  const l = levelWeight(likelihood)
  const i = levelWeight(impact)
  if (l === null || i === null) return null
  const score = l * i
  return { score, severity: score >= 6 ? "high" : score >= 3 ? "medium" : "low" }
}
