import type { AutomergeUrl, DocHandle } from "@automerge/automerge-repo"
import { useEffect, useMemo } from "preact/hooks"

import { MembersView } from "../access/MembersView"
import { PartnershipContext, ReadOnlyContext, useServices, type Partnership } from "../app/context"
import { useDocumentAccess, type AccessState } from "../app/documentAccess"
import { identity } from "../app/identity"
import { documentId, routeHash, TABS, type Route, type Tab } from "../app/route"
import { session } from "../app/session"
import { CharterView } from "../charter/CharterView"
import type { CharterDocument } from "../generated/model"
import { GoalsView } from "../goals/GoalsView"
import { HistoryView } from "../history/HistoryView"
import { defaultToPartnershipLanguage } from "../i18n"
import { ActionsView } from "../meetings/ActionsView"
import { MeetingsView } from "../meetings/MeetingsView"
import { useDoc, useHandle } from "../model/handles"
import { str } from "../model/values"
import { useDocPresence } from "../presence/docPresence"
import type { PresenceState } from "../presence/state"
import { Participants } from "./Header"
import { t } from "./messages"
import { rememberPartnership } from "./StartPage"

type PartnershipRoute = Extract<Route, { page: "partnership" }>

/** The label of a section a participant is in. */
export function sectionLabel(section: string): string {
  switch (section) {
    case "charter":
      return t("tabCharter")
    case "goals":
      return t("tabGoals")
    case "meetings":
    case "meeting":
      return t("tabMeetings")
    case "actions":
      return t("tabActions")
    case "members":
      return t("tabMembers")
    case "history":
      return t("tabHistory")
    default:
      return section
  }
}

const TAB_LABEL: Record<Tab, () => string> = {
  charter: () => t("tabCharter"),
  goals: () => t("tabGoals"),
  meetings: () => t("tabMeetings"),
  actions: () => t("tabActions"),
  members: () => t("tabMembers"),
  history: () => t("tabHistory"),
}

/** The tabs that edit the partnership's documents (the others only read or have their own rules). */
const EDITING_TABS: readonly Tab[] = ["charter", "goals", "meetings", "actions"]

/** Our presence state for a section. */
export function presenceFor(section: string): PresenceState {
  const me = identity.peek()
  return {
    user: { name: me?.name ?? t("guest"), organisation: me?.organisation ?? "", colour: me?.colour ?? "#555555" },
    section,
    selection: null,
  }
}

/**
 * Opens the partnership in the route, then shows its section. Signed in,
 * the server says first whether the person may see it and with which role.
 */
export function PartnershipPage({ route }: { route: PartnershipRoute }) {
  const services = useServices()
  const signedIn = session.value.state === "signed-in"
  const access = useDocumentAccess(signedIn ? documentId(route.charter) : null)
  const opened = useHandle<CharterDocument>(services.repo, route.charter)
  if (access.state === "denied") return <NoAccess />
  if (opened.state === "loading" || access.state === "loading") {
    return (
      <main id="content" class="message" aria-busy="true">
        <p>{t("loading")}</p>
      </main>
    )
  }
  if (opened.state === "unavailable") {
    // Signed in and connected, the server would have sent a document the person may see.
    if (signedIn && services.connection.value === "connected") return <NoAccess />
    return (
      <main id="content" class="message">
        <p role="alert">{t("unavailable")}</p>
        <p>
          <a href="#/">{t("startTitle")}</a>
        </p>
      </main>
    )
  }
  return <OpenPartnership route={route} handle={opened.handle} access={access} />
}

/** The server will not show this partnership to the person signed in. */
function NoAccess() {
  return (
    <main id="content" class="message">
      <p role="alert" data-testid="no-access">
        {t("noAccess")}
      </p>
      <p>
        <a href="#/">{t("startTitle")}</a>
      </p>
    </main>
  )
}

function OpenPartnership(props: { route: PartnershipRoute; handle: DocHandle<CharterDocument>; access: AccessState }) {
  const { route, handle } = props
  const known = props.access.state === "known" ? props.access.access : null
  // A viewer reads; without accounts (or offline, never told) everyone edits.
  const readOnly = known?.role === "viewer"
  // Members are listed by the server, to its members.
  const tabs = TABS.filter((tab) => tab !== "members" || known !== null)
  const tab = tabs.includes(route.tab) ? route.tab : "charter"
  const services = useServices()
  const charter = useDoc(handle)
  const section = route.tab === "meetings" && route.meeting ? `meetings` : route.tab
  const presence = useDocPresence(handle as DocHandle<unknown>, () => presenceFor(section))
  const name = str(charter.name)

  useEffect(() => services.pending.track(handle as DocHandle<unknown>), [services, handle])
  useEffect(() => defaultToPartnershipLanguage(str(charter.language)), [charter.language])
  useEffect(() => rememberPartnership(route.charter, name), [route.charter, name])
  useEffect(() => {
    document.title = name ? `${name} · Mitra` : "Mitra"
  }, [name])
  useEffect(() => presence?.set("section", section), [presence, section])
  // Say who we are again when the person changes their name.
  const me = identity.value
  useEffect(() => {
    if (me) presence?.set("user", { name: me.name, organisation: me.organisation, colour: me.colour })
  }, [presence, me])

  const partnership: Partnership = useMemo(
    () => ({ services, repo: services.repo, charterHandle: handle, charter, presence }),
    [services, handle, charter, presence],
  )
  const peers = presence?.peers.value ?? []

  return (
    <PartnershipContext.Provider value={partnership}>
      <main id="content" class="partnership">
        <div class="partnership-bar">
          <h1 class="partnership-name" data-testid="partnership-name">{name}</h1>
          <Participants peers={peers} sectionLabel={sectionLabel} />
        </div>
        {readOnly && (
          <p class="read-only-notice" role="status" data-testid="read-only-notice">
            {t("readOnly")}
          </p>
        )}
        <nav class="tabs" aria-label={t("sections")}>
          <ul>
            {tabs.map((each) => (
              <li key={each}>
                <a
                  href={routeHash({ page: "partnership", charter: route.charter, tab: each, meeting: null })}
                  aria-current={tab === each ? "page" : undefined}
                  data-testid={`tab-${each}`}
                >
                  {TAB_LABEL[each]()}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <ReadOnlyContext.Provider value={readOnly}>
          <fieldset class="section plain-fieldset" disabled={readOnly && EDITING_TABS.includes(tab)}>
            {tab === "charter" && <CharterView />}
            {tab === "goals" && <GoalsView />}
            {tab === "meetings" && <MeetingsView meeting={route.meeting as AutomergeUrl | null} />}
            {tab === "actions" && <ActionsView />}
            {tab === "members" && known && <MembersView partnershipId={known.partnership.id} role={known.role} />}
            {tab === "history" && <HistoryView />}
          </fieldset>
        </ReadOnlyContext.Provider>
      </main>
    </PartnershipContext.Provider>
  )
}
