import { useState } from "preact/hooks"

import { useCharterChange } from "../app/context"
import type { Indicator } from "../generated/model"
import { formatDate } from "../i18n"
import { list, str, today } from "../model/values"
import { FormField } from "../ui/fields"
import { newFeedback } from "./create"
import { addFeedback, deleteFeedback } from "./edit"
import { t } from "./messages"

/** What the feedback of an indicator needs. */
type FeedbackProps = { goalId: string; indicator: Indicator }

/** An indicator's qualitative feedback (newest first), and a form to add some. */
export function FeedbackList({ goalId, indicator }: FeedbackProps) {
  const change = useCharterChange()
  const id = str(indicator.id)
  const items = [...list(indicator.feedback)].sort((a, b) => str(b.date).localeCompare(str(a.date)))

  return (
    <div class="feedback">
      <h6>{t("feedback")}</h6>
      {items.length === 0 ? (
        <p class="muted">{t("noFeedback")}</p>
      ) : (
        <ul class="feedback-list">
          {items.map((f) => {
            const fId = str(f.id)
            const source = str(f.source)
            return (
              <li key={fId} data-testid="feedback" data-feedback-id={fId}>
                <blockquote>{str(f.text)}</blockquote>
                <p class="feedback-by">
                  <span>
                    — {source}
                    {source && ", "}
                    <time dateTime={str(f.date)}>{formatDate(str(f.date))}</time>
                  </span>
                  <button
                    type="button"
                    class="danger small"
                    onClick={() => change((d) => deleteFeedback(d, goalId, id, fId))}
                    aria-label={t("deleteFeedbackLabel", { source: source || formatDate(str(f.date)) })}
                    data-testid="delete-feedback"
                  >
                    {t("deleteFeedback")}
                  </button>
                </p>
              </li>
            )
          })}
        </ul>
      )}
      <AddFeedbackForm goalId={goalId} indicator={indicator} />
    </div>
  )
}

function AddFeedbackForm({ goalId, indicator }: FeedbackProps) {
  const change = useCharterChange()
  const id = str(indicator.id)
  const [date, setDate] = useState(today)
  const [source, setSource] = useState("")
  const [text, setText] = useState("")

  const submit = (e: Event) => {
    e.preventDefault()
    if (text.trim() === "" || date === "") return
    const feedback = newFeedback(date, source.trim(), text.trim())
    change((d) => addFeedback(d, goalId, id, feedback))
    setSource("")
    setText("")
  }

  return (
    <form class="add-form" onSubmit={submit} aria-label={t("newFeedback")}>
      <FormField label={t("date")} type="date" value={date} onValue={setDate} required testId="feedback-date" />
      <FormField label={t("feedbackSource")} value={source} onValue={setSource} testId="feedback-source" />
      <FormField
        label={t("feedbackText")}
        value={text}
        onValue={setText}
        required
        multiline
        testId="feedback-text"
        class="grow"
      />
      <button type="submit" class="secondary" data-testid="add-feedback">
        {t("addFeedback")}
      </button>
    </form>
  )
}
