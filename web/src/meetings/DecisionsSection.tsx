// What the meeting decided: the decision, how, when, and the goal it concerns.
import { usePartnership } from "../app/context"
import type { Decision } from "../generated/model"
import { list, optScalar, scalar, str, today } from "../model/values"
import { DateField, EnumSelect, SelectField, TextField } from "../ui/fields"
import { DECISION_METHOD, goalChoices } from "./choices"
import { newDecision } from "./items"
import { ItemTable, RowButtons, type Column } from "./ItemTable"
import { MeetingSection, useAdded, type SectionProps } from "./MeetingSection"
import { t } from "./messages"
import { dateInZone } from "./time"

/** Edits the decisions. */
export function DecisionsSection({ editor, meeting }: SectionProps) {
  const { charter } = usePartnership()
  const goals = goalChoices(charter)
  const items = list(meeting.decisions)
  const [added, add] = useAdded(() => {
    // Decisions are dated the day of the meeting, unless it has not happened yet.
    const meetingDay = dateInZone(str(meeting.start), str(meeting.timeZone))
    const day = meetingDay && meetingDay <= today() ? meetingDay : today()
    const item = newDecision("", day)
    editor.add("decisions", item)
    return str(item.id)
  })
  const columns: Column<Decision>[] = [
    {
      label: t("decisionText"),
      class: "col-wide",
      cell: (item) => (
        <TextField
          label={t("decisionText")}
          multiline
          rows={2}
          value={str(item.text)}
          autoFocus={str(item.id) === added}
          testId="decision-text"
          onCommit={(v) => editor.set("decisions", str(item.id), "text", scalar(v))}
        />
      ),
    },
    {
      label: t("method"),
      cell: (item) => (
        <EnumSelect
          label={t("method")}
          spec={DECISION_METHOD}
          value={item.method}
          testId="decision-method"
          onChange={(v) => v && editor.set("decisions", str(item.id), "method", scalar(v))}
        />
      ),
    },
    {
      label: t("date"),
      cell: (item) => (
        <DateField
          label={t("date")}
          required
          value={item.date}
          testId="decision-date"
          // A decision always has a date: clearing the field keeps the old one.
          onCommit={(v) => v && editor.set("decisions", str(item.id), "date", scalar(v))}
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
          testId="decision-goal"
          onChange={(v) => editor.set("decisions", str(item.id), "goalId", optScalar(v))}
        />
      ),
    },
    {
      label: t("itemActions"),
      class: "col-buttons",
      cell: (item) => (
        <RowButtons
          name={str(item.text) || t("decision")}
          testId="decision"
          onRemove={() => editor.remove("decisions", str(item.id))}
        />
      ),
    },
  ]
  return (
    <MeetingSection
      id="decisions-heading"
      title={t("decisions")}
      addLabel={t("addDecision")}
      addTestId="add-decision"
      onAdd={add}
    >
      <ItemTable
        labelledBy="decisions-heading"
        columns={columns}
        items={items}
        itemKey={(item) => str(item.id)}
        empty={t("decisionsEmpty")}
        rowTestId="decision"
      />
    </MeetingSection>
  )
}
