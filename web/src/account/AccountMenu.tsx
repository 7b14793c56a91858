// The header's account: who is signed in, whether that is only the last
// sign-in known offline, and signing out.
import { useState } from "preact/hooks"

import type { Me } from "../app/api"
import { signOut } from "../app/session"
import { t } from "./messages"
import { describeError } from "./problems"
import "./account.css"

/** The signed-in person's name · organisation and the sign-out button. */
export function AccountMenu({ me, offline }: { me: Me; offline: boolean }) {
  const [error, setError] = useState<string | null>(null)
  const { display_name, organisation } = me.user
  return (
    <div class="account-menu">
      <span class="account-name" data-testid="account">
        <span class="visually-hidden">{t("signedInAs")} </span>
        {display_name}
        {organisation ? ` · ${organisation}` : ""}
      </span>
      {offline && (
        <span class="session-offline" data-testid="session-offline">
          {t("offlineSession")}
        </span>
      )}
      <button
        type="button"
        class="secondary"
        data-testid="sign-out"
        onClick={() => {
          setError(null)
          signOut().catch((failure: unknown) => setError(describeError(failure, { offline: "signOutOffline" })))
        }}
      >
        {t("signOut")}
      </button>
      {error && (
        <p class="error account-error" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}
