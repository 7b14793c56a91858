// The partnership's audit log, newest first, with downloads of the whole log.
import { api, type AuditEvent } from "../app/api"
import { formatDateTime } from "../i18n"
import { auditRows, type Directory } from "./audit"
import { t } from "./messages"
import { DataTable } from "./DataTable"
import { newestFirst } from "./sort"

/** Props of {@link AuditLog}. */
export type AuditLogProps = {
  /** The partnership. */
  partnershipId: string
  /** Its audit events. */
  events: readonly AuditEvent[]
  /** The names of users and tokens the actors and details refer to. */
  directory: Directory
}

/** Download links of the audit log as JSON and CSV. */
function Downloads({ partnershipId }: { partnershipId: string }) {
  return (
    <p class="audit-downloads">
      <a
        href={api.auditDownloadUrl(partnershipId, "json")}
        download={`mitra-audit-${partnershipId}.json`}
        data-testid="audit-download-json"
      >
        {t("downloadJson")}
      </a>
      <a
        href={api.auditDownloadUrl(partnershipId, "csv")}
        download={`mitra-audit-${partnershipId}.csv`}
        data-testid="audit-download-csv"
      >
        {t("downloadCsv")}
      </a>
    </p>
  )
}

/** The audit log as a table: time, who, what, details. */
export function AuditLog({ partnershipId, events, directory }: AuditLogProps) {
  const rows = auditRows(newestFirst(events), directory)
  return (
    <>
      <Downloads partnershipId={partnershipId} />
      {rows.length === 0 ? (
        <p class="muted" data-testid="audit-log">
          {t("noAudit")}
        </p>
      ) : (
        <DataTable
          caption={t("auditTable")}
          hideCaption
          columns={[t("time"), t("who"), t("what"), t("details")]}
          rows={rows}
          rowKey={(row) => row.id}
          rowAttributes={() => ({ "data-testid": "audit-row" })}
          cells={(row) => [<time dateTime={row.at}>{formatDateTime(row.at)}</time>, row.who, row.what, row.details]}
          testId="audit-log"
          class="audit-table"
        />
      )}
    </>
  )
}
