import type { AutomergeUrl, DocHandle } from "@automerge/automerge-repo"
import { useEffect, useMemo } from "preact/hooks"

import { PartnershipContext, useServices, type Partnership } from "../app/context"
import { identity } from "../app/identity"
import { routeHash, TABS, type Route, type Tab } from "../app/route"
import { CharterView } from "../charter/CharterView"
import type { CharterDocument } from "../generated/model"
import { GoalsView } from "../goals/GoalsView"
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
    default:
      return section
  }
}

const TAB_LABEL: Record<Tab, () => string> = {
  charter: () => t("tabCharter"),
  goals: () => t("tabGoals"),
  meetings: () => t("tabMeetings"),
  actions: () => t("tabActions"),
}

/** Our presence state for a section. */
export function presenceFor(section: string): PresenceState {
  const me = identity.peek()
  return {
    user: { name: me?.name ?? t("guest"), organisation: me?.organisation ?? "", colour: me?.colour ?? "#555555" },
    section,
    selection: null,
  }
}

/** Opens the partnership in the route, then shows its section. */
export function PartnershipPage({ route }: { route: PartnershipRoute }) {
  const services = useServices()
  const opened = useHandle<CharterDocument>(services.repo, route.charter)
  if (opened.state === "loading") {
    return (
      <main id="content" class="message" aria-busy="true">
        <p>{t("loading")}</p>
      </main>
    )
  }
  if (opened.state === "unavailable") {
    return (
      <main id="content" class="message">
        <p role="alert">{t("unavailable")}</p>
        <p>
          <a href="#/">{t("startTitle")}</a>
        </p>
      </main>
    )
  }
  return <OpenPartnership route={route} handle={opened.handle} />
}

function OpenPartnership({ route, handle }: { route: PartnershipRoute; handle: DocHandle<CharterDocument> }) {
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
        <nav class="tabs" aria-label={t("sections")}>
          <ul>
            {TABS.map((tab) => (
              <li key={tab}>
                <a
                  href={routeHash({ page: "partnership", charter: route.charter, tab, meeting: null })}
                  aria-current={route.tab === tab ? "page" : undefined}
                  data-testid={`tab-${tab}`}
                >
                  {TAB_LABEL[tab]()}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="section">
          {route.tab === "charter" && <CharterView />}
          {route.tab === "goals" && <GoalsView />}
          {route.tab === "meetings" && <MeetingsView meeting={route.meeting as AutomergeUrl | null} />}
          {route.tab === "actions" && <ActionsView />}
        </div>
      </main>
    </PartnershipContext.Provider>
  )
}
