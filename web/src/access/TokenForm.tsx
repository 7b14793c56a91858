// Creating an API token: a label and a role; its secret is shown once, with
// how a program connects with it.
import { useId, useState } from "preact/hooks"

import { api, type CreatedToken } from "../app/api"
import { syncUrl } from "./connect"
import { CopyField } from "./CopyField"
import { roleLabel, TOKEN_ROLES, type TokenRole } from "./labels"
import { t } from "./messages"
import { RoleSelect } from "./RoleSelect"
import type { Action } from "./useAction"

/** Props of {@link TokenForm}. */
export type TokenFormProps = {
  /** The partnership. */
  partnershipId: string
  /** Runs the request. */
  action: Action
}

/** The new token's secret, its warning, and how to connect with it. */
function TokenSecret({ token, onDone }: { token: CreatedToken; onDone: () => void }) {
  const role = roleLabel(token.role)
  return (
    <div class="created-secret" data-testid="token-created">
      <h3>{t("tokenCreated", { label: token.label, role })}</h3>
      <p class="secret-warning" role="note">
        <strong>{t("tokenWarning", { role })}</strong>
      </p>
      <CopyField label={t("tokenSecret")} value={token.secret} testId="token-secret" />
      <p>{t("tokenConnect")}</p>
      <pre class="connect-example">
        <code>{syncUrl(token.secret)}</code>
      </pre>
      <p class="muted">{t("tokenConnectRepo")}</p>
      <button type="button" class="secondary" onClick={onDone}>
        {t("done")}
      </button>
    </div>
  )
}

/** The token form, and the new token's secret until the person is done with it. */
export function TokenForm({ partnershipId, action }: TokenFormProps) {
  const problemId = useId()
  const [label, setLabel] = useState("")
  const [role, setRole] = useState<TokenRole>("editor")
  const [problem, setProblem] = useState(false)
  const [created, setCreated] = useState<CreatedToken | null>(null)

  async function submit(event: Event) {
    event.preventDefault()
    const trimmed = label.trim()
    setProblem(trimmed === "")
    if (trimmed === "") return
    setCreated(null)
    const token = await action.run(() => api.createToken(partnershipId, trimmed, role))
    if (token) {
      setCreated(token)
      setLabel("")
    }
  }

  return (
    <div class="token-create">
      <form class="access-form" aria-label={t("createToken")} onSubmit={(e) => void submit(e)} noValidate>
        <label>
          {t("label")}
          <input
            type="text"
            value={label}
            placeholder={t("labelPlaceholder")}
            maxLength={200}
            aria-invalid={problem || undefined}
            aria-describedby={problem ? problemId : undefined}
            data-testid="token-label"
            onInput={(e) => {
              setLabel(e.currentTarget.value)
              setProblem(false)
            }}
          />
        </label>
        <RoleSelect label={t("role")} roles={TOKEN_ROLES} value={role} testId="token-role" onChange={setRole} />
        <button type="submit" disabled={action.busy} data-testid="token-create">
          {t("createToken")}
        </button>
      </form>
      {problem && (
        <p id={problemId} class="error" role="alert">
          {t("labelProblem")}
        </p>
      )}
      {created && <TokenSecret token={created} onDone={() => setCreated(null)} />}
    </div>
  )
}
