// The interface's two languages. Each feature defines its own messages with
// `defineMessages`, so the type checker proves every English text has its
// Indonesian counterpart. Reading a message inside a component subscribes
// it to the language, so switching re-renders.
import { signal } from "@preact/signals"

/** The languages the interface speaks. */
export const LOCALES = ["en", "id"] as const
/** One of {@link LOCALES}. */
export type Locale = (typeof LOCALES)[number]

const STORAGE_KEY = "mitra.locale"

/** The interface language the person chose here, if any. */
export function savedLocale(): Locale | undefined {
  const value = globalThis.localStorage?.getItem(STORAGE_KEY)
  return isLocale(value) ? value : undefined
}

/** Whether `value` is a language the interface speaks. */
export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value)
}

/** The current interface language. */
export const locale = signal<Locale>(savedLocale() ?? "en")

/** Switches the interface language and remembers the choice on this device. */
export function chooseLocale(next: Locale): void {
  locale.value = next
  globalThis.localStorage?.setItem(STORAGE_KEY, next)
  if (typeof document !== "undefined") document.documentElement.lang = next
}

/**
 * Uses the partnership's language unless the person chose one on this device.
 */
export function defaultToPartnershipLanguage(language: unknown): void {
  if (savedLocale() === undefined && isLocale(language) && locale.value !== language) {
    locale.value = language
    if (typeof document !== "undefined") document.documentElement.lang = language
  }
}

/** Message parameters, substituted for `{name}` in a text. */
export type Params = Record<string, string | number>

/** Looks up a message in the current language. */
export type Translate<K extends string> = (key: K, params?: Params) => string

/**
 * Defines a feature's messages in both languages and returns its lookup.
 */
export function defineMessages<K extends string>(messages: {
  en: Record<K, string>
  id: Record<K, string>
}): Translate<K> {
  return (key, params) => format(messages[locale.value][key], params)
}

/** Replaces `{name}` with `params.name`. */
export function format(text: string, params?: Params): string {
  if (!params) return text
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  )
}

/** The BCP 47 locale of `Intl` formats in a language (the current one unless given). */
export function intlLocale(language: Locale = locale.value): string {
  return language === "id" ? "id-ID" : "en-GB"
}

/** Formats a `YYYY-MM-DD` date for the current language. */
export function formatDate(date: string | null | undefined): string {
  if (!date) return ""
  const parsed = new Date(`${date}T00:00:00`)
  if (Number.isNaN(parsed.getTime())) return date
  return parsed.toLocaleDateString(intlLocale(), {
    day: "numeric",
    month: "short",
    year: "numeric",
  })
}

/** Formats an RFC 3339 timestamp for the current language, in `timeZone`. */
export function formatDateTime(timestamp: string, timeZone?: string): string {
  const parsed = new Date(timestamp)
  if (Number.isNaN(parsed.getTime())) return timestamp
  const options: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" }
  try {
    return parsed.toLocaleString(intlLocale(), { ...options, timeZone })
  } catch {
    return parsed.toLocaleString(intlLocale(), options)
  }
}
