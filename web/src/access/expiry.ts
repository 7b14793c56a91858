// How long an invitation stays valid: people choose days, the API takes hours.

/** The shortest validity an invitation can have, in days. */
export const MIN_EXPIRY_DAYS = 1
/** The longest validity an invitation can have, in days (the API's 720 hours). */
export const MAX_EXPIRY_DAYS = 30
/** The validity offered first, in days (the API's default of 168 hours). */
export const DEFAULT_EXPIRY_DAYS = 7

/**
 * The number of days typed, when it is a whole number from
 * {@link MIN_EXPIRY_DAYS} to {@link MAX_EXPIRY_DAYS}; null otherwise.
 */
export function parseExpiryDays(text: string): number | null {
  const trimmed = text.trim()
  if (!/^\d+$/.test(trimmed)) return null
  const days = Number(trimmed)
  return days >= MIN_EXPIRY_DAYS && days <= MAX_EXPIRY_DAYS ? days : null
}

/** A validity in days as the hours `expires_in_hours` takes. */
export function daysToHours(days: number): number {
  return days * 24
}
