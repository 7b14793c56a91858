import { useCharterChange } from "../app/context"
import { EnumSelect } from "../ui/fields"
import { setGoalStatus } from "./edit"
import { GOAL_STATUS, t } from "./messages"

/** The goal's status, one of `GOAL_STATUSES` (a status a newer client wrote stays selectable). */
export function StatusSelect({ goalId, status }: { goalId: string; status: string }) {
  const change = useCharterChange()
  return (
    <EnumSelect
      label={t("status")}
      spec={GOAL_STATUS}
      value={status}
      testId="goal-status"
      onChange={(next) => next && change((d) => setGoalStatus(d, goalId, next))}
    />
  )
}
