// An invitation link: what it offers, then joining, with the account signed
// in, a new account, or signing in first.
import { useEffect, useState } from "preact/hooks"

import { roleLabel } from "../access/labels"
import { api, ApiError, type InvitationOffer, type Me } from "../app/api"
import { rememberMe, reloadAt, session, showSession } from "../app/session"
import { formatDateTime } from "../i18n"
import { AccountFields, EMPTY_ACCOUNT } from "./AccountFields"
import { FormAlert } from "./FormAlert"
import { homeOf } from "./home"
import { t, type MessageKey } from "./messages"
import { checkAccount, describeError, trimmed, type Problem } from "./problems"
import { SignInForm } from "./SignInForm"
import { useSubmission } from "./useSubmission"
import "./account.css"

/** Reading the invitation. */
type Reading = { state: "loading" } | { state: "read"; offer: InvitationOffer } | { state: "failed"; message: string }

/** Why an invitation that is not pending cannot be used. */
const SPENT: Record<Exclude<InvitationOffer["status"], "pending">, MessageKey> = {
  expired: "inviteExpired",
  used: "inviteUsed",
  revoked: "inviteRevoked",
}

/**
 * Accepts the invitation for the signed-in account `me`; someone already a
 * member (the server says `conflict`) simply goes in.
 */
async function joinAs(secret: string, me: Me): Promise<Me> {
  try {
    return await api.acceptInvitation(secret)
  } catch (error) {
    if (error instanceof ApiError && error.code === "conflict") return me
    throw error
  }
}

/** The page of the invitation whose secret is in the link. */
export function InvitePage({ secret }: { secret: string }) {
  const [reading, setReading] = useState<Reading>({ state: "loading" })
  useEffect(() => {
    let live = true
    setReading({ state: "loading" })
    api.inspectInvitation(secret).then(
      (offer) => live && setReading({ state: "read", offer }),
      (error: unknown) => live && setReading({ state: "failed", message: describeError(error, { not_found: "inviteInvalid" }) }),
    )
    return () => {
      live = false
    }
  }, [secret])

  if (reading.state === "loading") {
    return (
      <main id="content" class="account-page" aria-busy="true">
        <p>{t("inviteLoading")}</p>
      </main>
    )
  }
  if (reading.state === "failed") {
    return (
      <main id="content" class="account-page">
        <FormAlert message={reading.message} testId="invite-error" />
        <p>
          <a href="#/">{t("toStart")}</a>
        </p>
      </main>
    )
  }
  const { offer } = reading
  return (
    <main id="content" class="account-page" data-testid="invite-page">
      <h1>{t("inviteTitle", { name: offer.partnership.name })}</h1>
      <dl class="invite-terms">
        <dt>{t("inviteRole")}</dt>
        <dd data-testid="invite-role">{roleLabel(offer.role)}</dd>
        <dt>{t("inviteExpires")}</dt>
        <dd data-testid="invite-expires">{formatDateTime(offer.expires_at)}</dd>
      </dl>
      {offer.status === "pending" ? (
        <Join secret={secret} offer={offer} />
      ) : (
        <p class="error" role="alert" data-testid="invite-status" data-status={offer.status}>
          {t(SPENT[offer.status] ?? "inviteInvalid")}
        </p>
      )}
    </main>
  )
}

/** The ways to accept a pending invitation. */
function Join({ secret, offer }: { secret: string; offer: InvitationOffer }) {
  const current = session.value
  const [mode, setMode] = useState<"new" | "existing">("new")
  const submission = useSubmission()
  /** Once joined: remembers the account and opens the partnership. */
  const enter = (me: Me) => {
    rememberMe(me)
    reloadAt(homeOf(me, offer.partnership.id))
  }

  if (current.state === "signed-in") {
    return (
      <div class="card">
        <FormAlert message={submission.error} testId="invite-error" />
        <button
          type="button"
          data-testid="invite-join"
          disabled={submission.busy}
          onClick={() => void submission.run(async () => enter(await joinAs(secret, current.me)))}
        >
          {submission.busy ? t("working") : t("join", { name: current.me.user.display_name })}
        </button>
      </div>
    )
  }
  if (mode === "existing") {
    return (
      <section aria-labelledby="invite-sign-in">
        <h2 id="invite-sign-in">{t("signInToJoin")}</h2>
        <FormAlert message={submission.error} testId="invite-error" />
        <SignInForm
          onSignedIn={async (me) => {
            try {
              enter(await joinAs(secret, me))
            } catch (error) {
              // Signed in all the same: the page now offers to join with the account.
              showSession({ state: "signed-in", me, offline: false })
              submission.fail(describeError(error))
            }
          }}
        />
        <button type="button" class="link-button" data-testid="invite-new-account" onClick={() => setMode("new")}>
          {t("needAccount")}
        </button>
      </section>
    )
  }
  return <NewAccountJoin secret={secret} onJoined={enter} onHaveAccount={() => setMode("existing")} />
}

/** Creates an account that joins with the invitation. */
function NewAccountJoin(props: { secret: string; onJoined: (me: Me) => void; onHaveAccount: () => void }) {
  const [account, setAccount] = useState(EMPTY_ACCOUNT)
  const [problem, setProblem] = useState<Problem | null>(null)
  const submission = useSubmission()
  return (
    <section aria-labelledby="invite-new">
      <h2 id="invite-new">{t("createAccountTitle")}</h2>
      <form
        class="card account-form"
        aria-labelledby="invite-new"
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          const found = checkAccount(account)
          setProblem(found)
          if (found) return
          void submission.run(
            async () => props.onJoined(await api.acceptInvitation(props.secret, trimmed(account))),
            { conflict: "errorUsernameTaken" },
          )
        }}
      >
        <AccountFields prefix="invite" value={account} onValue={setAccount} problem={problem} />
        <FormAlert message={submission.error} testId="invite-error" />
        <div class="form-actions">
          <button type="submit" data-testid="invite-submit" disabled={submission.busy}>
            {submission.busy ? t("working") : t("createAndJoin")}
          </button>
        </div>
      </form>
      <button type="button" class="link-button" data-testid="invite-have-account" onClick={props.onHaveAccount}>
        {t("haveAccount")}
      </button>
    </section>
  )
}
