// Username and password, then the signed-in account.
import { useState } from "preact/hooks"

import { api, type Me } from "../app/api"
import { rememberMe } from "../app/session"
import { FormField } from "../ui/fields"
import { FormAlert } from "./FormAlert"
import { t } from "./messages"
import { useSubmission } from "./useSubmission"

/** Signs in, then hands the account to `onSignedIn` (which may go on asking the server). */
export function SignInForm({ onSignedIn }: { onSignedIn: (me: Me) => void | Promise<void> }) {
  const [username, setUsername] = useState("")
  const [password, setPassword] = useState("")
  const submission = useSubmission()
  return (
    <form
      class="card account-form"
      aria-label={t("signInTitle")}
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        if (username.trim() === "" || password === "") {
          submission.fail(t("problemSignIn"))
          return
        }
        void submission.run(async () => {
          const me = await api.signIn(username.trim(), password)
          rememberMe(me)
          await onSignedIn(me)
        })
      }}
    >
      <FormField
        label={t("username")}
        value={username}
        onValue={setUsername}
        autoComplete="username"
        required
        testId="signin-username"
      />
      <FormField
        label={t("password")}
        type="password"
        value={password}
        onValue={setPassword}
        autoComplete="current-password"
        required
        testId="signin-password"
      />
      <FormAlert message={submission.error} testId="signin-error" />
      <div class="form-actions">
        <button type="submit" data-testid="signin-submit" disabled={submission.busy}>
          {submission.busy ? t("signingIn") : t("signIn")}
        </button>
      </div>
    </form>
  )
}
