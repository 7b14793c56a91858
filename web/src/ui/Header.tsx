import { useState } from "preact/hooks"

import { useServices } from "../app/context"
import { identity, saveIdentity } from "../app/identity"
import { chooseLocale, locale } from "../i18n"
import type { Peer } from "../presence/docPresence"
import { LanguageSelect } from "./LanguageSelect"
import { t } from "./messages"

/** Connected / reconnecting / offline, and whether edits are waiting. */
export function ConnectionStatus() {
  const { connection, pending } = useServices()
  const state = connection.value
  const waiting = pending.count.value > 0
  const label = state === "connected" ? t("connected") : state === "offline" ? t("offline") : t("reconnecting")
  const detail = !waiting ? t("allSaved") : state === "connected" ? t("pending") : t("pendingOffline")
  return (
    <div
      class={`connection connection-${state}`}
      role="status"
      aria-live="polite"
      data-testid="connection"
      data-state={state}
      data-pending={waiting ? "true" : "false"}
    >
      <span class="connection-dot" aria-hidden="true" />
      <span class="connection-label">{label}</span>
      <span class={`connection-detail${waiting ? " waiting" : ""}`}>{detail}</span>
    </div>
  )
}

/** The interface language switch. */
export function LanguageSwitch() {
  return (
    <LanguageSelect
      class="language-switch"
      label={t("language")}
      hideLabel
      value={locale.value}
      onValue={chooseLocale}
      testId="language"
    />
  )
}

/** Who is here now: the others present on the partnership, and you. */
export function Participants({ peers, sectionLabel }: { peers: Peer[]; sectionLabel: (section: string) => string }) {
  const me = identity.value
  return (
    <section class="participants" aria-label={t("here")} data-testid="participants">
      <h2 class="visually-hidden">{t("hereCount", { count: peers.length + 1 })}</h2>
      <ul>
        <li class="participant self" style={{ "--colour": me?.colour ?? "#555" }}>
          <span class="avatar" aria-hidden="true">{initials(me?.name ?? t("guest"))}</span>
          <span class="participant-name">
            {me?.name ?? t("guest")} ({t("you")})
          </span>
        </li>
        {peers.map((p) => (
          <li
            key={p.peerId}
            class="participant"
            style={{ "--colour": p.state.user.colour }}
            data-testid="participant"
            data-name={p.state.user.name}
          >
            <span class="avatar" aria-hidden="true">{initials(p.state.user.name)}</span>
            <span class="participant-name">
              {p.state.user.name}
              {p.state.user.organisation ? ` · ${p.state.user.organisation}` : ""}
            </span>
            <span class="participant-section">{t("inSection", { section: sectionLabel(p.state.section) })}</span>
          </li>
        ))}
      </ul>
    </section>
  )
}

/** Up to two initials of a name. */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean)
  return parts.slice(0, 2).map((p) => p[0]!.toUpperCase()).join("") || "?"
}

/** Asks for (or changes) the person's display name and organisation. */
export function IdentityForm({ onDone }: { onDone: () => void }) {
  const current = identity.value
  const [name, setName] = useState(current?.name ?? "")
  const [organisation, setOrganisation] = useState(current?.organisation ?? "")
  return (
    <form
      class="identity-form"
      aria-labelledby="identity-title"
      onSubmit={(e) => {
        e.preventDefault()
        if (name.trim() === "") return
        saveIdentity({ name, organisation })
        onDone()
      }}
    >
      <h2 id="identity-title">{t("whoAreYou")}</h2>
      <p>{t("whoAreYouHint")}</p>
      <label>
        {t("yourName")}
        <input name="name" required autoComplete="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        {t("yourOrganisation")}
        <input
          name="organisation"
          autoComplete="organization"
          value={organisation}
          onInput={(e) => setOrganisation(e.currentTarget.value)}
        />
      </label>
      <div class="form-actions">
        <button type="submit">{t("save")}</button>
        {current && (
          <button type="button" class="secondary" onClick={onDone}>
            {t("cancel")}
          </button>
        )}
      </div>
    </form>
  )
}
