import { GOAL_STATUSES } from "../generated/model"
import { setGoalStatus } from "./edit"
import { statusLabel, t } from "./messages"
import { useCharterChange } from "./useCharterChange"

/** The goal's status, one of `GOAL_STATUSES` (a status a newer client wrote stays selectable). */
export function StatusSelect({ goalId, status }: { goalId: string; status: string }) {
  const change = useCharterChange()
  const options: string[] = [...GOAL_STATUSES]
  if (status !== "" && !options.includes(status)) options.push(status)
  return (
    <label class="field">
      <span class="field-label">{t("status")}</span>
      <select
        value={status}
        data-testid="goal-status"
        onChange={(e) => {
          const next = e.currentTarget.value
          change((d) => setGoalStatus(d, goalId, next))
        }}
      >
        {options.map((s) => (
          <option key={s} value={s}>
            {statusLabel(s)}
          </option>
        ))}
      </select>
    </label>
  )
}
