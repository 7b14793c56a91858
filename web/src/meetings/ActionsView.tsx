// The open action items of all the partnership's meetings in one list:
// every meeting document is opened on its own (one slow or missing meeting
// does not hold up the rest), and a status changed here is written into the
// meeting the item comes from.
import type { DocHandle } from "@automerge/automerge-repo"
import { useRef, useState } from "preact/hooks"

import { usePartnership } from "../app/context"
import { routeHash, toUrl } from "../app/route"
import type { MeetingDocument } from "../generated/model"
import { formatDate } from "../i18n"
import { list, scalar, str, today } from "../model/values"
import { EnumSelect, labelOf, partnerChoices, SelectField } from "../ui/fields"
import { ACTION_STATUS, goalChoices } from "./choices"
import { setItemField } from "./edit"
import { ItemTable, type Column } from "./ItemTable"
import { t } from "./messages"
import {
  collectOpenActions,
  filterOpenActions,
  isOverdue,
  NONE,
  type ActionFilter,
  type MeetingSource,
  type OpenAction,
} from "./openActions"
import { useOpenDocs } from "./openDocs"
import { OverdueBadge } from "./OverdueBadge"
import "./meetings.css"

const STATUS_TEST_ID = "open-action-status"

/** The open action items across the partnership's meetings. */
export function ActionsView() {
  const { repo, charter, charterHandle, services } = usePartnership()
  const links = list(charter.meetings)
  const docs = useOpenDocs<MeetingDocument>(
    repo,
    links.map((l) => str(l.url)),
    // A link to the charter itself (a damaged list) must not untrack the charter when closed.
    (handle) => (handle.documentId === charterHandle.documentId ? () => {} : services.pending.track(handle as DocHandle<unknown>)),
  )
  const [filter, setFilter] = useState<ActionFilter>({ partner: "", goal: "" })
  const [announcement, setAnnouncement] = useState("")
  const section = useRef<HTMLElement>(null)

  const sources: MeetingSource[] = links.map((link) => {
    const opened = docs.get(str(link.url))
    const doc = opened?.state === "ready" && str(opened.doc.docType) === "meeting" ? opened.doc : undefined
    return { url: str(link.url), title: str(link.title), start: str(link.start), doc }
  })
  const all = collectOpenActions(sources)
  const shown = filterOpenActions(all, filter)
  const loading = links.filter((l) => (docs.get(str(l.url))?.state ?? "loading") === "loading").length
  const unavailable = links.filter((l) => {
    const opened = docs.get(str(l.url))
    return opened?.state === "unavailable" || (opened?.state === "ready" && str(opened.doc.docType) !== "meeting")
  })

  const partners = partnerChoices(charter.partners)
  const goals = goalChoices(charter)
  const now = today()

  const setStatus = (action: OpenAction, status: string) => {
    const opened = docs.get(action.meetingUrl)
    if (opened?.state !== "ready") return
    const rows = [...(section.current?.querySelectorAll<HTMLSelectElement>(`[data-testid="${STATUS_TEST_ID}"]`) ?? [])]
    const index = rows.findIndex((el) => el === document.activeElement)
    opened.handle.change((d) => void setItemField(d, "actions", action.id, "status", scalar(status)))
    setAnnouncement(t("statusChanged", { task: action.task || t("actionItem"), status: ACTION_STATUS.label(status) }))
    // A done or cancelled item leaves the list: keep the focus nearby.
    requestAnimationFrame(() => {
      if (index < 0 || !section.current || section.current.contains(document.activeElement)) return
      const next = section.current.querySelectorAll<HTMLSelectElement>(`[data-testid="${STATUS_TEST_ID}"]`)
      const target = next[Math.min(index, next.length - 1)] ?? section.current.querySelector<HTMLElement>("h2")
      target?.focus()
    })
  }

  const meetingHref = (url: string) => {
    const meeting = toUrl(url)
    return meeting ? routeHash({ page: "partnership", charter: charterHandle.url, tab: "meetings", meeting }) : undefined
  }

  const columns: Column<OpenAction>[] = [
    { label: t("task"), class: "col-wide", plain: true, cell: (a) => <span class="open-action-task">{a.task || t("actionItem")}</span> },
    {
      label: t("meeting"),
      plain: true,
      cell: (a) => (
        <a href={meetingHref(a.meetingUrl)} data-testid="open-action-meeting">
          {a.meetingTitle || t("untitled")}
        </a>
      ),
    },
    {
      label: t("owner"),
      plain: true,
      cell: (a) => (a.ownerPartnerId ? labelOf(partners, a.ownerPartnerId) : <span class="muted">{t("noOwner")}</span>),
    },
    {
      label: t("due"),
      plain: true,
      cell: (a) =>
        a.due ? (
          <>
            <time dateTime={a.due}>{formatDate(a.due)}</time>
            {isOverdue(a.due, now) && <OverdueBadge />}
          </>
        ) : (
          <span class="muted">{t("noDue")}</span>
        ),
    },
    {
      label: t("goal"),
      plain: true,
      cell: (a) => (a.goalId ? labelOf(goals, a.goalId) : <span class="muted">{t("noGoal")}</span>),
    },
    {
      label: t("status"),
      cell: (a) => (
        <EnumSelect
          label={t("status")}
          spec={ACTION_STATUS}
          value={a.status}
          testId={STATUS_TEST_ID}
          onChange={(v) => v && setStatus(a, v)}
        />
      ),
    },
  ]

  return (
    <section class="open-actions" aria-labelledby="open-actions-heading" ref={section}>
      <h2 id="open-actions-heading" tabIndex={-1}>
        {t("openActionsTitle")}
      </h2>
      <p class="muted">{t("openActionsIntro")}</p>
      <div class="row action-filters">
        <SelectField
          label={t("filterPartner")}
          value={filter.partner}
          choices={[...partners, { value: NONE, label: t("noOwner") }]}
          none={t("all")}
          testId="filter-partner"
          onChange={(partner) => setFilter({ ...filter, partner })}
        />
        <SelectField
          label={t("filterGoal")}
          value={filter.goal}
          choices={[...goals, { value: NONE, label: t("noGoal") }]}
          none={t("all")}
          testId="filter-goal"
          onChange={(goal) => setFilter({ ...filter, goal })}
        />
      </div>
      {loading > 0 && (
        <p class="muted" aria-busy="true" data-testid="actions-loading">
          {t("loadingMeetings", { count: loading })}
        </p>
      )}
      {unavailable.length > 0 && (
        <div class="unavailable-meetings" data-testid="actions-unavailable">
          <p>{t("meetingsUnavailable")}</p>
          <ul>
            {unavailable.map((l) => (
              <li key={str(l.id)}>
                <a href={meetingHref(str(l.url))}>{str(l.title) || t("untitled")}</a>
              </li>
            ))}
          </ul>
        </div>
      )}
      {all.length > 0 && (
        <p class="muted" data-testid="open-actions-count">
          {t("openActionsCount", { count: shown.length, total: all.length })}
        </p>
      )}
      <ItemTable
        labelledBy="open-actions-heading"
        columns={columns}
        items={shown}
        itemKey={(a) => `${a.meetingUrl} ${a.id}`}
        empty={loading > 0 ? "" : all.length === 0 ? t("noOpenActions") : t("noMatchingActions")}
        rowTestId="open-action"
        rowProps={(a) => ({ class: isOverdue(a.due, now) ? "is-overdue" : undefined })}
      />
      <p class="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
    </section>
  )
}
