// Planning a meeting: title, when, and in which time zone; then its page.
import type { TargetedSubmitEvent } from "preact"
import { useState } from "preact/hooks"

import { useSubmission } from "../account/useSubmission"
import { usePartnership } from "../app/context"
import { navigate } from "../app/route"
import { session } from "../app/session"
import { createMeeting, createMeetingInPartnership, type PlanProblem } from "./createMeeting"
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
  const submission = useSubmission()

  const submit = (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault()
    const plan = { title, local, timeZone: zone }
    void submission.run(
      async () => {
        // With accounts, the server first learns which partnership the meeting joins.
        const created =
          session.peek().state === "open"
            ? createMeeting(repo, charterHandle, plan)
            : await createMeetingInPartnership(repo, charterHandle, plan)
        setProblem(typeof created === "string" ? created : null)
        if (typeof created !== "string") {
          navigate({ page: "partnership", charter: charterHandle.url, tab: "meetings", meeting: created.url })
        }
      },
      { offline: "offlineCreate" },
    )
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
      {submission.error && (
        <p class="error" role="alert" data-testid="new-meeting-failure">
          {submission.error}
        </p>
      )}
      <div class="form-actions">
        <button type="submit" data-testid="create-meeting" disabled={submission.busy}>
          {t("createMeeting")}
        </button>
      </div>
    </form>
  )
}
