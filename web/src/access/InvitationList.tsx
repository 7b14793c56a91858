// The partnership's invitations, with their state; pending ones can be revoked.
import { api, type Invitation } from "../app/api"
import { formatDateTime } from "../i18n"
import { invitationStatusLabel, roleLabel } from "./labels"
import { t } from "./messages"
import { DataTable } from "./DataTable"
import { sortInvitations } from "./sort"
import { formatDay } from "./time"
import type { Action } from "./useAction"

/** Props of {@link InvitationList}. */
export type InvitationListProps = {
  /** The partnership. */
  partnershipId: string
  /** Its invitations. */
  invitations: readonly Invitation[]
  /** Runs the revocations. */
  action: Action
}

/** The invitations table, pending first, each pending one with a Revoke button. */
export function InvitationList({ partnershipId, invitations, action }: InvitationListProps) {
  if (invitations.length === 0) return <p class="muted">{t("noInvitations")}</p>
  const columns = [t("role"), t("status"), t("created"), t("expires"), t("actions")]
  return (
    <DataTable
      caption={t("invitationsTable")}
      columns={columns}
      rows={sortInvitations(invitations)}
      rowKey={(invitation) => invitation.id}
      rowAttributes={(invitation) => ({ "data-testid": "invitation-row", "data-status": invitation.status })}
      cells={(invitation) => [
        roleLabel(invitation.role),
        <span class={`invitation-status status-${invitation.status}`}>{invitationStatusLabel(invitation.status)}</span>,
        formatDay(invitation.created_at),
        formatDateTime(invitation.expires_at),
        invitation.status === "pending" && (
          <button
            type="button"
            class="danger"
            disabled={action.busy}
            aria-label={t("revokeInvitation", {
              role: roleLabel(invitation.role),
              date: formatDateTime(invitation.created_at),
            })}
            data-testid="invitation-revoke"
            onClick={() => void action.run(() => api.revokeInvitation(partnershipId, invitation.id))}
          >
            {t("revoke")}
          </button>
        ),
      ]}
    />
  )
}
