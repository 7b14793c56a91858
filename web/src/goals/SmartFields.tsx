import { useCharterChange } from "../app/context"
import type { Goal } from "../generated/model"
import { str } from "../model/values"
import { DateField, TextField } from "../ui/fields"
import { setSmartText, setTimeBound, type SmartText } from "./edit"
import { t } from "./messages"

const PARTS: { part: SmartText; label: () => string; testId: string }[] = [
  { part: "specific", label: () => t("smartSpecific"), testId: "goal-specific" },
  { part: "measurable", label: () => t("smartMeasurable"), testId: "goal-measurable" },
  { part: "achievable", label: () => t("smartAchievable"), testId: "goal-achievable" },
  { part: "relevant", label: () => t("smartRelevant"), testId: "goal-relevant" },
]

/** The goal's SMART parts: specific, measurable, achievable, relevant, time-bound. */
export function SmartFields({ goal }: { goal: Goal }) {
  const change = useCharterChange()
  const goalId = str(goal.id)
  return (
    <fieldset class="goal-smart">
      <legend>{t("smart")}</legend>
      <div class="smart-grid">
        {PARTS.map(({ part, label, testId }) => (
          <TextField
            key={part}
            multiline
            label={label()}
            value={str(goal.smart[part])}
            onCommit={(text) => change((d) => setSmartText(d, goalId, part, text))}
            testId={testId}
          />
        ))}
        <DateField
          label={t("smartTimeBound")}
          value={str(goal.smart.timeBound) || null}
          onCommit={(date) => change((d) => setTimeBound(d, goalId, date))}
          testId="goal-time-bound"
          class="smart-date"
        />
      </div>
    </fieldset>
  )
}
