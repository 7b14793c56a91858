// The meeting's action items: the task, its owner, due date, status and goal.
import { usePartnership } from "../app/context"
import type { ActionItem } from "../generated/model"
import { newAction } from "../model/create"
import { list, optScalar, optStr, scalar, str, today } from "../model/values"
import { DateField, EnumSelect, PartnerSelect, SelectField, TextField } from "../ui/fields"
import { ACTION_STATUS, goalChoices } from "./choices"
import { ItemTable, RowButtons, type Column } from "./ItemTable"
import { MeetingSection, useAdded, type SectionProps } from "./MeetingSection"
import { t } from "./messages"
import { isOpenStatus, isOverdue } from "./openActions"
import { OverdueBadge } from "./OverdueBadge"

/** Edits the action items. */
export function ActionItemsSection({ editor, meeting }: SectionProps) {
  const { charter } = usePartnership()
  const goals = goalChoices(charter)
  const items = list(meeting.actions)
  const now = today()
  const late = (item: ActionItem) => isOpenStatus(str(item.status)) && isOverdue(optStr(item.due), now)
  const [added, add] = useAdded(() => {
    const item = newAction("")
    editor.add("actions", item)
    return str(item.id)
  })
  const columns: Column<ActionItem>[] = [
    {
      label: t("task"),
      class: "col-wide",
      cell: (item) => (
        <TextField
          label={t("task")}
          value={str(item.task)}
          autoFocus={str(item.id) === added}
          testId="action-task"
          onCommit={(v) => editor.set("actions", str(item.id), "task", scalar(v))}
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
          onChange={(v) => editor.set("actions", str(item.id), "ownerPartnerId", optScalar(v))}
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
            onCommit={(v) => editor.set("actions", str(item.id), "due", optScalar(v))}
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
          onChange={(v) => v && editor.set("actions", str(item.id), "status", scalar(v))}
        />
      ),
    },
    {
      label: t("goal"),
      cell: (item) => (
        <SelectField
          label={t("goal")}
          value={str(item.goalId)}
          choices={goals}
          none={t("noGoal")}
          testId="action-goal"
          onChange={(v) => editor.set("actions", str(item.id), "goalId", optScalar(v))}
        />
      ),
    },
    {
      label: t("itemActions"),
      class: "col-buttons",
      cell: (item) => (
        <RowButtons
          name={str(item.task) || t("actionItem")}
          testId="action"
          onRemove={() => editor.remove("actions", str(item.id))}
        />
      ),
    },
  ]
  return (
    <MeetingSection
      id="actions-heading"
      title={t("actions")}
      addLabel={t("addAction")}
      addTestId="add-action"
      onAdd={add}
    >
      <ItemTable
        labelledBy="actions-heading"
        columns={columns}
        items={items}
        itemKey={(item) => str(item.id)}
        empty={t("actionsEmpty")}
        rowTestId="action-item"
        rowProps={(item) => ({
          class: late(item) ? "is-overdue" : undefined,
          "data-status": str(item.status),
        })}
      />
    </MeetingSection>
  )
}
