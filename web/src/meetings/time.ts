// Meeting times: a wall-clock time in an IANA time zone, stored as RFC 3339
// with the offset in force in that zone at that time
// (`2025-03-04T09:30:00+07:00`). Only `Intl` is used (no date library).

const MINUTE_MS = 60_000
const DAY_MS = 86_400_000

/** A wall-clock date and time, without zone. */
type WallTime = { year: number; month: number; day: number; hour: number; minute: number; second: number }

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/

/** The time zone this browser is in (`Asia/Jakarta`), "UTC" when unknown. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"
}

/** Whether `timeZone` is an IANA time zone this browser knows. */
export function isValidTimeZone(timeZone: string): boolean {
  if (!timeZone) return false
  try {
    new Intl.DateTimeFormat("en-US", { timeZone })
    return true
  } catch {
    return false
  }
}

/** The time zones a person can choose from, including `current` when the list lacks it. */
export function timeZoneChoices(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : []
  const all = new Set(zones)
  if (!all.has("UTC")) all.add("UTC")
  if (current) all.add(current)
  return [...all].sort()
}

const formatters = new Map<string, Intl.DateTimeFormat>()

/** The wall-clock time at `instantMs` in `timeZone`. */
function wallTimeAt(instantMs: number, timeZone: string): WallTime {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    })
    formatters.set(timeZone, formatter)
  }
  const parts: Record<string, number> = {}
  for (const part of formatter.formatToParts(new Date(instantMs))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value)
  }
  return {
    // Years before the common era do not occur in meetings; `era` is ignored.
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour === 24 ? 0 : parts.hour,
    minute: parts.minute,
    second: parts.second,
  }
}

function wallAsUtc(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second)
}

/** The offset from UTC in force in `timeZone` at `instantMs`, in whole minutes (east positive). */
export function offsetMinutesAt(instantMs: number, timeZone: string): number {
  const whole = Math.floor(instantMs / 1000) * 1000
  return Math.round((wallAsUtc(wallTimeAt(whole, timeZone)) - whole) / MINUTE_MS)
}

/** `+07:00`, `-03:30`, `+00:00`. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+"
  const abs = Math.abs(minutes)
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0")
}

function formatWall(w: WallTime): string {
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`
}

/** The instant `instantMs` as RFC 3339 with the offset in force in `timeZone`. */
export function instantToRfc3339(instantMs: number, timeZone: string): string {
  const whole = Math.floor(instantMs / 1000) * 1000
  return `${formatWall(wallTimeAt(whole, timeZone))}${formatOffset(offsetMinutesAt(whole, timeZone))}`
}

/**
 * The RFC 3339 timestamp of a wall-clock time (`YYYY-MM-DDTHH:mm[:ss]`, what
 * a `datetime-local` input gives) in `timeZone`, with the offset in force
 * there at that time; `null` when the input or the zone is not valid.
 *
 * Around daylight-saving changes it does what calendars do (Temporal's
 * "compatible"): a time that occurs twice takes the earlier one, and a time
 * skipped by the clocks moving forward is moved forward by the gap.
 */
export function zonedToRfc3339(local: string, timeZone: string): string | null {
  const match = LOCAL_INPUT.exec(local.trim())
  if (!match || !isValidTimeZone(timeZone)) return null
  const [year, month, day, hour, minute] = match.slice(1, 6).map(Number)
  const second = match[6] ? Number(match[6]) : 0
  const wallMs = Date.UTC(year, month - 1, day, hour, minute, second)
  const check = new Date(wallMs)
  if (
    Number.isNaN(wallMs) ||
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return null
  }
  // The offsets in force a day before and a day after: no zone changes its
  // offset twice within two days, so the time's offset is one of them.
  const before = offsetMinutesAt(wallMs - DAY_MS, timeZone)
  const after = offsetMinutesAt(wallMs + DAY_MS, timeZone)
  const candidates = [...new Set([before, after])]
    .map((offset) => wallMs - offset * MINUTE_MS)
    .filter((instant) => wallAsUtc(wallTimeAt(instant, timeZone)) === wallMs)
    .sort((a, b) => a - b)
  // Skipped by a forward change: read the wall time with the offset before it.
  const instant = candidates.length > 0 ? candidates[0] : wallMs - before * MINUTE_MS
  return instantToRfc3339(instant, timeZone)
}

/**
 * The wall-clock time of an RFC 3339 timestamp in `timeZone`, as a
 * `datetime-local` input wants it (`YYYY-MM-DDTHH:mm`); the timestamp's own
 * wall time when the zone is unknown, "" when the timestamp is not valid.
 */
export function rfc3339ToLocalInput(timestamp: string, timeZone: string): string {
  const instant = Date.parse(timestamp)
  if (Number.isNaN(instant)) return ""
  if (!isValidTimeZone(timeZone)) return timestamp.slice(0, 16)
  return formatWall(wallTimeAt(instant, timeZone)).slice(0, 16)
}

/** The date (`YYYY-MM-DD`) of an RFC 3339 timestamp in `timeZone`, or null when it is not valid. */
export function dateInZone(timestamp: string, timeZone: string): string | null {
  const local = rfc3339ToLocalInput(timestamp, timeZone)
  return local ? local.slice(0, 10) : null
}

/** The next full hour after `now`, in local time, for a `datetime-local` input. */
export function nextFullHourInput(now: Date = new Date()): string {
  const next = new Date(now.getTime())
  next.setMinutes(0, 0, 0)
  next.setHours(next.getHours() + 1)
  return `${pad(next.getFullYear(), 4)}-${pad(next.getMonth() + 1)}-${pad(next.getDate())}T${pad(next.getHours())}:00`
}
