// The signed-in person's partnerships: each opens its charter; an owner
// creates the charter of a partnership that has none yet.

import { roleLabel } from "../access/labels"
import type { Partnership } from "../app/api"
import { useServices } from "../app/context"
import { createCharter } from "../app/partnershipDocuments"
import { navigate } from "../app/route"
import { refreshSession } from "../app/session"
import { locale } from "../i18n"
import { FormAlert } from "./FormAlert"
import { partnershipHash } from "./home"
import { t } from "./messages"
import { useSubmission } from "./useSubmission"
import "./account.css"

/** "Your partnerships", from the signed-in account. */
export function PartnershipList({ partnerships }: { partnerships: Partnership[] }) {
  const sorted = [...partnerships].sort((a, b) => a.name.localeCompare(b.name))
  return (
    <section class="card" aria-labelledby="my-partnerships">
      <h2 id="my-partnerships">{t("yourPartnerships")}</h2>
      {sorted.length === 0 ? (
        <p class="muted">{t("noPartnerships")}</p>
      ) : (
        <ul class="partnership-list">
          {sorted.map((p) => (
            <PartnershipItem key={p.id} partnership={p} />
          ))}
        </ul>
      )}
    </section>
  )
}

function PartnershipItem({ partnership }: { partnership: Partnership }) {
  const { repo } = useServices()
  const submission = useSubmission()
  const { id, name, charter, role } = partnership
  return (
    <li data-testid="my-partnership" data-partnership={id}>
      {charter ? <a href={partnershipHash(charter)}>{name}</a> : <span>{name}</span>}
      <span class="partnership-role muted">{roleLabel(role)}</span>
      {!charter && role === "owner" && (
        <button
          type="button"
          class="secondary"
          data-testid="create-charter"
          disabled={submission.busy}
          onClick={() =>
            void submission.run(async () => {
              const handle = await createCharter(repo, id, name, locale.value)
              void refreshSession()
              navigate({ page: "partnership", charter: handle.url, tab: "charter", meeting: null })
            }, { offline: "offlineCreate" })
          }
        >
          {t("createCharter")}
        </button>
      )}
      {!charter && role !== "owner" && <span class="muted">{t("ownerCreatesCharter")}</span>}
      <FormAlert message={submission.error} />
    </li>
  )
}
