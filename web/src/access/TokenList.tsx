// The partnership's API tokens; active ones can be revoked.
import { api, type Token } from "../app/api"
import { roleLabel } from "./labels"
import { t } from "./messages"
import { DataTable } from "./DataTable"
import { sortTokens } from "./sort"
import { formatDay } from "./time"
import type { Action } from "./useAction"

/** Props of {@link TokenList}. */
export type TokenListProps = {
  /** The partnership. */
  partnershipId: string
  /** Its tokens. */
  tokens: readonly Token[]
  /** Runs the revocations. */
  action: Action
}

/** The tokens table, active first, each active one with a Revoke button. */
export function TokenList({ partnershipId, tokens, action }: TokenListProps) {
  if (tokens.length === 0) return <p class="muted">{t("noTokens")}</p>
  const columns = [t("label"), t("role"), t("created"), t("status"), t("actions")]
  return (
    <DataTable
      caption={t("tokensTable")}
      hideCaption
      columns={columns}
      rows={sortTokens(tokens)}
      rowKey={(token) => token.id}
      rowAttributes={(token) => ({ "data-testid": "token-row", "data-revoked": String(token.revoked_at !== null) })}
      cells={(token) => [
        token.label,
        roleLabel(token.role),
        formatDay(token.created_at),
        token.revoked_at === null ? t("active") : t("revokedOn", { date: formatDay(token.revoked_at) }),
        token.revoked_at === null && (
          <button
            type="button"
            class="danger"
            disabled={action.busy}
            aria-label={t("revokeToken", { label: token.label })}
            data-testid="token-revoke"
            onClick={() => void action.run(() => api.revokeToken(partnershipId, token.id))}
          >
            {t("revoke")}
          </button>
        ),
      ]}
    />
  )
}
