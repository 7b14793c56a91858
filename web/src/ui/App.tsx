import { effect } from "@preact/signals"
import { useEffect, useState } from "preact/hooks"

import { AccountMenu } from "../account/AccountMenu"
import { InvitePage } from "../account/InvitePage"
import { NoAccounts, SessionLoading, SetupNeeded, Unreachable } from "../account/SessionPages"
import { SetupPage } from "../account/SetupPage"
import { SignInPage } from "../account/SignInPage"
import { ServicesContext, type AppServices } from "../app/context"
import { identity } from "../app/identity"
import { route, routeHash, type Route } from "../app/route"
import { connectionFollower, followReachability, refreshSession, session, syncAllowed, type Session } from "../app/session"
import { ConnectionStatus, IdentityForm, LanguageSwitch } from "./Header"
import { t } from "./messages"
import { PartnershipPage } from "./PartnershipPage"
import { StartPage } from "./StartPage"

/** The whole client. */
export function App({ services }: { services: AppServices }) {
  const [editingIdentity, setEditingIdentity] = useState(false)
  useEffect(() => {
    void refreshSession()
    const stopReachability = followReachability()
    const follow = connectionFollower()
    const stopConnection = effect(() => follow(services.connection.value))
    return () => {
      stopReachability()
      stopConnection()
    }
  }, [services])
  const current = route.value
  const state = session.value
  // Without accounts, the person says who they are on this device.
  const open = state.state === "open"
  const me = identity.value
  const askIdentity = open && (editingIdentity || (me === null && current.page === "partnership"))
  return (
    <ServicesContext.Provider value={services}>
      <a class="skip-link" href="#content">
        {t("skipToContent")}
      </a>
      <header class="app-header">
        <a class="brand" href="#/">
          {t("appName")}
        </a>
        {syncAllowed.value && <ConnectionStatus />}
        <div class="header-tools">
          <LanguageSwitch />
          {open && me && (
            <button type="button" class="link-button" onClick={() => setEditingIdentity(true)} data-testid="profile">
              <span class="visually-hidden">{t("editProfile")}: </span>
              {me.name}
              {me.organisation ? ` · ${me.organisation}` : ""}
            </button>
          )}
          {state.state === "signed-in" && <AccountMenu me={state.me} offline={state.offline} />}
        </div>
      </header>
      {askIdentity && (
        <div class="dialog-backdrop">
          <div role="dialog" aria-modal="true" aria-labelledby="identity-title" class="dialog">
            <IdentityForm onDone={() => setEditingIdentity(false)} />
          </div>
        </div>
      )}
      <Page route={current} session={state} />
    </ServicesContext.Provider>
  )
}

/** The page for the route, as far as the session lets the person in. */
function Page({ route, session }: { route: Route; session: Session }) {
  switch (session.state) {
    case "loading":
      return <SessionLoading />
    case "unreachable":
      return <Unreachable />
    case "open":
      if (route.page === "signin" || route.page === "setup" || route.page === "invite") return <NoAccounts />
      break
    case "signed-out":
      if (route.page === "setup") return <SetupPage secret={route.secret} />
      if (route.page === "invite") return <InvitePage secret={route.secret} />
      if (session.setupNeeded) return <SetupNeeded />
      // Every other page asks to sign in first, then opens.
      return <SignInPage next={route.page === "signin" ? "#/" : routeHash(route)} />
    case "signed-in":
      if (route.page === "invite") return <InvitePage secret={route.secret} />
      break
  }
  return route.page === "partnership" ? <PartnershipPage key={route.charter} route={route} /> : <StartPage />
}
