import { useEffect, useRef } from "preact/hooks"

import { useCharterChange } from "../app/context"
import { deleteGoal, moveGoal } from "./edit"
import { t } from "./messages"

/** What the toolbar of a goal needs. */
export type GoalToolbarProps = {
  /** The goal's id. */
  goalId: string
  /** Its title, for labels and the confirmation. */
  title: string
  /** Its position. */
  index: number
  /** How many goals there are. */
  count: number
  /** Announces where a move put the goal. */
  onMoved: (announcement: string) => void
}

/** Move up, Move down and Delete for one goal. The focus follows the moved goal. */
export function GoalToolbar({ goalId, title, index, count, onMoved }: GoalToolbarProps) {
  const change = useCharterChange()
  const up = useRef<HTMLButtonElement>(null)
  const down = useRef<HTMLButtonElement>(null)
  const moved = useRef(0)
  const name = title || t("untitled")

  // After a move the goal's card is drawn again at its new place: keep the
  // focus on the button used, or on the other one at either end.
  useEffect(() => {
    if (moved.current === 0) return
    const [preferred, other] = moved.current < 0 ? [up.current, down.current] : [down.current, up.current]
    ;(preferred && !preferred.disabled ? preferred : other)?.focus()
    moved.current = 0
  }, [index])

  const move = (delta: number) => {
    let done = false
    change((d) => {
      done = moveGoal(d, goalId, delta)
    })
    if (!done) return
    moved.current = delta
    onMoved(t("movedTo", { title: name, position: index + delta + 1, count }))
  }
  const remove = () => {
    if (window.confirm(t("confirmDeleteGoal", { title: name }))) {
      change((d) => deleteGoal(d, goalId))
    }
  }

  return (
    <div class="goal-toolbar">
      <button
        type="button"
        class="secondary"
        ref={up}
        disabled={index === 0}
        onClick={() => move(-1)}
        aria-label={t("moveUpLabel", { title: name })}
        data-testid="move-goal-up"
      >
        <span aria-hidden="true">↑ </span>
        {t("moveUp")}
      </button>
      <button
        type="button"
        class="secondary"
        ref={down}
        disabled={index === count - 1}
        onClick={() => move(1)}
        aria-label={t("moveDownLabel", { title: name })}
        data-testid="move-goal-down"
      >
        <span aria-hidden="true">↓ </span>
        {t("moveDown")}
      </button>
      <button type="button" class="danger" onClick={remove} aria-label={t("deleteGoalLabel", { title: name })} data-testid="delete-goal">
        {t("deleteGoal")}
      </button>
    </div>
  )
}
