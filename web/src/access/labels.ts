// The names of roles, invitation states and audit-log kinds in the
// interface's language. A value this version does not know (a newer server
// may add one) is shown as it is.
import type { InvitationStatus, Role } from "../app/api"
import { enumSpec, type EnumSpec } from "../ui/fields"
import { t } from "./messages"

/** Every role, most rights first. */
export const ROLES: readonly Role[] = ["owner", "editor", "viewer"]

/** The roles an API token can have. */
export const TOKEN_ROLES = ["editor", "viewer"] as const satisfies readonly Role[]

/** A role an API token can have. */
export type TokenRole = (typeof TOKEN_ROLES)[number]

const ROLE_LABELS: Record<Role, () => string> = {
  owner: () => t("roleOwner"),
  editor: () => t("roleEditor"),
  viewer: () => t("roleViewer"),
}

/** The roles with their names. */
export const ROLE: EnumSpec = enumSpec(ROLES, (role) => ROLE_LABELS[role]())

/** A role's name; an unknown role as it is. */
export function roleLabel(role: unknown): string {
  return ROLE.label(role)
}

/** Every invitation state. */
export const INVITATION_STATUSES: readonly InvitationStatus[] = ["pending", "used", "expired", "revoked"]

const STATUS_LABELS: Record<InvitationStatus, () => string> = {
  pending: () => t("statusPending"),
  used: () => t("statusUsed"),
  expired: () => t("statusExpired"),
  revoked: () => t("statusRevoked"),
}

/** An invitation state's name. */
export const invitationStatusLabel = enumSpec(INVITATION_STATUSES, (s) => STATUS_LABELS[s]()).label

/** The kinds of audit events this version knows (see crates/mitra-access `AuditKind`). */
export const AUDIT_KINDS = [
  "setup_completed",
  "partnership_created",
  "member_added",
  "member_removed",
  "role_changed",
  "invitation_created",
  "invitation_accepted",
  "invitation_revoked",
  "token_created",
  "token_revoked",
] as const

/** A kind of audit event this version knows. */
export type AuditKind = (typeof AUDIT_KINDS)[number]

const KIND_LABELS: Record<AuditKind, () => string> = {
  setup_completed: () => t("kindSetupCompleted"),
  partnership_created: () => t("kindPartnershipCreated"),
  member_added: () => t("kindMemberAdded"),
  member_removed: () => t("kindMemberRemoved"),
  role_changed: () => t("kindRoleChanged"),
  invitation_created: () => t("kindInvitationCreated"),
  invitation_accepted: () => t("kindInvitationAccepted"),
  invitation_revoked: () => t("kindInvitationRevoked"),
  token_created: () => t("kindTokenCreated"),
  token_revoked: () => t("kindTokenRevoked"),
}

/** What an audit event's kind means, in words; an unknown kind as it is. */
export const auditKindLabel = enumSpec(AUDIT_KINDS, (kind) => KIND_LABELS[kind]()).label

const VIAS = ["setup", "invitation", "added", "partnership_created"] as const

const VIA_LABELS: Record<(typeof VIAS)[number], () => string> = {
  setup: () => t("viaSetup"),
  invitation: () => t("viaInvitation"),
  added: () => t("viaAdded"),
  partnership_created: () => t("viaPartnershipCreated"),
}

/** How a member joined (the `via` of a `member_added` event), in words. */
export const viaLabel = enumSpec(VIAS, (via) => VIA_LABELS[via]()).label
