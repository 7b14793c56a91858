// Reading the audit log: who an actor is (`user:<id>`, `token:<id>`,
// `system`) and what an event's details say, in words.
import type { AuditEvent, Member, Token } from "../app/api"
import { t } from "./messages"
import { auditKindLabel, roleLabel, viaLabel } from "./labels"
import { formatDay } from "./time"

/** The names the Members tab knows: users' display names and tokens' labels, by id. */
export type Directory = {
  /** Display names of users (members now, and people the log says joined). */
  users: ReadonlyMap<string, string>
  /** Labels of API tokens. */
  tokens: ReadonlyMap<string, string>
}

/** The text of a detail, when it is a string or number. */
function field(details: Record<string, unknown>, key: string): string | undefined {
  const value = details[key]
  if (typeof value === "string" && value !== "") return value
  if (typeof value === "number") return String(value)
  return undefined
}

/**
 * The names of users and tokens: from the log first (so former members and
 * revoked tokens keep a name), then the current members and tokens, which
 * win.
 */
export function buildDirectory(
  members: readonly Member[],
  tokens: readonly Token[],
  events: readonly AuditEvent[],
): Directory {
  const users = new Map<string, string>()
  const labels = new Map<string, string>()
  const byPosition = [...events].sort((a, b) => a.id - b.id)
  for (const { kind, details } of byPosition) {
    const user = field(details, "user")
    const token = field(details, "token")
    const name = field(details, "display_name") ?? field(details, "username")
    if (user && name && (kind === "member_added" || !users.has(user))) users.set(user, name)
    const label = field(details, "label")
    if (token && label) labels.set(token, label)
  }
  for (const { user } of members) users.set(user.id, user.display_name || user.username)
  for (const token of tokens) labels.set(token.id, token.label)
  return { users, tokens: labels }
}

/** An audit actor, read. */
export type ActorRef =
  | { kind: "user"; id: string }
  | { kind: "token"; id: string }
  | { kind: "system" }
  | { kind: "other"; text: string }

/** Reads an actor as the API writes it (`user:<id>`, `token:<id>` or `system`). */
export function parseActor(actor: string): ActorRef {
  if (actor === "system") return { kind: "system" }
  if (actor.startsWith("user:")) return { kind: "user", id: actor.slice("user:".length) }
  if (actor.startsWith("token:")) return { kind: "token", id: actor.slice("token:".length) }
  return { kind: "other", text: actor }
}

/** A user's name, or "User <id>" when the directory does not know them. */
export function userName(id: string, directory: Directory): string {
  return directory.users.get(id) ?? t("actorUser", { id })
}

/** Who did something, in words: a member's name, a token's label, or the system. */
export function actorLabel(actor: string, directory: Directory): string {
  const ref = parseActor(actor)
  switch (ref.kind) {
    case "system":
      return t("actorSystem")
    case "user":
      return userName(ref.id, directory)
    case "token": {
      const label = directory.tokens.get(ref.id)
      return label === undefined ? t("actorUnknownToken", { id: ref.id }) : t("actorToken", { label })
    }
    case "other":
      return ref.text
  }
}

/** Every detail as `key: value`, for a kind (or a shape) this version does not know. */
export function genericDetails(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(", ")
}

/** What an event's details say, in one line. */
export function summariseDetails(event: AuditEvent, directory: Directory): string {
  const d = event.details ?? {}
  const get = (key: string) => field(d, key)
  const person = () => {
    const id = get("user")
    return id === undefined ? undefined : userName(id, directory)
  }
  const role = (key = "role") => {
    const value = get(key)
    return value === undefined ? undefined : roleLabel(value)
  }
  const text = (() => {
    switch (event.kind) {
      case "setup_completed": {
        const username = get("username")
        return username && t("detailsSetup", { username })
      }
      case "partnership_created": {
        const name = get("name")
        return name && `“${name}”`
      }
      case "member_added": {
        const [name, r, via] = [person(), role(), get("via")]
        return name && r && via && t("detailsMemberAdded", { name, role: r, via: viaLabel(via) })
      }
      case "member_removed": {
        const [name, r] = [person(), role()]
        return name && r && t("detailsMemberRemoved", { name, role: r })
      }
      case "role_changed": {
        const [name, from, to] = [person(), role("from"), role("to")]
        return name && from && to && t("detailsRoleChanged", { name, from, to })
      }
      case "invitation_created": {
        const [r, expires] = [role(), get("expires_at")]
        return r && expires && t("detailsInvitationCreated", { role: r, date: formatDay(expires) })
      }
      case "invitation_accepted": {
        const [name, r] = [person(), role()]
        return name && r && t("detailsInvitationAccepted", { name, role: r })
      }
      case "invitation_revoked": {
        const id = get("invitation")
        return id && t("detailsInvitation", { id })
      }
      case "token_created":
      case "token_revoked": {
        const id = get("token")
        const label = get("label") ?? (id && directory.tokens.get(id))
        const r = role()
        return label && r && t("detailsToken", { label, role: r })
      }
      default:
        return undefined
    }
  })()
  return text || genericDetails(d)
}

/** One audit event as the table shows it. */
export type AuditRow = {
  /** The event's position in the log. */
  id: number
  /** When (RFC 3339). */
  at: string
  /** Who, in words. */
  who: string
  /** What, in words. */
  what: string
  /** The details, summarised. */
  details: string
}

/** The events as table rows, in the order given. */
export function auditRows(events: readonly AuditEvent[], directory: Directory): AuditRow[] {
  return events.map((event) => ({
    id: event.id,
    at: event.at,
    who: actorLabel(event.actor, directory),
    what: auditKindLabel(event.kind),
    details: summariseDetails(event, directory),
  }))
}
