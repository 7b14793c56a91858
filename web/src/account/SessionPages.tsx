// The pages shown instead of the client while the session says so: asking
// the server, the server out of reach, no account yet, no accounts at all.
import { refreshSession } from "../app/session"
import { t } from "./messages"
import "./account.css"

/** While the server is asked who is signed in. */
export function SessionLoading() {
  return (
    <main id="content" class="account-page" aria-busy="true">
      <p>{t("starting")}</p>
    </main>
  )
}

/** The server cannot be reached and this device has never heard from it. */
export function Unreachable() {
  return (
    <main id="content" class="account-page" data-testid="unreachable">
      <h1>{t("unreachableTitle")}</h1>
      <p>{t("unreachableText")}</p>
      <button type="button" onClick={() => void refreshSession()}>
        {t("retry")}
      </button>
    </main>
  )
}

/** Nobody has an account yet, and the link has no setup secret. */
export function SetupNeeded() {
  return (
    <main id="content" class="account-page">
      <h1>{t("setupTitle")}</h1>
      <p role="alert" data-testid="setup-needed">
        {t("setupNeeded")}
      </p>
    </main>
  )
}

/** An account page (sign-in, setup, invitation) on a server without accounts. */
export function NoAccounts() {
  return (
    <main id="content" class="account-page" data-testid="no-accounts">
      <p>{t("noAccounts")}</p>
      <p>
        <a href="#/">{t("toStart")}</a>
      </p>
    </main>
  )
}
