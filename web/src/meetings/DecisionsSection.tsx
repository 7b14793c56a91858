// What the meeting decided: the decision, how, when, and the goal it concerns.
import { usePartnership } from "../app/context"
import type { Decision } from "../generated/model"
import { scalar, str, today } from "../model/values"
import { DateField, EnumSelect, TextField } from "../ui/fields"
import { DECISION_METHOD, goalChoices } from "./choices"
import { newDecision } from "./items"
import type { Column } from "./ItemTable"
import { goalColumn, ListSection, useListEditor, type SectionProps } from "./MeetingSection"
import { t } from "./messages"
import { dateInZone } from "./time"

/** Edits the decisions. */
export function DecisionsSection({ editor, meeting }: SectionProps) {
  const { charter } = usePartnership()
  const decisions = useListEditor(editor, meeting, "decisions", () => {
    // Decisions are dated the day of the meeting, unless it has not happened yet.
    const meetingDay = dateInZone(str(meeting.start), str(meeting.timeZone))
    const day = meetingDay && meetingDay <= today() ? meetingDay : today()
    return newDecision("", day)
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
          autoFocus={str(item.id) === decisions.added}
          testId="decision-text"
          onCommit={(v) => decisions.set(item, "text", scalar(v))}
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
          onChange={(v) => v && decisions.set(item, "method", scalar(v))}
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
          onCommit={(v) => v && decisions.set(item, "date", scalar(v))}
        />
      ),
    },
    goalColumn(decisions, goalChoices(charter), "decision-goal"),
  ]
  return (
    <ListSection
      list={decisions}
      title={t("decisions")}
      columns={columns}
      itemName={(item) => str(item.text) || t("decision")}
      empty={t("decisionsEmpty")}
      addLabel={t("addDecision")}
      addTestId="add-decision"
      rowTestId="decision"
      buttonsTestId="decision"
    />
  )
}
