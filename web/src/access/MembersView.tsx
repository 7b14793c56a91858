// The Members tab: who is in the partnership, and for owners the tools to
// change that (roles, removal, invitations, API tokens) and the audit log
// of every such change.
import { useMemo } from "preact/hooks"

import type { Role } from "../app/api"
import { AccessSection } from "./AccessSection"
import "./access.css"
import { AuditLog } from "./AuditLog"
import { buildDirectory } from "./audit"
import { ErrorAlert } from "./ErrorAlert"
import { InvitationList } from "./InvitationList"
import { InviteForm } from "./InviteForm"
import { LoadedList } from "./Loaded"
import { MemberList } from "./MemberList"
import { t } from "./messages"
import { TokenForm } from "./TokenForm"
import { TokenList } from "./TokenList"
import { useAccessData, loadedOr } from "./useAccessData"
import { useAction } from "./useAction"

/** Props of {@link MembersView}. */
export type MembersViewProps = {
  /** The partnership (`prt_…`). */
  partnershipId: string
  /** The person's role in it: owners get the managing tools. */
  role: Role
}

/** The Members tab of a partnership. */
export function MembersView({ partnershipId, role }: MembersViewProps) {
  const owner = role === "owner"
  const data = useAccessData(partnershipId, owner)
  const members = useAction(data.reload)
  const invitations = useAction(data.reload)
  const tokens = useAction(data.reload)
  const directory = useMemo(
    () => buildDirectory(loadedOr(data.members), loadedOr(data.tokens), loadedOr(data.audit)),
    [data.members, data.tokens, data.audit],
  )

  if (data.members.state === "loading") {
    return (
      <p class="muted" aria-busy="true" data-testid="members-loading">
        {t("loading")}
      </p>
    )
  }
  if (data.members.state === "failed") {
    return (
      <div class="access" data-testid="members-view">
        <ErrorAlert error={data.members.error} offline={t("offlineList")} testId="members-error" />
        <button type="button" class="secondary" onClick={() => void data.reload()}>
          {t("tryAgain")}
        </button>
      </div>
    )
  }

  return (
    <div class="access" data-testid="members-view">
      <MemberList partnershipId={partnershipId} members={data.members.value} owner={owner} action={members} />
      {owner && (
        <>
          <AccessSection title={t("invitations")} testId="invitations">
            <InviteForm partnershipId={partnershipId} action={invitations} />
            <ErrorAlert error={invitations.error} testId="invitations-error" />
            <LoadedList loaded={data.invitations}>
              {(list) => <InvitationList partnershipId={partnershipId} invitations={list} action={invitations} />}
            </LoadedList>
          </AccessSection>
          <AccessSection title={t("tokens")} intro={t("tokensIntro")} testId="tokens">
            <TokenForm partnershipId={partnershipId} action={tokens} />
            <ErrorAlert error={tokens.error} testId="tokens-error" />
            <LoadedList loaded={data.tokens}>
              {(list) => <TokenList partnershipId={partnershipId} tokens={list} action={tokens} />}
            </LoadedList>
          </AccessSection>
          <AccessSection title={t("audit")} intro={t("auditIntro")} testId="audit">
            <LoadedList loaded={data.audit}>
              {(events) => <AuditLog partnershipId={partnershipId} events={events} directory={directory} />}
            </LoadedList>
          </AccessSection>
        </>
      )}
    </div>
  )
}
