import { useRef, useState } from "preact/hooks"

import { useCharterChange } from "../app/context"
import type { Goal } from "../generated/model"
import { newIndicator } from "../model/create"
import { list, str } from "../model/values"
import { FormField } from "../ui/fields"
import { addIndicator } from "./edit"
import { IndicatorCard } from "./IndicatorCard"
import { t } from "./messages"

/** A goal's indicators, and a form to add one. */
export function IndicatorList({ goal }: { goal: Goal }) {
  const goalId = str(goal.id)
  const indicators = list(goal.indicators)
  return (
    <section class="goal-indicators" aria-labelledby={`goal-${goalId}-indicators`}>
      <h4 id={`goal-${goalId}-indicators`}>{t("indicators")}</h4>
      {indicators.length === 0 ? (
        <p class="muted">{t("noIndicators")}</p>
      ) : (
        indicators.map((indicator) => <IndicatorCard key={str(indicator.id)} goalId={goalId} indicator={indicator} />)
      )}
      <AddIndicatorForm goalId={goalId} />
    </section>
  )
}

function AddIndicatorForm({ goalId }: { goalId: string }) {
  const change = useCharterChange()
  const [name, setName] = useState("")
  const [unit, setUnit] = useState("")
  const input = useRef<HTMLInputElement>(null)

  const submit = (e: Event) => {
    e.preventDefault()
    if (name.trim() === "") {
      input.current?.focus()
      return
    }
    const indicator = newIndicator(name.trim(), unit.trim())
    change((d) => addIndicator(d, goalId, indicator))
    setName("")
    setUnit("")
  }

  return (
    <form class="add-form" onSubmit={submit}>
      <FormField
        label={t("newIndicatorName")}
        value={name}
        onValue={setName}
        required
        testId="new-indicator-name"
        inputRef={input}
        class="grow"
      />
      <FormField label={t("newIndicatorUnit")} value={unit} onValue={setUnit} testId="new-indicator-unit" />
      <button type="submit" class="secondary" data-testid="add-indicator">
        {t("addIndicator")}
      </button>
    </form>
  )
}
