import { useState } from "preact/hooks"

import { ServicesContext, type AppServices } from "../app/context"
import { identity } from "../app/identity"
import { route } from "../app/route"
import { ConnectionStatus, IdentityForm, LanguageSwitch } from "./Header"
import { t } from "./messages"
import { PartnershipPage } from "./PartnershipPage"
import { StartPage } from "./StartPage"

/** The whole client. */
export function App({ services }: { services: AppServices }) {
  const [editingIdentity, setEditingIdentity] = useState(false)
  const current = route.value
  const me = identity.value
  const askIdentity = editingIdentity || (me === null && current.page === "partnership")
  return (
    <ServicesContext.Provider value={services}>
      <a class="skip-link" href="#content">
        {t("skipToContent")}
      </a>
      <header class="app-header">
        <a class="brand" href="#/">
          {t("appName")}
        </a>
        <ConnectionStatus />
        <div class="header-tools">
          <LanguageSwitch />
          {me && (
            <button type="button" class="link-button" onClick={() => setEditingIdentity(true)} data-testid="profile">
              <span class="visually-hidden">{t("editProfile")}: </span>
              {me.name}
              {me.organisation ? ` · ${me.organisation}` : ""}
            </button>
          )}
        </div>
      </header>
      {askIdentity && (
        <div class="dialog-backdrop">
          <div role="dialog" aria-modal="true" aria-labelledby="identity-title" class="dialog">
            <IdentityForm onDone={() => setEditingIdentity(false)} />
          </div>
        </div>
      )}
      {current.page === "start" ? <StartPage /> : <PartnershipPage key={current.charter} route={current} />}
    </ServicesContext.Provider>
  )
}
