import { useState } from "preact/hooks"

import { usePartnership } from "../app/context"
import { list, str } from "../model/values"
import { AddGoalForm } from "./AddGoalForm"
import { GoalCard } from "./GoalCard"
import { t } from "./messages"
import "./goals.css"

/** The goals section of the open partnership: its goals, their indicators and progress. */
export function GoalsView() {
  const { charter } = usePartnership()
  const goals = list(charter.goals)
  const partners = list(charter.partners)
  // The goal just added, whose title field takes the focus.
  const [added, setAdded] = useState<string | null>(null)
  // What the last reordering did, for screen readers.
  const [announcement, setAnnouncement] = useState("")

  return (
    <section class="goals" aria-labelledby="goals-heading">
      <h2 id="goals-heading">{t("heading")}</h2>
      <p class="muted">{t("intro")}</p>
      <AddGoalForm onAdded={setAdded} />
      {goals.length === 0 ? (
        <p class="muted" data-testid="no-goals">
          {t("noGoals")}
        </p>
      ) : (
        <ol class="goal-list" aria-label={t("goalsList")}>
          {goals.map((goal, index) => (
            <li key={str(goal.id)}>
              <GoalCard
                goal={goal}
                index={index}
                count={goals.length}
                partners={partners}
                focusTitle={added === str(goal.id)}
                onMoved={setAnnouncement}
              />
            </li>
          ))}
        </ol>
      )}
      <p class="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
    </section>
  )
}
