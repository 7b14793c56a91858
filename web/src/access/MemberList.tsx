// The partnership's members: everyone sees who they are; owners change
// roles and remove members.
import { useRef, useState } from "preact/hooks"

import { api, type Member } from "../app/api"
import { AccessSection } from "./AccessSection"
import { ConfirmDialog } from "./ConfirmDialog"
import { ErrorAlert } from "./ErrorAlert"
import { roleLabel, ROLES } from "./labels"
import { t } from "./messages"
import { RoleSelect } from "./RoleSelect"
import { DataTable } from "./DataTable"
import { sortMembers } from "./sort"
import { formatDay } from "./time"
import type { Action } from "./useAction"

/** Props of {@link MemberList}. */
export type MemberListProps = {
  /** The partnership. */
  partnershipId: string
  /** Its members. */
  members: readonly Member[]
  /** Whether the person may change roles and remove members. */
  owner: boolean
  /** Runs the changes made here. */
  action: Action
}

/** A member's name as shown. */
function memberName(member: Member): string {
  return member.user.display_name || member.user.username
}

/** The members table, with role selects and Remove buttons for owners. */
export function MemberList({ partnershipId, members, owner, action }: MemberListProps) {
  const heading = useRef<HTMLHeadingElement>(null)
  const [removing, setRemoving] = useState<Member | null>(null)
  const columns = [t("name"), t("organisation"), t("role"), t("joined"), ...(owner ? [t("actions")] : [])]

  async function remove(member: Member) {
    const done = await action.run(() => api.removeMember(partnershipId, member.user.id).then(() => true))
    if (done) setRemoving(null)
  }

  return (
    <AccessSection title={t("members")} intro={t("membersIntro")} headingRef={heading} testId="members">
      {owner && <p class="muted">{t("ownerHint")} {t("roleChangeNote")}</p>}
      {!removing && <ErrorAlert error={action.error} testId="members-error" />}
      {members.length === 0 ? (
        <p class="muted">{t("noMembers")}</p>
      ) : (
        <DataTable
          caption={t("membersTable")}
          hideCaption
          columns={columns}
          rows={sortMembers(members)}
          rowKey={(member) => member.user.id}
          rowAttributes={(member) => ({ "data-testid": "member-row", "data-username": member.user.username })}
          cells={(member) => {
            const name = memberName(member)
            return [
              <>
                <span class="member-name">{name}</span>
                {name !== member.user.username && <span class="muted member-username">@{member.user.username}</span>}
              </>,
              member.user.organisation,
              owner ? (
                <RoleSelect
                  label={t("roleOf", { name })}
                  hideLabel
                  roles={ROLES}
                  value={member.role}
                  disabled={action.busy}
                  testId="member-role"
                  onChange={(role) => void action.run(() => api.setRole(partnershipId, member.user.id, role))}
                />
              ) : (
                roleLabel(member.role)
              ),
              formatDay(member.added_at),
              ...(owner
                ? [
                    <button
                      type="button"
                      class="danger"
                      disabled={action.busy}
                      aria-label={t("removeMember", { name })}
                      data-testid="member-remove"
                      onClick={() => {
                        action.clear()
                        setRemoving(member)
                      }}
                    >
                      {t("remove")}
                    </button>,
                  ]
                : []),
            ]
          }}
        />
      )}
      {removing && (
        <ConfirmDialog
          title={t("removeTitle", { name: memberName(removing) })}
          confirmLabel={t("remove")}
          confirmTestId="member-remove-confirm"
          busy={action.busy}
          error={action.error}
          fallbackFocus={heading}
          onConfirm={() => void remove(removing)}
          onCancel={() => {
            action.clear()
            setRemoving(null)
          }}
        >
          <p>{t("removeBody", { name: memberName(removing) })}</p>
        </ConfirmDialog>
      )}
    </AccessSection>
  )
}
