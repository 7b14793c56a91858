import { useRef, useState } from "preact/hooks"

import { useCharterChange } from "../app/context"
import { newGoal } from "../model/create"
import { str } from "../model/values"
import { FormField } from "../ui/fields"
import { addGoal } from "./edit"
import { t } from "./messages"

/** Adds a goal with the title the person typed; tells `onAdded` its id. */
export function AddGoalForm({ onAdded }: { onAdded: (goalId: string) => void }) {
  const change = useCharterChange()
  const [title, setTitle] = useState("")
  const input = useRef<HTMLInputElement>(null)

  const submit = (e: Event) => {
    e.preventDefault()
    const trimmed = title.trim()
    if (trimmed === "") {
      input.current?.focus()
      return
    }
    const goal = newGoal(trimmed)
    change((d) => addGoal(d, goal))
    setTitle("")
    onAdded(str(goal.id))
  }

  return (
    <form class="add-form add-goal" onSubmit={submit}>
      <FormField
        label={t("newGoalTitle")}
        value={title}
        onValue={setTitle}
        required
        placeholder={t("newGoalPlaceholder")}
        testId="new-goal-title"
        inputRef={input}
        class="grow"
      />
      <button type="submit" data-testid="add-goal">
        {t("addGoal")}
      </button>
    </form>
  )
}
