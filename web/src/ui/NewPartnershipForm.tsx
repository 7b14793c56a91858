// Starting a new partnership: its charter document. With accounts, the
// partnership is made on the server first (the person owns it), then its
// charter is claimed for it and created.
import { useState } from "preact/hooks"

import { FormAlert } from "../account/FormAlert"
import { useSubmission } from "../account/useSubmission"
import { api } from "../app/api"
import { useServices } from "../app/context"
import { createCharter } from "../app/partnershipDocuments"
import { navigate } from "../app/route"
import { refreshSession, session } from "../app/session"
import { locale, type Locale } from "../i18n"
import { newCharter } from "../model/create"
import { LanguageSelect } from "./LanguageSelect"
import { t } from "./messages"

/** The form that starts a partnership and opens its charter. */
export function NewPartnershipForm() {
  const { repo } = useServices()
  const [name, setName] = useState("")
  const [language, setLanguage] = useState<Locale>(locale.value)
  const submission = useSubmission()
  const accounts = session.value.state !== "open"

  const submit = () => {
    const chosen = name.trim()
    if (chosen === "") return
    if (!accounts) {
      const handle = repo.create(newCharter(chosen, language))
      navigate({ page: "partnership", charter: handle.url, tab: "charter", meeting: null })
      return
    }
    void submission.run(async () => {
      const partnership = await api.createPartnership(chosen)
      try {
        const handle = await createCharter(repo, partnership.id, chosen, language)
        navigate({ page: "partnership", charter: handle.url, tab: "charter", meeting: null })
      } finally {
        // The account's list now has the partnership (with its charter, or offering to create it).
        void refreshSession()
      }
    }, { offline: "offlineCreate" })
  }

  return (
    <form
      class="card"
      aria-labelledby="new-partnership"
      onSubmit={(e) => {
        e.preventDefault()
        submit()
      }}
    >
      <h2 id="new-partnership">{t("newPartnership")}</h2>
      <label>
        {t("partnershipName")}
        <input
          required
          maxLength={200}
          value={name}
          data-testid="new-partnership-name"
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <LanguageSelect
        label={t("partnershipLanguage")}
        value={language}
        onValue={setLanguage}
        testId="new-partnership-language"
      />
      <FormAlert message={submission.error} testId="new-partnership-error" />
      <button type="submit" data-testid="new-partnership-submit" disabled={submission.busy}>
        {t("create")}
      </button>
    </form>
  )
}
