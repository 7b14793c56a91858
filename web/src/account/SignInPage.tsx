// The sign-in page: shown for every page while nobody is signed in, then
// back to the page the person was going to.
import { reloadAt } from "../app/session"
import { t } from "./messages"
import { SignInForm } from "./SignInForm"
import "./account.css"

/** Signs in, then loads the client again at `next` (a location fragment). */
export function SignInPage({ next }: { next: string }) {
  return (
    <main id="content" class="account-page" data-testid="signin-page">
      <h1>{t("signInTitle")}</h1>
      <p>{t("signInIntro")}</p>
      <SignInForm onSignedIn={() => reloadAt(next)} />
      <p class="muted">{t("noAccount")}</p>
    </main>
  )
}
