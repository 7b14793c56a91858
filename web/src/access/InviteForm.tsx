// Inviting someone: a role and how many days the link stays valid; the
// link is shown once, to copy and send.
import { useId, useState } from "preact/hooks"

import { api, type CreatedInvitation, type Role } from "../app/api"
import { CopyField } from "./CopyField"
import { DEFAULT_EXPIRY_DAYS, daysToHours, MAX_EXPIRY_DAYS, MIN_EXPIRY_DAYS, parseExpiryDays } from "./expiry"
import { roleLabel, ROLES } from "./labels"
import { t } from "./messages"
import { RoleSelect } from "./RoleSelect"
import { formatDay } from "./time"
import type { Action } from "./useAction"

/** Props of {@link InviteForm}. */
export type InviteFormProps = {
  /** The partnership. */
  partnershipId: string
  /** Runs the request. */
  action: Action
}

/** The invitation form, and the new invitation's link until the person is done with it. */
export function InviteForm({ partnershipId, action }: InviteFormProps) {
  const headingId = useId()
  const problemId = useId()
  const [role, setRole] = useState<Role>("editor")
  const [days, setDays] = useState(String(DEFAULT_EXPIRY_DAYS))
  const [problem, setProblem] = useState(false)
  const [created, setCreated] = useState<CreatedInvitation | null>(null)

  async function submit(event: Event) {
    event.preventDefault()
    const valid = parseExpiryDays(days)
    setProblem(valid === null)
    if (valid === null) return
    setCreated(null)
    const invitation = await action.run(() => api.invite(partnershipId, role, daysToHours(valid)))
    if (invitation) setCreated(invitation)
  }

  return (
    <div class="invite">
      <h3 id={headingId}>{t("invite")}</h3>
      <p class="muted">{t("inviteIntro")}</p>
      <form class="access-form" aria-labelledby={headingId} onSubmit={(e) => void submit(e)} noValidate>
        <RoleSelect label={t("role")} roles={ROLES} value={role} testId="invite-role" onChange={setRole} />
        <label>
          {t("expiresInDays")}
          <input
            type="number"
            inputMode="numeric"
            min={MIN_EXPIRY_DAYS}
            max={MAX_EXPIRY_DAYS}
            step={1}
            value={days}
            aria-invalid={problem || undefined}
            aria-describedby={problem ? problemId : undefined}
            data-testid="invite-days"
            onInput={(e) => {
              setDays(e.currentTarget.value)
              setProblem(false)
            }}
          />
        </label>
        <button type="submit" disabled={action.busy} data-testid="invite-create">
          {t("createInvitation")}
        </button>
      </form>
      {problem && (
        <p id={problemId} class="error" role="alert">
          {t("expiryProblem", { min: MIN_EXPIRY_DAYS, max: MAX_EXPIRY_DAYS })}
        </p>
      )}
      {created && (
        <div class="created-secret" data-testid="invitation-created">
          <CopyField label={t("invitationLink")} value={created.link} testId="invitation-link" />
          <p>{t("invitationCreated", { role: roleLabel(created.role), date: formatDay(created.expires_at) })}</p>
          <button type="button" class="secondary" onClick={() => setCreated(null)}>
            {t("done")}
          </button>
        </div>
      )}
    </div>
  )
}
