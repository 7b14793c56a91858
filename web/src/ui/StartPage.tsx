import { useState } from "preact/hooks"

import { PartnershipList } from "../account/PartnershipList"
import { linkTarget, navigate, toUrl } from "../app/route"
import { session } from "../app/session"
import { t } from "./messages"
import { NewPartnershipForm } from "./NewPartnershipForm"

const RECENT_KEY = "mitra.recent"

/** A partnership opened on this device. */
export type Recent = { url: string; name: string }

/** The partnerships opened on this device, most recent first. */
export function recentPartnerships(): Recent[] {
  try {
    const value = JSON.parse(globalThis.localStorage?.getItem(RECENT_KEY) ?? "[]") as unknown
    return Array.isArray(value)
      ? value.filter((r): r is Recent => typeof r?.url === "string" && typeof r?.name === "string")
      : []
  } catch {
    return []
  }
}

/** Remembers that a partnership was opened (for the start page's list). */
export function rememberPartnership(url: string, name: string): void {
  const next = [{ url, name }, ...recentPartnerships().filter((r) => r.url !== url)].slice(0, 10)
  globalThis.localStorage?.setItem(RECENT_KEY, JSON.stringify(next))
}

/**
 * The signed-in person's partnerships; open a shared partnership, start a
 * new one, or (without accounts) go back to a recent one.
 */
export function StartPage() {
  const [link, setLink] = useState("")
  const [linkError, setLinkError] = useState(false)
  const current = session.value
  const me = current.state === "signed-in" ? current.me : null
  const recent = me ? [] : recentPartnerships()
  return (
    <main id="content" class="start-page">
      <h1>{t("startTitle")}</h1>
      <p>{t("startIntro")}</p>
      {me && <PartnershipList partnerships={me.partnerships} />}
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault()
          const target = linkTarget(link)
          setLinkError(!target)
          if (target) navigate(target)
        }}
      >
        <label>
          {t("partnershipLink")}
          <input
            value={link}
            onInput={(e) => setLink(e.currentTarget.value)}
            aria-invalid={linkError}
            aria-describedby={linkError ? "link-error" : undefined}
          />
        </label>
        {linkError && (
          <p id="link-error" class="error" role="alert">
            {t("invalidLink")}
          </p>
        )}
        <button type="submit">{t("open")}</button>
      </form>
      <NewPartnershipForm />
      {recent.length > 0 && (
        <section class="card">
          <h2>{t("recent")}</h2>
          <ul>
            {recent.map((r) => {
              const url = toUrl(r.url)
              return (
                url && (
                  <li key={r.url}>
                    <a href={`#/p/${url.slice("automerge:".length)}/charter`}>{r.name}</a>
                  </li>
                )
              )
            })}
          </ul>
        </section>
      )}
    </main>
  )
}
