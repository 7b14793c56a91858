import { useState } from "preact/hooks"

import { useServices } from "../app/context"
import { navigate, toUrl } from "../app/route"
import { newCharter } from "../model/create"
import { locale, type Locale } from "../i18n"
import { t } from "./messages"

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

/** Open a shared partnership, start a new one, or go back to a recent one. */
export function StartPage() {
  const { repo } = useServices()
  const [link, setLink] = useState("")
  const [linkError, setLinkError] = useState(false)
  const [name, setName] = useState("")
  const [language, setLanguage] = useState<Locale>(locale.value)
  const recent = recentPartnerships()
  return (
    <main id="content" class="start-page">
      <h1>{t("startTitle")}</h1>
      <p>{t("startIntro")}</p>
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault()
          const hashPart = link.includes("#/p/") ? link.split("#/p/")[1]!.split("/")[0]! : link
          const url = toUrl(hashPart)
          setLinkError(!url)
          if (url) navigate({ page: "partnership", charter: url, tab: "charter", meeting: null })
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
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault()
          if (name.trim() === "") return
          const handle = repo.create(newCharter(name.trim(), language))
          navigate({ page: "partnership", charter: handle.url, tab: "charter", meeting: null })
        }}
      >
        <h2>{t("newPartnership")}</h2>
        <label>
          {t("partnershipName")}
          <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          {t("partnershipLanguage")}
          <select value={language} onChange={(e) => setLanguage(e.currentTarget.value as Locale)}>
            <option value="en">{t("langEn")}</option>
            <option value="id">{t("langId")}</option>
          </select>
        </label>
        <button type="submit">{t("create")}</button>
      </form>
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
