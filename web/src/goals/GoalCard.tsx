import type { DocHandle } from "@automerge/automerge-repo"
import { useEffect, useRef } from "preact/hooks"

import { useCharterChange, usePartnership } from "../app/context"
import { CollaborativeText } from "../editor/CollaborativeText"
import type { Goal, Partner } from "../generated/model"
import { str } from "../model/values"
import { TextField } from "../ui/fields"
import { setGoalTitle } from "./edit"
import { GoalSummary } from "./GoalSummary"
import { GoalToolbar } from "./GoalToolbar"
import { IndicatorList } from "./IndicatorList"
import { t } from "./messages"
import { OwnersField } from "./OwnersField"
import { SmartFields } from "./SmartFields"
import { StatusSelect } from "./StatusSelect"

/** What a goal's card shows and edits. */
export type GoalCardProps = {
  /** The goal. */
  goal: Goal
  /** Its position in the charter's goals. */
  index: number
  /** How many goals there are. */
  count: number
  /** The charter's partners, the possible owners. */
  partners: readonly Partner[]
  /** Focus the title field (the goal was just added here). */
  focusTitle: boolean
  /** Announces where a move put the goal. */
  onMoved: (announcement: string) => void
}

/** One goal: its summary, its fields, its SMART parts and its indicators. */
export function GoalCard({ goal, index, count, partners, focusTitle, onMoved }: GoalCardProps) {
  const { charterHandle, presence } = usePartnership()
  const change = useCharterChange()
  const id = str(goal.id)
  const title = str(goal.title)
  const headingId = `goal-${id}-heading`
  const article = useRef<HTMLElement>(null)

  useEffect(() => {
    if (!focusTitle || !article.current) return
    article.current.scrollIntoView({ block: "start" })
    article.current.querySelector<HTMLInputElement>('[data-testid="goal-title"]')?.focus()
  }, [focusTitle])

  return (
    <article class="card goal" data-testid="goal" data-goal-id={id} aria-labelledby={headingId} ref={article}>
      <header class="goal-header">
        <h3 id={headingId} class="goal-heading">
          {title || t("untitled")}
        </h3>
        <GoalToolbar goalId={id} title={title} index={index} count={count} onMoved={onMoved} />
        <GoalSummary goal={goal} partners={partners} />
      </header>
      <div class="goal-main">
        <div class="goal-fields">
          <TextField
            label={t("goalTitle")}
            ariaLabel={t("goalTitle")}
            value={title}
            onCommit={(text) => change((d) => setGoalTitle(d, id, text))}
            testId="goal-title"
          />
          <StatusSelect goalId={id} status={str(goal.status)} />
          <OwnersField goal={goal} partners={partners} />
        </div>
        <div class="goal-description">
          <span class="field-label" aria-hidden="true">
            {t("description")}
          </span>
          <CollaborativeText
            key={id}
            handle={charterHandle as DocHandle<unknown>}
            path={["goals", index, "description"]}
            field={`goal:${id}:description`}
            label={t("description")}
            presence={presence}
            placeholder={t("descriptionPlaceholder")}
            testId="goal-description"
          />
        </div>
      </div>
      <SmartFields goal={goal} />
      <IndicatorList goal={goal} />
    </article>
  )
}
