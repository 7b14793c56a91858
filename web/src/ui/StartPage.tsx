import { useState } from "preact/hooks"

import { PartnershipList } from "../account/PartnershipList"
import { deviceUser } from "../app/deviceData"
import { recentPartnerships, rememberRecent } from "../app/recent"
import { linkTarget, navigate, toUrl } from "../app/route"
import { session } from "../app/session"
import { t } from "./messages"
import { NewPartnershipForm } from "./NewPartnershipForm"

/**
 * Remembers that a partnership was opened, in the start page's list of
 * whoever this page keeps data for (the account, or everyone in open mode).
 */
export function rememberPartnership(url: string, name: string): void {
  const user = deviceUser.peek()
  if (user !== undefined) rememberRecent(user, url, name)
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
  const user = deviceUser.value
  const recent = me || user === undefined ? [] : recentPartnerships(user)
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
