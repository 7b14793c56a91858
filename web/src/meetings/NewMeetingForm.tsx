// Planning a meeting: title, when, and in which time zone; then its page.
import type { TargetedSubmitEvent } from "preact"
import { useState } from "preact/hooks"

import { usePartnership } from "../app/context"
import { navigate } from "../app/route"
import { createMeeting, type PlanProblem } from "./createMeeting"
import { t } from "./messages"
import { localTimeZone, nextFullHourInput } from "./time"
import { TimeZoneField } from "./TimeZoneField"

/** The form that creates a meeting and opens it. */
export function NewMeetingForm() {
  const { repo, charterHandle } = usePartnership()
  const [title, setTitle] = useState("")
  const [local, setLocal] = useState(() => nextFullHourInput())
  const [zone, setZone] = useState(localTimeZone)
  const [problem, setProblem] = useState<PlanProblem | null>(null)

  const submit = (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault()
    const created = createMeeting(repo, charterHandle, { title, local, timeZone: zone })
    if (typeof created === "string") {
      setProblem(created)
      return
    }
    navigate({ page: "partnership", charter: charterHandle.url, tab: "meetings", meeting: created.url })
  }

  return (
    <form class="card new-meeting" data-testid="new-meeting" aria-labelledby="new-meeting-heading" noValidate onSubmit={submit}>
      <h3 id="new-meeting-heading">{t("newMeeting")}</h3>
      <label>
        {t("meetingTitle")}
        <input
          value={title}
          required
          data-testid="new-meeting-title"
          aria-invalid={problem === "titleRequired" ? "true" : undefined}
          aria-describedby={problem === "titleRequired" ? "new-meeting-problem" : undefined}
          onInput={(e) => setTitle(e.currentTarget.value)}
        />
      </label>
      <div class="row">
        <label>
          {t("meetingStart")}
          <input
            type="datetime-local"
            value={local}
            required
            data-testid="new-meeting-start"
            aria-invalid={problem === "startInvalid" ? "true" : undefined}
            aria-describedby={problem === "startInvalid" ? "new-meeting-problem" : undefined}
            onInput={(e) => setLocal(e.currentTarget.value)}
          />
        </label>
        <TimeZoneField value={zone} onSelect={setZone} testId="new-meeting-time-zone" />
      </div>
      {problem && (
        <p id="new-meeting-problem" class="error" role="alert">
          {t(problem)}
        </p>
      )}
      <div class="form-actions">
        <button type="submit" data-testid="create-meeting">
          {t("createMeeting")}
        </button>
      </div>
    </form>
  )
}
