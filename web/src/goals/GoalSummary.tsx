import { GOAL_STATUSES, type Goal, type Partner } from "../generated/model"
import { str } from "../model/values"
import { ownerIds } from "./edit"
import { statusLabel, t } from "./messages"
import { goalProgress } from "./progress"
import { ProgressBar } from "./ProgressBar"

/** A goal at a glance: its status, its owners and its overall progress. */
export function GoalSummary({ goal, partners }: { goal: Goal; partners: readonly Partner[] }) {
  const status = str(goal.status)
  const names = ownerIds(goal).map((id) => str(partners.find((p) => str(p.id) === id)?.name) || id)
  const progress = goalProgress(goal)
  const title = str(goal.title) || t("untitled")
  return (
    <div class="goal-summary">
      <p class="goal-meta">
        <span class={`status-badge status-${(GOAL_STATUSES as readonly string[]).includes(status) ? status : "other"}`} data-testid="goal-status-label">
          {statusLabel(status)}
        </span>
        <span class="goal-owners" data-testid="goal-owners">
          {names.length > 0 ? t("ownersOf", { names: names.join(", ") }) : t("noOwner")}
        </span>
      </p>
      <p class="goal-progress">
        {progress === null ? (
          <span class="muted">{t("noProgress")}</span>
        ) : (
          <>
            <ProgressBar fraction={progress.fraction} label={t("progressOf", { title })} testId="goal-progress" />
            <span class="muted">
              {progress.indicators === 1 ? t("goalProgressOne") : t("goalProgress", { count: progress.indicators })}
            </span>
          </>
        )}
      </p>
    </div>
  )
}
