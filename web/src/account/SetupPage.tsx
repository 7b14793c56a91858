// The first run: the first account, which owns the first partnership; then
// that partnership's charter, and the partnership opens.
import { useState } from "preact/hooks"

import { api } from "../app/api"
import { useServices } from "../app/context"
import { createCharter } from "../app/partnershipDocuments"
import { rememberMe, reloadAt, session } from "../app/session"
import { locale, type Locale } from "../i18n"
import { FormField } from "../ui/fields"
import { AccountFields, EMPTY_ACCOUNT } from "./AccountFields"
import { LanguageSelect } from "../ui/LanguageSelect"
import { FormAlert } from "./FormAlert"
import { createdBySetup, partnershipHash } from "./home"
import { t } from "./messages"
import { checkAccount, describeError, goodName, trimmed, type Problem } from "./problems"
import { useSubmission } from "./useSubmission"
import "./account.css"

/** Sets Mitra up with the secret `mitra serve` printed. */
export function SetupPage({ secret }: { secret: string }) {
  const current = session.value
  if (current.state === "signed-out" && !current.setupNeeded) {
    return (
      <main id="content" class="account-page" data-testid="setup-done">
        <h1>{t("setupTitle")}</h1>
        <p role="status">{t("setupDone")}</p>
        <p>
          <a href="#/signin">{t("signIn")}</a>
        </p>
      </main>
    )
  }
  return <SetupForm secret={secret} />
}

function SetupForm({ secret }: { secret: string }) {
  const { repo } = useServices()
  const [account, setAccount] = useState(EMPTY_ACCOUNT)
  const [confirm, setConfirm] = useState("")
  const [name, setName] = useState("")
  const [language, setLanguage] = useState<Locale>(locale.value)
  const [problem, setProblem] = useState<Problem | null>(null)
  const [charterFailure, setCharterFailure] = useState<string | null>(null)
  const submission = useSubmission()

  const submit = () => {
    const found =
      checkAccount(account, confirm) ??
      (goodName(name) ? null : ({ field: "partnership", message: "problemPartnershipName" } as const))
    setProblem(found)
    if (found) return
    void submission.run(
      async () => {
        const me = await api.completeSetup({ ...trimmed(account), setup_secret: secret, partnership_name: name.trim() })
        rememberMe(me)
        const partnership = createdBySetup(me, name)
        if (!partnership) return reloadAt("#/")
        try {
          const charter = await createCharter(repo, partnership.id, name.trim(), language)
          reloadAt(partnershipHash(charter.documentId))
        } catch (error) {
          setCharterFailure(t("setupCharterFailed", { reason: describeError(error) }))
        }
      },
      { invalid_credentials: "setupBadSecret", conflict: "setupDone" },
    )
  }

  if (charterFailure) {
    return (
      <main id="content" class="account-page">
        <h1>{t("setupTitle")}</h1>
        <FormAlert message={charterFailure} testId="setup-error" />
        <button type="button" onClick={() => reloadAt("#/")}>
          {t("toStart")}
        </button>
      </main>
    )
  }

  return (
    <main id="content" class="account-page" data-testid="setup-page">
      <h1>{t("setupTitle")}</h1>
      <p>{t("setupIntro")}</p>
      <form
        class="card account-form"
        aria-label={t("setupTitle")}
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          submit()
        }}
      >
        <AccountFields
          prefix="setup"
          value={account}
          onValue={setAccount}
          confirm={confirm}
          onConfirm={setConfirm}
          problem={problem}
        />
        <FormField
          label={t("partnershipName")}
          value={name}
          onValue={setName}
          required
          testId="setup-partnership"
          error={problem?.field === "partnership" ? t(problem.message) : null}
          alert
        />
        <LanguageSelect label={t("partnershipLanguage")} value={language} onValue={setLanguage} testId="setup-language" />
        <FormAlert message={submission.error} testId="setup-error" />
        <div class="form-actions">
          <button type="submit" data-testid="setup-submit" disabled={submission.busy}>
            {submission.busy ? t("working") : t("setupSubmit")}
          </button>
        </div>
      </form>
    </main>
  )
}
