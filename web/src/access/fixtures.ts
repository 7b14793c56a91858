// Objects shaped like the API's answers (docs/api.md), for tests.
import type { AuditEvent, Member, Role, Token, User } from "../app/api"

/** A user with a display name and organisation. */
export function user(id: string, username: string, display_name: string, organisation = ""): User {
  return { id, username, display_name, organisation, created_at: "2025-01-02T03:04:05Z" }
}

/** A member. */
export function member(u: User, role: Role, added_at = "2025-01-02T03:04:05Z"): Member {
  return { user: u, role, added_at }
}

/** An API token (active unless `revoked_at` is given). */
export function token(id: string, label: string, role: Role, created_at: string, revoked_at: string | null = null): Token {
  return { id, label, role, created_by: "user:usr_owner", created_at, revoked_at }
}

/** An audit event. */
export function event(id: number, at: string, actor: string, kind: string, details: Record<string, unknown>): AuditEvent {
  return { id, at, actor, kind, details }
}
