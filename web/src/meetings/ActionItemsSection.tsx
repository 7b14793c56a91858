// The meeting's action items: the task, its owner, due date, status and goal.
import { usePartnership } from "../app/context"
import type { ActionItem } from "../generated/model"
import { newAction } from "../model/create"
import { optScalar, optStr, scalar, str, today } from "../model/values"
import { DateField, EnumSelect, PartnerSelect, TextField } from "../ui/fields"
import { ACTION_STATUS, goalChoices } from "./choices"
import type { Column } from "./ItemTable"
import { goalColumn, ListSection, useListEditor, type SectionProps } from "./MeetingSection"
import { t } from "./messages"
import { isOpenStatus, isOverdue } from "./openActions"
import { OverdueBadge } from "./OverdueBadge"

/** Edits the action items. */
export function ActionItemsSection({ editor, meeting }: SectionProps) {
  const { charter } = usePartnership()
  const actions = useListEditor(editor, meeting, "actions", () => newAction(""))
  const now = today()
  const late = (item: ActionItem) => isOpenStatus(str(item.status)) && isOverdue(optStr(item.due), now)
  const columns: Column<ActionItem>[] = [
    {
      label: t("task"),
      class: "col-wide",
      cell: (item) => (
        <TextField
          label={t("task")}
          value={str(item.task)}
          autoFocus={str(item.id) === actions.added}
          testId="action-task"
          onCommit={(v) => actions.set(item, "task", scalar(v))}
        />
      ),
    },
    {
      label: t("owner"),
      cell: (item) => (
        <PartnerSelect
          label={t("owner")}
          partners={charter.partners}
          value={item.ownerPartnerId}
          none={t("noOwner")}
          testId="action-owner"
          onChange={(v) => actions.set(item, "ownerPartnerId", optScalar(v))}
        />
      ),
    },
    {
      label: t("due"),
      cell: (item) => (
        <>
          <DateField
            label={t("due")}
            value={item.due}
            testId="action-due"
            onCommit={(v) => actions.set(item, "due", optScalar(v))}
          />
          {late(item) && <OverdueBadge />}
        </>
      ),
    },
    {
      label: t("status"),
      cell: (item) => (
        <EnumSelect
          label={t("status")}
          spec={ACTION_STATUS}
          value={item.status}
          testId="action-status"
          onChange={(v) => v && actions.set(item, "status", scalar(v))}
        />
      ),
    },
    goalColumn(actions, goalChoices(charter), "action-goal"),
  ]
  return (
    <ListSection
      list={actions}
      title={t("actions")}
      columns={columns}
      itemName={(item) => str(item.task) || t("actionItem")}
      empty={t("actionsEmpty")}
      addLabel={t("addAction")}
      addTestId="add-action"
      rowTestId="action-item"
      buttonsTestId="action"
      rowProps={(item) => ({
        class: late(item) ? "is-overdue" : undefined,
        "data-status": str(item.status),
      })}
    />
  )
}
