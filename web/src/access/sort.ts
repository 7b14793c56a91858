// The order the Members tab lists things in.
import type { AuditEvent, Invitation, Member, Token } from "../app/api"
import { intlLocale } from "../i18n"
import { ROLES } from "./labels"
import { epochMillis } from "./time"

/** The rank of a role: owners first, a role this version does not know last. */
function roleRank(role: string): number {
  const rank = (ROLES as readonly string[]).indexOf(role)
  return rank === -1 ? ROLES.length : rank
}

/** Members by role (owners first), then by name in the interface's language. */
export function sortMembers(members: readonly Member[]): Member[] {
  const collator = new Intl.Collator(intlLocale(), { sensitivity: "base" })
  return [...members].sort(
    (a, b) =>
      roleRank(a.role) - roleRank(b.role) ||
      collator.compare(a.user.display_name || a.user.username, b.user.display_name || b.user.username),
  )
}

/** Newest first by `created_at`. */
function newestCreatedFirst(a: { created_at: string }, b: { created_at: string }): number {
  return epochMillis(b.created_at) - epochMillis(a.created_at)
}

/** Pending invitations first (the ones that can still be revoked), each group newest first. */
export function sortInvitations(invitations: readonly Invitation[]): Invitation[] {
  const pending = (i: Invitation) => (i.status === "pending" ? 0 : 1)
  return [...invitations].sort((a, b) => pending(a) - pending(b) || newestCreatedFirst(a, b))
}

/** Active tokens first, each group newest first. */
export function sortTokens(tokens: readonly Token[]): Token[] {
  const revoked = (token: Token) => (token.revoked_at === null ? 0 : 1)
  return [...tokens].sort((a, b) => revoked(a) - revoked(b) || newestCreatedFirst(a, b))
}

/** Audit events newest first (by time, then by position in the log). */
export function newestFirst(events: readonly AuditEvent[]): AuditEvent[] {
  return [...events].sort((a, b) => epochMillis(b.at) - epochMillis(a.at) || b.id - a.id)
}
