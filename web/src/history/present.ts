// How a session's author and time read: the attested name and organisation
// (coloured as presence colours accounts), or the device for changes nobody
// attested; and times in the person's own time zone.
import { colourFor } from "../app/identity"
import { formatDateTime, intlLocale } from "../i18n"
import { t } from "./messages"
import type { Author } from "./sessions"

/** A session's author as shown. */
export type Who = {
  /** The person (or device). */
  name: string
  /** Their organisation (empty for a device). */
  organisation: string
  /** Their colour (the one presence gives the same account). */
  colour: string
}

/** Who `author` is, in words; `ownActor` is this device's actor id. */
export function who(author: Author, ownActor: string | null): Who {
  if (author.attested) {
    const name = author.name || (author.tokenId ? t("byToken") : "?")
    // Presence colours a signed-in account by its user id.
    return { name, organisation: author.organisation, colour: colourFor(author.userId ?? author.tokenId ?? name) }
  }
  const name = author.actor === ownActor ? t("thisDevice") : t("unknownDevice", { id: deviceLabel(author.actor) })
  return { name, organisation: "", colour: colourFor(author.actor) }
}

/**
 * A short readable form of an actor id: the name it starts with when a tool
 * named its actors in text (the demo's are `mitra-demo:` and the document
 * id's bytes), up to a colon, else its first eight hex digits.
 */
export function deviceLabel(actor: string): string {
  const bytes = /^([0-9a-f]{2})+$/i.test(actor) ? actor.match(/../g)!.map((h) => parseInt(h, 16)) : []
  let printable = 0
  while (printable < bytes.length && bytes[printable] >= 0x20 && bytes[printable] < 0x7f) printable++
  // A name is followed by binary data, often after a colon.
  const text = String.fromCharCode(...bytes.slice(0, printable)).split(":")[0].trim()
  if (/^[A-Za-z][\w.:-]{5,}$/.test(text)) return text.length > 24 ? `${text.slice(0, 23)}…` : text
  return actor.slice(0, 8)
}

/** `ms` as an RFC 3339 timestamp. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString()
}

/** When a session happened, in local time: one time, a span within a day, or two dates. */
export function formatSpan(start: number | null, end: number | null): string {
  if (start === null || end === null) {
    const only = start ?? end
    return only === null ? t("timeUnknown") : formatDateTime(isoTime(only))
  }
  const from = formatDateTime(isoTime(start))
  if (Math.floor(start / 60000) === Math.floor(end / 60000)) return from
  const sameDay = new Date(start).toDateString() === new Date(end).toDateString()
  const to = sameDay
    ? new Date(end).toLocaleTimeString(intlLocale(), { timeStyle: "short" })
    : formatDateTime(isoTime(end))
  return t("between", { start: from, end: to })
}
