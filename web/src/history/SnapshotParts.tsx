// Building blocks of the read-only past versions.
import type { ComponentChildren } from "preact"

import { t } from "./messages"

/** A titled part of a past version; "None" when it is empty. */
export function Part({ title, empty, children }: { title: string; empty: boolean; children: ComponentChildren }) {
  return (
    <section class="history-part">
      <h4>{title}</h4>
      {empty ? <p class="muted">{t("none")}</p> : children}
    </section>
  )
}

/** A text as paragraphs (split at blank lines, line breaks kept). */
export function Paragraphs({ text }: { text: string }) {
  const paragraphs = text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean)
  return (
    <>
      {paragraphs.map((p, i) => (
        <p key={i} class="history-text">
          {p}
        </p>
      ))}
    </>
  )
}
