// Timestamps of the API (RFC 3339, UTC) shown in the person's own time zone.
import { intlLocale } from "../i18n"

/** The day of a timestamp, in the interface's language and the device's time zone. */
export function formatDay(timestamp: string): string {
  const parsed = new Date(timestamp)
  if (Number.isNaN(parsed.getTime())) return timestamp
  return parsed.toLocaleDateString(intlLocale(), { day: "numeric", month: "short", year: "numeric" })
}

/** Milliseconds since the epoch of a timestamp (0 when it cannot be read, so it sorts first). */
export function epochMillis(timestamp: string): number {
  const millis = Date.parse(timestamp)
  return Number.isNaN(millis) ? 0 : millis
}
