// What can be wrong with what a person typed, checked before asking the
// server (the same rules as the server's), and what a failed request means
// in the interface's language.
import { ApiError, type NewAccount } from "../app/api"
import { t, type MessageKey } from "./messages"

/** Longest username, in characters (as the server). */
export const MAX_USERNAME_CHARS = 64
/** Shortest password, in characters (as the server). */
export const MIN_PASSWORD_CHARS = 8
/** Longest name, organisation or partnership name, in characters (as the server). */
export const MAX_NAME_CHARS = 200

/** The field a problem is about and what to say. */
export type Problem = { field: string; message: MessageKey }

const length = (value: string) => [...value.trim()].length

/** Whether a name (display name, organisation, partnership) has 1 to 200 characters. */
export function goodName(value: string): boolean {
  return length(value) > 0 && length(value) <= MAX_NAME_CHARS
}

/**
 * The first problem of a new account (fields in form order), or null.
 * `confirm` is the password typed again, when the form asks for it.
 */
export function checkAccount(account: NewAccount, confirm?: string): Problem | null {
  const username = account.username.trim()
  if (username === "" || length(username) > MAX_USERNAME_CHARS || /\s/.test(username)) {
    return { field: "username", message: "problemUsername" }
  }
  if ([...account.password].length < MIN_PASSWORD_CHARS) return { field: "password", message: "problemPassword" }
  if (confirm !== undefined && confirm !== account.password) {
    return { field: "confirm", message: "problemPasswordMismatch" }
  }
  if (!goodName(account.display_name)) return { field: "name", message: "problemName" }
  if (!goodName(account.organisation)) return { field: "organisation", message: "problemOrganisation" }
  return null
}

/** A new account's fields, trimmed as the server stores them (the password as typed). */
export function trimmed(account: NewAccount): NewAccount {
  return {
    username: account.username.trim(),
    password: account.password,
    display_name: account.display_name.trim(),
    organisation: account.organisation.trim(),
  }
}

/**
 * What some failures mean where they happen (they differ per request);
 * `offline`: the server could not be reached.
 */
export type ErrorMeanings = Partial<Record<"offline" | "invalid_credentials" | "conflict" | "not_found", MessageKey>>

/** Whether a failure is the server being out of reach. */
export function isOffline(error: unknown): boolean {
  return error instanceof ApiError && error.isNetwork
}

/** What went wrong, in words for the person. */
export function describeError(error: unknown, meanings: ErrorMeanings = {}): string {
  if (!(error instanceof ApiError)) return t("errorOther", { detail: error instanceof Error ? error.message : String(error) })
  if (error.isNetwork) return t(meanings.offline ?? "errorNetwork")
  switch (error.code) {
    case "invalid_credentials":
      return t(meanings.invalid_credentials ?? "errorCredentials")
    case "conflict":
      return meanings.conflict ? t(meanings.conflict) : t("errorOther", { detail: error.message })
    case "not_found":
      return meanings.not_found ? t(meanings.not_found) : t("errorOther", { detail: error.message })
    case "rate_limited":
      return t("errorRateLimited")
    case "invalid_input":
      return t("errorInvalid", { detail: error.message })
    case "forbidden":
      return t("errorForbidden")
    case "invitation_expired":
      return t("inviteExpired")
    case "invitation_used":
      return t("inviteUsed")
    case "invitation_revoked":
      return t("inviteRevoked")
    case "unavailable":
      return t("errorUnavailable")
    default:
      return t("errorOther", { detail: error.message })
  }
}
